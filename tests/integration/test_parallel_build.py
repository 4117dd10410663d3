"""Parallel indexing against the real node: `--workers 2` writes what `--workers 1` does, and a split
build (`--part I/N` on several machines, then `publish`) ends with exactly what a single build holds."""

from __future__ import annotations

import contextlib
import functools
import shutil
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from analyzers.segment import Segmenter
from config.settings import EsSettings, Settings
from indexer.pipeline import Pipeline
from indexer.plan import Part
from indexer.split import SplitError
from store.search_store import SearchStore
from tests.conftest import CORPUS, es_url
from tests.fakes import FakeEmbedder
from tests.integration.test_kill_rerun import SAMPLE, _cli, _expected, _kill_when_half_written

pytestmark = pytest.mark.integration

NOTICE = "关于加强{topic}工作的通知\n各有关部门要高度重视{topic}工作，切实抓好落实，定期开展督导检查。\n"
TOPICS = ["古树名木保护", "农机购置补贴", "政务公开", "安全生产", "河湖长制", "粮食安全", "消防安全"]


def _corpus(folder: Path) -> Path:
    """A gazette of 16 documents and seven one-document files."""
    folder.mkdir()
    shutil.copy(CORPUS / SAMPLE, folder)
    for i, topic in enumerate(TOPICS):
        (folder / f"notice_{i}.txt").write_text(NOTICE.format(topic=topic), encoding="utf-8")
    return folder


def _pipeline(settings: Settings, alias: str, workers: int = 1) -> Pipeline:
    # Small batches, so two workers embed many batches and their results must come back in order.
    scoped = settings.model_copy(
        update={
            "es": EsSettings(url=es_url(), index=alias, bulk_chunk=50),
            "indexer": settings.indexer.model_copy(update={"embed_chunk_passages": 8}),
        }
    )
    store = SearchStore(scoped.es)
    make = functools.partial(FakeEmbedder, dims=16)
    return Pipeline(scoped, store, make(), Segmenter(scoped.analyzer), workers, make)


def _held(es: Elasticsearch, index: str) -> dict[str, Any]:
    """Every record of the index by id: its text, vector and the document fields the tests compare."""
    es.indices.refresh(index=index)
    hits = es.search(index=index, size=10_000, query={"match_all": {}})["hits"]["hits"]
    keep = ("type", "doc_id", "text", "vector", "content_hash", "passage_count", "version_group")
    return {h["_id"]: {k: h["_source"].get(k) for k in keep} for h in hits}


def test_two_workers_write_what_one_does(
    es_client: Elasticsearch, settings: Settings, test_alias: str, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    one = _pipeline(settings, test_alias).build([corpus])
    two = _pipeline(settings, f"{test_alias}_two", workers=2).build([corpus])  # deleted with test_alias*
    assert (two.documents, two.passages) == (one.documents, one.passages) == _expected(corpus)
    assert _held(es_client, two.index) == _held(es_client, one.index)


def test_split_build_publishes_what_a_single_build_holds(
    es_client: Elasticsearch, settings: Settings, test_alias: str, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "corpus")
    single = _pipeline(settings, f"{test_alias}_single").build([corpus])
    machines = [_pipeline(settings, test_alias) for _ in range(2)]  # as if on two machines
    with contextlib.ExitStack() as stack:
        for m in machines:
            stack.callback(m.store.close)
        second = machines[1].build_part([corpus], Part(2, 2))  # parts come in any order
        assert machines[0].store.live_index() is None  # nothing is published by a part
        with pytest.raises(SplitError, match="part 1/2 not in yet"):
            machines[1].publish()
        first = machines[0].build_part([corpus], Part(1, 2))
        assert first.index == second.index  # both parts write into the same split build
        assert {first.files, second.files} != {0} and first.files + second.files == single.files
        done = machines[0].publish()
        assert done.index == machines[0].store.live_index() == first.index
        assert (done.documents, done.passages) == (single.documents, single.passages)
        assert _held(es_client, done.index) == _held(es_client, single.index)
        with pytest.raises(SplitError, match="no split build"):
            machines[0].publish()  # published once: no second publish


def test_killed_part_rerun_then_publish(es_client: Elasticsearch, test_alias: str, tmp_path: Path) -> None:
    """Through the CLI with the real model: a part killed halfway and run again, the other part, then
    `publish` refusing while a part is missing (exit 2) and publishing exact counts once all are in."""
    corpus = _corpus(tmp_path / "corpus")
    big = Part(1, 2) if Part(1, 2).holds(SAMPLE) else Part(2, 2)  # the part holding the gazette
    other = Part(3 - big.number, 2)

    proc = _cli(test_alias, "build", "--no-progress", "--part", str(big), str(corpus))
    _kill_when_half_written(es_client, test_alias, proc, old=None)
    refused = _cli(test_alias, "publish")
    out = refused.stdout.read().decode() if refused.stdout else ""
    assert refused.wait() == 2 and "not in yet" in out, out

    for part in (big, other):
        rerun = _cli(test_alias, "build", "--no-progress", "--part", str(part), str(corpus))
        assert rerun.wait() == 0, rerun.stdout.read() if rerun.stdout else ""
    published = _cli(test_alias, "publish")
    assert published.wait() == 0, published.stdout.read() if published.stdout else ""
    live = next(iter(es_client.indices.get_alias(name=test_alias)))
    es_client.indices.refresh(index=live)
    count = lambda t: es_client.count(index=live, query={"term": {"type": t}})["count"]  # noqa: E731
    assert (count("document"), count("passage")) == _expected(corpus)
    assert list(es_client.indices.get(index=f"{test_alias}-v*")) == [live]  # one split build, published

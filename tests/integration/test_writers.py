"""Writers together, through the real CLI: two builds against one alias on a node that auto-creates
indices (the stock default), `ensure` (what `make run` runs) leaving a library of other folders alone, and
a killed update leaving every document whole."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from store.lock import lock_index_name
from store.mapping import SCHEMA_VERSION
from tests.conftest import CORPUS
from tests.integration.test_kill_rerun import SAMPLE, _cli, _live, _written

pytestmark = pytest.mark.integration


def _small(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a.txt").write_text(
        "关于加强古树名木保护工作的通知\n各有关部门要高度重视古树名木保护。\n", encoding="utf-8"
    )
    return folder


def _lock_held(es: Elasticsearch, alias: str) -> bool:
    return bool(
        es.options(ignore_status=(404, 503)).get(index=lock_index_name(alias), id="writer").get("found")
    )


def test_two_builds_one_wins_the_other_refuses(
    es_client: Elasticsearch, test_alias: str, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / SAMPLE, corpus)
    es_client.cluster.put_settings(persistent={"action.auto_create_index": True})
    try:
        first = _cli(test_alias, "build", "--no-progress", str(corpus))
        deadline = time.monotonic() + 120
        while not _lock_held(es_client, test_alias) and time.monotonic() < deadline:
            time.sleep(0.1)
        second = _cli(test_alias, "build", "--no-progress", str(corpus))
        out, _ = second.communicate(timeout=300)
        assert second.returncode == 3, out
        assert b"another writer holds the index lock" in out
        while first.poll() is None:  # the alias never points at an index without our mapping
            if es_client.indices.exists_alias(name=test_alias):
                meta = es_client.indices.get_mapping(index=test_alias)[_live(es_client, test_alias)]
                assert meta["mappings"]["_meta"]["schema_version"] == SCHEMA_VERSION
            time.sleep(0.2)
        assert first.returncode == 0, first.stdout.read() if first.stdout else ""
    finally:
        es_client.cluster.put_settings(persistent={"action.auto_create_index": None})
    live = _live(es_client, test_alias)
    assert es_client.indices.get_mapping(index=live)[live]["mappings"]["dynamic"] == "strict"
    assert not _lock_held(es_client, test_alias)  # released


def test_ensure_serves_a_library_of_other_folders_as_it_is(
    es_client: Elasticsearch, test_alias: str, tmp_path: Path
) -> None:
    library = _small(tmp_path / "library")
    assert _cli(test_alias, "build", "--no-progress", str(library)).wait() == 0
    live = _live(es_client, test_alias)
    proc = _cli(test_alias, "ensure", "--no-progress", str(CORPUS))
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out
    assert b"serving the existing index" in out
    assert _live(es_client, test_alias) == live
    es_client.indices.refresh(index=live)
    assert es_client.count(index=live, query={"term": {"type": "document"}})["count"] == 1


def test_a_killed_update_leaves_every_document_whole(
    es_client: Elasticsearch, test_alias: str, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / SAMPLE, corpus)
    assert _cli(test_alias, "build", "--no-progress", str(corpus)).wait() == 0
    live = _live(es_client, test_alias)
    # Every document changes (and gets shorter): the update rewrites all of them in place.
    original = (corpus / SAMPLE).read_text(encoding="utf-8")
    (corpus / SAMPLE).write_text(original.replace("。", "。\n").replace("工作", "工 作"), encoding="utf-8")
    proc = _cli(test_alias, "update", "--allow-deletes", "--no-progress", str(corpus))
    before = _written(es_client, live)
    deadline = time.monotonic() + 300
    while _written(es_client, live) - before < 40 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the update finished before it could be killed"
    proc.kill()
    proc.wait()
    es_client.indices.refresh(index=live)
    records = es_client.search(
        index=live, size=10_000, source=["type", "doc_id", "content_hash", "passage_count"]
    )
    docs = {
        h["_source"]["doc_id"]: h["_source"]
        for h in records["hits"]["hits"]
        if h["_source"]["type"] == "document"
    }
    passages: dict[str, list[str]] = {}
    for h in records["hits"]["hits"]:
        if h["_source"]["type"] == "passage":
            passages.setdefault(h["_source"]["doc_id"], []).append(h["_source"]["content_hash"])
    for doc_id, doc in docs.items():  # old version or new version, never a mix
        assert set(passages[doc_id]) == {doc["content_hash"]}, doc_id
        assert len(passages[doc_id]) == doc["passage_count"], doc_id

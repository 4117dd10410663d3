"""The indexer CLI killed with SIGKILL halfway, then run again: the alias only ever points at a complete
index, and the rerun ends with exact document and passage counts and no duplicate passages."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from analyzers.passages import split_passages
from indexer.sources import iter_source_files, read_documents
from tests.conftest import CORPUS, ROOT, es_url

pytestmark = pytest.mark.integration

SAMPLE = "001_4e409ccb49078295.txt"  # a gazette of 16 documents


def _expected(folder: Path) -> tuple[int, int]:
    docs = [d for p in iter_source_files([folder]) for d in read_documents(p, folder, 10**8)]
    return len(docs), sum(len(split_passages(d)) for d in docs)


def _cli(alias: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    full_env = {
        **os.environ,
        "SEARCH_ES__URL": es_url(),
        "SEARCH_ES__INDEX": alias,
        "HF_HUB_OFFLINE": "1",
        # small chunks, so records reach Elasticsearch while the process still has work left to kill
        "SEARCH_INDEXER__EMBED_CHUNK_PASSAGES": "64",
        **(env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "indexer", *args],
        cwd=ROOT,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _counts(es: Elasticsearch, index: str) -> tuple[int, int]:
    es.indices.refresh(index=index)
    count = lambda t: es.count(index=index, query={"term": {"type": t}})["count"]  # noqa: E731
    return count("document"), count("passage")


def _kill_when_half_written(
    es: Elasticsearch, alias: str, proc: subprocess.Popen[bytes], old: str | None
) -> None:
    """SIGKILL the process once a new, unpublished index holds some passages."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        names = [n for n in es.indices.get(index=f"{alias}-v*", expand_wildcards="open") if n != old]
        if names and _written(es, names[0]) >= 40:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return
        time.sleep(0.2)
    pytest.fail(
        f"the build finished or stalled before it could be killed: {proc.stdout.read() if proc.stdout else ''}"
    )


def _written(es: Elasticsearch, index: str) -> int:
    """Records written so far; builds run with refresh off, so a count would not see them yet."""
    stats = es.indices.stats(index=index, metric="indexing")
    return int(stats["_all"]["primaries"].get("indexing", {}).get("index_total", 0))


def _live(es: Elasticsearch, alias: str) -> str:
    return next(iter(es.indices.get_alias(name=alias)))


def _assert_complete(es: Elasticsearch, alias: str, expected: tuple[int, int]) -> None:
    index = _live(es, alias)
    assert _counts(es, index) == expected
    ids = es.search(index=index, query={"term": {"type": "passage"}}, size=10_000, source=False)["hits"][
        "hits"
    ]
    assert len({h["_id"] for h in ids}) == expected[1]  # no duplicate passages


def test_killed_build_then_rerun(es_client: Elasticsearch, test_alias: str, tmp_path: Path) -> None:
    killed_build_then_rerun(es_client, test_alias, tmp_path)


def killed_build_then_rerun(
    es: Elasticsearch, alias: str, tmp_path: Path, env: dict[str, str] | None = None
) -> None:
    """Also run on a 3-node cluster (tests/e2e/test_cluster.py), with `env` pointing the CLI at it."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / SAMPLE, corpus)
    small = tmp_path / "small"
    small.mkdir()
    (small / "a.txt").write_text(
        "关于加强古树名木保护工作的通知\n各有关部门要高度重视古树名木保护。\n", encoding="utf-8"
    )

    assert _cli(alias, "build", "--no-progress", str(small), env=env).wait() == 0
    first = _live(es, alias)
    proc = _cli(alias, "build", "--no-progress", str(corpus), env=env)
    _kill_when_half_written(es, alias, proc, old=first)
    assert _live(es, alias) == first  # the alias never saw the half-built index
    assert _counts(es, first) == _expected(small)

    rerun = _cli(alias, "build", "--no-progress", str(corpus), env=env)
    assert rerun.wait() == 0, rerun.stdout.read() if rerun.stdout else ""
    _assert_complete(es, alias, _expected(corpus))
    # The killed build's index is gone; the version before the rerun is kept for rollback.
    assert set(es.indices.get(index=f"{alias}-v*")) == {_live(es, alias), first}


def test_killed_update_then_rerun(es_client: Elasticsearch, test_alias: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "关于加强古树名木保护工作的通知\n各有关部门要高度重视古树名木保护。\n", encoding="utf-8"
    )
    assert _cli(test_alias, "build", "--no-progress", str(corpus)).wait() == 0
    live = _live(es_client, test_alias)
    shutil.copy(CORPUS / SAMPLE, corpus)

    proc = _cli(test_alias, "update", "--no-progress", str(corpus))
    deadline = time.monotonic() + 300
    before = _written(es_client, live)
    while _written(es_client, live) - before < 40 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "the update finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    rerun = _cli(test_alias, "update", "--no-progress", str(corpus))
    assert rerun.wait() == 0, rerun.stdout.read() if rerun.stdout else ""
    assert _live(es_client, test_alias) == live  # update works in place
    _assert_complete(es_client, test_alias, _expected(corpus))

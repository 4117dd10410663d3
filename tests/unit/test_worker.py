"""indexer/worker.py: reading in a worker process, a file over its time budget is skipped and the worker replaced."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from analyzers.document import Document
from config.settings import IndexerSettings
from indexer.sources import UnreadableFile, read_documents
from indexer.worker import ReadWorker

NOTICE = "关于加强古树名木保护工作的通知\n各有关部门要高度重视古树名木保护工作。\n聊城市人民政府办公室\n2023年7月10日\n"


def _slow_on_name(path: Path, root: Path, max_bytes: int) -> list[Document]:
    """Reads like read_documents, but hangs on a file named slow.txt (sent to the worker by name)."""
    if path.name == "slow.txt":
        time.sleep(60)
    return read_documents(path, root, max_bytes)


def _broken(path: Path, root: Path, max_bytes: int) -> list[Document]:
    raise ValueError("a bug in a reader")


def test_reads_as_read_documents_does(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(NOTICE, encoding="utf-8")
    with ReadWorker(IndexerSettings()) as worker:
        docs = worker.read(tmp_path / "a.txt", tmp_path)
    assert docs == read_documents(tmp_path / "a.txt", tmp_path, IndexerSettings().max_file_bytes)


def test_unreadable_reason_comes_back(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    with ReadWorker(IndexerSettings()) as worker, pytest.raises(UnreadableFile, match="empty file"):
        worker.read(tmp_path / "empty.txt", tmp_path)


def test_file_over_budget_is_skipped_and_the_worker_replaced(tmp_path: Path) -> None:
    (tmp_path / "slow.txt").write_text(NOTICE, encoding="utf-8")
    (tmp_path / "good.txt").write_text(NOTICE, encoding="utf-8")
    settings = IndexerSettings(read_min_seconds=1.0, read_seconds_per_mb=1.0)
    with ReadWorker(settings, read_function=_slow_on_name) as worker:
        worker.read(tmp_path / "good.txt", tmp_path)  # the worker is up: its start is not timed
        started = time.perf_counter()
        with pytest.raises(UnreadableFile, match=r"over the time budget: not read in 1\.0 s"):
            worker.read(tmp_path / "slow.txt", tmp_path)
        assert time.perf_counter() - started < 15  # killed, not waited for
        (doc,) = worker.read(tmp_path / "good.txt", tmp_path)
    assert doc.title == "关于加强古树名木保护工作的通知"


def test_budget_grows_with_size() -> None:
    worker = ReadWorker(IndexerSettings(read_min_seconds=5.0, read_seconds_per_mb=20.0))
    assert worker.budget(0) == 5.0
    assert worker.budget(2_000_000) == 45.0


def test_a_bug_in_a_reader_is_raised_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(NOTICE, encoding="utf-8")
    worker = ReadWorker(IndexerSettings(), read_function=_broken)
    with worker, pytest.raises(RuntimeError, match="a bug in a reader"):
        worker.read(tmp_path / "a.txt", tmp_path)

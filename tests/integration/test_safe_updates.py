"""Never lose indexed documents: update touches only what it was pointed at, missing or empty folders are
errors, large deletions need --allow-deletes, a dry run shows exactly what the run does, rollback restores
the previous version (all against the real node)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from analyzers.segment import Segmenter
from config.settings import Settings
from indexer.pipeline import Pipeline, Report, TooManyDeletes
from indexer.scope import RootError
from store.search_store import SearchStore
from tests.fakes import FakeEmbedder
from tests.integration.test_pipeline import NOTICE

pytestmark = pytest.mark.integration

TOPICS = ["古树名木保护", "农机购置补贴", "政务公开", "体育公园建设", "河长制", "秸秆综合利用"]


def _corpus(folder: Path, topics: list[str], prefix: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, topic in enumerate(topics):
        (folder / f"{prefix}{i:02d}.txt").write_text(NOTICE.format(topic=topic), encoding="utf-8")
    return folder


def _pipeline(settings: Settings, store: SearchStore) -> Pipeline:
    scoped = settings.model_copy(update={"es": store.settings})
    return Pipeline(scoped, store, FakeEmbedder(dims=16), Segmenter(settings.analyzer))


def _titles(store: SearchStore) -> set[str]:
    store.refresh()
    hits = store.search({"query": {"term": {"type": "document"}}, "size": 100, "_source": ["title"]}).hits
    return {h.source["title"] for h in hits}


def _changes(report: Report) -> tuple[list[str], list[str], list[str]]:
    return (
        sorted(d.doc_id for d in report.added),
        sorted(d.doc_id for d in report.changed),
        sorted(d.doc_id for d in report.removed),
    )


def test_update_of_one_folder_keeps_the_others(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    mine = _corpus(tmp_path / "mine", TOPICS[:3])
    laws = _corpus(tmp_path / "laws", TOPICS[3:], prefix="law")
    pipeline = _pipeline(settings, store)
    pipeline.build([mine, laws])
    everything = _titles(store)
    assert len(everything) == 6

    report = pipeline.update([mine])  # what `make run` used to do with data/corpus
    assert report.deleted == 0 and _titles(store) == everything

    (laws / "law00.txt").unlink()
    (mine / "03.txt").write_text(NOTICE.format(topic="城乡环境整治"), encoding="utf-8")
    report = pipeline.update([], allow_deletes=True)  # no paths: every recorded folder
    assert (len(report.added), report.deleted) == (1, 1)
    assert "关于加强城乡环境整治工作的通知" in _titles(store)
    assert store.documents_per_root() == {str(mine): 4, str(laws): 2}


def test_missing_or_empty_folder_is_an_error_and_deletes_nothing(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    share = _corpus(tmp_path / "share", TOPICS[:4])
    pipeline = _pipeline(settings, store)
    pipeline.build([share])
    shutil.rmtree(share)
    with pytest.raises(RootError, match="no such file or folder"):
        pipeline.update([share])
    with pytest.raises(RootError, match="no such file or folder"):
        pipeline.update([])  # the recorded root is gone
    share.mkdir()  # the mount point is there, the share is not mounted
    with pytest.raises(RootError, match="is it mounted"):
        pipeline.update([share], allow_deletes=True)
    assert store.count("document") == 4


def test_a_root_on_another_device_is_an_error(settings: Settings, store: SearchStore, tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs /dev/shm on a device of its own")
    on_tmpfs = _corpus(shm / f"corpus-{tmp_path.name}", TOPICS[:2])
    on_disk = _corpus(tmp_path / "disk", TOPICS[:2])
    link = tmp_path / "library"
    try:
        link.symlink_to(on_tmpfs)
        pipeline = _pipeline(settings, store)
        pipeline.build([link])
        link.unlink()
        link.symlink_to(on_disk)  # the same path now shows another file system
        with pytest.raises(RootError, match="another device"):
            pipeline.update([link])
    finally:
        shutil.rmtree(on_tmpfs)


def test_large_deletions_need_allow_deletes(settings: Settings, store: SearchStore, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "c", TOPICS)
    pipeline = _pipeline(settings, store)
    pipeline.build([corpus])
    for name in ("00.txt", "01.txt"):  # 2 of 6 > 20 %
        (corpus / name).unlink()
    with pytest.raises(TooManyDeletes, match="would delete 2 of 6"):
        pipeline.update([corpus])
    assert store.count("document") == 6
    report = pipeline.update([corpus], allow_deletes=True)
    assert report.deleted == 2 and store.count("document") == 4


def test_dry_run_lists_exactly_what_the_run_does(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "c", TOPICS)
    pipeline = _pipeline(settings, store)
    dry_build = pipeline.build([corpus], dry_run=True)
    assert store.live_index() is None  # nothing was written
    build = pipeline.build([corpus])
    assert _changes(dry_build) == _changes(build) and len(build.added) == 6

    (corpus / "00.txt").unlink()
    (corpus / "01.txt").write_text(
        NOTICE.format(topic="农机购置补贴").replace("定期", "每月"), encoding="utf-8"
    )
    _corpus(tmp_path / "c", ["城乡环境整治"], prefix="new")
    before = store.count("document")
    dry = pipeline.update([corpus], dry_run=True, allow_deletes=True)
    assert store.count("document") == before
    real = pipeline.update([corpus], allow_deletes=True)
    assert _changes(dry) == _changes(real)
    assert [len(x) for x in _changes(real)] == [1, 1, 1]


def test_rollback_restores_the_previous_version_exactly(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path / "c", TOPICS)
    pipeline = _pipeline(settings, store)
    first = pipeline.build([corpus])
    counts = (store.count("document"), store.count("passage"))
    _corpus(tmp_path / "other", TOPICS[:1])
    pipeline.build([tmp_path / "other"])
    assert store.count("document") == 1
    assert store.rollback()[1] == first.index
    assert (store.count("document"), store.count("passage")) == counts

"""The indexing pipeline against the real node: build, update (only what changed), bad files, counts."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.segment import Segmenter
from config.settings import Settings
from indexer.pipeline import Pipeline
from store.search_store import SearchStore
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.integration

NOTICE = """关于加强{topic}工作的通知

各县（市、区）人民政府，市政府各部门：
为进一步加强{topic}工作，现就有关事项通知如下。
一、总体要求
坚持问题导向，压实各方责任，推动{topic}工作取得实效。各有关部门要高度重视，切实抓好落实。
二、工作措施
（一）完善制度。建立健全{topic}工作制度，明确职责分工，形成工作合力。
（二）强化督导。定期开展督导检查，对工作不力的单位予以通报。
聊城市人民政府办公室
2023年7月10日
"""


class CountingEmbedder(FakeEmbedder):
    """Counts how many passages were embedded, so a test can tell what `update` re-embedded."""

    def __init__(self) -> None:
        super().__init__(dims=16)
        self.embedded = 0

    def embed_passages(self, texts):  # type: ignore[no-untyped-def]
        self.embedded += len(texts)
        return super().embed_passages(texts)


def _write_corpus(folder: Path, topics: list[str]) -> None:
    folder.mkdir(exist_ok=True)
    for i, topic in enumerate(topics):
        (folder / f"{i:02d}.txt").write_text(NOTICE.format(topic=topic), encoding="utf-8")


def _pipeline(settings: Settings, store: SearchStore, embedder: FakeEmbedder) -> Pipeline:
    scoped = settings.model_copy(update={"es": store.settings})
    return Pipeline(scoped, store, embedder, Segmenter(settings.analyzer))


def test_build_publishes_a_complete_index(settings: Settings, store: SearchStore, tmp_path: Path) -> None:
    _write_corpus(tmp_path / "c", ["古树名木保护", "农机购置补贴", "政务公开"])
    report = _pipeline(settings, store, CountingEmbedder()).build([tmp_path / "c"])
    assert report.documents == 3 and report.failed_files == {}
    assert store.live_index() == report.index
    assert store.count("document") == 3
    assert store.count("passage") == report.passages >= 3


def test_update_reembeds_only_changed_documents(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    corpus = tmp_path / "c"
    _write_corpus(corpus, ["古树名木保护", "农机购置补贴", "政务公开"])
    _pipeline(settings, store, CountingEmbedder()).build([corpus])
    changed = NOTICE.format(topic="农机购置补贴").replace(
        "定期开展督导检查", "每季度开展农机报废更新督导检查"
    )
    (corpus / "01.txt").write_text(changed, encoding="utf-8")  # same title (same doc_id), new body
    (corpus / "02.txt").unlink()  # removed
    (corpus / "03.txt").write_text(NOTICE.format(topic="体育公园建设"), encoding="utf-8")  # added
    embedder = CountingEmbedder()
    report = _pipeline(settings, store, embedder).update([corpus], allow_deletes=True)
    assert (report.documents, report.unchanged, report.deleted) == (2, 1, 1)
    assert embedder.embedded == report.passages  # nothing else was embedded
    docs = store.search({"query": {"term": {"type": "document"}}, "size": 10}).hits
    assert sorted(d.source["title"] for d in docs) == [
        "关于加强体育公园建设工作的通知",
        "关于加强农机购置补贴工作的通知",
        "关于加强古树名木保护工作的通知",
    ]
    assert any("农机报废更新" in d.source["text"] for d in docs)
    passages = store.search({"query": {"term": {"type": "passage"}}, "size": 100}).hits
    assert len({p.id for p in passages}) == len(passages) == store.count("passage")


def _segments(store: SearchStore, index: str) -> int:
    shards = store.client.indices.segments(index=index)["indices"][index]["shards"]
    return sum(
        len(copy["segments"]) for copies in shards.values() for copy in copies if copy["routing"]["primary"]
    )


def test_an_update_that_changes_the_index_leaves_it_in_one_segment(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    """Each segment costs every search its own term lookups and graph walk; an update writes new ones."""
    corpus = tmp_path / "c"
    _write_corpus(corpus, ["古树名木保护", "农机购置补贴"])
    live = _pipeline(settings, store, CountingEmbedder()).build([corpus]).index
    assert _segments(store, live) == 1
    (corpus / "02.txt").write_text(NOTICE.format(topic="体育公园建设"), encoding="utf-8")
    (corpus / "00.txt").write_text(
        NOTICE.format(topic="古树名木保护").replace("定期", "每月"), encoding="utf-8"
    )
    report = _pipeline(settings, store, CountingEmbedder()).update([corpus])
    assert (len(report.added), len(report.changed), report.index) == (1, 1, live)
    assert _segments(store, live) == 1
    assert store.count("document") == 3


def test_bad_files_are_reported_and_the_rest_is_indexed(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    corpus = tmp_path / "c"
    _write_corpus(corpus, ["古树名木保护"])
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 10)
    report = _pipeline(settings, store, CountingEmbedder()).build([corpus])
    assert report.documents == 1
    assert set(Path(p).name for p in report.failed_files) == {"empty.txt", "binary.txt"}
    assert all(reason for reason in report.failed_files.values())


def test_update_with_another_model_builds_a_new_index(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    _write_corpus(tmp_path / "c", ["古树名木保护"])
    first = _pipeline(settings, store, CountingEmbedder()).build([tmp_path / "c"])
    other = FakeEmbedder(dims=16, model_name="another-model")
    report = _pipeline(settings, store, other).update([tmp_path / "c"])
    assert report.mode == "build" and report.index != first.index
    assert store.index_meta()["model_name"] == "another-model"

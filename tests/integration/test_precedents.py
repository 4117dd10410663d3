"""Precedents against a real node: a document page's similar documents are computed once per index
version (and again when the index changes); a draft's repeated segments are embedded and searched once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from analyzers.segment import Segmenter
from analyzers.synonyms import Synonyms
from config.settings import Settings
from indexer.pipeline import Pipeline
from search.searcher import Searcher
from store.search_store import SearchStore
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.integration

NOTICE = "关于加强{topic}工作的通知\n\n各有关部门要高度重视{topic}工作，切实抓好落实，推动工作取得实效。\n"
TOPICS = ["古树名木保护", "农机购置补贴", "森林防火", "河道管理"]


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__(dims=16, model_name="ours")
        self.embedded: list[str] = []

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded.extend(texts)
        return super().embed_passages(texts)


def _searcher(settings: Settings, store: SearchStore, folder: Path, embedder: FakeEmbedder) -> Searcher:
    folder.mkdir()
    for i, topic in enumerate(TOPICS):
        (folder / f"{i}.txt").write_text(NOTICE.format(topic=topic), encoding="utf-8")
    scoped = settings.model_copy(update={"es": store.settings})
    segmenter = Segmenter(settings.analyzer)
    Pipeline(scoped, store, embedder, segmenter).build([folder])
    return Searcher(scoped, store, lambda: embedder, segmenter, Synonyms(settings.analyzer.synonyms))


def test_similar_documents_are_cached_per_index_version(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    searcher = _searcher(settings, store, tmp_path / "docs", FakeEmbedder(dims=16, model_name="ours"))
    doc_id = store.search({"query": {"term": {"type": "document"}}, "size": 1}).hits[0].doc_id

    first = searcher.similar(doc_id=doc_id, size=5)
    assert "cached" not in first.timing and first.hits
    again = searcher.similar(doc_id=doc_id, size=5)
    assert again.timing.get("cached") == 1.0
    assert [h.doc_id for h in again.hits] == [h.doc_id for h in first.hits]
    # Filters or a draft are never served from the cache.
    assert "cached" not in searcher.similar(text=NOTICE.format(topic="森林防火"), size=5).timing

    # Deleting a listed document is a new index version: the list is computed again, without it.
    gone = first.hits[0].doc_id
    assert searcher.delete_document(gone) > 0
    store.refresh()
    after = searcher.similar(doc_id=doc_id, size=5)
    assert "cached" not in after.timing
    assert gone not in [h.doc_id for h in after.hits]


def test_a_repeated_draft_is_embedded_once_and_ranks_as_one_copy(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    embedder = CountingEmbedder()
    searcher = _searcher(settings, store, tmp_path / "docs", embedder)
    unit = "各有关部门要高度重视森林防火工作，切实抓好落实，推动工作取得实效，确保不发生重大森林火灾，守护好全区的绿水青山和人民群众生命财产安全。\n"
    once = searcher.similar(text=unit, size=5)
    embedder.embedded.clear()
    thrice = searcher.similar(text=unit * 3, size=5)
    assert thrice.segments == 3 and embedder.embedded == [unit.strip()]
    assert [(h.doc_id, h.score) for h in thrice.hits] == [(h.doc_id, h.score) for h in once.hits]


def test_a_stored_documents_precedents_reuse_its_indexed_vectors(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    embedder = CountingEmbedder()
    searcher = _searcher(settings, store, tmp_path / "docs", embedder)
    doc_id = store.search({"query": {"term": {"type": "document"}}, "size": 1}).hits[0].doc_id
    passages = store.passage_vectors(doc_id)
    assert passages and all(len(p["vector"]) == 16 and p["text"] for p in passages)
    embedder.embedded.clear()
    result = searcher.similar(doc_id=doc_id, size=5)
    assert embedder.embedded == []  # its passages' vectors come from the index, not the model
    texts = {p["text"] for p in passages}
    assert any(h.matches for h in result.hits)
    assert all(m.draft_segment in texts for h in result.hits for m in h.matches)
    assert result.hits and doc_id not in [h.doc_id for h in result.hits]
    # A draft with the same text is embedded as usual.
    searcher.similar(text=store.get_document(doc_id)["text"], size=5)
    assert embedder.embedded

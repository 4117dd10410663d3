"""A document page's similar documents are computed once per index version, and recomputed when the index
changes (an update, an admin delete)."""

from __future__ import annotations

from pathlib import Path

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


def test_similar_documents_are_cached_per_index_version(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, topic in enumerate(TOPICS):
        (folder / f"{i}.txt").write_text(NOTICE.format(topic=topic), encoding="utf-8")
    scoped = settings.model_copy(update={"es": store.settings})
    embedder = FakeEmbedder(dims=16, model_name="ours")
    segmenter = Segmenter(settings.analyzer)
    Pipeline(scoped, store, embedder, segmenter).build([folder])
    searcher = Searcher(scoped, store, lambda: embedder, segmenter, Synonyms(settings.analyzer.synonyms))
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

"""Did you mean on a real node: a query checked once is answered from what the process knows while the
index stays the same (no suggester rides in its msearch), and found again once the index changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from analyzers.segment import Segmenter
from analyzers.synonyms import Synonyms
from config.settings import Settings
from indexer.pipeline import Pipeline
from search.results import SearchParams
from search.searcher import Searcher
from store.search_store import SearchStore
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.integration

NOTICE = "关于加强{topic}工作的通知\n\n各有关部门要高度重视{topic}工作，切实抓好落实，推动工作取得实效。\n"
TOPICS = ["古树名木保护", "农机购置补贴", "森林防火"]
TYPO = "古树名本保护"


def test_a_known_typo_skips_the_suggester_until_the_index_changes(
    settings: Settings, store: SearchStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i, topic in enumerate(TOPICS):
        (tmp_path / f"{i}.txt").write_text(NOTICE.format(topic=topic), encoding="utf-8")
    scoped = settings.model_copy(update={"es": store.settings})
    embedder = FakeEmbedder(dims=16)
    segmenter = Segmenter(settings.analyzer)
    Pipeline(scoped, store, embedder, segmenter).build([tmp_path])
    searcher = Searcher(scoped, store, lambda: embedder, segmenter, Synonyms(settings.analyzer.synonyms))

    sent: list[Any] = []
    msearch = store.msearch

    def recorded(bodies: list[Any], index: str | None = None) -> list[Any]:
        sent.extend(bodies)
        return msearch(bodies, index)

    monkeypatch.setattr(store, "msearch", recorded)

    def did_you_mean() -> tuple[str | None, bool]:
        """The correction, and whether the suggester rode in the query's msearch."""
        sent.clear()
        found = searcher.search(SearchParams(q=TYPO, mode="keyword")).did_you_mean
        return found, any(isinstance(b, dict) and "suggest" in b for b in sent)

    assert did_you_mean() == ("古树名木保护", True)
    assert did_you_mean() == ("古树名木保护", False)  # known for this generation

    # The only document holding the phrase is deleted: a new generation, the correction is gone.
    trees = searcher.search(SearchParams(q="古树名木保护", mode="keyword")).hits[0].doc_id
    assert searcher.delete_document(trees) > 0
    store.refresh()
    assert did_you_mean() == (None, False)  # asked alone (the known one was older), then known
    assert did_you_mean() == (None, False)

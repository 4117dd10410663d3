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
from store.records import Cached
from store.search_store import SearchStore
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.integration

NOTICE = "关于加强{topic}工作的通知\n\n各有关部门要高度重视{topic}工作，切实抓好落实，推动工作取得实效。\n"
TOPICS = ["古树名木保护", "农机购置补贴", "森林防火"]
TREES_TYPO, FARM_TYPO = "古树名本保护", "农机购置补帖"


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

    riding: list[Any] = []  # bodies of the queries' own msearch
    alone: list[str] = []  # the suggester asked in a request of its own
    msearch, spelling_options = store.msearch, store.spelling_options

    def recorded_msearch(bodies: list[Any], index: str | None = None) -> list[Any]:
        riding.extend(bodies)
        return msearch(bodies, index)

    def recorded_options(folded: str) -> list[dict[str, Any]]:
        alone.append(folded)
        return spelling_options(folded)

    monkeypatch.setattr(store, "msearch", recorded_msearch)
    monkeypatch.setattr(store, "spelling_options", recorded_options)

    def did_you_mean(typo: str) -> tuple[str | None, bool, bool]:
        """The correction; whether the suggester rode in the query's msearch; whether it was asked alone."""
        riding.clear()
        alone.clear()
        found = searcher.search(SearchParams(q=typo, mode="keyword")).did_you_mean
        rode = any(isinstance(b, Cached) and "suggest" in b.body for b in riding)
        return found, rode, bool(alone)

    assert did_you_mean(TREES_TYPO) == ("古树名木保护", True, False)
    assert did_you_mean(FARM_TYPO) == ("农机购置补贴", True, False)
    assert did_you_mean(TREES_TYPO) == ("古树名木保护", False, False)  # known for this generation

    # The only document holding the phrase is deleted: a new generation, and the correction is gone.
    trees = searcher.search(SearchParams(q="古树名木保护", mode="keyword")).hits[0].doc_id
    assert searcher.delete_document(trees) > 0
    store.refresh()
    # The first request after the write finds out from its own msearch: the suggester is asked alone.
    assert did_you_mean(TREES_TYPO) == (None, False, True)
    assert did_you_mean(TREES_TYPO) == (None, False, False)
    # Known from before the write, the other typo is checked again with the suggester in its own msearch.
    assert did_you_mean(FARM_TYPO) == ("农机购置补贴", True, False)

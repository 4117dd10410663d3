"""The service never compares vectors of two models, also when the alias moves while it runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.segment import Segmenter
from analyzers.synonyms import Synonyms
from config.settings import Settings
from indexer.pipeline import Pipeline
from search.results import SearchParams
from search.searcher import Searcher
from store.errors import ModelMismatch
from store.search_store import SearchStore
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.integration

NOTICE = "关于加强{topic}工作的通知\n\n各有关部门要高度重视{topic}工作，切实抓好落实，推动工作取得实效。\n"


def _build(settings: Settings, store: SearchStore, folder: Path, embedder: FakeEmbedder) -> None:
    folder.mkdir()
    for i, topic in enumerate(["古树名木保护", "农机购置补贴"]):
        (folder / f"{i}.txt").write_text(NOTICE.format(topic=topic), encoding="utf-8")
    scoped = settings.model_copy(update={"es": store.settings})
    Pipeline(scoped, store, embedder, Segmenter(settings.analyzer)).build([folder])


def _searcher(settings: Settings, store: SearchStore, embedder: FakeEmbedder) -> Searcher:
    scoped = settings.model_copy(update={"es": store.settings})
    segmenter = Segmenter(settings.analyzer)
    return Searcher(scoped, store, lambda: embedder, segmenter, Synonyms(settings.analyzer.synonyms))


@pytest.mark.parametrize("other_dims", [16, 24])  # same dims: garbage results; other dims: ES refuses
def test_vector_search_refuses_an_index_of_another_model_after_the_alias_moved(
    settings: Settings, store: SearchStore, tmp_path: Path, other_dims: int
) -> None:
    ours = FakeEmbedder(dims=16, model_name="ours")
    _build(settings, store, tmp_path / "a", ours)
    searcher = _searcher(settings, store, ours)
    for mode in ("semantic", "hybrid"):
        assert searcher.search(SearchParams("古树名木保护", mode=mode)).hits
    # Another model's index is published while the service runs.
    _build(settings, store, tmp_path / "b", FakeEmbedder(dims=other_dims, model_name="theirs"))
    with pytest.raises(ModelMismatch, match="theirs"):
        searcher.search(SearchParams("古树名木保护", mode="hybrid"))
    with pytest.raises(ModelMismatch, match="theirs"):
        searcher.similar(text="各有关部门要高度重视古树名木保护工作。")
    assert searcher.search(SearchParams("古树名木保护", mode="keyword")).hits  # words need no model

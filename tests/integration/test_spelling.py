"""Did you mean over a real index of the scale world (the sample and the regulations, fake vectors: the
suggestion reads only the text): one or two wrong characters are corrected, and no judged query that is
typed right gets a suggestion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzers.segment import Segmenter
from config.settings import Settings
from indexer.pipeline import Pipeline
from search.spelling import did_you_mean
from store.search_store import SearchStore
from tests.fakes import FakeEmbedder

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
]  # builds the 746-document world (~10 min on a loaded host)

ROOT = Path(__file__).resolve().parents[2]
QUERY_SETS = [
    ROOT / "bench" / f"{name}.jsonl" for name in ("dev_queries", "heldout_queries", "scale_queries")
]
# The judged queries typed wrong on purpose, with what they mean.
MISTYPED = {"dv3": "重大行政决策事项目录"}
TYPOS = {
    "公平竟争审查": "公平竞争审查",  # one wrong character
    "烈土褒扬条列": "烈士褒扬条例",  # two, apart
    "公平竟争审察": "公平竞争审查",
    "国家科学技木奖历条例": "国家科学技术奖励条例",
}


def _typed_queries() -> dict[str, str]:
    """id -> text of every judged query typed into the search box (precedent drafts go to /api/similar)."""
    rows = [json.loads(line) for path in QUERY_SETS for line in path.read_text("utf-8").splitlines() if line]
    return {r["id"]: r["query"] for r in rows if r["kind"] != "precedent"}


def test_typos_are_corrected_and_right_queries_are_left_alone(settings: Settings, store: SearchStore) -> None:
    scoped = settings.model_copy(update={"es": store.settings})
    Pipeline(scoped, store, FakeEmbedder(dims=16), Segmenter(settings.analyzer)).build(
        [ROOT / "data" / "corpus", ROOT / "data" / "corpus-laws"]
    )
    store.refresh()
    assert {typo: did_you_mean(store, typo) for typo in TYPOS} == TYPOS
    suggested = {qid: did_you_mean(store, text) for qid, text in _typed_queries().items()}
    assert {qid: s for qid, s in suggested.items() if s} == MISTYPED

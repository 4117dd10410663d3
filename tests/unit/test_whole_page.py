"""search.searcher's second phase: the page's passages made whole after the window was ranked on doc values."""

from __future__ import annotations

from typing import Any
from unittest.mock import Mock

from config.settings import Settings
from search.fusion import Candidate, PassageScore
from search.results import Timing
from search.searcher import build_searcher
from store.search_store import SearchStore
from tests.fakes import FakeEmbedder


def _candidate(doc_id: str, index: str, *pids: str) -> Candidate:
    passages = {pid: PassageScore(pid, {"doc_id": doc_id, "passage_id": pid}, keyword=1.0) for pid in pids}
    return Candidate(doc_id, {"doc_id": doc_id}, keyword=1.0, passages=passages, index=index)


def _whole(pid: str) -> dict[str, Any]:
    return {"doc_id": pid.split("#")[0], "passage_id": pid, "text": f"text of {pid}", "title": "标题"}


def test_passages_come_from_their_own_index_then_the_alias_and_the_gone_are_dropped() -> None:
    store = Mock(spec=SearchStore)
    held = {"v1": {"a#0", "a#1"}, "v2": {"b#0"}, None: {"c#0"}}  # the alias (None) serves c only
    store.passages.side_effect = lambda ids, index=None: {p: _whole(p) for p in ids if p in held[index]}
    searcher = build_searcher(Settings(), store, FakeEmbedder())
    page = [
        _candidate("a", "v1", "a#0", "a#1"),
        _candidate("b", "v2", "b#0", "b#7"),
        _candidate("c", "v1", "c#0"),
    ]
    page += [_candidate("d", "v1", "d#0")]  # deleted since the window was ranked
    searcher._whole(page, searcher.analyse("古树"), Timing())
    assert [c.doc_id for c in page] == ["a", "b", "c"]
    assert [list(c.passages) for c in page] == [["a#0", "a#1"], ["b#0"], ["c#0"]]
    assert all(c.source["text"] == f"text of {next(iter(c.passages))}" for c in page)
    calls = [
        (sorted(call.args[0]), call.args[1] if len(call.args) > 1 else None)
        for call in store.passages.call_args_list
    ]
    assert calls == [
        (["a#0", "a#1", "c#0", "d#0"], "v1"),
        (["b#0", "b#7"], "v2"),
        (["b#7", "c#0", "d#0"], None),
    ]

"""search.searcher's second phase: the page's passages made whole after the window was ranked on doc values."""

from __future__ import annotations

import copy
from typing import Any
from unittest.mock import Mock

from config.settings import Settings
from search import evidence, versions
from search.fusion import Candidate, PassageScore, fuse, sorted_by
from search.results import SearchParams, Timing
from search.searcher import Fetched, build_searcher
from search.shaping import facets_from_candidates
from store import queries
from store.records import Hit
from store.records import SearchResult as StoreResult
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
    searcher._whole(page, searcher.analyse("古树"), Timing(), {})
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


def test_passages_fetched_by_the_ranking_are_not_asked_again_from_the_same_index() -> None:
    store = Mock(spec=SearchStore)
    store.passages.side_effect = lambda ids, index=None: {p: _whole(p) for p in ids}
    searcher = build_searcher(Settings(), store, FakeEmbedder())
    page = [_candidate("a", "v1", "a#0", "a#1"), _candidate("b", "v2", "b#0")]
    fetched = {("v1", "a#0"): _whole("a#0"), ("v1", "b#0"): _whole("b#0")}  # b was ranked from v2
    searcher._whole(page, searcher.analyse("古树"), Timing(), fetched)
    assert [(call.args[0], call.args[1]) for call in store.passages.call_args_list] == [
        (["a#1"], "v1"),
        (["b#0"], "v2"),
    ]
    assert [c.source["text"] for c in page] == ["text of a#0", "text of b#0"]


def _reranking_store(head_passages: list[str]) -> Mock:
    """A store whose msearch answers the re-ranking's requests: a passages-by-id search with whole
    passages from v1; whole-document evidence that favours the documents late in the alphabet (each
    holds every query word in as many passages as its letter's place), over 100 documents and passages."""
    store = Mock(spec=SearchStore)

    def answer(body: dict[str, Any]) -> StoreResult:
        ids = body.get("query", {}).get("ids", {}).get("values")
        if ids is not None:
            assert ids == head_passages
            return StoreResult([Hit(pid, pid.split("#")[0], 0.0, _whole(pid), "v1") for pid in ids], {})
        if "docs" in body["aggs"]:  # queries.document_evidence_body
            docs = body["query"]["bool"]["filter"][1]["terms"]["doc_id"]
            words = [k for k in body["aggs"]["docs"]["aggs"] if k.startswith("text")]
            buckets = [
                {"key": d, "doc_count": 10}
                | {w: {"doc_count": max(0, ord(d[-1]) - 96)} for w in words}
                | {w.replace("text", "title"): {"doc_count": 0} for w in words}
                for d in docs
            ]
            return StoreResult([], {"docs": {"buckets": buckets}})
        dfs = {k: {"docs": {"value": 5}} for k in body["aggs"]["passages"]["aggs"] if k.startswith("df")}
        return StoreResult([], {"passages": {"doc_count": 100, "docs": {"value": 100}} | dfs})

    store.msearch.side_effect = lambda bodies: [answer(b) for b in bodies]
    return store


def test_a_first_page_is_fetched_whole_with_the_reranking_and_a_deep_one_alone() -> None:
    """The re-ranking's msearch fetches the head's passages when the page cannot reach past the head
    (re-ranking reorders within it): then the page asks nothing more, and the order is the re-ranking's
    without them."""
    ranked = [_candidate(d, "v1", f"{d}#0", f"{d}#3") for d in "abcd"]
    head = [pid for c in ranked for pid in c.passages]
    for p in [
        SearchParams(q="古树名木", size=2),
        SearchParams(q="古树名木", size=10),  # four documents in all: all in the head
        SearchParams(q="古树名木", size=2, page=2),
    ]:
        store = _reranking_store(head)
        searcher = build_searcher(Settings(), store, FakeEmbedder())
        u = searcher.analyse(p.q)
        fetched: Fetched = {}
        out = searcher._reranked(copy.deepcopy(ranked), u, "g1", Timing(), p, fetched)
        alone, _ = evidence.rerank(
            store, Timing(), evidence.FrequencyCache(), "g1", copy.deepcopy(ranked), u.groups, 0.4
        )
        assert [c.doc_id for c in out] == [c.doc_id for c in alone] == ["d", "c", "b", "a"]
        assert sorted(pid for _, pid in fetched) == sorted(head)
        page = out[(p.page - 1) * p.size : p.page * p.size]
        searcher._whole(page, u, Timing(), fetched)
        assert not store.passages.called
        assert all(c.source["text"].startswith("text of ") for c in page)
    many = [_candidate(f"d{i}", "v1", f"d{i}#0") for i in range(40)]  # more than the head
    store = _reranking_store([pid for c in many[:30] for pid in c.passages])
    searcher = build_searcher(Settings(), store, FakeEmbedder())
    fetched = {}
    p = SearchParams(q="古树名木", size=10, page=4)  # documents 31-40: beyond the head
    searcher._reranked(many, searcher.analyse(p.q), "g1", Timing(), p, fetched)
    assert fetched == {}
    assert all("ids" not in b.get("query", {}) for b in store.msearch.call_args.args[0])


def test_each_window_reads_the_doc_values_its_use_needs() -> None:
    """Keyword mode counts its facets in Elasticsearch, so its window reads what ranks and folds; hybrid
    counts them from the window's documents; further passages only say whose they are."""
    searcher = build_searcher(Settings(), Mock(spec=SearchStore), FakeEmbedder())
    p = SearchParams(q="古树名木", mode="keyword")
    u = searcher.analyse(p.q)
    documents, passages = searcher._keyword_bodies(p, u, 100)
    assert "aggs" in documents and documents["docvalue_fields"] == queries.RANKING_FIELDS
    assert passages["docvalue_fields"] == ["doc_id", "passage_id"]
    documents, passages = searcher._keyword_bodies(p, u, 100, facets=False)
    assert "aggs" not in documents and documents["docvalue_fields"] == queries.WINDOW_FIELDS
    assert passages["docvalue_fields"] == ["doc_id", "passage_id"]
    assert searcher._further(queries.WINDOW_ONLY) is queries.PASSAGE_IDS  # the kNN answers too
    assert searcher._further(queries.WHOLE_PASSAGES) is queries.WHOLE_PASSAGES  # a 文号 query's


_RECORDS = [  # whole sources: three versions of one regulation and two documents of their own
    {
        "doc_id": "r3",
        "date": "2020-05-01",
        "version_group": "g",
        "kind": "条例",
        "issuer": "国务院",
        "effective_from": "2020-06-01",
        "title": "条例",
        "text": "...",
    },
    {
        "doc_id": "r2",
        "date": "2015-05-01",
        "version_group": "g",
        "kind": "条例",
        "issuer": "国务院",
        "superseded_by": "r3",
        "title": "条例",
        "text": "...",
    },
    {
        "doc_id": "r1",
        "date": "2010-05-01",
        "version_group": "g",
        "kind": "条例",
        "issuer": "国务院",
        "superseded_by": "r2",
        "repealed_by": "x",
        "title": "条例",
        "text": "...",
    },
    {
        "doc_id": "a",
        "date": "2021-01-01",
        "kind": "通知",
        "issuer": "区政府",
        "stated_validity": "已失效",
        "title": "通知",
        "text": "...",
    },
    {"doc_id": "b", "kind": "意见", "issuer": "区政府", "expires_on": "2999-01-01", "title": "意见"},
]


def _window(fields: list[str] | None) -> list[Candidate]:
    out = []
    for score, record in zip((2.0, 5.0, 3.0, 3.0, 1.0), _RECORDS, strict=True):
        source = {k: v for k, v in record.items() if fields is None or k in fields}
        out.append(Candidate(record["doc_id"], source, keyword=score))
    return out


def test_the_window_fields_rank_fold_and_count_as_whole_sources_do() -> None:
    """What a window reads from doc values is enough for what is done with it before the page is made
    whole: ranking (ties by date), folding versions, sorting by date and, from WINDOW_FIELDS, the facets."""

    def ranked(fields: list[str] | None, sort: str) -> list[str]:
        folded = versions.fold(sorted_by(fuse(_window(fields), (1.0, 0.0), None), sort), None)
        return [c.doc_id for c in folded]

    assert ranked(None, "relevance") == ["r3", "a", "b"]  # r2 ranks first, its current version stands
    assert ranked(None, "date") == ["a", "r3", "b"]
    for sort in ("relevance", "date"):
        assert ranked(queries.RANKING_FIELDS, sort) == ranked(None, sort)
    assert facets_from_candidates(_window(queries.WINDOW_FIELDS)) == facets_from_candidates(_window(None))
    assert facets_from_candidates(_window(queries.RANKING_FIELDS)) != facets_from_candidates(_window(None))

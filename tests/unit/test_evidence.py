"""Whole-document evidence (search/evidence.py) and the body that counts it (store.queries)."""

from __future__ import annotations

import pytest

from search import evidence
from search.evidence import (
    DocumentCounts,
    IndexCounts,
    blended,
    document_bm25,
    document_counts,
    index_counts,
    reranked,
)
from search.fusion import Candidate
from store import queries

INDEX = IndexCounts(documents=700, passages=21_000, df=(20, 300))  # 30 passages a document on average


def test_a_document_holding_both_words_beats_one_holding_the_common_one_often() -> None:
    both = DocumentCounts(30, (1, 1), (False, False))
    common_only = DocumentCounts(30, (0, 12), (False, False))
    assert document_bm25(both, INDEX) > document_bm25(common_only, INDEX)


def test_term_frequency_saturates_and_long_documents_pay_for_length() -> None:
    short = DocumentCounts(10, (3, 0), (False, False))
    omnibus = DocumentCounts(
        400, (12, 0), (False, False)
    )  # four times the mentions over forty times the text
    assert document_bm25(short, INDEX) > document_bm25(omnibus, INDEX)
    few, many = DocumentCounts(30, (2, 0), (False, False)), DocumentCounts(30, (20, 0), (False, False))
    assert document_bm25(many, INDEX) < 2 * document_bm25(few, INDEX)


def test_a_word_in_the_title_counts_as_held_by_every_passage() -> None:
    titled = DocumentCounts(30, (1, 0), (True, False))
    assert document_bm25(titled, INDEX) == pytest.approx(
        document_bm25(DocumentCounts(30, (30, 0), (False, False)), INDEX)
    )
    assert document_bm25(DocumentCounts(30, (0, 0), (False, False)), INDEX) == 0.0


def test_rarer_words_say_more() -> None:
    rare, common = DocumentCounts(30, (2, 0), (False, False)), DocumentCounts(30, (0, 2), (False, False))
    assert document_bm25(rare, INDEX) > document_bm25(common, INDEX) > 0


def test_blended_mixes_normalised_scores() -> None:
    scores = blended({"a": 2.0, "b": 1.0}, {"a": 0.0, "b": 5.0}, 0.4)
    assert scores == pytest.approx({"a": 0.6, "b": 0.3 + 0.4})
    assert blended({"a": 2.0}, {}, 0.4) == pytest.approx({"a": 0.6})


def test_weight_follows_the_query_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evidence, "KEYWORD_DOCUMENT_WEIGHT", 0.1)
    monkeypatch.setattr(evidence, "QUESTION_DOCUMENT_WEIGHT", 0.2)
    assert (evidence.weight_for(False), evidence.weight_for(True)) == (0.1, 0.2)


def test_counts_from_the_aggregations_of_the_evidence_bodies() -> None:
    groups = [["体检"], ["周转房", "周转 宿舍"]]
    body = queries.document_evidence_body(groups, ["d1", "d2"])
    assert body["size"] == 0
    assert {"terms": {"doc_id": ["d1", "d2"]}} in body["query"]["bool"]["filter"]
    per_doc = body["aggs"]["docs"]["aggs"]
    assert set(per_doc) == {"text0", "title0", "text1", "title1"}
    alternatives = per_doc["text1"]["filter"]["bool"]["should"]
    assert [c["match"]["text_seg"]["query"] for c in alternatives] == ["周转房", "周转 宿舍"]
    assert set(queries.document_frequency_body(groups)["aggs"]["passages"]["aggs"]) == {"docs", "df0", "df1"}
    docs = {
        "docs": {
            "buckets": [
                {
                    "key": "d1",
                    "doc_count": 12,
                    "text0": {"doc_count": 2},
                    "title0": {"doc_count": 0},
                    "text1": {"doc_count": 1},
                    "title1": {"doc_count": 12},
                }
            ]
        }
    }
    index = {
        "passages": {
            "doc_count": 21_000,
            "docs": {"value": 700},
            "df0": {"docs": {"value": 40}},
            "df1": {"docs": {"value": 3}},
        }
    }
    assert document_counts(docs, 2) == {"d1": DocumentCounts(12, (2, 1), (False, True))}
    assert index_counts(index, 2) == IndexCounts(700, 21_000, (40, 3))


def test_reranked_scores_fall_with_the_rank() -> None:
    from search.evidence import RERANK_DEPTH, reranked
    from search.fusion import Candidate

    ranked = [Candidate(f"d{i}", {}, score=1.0 - i * 0.01) for i in range(RERANK_DEPTH + 5)]
    # The last of the head holds every word: it moves up; documents past the head keep their order.
    out = reranked(ranked, {f"d{RERANK_DEPTH - 1}": 3.0, "d0": 0.5}, 0.4)
    assert out[0].doc_id == f"d{RERANK_DEPTH - 1}"
    assert [c.doc_id for c in out[RERANK_DEPTH:]] == [f"d{i}" for i in range(RERANK_DEPTH, RERANK_DEPTH + 5)]
    scores = [c.score for c in out]
    assert scores == sorted(scores, reverse=True)


def test_token_weights_scale_each_tokens_share() -> None:
    doc = DocumentCounts(30, (2, 2), (False, False))
    plain = document_bm25(doc, INDEX)
    assert document_bm25(doc, INDEX, weights=(1.0, 1.0)) == pytest.approx(plain)
    only_first = document_bm25(DocumentCounts(30, (2, 0), (False, False)), INDEX)
    assert document_bm25(doc, INDEX, weights=(3.0, 1.0)) == pytest.approx(plain + 2 * only_first)


def test_reranked_depth_leaves_the_rest_in_order() -> None:
    ranked = [Candidate(d, {}, score=s) for d, s in (("a", 1.0), ("b", 0.9), ("c", 0.8), ("d", 0.7))]
    out = reranked(ranked, {"b": 5.0}, 0.5, depth=2)
    assert [c.doc_id for c in out] == ["b", "a", "c", "d"]
    assert [c.score for c in out] == sorted((c.score for c in out), reverse=True)


# --- the index-wide counts, cached per index generation ---------------------------------------------

GROUPS = [["体检"], ["周转房", "周转 住房"]]


def test_a_cold_cache_asks_for_every_group_and_the_totals() -> None:
    cache = evidence.FrequencyCache()
    known = cache.known("g1", GROUPS)
    assert known == {} and evidence.missing(known, GROUPS) == GROUPS
    body = queries.document_frequency_body(GROUPS)
    aggs = {
        "passages": {"doc_count": 21_000, "docs": {"value": 700}, "df0": {"docs": {"value": 20}}},
    }
    aggs["passages"]["df1"] = {"docs": {"value": 300}}
    assert set(body["aggs"]["passages"]["aggs"]) == {"docs", "df0", "df1"}
    fresh = evidence.fresh_counts(aggs, GROUPS)
    cache.add("g1", fresh)
    assert evidence.counts_for(fresh, GROUPS) == INDEX


def test_a_warm_cache_asks_only_for_new_groups_and_not_across_generations() -> None:
    cache = evidence.FrequencyCache()
    cache.add("g1", {evidence.DOCUMENTS: 700, evidence.PASSAGES: 21_000, ("体检",): 20})
    known = cache.known("g1", [["体检"], ["体检"], ["食堂"]])
    assert evidence.missing(known, [["体检"], ["体检"], ["食堂"]]) == [["食堂"]]
    assert evidence.missing(known, [["体检"], ["体检"]]) is None  # nothing to ask: no search at all
    assert evidence.counts_for(known, [["体检"], ["体检"]]) == IndexCounts(700, 21_000, (20, 20))
    assert cache.known("g2", [["体检"]]) == {}
    assert cache.known(None, [["体检"]]) == {}  # no generation, no cache


def test_totals_are_asked_again_when_only_they_were_evicted() -> None:
    known = {("体检",): 20}
    assert evidence.missing(known, [["体检"]]) == []
    assert queries.document_frequency_body([])["aggs"]["passages"]["aggs"] == {
        "docs": {"cardinality": {"field": "doc_id"}}
    }

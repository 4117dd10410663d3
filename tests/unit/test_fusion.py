"""search/fusion.py (and search/understand.is_question): weights by query shape, score normalisation, the exact 文号 first, passage order."""

from __future__ import annotations

import pytest

from search.fusion import (
    COVERAGE_WEIGHT,
    KEYWORD_WEIGHTS,
    QUESTION_WEIGHTS,
    Candidate,
    PassageScore,
    SegTokens,
    best_passages,
    by_date,
    coverage,
    fuse,
    matching,
    rate_passages,
    weights_for,
)
from search.understand import is_question


def cand(
    doc_id: str, keyword: float = 0.0, semantic: float = 0.0, doc_number: str | None = None
) -> Candidate:
    return Candidate(doc_id, {"doc_id": doc_id, "doc_number": doc_number}, keyword=keyword, semantic=semantic)


@pytest.mark.parametrize("q", ["古树名木", "烈士褒扬 抚恤", "水文管理办法"])
def test_short_keyword_queries_weigh_keywords(q: str) -> None:
    assert not is_question(q)
    assert weights_for(is_question(q), "hybrid") == KEYWORD_WEIGHTS
    assert (
        KEYWORD_WEIGHTS[0] > QUESTION_WEIGHTS[0]
    )  # keywords count more than for a question (the eval sets how much)


@pytest.mark.parametrize(
    "q", ["古树怎么保护", "烈士遗属有哪些优待？", "能否免费乘车", "办证吗", "城市里的老树由哪个部门负责管理"]
)
def test_questions_weigh_meaning(q: str) -> None:
    assert is_question(q)
    assert weights_for(is_question(q), "hybrid") == QUESTION_WEIGHTS
    assert QUESTION_WEIGHTS[1] > KEYWORD_WEIGHTS[1]


def test_long_inputs_read_as_sentences() -> None:
    assert not is_question("字" * 11)
    assert is_question("字" * 12)


def test_modes_fix_the_weights() -> None:
    assert weights_for(True, "keyword") == (1.0, 0.0)
    assert weights_for(False, "semantic") == (0.0, 1.0)
    assert sum(KEYWORD_WEIGHTS) == pytest.approx(1.0) and sum(QUESTION_WEIGHTS) == pytest.approx(1.0)


def test_normalisation_maths() -> None:
    """BM25 over the best BM25; cosine min-max scaled over the semantic candidates; weighted sum."""
    a = cand("a", keyword=10.0, semantic=0.80)
    b = cand("b", keyword=5.0, semantic=0.90)
    c = cand("c", keyword=0.0, semantic=0.85)
    d = cand("d", keyword=2.5)  # keyword side only
    ranked = fuse([a, b, c, d], (0.6, 0.4), None)
    assert a.score == pytest.approx(0.6 * 1.0 + 0.4 * 0.0)
    assert b.score == pytest.approx(0.6 * 0.5 + 0.4 * 1.0)
    assert c.score == pytest.approx(0.6 * 0.0 + 0.4 * 0.5)
    assert d.score == pytest.approx(0.6 * 0.25)
    assert [x.doc_id for x in ranked] == ["b", "a", "c", "d"]


def test_single_semantic_score_counts_fully_and_nothing_divides_by_zero() -> None:
    only = cand("a", semantic=0.7)
    none = cand("b")
    ranked = fuse([only, none], (0.35, 0.65), None)
    assert only.score == pytest.approx(0.65)
    assert none.score == 0.0
    assert [c.doc_id for c in ranked] == ["a", "b"]
    assert fuse([], (0.5, 0.5), "聊政办字〔2023〕21号") == []


def test_ties_break_by_doc_id() -> None:
    ranked = fuse([cand("z", keyword=1.0), cand("a", keyword=1.0), cand("m", keyword=1.0)], (1.0, 0.0), None)
    assert [c.doc_id for c in ranked] == ["a", "m", "z"]


def test_exact_doc_number_first_even_with_the_lowest_score() -> None:
    number = "聊政办字〔2023〕21号"
    exact = cand("exact", keyword=0.1, semantic=0.5, doc_number=number)
    others = [
        cand(f"o{i}", keyword=10.0 - i, semantic=0.9, doc_number="聊政办字〔2023〕22号") for i in range(5)
    ]
    ranked = fuse([*others, exact], KEYWORD_WEIGHTS, number)
    assert ranked[0] is exact
    assert exact.score < min(o.score for o in others)
    assert [c.doc_id for c in ranked[1:]] == [f"o{i}" for i in range(5)]  # the rest keep their order


def test_no_exact_match_leaves_the_order_alone() -> None:
    a, b = cand("a", keyword=1.0), cand("b", keyword=2.0)
    assert [c.doc_id for c in fuse([a, b], (1.0, 0.0), "聊政发〔2099〕1号")] == ["b", "a"]


def test_passages_are_scored_with_the_documents_normalisers() -> None:
    p1 = PassageScore("a#1", {}, keyword=10.0, semantic=0.6)
    p2 = PassageScore("a#2", {}, keyword=2.0, semantic=0.9)
    a = cand("a", keyword=10.0, semantic=0.9)
    a.passages = {"a#1": p1, "a#2": p2}
    b = cand("b", keyword=4.0, semantic=0.6)
    fuse([a, b], (1.0, 0.0), None)  # one side only: the fused score as is
    assert (p1.score, p2.score) == pytest.approx((1.0, 0.2))
    fuse([a, b], (0.0, 1.0), None)
    assert (p1.score, p2.score) == pytest.approx((0.0, 1.0))


def test_in_hybrid_the_passage_with_more_query_words_answers_first() -> None:
    p1 = PassageScore("a#1", {}, keyword=10.0, semantic=0.6, coverage=0.5)
    p2 = PassageScore("a#2", {}, keyword=2.0, semantic=0.9, coverage=1.0)
    a = cand("a", keyword=10.0, semantic=0.9)
    a.passages = {"a#1": p1, "a#2": p2}
    fuse([a, cand("b", keyword=4.0, semantic=0.6)], (0.5, 0.5), None)
    fused1, fused2 = 0.5 * 1.0 + 0.5 * 0.0, 0.5 * 0.2 + 0.5 * 1.0
    assert p1.score == pytest.approx(COVERAGE_WEIGHT * 0.5 + (1 - COVERAGE_WEIGHT) * fused1)
    assert p2.score == pytest.approx(COVERAGE_WEIGHT * 1.0 + (1 - COVERAGE_WEIGHT) * fused2)
    assert [p.passage_id for p in best_passages(a)] == ["a#2", "a#1"]


def test_a_shown_documents_passages_are_rated_by_the_query_words_they_hold() -> None:
    """Fused on doc values first (no text), a page's passages are rated once whole; title words don't count."""
    p1 = PassageScore("a#1", {}, keyword=10.0, semantic=0.6)
    p2 = PassageScore("a#2", {}, keyword=2.0, semantic=0.7)
    a = Candidate(
        "a", {"title": "古树名木保护办法"}, keyword=10.0, semantic=0.9, passages={"a#1": p1, "a#2": p2}
    )
    fuse([a, cand("b", keyword=4.0, semantic=0.6)], (0.5, 0.5), None)
    assert [p.passage_id for p in best_passages(a)] == ["a#1", "a#2"]  # by fused score alone
    p1.source = {"text_seg": "古树 名木 保护 办法 第一条"}
    p2.source = {"text_seg": "古树 名木 认定 后 由 林业 部门 挂牌 保护"}
    rate_passages(a, ["古树", "名木", "挂牌"], (0.5, 0.5))
    assert (p1.coverage, p2.coverage) == (0.0, 1.0)  # 古树 and 名木 are the title's: only 挂牌 tells
    assert p2.score == pytest.approx(COVERAGE_WEIGHT + (1 - COVERAGE_WEIGHT) * p2.fused)
    assert [p.passage_id for p in best_passages(a)] == ["a#2", "a#1"]
    rate_passages(a, ["古树", "名木", "挂牌"], (0.0, 1.0))  # one side only: the fused score as is
    assert (p1.score, p2.score) == (p1.fused, p2.fused)


def test_coverage_weighs_query_words_by_length() -> None:
    passage = {"要", "古树", "名木", "保护", "和"}
    assert coverage(passage, ["古树", "名木", "保护"]) == pytest.approx(6 / 6)
    assert coverage({"要", "古树", "保护"}, ["古树", "名木", "保护"]) == pytest.approx(4 / 6)
    assert coverage({"古树", "保护"}, ["古树名木", "保护"]) == pytest.approx(2 / 6)
    assert coverage(set(), ["古树"]) == 0.0
    assert coverage(passage, []) == 0.0


def test_best_passages_order_and_limit() -> None:
    c = cand("a")
    scores = {"a#3": 0.2, "a#1": 0.9, "a#7": 0.5, "a#2": 0.5, "a#0": 0.1}
    c.passages = {pid: PassageScore(pid, {}, score=s) for pid, s in scores.items()}
    assert [p.passage_id for p in best_passages(c)] == ["a#1", "a#2", "a#7"]  # ties by passage id
    assert [p.passage_id for p in best_passages(c, 5)] == ["a#1", "a#2", "a#7", "a#3", "a#0"]
    assert best_passages(cand("empty")) == []


def test_by_date_orders_matches_newest_first_and_drops_weak_neighbours() -> None:
    def dated(doc_id: str, date: str | None, keyword: float, score: float) -> Candidate:
        return Candidate(doc_id, {"doc_id": doc_id, "date": date}, keyword=keyword, score=score)

    ranked = [
        dated("best", "2020-01-01", 5.0, 1.0),
        dated("weak-keyword", "2021-01-01", 0.5, 0.1),  # a keyword match always counts
        dated("strong-semantic", "2022-06-01", 0.0, 0.6),
        dated("undated", None, 2.0, 0.4),
        dated("weak-semantic", "2024-01-01", 0.0, 0.2),  # recent but only a distant neighbour
    ]
    assert [c.doc_id for c in by_date(ranked)] == ["strong-semantic", "weak-keyword", "best", "undated"]
    assert by_date([]) == []


def test_hybrid_matches_keep_keyword_matches_and_close_neighbours_only() -> None:
    ranked = [cand("kw", keyword=3.0), cand("near"), cand("far"), cand("weak-kw", keyword=0.1)]
    for c, score in zip(ranked, (1.0, 0.5, 0.1, 0.05), strict=True):
        c.score = score
    assert [c.doc_id for c in matching(ranked, min_share=0.2)] == ["kw", "near", "weak-kw"]
    assert matching([]) == []


@pytest.mark.parametrize("text_seg", ["农机 购置 补贴 。", "", "农机  购置", " 农机", "购置"])
def test_seg_tokens_hold_what_the_split_text_seg_holds(text_seg: str) -> None:
    held = SegTokens(text_seg)
    for token in ("农机", "购置", "补贴", "", "购", "农机 购置", "。"):
        assert (token in held) == (token in text_seg.split(" "))

"""search/similar.py: cutting a draft into segments with offsets, ranking documents by draft coverage."""

from __future__ import annotations

import pytest

from search.similar import (
    KEYWORD_WEIGHT,
    MATCHES_PER_DOCUMENT,
    MAX_SEGMENTS,
    SEGMENT_MAX_CHARS,
    SEGMENT_MIN_CHARS,
    Segment,
    cut_draft,
    matches,
    rank,
)
from store.records import Hit

SENTENCE = "烈士遗属在本县免费乘坐公交车，参观博物馆等公共文化设施免收门票。"  # 32 characters
DRAFTS = [
    SENTENCE * 10,
    "  \n" + "\n\n".join([SENTENCE] * 7) + "\n  ",
    "第一条 为了弘扬烈士精神。\n第二条 就业优惠！\n第三条 免费乘车？" * 5,
    "字" * 1000,  # no punctuation at all
    "短句。",
    SENTENCE + "字" * 700 + "。" + SENTENCE,
]


@pytest.mark.parametrize("draft", DRAFTS)
def test_offsets_point_into_the_draft(draft: str) -> None:
    segments = cut_draft(draft)
    assert segments
    for s in segments:
        assert draft[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
    starts = [s.start for s in segments]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(segments, segments[1:], strict=False))


@pytest.mark.parametrize("draft", DRAFTS)
def test_segment_sizes(draft: str) -> None:
    segments = cut_draft(draft)
    assert all(len(s.text) <= SEGMENT_MAX_CHARS for s in segments)
    # only the last segment of a draft (or of a long unpunctuated run) may be short
    short = [s for s in segments[:-1] if len(s.text) < SEGMENT_MIN_CHARS - 2]
    assert not short, short


def test_sentences_are_merged_until_long_enough() -> None:
    segments = cut_draft(SENTENCE * 4)
    assert [len(s.text) for s in segments] == [64, 64]
    assert cut_draft(SENTENCE)[0] == Segment(SENTENCE, 0, len(SENTENCE))


def test_long_unpunctuated_run_is_cut() -> None:
    segments = cut_draft("字" * 1000)
    assert [len(s.text) for s in segments] == [300, 300, 300, 100]


def test_whitespace_only_gives_nothing() -> None:
    assert cut_draft("") == []
    assert cut_draft(" \n\t ") == []


def test_long_drafts_are_sampled_evenly() -> None:
    draft = "".join(f"第{i}段" + "内容" * 30 + "。" for i in range(200))
    segments = cut_draft(draft)
    assert len(segments) == MAX_SEGMENTS
    assert segments[0].start == 0
    assert all(draft[s.start : s.end] == s.text for s in segments)
    assert segments[-1].start > len(draft) * 0.9  # spread over the whole draft, not its beginning
    assert len({s.start for s in segments}) == MAX_SEGMENTS


def hit(doc_id: str, n: int, score: float) -> Hit:
    pid = f"{doc_id}#{n}"
    return Hit(
        pid, doc_id, score, {"doc_id": doc_id, "passage_id": pid, "text": f"{doc_id} 第{n}段", "heading": ""}
    )


SEGMENTS = [Segment("甲", 0, 1), Segment("乙", 2, 3), Segment("丙", 4, 5)]
# ES reports cosine as (1 + cos) / 2: 0.95 -> 0.9, 0.9 -> 0.8, 0.75 -> 0.5
KNN = [
    [hit("A", 1, 0.95), hit("B", 4, 0.9), hit("A", 2, 0.9)],
    [hit("B", 5, 0.95), hit("A", 2, 0.75)],
    [hit("B", 6, 0.9)],
]


def test_rank_by_coverage_of_the_draft() -> None:
    ranked = rank(SEGMENTS, KNN, [])
    assert [c.doc_id for c in ranked] == ["B", "A"]
    b, a = ranked
    assert b.semantic == pytest.approx((0.8 + 0.9 + 0.8) / 3)
    assert a.semantic == pytest.approx((0.9 + 0.5) / 3)
    assert b.score == pytest.approx((1 - KEYWORD_WEIGHT) * b.semantic)
    assert list(b.passages) == ["B#5", "B#4", "B#6"]  # best match first
    assert list(a.passages) == ["A#1", "A#2"]  # A#2 kept once, at its best score


def test_keyword_side_can_change_the_order() -> None:
    keyword = [Hit("doc:A", "A", 12.0, {"doc_id": "A"}), Hit("doc:B", "B", 3.0, {"doc_id": "B"})]
    ranked = rank(SEGMENTS, [KNN[0], [], []], keyword)
    a, b = ranked
    assert a.doc_id == "A"
    assert (a.keyword, b.keyword) == (1.0, 0.25)
    assert a.score == pytest.approx((1 - KEYWORD_WEIGHT) * 0.9 / 3 + KEYWORD_WEIGHT * 1.0)


def test_matches_pair_segments_with_the_documents_best_passage() -> None:
    a = next(c for c in rank(SEGMENTS, KNN, []) if c.doc_id == "A")
    pairs = matches(a, SEGMENTS, KNN)
    assert [(m.draft_segment, m.passage_id) for m in pairs] == [("甲", "A#1"), ("乙", "A#2")]
    first = pairs[0]
    assert (first.draft_start, first.draft_end, first.passage_text) == (0, 1, "A 第1段")
    assert first.similarity == pytest.approx(0.9)
    assert [m.similarity for m in pairs] == sorted((m.similarity for m in pairs), reverse=True)


def test_matches_are_capped() -> None:
    segments = [Segment(f"s{i}", i, i + 1) for i in range(MATCHES_PER_DOCUMENT + 5)]
    knn = [[hit("A", i, 0.6 + i / 100)] for i in range(len(segments))]
    (a,) = rank(segments, knn, [])
    pairs = matches(a, segments, knn)
    assert len(pairs) == MATCHES_PER_DOCUMENT
    assert pairs[0].passage_id == f"A#{len(segments) - 1}"


def test_term_counts_keep_words_of_two_characters_or_more() -> None:
    from analyzers.segment import Segmenter
    from config.settings import Settings
    from search.similar import term_counts, top_terms

    segmenter = Segmenter(Settings().analyzer)
    draft = "物业服务企业应当公开物业服务收费标准。业主委员会监督物业服务。"
    counted = term_counts(draft, segmenter)
    assert counted[0] == ("物业", 3)
    assert all(len(t) >= 2 for t, _ in counted)
    assert top_terms(draft, segmenter) == [t for t, _ in counted]


def test_whole_document_evidence_reorders_the_first_documents() -> None:
    from unittest.mock import Mock

    from search import evidence, similar
    from search.fusion import Candidate
    from search.results import Timing
    from store.records import SearchResult
    from store.search_store import SearchStore

    # A covers the draft a little better in meaning; B holds the draft's rare, often repeated term.
    ranked = [Candidate("A", {}, score=0.80), Candidate("B", {}, score=0.78)]
    bucket = {"doc_count": 10, "text0": {"doc_count": 0}, "title0": {"doc_count": 0}}
    aggs = {"docs": {"buckets": [{"key": "A", **bucket}, {**bucket, "key": "B", "text0": {"doc_count": 4}}]}}
    store = Mock(spec=SearchStore)
    store.msearch.return_value = [SearchResult([], aggs)]
    frequencies = evidence.FrequencyCache()  # the index-wide counts, known for this generation
    frequencies.add("g1", {evidence.DOCUMENTS: 700, evidence.PASSAGES: 7000, ("物业",): 5})
    out = similar._reranked(store, Timing(), frequencies, "g1", ranked, ["物业"], (3.0,))
    assert [c.doc_id for c in out] == ["B", "A"]
    (body,) = store.msearch.call_args.args[0]
    assert {"terms": {"doc_id": ["A", "B"]}} in body["query"]["bool"]["filter"]

"""search/shaping.py: typed hits and passages with their highlights; facets from aggs or candidates."""

from __future__ import annotations

import html
import re

import pytest

from analyzers.segment import Segmenter, mark_terms
from config.settings import Settings
from search.fusion import Candidate, PassageScore
from search.results import FacetBucket, Passage, document_url
from search.shaping import facets_from_aggs, facets_from_candidates, hit_of, passage_of

SEGMENTER = Segmenter(Settings().analyzer)
SOURCE = {
    "doc_id": "d1",
    "title": "关于加强古树名木保护工作的通知",
    "doc_number": "聊政办字〔2023〕21号",
    "issuer": "聊城市人民政府办公室",
    "date": "2023-05-06",
    "kind": "通知",
}


def passage(
    pid: str, text: str, score: float, text_seg: str = "", words: tuple[str, ...] = (), heading: str = ""
) -> PassageScore:
    """A passage as the searcher shapes it: the query's words found in its text_seg."""
    source = {"passage_id": pid, "text": text, "text_seg": text_seg, "heading": heading}
    return PassageScore(pid, source, highlight=mark_terms(text_seg, frozenset(words)), score=score)


def strip_tags(markup: str) -> str:
    return re.sub(r"</?em>", "", markup)


def highlight_html(text: str, text_seg: str, words: tuple[str, ...], segmenter: Segmenter) -> str:
    return passage_of(passage("p", text, 0.0, text_seg, words), segmenter).highlight


def test_highlight_marks_words_without_inserting_spaces() -> None:
    text = "加强古树名木保护工作。"
    out = highlight_html(text, "加强 古树 名木 保护 工作 。", ("古树", "保护"), SEGMENTER)
    assert out == "加强<em>古树</em>名木<em>保护</em>工作。"
    assert strip_tags(out) == html.escape(text)


def test_highlight_escapes_markup_in_the_text() -> None:
    text = "依据<条例>第3条&附件"
    out = highlight_html(text, "依据 < 条例 > 第 3 条 & 附件", ("条例",), SEGMENTER)
    assert "<条例>" not in out and "<em>条例</em>" in out
    assert strip_tags(out) == html.escape(text)


def test_highlight_of_an_unmatched_passage_is_the_escaped_text() -> None:
    assert highlight_html("a<b>古树", "a < b > 古树", (), SEGMENTER) == "a&lt;b&gt;古树"
    assert highlight_html("a<b>古树", "a < b > 古树", ("名木",), SEGMENTER) == "a&lt;b&gt;古树"


def test_passage_of() -> None:
    p = passage("d1#2", "古树名木。", 1.0, "古树 名木 。", ("古树",), heading="一、总则")
    assert passage_of(p, SEGMENTER) == Passage("d1#2", "古树名木。", "<em>古树</em>名木。", "一、总则")


def test_hit_json_keeps_the_best_three_passages_best_first() -> None:
    c = Candidate("d1", SOURCE, score=0.91234567)
    for i, score in enumerate([0.2, 0.9, 0.5, 0.7]):
        c.passages[f"d1#{i}"] = passage(f"d1#{i}", f"第{i}段", score)
    hit = hit_of(c, SEGMENTER)
    assert (hit.doc_id, hit.title, hit.doc_number, hit.issuer, hit.date, hit.kind) == tuple(SOURCE.values())
    assert hit.url == "/documents/d1"
    assert hit.score == pytest.approx(0.912346)
    assert [p.passage_id for p in hit.passages] == ["d1#1", "d1#3", "d1#2"]


def test_document_url() -> None:
    assert document_url("abc_1") == "/documents/abc_1"


def test_facets_from_aggregations_count_documents() -> None:
    aggs = {
        "issuer": {"buckets": [{"key": "聊城市人民政府", "doc_count": 40, "docs": {"value": 3}}]},
        "kind": {"buckets": [{"key": "通知", "doc_count": 7}]},
        "validity": {
            "buckets": {"current": {"doc_count": 9, "docs": {"value": 2}}, "expired": {"doc_count": 0}}
        },
    }
    assert facets_from_aggs(aggs) == {
        "issuer": [FacetBucket("聊城市人民政府", 3)],  # documents, not passages
        "kind": [FacetBucket("通知", 7)],
        "year": [],
        "validity": [FacetBucket("current", 2)],  # statuses without documents are left out
    }


def test_facets_from_candidates() -> None:
    a = Candidate("a", {"issuer": "甲", "kind": "通知", "date": "2023-01-02"})
    b = Candidate("b", {"issuer": "乙", "kind": "通知", "date": "2022-05-06"})
    c = Candidate("c", {"issuer": "乙", "kind": None, "date": None})
    assert facets_from_candidates([a, b, c]) == {
        "issuer": [FacetBucket("乙", 2), FacetBucket("甲", 1)],
        "kind": [FacetBucket("通知", 2)],
        "year": [FacetBucket(2022, 1), FacetBucket(2023, 1)],
        "validity": [FacetBucket("unknown", 3)],
    }

"""analyzers/segment.py: golden jieba tokens (pyserini style), the reversible text_seg and highlight restoring."""

from __future__ import annotations

import html
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers.segment import Segmenter, mark_terms, read_user_dict, restore_highlight
from analyzers.textnorm import fold
from config.settings import AnalyzerSettings


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter(AnalyzerSettings())


GOLDEN = [
    ("古树名木保护", ["古树", "名木", "保护"]),
    ("2022年兰山区政务公开工作要点", ["2022", "年", "兰山区", "政务", "公开", "工作", "要点"]),
    ("稳定实施农机购置补贴政策", ["稳定", "实施", "农机", "购置", "补贴", "政策"]),
    ("深化“放管服”改革，推行“一网通办”", ["深化", "放管服", "改革", "推行", "一网通办"]),
    ("全面推行双随机、一公开监管", ["全面推行", "双随机", "一公开", "监管"]),
    ("开展适龄妇女两癌筛查", ["开展", "适龄", "妇女", "两癌", "筛查"]),
    ("用好乡村教师周转房", ["用", "好", "乡村", "教师", "周转房"]),
    ("市人社局、区教体局", ["市", "人社局", "区", "教体局"]),
    ("兰山区方城镇同利村村庄规划", ["兰山区", "方城镇", "同利村", "村庄", "规划"]),
    ("培育专精特新企业", ["培育", "专精特新", "企业"]),
    ("高新區 水污染防治 2023", ["高新区", "水污染", "防治", "2023"]),
    ("ＡＢＣ公司 Hello World", ["abc", "公司", "hello", "world"]),
    ("聊城市人民政府办公室", ["聊城市", "人民政府", "办公室"]),
]


@pytest.mark.parametrize(("text", "tokens"), GOLDEN)
def test_golden_tokens(segmenter: Segmenter, text: str, tokens: list[str]) -> None:
    assert segmenter.tokens(text) == tokens


def test_construction_is_cheap_and_loading_happens_once() -> None:
    fresh = Segmenter(AnalyzerSettings())
    assert fresh._tokenizer is None
    results: list[list[str]] = []
    threads = [threading.Thread(target=lambda: results.append(fresh.tokens("古树名木"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [["古树", "名木"]] * 4


def test_seg_field_keeps_every_character(segmenter: Segmenter) -> None:
    text = "第一条　为了保护古树名木，制定本办法。\n\n  （一）总体要求"
    seg = segmenter.seg_field(text)
    assert seg == "第一条 为了 保护 古树 名木 , 制定 本 办法 。 ( 一 ) 总体 要求"
    assert seg.replace(" ", "") == "".join(fold(text).split())


def test_seg_field_never_contains_markers(segmenter: Segmenter) -> None:
    assert segmenter.seg_field("a\x01b\x02c") == "a b c"


def test_query_tokens_drop_stop_words(segmenter: Segmenter) -> None:
    assert segmenter.query_tokens("公共体育场馆对老百姓免费开放吗") == [
        "公共",
        "体育场馆",
        "老百姓",
        "免费",
        "开放",
    ]


def test_query_tokens_never_empty(segmenter: Segmenter) -> None:
    assert segmenter.query_tokens("什么是") == ["什么", "是"]
    assert segmenter.query_tokens("，。") == []


@pytest.mark.parametrize(
    ("original", "words", "expected"),
    [
        ("古樹名木保護", {"名木"}, "古樹<em>名木</em>保護"),
        ("高新區　水污染防治", {"高新区", "防治"}, "<em>高新區</em>　水污染<em>防治</em>"),
        ("ＡＢＣ公司", {"abc"}, "<em>ＡＢＣ</em>公司"),
        ("Hello  World 政策", {"world"}, "Hello  <em>World</em> 政策"),
        (" 开头有空格", {"空格"}, " 开头有<em>空格</em>"),
        ("<script>alert(1)</script>补贴", {"补贴"}, "&lt;script&gt;alert(1)&lt;/script&gt;<em>补贴</em>"),
        (
            '<img src=x onerror="alert(1)">政务公开',
            {"政务"},
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;<em>政务</em>公开",
        ),
        ("第一条\n保护古树", {"保护"}, "第一条\n<em>保护</em>古树"),
        ("古树名木", {"古树", "名木"}, "<em>古树</em><em>名木</em>"),  # next to each other, each its own
    ],
)
def test_restore_highlight(segmenter: Segmenter, original: str, words: set[str], expected: str) -> None:
    seg = segmenter.seg_field(original)
    spans = mark_terms(seg, frozenset(words))
    assert spans is not None
    assert segmenter.restore_highlight(original, seg, spans) == expected


def test_restore_highlight_spanning_several_tokens() -> None:
    assert (
        restore_highlight("推进政务公开工作", "推进 政务 公开 工作", ((2, 6),)) == "推进<em>政务公开</em>工作"
    )


def test_restore_highlight_mismatch_falls_back_to_escaped_text() -> None:
    assert restore_highlight("<b>完全不同</b>", "别的 文本", ((0, 2),)) == "&lt;b&gt;完全不同&lt;/b&gt;"


_SEGMENTER = Segmenter(AnalyzerSettings())


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("古树名木保護高新區 　\n\t，。<>&\"'abcAB１２3乾隆頭髮\x01")),
        max_size=40,
    )
)
def test_seg_field_round_trips_through_restore(text: str) -> None:
    seg = _SEGMENTER.seg_field(text)
    assert "\x01" not in seg and "\x02" not in seg and "  " not in seg
    assert seg.replace(" ", "") == "".join(fold(text).replace("\x01", " ").replace("\x02", " ").split())
    assert restore_highlight(text, seg, ()) == html.escape(text.replace("\x01", "").replace("\x02", ""))


def _token_spans(tokens: list[str], marked: list[bool]) -> tuple[tuple[int, int], ...]:
    """The reference: spans of the marked tokens, counted in non-space characters."""
    spans, at = [], 0
    for token, m in zip(tokens, marked, strict=True):
        if m:
            spans.append((at, at + len(token)))
        at += len(token)
    return tuple(spans)


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("古树名木保護高新區 　\n，<>&ＡＢ")), min_size=1, max_size=40),
    st.data(),
)
def test_restore_highlight_marks_exactly_the_marked_tokens(text: str, data: st.DataObject) -> None:
    seg = _SEGMENTER.seg_field(text)
    tokens = seg.split(" ")
    marked = data.draw(st.lists(st.booleans(), min_size=len(tokens), max_size=len(tokens)))
    out = restore_highlight(text, seg, _token_spans(tokens, marked))
    assert html.unescape(out.replace("<em>", "").replace("</em>", "")) == text  # nothing inserted or lost
    assert out.count("<em>") == out.count("</em>") == sum(marked)


def test_mark_terms_marks_whole_tokens_only() -> None:
    seg = "加强 古树名木 保护 , 保护区 建设"
    assert mark_terms(seg, frozenset({"保护", "建设"})) == ((6, 8), (12, 14))
    assert mark_terms(seg, frozenset({"古树"})) is None  # part of a token is no match
    assert mark_terms(seg, frozenset()) is None
    assert mark_terms("a+b ( 古树 古树", frozenset({"a+b", "(", "古树", "树", "", "古树 古树"})) == (
        (0, 3),
        (3, 4),
        (4, 6),
        (6, 8),
    )  # next to each other, regex characters; a term of two tokens or none marks nothing


def test_marked_terms_restore_onto_the_original(segmenter: Segmenter) -> None:
    original = "加強古樹名木保護，保護區建設"
    seg = segmenter.seg_field(original)
    spans = mark_terms(seg, frozenset(segmenter.query_tokens("古树名木 保护")))
    assert spans is not None
    html_out = restore_highlight(original, seg, spans)
    assert html_out.replace("<em>", "").replace("</em>", "") == original
    assert "<em>保護</em>，" in html_out and "保護區建設" in html_out  # 保護區 is another word


def test_read_user_dict_skips_comments(tmp_path: Path) -> None:
    path = tmp_path / "dict.txt"
    path.write_text("# comment\n古樹 3000 n\n\n名木\n", encoding="utf-8")
    assert read_user_dict(path) == [("古树", 3000, "n"), ("名木", None, None)]

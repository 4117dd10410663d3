"""service/markup.py: the highlight sanitiser, query-term marking and the document layout."""

from __future__ import annotations

import pytest

from service.markup import layout_blocks, mark_terms, query_terms, sanitise_highlight


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("关于<em>古树</em>保护", "关于<em>古树</em>保护"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ('<em onclick="alert(1)">x</em>', "&lt;em onclick=&#34;alert(1)&#34;&gt;x"),
        ("<EM>x</EM>", "&lt;EM&gt;x&lt;/EM&gt;"),
        ("a &amp; b &lt;c&gt;", "a &amp; b &lt;c&gt;"),  # already escaped: not escaped twice
        ("<em>open", "<em>open</em>"),  # left open: closed
        ("</em>x<em><em>y</em></em>", "x<em>y</em>"),  # stray and nested tags dropped
    ],
)
def test_sanitise_highlight_keeps_only_em(fragment: str, expected: str) -> None:
    assert str(sanitise_highlight(fragment)) == expected


def test_sanitised_output_has_no_live_markup_but_em() -> None:
    out = str(sanitise_highlight('<em>a</em><svg onload=x><a href="javascript:x">b</a><em style="x">c</em>'))
    assert out.replace("<em>", "").replace("</em>", "").count("<") == 0


def test_mark_terms_escapes_before_marking() -> None:
    out = str(mark_terms("<b>古树名木</b>保护 & 古树", ["古树"]))
    assert out == "&lt;b&gt;<mark>古树</mark>名木&lt;/b&gt;保护 &amp; <mark>古树</mark>"


def test_mark_terms_prefers_longest_term() -> None:
    assert str(mark_terms("古树名木", query_terms("古树 古树名木"))) == "<mark>古树名木</mark>"


def test_query_terms_drop_single_characters_and_punctuation() -> None:
    assert query_terms("古树，保护 的", ["名木", "的"]) == ["保护", "古树", "名木"]


def test_query_terms_keep_a_single_character_query() -> None:
    assert query_terms("树") == ["树"]


def test_layout_blocks_structure() -> None:
    text = "第一章 总则\n第一条 为了规范管理，制定本办法。\n一、总体要求\n（一）坚持依法行政，这一段比较长。\n正文段落。"
    kinds = [(b.kind, b.lead) for b in layout_blocks(text)]
    assert kinds == [("chapter", ""), ("article", "第一条"), ("heading", ""), ("item", ""), ("para", "")]


def test_layout_blocks_cut_one_line_documents_at_articles_only() -> None:
    text = "办法 第一章 总 则第一条 为贯彻落实。第二条 依照第五条规定执行。"
    blocks = layout_blocks(text)
    assert [b.text for b in blocks] == ["办法", "第一章 总 则", "为贯彻落实。", "依照第五条规定执行。"]
    assert [text[b.start : b.start + 2] for b in blocks] == ["办法", "第一", "第一", "第二"]


def test_layout_blocks_anchor_every_passage() -> None:
    text = "第一段。\n第二段。"
    blocks = layout_blocks(text, [(0, 0), (1, 2), (2, 5)])
    assert [b.anchors for b in blocks] == [("p-0", "p-1"), ("p-2",)]

"""analyzers/structure.py: the document page's layout, and the structure patterns the passages share."""

from __future__ import annotations

from analyzers.structure import HEADING_LEVELS, SENTENCE_END, layout_blocks


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


def test_top_headings_are_a_notices_first_level() -> None:
    blocks = layout_blocks("一、总体要求\n（一）基本原则\n第一章 总则")
    assert [(b.kind, b.top) for b in blocks] == [("heading", True), ("heading", False), ("chapter", False)]


def test_heading_levels_and_sentence_ends() -> None:
    levels = {
        line: next(lv for lv, p in HEADING_LEVELS if p.match(line))
        for line in ("第两千条", "二、", "（三）", "4.")
    }
    assert levels == {"第两千条": 3, "二、": 4, "（三）": 5, "4.": 6}
    assert [m.group() for m in SENTENCE_END.finditer("甲。乙！”丙；")] == ["。", "！”", "；"]

"""analyzers/passages.py: structure-aware passages that are exact slices of the document text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from analyzers.document import Document, Passage
from analyzers.passages import split_passages

LAW = (
    "第一章 总则\n"
    "第一条 为了加强古树名木保护，根据有关法律法规，结合本市实际，制定本办法。\n"
    "第二条 本市行政区域内古树名木的保护管理，适用本办法。\n"
    "第二章 保护措施\n"
    "第三条 古树名木保护实行属地管理。有下列行为之一的，依法处理：\n"
    "（一）砍伐古树名木的；\n"
    "（二）擅自移植古树名木的。\n"
    "第四条 " + "市林业主管部门负责全市古树名木保护工作。" * 30 + "\n"
    "第三章 法律责任\n"
    "第五条 违反本办法规定的，由有关部门依法处理。\n"
)

NOTICE = (
    "为深入推进政务公开工作，现将有关事项通知如下。\n"
    "一、总体要求\n"
    "（一）指导思想。" + "坚持以人民为中心的发展思想，全面推进政务公开。" * 4 + "\n"
    "（二）基本原则。坚持公开为常态、不公开为例外。\n"
    "二、主要任务\n"
    "1.推进决策公开。" + "完善重大行政决策事项目录。" * 10 + "\n"
    "2.推进执行公开。加强督查。\n"
)


def _doc(text: str) -> Document:
    return Document(doc_id="d1", title="标题", text=text, source="s.txt", line_start=1, line_end=9)


def _check_slices(doc: Document, passages: list[Passage]) -> None:
    assert [p.ordinal for p in passages] == list(range(len(passages)))
    assert [p.passage_id for p in passages] == [f"{doc.doc_id}#{n}" for n in range(len(passages))]
    for p in passages:
        assert p.text == doc.text[p.start : p.end]
        assert p.text and p.text == p.text.strip()
    assert all(a.end <= b.start for a, b in zip(passages, passages[1:], strict=False))


def test_law_style_headings() -> None:
    doc = _doc(LAW)
    passages = split_passages(doc)
    _check_slices(doc, passages)
    assert [p.heading for p in passages] == [
        "第一章 总则 > 第一条",
        "第二章 保护措施 > 第三条",
        "第二章 保护措施 > 第四条",
        "第二章 保护措施 > 第四条",
        "第三章 法律责任 > 第五条",
    ]
    assert passages[0].text.startswith("第一章 总则\n第一条")
    assert passages[1].text.endswith("（二）擅自移植古树名木的。")  # items of an article are not headings
    assert all(len(p.text) <= 500 for p in passages)
    assert passages[3].text.endswith("。")  # a long article is split at a sentence end


def test_notice_style_headings() -> None:
    doc = _doc(NOTICE)
    passages = split_passages(doc)
    _check_slices(doc, passages)
    assert [p.heading for p in passages] == [
        "",
        "一、总体要求 > （一）指导思想",
        "一、总体要求 > （二）基本原则",
        "二、主要任务 > 1.推进决策公开",
    ]
    assert passages[1].text.startswith("一、总体要求\n（一）指导思想。")
    assert passages[3].text.endswith("2.推进执行公开。加强督查。")  # a small tail joins its neighbour


def test_articles_run_together_in_one_paragraph_are_separated() -> None:
    text = "第一条 " + "为了规范资金管理，制定本办法。" * 8 + "第二条本办法所称资金，是指财政专项资金。" * 6
    passages = split_passages(_doc(text))
    assert [p.heading for p in passages] == ["第一条", "第二条"]


def test_short_document_gives_one_passage() -> None:
    doc = _doc("  \n同意设立某社区。\n")
    (passage,) = split_passages(doc)
    assert (passage.text, passage.start, passage.heading) == ("同意设立某社区。", 3, "")


def test_blank_document_gives_no_passage() -> None:
    assert split_passages(_doc(" \n\n ")) == []


def test_long_paragraph_without_punctuation_is_cut_at_max() -> None:
    doc = _doc("字" * 1200)
    passages = split_passages(doc, min_chars=100, max_chars=500)
    _check_slices(doc, passages)
    assert [len(p.text) for p in passages] == [500, 500, 200]


def test_table_rows_are_paragraphs() -> None:
    rows = "\n".join(f"{n}\t某某单位\t负责事项{n}\t2023年底前" for n in range(1, 40))
    doc = _doc("附件：任务分解表\n" + rows)
    passages = split_passages(doc)
    _check_slices(doc, passages)
    assert all("\n" not in p.text[:1] for p in passages)
    assert all(100 <= len(p.text) <= 500 for p in passages[:-1])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "第一章 总则",
                "第二条 内容。",
                "一、要求",
                "（一）原则。",
                "1.任务",
                "(1)细则",
                "正文。" * 20,
                "",
                "  ",
            ]
        ),
        max_size=30,
    ),
    st.integers(min_value=10, max_value=120),
)
def test_passages_are_exact_slices(lines: list[str], min_chars: int) -> None:
    doc = _doc("\n".join(lines))
    passages = split_passages(doc, min_chars=min_chars, max_chars=min_chars + 80)
    _check_slices(doc, passages)
    assert all(len(p.text) <= min_chars + 80 for p in passages)
    covered = "".join(doc.text[p.start : p.end] for p in passages)
    assert "".join(covered.split()) == "".join(doc.text.split())

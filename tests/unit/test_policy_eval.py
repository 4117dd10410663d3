"""bench/policy_eval.py: the 国务院令 and version cases derived from documents."""

from __future__ import annotations

from analyzers.document import DocNumber, Document
from bench.policy_eval import NumberCase, number_cases, revision_decrees, version_cases


def regulation(doc_id: str, title: str, date: str, *numbers: DocNumber) -> Document:
    return Document(doc_id, title, "正文", f"{doc_id}.md", 1, 2, issuer="国务院", date=date, kind="条例",
                    doc_numbers=numbers)  # fmt: skip


P601 = DocNumber("国务院令第601号", "公布", "2011-07-26")
R791 = DocNumber("国务院令第791号", "修订", "2024-09-27")
R525 = DocNumber("国务院令第525号", "修订", "2008-05-25")
DOCS = [
    regulation("m2019", "烈士褒扬条例", "2019-08-01", P601),
    regulation("m2024", "烈士褒扬条例", "2024-09-27", P601, R791),
    # revised by 525 in 2008, then by an unnumbered decision: the version 525 produced is not there
    regulation(
        "pig", "生猪屠宰管理条例", "2021-06-25", DocNumber("国务院令第238号", "公布", "1997-12-19"), R525
    ),
    # the same number in two regulations' headers: no case
    regulation("a", "甲条例", "2001-01-01", DocNumber("国务院令第1号", "公布", "2001-01-01")),
    regulation("b", "乙条例", "2002-01-01", DocNumber("国务院令第1号", "公布", "2002-01-01")),
    regulation("c", "丙条例", "2003-01-01", DocNumber("卫生部令第2号", "公布", "2003-01-01")),
]


def test_each_state_council_number_of_one_regulation_is_a_case() -> None:
    cases = {c.query: c for c in number_cases(DOCS)}
    assert sorted(cases) == ["国务院令第238号", "国务院令第525号", "国务院令第601号", "国务院令第791号"]
    assert cases["国务院令第601号"] == NumberCase("国务院令第601号", frozenset({"m2019", "m2024"}))
    assert cases["国务院令第791号"].version == "m2024"


def test_a_revision_decree_whose_version_is_not_indexed_counts_for_the_regulation_only() -> None:
    case = next(c for c in number_cases(DOCS) if c.query == "国务院令第525号")
    assert case.regulation == {"pig"} and case.version is None
    assert revision_decrees(DOCS) == 2


def test_titles_in_several_versions_are_version_cases() -> None:
    [case] = version_cases(DOCS)
    assert (case.title, case.current, case.older) == ("烈士褒扬条例", "m2024", frozenset({"m2019"}))

"""indexer/history.py (and the Markdown path of the splitter): every version of three regulations."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.document import DocNumber
from indexer.history import parse_event, parse_history
from indexer.sources import read_documents

LAWS = Path(__file__).resolve().parents[2] / "data" / "corpus-laws"
ARMY = "国务院、中央军事委员会令"

# file -> (doc_number, date, promulgated, effective_from, doc_numbers)
GOLDEN = {
    "烈士褒扬条例(2019-08-01).md": (
        "国务院令第601号", "2019-08-01", "2011-07-26", "2011-08-01",
        [DocNumber("国务院令第601号", "公布", "2011-07-26")],
    ),
    "烈士褒扬条例(2024-09-27).md": (
        "国务院令第601号", "2024-09-27", "2011-07-26", "2025-01-01",
        [DocNumber("国务院令第601号", "公布", "2011-07-26"), DocNumber("国务院令第791号", "修订", "2024-09-27")],
    ),
    "专利法实施细则(2010-01-09).md": (
        "国务院令第306号", "2010-01-09", "2001-06-15", "2001-07-01",
        [DocNumber("国务院令第306号", "公布", "2001-06-15")],
    ),
    "专利法实施细则(2023-12-11).md": (
        "国务院令第306号", "2023-12-11", "2001-06-15", "2001-07-01",
        [DocNumber("国务院令第306号", "公布", "2001-06-15")],
    ),
    "中国人民解放军文职人员条例(2017-09-27).md": (
        f"{ARMY}第438号", "2017-09-27", "2005-06-23", "2017-09-27",
        [DocNumber(f"{ARMY}第438号", "公布", "2005-06-23"), DocNumber(f"{ARMY}第689号", "修订", "2017-09-27")],
    ),
    "中国人民解放军文职人员条例(2022-12-10).md": (
        f"{ARMY}第438号", "2022-12-10", "2005-06-23", "2023-01-01",
        [
            DocNumber(f"{ARMY}第438号", "公布", "2005-06-23"),
            DocNumber(f"{ARMY}第689号", "修订", "2017-09-27"),
            DocNumber(f"{ARMY}第757号", "修订", "2022-12-10"),
        ],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_every_version_of_three_regulations(name: str) -> None:
    (doc,) = read_documents(LAWS / name, LAWS, 10_000_000)
    number, date, promulgated, effective, numbers = GOLDEN[name]
    assert (doc.doc_number, doc.date, doc.promulgated, doc.effective_from) == (
        number,
        date,
        promulgated,
        effective,
    )
    assert list(doc.doc_numbers) == numbers


def test_the_header_names_every_revision_decree() -> None:
    history = parse_history(
        [
            "2011年7月26日 中华人民共和国国务院令第601号公布",
            "2019年3月2日 《国务院关于修改部分行政法规的决定》第一次修订　",
            "2019年8月1日 《国务院关于修改〈烈士褒扬条例〉的决定》第二次修订　",
            "2024年9月27日 中华人民共和国国务院令第791号第三次修订）",
        ]
    )
    assert (history.doc_number, history.promulgated, history.latest) == (
        "国务院令第601号",
        "2011-07-26",
        "2024-09-27",
    )
    assert [e.role for e in history.events] == ["公布", "修订", "修订", "修订"]


@pytest.mark.parametrize(
    ("line", "date", "role", "number"),
    [
        ("2019年3月1日 施行", "2019-03-01", "施行", None),
        ("1990年1月1日 国家统计局令第1号发布  自发布之日施行", "1990-01-01", "公布", "国家统计局令第1号"),
        ("1988年8月6日 中华人民共和国国务院令第11号发布　", "1988-08-06", "公布", "国务院令第11号"),
        ("2017年3月1日 《国务院关于修改和废止部分行政法规的决定》第二次修订", "2017-03-01", "修订", None),
        ("2011年1月8日 国务院第138次常务会议通过", "2011-01-08", "", None),
        ("1995年1月11日 国务院批准　", "1995-01-11", "", None),
        ("劳部发〔1994〕489号", None, "", "劳部发〔1994〕489号"),
        ("2017年11月22日 中华人民共和国国务院令第692号　", "2017-11-22", "公布", "国务院令第692号"),
        ("海关总署第3号令发布　", None, "公布", "海关总署令第3号"),
    ],
)
def test_parse_event(line: str, date: str | None, role: str, number: str | None) -> None:
    event = parse_event(line)
    assert (event.date, event.role, event.number) == (date, role, number)


def test_in_force_on_publication() -> None:
    history = parse_history(["1990年1月1日 国家统计局令第1号发布  自发布之日施行"])
    assert history.effective_from == "1990-01-01"


def test_a_text_promulgated_anew_is_issued_under_the_new_decree() -> None:
    history = parse_history(
        [
            "1991年3月4日 中华人民共和国国务院令第76号发布　",
            "2018年9月6日 国务院第23次常务会议修订通过",
            "2018年11月6日 中华人民共和国国务院令第706号公布",
            "2019年3月1日 施行",
        ]
    )
    assert (history.doc_number, history.promulgated, history.latest, history.effective_from) == (
        "国务院令第706号",
        "1991-03-04",
        "2018-11-06",
        "2019-03-01",
    )
    assert [n.number for n in history.doc_numbers] == ["国务院令第76号", "国务院令第706号"]

"""analyzers/docnum.py: 文号 recognition and canonical form."""

from __future__ import annotations

import pytest

from analyzers.docnum import (
    canonical_doc_number,
    doc_number_parts,
    find_doc_numbers,
    looks_like_doc_number_query,
)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("聊政办字[2023]24号", "聊政办字〔2023〕24号"),
        ("聊政办字〔2023〕24号", "聊政办字〔2023〕24号"),
        ("聊政办字2023第24号", "聊政办字〔2023〕24号"),
        ("聊政办字 2023 24号", "聊政办字〔2023〕24号"),
        ("聊政办字(2023)24号", "聊政办字〔2023〕24号"),
        ("聊政办字2023年第24号", "聊政办字〔2023〕24号"),
        ("聊政办字〔2023〕024 号", "聊政办字〔2023〕24号"),
        ("临兰政办发（2022）8号", "临兰政办发〔2022〕8号"),
        ("聊新出准字【2008】13号", "聊新出准字〔2008〕13号"),
        ("聊政辦字［２０２３］２４號", "聊政办字〔2023〕24号"),
        ("财税[2020]第58号", "财税〔2020〕58号"),
        ("聊城市人民政府令第46号", "聊城市人民政府令第46号"),
        ("聊城市人民政府令第 46 号", "聊城市人民政府令第46号"),
        ("市政府令第 46 号", "市政府令第46号"),
        ("国务院第706号令", "国务院令第706号"),
    ],
)
def test_canonical_doc_number(raw: str, canonical: str) -> None:
    assert canonical_doc_number(raw) == canonical


@pytest.mark.parametrize(
    "raw",
    [
        "2023年7月",
        "２０２３年７月２４号",
        "第十二条",
        "第3条第2款",
        "聊政办字〔2023〕0号",
        "补贴2023 5号",
        "",
        "号",
        "关于印发聊政发〔2023〕7号的通知",
    ],
)
def test_not_a_doc_number(raw: str) -> None:
    assert canonical_doc_number(raw) is None


def test_find_doc_numbers_in_order_without_repeats() -> None:
    text = (
        "根据《关于印发“无废城市”建设工作方案的通知》(鲁政字〔2022〕130号)、聊政字[2022]35号和"
        "山东省人民政府关于贯彻落实国发〔2016〕34号文件，2023年7月24号起施行；再次引用鲁政字〔2022〕130 号。"
        "《聊城市某办法》(聊城市人民政府令第 46 号)"
    )
    assert find_doc_numbers(text) == [
        "鲁政字〔2022〕130号",
        "聊政字〔2022〕35号",
        "国发〔2016〕34号",
        "聊城市人民政府令第46号",
    ]


def test_find_keeps_agency_names_that_contain_function_words() -> None:
    text = "依据中华人民共和国国务院令第706号和住房和城乡建设部令第5号"
    assert find_doc_numbers(text) == ["中华人民共和国国务院令第706号", "住房和城乡建设部令第5号"]


def test_find_ignores_dates_and_articles() -> None:
    assert find_doc_numbers("2023年7月24日印发，第十二条规定，(2023年)第5期") == []


def test_doc_number_parts() -> None:
    assert doc_number_parts("聊政办字〔2023〕24号") == ["聊政办字", "2023", "24号", "24"]
    assert doc_number_parts("聊城市人民政府令第46号") == ["聊城市人民政府令", "46号", "46"]


@pytest.mark.parametrize(
    ("query", "canonical"),
    [
        ("聊政办字〔2023〕21号", "聊政办字〔2023〕21号"),
        ("临兰政办字(2022)43号", "临兰政办字〔2022〕43号"),
        ("聊高新区管发2023第45号", "聊高新区管发〔2023〕45号"),
        ("方政发〔2022〕87号", "方政发〔2022〕87号"),
        ("聊政字 2019 14号", "聊政字〔2019〕14号"),
        ("  文号：聊政字 2019 14号 ", "聊政字〔2019〕14号"),
    ],
)
def test_doc_number_queries(query: str, canonical: str) -> None:
    assert looks_like_doc_number_query(query) == canonical


@pytest.mark.parametrize("query", ["古树名木", "2023年政务公开", "高新區 水污染防治 2023", "第十二条"])
def test_ordinary_queries_are_not_doc_numbers(query: str) -> None:
    assert looks_like_doc_number_query(query) is None

"""analyzers/docnum.py: 文号 recognition and canonical form."""

from __future__ import annotations

import pytest

from analyzers.docnum import (
    canonical_doc_number,
    doc_number_parts,
    find_doc_numbers,
    issuerless_doc_number_query,
    looks_like_doc_number_query,
    query_doc_numbers,
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
        # decrees: the State Council's in every way people type them ("中华人民共和国" is dropped)
        ("国务院令第601号", "国务院令第601号"),
        ("中华人民共和国国务院令第601号", "国务院令第601号"),
        ("中华人民共和国国务院令 第 660 号", "国务院令第660号"),
        ("国务院令601号", "国务院令第601号"),
        ("国务院令(第722号)", "国务院令第722号"),
        ("国务院令（第722号）", "国务院令第722号"),
        ("国务院第697号令", "国务院令第697号"),
        ("中华人民共和国国务院、中华人民共和国中央军事委员会令第12号", "国务院、中央军事委员会令第12号"),
        # department decrees, also numbered per year
        ("卫生部令第2号", "卫生部令第2号"),
        ("海关总署第3号令", "海关总署令第3号"),
        ("农业农村部令2023年第5号", "农业农村部令2023年第5号"),
        ("农业农村部令 2023年 第 5 号", "农业农村部令2023年第5号"),
        # 发/办发 numbers with any bracket, spaces, full-width or other Unicode digits, format characters
        ("国发〔2024〕5号", "国发〔2024〕5号"),
        ("国办发［2024］5号", "国办发〔2024〕5号"),
        ("国办发[2024]5号", "国办发〔2024〕5号"),
        ("鲁政发 (2024) 5 号", "鲁政发〔2024〕5号"),
        ("聊政发（２０２４）５号", "聊政发〔2024〕5号"),
        ("国发\u200b〔2024〕\u202e5号", "国发〔2024〕5号"),
        ("国发〔\u0662\u0660\u0662\u0664〕\u0665号", "国发〔2024〕5号"),
        ("国发〔𝟐𝟎𝟐𝟒〕５号", "国发〔2024〕5号"),
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
    assert find_doc_numbers(text) == ["国务院令第706号", "住房和城乡建设部令第5号"]


def test_find_ignores_dates_and_articles() -> None:
    assert find_doc_numbers("2023年7月24日印发，第十二条规定，(2023年)第5期") == []


def test_an_issuerless_decree_is_only_a_key() -> None:
    assert canonical_doc_number("第601号令") is None
    assert issuerless_doc_number_query("第601号令") == "令第601号"
    assert issuerless_doc_number_query(" 令第 601 号 ") == "令第601号"
    assert issuerless_doc_number_query("国务院令第601号") is None


def test_query_doc_numbers() -> None:
    assert query_doc_numbers("国务院令601号") == ["国务院令第601号"]
    assert query_doc_numbers("烈士褒扬条例 国务院令第791号 修订") == ["国务院令第791号"]
    assert query_doc_numbers("烈士褒扬") == []


def test_doc_number_parts() -> None:
    assert doc_number_parts("聊政办字〔2023〕24号") == ["聊政办字", "2023", "24号", "24"]
    assert doc_number_parts("聊城市人民政府令第46号") == ["聊城市人民政府令", "46号", "46", "令第46号"]
    assert doc_number_parts("农业农村部令2023年第5号") == ["农业农村部令", "2023", "5号", "5"]


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

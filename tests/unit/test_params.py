"""service/params.py: every bad value raises InvalidParameter (or PayloadTooLarge) naming the parameter."""

from __future__ import annotations

from typing import Any

import pytest

from config.settings import ServiceSettings
from service.errors import InvalidParameter, PayloadTooLarge
from service.params import (
    parse_doc_id,
    parse_export,
    parse_filters,
    parse_search,
    parse_similar,
    parse_suggest,
)
from store.records import Filters

LIMITS = ServiceSettings()


def search(**args: Any) -> Any:
    return parse_search({"q": "古树", **args}, LIMITS)


def test_defaults() -> None:
    p = search()
    assert (p.q, p.mode, p.size, p.page, p.sort, p.filters) == (
        "古树",
        "hybrid",
        10,
        1,
        "relevance",
        Filters(),
    )
    assert p.as_dict() == {
        "q": "古树",
        "mode": "hybrid",
        "size": 10,
        "page": 1,
        "sort": "relevance",
        "filters": {},
    }


def test_good_values_are_typed() -> None:
    p = search(mode="semantic", size="50", page="2", sort="date", kind="通知", issuer=" 聊城市人民政府 ")
    assert (p.mode, p.size, p.page, p.sort) == ("semantic", 50, 2, "date")
    assert p.filters == Filters(issuer="聊城市人民政府", kind="通知")


def test_no_page_beyond_the_ranked_window() -> None:
    assert search(size="10", page="10").page == 10  # 100 results: the whole window
    with pytest.raises(InvalidParameter, match=r"^page: only the first 100 results") as err:
        search(size="50", page="3")
    assert err.value.param == "page"


@pytest.mark.parametrize("q", ["", "   ", None])
def test_q_is_required(q: str | None) -> None:
    with pytest.raises(InvalidParameter, match=r"^q is required"):
        parse_search({"q": q}, LIMITS)


def test_q_too_long() -> None:
    assert parse_search({"q": "字" * 256}, LIMITS).q == "字" * 256
    with pytest.raises(InvalidParameter, match=r"^q must be at most 256"):
        parse_search({"q": "字" * 257}, LIMITS)


def test_empty_q_allowed_when_browsing() -> None:
    assert parse_search({}, LIMITS, require_q=False).q == ""


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("mode", "fuzzy"),
        ("mode", "HYBRID"),
        ("sort", "title"),
        ("size", "0"),
        ("size", "51"),
        ("size", "abc"),
        ("size", "-1"),
        ("size", "1.5"),
        ("page", "0"),
        ("page", "51"),
        ("page", "x"),
    ],
)
def test_bad_choice_or_number_names_the_parameter(name: str, value: str) -> None:
    with pytest.raises(InvalidParameter) as info:
        search(**{name: value})
    assert info.value.message.startswith(f"{name} must be")
    assert info.value.status == 400 and info.value.code == "invalid_parameter"


@pytest.mark.parametrize(("size", "expected"), [("1", 1), ("50", 50), ("", 10), (" 7", 7)])
def test_size_bounds(size: str, expected: int) -> None:
    assert search(size=size).size == expected


def test_dates_year_and_day() -> None:
    f = parse_filters({"date_from": "2022", "date_to": "2023"})
    assert (f.date_from, f.date_to) == ("2022-01-01", "2023-12-31")
    f = parse_filters({"date_from": "2023-02-28", "date_to": "2023-03-01"})
    assert (f.date_from, f.date_to) == ("2023-02-28", "2023-03-01")
    f = parse_filters({"date_from": "2023", "date_to": "2023"})  # one whole year
    assert (f.date_from, f.date_to) == ("2023-01-01", "2023-12-31")


@pytest.mark.parametrize(
    "value",
    # Arabic-Indic and full-width digits pass a Unicode \d but Elasticsearch cannot parse them (was a 502).
    [
        "23",
        "2023-1-1",
        "2023/01/01",
        "2023-01",
        "二〇二三",
        "20230101",
        "2023-01-01T00",
        "٢٠٢٣",
        "２０２３",
        "2023-٠١-٠١",
    ],
)
@pytest.mark.parametrize("name", ["date_from", "date_to"])
def test_bad_date_format(name: str, value: str) -> None:
    with pytest.raises(InvalidParameter, match=rf"^{name} must be YYYY or YYYY-MM-DD"):
        parse_filters({name: value})


@pytest.mark.parametrize("value", ["2023-02-30", "2023-13-01", "2023-00-10"])
def test_impossible_date(value: str) -> None:
    with pytest.raises(InvalidParameter, match=r"^date_to is not a valid date"):
        parse_filters({"date_to": value})


@pytest.mark.parametrize(
    ("date_from", "date_to"), [("2024", "2023"), ("2023-06-02", "2023-06-01"), ("2023-06-01", "2022")]
)
def test_from_after_to(date_from: str, date_to: str) -> None:
    with pytest.raises(InvalidParameter, match=r"^date_from must not be after date_to"):
        parse_filters({"date_from": date_from, "date_to": date_to})


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("国务院令601号", "国务院令第601号"),
        ("中华人民共和国国务院令第601号", "国务院令第601号"),
        ("国发[2024]５号", "国发〔2024〕5号"),
    ],
)
def test_doc_number_filter_is_canonical(typed: str, canonical: str) -> None:
    assert parse_filters({"doc_number": typed}).doc_number == canonical


def test_doc_number_filter_must_be_a_doc_number() -> None:
    with pytest.raises(InvalidParameter, match=r"^doc_number is not a 文号") as e:
        parse_filters({"doc_number": "古树名木"})
    assert e.value.param == "doc_number"


def test_validity_filter() -> None:
    assert parse_filters({"validity": "superseded"}).validity == "superseded"
    with pytest.raises(InvalidParameter, match=r"^validity must be one of: current, ") as e:
        parse_filters({"validity": "valid"})
    assert e.value.param == "validity"


def test_csv_export_defaults_to_a_thousand_rows() -> None:
    fmt, p = parse_export({"q": "古树", "format": "csv"}, ServiceSettings())
    assert (fmt, p.size, p.page) == ("csv", 1000, 1)
    with pytest.raises(InvalidParameter, match=r"^size must be an integer from 1 to 1000"):
        parse_export({"q": "古树", "format": "csv", "size": "1001"}, ServiceSettings())
    with pytest.raises(InvalidParameter, match=r"^format must be one of: json, csv"):
        parse_export({"q": "古树", "format": "xml"}, ServiceSettings())


@pytest.mark.parametrize("name", ["issuer", "kind"])
def test_text_filter_too_long(name: str) -> None:
    assert getattr(parse_filters({name: "x" * 128}), name) == "x" * 128
    with pytest.raises(InvalidParameter, match=rf"^{name} must be at most 128"):
        parse_filters({name: "x" * 129})


@pytest.mark.parametrize("body", [None, [], ["text"], "草稿", 3, True])
def test_similar_body_must_be_an_object(body: Any) -> None:
    with pytest.raises(InvalidParameter, match=r"JSON object"):
        parse_similar(body, LIMITS)


@pytest.mark.parametrize(
    "body", [{}, {"text": ""}, {"text": "  \n"}, {"text": 5}, {"text": ["a"]}, {"draft": "x"}]
)
def test_similar_text_missing(body: dict[str, Any]) -> None:
    with pytest.raises(InvalidParameter, match=r"^text is required"):
        parse_similar(body, LIMITS)


def test_similar_draft_too_long_is_413() -> None:
    assert parse_similar({"text": "字" * 20_000}, LIMITS).text == "字" * 20_000
    with pytest.raises(PayloadTooLarge, match=r"^text must be at most 20000") as info:
        parse_similar({"text": "字" * 20_001}, LIMITS)
    assert info.value.status == 413


def test_similar_size_and_filters() -> None:
    p = parse_similar({"text": "草稿", "size": 5, "kind": "通知", "date_from": "2023"}, LIMITS)
    assert (p.size, p.filters) == (5, Filters(kind="通知", date_from="2023-01-01"))
    for bad in (0, 51, "many", 2.5):
        with pytest.raises(InvalidParameter, match=r"^size must be"):
            parse_similar({"text": "草稿", "size": bad}, LIMITS)
    with pytest.raises(InvalidParameter, match=r"^date_from must be"):
        parse_similar({"text": "草稿", "date_from": "yesterday"}, LIMITS)


@pytest.mark.parametrize("doc_id", ["", "a/b", "a b", "文档", "x" * 65, "a.b", "a%2F", "abc\n"])
def test_bad_doc_id(doc_id: str) -> None:
    with pytest.raises(InvalidParameter, match=r"^doc_id must be"):
        parse_doc_id(doc_id)


def test_good_doc_id() -> None:
    assert parse_doc_id("001_4e409ccb49078295-3") == "001_4e409ccb49078295-3"
    assert parse_doc_id("x" * 64) == "x" * 64


def test_suggest() -> None:
    assert parse_suggest({"q": " 古树 "}) == "古树"
    with pytest.raises(InvalidParameter, match=r"^q is required"):
        parse_suggest({"q": " "})
    with pytest.raises(InvalidParameter, match=r"^q must be at most 64"):
        parse_suggest({"q": "字" * 65})

"""analyzers/validity.py: validity sentences from the sample and the regulations, and status on a day."""

from __future__ import annotations

import datetime as dt

import pytest

from analyzers.validity import TextValidity, extract_validity, status_on, validity_status


@pytest.mark.parametrize(
    ("text", "issued", "expected"),
    [
        # the sample (data/corpus)
        ("第三十五条 本办法自 2023 年 11 月 1 日起施行，有效期至 2028 年 10 月 31 日。", "2023-09-10",
         TextValidity("2023-11-01", "2028-10-31")),
        ("第三十九条 本办法自印发之日起施行。", "2023-05-22", TextValidity("2023-05-22")),
        ("第十三条 本办法自2022年10月1日起实施,有效期至2025年9月30日。", None, TextValidity("2022-10-01", "2025-09-30")),
        ("本预案自印发之日起施行,《兰山区防汛抗旱应急预案》(临兰政办字〔2020〕35号)同时废止。", "2022-06-23",
         TextValidity("2022-06-23", None, ("兰山区防汛抗旱应急预案",))),
        # "有效期 5 年" of a permit is not the document's
        ("第十二条 排污单位排污权以排污权证形式确认，有效期 5 年，作为排污单位排污权有偿使用和交易的凭证。", "2023-09-24",
         TextValidity()),
        ("本办法自2023年11月1日起施行，有效期5年。", None, TextValidity("2023-11-01", "2028-10-31")),
        ("本方案自印发之日起施行，有效期两年。", "2024-03-01", TextValidity("2024-03-01", "2026-02-28")),
        # an explicit date wins over "自公布之日起实施" elsewhere in the text
        ("第十九条 本暂行办法自公布之日起实施。第二十条 本暂行办法自2024年7月31日起施行,有效期至2029年7月30日。",
         "2022-06-30", TextValidity("2024-07-31", "2029-07-30")),
        # the regulations (data/corpus-laws)
        ("第五十条 本条例自2024年12月1日起施行。《中华人民共和国核两用品及相关技术出口管制条例》、"
         "《有关化学品及相关设备和技术出口管制办法》同时废止。", "2024-09-30",
         TextValidity("2024-12-01", None, ("中华人民共和国核两用品及相关技术出口管制条例", "有关化学品及相关设备和技术出口管制办法"))),
        ("第三十条 本条例自2011年11月1日起施行。1987年8月5日国务院发布的《城乡个体工商户管理暂行条例》同时废止。",
         None, TextValidity("2011-11-01", None, ("城乡个体工商户管理暂行条例",))),
        ("根据《国务院关于修改和废止部分行政法规的决定》修订。", None, TextValidity()),
    ],
)  # fmt: skip
def test_extract_validity(text: str, issued: str | None, expected: TextValidity) -> None:
    assert extract_validity(text, issued) == expected


TODAY = dt.date(2025, 7, 1)


@pytest.mark.parametrize(
    ("fields", "status", "reason"),
    [
        ({"effective_from": "2023-11-01", "expires_on": "2028-10-31"}, "current", "有效期至2028年10月31日"),
        (
            {"effective_from": "2023-01-01", "expires_on": "2025-06-30"},
            "expired",
            "有效期至2025年6月30日，已届满",
        ),
        ({"effective_from": "2025-12-01"}, "not_yet_effective", "自2025年12月1日起施行"),
        ({"effective_from": "2011-08-01", "superseded_by": "abc"}, "superseded", "已被新版本修订"),
        ({"effective_from": "2011-08-01", "repealed_by": "abc"}, "repealed", "已废止"),
        ({"effective_from": "2011-08-01"}, "current", "自2011年8月1日起施行"),
        ({"stated_validity": "失效"}, "expired", "已失效"),
        ({"stated_validity": "有效"}, "current", "现行有效"),
        ({}, "unknown", "未载明施行日期"),
    ],
)
def test_validity_status(fields: dict[str, str], status: str, reason: str) -> None:
    result = validity_status(fields, TODAY)
    assert (result.status, result.reason) == (status, reason)
    assert validity_status(fields, "2025-07-01") == result
    assert status_on(fields, "2025-07-01") == status  # what facets count


@pytest.mark.parametrize("effective", [None, "2020-01-01", "2030-01-01"])
@pytest.mark.parametrize("expires", [None, "2024-12-31", "2030-12-31"])
@pytest.mark.parametrize("stated", [None, "", "有效", "现行有效", "失效", "部分失效", "废止", "已废止"])
@pytest.mark.parametrize("later", [{}, {"superseded_by": "b"}, {"repealed_by": "c"}])
def test_each_reason_is_its_status_own(
    effective: str | None, expires: str | None, stated: str | None, later: dict[str, str]
) -> None:
    """The reason (_reason) says what made the status (status_on), for every combination of fields."""
    fields = {"effective_from": effective, "expires_on": expires, "stated_validity": stated, **later}
    result = validity_status(fields, TODAY)
    expected = {
        "repealed": "已废止",
        "superseded": "已被新版本修订",
        "expired": "有效期至2024年12月31日，已届满" if expires == "2024-12-31" else "已失效",
        "not_yet_effective": "自2030年1月1日起施行",
        "current": "有效期至2030年12月31日"
        if expires
        else "自2020年1月1日起施行"
        if effective
        else "现行有效",
        "unknown": "未载明施行日期",
    }
    assert result.reason == expected[result.status]

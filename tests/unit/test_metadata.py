"""indexer/metadata.py: dates, kinds, issuers and titles derived from the body."""

from __future__ import annotations

import pytest

from indexer.metadata import derive_title, find_date, join_orgs, kind_of, parse_date, signature_issuer


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2023年9月10日", "2023-09-10"),
        ("2023 年 8 月 16 日", "2023-08-16"),
        ("二〇二三年七月十日", "2023-07-10"),
        ("二〇一九年十二月三十一日", "2019-12-31"),
        ("2023年13月1日", None),
        ("无日期", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("关于印发聊城市水文管理办法的通知", "通知"),
        ("聊城市烈士褒扬办法", "办法"),
        ("聊城市科学绿化实施方案（2023—2025年）", "方案"),
        ("聊城市“十四五”时期“无废城市”建设实施方案(征求意见稿)", "方案"),
        ("关于任免齐现强等工作人员职务的通知", "任免"),
        ("聊城市人民政府大事记(2023年8月)", "大事记"),
        ("专利代理条例", "条例"),
        ("没有类别的标题", None),
    ],
)
def test_kind_of(title: str, kind: str | None) -> None:
    assert kind_of(title) == kind


def test_find_date_prefers_the_signature_line() -> None:
    lines = [
        "现将《某办法》印发给你们。",
        "聊城市人民政府",
        "2023年9月10日",
        "第九条 本办法自2024年1月1日起施行。",
    ]
    assert find_date(lines) == "2023-09-10"
    assert find_date(["正文 聊城高新技术产业开发区管理委员会 2023年9月14日 附件"]) == "2023-09-14"
    assert find_date(["2022-10-18 11:38 来源: 北极星固废网"]) == "2022-10-18"


def test_signature_issuer_of_a_joint_document() -> None:
    lines = ["正文。", "兰山区总工会", "兰山区财政局 兰山区妇女联合会", "2022年6月21日"]
    assert signature_issuer(lines) == "兰山区总工会、兰山区财政局、兰山区妇女联合会"
    assert join_orgs(["聊城市人民政府办公室文件"]) == "聊城市人民政府办公室"


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("《兰山区某办法》已经区政府研究通过,现印发给你们,请遵照执行。", "关于印发兰山区某办法的通知"),
        ("形成了2022年度评价结果,现予以公布。", "关于公布2022年度评价结果的通知"),
        ("决定联合举办第一届技能竞赛。现将有关事项通知如下:", "关于举办第一届技能竞赛的通知"),
        ("在全镇开展“飞线”专项整治行动,特制定本实施方案:", "“飞线”专项整治行动实施方案"),
        ("汪沟镇计划增设村卫生室一处。具体情况如下:", "关于增设村卫生室的请示"),
    ],
)
def test_derive_title(body: str, title: str) -> None:
    assert derive_title(body) == title

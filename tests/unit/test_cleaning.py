"""indexer/cleaning.py: display text keeps the words and loses print and web furniture."""

from __future__ import annotations

from indexer.cleaning import clean_lines, drop_furniture, join_wrapped, remove_cjk_spaces, strip_controls


def test_spaces_inside_chinese_are_removed_latin_spaces_kept() -> None:
    assert remove_cjk_spaces("2023 年 7 月 6 日") == "2023年7月6日"
    assert remove_cjk_spaces("第一章 总 则") == "第一章 总则"
    assert remove_cjk_spaces("第一条 为了传承") == "第一条 为了传承"
    assert (
        remove_cjk_spaces("《养老机构服务质量基本规范》（GB/T 35796-2017）")
        == "《养老机构服务质量基本规范》（GB/T 35796-2017）"
    )
    assert remove_cjk_spaces("Open Data Index") == "Open Data Index"


def test_highlight_markers_are_stripped() -> None:
    assert strip_controls("a\x01b\x02c\nd") == "abc\nd"


def test_wrapped_lines_are_joined_but_paragraphs_and_lists_are_not() -> None:
    lines = [
        "一、总体要求",
        "发展和改革等部门共同做好烈士褒",
        "扬工作。",
        "第五条 退役军人事务部门应当",
        "加强工作。",
    ]
    assert join_wrapped(lines) == [
        "一、总体要求",
        "发展和改革等部门共同做好烈士褒扬工作。",
        "第五条 退役军人事务部门应当加强工作。",
    ]
    names = ["赵纪峰 天元建设集团有限公司", "王 伟 临沂金锣文瑞食品有限公司"]
    assert join_wrapped(names) == names
    assert join_wrapped(["聊城市人民政府", "2023年9月10日"]) == ["聊城市人民政府", "2023年9月10日"]


def test_markers_page_numbers_and_toc_are_dropped() -> None:
    lines = [
        "正文（下转第13页）",
        "12",
        "- 3 -",
        "（上接第 4 页）第十六条 正文。",
        "目 录",
        "1 总则",
        "1.1 目的",
        "1 总则",
        "正文。",
    ]
    assert drop_furniture(lines) == ["正文", "第十六条 正文。", "1 总则", "正文。"]


def test_web_chrome_is_removed() -> None:
    lines = [
        "首页> 政策> 正文",
        "聊城市测试工作实施方案(征求意见稿)",
        "2022-10-18 11:38 来源: 某网",
        "聊城市测试工作实施方案(征求意见稿)",
        "正文第一段。",
        "61.png",
        "特别声明:转载",
        "收藏",
    ]
    assert clean_lines(lines, web=True) == "聊城市测试工作实施方案(征求意见稿)\n正文第一段。"

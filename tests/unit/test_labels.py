"""indexer/labels.py and the labelled block of HTML pages (indexer/sources.py): labels win over guesses."""

from __future__ import annotations

from pathlib import Path

from indexer.labels import Labels, read_labels
from indexer.sources import read_documents
from indexer.splitter import split_documents

BODY = (
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
    "为进一步优化营商环境，现就有关事项通知如下。\n"
    "一、总体要求。坚持问题导向，压实各方责任。\n"
    "本通知自印发之日起施行，有效期至2027年12月31日。\n"
)


def test_read_labels_from_text_lines() -> None:
    lines = [
        "索 引 号：000014349/2024-00012",
        "主题分类：综合政务\\其他",
        "发文机关：国务院办公厅　　成文日期：2024年03月05日",
        "标　　题：国务院办公厅关于优化营商环境的通知",
        "发文字号：国办发〔２０２４〕５号　发布日期：2024-03-08",
        "有 效 性：有效",
        "第一条 正文，不是标签：不读。",
    ]
    labels, labelled = read_labels(lines)
    assert labels == Labels(
        title="国务院办公厅关于优化营商环境的通知",
        issuer="国务院办公厅",
        doc_number="国办发〔2024〕5号",
        written="2024-03-05",
        published="2024-03-08",
        index_no="000014349/2024-00012",
        subject="综合政务\\其他",
        validity="有效",
    )
    assert labelled == {0, 1, 2, 3, 4, 5}


def test_a_text_notice_with_a_labelled_header() -> None:
    text = (
        "发文机关：聊城市人民政府办公室\n文号：聊政办字[2023]24号\n施行日期：2023年11月1日\n关于加强某项工作的通知\n"
        + BODY
    )
    (doc,) = split_documents(text, "notice.txt", ".txt")
    assert (doc.title, doc.issuer, doc.doc_number, doc.effective_from) == (
        "关于加强某项工作的通知",
        "聊城市人民政府办公室",
        "聊政办字〔2023〕24号",
        "2023-11-01",
    )
    assert "发文机关" not in doc.text


HTML = """<html><head>
<meta name="ArticleTitle" content="国务院办公厅关于优化营商环境的通知">
<meta name="PubDate" content="2024-03-08 10:00">
</head><body>
<div class="nav">首页 &gt; 政策</div>
<table class="info">
<tr><td>索 引 号：</td><td>000014349/2024-00012</td><td>主题分类：</td><td>综合政务</td></tr>
<tr><td>发文机关：</td><td>国务院办公厅</td><td>成文日期：</td><td>2024年03月05日</td></tr>
<tr><td>发文字号：</td><td>国办发〔2024〕5号</td><td>有效性：</td><td>有效</td></tr>
</table>
<dl><dt>施行日期</dt><dd>2024年4月1日</dd></dl>
<div class="content"><p>国务院办公厅关于优化营商环境的通知</p>
<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>
<p>为进一步优化营商环境，现就有关事项通知如下。一、总体要求。坚持问题导向，压实各方责任。</p>
<p>本通知自印发之日起施行，有效期至2027年12月31日。</p></div>
</body></html>"""


def test_an_html_page_with_labelled_table_dl_and_meta(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    (doc,) = read_documents(path, tmp_path, 1_000_000)
    assert (doc.title, doc.kind, doc.issuer, doc.doc_number) == (
        "国务院办公厅关于优化营商环境的通知",
        "通知",
        "国务院办公厅",
        "国办发〔2024〕5号",
    )
    assert (doc.date, doc.promulgated, doc.effective_from, doc.expires_on) == (
        "2024-03-05",
        "2024-03-08",
        "2024-04-01",
        "2027-12-31",
    )
    assert (doc.index_no, doc.subject, doc.stated_validity) == ("000014349/2024-00012", "综合政务", "有效")
    assert [(n.number, n.role) for n in doc.doc_numbers] == [("国办发〔2024〕5号", "公布")]
    assert "索引号" not in doc.text and "发文机关" not in doc.text

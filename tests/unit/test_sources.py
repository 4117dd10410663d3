"""indexer/sources.py: every format reads into the right documents; bad files fail with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.sources import SUPPORTED_SUFFIXES, UnreadableFile, iter_source_files, read_documents, read_text

NOTICE = """临沂市兰山区人民政府办公室
关于印发兰山区测试管理办法的通知
临兰政办字〔2022〕99号
各镇人民政府、街道办事处:
《兰山区测试管理办法》已经区政府同意,现印发给你们,请认真贯彻执行。
临沂市兰山区人民政府办公室
2022年8月22日
兰山区测试管理办法
第一条 为了测试,制定本办法。
"""
MAX = 1_000_000
# Where Debian and others keep CJK fonts; the PDF test needs one to write Chinese.
CJK_FONTS = [
    *Path("/usr/share/fonts").rglob("*[Ww][Qq][Yy]*.tt[cf]"),
    *Path("/usr/share/fonts").rglob("NotoSansCJK*.tt[cf]"),
    *Path("/usr/share/fonts").rglob("*[Ss]im[Ss]un*.tt[cf]"),
]


def _assert_notice(docs: list) -> None:
    (doc,) = docs
    assert doc.title == "关于印发兰山区测试管理办法的通知"
    assert (doc.doc_number, doc.date, doc.kind) == ("临兰政办字〔2022〕99号", "2022-08-22", "通知")
    assert doc.issuer == "临沂市兰山区人民政府办公室"
    assert "第一条 为了测试,制定本办法。" in doc.text


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_txt_in_chinese_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes(NOTICE.encode(encoding))
    _assert_notice(read_documents(path, tmp_path, MAX))


def test_html_chrome_is_removed(tmp_path: Path) -> None:
    body = "".join(f"<p>{line}</p>" for line in NOTICE.splitlines())
    page = f"""<html><head><title>站点</title><script>var nav = "首页";</script></head><body>
      <header><div class="logo">政府网站</div></header><nav><a>首页</a> &gt; <a>政策</a></nav>
      <div class="breadcrumb">当前位置：首页 &gt; 文件</div>
      <div class="content">{body}</div><footer>版权所有 网站标识码</footer></body></html>"""
    path = tmp_path / "notice.html"
    path.write_text(page, encoding="utf-8")
    docs = read_documents(path, tmp_path, MAX)
    _assert_notice(docs)
    assert not any(word in docs[0].text for word in ("版权所有", "当前位置", "政府网站", "var nav"))


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for line in NOTICE.splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "序号", "表格内容"
    path = tmp_path / "notice.docx"
    document.save(str(path))
    docs = read_documents(path, tmp_path, MAX)
    _assert_notice(docs)
    assert "表格内容" in docs[0].text


def test_pdf_text_layer_latin(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in ("Notice on the Open Data Pilot", "Article 1 Data shall be published by 2023-12-31."):
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "notice.pdf"
    pdf.output(str(path))
    (doc,) = read_documents(path, tmp_path, MAX)
    assert doc.title == "Notice on the Open Data Pilot"
    assert "Article 1 Data shall be published by 2023-12-31." in doc.text


@pytest.mark.skipif(not CJK_FONTS, reason="no CJK font file on this machine (e.g. fonts-wqy-microhei)")
def test_pdf_text_layer_chinese(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("cjk", fname=str(CJK_FONTS[0]))
    pdf.set_font("cjk", size=11)
    for line in NOTICE.splitlines():
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "notice.pdf"
    pdf.output(str(path))
    _assert_notice(read_documents(path, tmp_path, MAX))


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", b"\x00\x01\x02PNG\x00" * 20, "binary"),
        ("latin1.txt", bytes(range(0x80, 0x100)) * 4 + b"\xff\xfe\xff", "undecodable"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "bad docx"),
        ("broken.pdf", b"%PDF-1.4 garbage", "pdf"),
        ("blank.txt", b"   \n\n  ", "no text"),
    ],
)
def test_bad_files_raise_with_a_reason(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnreadableFile, match=reason):
        read_text(path, MAX)


def test_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("正文。" * 100, encoding="utf-8")
    with pytest.raises(UnreadableFile, match="too large"):
        read_text(path, 100)


def test_iter_source_files_filters_and_sorts(tmp_path: Path) -> None:
    for rel in (
        "b.txt",
        "a/c.md",
        "a/_index.md",
        ".hidden/d.txt",
        "a/.e.txt",
        "f.exe",
        "g.PDF",
        "a/SOURCE.md",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_source_files([tmp_path])]
    assert found == ["a/c.md", "b.txt", "g.PDF"]
    assert list(iter_source_files([tmp_path / "b.txt"])) == [tmp_path / "b.txt"]
    assert {".txt", ".md", ".html", ".htm", ".docx", ".pdf"} == SUPPORTED_SUFFIXES


def test_source_is_relative_posix(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "notice.txt"
    path.parent.mkdir()
    path.write_text(NOTICE, encoding="utf-8")
    assert read_documents(path, tmp_path, MAX)[0].source == "sub/notice.txt"

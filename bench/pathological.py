"""Pathological but legitimate input files, generated at a chosen size: long lines, deep HTML, huge tables,
PDFs of tiny text runs, docx of many paragraphs, repeated headings, one giant 第X条 list,
a gazette of many "下转" markers (issue 19).

Used by the ingestion benchmark (bench/ingest.py) and by the complexity and build tests.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

# Clauses of ordinary notice prose; joined at random so the text is not one repeated string.
_CLAUSES = (
    "各有关部门要高度重视古树名木保护工作",
    "切实加强组织领导",
    "压实属地管理责任",
    "建立健全长效工作机制",
    "聊城市人民政府办公室定期开展督导检查",
    "对工作不力的单位予以通报批评",
    "推动农机购置补贴政策落地见效",
    "依法依规做好政务公开工作",
    "2023年7月10日前报送工作进展情况",
    "确保各项措施落到实处",
)
_CN_NUMBERS = "零一二三四五六七八九"


def _prose(chars: int, seed: int, punctuation: bool) -> str:
    """Chinese prose of about `chars` characters; without punctuation it is one unbroken run."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        clause = rng.choice(_CLAUSES)
        if punctuation:
            clause += rng.choice("，，，。；")
        parts.append(clause)
        size += len(clause)
    return "".join(parts)[:chars]


def _cn(n: int) -> str:
    """Chinese numeral as written in article numbers: 1 -> 一, 23 -> 二十三, 105 -> 一百零五."""
    if n < 10:
        return _CN_NUMBERS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return (_CN_NUMBERS[tens] if tens > 1 else "") + "十" + (_CN_NUMBERS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        tail = (
            "" if rest == 0 else ("零" + _cn(rest) if rest < 10 else ("一" if rest < 20 else "") + _cn(rest))
        )
        return _CN_NUMBERS[hundreds] + "百" + tail
    return str(n)


def long_line_punctuated(chars: int) -> tuple[str, bytes]:
    return "long_line_punctuated.txt", _prose(chars, 1, punctuation=True).encode()


def long_line_unpunctuated(chars: int) -> tuple[str, bytes]:
    return "long_line_unpunctuated.txt", _prose(chars, 2, punctuation=False).encode()


def deep_html(chars: int) -> tuple[str, bytes]:
    """Nested <div>s, one level per 10 characters of text (a 50k-level page stalled the indexer)."""
    depth = max(1, chars // 10)
    text = _prose(chars, 3, punctuation=True)
    step = max(1, len(text) // depth)
    opening = "".join(f"<div>{text[i * step : (i + 1) * step]}" for i in range(depth))
    html = f"<html><body><h1>关于加强古树名木保护工作的通知</h1>{opening}{'</div>' * depth}</body></html>"
    return "deep_html.html", html.encode()


def huge_table(chars: int) -> tuple[str, bytes]:
    """One HTML table of many rows of short cells."""
    rng = random.Random(4)
    rows: list[str] = []
    size = 0
    while size < chars:
        cells = [str(len(rows) + 1), rng.choice(_CLAUSES), f"{rng.randint(1, 999)}万元", "聊城市"]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        size += sum(len(c) for c in cells)
    html = f"<html><body><h1>农机购置补贴资金分配表</h1><table>{''.join(rows)}</table></body></html>"
    return "huge_table.html", html.encode()


def tiny_runs_pdf(chars: int) -> tuple[str, bytes]:
    """A PDF whose text is thousands of separately placed runs of 1-3 characters (Latin: no CJK font here)."""
    from fpdf import FPDF

    rng = random.Random(5)
    pdf = FPDF()
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=6)
    size = 0
    while size < chars:
        pdf.add_page()
        for y in range(10, 285, 3):
            for x in range(10, 200, 6):
                run = "".join(
                    rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(1, 3))
                )
                pdf.text(x, y, run)
                size += len(run)
                if size >= chars:
                    break
            if size >= chars:
                break
    return "tiny_runs.pdf", bytes(pdf.output())


def many_paragraphs_docx(chars: int) -> tuple[str, bytes]:
    """A docx of one short paragraph per 20 characters (10k paragraphs at 200k characters)."""
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("关于加强古树名木保护工作的通知")
    for i in range(max(1, chars // 20)):
        document.add_paragraph(_prose(20, 100 + i, punctuation=True))
    buffer = io.BytesIO()
    document.save(buffer)
    return "many_paragraphs.docx", buffer.getvalue()


def repeated_headings(chars: int) -> tuple[str, bytes]:
    """The same few headings over and over, each with one short line of text."""
    lines = ["关于加强古树名木保护工作的通知"]
    size = 0
    i = 0
    while size < chars:
        for heading in ("一、总体要求", "（一）完善制度", "1.明确职责", "第一章 总则"):
            body = _prose(30, i, punctuation=True)
            lines += [heading, body]
            size += len(heading) + len(body)
            i += 1
    return "repeated_headings.txt", "\n".join(lines).encode()


def giant_article_list(chars: int) -> tuple[str, bytes]:
    """One regulation that is nothing but 第X条 after 第X条, run together on one line per chapter."""
    lines = ["聊城市古树名木保护办法"]
    size = 0
    n = 1
    while size < chars:
        articles = []
        for _ in range(50):
            body = _prose(40, n, punctuation=True) + "。"
            articles.append(f"第{_cn(n)}条 {body}")
            size += len(articles[-1])
            n += 1
        lines.append("".join(articles))
    return "giant_article_list.txt", "\n".join(lines).encode()


def continuation_markers(chars: int) -> tuple[str, bytes]:
    """A gazette of many short documents, each "continued on page N" with no continuation printed."""
    lines = []
    size = 0
    n = 0
    while size < chars:
        body = [_prose(60, n * 10 + j, punctuation=True) for j in range(8)]
        lines += [f"关于加强第{n + 1}项工作的通知", f"聊政发〔2023〕{n + 1}号", *body, f"（下转第{n + 5}页）"]
        size += sum(len(b) for b in body)
        n += 1
    return "continuation_markers.txt", "\n".join(lines).encode()


GENERATORS: tuple[Callable[[int], tuple[str, bytes]], ...] = (
    long_line_punctuated,
    long_line_unpunctuated,
    deep_html,
    huge_table,
    tiny_runs_pdf,
    many_paragraphs_docx,
    repeated_headings,
    giant_article_list,
    continuation_markers,
)


def write_inputs(folder: Path, chars: int) -> list[Path]:
    """Write every pathological input, each of about `chars` characters of text, into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for generate in GENERATORS:
        name, data = generate(chars)
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths

"""Display-text cleaning: drop print and web furniture, rejoin wrapped lines, remove spaces inside Chinese."""

from __future__ import annotations

import re
from collections.abc import Sequence

from analyzers.structure import ITEM_NUMBER, NUMBER, NUMBERED_PART, PAREN_NUMBER

# Control characters except tab/newline; \x01/\x02 are the search side's highlight markers.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Whitespace with a CJK character (or fullwidth punctuation) on at least one side and no Latin letter
# on both sides: "2023 年 7 月" -> "2023年7月", while "GB/T 35796" keeps its space.
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》"
_SPACE_IN_CJK = re.compile(
    rf"(?<=[{_CJK}])[ \t\u3000\xa0]+(?=[{_CJK}\w(（])|(?<=[\w)）])[ \t\u3000\xa0]+(?=[{_CJK}])"
)
# An article/chapter heading keeps one space before its text: "第一条 为了……".
_HEADING_GAP = re.compile(rf"^({NUMBERED_PART})\s*")
# Continuation markers printed in gazettes: "（下转第13页）", "(上接第 26 页)".
CONTINUED_ON = re.compile(r"[（(]\s*下转第\s*(\d+)\s*页\s*[)）]")
CONTINUED_FROM = re.compile(r"^\s*[（(]\s*上接第\s*(\d+)\s*页\s*[)）]")
# A line holding only a 文号: "聊政办字〔2023〕24号", "临兰司发〔2022〕15 号" (TOC lines end in a page number).
DOC_NUMBER_LINE = re.compile(r"^[\u4e00-\u9fff]{1,14}\s*[〔\[【(（]\s*\d{4}\s*[〕\]】)）]\s*\d{1,4}\s*号$")
# The two lines of an order's masthead: "聊城市人民政府令", "第 46 号".
_ORDER_LINE = re.compile(r"令$|^第\s*\d+\s*号$")
# Page numbers and running footers that sit alone on a line: "12", "- 3 -", "第 3 页".
_PAGE_NUMBER = re.compile(r"^(?:[-—–]\s*\d{1,3}\s*[-—–]|\d{1,3}|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?)$")
# A table of contents heading line: "目录", "目 录".
_TOC_HEADING = re.compile(r"^目\s*录$")
# Headings, stand-alone dates and list entries are never longer.
_MAX_HEADING_CHARS = 80
# Lines ending a paragraph: sentence punctuation, closing brackets, table cells.
_TERMINAL = tuple("。！？；：!?;:）)」”』】|")
# Lines starting a new paragraph: numbered items, articles, headings, attachments, list dashes.
_STRUCTURE_START = re.compile(
    rf"^(?:{NUMBERED_PART}|{ITEM_NUMBER}|{PAREN_NUMBER}"
    r"|\d{1,2}(?:\.\d{1,2})*[.、．]|\d{1,2}(?:\.\d{1,2})*\s+\D|附件|——|△|-\s|注[:：])"
)
_ARTICLE_START = re.compile(rf"^第{NUMBER}条")
# Stand-alone dates: signature dates are never part of a wrapped paragraph.
_DATE_LINE = re.compile(
    r"^[\d〇零一二三四五六七八九十]{4}\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日$"
)
# Titles of embedded documents end with a document-kind word and stand alone.
_TITLE_END = re.compile(
    r"(?:方案|办法|意见|通知|规划|预案|措施|要点|条例|规定|细则|计划|目录|名单|决定|报告|大事记)$"
)
# Web chrome: breadcrumbs, "2022-10-18 11:38 来源: …" lines, image file names.
_BREADCRUMB = re.compile(r"^(?:首页|当前位置[:：]?)\s*[>＞»]|(?:\S+\s*[>＞»]\s*){3,}")
# The unanchored half of _BREADCRUMB backtracks quadratically on a long line, and a breadcrumb is short.
_MAX_BREADCRUMB_CHARS = 200
_SEPARATORS = ">＞»"
# Site chrome (breadcrumbs, source lines, teasers) sits among the first lines of a page.
_HEAD_LINES = 30
_SOURCE_LINE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s+来源")
_IMAGE_LINE = re.compile(r"^\S+\.(?:png|jpe?g|gif|bmp)$", re.IGNORECASE)
# Web footers: everything from such a line on is site furniture.
_FOOTER_START = re.compile(r"^(?:特别声明|免责声明|版权声明|展开全文|打开\S*APP|相关阅读|责任编辑|分享到)")


def strip_controls(text: str) -> str:
    """Remove control characters (including the \\x01/\\x02 highlight markers), keep tabs and newlines."""
    return _CONTROL.sub("", text)


def remove_cjk_spaces(line: str) -> str:
    """Remove spaces inserted inside Chinese text; keep spaces between Latin words and numbers."""
    line = line.strip()
    heading = _HEADING_GAP.match(line)
    if heading:
        rest = line[heading.end() :]
        return f"{heading.group(1)} {_SPACE_IN_CJK.sub('', rest)}" if rest else heading.group(1)
    return _SPACE_IN_CJK.sub("", line)


def is_breadcrumb(line: str) -> bool:
    """A navigation trail such as "首页 > 政务公开 > 通知公告"."""
    if len(line) > _MAX_BREADCRUMB_CHARS or sum(line.count(c) for c in _SEPARATORS) == 0:
        return False
    return bool(_BREADCRUMB.search(line))


def is_web_page(lines: Sequence[str]) -> bool:
    """True when the text carries site chrome (breadcrumbs or a "来源" line) near its top."""
    return any(is_breadcrumb(line) or _SOURCE_LINE.match(line) for line in lines[:_HEAD_LINES])


def drop_web_chrome(lines: list[str]) -> list[str]:
    """Drop breadcrumbs, source lines, image names, the footer and duplicated lead/title lines."""
    kept: list[str] = []
    seen: set[str] = set()
    for line in lines:
        if _FOOTER_START.match(line):
            break
        if is_breadcrumb(line) or _SOURCE_LINE.match(line) or _IMAGE_LINE.match(line):
            continue
        if line in seen and len(line) >= 10:  # the page repeats its title above the body
            continue
        kept.append(line)
        seen.add(line)
    # A teaser near the top that is the truncated start of a later paragraph is a meta description.
    teasers = {
        i
        for i, ln in enumerate(kept[:_HEAD_LINES])
        if any(o != ln and o.startswith(ln) for o in kept[i + 1 :])
    }
    return [ln for i, ln in enumerate(kept) if i not in teasers]


def drop_furniture(lines: list[str]) -> list[str]:
    """Drop page numbers, continuation markers and in-document tables of contents."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = CONTINUED_FROM.sub("", CONTINUED_ON.sub("", lines[i])).strip()
        if _TOC_HEADING.match(line):
            i = _skip_toc(lines, i)
            continue
        if line and not _PAGE_NUMBER.match(line):
            out.append(line)
        i += 1
    return out


def _skip_toc(lines: list[str], start: int) -> int:
    """Index of the first body line after a table of contents starting at lines[start]."""
    entries = [ln.strip() for ln in lines[start + 1 : start + 120]]
    if not entries:
        return start + 1
    first = entries[0]
    for offset, entry in enumerate(entries[1:], start=2):
        if entry == first:  # the body starts where the first TOC entry repeats
            return start + offset
    return start + 1  # no repeat: drop only the heading line


def join_wrapped(lines: Sequence[str]) -> list[str]:
    """Join lines broken mid-sentence back into paragraphs."""
    paragraphs: list[str] = []
    pieces: list[str] = []  # the paragraph being joined; `+=` on a str would copy it once per line
    size = 0
    for line in lines:
        if pieces and _continues(pieces, size, line):
            pieces.append(line)
            size += len(line)
            continue
        if pieces:
            paragraphs.append("".join(pieces))
        pieces, size = [line], len(line)
    if pieces:
        paragraphs.append("".join(pieces))
    return paragraphs


def _continues(pieces: list[str], size: int, cur: str) -> bool:
    """True when cur is the wrapped remainder of the paragraph made of pieces (size characters)."""
    if pieces[-1].endswith(_TERMINAL) or _STRUCTURE_START.match(cur) or _DATE_LINE.match(cur):
        return False
    if size > _MAX_HEADING_CHARS:  # too long for a date, heading or list entry: only its end matters
        return True
    prev = "".join(pieces)
    if _DATE_LINE.match(prev) or _is_heading(prev):
        return False
    if len(cur) <= 8:  # a short tail such as "通知" or "扬工作。"
        return True
    # Two comma-free short lines in a row are list entries (names, units), not a wrapped sentence.
    return not (_list_like(prev) and _list_like(cur) and not cur.endswith(_TERMINAL))


def _is_heading(line: str) -> bool:
    """Short structural headings ("一、总体要求", "第一章 总 则"), stand-alone titles and 文号 lines."""
    if len(line) > _MAX_HEADING_CHARS or "。" in line:
        return False
    if _TITLE_END.search(line.rstrip("*")) or DOC_NUMBER_LINE.match(line) or _ORDER_LINE.search(line):
        return True
    article = _ARTICLE_START.match(line)  # an article carries running text
    return bool(_STRUCTURE_START.match(line) and not article and len(line) <= 30)


def _list_like(line: str) -> bool:
    return len(line) <= 40 and not re.search(r"[，,。；;]", line)


def clean_lines(lines: Sequence[str], web: bool = False, rejoin: bool = True) -> str:
    """Cleaned display text: paragraphs separated by "\\n"."""
    raw = [strip_controls(ln).strip() for ln in lines]
    raw = [ln for ln in raw if ln]
    if web:
        raw = drop_web_chrome(raw)
    kept = drop_furniture(raw)
    paragraphs = join_wrapped(kept) if rejoin else kept
    return "\n".join(p for p in (remove_cjk_spaces(p) for p in paragraphs) if p)

"""Header zones: where a document starts, and what its issuer/title/文号 lines say."""

from __future__ import annotations

import re
from collections.abc import Sequence

from indexer.cleaning import CONTINUED_ON, DOC_NUMBER_LINE
from indexer.metadata import (
    Header,
    derive_title,
    doc_number_of,
    is_date_line,
    is_org,
    join_orgs,
    kind_of,
    signature_issuer,
    squeeze,
    title_issuer,
)

# A 文号 at the very start of a one-document-per-line record.
_LEADING_NUMBER = re.compile(
    r"^\s*([\u4e00-\u9fff]{1,14}\s*[〔\[【(（]\s*\d{4}\s*[〕\]】)）]\s*\d{1,4}\s*号)\s*"
)
# An order's masthead: "聊城市人民政府令" followed by "第 46 号".
_ORDER_HEAD = re.compile(r"^\S{2,20}令$")
_ORDER_NUMBER = re.compile(r"^第\s*\d+\s*号$")
# A chronicle: "聊城市人民政府大事记" followed by "(2023年8月)".
_CHRONICLE_HEAD = re.compile(r"^\S{2,30}大事记$")
_CHRONICLE_MONTH = re.compile(r"^[（(]\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*[)）]$")
# A title line: names a subject ("关于…"), or ends with a kind, possibly bold in markdown.
_TITLE_HINT = re.compile(r"关于|^\*\*|的$")
# "《聊城市烈士褒扬办法》已经……通过，现予公布" in an order's body names what it publishes.
_PUBLISHED = re.compile(r"《([^》]{1,200})》已经")  # bounded: a lone 《 must not scan the rest
_MAX_HEADER_LINES = 6
# A 文号 cited inside a line ("…(临兰政办字〔2024〕19号)") marks a sentence, not a title.
_CITATION = re.compile(r"[〔\[]\s*\d{4}\s*[〕\]]\s*\d+\s*号")


def anchor_kind(lines: Sequence[str], i: int) -> str | None:
    """ "number", "order" or "chronicle" when lines[i] anchors a document header, else None."""
    line = lines[i]
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    if DOC_NUMBER_LINE.match(line):
        return "number"
    if _ORDER_HEAD.match(line) and _ORDER_NUMBER.match(nxt):
        return "order"
    if _CHRONICLE_HEAD.match(line) and _CHRONICLE_MONTH.match(nxt):
        return "chronicle"
    return None


def header_start(lines: Sequence[str], anchor: int) -> int:
    """Walk back from a 文号 line over issuer and title lines; the index where the document begins."""
    start = anchor
    for i in range(anchor - 1, max(-1, anchor - 1 - _MAX_HEADER_LINES), -1):
        if not _is_header_line(lines[i]):
            break
        start = i
    return start


def _is_header_line(line: str) -> bool:
    if "。" in line or "|" in line or CONTINUED_ON.search(line) or is_date_line(line) or len(line) > 80:
        return False
    if _CITATION.search(line) or line.startswith(("根据", "为")):  # a note or sentence, not a title
        return False
    return is_org(line) or bool(_TITLE_HINT.search(line)) or kind_of(squeeze(line)) is not None


def _is_title_line(line: str) -> bool:
    if line.endswith((":", "：", "，", ",")) or "。" in line or len(line) > 100:
        return False
    return bool(_TITLE_HINT.search(line)) or kind_of(squeeze(line)) is not None


def parse_numbered(lines: Sequence[str], anchor: int) -> Header:
    """Header of a document anchored on its 文号 line at lines[anchor]."""
    before = lines[:anchor]
    orgs = [ln for ln in before if is_org(ln)]
    titles = [ln for ln in before if not is_org(ln)]
    after = anchor + 1
    if not titles and after < len(lines) and _is_title_line(lines[after]):
        titles = [lines[after]]
        for line in lines[after + 1 : after + 3]:  # a title wrapped onto a short second line
            if len(line) > 30 or re.search(r"[，,。：:]", line) or is_date_line(line) or is_org(line):
                break
            titles.append(line)
    title = squeeze("".join(titles)) or None
    derived = title is None
    if derived:
        title = derive_title("".join(lines[anchor + 1 :]))
    issuer = join_orgs(orgs) if orgs else title_issuer(title) or signature_issuer(lines)
    return Header(title, doc_number_of(lines[anchor]), issuer, derived)


def parse_order(lines: Sequence[str]) -> Header:
    """Header of an order (令): its number, issuer, and the regulation it publishes."""
    body = "".join(lines[2:6])
    published = _PUBLISHED.search(body)
    title = squeeze(published.group(1)) if published else squeeze(lines[0] + lines[1])
    number = doc_number_of(squeeze(lines[0] + lines[1]))
    return Header(title, number, lines[0][:-1], published is None)


def parse_chronicle(lines: Sequence[str]) -> tuple[Header, str | None]:
    """Header of a monthly chronicle (大事记) and the first day of the month it covers."""
    month = _CHRONICLE_MONTH.match(lines[1])
    date = f"{int(month[1]):04d}-{int(month[2]):02d}-01" if month else None
    issuer = lines[0][: -len("大事记")] or None
    return Header(squeeze(lines[0] + lines[1]), None, issuer), date


def parse_record(line: str) -> Header:
    """Header of a one-line record: "文号 标题 主送: 正文 …"."""
    m = _LEADING_NUMBER.match(line)
    if not m:
        title = derive_title(line)
        return Header(title, None, signature_issuer([line]), True)
    title = _cut_title(line[m.end() :])
    derived = title is None
    if derived:
        title = derive_title(line[m.end() :])
    return Header(title, doc_number_of(m.group(1)), title_issuer(title) or signature_issuer([line]), derived)


def _cut_title(text: str) -> str | None:
    """The title at the start of text: up to the first kind word outside 《》 (the addressee follows)."""
    depth = 0
    for i, char in enumerate(text[:200]):
        depth += (char == "《") - (char == "》")
        if depth == 0 and char in "知见法案复划案定告":
            head = squeeze(text[: i + 1])
            if kind_of(head):
                return head
    return None


def parse_single(lines: Sequence[str]) -> Header:
    """Header of a file that holds one document without a 文号 anchor (web page, plain text)."""
    title = next((ln for ln in lines[:15] if len(ln) <= 80 and "。" not in ln and not is_org(ln)), None)
    title = squeeze(title) if title else None
    derived = title is None
    if derived:
        title = derive_title("".join(lines))
    number = next((doc_number_of(ln) for ln in lines[:10] if DOC_NUMBER_LINE.match(ln)), None)
    return Header(title, number, title_issuer(title) or signature_issuer(lines), derived)

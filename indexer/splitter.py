"""Split the text of one source file into Documents (rules and per-file counts: docs/corpus.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import replace

from analyzers.docnum import find_doc_numbers
from analyzers.document import DocNumber, Document
from analyzers.validity import extract_validity
from indexer.cleaning import clean_lines, drop_web_chrome, is_web_page, strip_controls
from indexer.gazette import Line, Part, attach_fragments, parse_toc, split_off_fragments, toc_key
from indexer.headers import (
    anchor_kind,
    header_start,
    parse_chronicle,
    parse_numbered,
    parse_order,
    parse_record,
    parse_single,
)
from indexer.history import parse_history
from indexer.labels import Labels, read_labels
from indexer.metadata import Header, find_date, kind_of, squeeze

logger = logging.getLogger(__name__)

# A file whose every line is this long holds one whole document per physical line.
_RECORD_MIN_CHARS = 200
# Cover and table-of-contents furniture before the first document of a gazette.
_FRONT_MATTER = re.compile(r"目\s*录|公报|刊号")
# Markdown regulation files: "<!-- INFO END -->" closes the block of dated publication lines.
_INFO_END = "<!-- INFO END -->"
_ISSUER_OF = re.compile(r"令(?:\d{4}年)?第\d+号$")
_FILE_DATE = re.compile(r"[（(](\d{4}-\d{2}-\d{2})[)）][^/]*$")


def split_documents(text: str, source: str, suffix: str) -> list[Document]:
    """All documents in the text of one file, in reading order."""
    text = strip_controls(text)
    if suffix == ".md" and text.lstrip().startswith("# "):
        return _finish([_markdown_document(text, source)])
    numbered = [(i, line.strip()) for i, line in enumerate(text.splitlines(), start=1)]
    lines = [(n, t) for n, t in numbered if t]
    labels, labelled = read_labels([t for _, t in lines])
    docs = _split_lines([line for i, line in enumerate(lines) if i not in labelled], source)
    if labels and len(docs) == 1:  # a page or notice with a labelled block describes one document
        docs = [with_labels(docs[0], labels)]
    return _finish(docs)


def _split_lines(lines: list[Line], source: str) -> list[Document]:
    if not lines:
        return []
    if len(lines) > 1 and all(len(t) >= _RECORD_MIN_CHARS for _, t in lines):
        return [_document(Part([line]), parse_record(line[1]), source) for line in lines]
    parts, front = _anchored_parts(lines)
    if not parts:
        return [_single_document(lines, source)]
    parts, fragments = split_off_fragments(parts)
    headers = [_header([t for _, t in part.lines]) for part in parts]
    toc = parse_toc(front)
    pages = [toc.get(h.doc_number or toc_key(h.title or "")) for h, _ in headers]
    attach_fragments(parts, fragments, pages)
    return [_document(part, h, source, date) for part, (h, date) in zip(parts, headers, strict=True)]


def with_labels(doc: Document, labels: Labels) -> Document:
    """A document with its labelled fields winning over what was read from its body."""
    date = labels.written or labels.published or doc.date
    number = labels.doc_number or doc.doc_number
    title = labels.title or doc.title
    return replace(
        doc,
        title=title,
        title_derived=doc.title_derived and not labels.title,
        kind=kind_of(title) if labels.title else doc.kind,
        doc_number=number,
        doc_numbers=(DocNumber(number, "公布", date),) if number else doc.doc_numbers,
        issuer=labels.issuer or doc.issuer,
        date=date,
        promulgated=labels.published or date,
        # "自印发之日起施行" read against the body's date moves with the labelled date
        effective_from=labels.effective or (date if doc.effective_from == doc.date else doc.effective_from),
        index_no=labels.index_no,
        subject=labels.subject,
        stated_validity=labels.validity,
        cites=tuple(n for n in doc.cites if n != number),
    )


def _anchored_parts(lines: list[Line]) -> tuple[list[Part], list[str]]:
    """Cut the lines at every document header; front matter before the first one is dropped."""
    texts = [t for _, t in lines]
    starts: list[int] = []
    for i in range(len(texts)):
        kind = anchor_kind(texts, i)
        if kind:
            start = header_start(texts, i) if kind == "number" else i
            if not starts or start > starts[-1]:
                starts.append(start)
    if not starts:
        return [], []
    front = texts[: starts[0]]
    if front and not any(_FRONT_MATTER.search(t) for t in front):
        starts.insert(0, 0)  # text before the first header is a document of its own
        front = []
    elif front:
        logger.debug("dropping %d lines of cover and contents", len(front))
    bounds = [*starts, len(lines)]
    return [Part(lines[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)], front


def _header(texts: Sequence[str]) -> tuple[Header, str | None]:
    """Header of a part and, for chronicles, the date it stands for."""
    for i in range(min(len(texts), 8)):
        kind = anchor_kind(texts, i)
        if kind == "chronicle":
            return parse_chronicle(texts[i:])
        if kind == "order":
            return parse_order(texts[i:]), None
        if kind == "number":
            return parse_numbered(texts, i), None
    return parse_single(texts), None


def _document(part: Part, header: Header, source: str, date: str | None = None) -> Document:
    texts = [t for _, t in part.lines]
    every = texts + [t for fragment in part.fragments for _, t in fragment]
    return _make(header, clean_lines(every), source, part.lines, date or find_date(every))


def _single_document(lines: list[Line], source: str) -> Document:
    texts = [t for _, t in lines]
    web = is_web_page(texts)
    header = parse_single(drop_web_chrome(texts) if web else texts)
    return _make(header, clean_lines(texts, web=web), source, lines, find_date(texts))


def _markdown_document(text: str, source: str) -> Document:
    """One regulation per Markdown file: "# title", dated publication lines, then the articles."""
    lines = [(n, t.strip()) for n, t in enumerate(text.splitlines(), start=1)]
    info_end = next((i for i, (_, t) in enumerate(lines) if t == _INFO_END), None)
    title_at = next(i for i, (_, t) in enumerate(lines) if t.startswith("# "))
    info = [t for _, t in lines[title_at + 1 : info_end] if t] if info_end is not None else []
    body = [
        (n, re.sub(r"^#+\s*", "", t))
        for n, t in lines[(info_end if info_end is not None else title_at) + 1 :]
        if t
    ]
    history = parse_history(info)
    date = version_date(history.latest, _FILE_DATE.search(source))
    issuer = _ISSUER_OF.sub("", history.doc_number) if history.doc_number else None
    header = Header(squeeze(lines[title_at][1][2:]), history.doc_number, issuer)
    doc = _make(header, clean_lines([t for _, t in body], rejoin=False), source, body or lines[:1], date)
    return replace(
        doc,
        doc_numbers=history.doc_numbers,
        promulgated=history.promulgated or date,
        effective_from=history.effective_from or doc.effective_from,
    )


def version_date(latest: str | None, file_date: re.Match[str] | None) -> str | None:
    """A regulation version's own date: its header's latest line, unless the file name (LawRefBook names
    files "title(YYYY-MM-DD).md" after the version) is later: the header omits the last revision."""
    named = file_date.group(1) if file_date else None
    if latest and named and named > latest and (_days(latest, named) > 2):
        return named
    return latest or named


def _days(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def _make(header: Header, text: str, source: str, lines: Sequence[Line], date: str | None) -> Document:
    numbers = [n for n in lines if n[0]]
    start = numbers[0][0] if numbers else 1
    end = numbers[-1][0] if numbers else 1
    own = header.doc_number
    validity = extract_validity(text, date)
    return Document(
        doc_id="",
        title=header.title or source,
        text=text,
        source=source,
        line_start=start,
        line_end=end,
        doc_number=own,
        issuer=header.issuer,
        date=date,
        kind=kind_of(header.title),
        title_derived=header.title_derived,
        cites=tuple(n for n in find_doc_numbers(text) if n != own),
        doc_numbers=(DocNumber(own, "公布", date),) if own else (),
        promulgated=date,
        effective_from=validity.effective_from,
        expires_on=validity.expires_on,
        repeals=validity.repeals,
    )


def _finish(documents: list[Document]) -> list[Document]:
    """Drop empty documents and give each a stable id: sha1(source, title, 文号), suffixed on collision."""
    seen: dict[str, int] = {}
    out = []
    for doc in documents:
        if not doc.text.strip():
            logger.warning("%s: empty document at line %d skipped", doc.source, doc.line_start)
            continue
        key = "\x1f".join((doc.source, doc.title, doc.doc_number or ""))
        base = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
        seen[base] = seen.get(base, 0) + 1
        doc_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
        out.append(replace(doc, doc_id=doc_id))
    return out

"""Read input files into Documents: one small reader per format, then the splitter."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from analyzers.document import Document
from indexer.labels import LABELS, META_NAMES
from indexer.splitter import split_documents

logger = logging.getLogger(__name__)


class UnreadableFile(Exception):
    """A file that cannot be read; the message says why (empty, binary, too large, undecodable …)."""


SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".html", ".htm", ".docx", ".pdf"})
# Folder indexes and provenance notes that sit beside documents but are not documents.
_SKIPPED_NAMES = frozenset({"_index.md", "source.md", "readme.md"})
# Encodings tried in order; GB18030 is a superset of GBK and GB2312.
_ENCODINGS = ("utf-8-sig", "gb18030")
_FALLBACK_ENCODINGS = frozenset({"big5", "big5hkscs", "cp950", "utf_16", "utf_16_le", "utf_16_be", "utf_32"})
# HTML elements and class/id fragments that are site chrome rather than content.
_CHROME_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe")
_CHROME_ATTR = re.compile(r"nav|menu|breadcrumb|crumb|footer|header|sidebar|share|copyright|toolbar", re.I)
_BLOCK_TAGS = (
    "p",
    "div",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "table",
    "section",
    "article",
)


def iter_source_files(paths: Sequence[Path]) -> Iterator[Path]:
    """Files under the given files and folders (recursive), sorted, supported suffixes only."""
    for path in sorted(paths):
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for candidate in candidates:
            relative = candidate.relative_to(path) if path.is_dir() else Path(candidate.name)
            if any(part.startswith(".") for part in relative.parts):
                continue
            if candidate.name.lower() in _SKIPPED_NAMES or candidate.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            yield candidate


def read_text(path: Path, max_bytes: int) -> str:
    """Text of one file with the reader for its suffix. Raises UnreadableFile."""
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise UnreadableFile(f"unsupported file type {path.suffix!r}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFile(f"cannot open: {exc.strerror}") from exc
    if size == 0:
        raise UnreadableFile("empty file")
    if size > max_bytes:
        raise UnreadableFile(f"too large: {size} bytes > limit {max_bytes}")
    text = reader(path.read_bytes())
    if not text.strip():
        raise UnreadableFile("no text found")
    return text


def read_documents(path: Path, root: Path, max_bytes: int) -> list[Document]:
    """Documents of one file; their source is the path relative to root (posix)."""
    text = read_text(path, max_bytes)
    try:
        source = path.relative_to(root).as_posix()
    except ValueError:
        source = path.name
    return split_documents(text, source, path.suffix.lower())


def _decode(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file (NUL bytes), not text")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes  # a last resort, trusted only for other CJK/Unicode encodings

    best = from_bytes(data).best()
    if best is None or best.encoding not in _FALLBACK_ENCODINGS:
        raise UnreadableFile("undecodable: not UTF-8, GB18030, Big5 or UTF-16 text")
    return str(best)


def _read_plain(data: bytes) -> str:
    return _decode(data)


def _read_html(data: bytes) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode(data), "lxml")
    labelled = _labelled_lines(soup)
    for tag in soup(list(_CHROME_TAGS)):
        tag.decompose()
    for tag in soup.find_all(class_=_CHROME_ATTR) + soup.find_all(id=_CHROME_ATTR):
        if tag.name not in ("html", "body") and not tag.decomposed:
            tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    for tag in root.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    body = [line.strip() for line in root.get_text().splitlines() if line.strip()]
    return "\n".join(labelled + body)


def _labelled_lines(soup: Any) -> list[str]:
    """ "label：value" lines (indexer/labels.py reads them) from <meta name>, table rows and <dl> lists;
    the table cells and list items they came from are removed from the page."""
    lines = []
    for meta in soup.find_all("meta", attrs={"name": True, "content": True}):
        label = META_NAMES.get(str(meta["name"]).strip().lower())
        if label and str(meta["content"]).strip():
            lines.append(f"{label}：{str(meta['content']).strip()}")
    for row in soup.find_all("tr"):
        lines += _pair_cells(row.find_all(["td", "th"], recursive=False))
    for dl in soup.find_all("dl"):
        lines += _pair_cells(dl.find_all(["dt", "dd"], recursive=False))
    return lines


def _pair_cells(cells: list[Any]) -> list[str]:
    """Label cells followed by their value cell; both are removed once read."""
    lines = []
    for label_cell, value_cell in zip(cells, cells[1:], strict=False):
        if label_cell.decomposed:  # the value of the pair before
            continue
        label = re.sub(r"[\s:：]", "", label_cell.get_text())
        value = value_cell.get_text(" ", strip=True)
        if label in LABELS and value:
            lines.append(f"{label}：{value}")
            label_cell.decompose()
            value_cell.decompose()
    return lines


def _read_docx(data: bytes) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFile(f"bad docx: {exc}") from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines += [" ".join(cell.text.strip() for cell in row.cells) for row in block.rows]
    return "\n".join(lines)


def _read_pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise UnreadableFile(f"bad pdf: {exc}") from exc
    if not any(page.strip() for page in pages):
        raise UnreadableFile("pdf has no text layer (scanned images need OCR)")
    return "\n".join(pages)


_READERS: dict[str, Callable[[bytes], str]] = {
    ".txt": _read_plain,
    ".md": _read_plain,
    ".html": _read_html,
    ".htm": _read_html,
    ".docx": _read_docx,
    ".pdf": _read_pdf,
}

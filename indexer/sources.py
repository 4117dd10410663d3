"""Read input files into Documents: one small reader per format, then the splitter."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from analyzers.document import Document
from indexer.html_text import html_text
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
    return html_text(_decode(data))


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

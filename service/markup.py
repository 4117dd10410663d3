"""Safe HTML for the pages: the highlight sanitiser, query-term marking and the document's block layout."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup, escape

# The only tags a highlight may carry; everything else in it is text.
_EM_TAG = re.compile(r"(<em>|</em>)")
# Chinese and Arabic numerals as they appear in 第X章 / 第X条 / 一、 / （一）.
_NUM = r"[一二三四五六七八九十百千零〇两\d]+"
_CHAPTER = re.compile(rf"^第{_NUM}[编章]")
_SECTION = re.compile(rf"^第{_NUM}节")
_ARTICLE = re.compile(rf"^(第{_NUM}条)\s*")
TOP_HEADING = re.compile(rf"^{_NUM}、")
_LIST_HEAD = re.compile(rf"^({_NUM}、|[（(]{_NUM}[）)]|\d+[.．](?!\d))")
# One-line documents (a whole 文件 on one physical line) still mark structure with "第X条 " + a space;
# a reference inside a sentence ("依照第五条规定") has no space after it, so it is not cut.
_INLINE_BREAK = re.compile(rf"(?<=\S)\s*(?=第{_NUM}[编章节条][ \u3000])")
# A numbered line this short without a full stop is a heading, not a paragraph.
_HEADING_MAX_CHARS = 40
_SENTENCE = re.compile(r"。|[；;，,：:]$")
_TERM_SPLIT = re.compile(r"[\s,，。、；;：:！!？?\"'“”‘’《》()（）\[\]【】]+")


def sanitise_highlight(fragment: str) -> Markup:
    """Escape everything in a highlight fragment and re-allow exactly <em> and </em>, balanced.

    The fragment is meant to be escaped already; unescaping each text run first keeps `&amp;` from
    doubling, and escaping it again makes anything else (`<script>`, `<em onclick=…>`) inert text.
    """
    out: list[str] = []
    depth = 0
    for part in _EM_TAG.split(fragment):
        if part == "<em>":
            if depth == 0:
                out.append("<em>")
            depth += 1
        elif part == "</em>":
            if depth == 1:
                out.append("</em>")
            depth = max(depth - 1, 0)
        else:
            out.append(str(escape(html.unescape(part))))
    if depth:
        out.append("</em>")
    return Markup("".join(out))


def query_terms(query: str, extra: Iterable[str] = ()) -> list[str]:
    """Words of a query to mark in a document: its chunks plus any segmenter tokens, longest first."""
    terms = {t for t in _TERM_SPLIT.split(query) if t}
    terms.update(t for t in extra if t.strip())
    # Single characters (的, 和, 年) would light up the whole page; keep them only if they are all we have.
    long_terms = {t for t in terms if len(t) > 1}
    return sorted(long_terms or terms, key=lambda t: (-len(t), t))


def mark_terms(text: str, terms: Sequence[str]) -> Markup:
    """Escape `text`, then wrap each occurrence of a term in <mark> (longest match wins)."""
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(str(escape(text[last : match.start()])))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


@dataclass(frozen=True)
class Block:
    """One laid-out piece of a document: a heading or a paragraph, with its offset in the text."""

    kind: str  # "chapter" | "section" | "heading" | "article" | "item" | "para"
    text: str
    start: int
    lead: str = ""  # the article number (第五条) shown in bold before the text
    anchors: tuple[str, ...] = ()  # ids ("p-3") of the passages that start in this block


def layout_blocks(text: str, passage_starts: Sequence[tuple[int, int]] = ()) -> list[Block]:
    """Cut the text into blocks by its structure; `passage_starts` are (ordinal, start offset) pairs."""
    blocks = [_classify(piece, start) for piece, start in _pieces(text)]
    return _attach_anchors(blocks, sorted(passage_starts, key=lambda p: p[1]))


def _pieces(text: str) -> Iterable[tuple[str, int]]:
    """Non-blank lines (and inline 第X条 runs) with their offsets in `text`."""
    offset = 0
    for line in text.split("\n"):
        cuts = [0, *(m.end() for m in _INLINE_BREAK.finditer(line)), len(line)]
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = line[a:b]
            stripped = piece.strip()
            if stripped:
                yield stripped, offset + a + (len(piece) - len(piece.lstrip()))
        offset += len(line) + 1


def _classify(piece: str, start: int) -> Block:
    # A list entry ending in ；or ： is part of a sentence, not a heading.
    short = len(piece) <= _HEADING_MAX_CHARS and not _SENTENCE.search(piece)
    if _CHAPTER.match(piece) and short:
        return Block("chapter", piece, start)
    if _SECTION.match(piece) and short:
        return Block("section", piece, start)
    article = _ARTICLE.match(piece)
    if article:
        return Block("article", piece[article.end() :], start, lead=article.group(1))
    if _LIST_HEAD.match(piece):
        return Block("heading" if short else "item", piece, start)
    return Block("para", piece, start)


def _attach_anchors(blocks: list[Block], starts: Sequence[tuple[int, int]]) -> list[Block]:
    """Give each passage's anchor to the block its start falls into, so a hit can link to #p-N."""
    out: list[Block] = []
    i = 0
    for n, block in enumerate(blocks):
        end = blocks[n + 1].start if n + 1 < len(blocks) else None
        anchors: list[str] = []
        while i < len(starts) and (end is None or starts[i][1] < end):
            anchors.append(f"p-{starts[i][0]}")
            i += 1
        out.append(replace(block, anchors=tuple(anchors)) if anchors else block)
    return out

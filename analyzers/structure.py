"""Document structure: numerals, headings (第X章 / 第X条 / 一、 / （一） ...), sentence ends and the page layout.

One home for how a government document marks its structure, used by the indexer's passages
(analyzers.passages), its line cleaning (indexer.cleaning), the document page (layout_blocks) and
draft cutting (search.similar).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

# Chinese numerals as they number chapters, articles and items.
CN_NUMERALS = "一二三四五六七八九十百千零〇两"
# A Chinese or Arabic number: 第十二条, 第3章, 二十一、
NUMBER = rf"[{CN_NUMERALS}\d]+"
# 第X编 / 第X章 / 第X节 / 第X条 at the start of a line.
NUMBERED_PART = rf"第{NUMBER}[编章节条]"
# Item numbers of notices: 一、 (a top heading) and （一） / (3) (a sub-point).
ITEM_NUMBER = rf"{NUMBER}、"
PAREN_NUMBER = rf"[（(]{NUMBER}[）)]"
# Characters that end a sentence (full stops, question and exclamation marks, semicolons).
SENTENCE_ENDS = "。！？；!?;"

# Passage headings: (level, pattern) in nesting order; 编 > 章 > 节 > 条 for laws, 一、 > （一） > 1. > (1)
# for notices.
HEADING_LEVELS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (0, re.compile(rf"第{NUMBER}编")),
    (1, re.compile(rf"第{NUMBER}章")),
    (2, re.compile(rf"第{NUMBER}节")),
    (3, re.compile(rf"第{NUMBER}条(?:之[{CN_NUMERALS}]+)?")),
    (4, re.compile(rf"[{CN_NUMERALS}]+[、．.]")),
    (5, re.compile(rf"[（(][{CN_NUMERALS}]+[）)]")),
    (6, re.compile(r"[0-9０-９]{1,2}[.、．](?![0-9０-９])")),
    (7, re.compile(r"[（(][0-9０-９]{1,2}[）)]|[①-⑳⑴-⒇]")),
)
ARTICLE_LEVEL = 3
# Several articles run together on one line ("…制定本办法。第二条本办法所称…").
INLINE_ARTICLE = re.compile(rf"(?<=[。；;])\s*第[{CN_NUMERALS}]+条")
# A sentence end with the closing quotes or brackets that belong to it.
SENTENCE_END = re.compile(rf"[{SENTENCE_ENDS}][”’」』）)]*")

# The page layout's classes of lines.
_CHAPTER = re.compile(rf"^第{NUMBER}[编章]")
_SECTION = re.compile(rf"^第{NUMBER}节")
_ARTICLE = re.compile(rf"^(第{NUMBER}条)\s*")
TOP_HEADING = re.compile(rf"^{ITEM_NUMBER}")
_LIST_HEAD = re.compile(rf"^({ITEM_NUMBER}|{PAREN_NUMBER}|\d+[.．](?!\d))")
# One-line documents (a whole 文件 on one physical line) still mark structure with "第X条 " + a space;
# a reference inside a sentence ("依照第五条规定") has no space after it, so it is not cut.
_INLINE_BREAK = re.compile(rf"(?<=\S)\s*(?={NUMBERED_PART}[ \u3000])")
# A numbered line this short without a full stop is a heading, not a paragraph.
_HEADING_MAX_CHARS = 40
_SENTENCE = re.compile(r"。|[；;，,：:]$")


@dataclass(frozen=True)
class Block:
    """One laid-out piece of a document: a heading or a paragraph, with its offset in the text."""

    kind: str  # "chapter" | "section" | "heading" | "article" | "item" | "para"
    text: str
    start: int
    lead: str = ""  # the article number (第五条) shown in bold before the text
    anchors: tuple[str, ...] = ()  # ids ("p-3") of the passages that start in this block

    @property
    def top(self) -> bool:
        """A notice's top-level heading (一、总体要求), as opposed to its sub-points."""
        return self.kind == "heading" and bool(TOP_HEADING.match(self.text))


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

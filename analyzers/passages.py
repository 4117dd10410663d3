"""split_passages: cut a Document along its structure (章/节/条, 一、/（一）/1./(1), paragraphs) into passages.

Each passage is an exact slice of the document text and carries its heading path ("第三章 法律责任 > 第十二条").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzers.document import Document, Passage
from analyzers.structure import ARTICLE_LEVEL, HEADING_LEVELS, INLINE_ARTICLE, SENTENCE_END

_TITLE_END = re.compile(r"[。：:；;，,！？!?]")
_SOFT_BREAK = re.compile(r"[，,、：:]")
_MAX_LABEL = 25


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    heading: str  # heading path in force for this unit
    opens_section: bool  # the unit starts with a heading
    heading_only: bool  # the unit is nothing but a heading line


def _heading_of(line: str) -> tuple[int, str] | None:
    """(level, label) when the line starts with a heading number, e.g. (5, "（二）基本原则")."""
    for level, pattern in HEADING_LEVELS:
        if m := pattern.match(line):
            rest = line[m.end() :].lstrip()
            if level == ARTICLE_LEVEL:
                return level, m.group(0)
            title = _TITLE_END.split(rest, maxsplit=1)[0].strip()
            title = " ".join(title.strip(" |\t").split())
            label = f"{m.group(0)} {title}" if level < ARTICLE_LEVEL else m.group(0) + title
            return level, label.strip() if len(title) <= _MAX_LABEL else m.group(0)
    return None


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line without surrounding whitespace; a line holding several articles
    run together ("…制定本办法。第二条本办法所称…") is cut before each of them."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        bounds = [
            m.start(),
            *(a.start() for a in INLINE_ARTICLE.finditer(text, m.start(), m.end())),
            m.end(),
        ]
        for a, b in zip(bounds, bounds[1:], strict=False):
            piece = text[a:b]
            lead, trail = len(piece) - len(piece.lstrip()), len(piece.rstrip())
            if trail > lead:
                spans.append((a + lead, a + trail))
    return spans


def _units(text: str) -> list[_Unit]:
    """Lines with the heading path in force for each; items inside an article (（一）…) are not headings."""
    stack: list[tuple[int, str]] = []
    units = []
    for start, end in _lines(text):
        line = text[start:end]
        found = _heading_of(line)
        inside_article = any(level == ARTICLE_LEVEL for level, _ in stack)
        if found and not (inside_article and found[0] > ARTICLE_LEVEL):
            stack = [entry for entry in stack if entry[0] < found[0]] + [found]
        path = " > ".join(label for _, label in stack)
        is_heading = found is not None and path.endswith(found[1])
        only = is_heading and found is not None and " ".join(line.split()) == found[1]
        units.append(_Unit(start, end, path, is_heading, only))
    return units


def _sentences(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Split text[start:end] into pieces of at most max_chars, at sentence ends where possible."""
    cuts = [m.end() for m in SENTENCE_END.finditer(text, start, end)]
    bounds = sorted({start, *cuts, end})
    spans: list[tuple[int, int]] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        spans.extend(_hard_split(text, a, b, max_chars))
    return _pack(spans, max_chars)


def _hard_split(text: str, a: int, b: int, max_chars: int) -> list[tuple[int, int]]:
    """A sentence longer than max_chars, cut after a comma in its second half, else at max_chars."""
    pieces = []
    while b - a > max_chars:
        soft = [m.end() for m in _SOFT_BREAK.finditer(text, a + max_chars // 2, a + max_chars)]
        cut = soft[-1] if soft else a + max_chars
        pieces.append((a, cut))
        a = cut
    return [*pieces, (a, b)]


def _pack(spans: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Join consecutive sentence spans while they fit in max_chars."""
    packed: list[tuple[int, int]] = []
    for a, b in spans:
        if packed and b - packed[-1][0] <= max_chars:
            packed[-1] = (packed[-1][0], b)
        else:
            packed.append((a, b))
    return packed


def _fitted_units(text: str, max_chars: int) -> list[_Unit]:
    """Units, with paragraphs longer than max_chars split at sentence ends."""
    units = []
    for u in _units(text):
        if u.end - u.start <= max_chars:
            units.append(u)
            continue
        for n, (a, b) in enumerate(_sentences(text, u.start, u.end, max_chars)):
            units.append(_Unit(a, b, u.heading, u.opens_section and n == 0, False))
    return units


def _top(heading: str) -> str:
    return heading.split(" > ", 1)[0]


def _group(units: list[_Unit], min_chars: int, max_chars: int) -> list[list[_Unit]]:
    """Greedy grouping: a section start ends a group once it has min_chars (or the top heading changes);
    max_chars always does. A heading line never stays behind at the end of a group."""
    groups: list[list[_Unit]] = []
    for u in units:
        cur = groups[-1] if groups else []
        size = cur[-1].end - cur[0].start if cur else 0
        section_break = (
            bool(cur) and u.opens_section and (size >= min_chars or _top(u.heading) != _top(cur[0].heading))
        )
        if not cur or u.end - cur[0].start > max_chars or section_break:
            carried = _trailing_headings(cur)
            if carried and u.end - carried[0].start > max_chars:
                carried = []
            del cur[len(cur) - len(carried) :]
            if not cur and groups:
                groups.pop()
            groups.append([*carried, u])
        else:
            cur.append(u)
    if len(groups) > 1 and _small_tail(groups, min_chars, max_chars):
        groups[-2].extend(groups.pop())
    return groups


def _trailing_headings(group: list[_Unit]) -> list[_Unit]:
    n = len(group)
    while n > 0 and group[n - 1].heading_only:
        n -= 1
    return group[n:]


def _small_tail(groups: list[list[_Unit]], min_chars: int, max_chars: int) -> bool:
    last, before = groups[-1], groups[-2]
    small = last[-1].end - last[0].start < min_chars
    return (
        small
        and last[-1].end - before[0].start <= max_chars
        and _top(last[0].heading) == _top(before[0].heading)
    )


def _heading(group: list[_Unit]) -> str:
    """The heading path of the first unit with content (a passage opening with bare headings names the last)."""
    return next((u.heading for u in group if not u.heading_only), group[-1].heading)


def split_passages(doc: Document, min_chars: int = 100, max_chars: int = 500) -> list[Passage]:
    """Passages of roughly min_chars..max_chars cut along the structure; text == doc.text[start:end]."""
    passages: list[Passage] = []
    for group in _group(_fitted_units(doc.text, max_chars), min_chars, max_chars):
        start, end = group[0].start, group[-1].end
        chunk = doc.text[start:end]
        start += len(chunk) - len(chunk.lstrip())
        end -= len(chunk) - len(chunk.rstrip())
        if end <= start:
            continue
        n = len(passages)
        passages.append(
            Passage(f"{doc.doc_id}#{n}", doc.doc_id, n, doc.text[start:end], _heading(group), start, end)
        )
    return passages

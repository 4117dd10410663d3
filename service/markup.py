"""Safe HTML for the pages: the highlight sanitiser and query-term marking (the layout: analyzers.structure)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

# The only tags a highlight may carry; everything else in it is text.
_EM_TAG = re.compile(r"(<em>|</em>)")
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


def words_to_mark(query: str, extra: Iterable[str] = ()) -> list[str]:
    """Words of a query to mark in a document: its chunks plus any segmenter tokens, longest first."""
    terms = {t for t in _TERM_SPLIT.split(query) if t}
    terms.update(t for t in extra if t.strip())
    # Single characters (的, 和, 年) would light up the whole page; keep them only if they are all we have.
    long_terms = {t for t in terms if len(t) > 1}
    return sorted(long_terms or terms, key=lambda t: (-len(t), t))


def mark_words(text: str, terms: Sequence[str]) -> Markup:
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

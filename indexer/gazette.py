"""Gazette continuations: tails printed pages later ("（上接第N页）"), matched back to their documents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analyzers.docnum import canonical_doc_number
from indexer.cleaning import CONTINUED_FROM, CONTINUED_ON
from indexer.metadata import squeeze

Line = tuple[int, str]  # (1-based line number, stripped text)

# CJK characters, for the bigram profile that places an unmarked continuation.
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Tail lines examined when looking for a continuation printed without any marker.
_MAX_TAIL = 6
_MIN_EVIDENCE = 4
# More documents than this waiting for an unmarked tail is not a gazette's handful of continuations.
_MAX_UNMARKED = 50
# A contents entry: a 文号, order number or title followed by its page ("聊政发〔2023〕7 号 5").
_TOC_ENTRY = re.compile(r"^(.*?(?:号|\S[)）]))\s+(\d{1,3})$")


@dataclass
class Part:
    """One document in a file: its own lines plus continuation fragments merged in reading order."""

    lines: list[Line]
    fragments: list[list[Line]] = field(default_factory=list)

    def continued_on(self) -> bool:
        return any(CONTINUED_ON.search(text) for _, text in self.lines)


def split_off_fragments(parts: list[Part]) -> tuple[list[Part], list[list[Line]]]:
    """Cut each "（上接第N页）" run (to the end of its part) out of the part it was printed in."""
    kept: list[Part] = []
    fragments: list[list[Line]] = []
    for part in parts:
        cuts = [i for i, (_, text) in enumerate(part.lines) if CONTINUED_FROM.match(text)]
        bounds = [*cuts, len(part.lines)]
        fragments += [part.lines[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
        main = part.lines[: cuts[0]] if cuts else part.lines
        if main:
            kept.append(Part(main))
    return kept, fragments


def parse_toc(front: list[str]) -> dict[str, int]:
    """Start page by document key (canonical 文号, or chronicle title) from a gazette's contents."""
    pages: dict[str, int] = {}
    for line in front:
        m = _TOC_ENTRY.match(line)
        if m:
            key = canonical_doc_number(squeeze(m.group(1))) or toc_key(m.group(1))
            pages.setdefault(key, int(m.group(2)))
    return pages


def toc_key(title: str) -> str:
    """A title as a contents key: no spaces, ASCII brackets."""
    return squeeze(title).replace("（", "(").replace("）", ")")


def attach_fragments(parts: list[Part], fragments: list[list[Line]], pages: list[int | None]) -> None:
    """Give each fragment to the document it continues.

    The fragment "上接第M页" belongs to the document saying "下转" whose contents page is the
    highest one not after M. Without contents pages, main parts are in page order, so the k-th
    "下转" document takes the fragment with the k-th lowest M. A document left without a
    fragment gets an unmarked tail.
    """
    waiting = [(i, p) for i, p in enumerate(parts) if p.continued_on()]
    rest = []
    for fragment in sorted(fragments, key=_from_page):
        page = _from_page(fragment)
        known = [(start, i, p) for i, p in waiting if (start := pages[i]) is not None and start <= page]
        if known:
            _, i, part = max(known, key=lambda k: k[0])
            part.fragments.append(fragment)
            waiting = [(j, q) for j, q in waiting if j != i]
        else:
            rest.append(fragment)
    for (_, part), fragment in zip(waiting, rest, strict=False):
        part.fragments.append(fragment)
    unmatched = waiting[len(rest) :]
    if len(unmatched) > _MAX_UNMARKED:  # not a gazette's few continuations: guessing would be quadratic
        return
    rests: dict[int, set[str]] = {}  # bigrams of each host's body, computed once
    for _, part in unmatched:
        _adopt_unmarked_tail(part, parts, rests)


def _from_page(fragment: list[Line]) -> int:
    m = CONTINUED_FROM.match(fragment[0][1])
    return int(m.group(1)) if m else 0


def _bigrams(text: str) -> set[str]:
    return {run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)}


def _adopt_unmarked_tail(owner: Part, parts: list[Part], rests: dict[int, set[str]]) -> None:
    """Move the tail of another document that reads like owner's text (shared vocabulary) to owner."""
    owner_grams = _bigrams(" ".join(text for _, text in owner.lines))
    best: tuple[int, Part, int] | None = None
    for host in parts:
        if host is owner or len(host.lines) <= _MAX_TAIL:
            continue
        if id(host) not in rests:
            rests[id(host)] = _bigrams(" ".join(text for _, text in host.lines[:-_MAX_TAIL]))
        size, score = _tail_score(host, owner_grams, rests[id(host)])
        if size and score >= _MIN_EVIDENCE and (best is None or score > best[0]):
            best = (score, host, size)
    if best:
        _, host, size = best
        owner.fragments.append(host.lines[-size:])
        del host.lines[-size:]
        rests.pop(id(host), None)  # its body changed


def _tail_score(host: Part, owner_grams: set[str], rest: set[str]) -> tuple[int, int]:
    """Longest tail of host whose every line shares more bigrams with the owner than with host's rest."""
    size = score = 0
    for _, text in reversed(host.lines[-_MAX_TAIL:]):
        grams = _bigrams(text)
        margin = len(grams & owner_grams) - len(grams & rest)
        if margin <= 0:
            break
        size, score = size + 1, score + margin
    return size, score

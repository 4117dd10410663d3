"""Did you mean: a mistyped query corrected from the index's own vocabulary of character bigrams.

A wrong character spoils the bigrams it sits in (公平竟争 -> 平竟, 竟争), which the index does not hold.
The term suggester offers known bigrams one edit away from each spoilt one. A correction changes one
character, or two, so that every spoilt bigram becomes one of its suggestions (a bigram whose both
characters change cannot be checked that way and is left to the phrase check); corrections of one
character come first, then of two, each ranked by how frequent the bigrams they make are. The best
correction the index holds as a phrase is the suggestion. A correctly typed query has no unknown bigram,
so it gets none.
"""

from __future__ import annotations

from itertools import combinations, product
from typing import Any

from analyzers.textnorm import fold
from search.cache import Lru
from search.understand import asks
from store.search_store import SearchStore

CANDIDATES = 8  # corrections of each size checked against the index (all in one msearch)
PER_POSITION = 20  # characters tried at each position of a two-character correction (bounds the cost)
PAIR_MIN_CHARS = 4  # two changes in a shorter query leave too little of what was typed
KNOWN_QUERIES = 10_000  # checked queries whose correction a process keeps (≤ ~1 KB each with the key)

# spoilt bigram offset -> known bigram -> its frequency
Options = dict[int, dict[str, int]]


def _options(entries: list[dict[str, Any]]) -> Options:
    out: Options = {}
    for entry in entries:
        words = {str(o["text"]): int(o.get("freq", 0)) for o in entry.get("options", [])}
        if len(str(entry["text"])) == 2 and words:
            out[int(entry["offset"])] = words
    return out


def _characters(folded: str, options: Options, positions: tuple[int, ...], i: int) -> list[str]:
    """Characters for position i that make the spoilt bigrams holding it known, likeliest first (at most
    PER_POSITION: bounds the pairs tried)."""
    weights: dict[str, int] | None = None
    for k in (i - 1, i):  # the spoilt bigrams holding position i ...
        j = i + 1 if k == i else i - 1  # ... whose other character (at j) stays
        if k in options and j not in positions:
            near = {
                w[i - k]: f for w, f in options[k].items() if w[j - k] == folded[j] and w[i - k] != folded[i]
            }
            weights = (
                near if weights is None else {c: f + weights[c] for c, f in near.items() if c in weights}
            )
    if not weights:
        return []
    ranked = sorted(weights.items(), key=lambda cf: (-cf[1], cf[0]))
    return [c for c, _ in ranked[:PER_POSITION]]


def _corrections(folded: str, options: Options, positions: tuple[int, ...]) -> list[tuple[int, str]]:
    """(frequency, text) of each change of the characters at `positions` that repairs every spoilt bigram."""
    if any(k not in positions and k + 1 not in positions for k in options):
        return []  # a spoilt bigram these positions do not touch stays spoilt
    allowed = [_characters(folded, options, positions, i) for i in positions]
    if not all(allowed):
        return []
    out = []
    for choice in product(*allowed):
        text = list(folded)
        for i, c in zip(positions, choice, strict=True):
            text[i] = c
        fixed = "".join(text)
        freq = [options[k].get(fixed[k : k + 2]) for k in options]
        unchecked = [k in positions and k + 1 in positions for k in options]  # both characters changed
        if all(f is not None or u for f, u in zip(freq, unchecked, strict=True)):
            out.append((sum(f or 0 for f in freq), fixed))
    return out


def candidates(folded: str, entries: list[dict[str, Any]], limit: int = CANDIDATES) -> list[str]:
    """Corrections of one character, best first, then of two (entries: the term suggester's over `folded`)."""
    options = _options(entries)
    if not options:
        return []
    spoilt = {p for k in options for p in (k, k + 1) if p < len(folded)}
    singles = [c for i in sorted(spoilt) for c in _corrections(folded, options, (i,))]
    found = [text for _, text in sorted(singles, key=lambda c: (-c[0], c[1]))[:limit]]
    if len(folded) >= PAIR_MIN_CHARS:
        pairs = [c for ij in combinations(sorted(spoilt), 2) for c in _corrections(folded, options, ij)]
        found += [text for _, text in sorted(pairs, key=lambda c: (-c[0], c[1]))[:limit]]
    return list(dict.fromkeys(found))


def checked(query: str) -> str | None:
    """The folded query when it can be checked for mistyped characters (3+ characters, some of them
    Chinese, not a question), else None. A question in everyday words (公共体育场馆对老百姓免费开放吗) is
    never a phrase of the index, so no correction of it could be held, while its uncommon bigrams (姓免,
    放吗) cost the suggester 1-2 ms and the phrase check a round trip."""
    folded = fold(query).strip()
    if len(folded) < 3 or not any("\u4e00" <= ch <= "\u9fff" for ch in folded):
        return None
    return None if asks(folded) else folded


def correction(store: SearchStore, folded: str, entries: list[dict[str, Any]]) -> str | None:
    """The best correction the index holds as a phrase (entries: the term suggester's over `folded`,
    store.lookups.spelling_body, which rides in the query's own msearch), or None."""
    options = candidates(folded, entries)
    if not options:
        return None
    held = store.phrases_held(options)
    return next((option for option, ok in zip(options, held, strict=True) if ok), None)


def did_you_mean(store: SearchStore, query: str) -> str | None:
    """A correction of one or two characters of the query that the index holds as a phrase, or None."""
    folded = checked(query)
    return correction(store, folded, store.spelling_options(folded)) if folded else None


class Corrections:
    """Each checked query's correction (or None), with the index generation it was found in
    (search/cache.py). A portal's search box sees the same queries, typos among them, again and again; a
    query known for this generation skips the suggester, whose fuzzy walk over the vocabulary costs ~2 ms
    of Elasticsearch CPU for a mistyped query, and the phrase check's round trip."""

    def __init__(self, size: int = KNOWN_QUERIES) -> None:
        self._known: Lru[str, tuple[str, str | None]] = Lru(size)
        self.latest: str | None = None  # the newest generation a request of this process reported

    def known(self, folded: str) -> tuple[str, str | None] | None:
        """(generation, correction) for the folded query if it was found in the latest generation seen (the
        request's own generation is known only once its msearch is back: the caller checks it again)."""
        entry = self._known.get(folded)
        return entry if entry is not None and entry[0] == self.latest else None

    def seen(self, generation: str | None) -> None:
        """The generation a request reported: entries of earlier ones are no longer offered, so after a
        write the suggester rides again in each query's own msearch rather than in a request of its own."""
        self.latest = generation

    def found(self, folded: str, generation: str | None, correction: str | None) -> None:
        """Remember a correction found while the index was at `generation` (None: nothing is kept)."""
        if generation is None:
            self._known.discard(folded)
        else:
            self._known.put(folded, (generation, correction))

"""Did you mean: a mistyped query corrected from the index's own vocabulary of character bigrams.

One wrong character spoils the bigrams it sits in (公平竟争 -> 平竟, 竟争), which the index does not hold.
The term suggester offers known bigrams one edit away from each; every replacement of one character that
such a suggestion implies is a candidate, ranked by how many spoilt bigrams propose it and how frequent
the proposals are. The best candidate the index holds as a phrase is the suggestion. A correctly typed
query has no unknown bigram, so it gets none.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from analyzers.textnorm import fold
from store.search_store import SearchStore

CANDIDATES = 8  # corrections checked against the index, in one msearch


def candidates(folded: str, entries: list[dict[str, Any]], limit: int = CANDIDATES) -> list[str]:
    """Corrections of one character, best first (entries: the term suggester's over `folded`)."""
    votes: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    for entry in entries:
        start, token = int(entry["offset"]), str(entry["text"])
        if len(token) != 2:
            continue
        for option in entry.get("options", []):
            word = str(option["text"])
            for i in (0, 1):  # the option differs from the bigram in character i only
                if len(word) == 2 and word[1 - i] == token[1 - i] and word[i] != token[i]:
                    vote = votes[(start + i, word[i])]
                    vote[0] += 1
                    vote[1] += int(option.get("freq", 0))
    ranked = sorted(votes.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    out = []
    for (position, char), _ in ranked[:limit]:
        if position < len(folded):
            out.append(folded[:position] + char + folded[position + 1 :])
    return out


def did_you_mean(store: SearchStore, query: str) -> str | None:
    """A one-character correction of the query that the index holds as a phrase, or None."""
    folded = fold(query).strip()
    if len(folded) < 3 or not any("\u4e00" <= ch <= "\u9fff" for ch in folded):
        return None
    options = candidates(folded, store.spelling_options(folded))
    if not options:
        return None
    held = store.phrases_held(options)
    return next((option for option, ok in zip(options, held, strict=True) if ok), None)

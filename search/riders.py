"""What rides in a query's first msearch besides its own searches, so it costs no round trip of its own:
the index generation (search/cache.py) and the did-you-mean suggester's options (search/spelling.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from search.cache import generation_of
from store import lookups
from store.records import Cached
from store.records import SearchResult as StoreResult


@dataclass
class Riders:
    """Per request: `spelling` is the folded query to check (spelling.checked), None for no check."""

    spelling: str | None = None
    generation: str | None = None
    entries: list[dict[str, Any]] = field(default_factory=list)

    def added(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any] | Cached]:
        """The query's bodies, then the riders'."""
        out: list[dict[str, Any] | Cached] = [*bodies, Cached(lookups.generation_body())]
        if self.spelling:
            out.append(Cached(lookups.spelling_body(self.spelling)))
        return out

    def taken(self, results: list[StoreResult]) -> list[StoreResult]:
        """The query's own results; the riders' are read into this object."""
        n = 2 if self.spelling else 1
        own, extra = results[:-n], results[-n:]
        self.generation = generation_of(extra[0].aggregations)
        if self.spelling:
            self.entries = list(extra[1].suggest.get("bigrams", []))
        return own

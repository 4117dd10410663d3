"""The query-side embedding model: loaded on first use, and checked against the index before vectors are compared."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from analyzers.embed import Embedder
from search.results import Timing
from store import deadline
from store.errors import IndexNotFound, StoreError, StoreUnavailable
from store.records import Cached, SearchResult
from store.search_store import SearchStore


class Model:
    """One per process: the embedder (made by `factory` on first use) and the index it was checked against."""

    def __init__(self, store: SearchStore, factory: Callable[[], Embedder]) -> None:
        self.store = store
        self._factory = factory
        self._embedder: Embedder | None = None
        self._checked_index: str | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._embedder is not None

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    self._embedder = self._factory()
        return self._embedder

    def embed_query(self, text: str, timing: Timing) -> list[float]:
        self.check()
        t0 = time.perf_counter()
        vector = self.embedder.embed_query(text)
        spent = time.perf_counter() - t0
        timing.embed_ms += spent * 1000
        deadline.postpone(spent)  # the request deadline bounds Elasticsearch's time, not the model's
        return np.asarray(vector, dtype=np.float64).tolist()  # exact, ~4x faster than float() per value

    def embed_passages(self, texts: Sequence[str], timing: Timing) -> list[list[float]]:
        """Vectors of a draft's pieces (the caller has run check())."""
        t0 = time.perf_counter()
        vectors: Any = self.embedder.embed_passages(list(texts))
        spent = time.perf_counter() - t0
        timing.embed_ms += spent * 1000
        deadline.postpone(spent)  # the request deadline bounds Elasticsearch's time, not the model's
        return [np.asarray(v, dtype=np.float64).tolist() for v in vectors]

    def check(self) -> None:
        """Refuse to compare vectors of different models: the live index is checked before the first
        vector query; later, each answer names its index (search()), so no request pays for a lookup."""
        if self._checked_index is None:
            live = self.store.live_index()
            if live is not None:
                self._check_index(live)

    def _check_index(self, index: str) -> None:
        self.store.check_model(self.embedder.model_name, self.embedder.dims, index)
        self._checked_index = index

    def search(self, timing: Timing, bodies: Sequence[dict[str, Any] | Cached]) -> list[SearchResult]:
        """An msearch with query vectors, checked against the model of whichever index answered."""
        try:
            results = timed_msearch(self.store, timing, bodies)
        except (StoreUnavailable, IndexNotFound):
            raise
        except StoreError:
            # The alias may have moved to an index of another dimension, which ES refuses: say so.
            live = self.store.live_index()
            if live is not None and live != self._checked_index:
                self._check_index(live)
            raise
        for index in {h.index for r in results for h in r.hits if h.index} - {self._checked_index}:
            self._check_index(index)
        return results


def timed_msearch(
    store: SearchStore, timing: Timing, bodies: Sequence[dict[str, Any] | Cached]
) -> list[SearchResult]:
    t0 = time.perf_counter()
    results = store.msearch(bodies)
    timing.es_ms += (time.perf_counter() - t0) * 1000
    return results

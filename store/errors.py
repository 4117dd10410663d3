"""Errors raised by store/: Elasticsearch exceptions never leave this package."""

from __future__ import annotations


class StoreError(Exception):
    """Elasticsearch answered, but not as expected (bad request, mapping conflict ...)."""


class StoreUnavailable(StoreError):
    """Elasticsearch cannot be reached or timed out; callers answer 503 and may retry."""


class IndexNotFound(StoreError):
    """The alias or index does not exist yet (nothing has been indexed)."""


class ModelMismatch(StoreError):
    """The index was built with another embedding model or dimension than the one querying it."""


class IndexingError(StoreError):
    """Some records failed to be written; failed maps record id -> reason."""

    def __init__(self, failed: dict[str, str]) -> None:
        self.failed = failed
        sample = "; ".join(f"{k}: {v}" for k, v in list(failed.items())[:5])
        super().__init__(f"{len(failed)} record(s) failed to index: {sample}")

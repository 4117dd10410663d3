"""Errors raised by store/: Elasticsearch exceptions never leave this package."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import elasticsearch


class StoreError(Exception):
    """Elasticsearch answered, but not as expected (bad request, mapping conflict ...)."""


class StoreUnavailable(StoreError):
    """Elasticsearch cannot be reached or timed out; callers answer 503 and may retry."""


class DeadlineExceeded(StoreUnavailable):
    """The request's deadline (store.deadline) passed before or during an Elasticsearch call."""


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


class LockHeld(StoreError):
    """Another build, update or rollback holds the alias's writer lock; the message names it."""


class LockLost(StoreError):
    """This process's writer lock expired and was taken over; it must stop before changing more."""


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Turn elasticsearch-py exceptions into the store's own."""
    try:
        yield
    except (elasticsearch.ConnectionError, elasticsearch.ConnectionTimeout) as exc:
        raise StoreUnavailable(f"Elasticsearch unreachable: {exc}") from exc
    except elasticsearch.ApiError as exc:
        raise status_error(exc.meta.status, str(exc)) from exc
    except elasticsearch.TransportError as exc:
        raise StoreUnavailable(f"Elasticsearch transport error: {exc}") from exc


def status_error(status: int, message: str) -> StoreError:
    """The store's exception for an Elasticsearch error status (from a raised ApiError or inside msearch)."""
    if status == 404:
        return IndexNotFound(message)
    if status in (429, 502, 503, 504):
        return StoreUnavailable(f"Elasticsearch busy or unavailable: {message}")
    return StoreError(message)

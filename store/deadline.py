"""A deadline shared by every Elasticsearch call of one service request.

A context variable, so each request thread has its own; the indexer never sets one. SearchStore bounds each
call's client timeout by what is left and puts it in search bodies (`timeout`), so one request costs the
cluster at most the deadline however many calls it makes.
"""

from __future__ import annotations

import time
from contextvars import ContextVar, Token

from store.errors import DeadlineExceeded

_deadline: ContextVar[float | None] = ContextVar("es_deadline", default=None)


def start(seconds: float) -> Token[float | None]:
    """From now on the calls of this context share `seconds`; pass the token to clear()."""
    return _deadline.set(time.monotonic() + seconds)


def clear(token: Token[float | None]) -> None:
    _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left (None: no deadline); raises DeadlineExceeded once it has passed."""
    at = _deadline.get()
    if at is None:
        return None
    left = at - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded("the request's time for Elasticsearch is used up")
    return left


def postpone(seconds: float) -> None:
    """Move this context's deadline `seconds` later: time spent on something else than Elasticsearch (a
    draft's embedding, bounded by its own limits) does not use up the budget of its Elasticsearch calls."""
    at = _deadline.get()
    if at is not None:
        _deadline.set(at + seconds)

"""Per-client limits for the public endpoints: an in-memory token bucket per client address, counting
requests (RateLimiter(per_minute)) or their cost (the draft segments a precedent search embeds); a bound
on the drafts embedded at once on this machine (EmbedSlots, shared by every worker); and the cheap refusal
of an API client that comes back before its Retry-After (RefuseWaitingClients, in front of Flask).

The buckets are per process: behind several workers or replicas the effective limit is multiplied; put a
shared limit at the load balancer for a public portal (README, Scaling out).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
from flask import current_app, request

from search.similar import cut_draft
from service.errors import Busy, RateLimited, error_body
from service.metrics import Metrics

MAX_CLIENTS = 10_000  # the least recently seen clients are forgotten beyond this


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1.0, per_minute / 6.0)  # ten seconds' worth at once
        # client -> (tokens, when last counted, until when it was told to wait)
        self._buckets: OrderedDict[str, tuple[float, float, float]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def allow(self, client: str, now: float | None = None, cost: float = 1.0) -> tuple[bool, float]:
        """(allowed, seconds until a request of this cost would be allowed). A refused client is told to
        wait that long, and wait() holds it to that."""
        if not self.enabled:
            return True, 0.0
        cost = min(cost, self.burst)  # a request dearer than the whole bucket would never pass
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last, _ = self._buckets.pop(client, (self.burst, now, 0.0))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= cost
            tokens = tokens - cost if allowed else tokens
            wait = 0.0 if allowed else (cost - tokens) / self.rate
            self._buckets[client] = (tokens, now, now + wait)
            if len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
        return allowed, wait

    def wait(self, client: str, now: float | None = None) -> float:
        """Seconds this client was told to wait and has not waited yet (0: go ahead); charges nothing."""
        if not self.enabled:
            return 0.0
        now = time.monotonic() if now is None else now
        with self._lock:
            _, _, until = self._buckets.get(client, (0.0, 0.0, 0.0))
        return max(0.0, until - now)


class EmbedSlots:
    """At most `size` drafts embedded at once on this machine, across every worker of the service (one
    lock file per slot, flock'ed while a draft embeds). One more is refused at once rather than queued: a
    queue would only hold connections while the cores are busy, and a client can retry. Per worker slots
    would let workers x slots drafts fill every core, and plain searches would wait behind them."""

    def __init__(self, size: int, name: str, folder: Path | None = None) -> None:
        folder = folder or Path(tempfile.gettempdir()) / "gov-search-embed-slots"
        folder.mkdir(parents=True, exist_ok=True)
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
        self._paths = [folder / f"{safe}-{i}.lock" for i in range(size)]

    @contextlib.contextmanager
    def hold(self) -> Iterator[bool]:
        """Yields whether a slot was free (and holds it until the block ends)."""
        fd = self._take()
        try:
            yield fd is not None
        finally:
            if fd is not None:
                os.close(fd)  # closing the descriptor releases its lock, also if the worker dies

    def _take(self) -> int | None:
        for path in self._paths:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                os.close(fd)
        return None


WAIT_MESSAGE = "too many requests from this client; wait as long as Retry-After says"
DRAFT_PATH = "/api/similar"  # the API path that embeds a draft (a stored document's reuse its vectors)


class RefuseWaitingClients:
    """WSGI middleware: an /api/ request from a client that was refused and told to wait, and has not, is
    answered 429 here, before Flask builds a request. A client that ignores Retry-After at full speed
    (a flood of drafts at concurrency 8 sends hundreds a second) would otherwise cost ~1.5 ms of a worker's
    CPU and GIL per refusal, in the workers that serve everybody's searches; here it costs a dictionary
    lookup. Such refusals are counted in /metrics (endpoint "refused early"), not logged one by one."""

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        limiter: RateLimiter,
        budget: RateLimiter,
        metrics: Metrics,
        headers: dict[str, str],
    ) -> None:
        self.app = app
        self.limiter, self.budget, self.metrics = limiter, budget, metrics
        self.headers = list(headers.items())

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/api/"):
            return self.app(environ, start_response)
        client = environ.get("REMOTE_ADDR") or "-"
        wait = self.limiter.wait(client)
        if not wait and path == DRAFT_PATH:
            wait = self.budget.wait(client)
        if not wait:
            return self.app(environ, start_response)
        body = orjson.dumps(error_body(429, "rate_limited", WAIT_MESSAGE))
        start_response(
            "429 TOO MANY REQUESTS",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("Retry-After", str(max(1, round(wait)))),
                ("X-Request-ID", uuid.uuid4().hex),
                *self.headers,
            ],
        )
        self.metrics.observe("refused early", "-", 429, 0.0)
        return [body]


def refuse_spent_client() -> None:
    """429 before a draft is even read when this client was refused and told to wait, and has not: a flood
    of refused drafts would otherwise cost parsing and cutting each one in the workers that serve plain
    searches."""
    budget: RateLimiter = current_app.extensions["embed_budget"]
    wait = budget.wait(request.remote_addr or "-")
    if wait > 0:
        raise RateLimited(
            "this client has embedded too many draft segments lately; slow down",
            {"Retry-After": str(max(1, round(wait)))},
        )


@contextlib.contextmanager
def admit_draft(text: str) -> Iterator[None]:
    """Charge the client's embedding budget for a draft's segments and hold an embedding slot meanwhile;
    429 when the budget is spent, 503 when every slot is busy (both with Retry-After)."""
    budget: RateLimiter = current_app.extensions["embed_budget"]
    allowed, wait = budget.allow(request.remote_addr or "-", cost=len(cut_draft(text)))
    if not allowed:
        raise RateLimited(
            "this client has embedded too many draft segments lately; slow down",
            {"Retry-After": str(max(1, round(wait)))},
        )
    with current_app.extensions["embed_slots"].hold() as taken:
        if not taken:
            raise Busy("every embedding slot is busy; try again shortly", {"Retry-After": "2"})
        yield

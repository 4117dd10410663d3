"""Per-client limits for the public endpoints: an in-memory token bucket per client address, counting
requests (RateLimiter(per_minute)) or their cost (the draft segments a precedent search embeds); and a
bound on the embeddings running at once in one worker (EmbedSlots).

Per process: behind several workers or replicas the effective limit is multiplied; put a shared limit at
the load balancer for a public portal (README, Scaling out).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator

from flask import current_app, request

from search.similar import cut_draft
from service.errors import Busy, RateLimited

MAX_CLIENTS = 10_000  # the least recently seen clients are forgotten beyond this


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = max(1.0, per_minute / 6.0)  # ten seconds' worth at once
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def allow(self, client: str, now: float | None = None, cost: float = 1.0) -> tuple[bool, float]:
        """(allowed, seconds until a request of this cost would be allowed)."""
        if not self.enabled:
            return True, 0.0
        cost = min(cost, self.burst)  # a request dearer than the whole bucket would never pass
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= cost
            tokens = tokens - cost if allowed else tokens
            self._buckets[client] = (tokens, now)
            if len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
        return allowed, 0.0 if allowed else (cost - tokens) / self.rate


class EmbedSlots:
    """At most `size` drafts embedded at once in this worker. One more is refused at once rather than
    queued: a queue would only hold connections while the cores are busy, and a client can retry."""

    def __init__(self, size: int) -> None:
        self._free = threading.BoundedSemaphore(size)

    @contextlib.contextmanager
    def hold(self) -> Iterator[bool]:
        """Yields whether a slot was free (and holds it until the block ends)."""
        taken = self._free.acquire(blocking=False)
        try:
            yield taken
        finally:
            if taken:
                self._free.release()


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

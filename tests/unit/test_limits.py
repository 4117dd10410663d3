"""service/limits.py: the per-client token bucket, driven by an injected clock."""

from __future__ import annotations

import pytest

from service.limits import MAX_CLIENTS, RateLimiter


def test_burst_then_refused_with_a_wait() -> None:
    limiter = RateLimiter(60)  # one per second, a burst of ten
    assert all(limiter.allow("a", now=100.0)[0] for _ in range(10))
    allowed, wait = limiter.allow("a", now=100.0)
    assert not allowed
    assert wait == pytest.approx(1.0)


def test_tokens_refill_with_time() -> None:
    limiter = RateLimiter(60)
    for _ in range(10):
        limiter.allow("a", now=0.0)
    assert limiter.allow("a", now=0.5) == (False, pytest.approx(0.5))
    assert limiter.allow("a", now=1.0)[0]
    assert not limiter.allow("a", now=1.0)[0]
    # a long pause refills only up to the burst
    assert sum(limiter.allow("a", now=1000.0)[0] for _ in range(20)) == 10


def test_clients_have_their_own_buckets() -> None:
    limiter = RateLimiter(6)  # burst of one
    assert limiter.allow("a", now=0.0)[0]
    assert not limiter.allow("a", now=0.0)[0]
    assert limiter.allow("b", now=0.0)[0]
    assert limiter.allow("a", now=10.0)[0]  # 6 per minute: one token every ten seconds


def test_small_limits_keep_a_burst_of_one() -> None:
    limiter = RateLimiter(3)
    assert limiter.burst == 1.0
    assert limiter.allow("a", now=0.0)[0]
    allowed, wait = limiter.allow("a", now=0.0)
    assert not allowed and wait == pytest.approx(20.0)


def test_zero_turns_limiting_off() -> None:
    limiter = RateLimiter(0)
    assert not limiter.enabled
    assert all(limiter.allow("a", now=0.0) == (True, 0.0) for _ in range(1000))


def test_forgets_the_least_recently_seen_client() -> None:
    limiter = RateLimiter(6)
    limiter.allow("first", now=0.0)
    for i in range(MAX_CLIENTS):
        limiter.allow(f"c{i}", now=0.0)
    assert limiter.allow("first", now=0.0)[0]  # forgotten, so it starts with a full bucket again
    assert not limiter.allow("c9999", now=0.0)[0]

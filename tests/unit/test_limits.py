"""service/limits.py: the per-client token bucket, driven by an injected clock; the drafts' lane."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from service.limits import MAX_CLIENTS, DraftLane, RateLimiter


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


def _nice_and_thread() -> tuple[int, int]:
    me = threading.get_native_id()
    return os.getpriority(os.PRIO_PROCESS, me), me


@pytest.mark.skipif(sys.platform != "linux", reason="a nice value per thread is Linux's")
def test_draft_lane_runs_work_on_a_nicer_thread_and_leaves_the_caller_alone() -> None:
    mine, me = _nice_and_thread()
    nice, thread = DraftLane(1, 5).run(_nice_and_thread)
    assert thread != me
    assert nice == min(19, mine + 5)
    assert _nice_and_thread() == (mine, me)  # the request thread keeps its priority


def test_draft_lane_returns_results_and_raises_errors() -> None:
    lane = DraftLane(1, 5)
    assert lane.run(lambda: 42) == 42
    with pytest.raises(ZeroDivisionError):
        lane.run(lambda: 1 / 0)


def test_draft_lane_with_niceness_zero_runs_in_the_caller() -> None:
    assert DraftLane(1, 0).run(_nice_and_thread) == _nice_and_thread()

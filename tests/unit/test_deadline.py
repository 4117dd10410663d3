"""store/deadline.py: one budget per request for Elasticsearch calls; model time does not use it up."""

from __future__ import annotations

import time

import pytest

from store import deadline
from store.errors import DeadlineExceeded


def test_no_deadline_outside_a_request() -> None:
    assert deadline.remaining() is None
    deadline.postpone(5)  # harmless
    assert deadline.remaining() is None


def test_the_budget_runs_out_and_postpone_gives_back_the_time_spent_elsewhere() -> None:
    token = deadline.start(0.05)
    try:
        time.sleep(0.06)
        with pytest.raises(DeadlineExceeded):
            deadline.remaining()
        deadline.postpone(0.06)  # the 60 ms were the model's, not Elasticsearch's
        left = deadline.remaining()
        assert left is not None and 0 < left <= 0.05
    finally:
        deadline.clear(token)
    assert deadline.remaining() is None

"""indexer/embed_pool.py: embedding in worker processes gives the vectors of the process itself."""

from __future__ import annotations

import functools
import os

import numpy as np
import pytest

from indexer.embed_pool import EmbedPool, cpu_shares
from tests.fakes import FakeEmbedder


def test_workers_share_the_cpus_without_overlap() -> None:
    cpus = os.sched_getaffinity(0)
    shares = cpu_shares(len(cpus))
    assert all(s is not None and len(s) == 1 for s in shares)
    assert set().union(*(s for s in shares if s)) == cpus
    assert cpu_shares(len(cpus) + 1) == [None] * (len(cpus) + 1)  # more workers than CPUs: no pinning


def test_pool_vectors_equal_in_process_vectors() -> None:
    texts = [[f"第{i}条 通知{j}" for j in range(i + 1)] for i in range(6)]
    make = functools.partial(FakeEmbedder, dims=8)
    with EmbedPool(make, workers=2) as pool:
        futures = [pool.submit(t) for t in texts]
        got = [f.result() for f in futures]
    for t, vectors in zip(texts, got, strict=True):
        np.testing.assert_array_equal(vectors, make().embed_passages(t))


def test_one_worker_is_no_pool() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        EmbedPool(FakeEmbedder, workers=1)

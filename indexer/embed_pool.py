"""Embed passages in N worker processes, each with its own embedder, for `build --workers N`.

Embedding is the bound of indexing (docs/benchmarks.md). Each worker is pinned to its share of the CPUs,
so an ONNX Runtime worker sizes its intra-op threads to that share instead of every worker spreading
threads over all cores.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import Any

import numpy as np

from analyzers.embed import Embedder

EmbedderFactory = Callable[[], Embedder]  # must pickle: it is sent to each worker

_embedder: Embedder | None = None  # the worker process's own


class EmbedPool:
    """`submit(texts)` -> Future of vectors. Use as a context manager; the workers load the model once."""

    def __init__(self, make_embedder: EmbedderFactory, workers: int) -> None:
        if workers < 2:
            raise ValueError("an EmbedPool needs at least 2 workers; embed in the process for 1")
        self.workers = workers
        # spawn, not fork: the pipeline runs threads and an HTTP client (as indexer/worker.py does).
        context = multiprocessing.get_context("spawn")
        slots = context.Queue()
        for share in cpu_shares(workers):
            slots.put(share)
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_start,
            initargs=(make_embedder, slots, os.getpid()),
        )

    def submit(self, texts: Sequence[str]) -> Future[np.ndarray]:
        return self._executor.submit(_embed, list(texts))

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> EmbedPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def cpu_shares(workers: int) -> list[set[int] | None]:
    """The CPUs each worker is pinned to: disjoint shares while there are at least as many CPUs as
    workers; None (no pinning) for all when there are fewer."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) < workers:
        return [None] * workers
    return [set(cpus[i::workers]) for i in range(workers)]


def _start(make_embedder: EmbedderFactory, slots: Any, parent: int) -> None:
    global _embedder
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    share = slots.get()
    if share is not None:
        os.sched_setaffinity(0, share)
    _embedder = make_embedder()


def _exit_with(parent: int) -> None:
    """A worker whose indexer was killed (SIGKILL: no shutdown) would wait for work forever."""
    while os.getppid() == parent:
        time.sleep(2.0)
    os._exit(1)


def _embed(texts: list[str]) -> np.ndarray:
    if _embedder is None:
        raise RuntimeError("the embedding worker did not load its embedder")
    return _embedder.embed_passages(texts)

"""A throwaway 3-node Elasticsearch cluster (es/es.sh with its own ES_HOME and ports, never the shared node)
and a bounded query load that records every answer by phase, for the fault tests in test_cluster.py."""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.conftest import ROOT

NODES = 3
HEAP = "384m"


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_block(count: int) -> int:
    """A base port with `count` free ports from it and `count` free ports 100 above it (transport)."""
    for _ in range(200):
        base = random.randrange(20_000, 40_000)
        if all(_free(base + i) and _free(base + 100 + i) for i in range(count)):
            return base
    raise RuntimeError("no block of free ports found")


@dataclass
class Cluster:
    """Three nodes started by es.sh; kill/restart act on one node by its PID file."""

    home: Path
    base_port: int
    env: dict[str, str] = field(repr=False)

    @classmethod
    def create(cls, home: Path) -> Cluster:
        shared_build = ROOT / "var" / "es" / "build"  # reuse the built launcher: no Maven run needed
        if (shared_build / "stamp").is_file() and (shared_build / "classpath.txt").is_file():
            shutil.copytree(shared_build, home / "build", ignore=shutil.ignore_patterns("mvn.log"))
        base = free_port_block(NODES)
        env = {
            **os.environ,
            "ES_HOME": str(home),
            "NODES": str(NODES),
            "ES_PORT": str(base),
            "ES_TRANSPORT_PORT": str(base + 100),
            "ES_HEAP": HEAP,
        }
        return cls(home, base, env)

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.base_port + i}" for i in range(NODES)]

    @property
    def url(self) -> str:
        """The setting value: every node, comma-separated."""
        return ",".join(self.urls)

    def run(self, command: str) -> None:
        done = subprocess.run(
            [str(ROOT / "es" / "es.sh"), command], env=self.env, capture_output=True, text=True, timeout=300
        )
        if done.returncode != 0:
            raise RuntimeError(f"es.sh {command}: {done.stdout}\n{done.stderr}")

    def kill(self, node: int) -> None:
        """SIGKILL node `node` (1-based), as a crash or a pulled plug would stop it."""
        pid = int((self.home / f"node-{node}" / "es.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        while True:  # reaped by init, since es.sh started it with nohup in the background
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def nodes_up(self) -> int:
        for url in self.urls:
            try:
                return int(httpx.get(f"{url}/_cluster/health", timeout=2).json()["number_of_nodes"])
            except (httpx.HTTPError, KeyError, ValueError):
                continue
        return 0

    def wait_green(self, timeout: float = 120) -> None:
        health = httpx.get(
            f"{self.urls[0]}/_cluster/health",
            params={"wait_for_status": "green", "timeout": f"{int(timeout)}s"},
            timeout=timeout + 5,
        )
        assert health.status_code == 200, health.text


@dataclass
class Answer:
    phase: str
    status: int
    seconds: float
    query: str
    result: tuple[int, tuple[str, ...]] | None  # (total, doc_ids) of a 200


class Load:
    """`threads` clients send the queries round and round to the service until stopped, bounded in count
    and time; every answer is kept with the phase it was sent in."""

    def __init__(self, base: str, queries: list[str], threads: int = 2, max_requests: int = 20_000) -> None:
        self.base = base
        self.queries = queries
        self.phase = "before"
        self.answers: list[Answer] = []
        self._threads = [
            threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(threads)
        ]
        self._stop = threading.Event()
        self._max = max_requests

    def __enter__(self) -> Load:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=30)

    def _client(self, offset: int) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as http:
            i = offset
            while not self._stop.is_set() and len(self.answers) < self._max:
                query = self.queries[i % len(self.queries)]
                phase = self.phase
                t0 = time.perf_counter()
                response = http.get("/api/search", params=search_params(query))
                seconds = time.perf_counter() - t0
                self.answers.append(Answer(phase, response.status_code, seconds, query, result_of(response)))
                i += 1

    def during(self, phase: str, seconds: float, until: Callable[[], bool] | None = None) -> None:
        """Label the answers of the next `seconds` (or until `until()` holds, checked each 0.2 s)."""
        self.phase = phase
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (until and until()):
            time.sleep(0.2)


# Each query is sent in both modes. Keyword answers must be identical whichever shard copies answer. Hybrid
# answers must not fail, but their kNN side is approximate: each copy of a shard builds its own HNSW graph,
# so when a node dies and other copies answer, the nearest neighbours of the test's random vectors (the
# FakeEmbedder) may differ slightly.
MODES = ("keyword", "hybrid")


def search_params(query: str) -> dict[str, str]:
    """A load query is "<mode> <text>"."""
    mode, _, text = query.partition(" ")
    return {"q": text, "mode": mode}


def exact(query: str) -> bool:
    """Whether this load query's answers must not change (see MODES)."""
    return query.startswith("keyword ")


def same(answer: tuple[int, tuple[str, ...]] | None, expected: tuple[int, tuple[str, ...]] | None) -> bool:
    """The same total and the same first document. Not the whole order: the two copies of a shard merge
    their segments on their own, so their BM25 statistics (which count deleted records until merged away)
    can differ by a hair and swap two near-equal documents further down; a missing shard would show in the
    total."""
    return (
        answer is not None
        and expected is not None
        and (answer[0], answer[1][:1]) == (expected[0], expected[1][:1])
    )


def result_of(response: httpx.Response) -> tuple[int, tuple[str, ...]] | None:
    if response.status_code != 200:
        return None
    body = response.json()
    return body["total"], tuple(h["doc_id"] for h in body["hits"])


def table(title: str, answers: list[Answer], phases: list[str]) -> str:
    """Markdown table: requests, failures, p50 and p99 per phase (docs/benchmarks.md)."""
    lines = [
        f"{title}",
        "| phase | requests | failed | 503 | p50 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for phase in phases:
        got = [a for a in answers if a.phase == phase]
        ms = sorted(a.seconds * 1000 for a in got) or [0.0]
        failed = sum(a.status != 200 for a in got)
        unavailable = sum(a.status == 503 for a in got)
        p50, p99 = ms[len(ms) // 2], ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        lines.append(f"| {phase} | {len(got)} | {failed} | {unavailable} | {p50:.0f} | {p99:.0f} |")
    return "\n".join(lines)

"""Query latency per mode at concurrency 1 and 8, with the time split the service reports.

The service sends `Server-Timing: embed;dur=…, es;dur=…, total;dur=…` on search responses; the
rest of the time (parsing, fusion, highlighting, JSON, HTTP) is total − embed − es.

The client is the standard library's http.client over one keep-alive connection per thread, the
leanest Python client: httpx added ~1.5 ms of its own per request, which measured the client.
"""

from __future__ import annotations

import http.client
import json
import re
import statistics
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_QUERIES = ROOT / "bench" / "dev_queries.jsonl"
_TIMING = re.compile(r"(\w+);dur=([\d.]+)")


@dataclass
class Sample:
    ms: list[float] = field(default_factory=list)
    embed_ms: list[float] = field(default_factory=list)
    es_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0


def _queries(kind_filter: set[str]) -> list[str]:
    rows = [json.loads(line) for line in DEV_QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["query"] for r in rows if r["kind"] in kind_filter]


class _Connections:
    """One keep-alive connection per thread."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self._local = threading.local()

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, str]:
        """Status and Server-Timing header of one request (the body is read, as a client would)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            self._local.conn = None
            return 0, ""
        return resp.status, resp.getheader("Server-Timing") or ""


def _one(connections: _Connections, mode: str, q: str, sample: Sample) -> None:
    t0 = time.perf_counter()
    if mode == "similar":
        body = json.dumps({"text": q, "size": 10}).encode("utf-8")
        status, timing_header = connections.request("POST", "/api/similar", body)
    else:
        query = urllib.parse.urlencode({"q": q, "mode": mode, "size": 10})
        status, timing_header = connections.request("GET", f"/api/search?{query}")
    sample.ms.append((time.perf_counter() - t0) * 1000)
    if status != 200:
        sample.errors += 1
        return
    timing = dict(_TIMING.findall(timing_header))
    sample.embed_ms.append(float(timing.get("embed", 0)))
    sample.es_ms.append(float(timing.get("es", 0)))
    sample.server_ms.append(float(timing.get("total", 0)))


def run_mode(url: str, mode: str, concurrency: int, rounds: int, queries: list[str] | None = None) -> Sample:
    """`rounds` timed passes over the queries (default: the dev queries of the mode's kinds)."""
    if queries is None:
        kinds = {"precedent"} if mode == "similar" else {"keyword", "question", "docnum", "variant", "multi"}
        queries = _queries(kinds)
    work = queries * rounds
    sample = Sample()
    connections = _Connections(url)
    for q in queries:  # one untimed pass: steady state (caches, JIT, the model) is what is measured
        _one(connections, mode, q, Sample())
    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda q: _one(connections, mode, q, sample), work))
    sample.wall = time.perf_counter() - t0
    return sample


def measure_latency(url: str, rounds: int = 5) -> dict[tuple[str, int], Sample]:
    return {
        (mode, c): run_mode(url, mode, c, rounds)
        for mode in ("keyword", "semantic", "hybrid", "similar")
        for c in (1, 8)
    }


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def print_latency(results: dict[tuple[str, int], Sample]) -> None:
    print("\n## Query latency (ms, client side) and where the time goes (server medians)\n")
    print("| mode | conc. | requests | errors | p50 | p95 | p99 | req/s | embed | ES | rest |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (mode, c), s in results.items():
        embed = statistics.median(s.embed_ms) if s.embed_ms else 0.0
        es = statistics.median(s.es_ms) if s.es_ms else 0.0
        rest = (statistics.median(s.server_ms) if s.server_ms else 0.0) - embed - es
        rps = len(s.ms) / s.wall if s.wall else 0.0
        print(
            f"| {mode} | {c} | {len(s.ms)} | {s.errors} | {percentile(s.ms, 50):.1f} | {percentile(s.ms, 95):.1f} "
            f"| {percentile(s.ms, 99):.1f} | {rps:.1f} | {embed:.1f} | {es:.1f} | {max(rest, 0):.1f} |"
        )

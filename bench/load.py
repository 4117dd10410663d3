"""`make bench-load`: mixed dev queries for a fixed time at concurrency 1, 8 and 32 against gunicorn.

An asyncio client on loopback, bounded in time and request count; reports requests/s and p50/p95/p99
per mode, 5xx, 503-shed (with Retry-After) and connection errors. It stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.latency import percentile
from bench.service_runner import running_service
from config.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
DEV_QUERIES = ROOT / "bench" / "dev_queries.jsonl"
MAX_REQUESTS = 200_000  # a hard bound besides the time limit


@dataclass
class ModeStats:
    ms: list[float] = field(default_factory=list)
    shed: int = 0  # 503 with Retry-After: the service refusing load on purpose
    server_errors: int = 0  # any other 5xx
    connection_errors: int = 0
    shed_without_retry_after: int = 0


def _workload() -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in DEV_QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    work = []
    for r in rows:
        if r["kind"] == "precedent":
            work.append(("similar", r["query"]))
        else:
            work += [(mode, r["query"]) for mode in ("hybrid", "keyword", "semantic")]
    return work


async def _client_loop(
    client: httpx.AsyncClient,
    work: itertools.cycle,
    deadline: float,
    stats: dict[str, ModeStats],
    budget: list[int],
) -> None:
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        mode, q = next(work)
        t0 = time.perf_counter()
        try:
            if mode == "similar":
                resp = await client.post("/api/similar", json={"text": q, "size": 10})
            else:
                resp = await client.get("/api/search", params={"q": q, "mode": mode, "size": 10})
        except httpx.HTTPError:
            stats[mode].connection_errors += 1
            continue
        s = stats[mode]
        s.ms.append((time.perf_counter() - t0) * 1000)
        if resp.status_code == 503:
            s.shed += 1
            s.shed_without_retry_after += "Retry-After" not in resp.headers
        elif resp.status_code >= 500:
            s.server_errors += 1


async def run_level(url: str, concurrency: int, seconds: float) -> tuple[dict[str, ModeStats], float]:
    stats: dict[str, ModeStats] = defaultdict(ModeStats)
    work = itertools.cycle(_workload())
    budget = [MAX_REQUESTS]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        t0 = time.monotonic()
        deadline = t0 + seconds
        await asyncio.gather(
            *(_client_loop(client, work, deadline, stats, budget) for _ in range(concurrency))
        )
        return stats, time.monotonic() - t0


def print_level(concurrency: int, stats: dict[str, ModeStats], wall: float) -> None:
    print(f"\n### concurrency {concurrency} ({wall:.0f} s)\n")
    print("| mode | requests | req/s | p50 ms | p95 ms | p99 ms | 503 shed | other 5xx | conn. errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for mode, s in sorted(stats.items()):
        print(
            f"| {mode} | {len(s.ms)} | {len(s.ms) / wall:.1f} | {percentile(s.ms, 50):.1f} | {percentile(s.ms, 95):.1f} "
            f"| {percentile(s.ms, 99):.1f} | {s.shed} | {s.server_errors} | {s.connection_errors} |"
        )
    total = sum(len(s.ms) for s in stats.values())
    print(f"\nall modes: {total / wall:.1f} req/s")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--corpus", type=Path, default=ROOT / "data" / "corpus")
    parser.add_argument("--url", help="a running service (default: start gunicorn over the indexed corpus)")
    args = parser.parse_args()
    print(f"# Load test {time.strftime('%Y-%m-%d %H:%M')}: {args.seconds:.0f} s per level, mixed dev queries")
    base = load_settings()
    settings = base.model_copy(update={"es": base.es.model_copy(update={"index": "bench-load"})})
    with running_service(settings, [args.corpus], args.url, production=True) as url:
        for level in args.levels:
            stats, wall = asyncio.run(run_level(url, level, args.seconds))
            print_level(level, stats, wall)


if __name__ == "__main__":
    main()

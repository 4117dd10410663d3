"""`make bench-flood`: do keyword searches stay fast while another client floods /api/similar with drafts?

One client (its own process, so its event loop does not slow the measuring one) posts 20,000-character
drafts at concurrency 8 for a bounded time, ignoring Retry-After; another sends plain keyword searches
at a steady pace (under the per-client request limit). Each round measures the keyword client unloaded,
during the flood and after it; rounds repeat on this shared host and the table reports their medians.

The two clients are told apart the way a deployment behind one proxy would: the service trusts one
proxy hop (SEARCH_SERVICE__TRUSTED_PROXIES=1) and each client sends its own X-Forwarded-For.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.latency import percentile
from bench.service_runner import running_service
from config.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
DEV_QUERIES = ROOT / "bench" / "dev_queries.jsonl"
DRAFT_CHARS = 20_000
FLOOD_CONCURRENCY = 8
FLOOD_MAX_REQUESTS = 20_000  # a hard bound besides the time
KEYWORD_INTERVAL = 0.2  # 5 searches/s: 300/min, half the default per-client limit
FLOOD_CLIENT, KEYWORD_CLIENT = "198.51.100.8", "198.51.100.9"  # documentation addresses (RFC 5737)


@dataclass
class Phase:
    ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)  # any status but 200, or a connection error


def drafts(count: int = 16) -> list[str]:
    """Drafts of DRAFT_CHARS characters cut from the sample corpus at different offsets (no two alike)."""
    whole = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "corpus").glob("*.txt")))
    whole = (whole * (1 + 2 * DRAFT_CHARS // max(1, len(whole))))[: len(whole) + DRAFT_CHARS]
    step = max(1, (len(whole) - DRAFT_CHARS) // count)
    return [whole[i * step : i * step + DRAFT_CHARS] for i in range(count)]


def keyword_queries() -> list[str]:
    rows = [json.loads(line) for line in DEV_QUERIES.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["query"] for r in rows if r["kind"] != "precedent"]


async def _flood(url: str, seconds: float) -> tuple[dict[str, int], list[float]]:
    texts = drafts()
    statuses: Counter[str] = Counter()
    ok_ms: list[float] = []
    sent = [0]
    deadline = time.monotonic() + seconds
    headers = {"X-Forwarded-For": FLOOD_CLIENT}

    async def worker(client: httpx.AsyncClient, n: int) -> None:
        while time.monotonic() < deadline and sent[0] < FLOOD_MAX_REQUESTS:
            text = texts[(sent[0] + n) % len(texts)]
            sent[0] += 1
            t0 = time.perf_counter()
            try:
                resp = await client.post("/api/similar", json={"text": text, "size": 10}, headers=headers)
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] += 1
                continue
            status = str(resp.status_code)
            if resp.status_code in (429, 503):
                status += " with Retry-After" if "Retry-After" in resp.headers else " WITHOUT Retry-After"
            statuses[status] += 1
            if resp.status_code == 200:
                ok_ms.append((time.perf_counter() - t0) * 1000)

    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        await asyncio.gather(*(worker(client, n) for n in range(FLOOD_CONCURRENCY)))
    return dict(statuses), ok_ms


def flood(url: str, seconds: float) -> tuple[dict[str, int], list[float]]:
    """The flooding client's whole run (called in a separate process)."""
    return asyncio.run(_flood(url, seconds))


def measure_keyword(client: httpx.Client, queries: list[str], seconds: float, start: int) -> Phase:
    """Keyword searches one at a time, one every KEYWORD_INTERVAL seconds, for `seconds`."""
    phase = Phase()
    deadline = time.monotonic() + seconds
    i = start
    while time.monotonic() < deadline:
        t0 = time.perf_counter()
        try:
            resp = client.get("/api/search", params={"q": queries[i % len(queries)], "mode": "keyword"})
        except httpx.HTTPError as exc:
            phase.errors[type(exc).__name__] += 1
        else:
            if resp.status_code == 200:
                phase.ms.append((time.perf_counter() - t0) * 1000)
            else:
                phase.errors[str(resp.status_code)] += 1
        i += 1
        time.sleep(max(0.0, KEYWORD_INTERVAL - (time.perf_counter() - t0)))
    return phase


def run(url: str, rounds: int, seconds: float) -> None:
    queries = keyword_queries()
    table: list[tuple[int, str, Phase]] = []
    flood_statuses: Counter[str] = Counter()
    flood_ok_ms: list[float] = []
    headers = {"X-Forwarded-For": KEYWORD_CLIENT}
    with httpx.Client(base_url=url, timeout=60, headers=headers) as client, ProcessPoolExecutor(1) as pool:
        measure_keyword(client, queries, 3, 0)  # warm-up, not counted
        for r in range(1, rounds + 1):
            table.append((r, "unloaded", measure_keyword(client, queries, seconds, 0)))
            flooding = pool.submit(flood, url, seconds + 2)
            time.sleep(2)  # the flood is under way before the keyword client measures
            table.append((r, "flood", measure_keyword(client, queries, seconds, 0)))
            statuses, ok_ms = flooding.result()
            flood_statuses.update(statuses)
            flood_ok_ms += ok_ms
            time.sleep(2)
            table.append((r, "after", measure_keyword(client, queries, seconds, 0)))
    print_table(table, flood_statuses, flood_ok_ms)


def print_table(table: list[tuple[int, str, Phase]], statuses: Counter[str], ok_ms: list[float]) -> None:
    print("\n| round | phase | keyword searches | p50 ms | p95 ms | errors |")
    print("|---|---|---:|---:|---:|---|")
    for r, name, phase in table:
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(phase.errors.items())) or "0"
        print(
            f"| {r} | {name} | {len(phase.ms)} | {percentile(phase.ms, 50):.1f} | {percentile(phase.ms, 95):.1f} | {errors} |"
        )
    medians = {
        name: (
            statistics.median(percentile(p.ms, 50) for _, n, p in table if n == name),
            statistics.median(percentile(p.ms, 95) for _, n, p in table if n == name),
        )
        for name in ("unloaded", "flood", "after")
    }
    print("\n| phase (median of rounds) | p50 ms | p95 ms | p50 / unloaded |")
    print("|---|---:|---:|---:|")
    for name, (p50, p95) in medians.items():
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {p50 / medians['unloaded'][0]:.2f}× |")
    failed = sum(sum(p.errors.values()) for _, _, p in table)
    print(f"\nkeyword errors in all phases: {failed}")
    print("flood answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    if ok_ms:
        print(
            f"flood drafts answered 200: p50 {percentile(ok_ms, 50):.0f} ms, p95 {percentile(ok_ms, 95):.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.flood", description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20, help="per phase (unloaded, flood, after)")
    parser.add_argument("--corpus", type=Path, default=ROOT / "data" / "corpus")
    parser.add_argument(
        "--url", help="a running service with SEARCH_SERVICE__TRUSTED_PROXIES=1 (default: start gunicorn)"
    )
    args = parser.parse_args()
    print(
        f"# Draft flood {time.strftime('%Y-%m-%d %H:%M')}: {args.rounds} rounds × {args.seconds:.0f} s per "
        f"phase; flood of {DRAFT_CHARS:,}-character drafts at concurrency {FLOOD_CONCURRENCY}"
    )
    base = load_settings()
    settings = base.model_copy(update={"es": base.es.model_copy(update={"index": "bench-flood"})})
    # The shipped limits (not the bench's usual "off"), one trusted proxy hop so the two clients differ.
    env = {
        "SEARCH_SERVICE__RATE_LIMIT_PER_MINUTE": str(base.service.rate_limit_per_minute),
        "SEARCH_SERVICE__EMBED_SEGMENTS_PER_MINUTE": str(base.service.embed_segments_per_minute),
        "SEARCH_SERVICE__TRUSTED_PROXIES": "1",
    }
    with running_service(settings, [args.corpus], args.url, production=True, env=env) as url:
        run(url, args.rounds, args.seconds)


if __name__ == "__main__":
    main()

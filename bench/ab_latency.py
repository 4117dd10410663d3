"""Two (or more) running services compared on the same host in one run, interleaved: each round runs every
mode on every service, alternating which service goes first, so a busy spell of the shared host falls on
all of them. Per round the p50 (and the server's own ES time); the table gives the median over rounds.

    python -m bench.ab_latency base=http://127.0.0.1:8520 new=http://127.0.0.1:8521 --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
from collections import defaultdict

from bench.latency import Sample, percentile, run_mode

MODES = ("keyword", "semantic", "hybrid")


def _row(s: Sample, concurrency: int) -> dict[str, float]:
    return {
        "p50": percentile(s.ms, 50),
        "p95": percentile(s.ms, 95),
        "es": statistics.median(s.es_ms) if s.es_ms else 0.0,
        "server": statistics.median(s.server_ms) if s.server_ms else 0.0,
        "rps": len(s.ms) / s.wall if s.wall else 0.0,
        "errors": float(s.errors),
    }


def measure(
    services: dict[str, str], modes: list[str], rounds: int, concurrency: int, passes: int
) -> dict[tuple[str, str], list[dict[str, float]]]:
    """(service, mode) -> one row per round."""
    out: dict[tuple[str, str], list[dict[str, float]]] = defaultdict(list)
    names = list(services)
    for r in range(rounds):
        order = names if r % 2 == 0 else names[::-1]
        for mode in modes:
            for name in order:
                sample = run_mode(services[name], mode, concurrency, passes)
                out[(name, mode)].append(_row(sample, concurrency))
    return out


def print_table(results: dict[tuple[str, str], list[dict[str, float]]], concurrency: int) -> None:
    print(f"\n### concurrency {concurrency}: median over rounds (p50 of each round listed)\n")
    print("| mode | service | p50 ms | p95 ms | ES ms | server ms | req/s | errors | p50 per round |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for (name, mode), rows in sorted(results.items(), key=lambda kv: (kv[0][1], kv[0][0])):

        def med(key: str, rows: list[dict[str, float]] = rows) -> float:
            return statistics.median(row[key] for row in rows)

        rounds = " ".join(f"{row['p50']:.1f}" for row in rows)
        errors = int(sum(row["errors"] for row in rows))
        print(
            f"| {mode} | {name} | {med('p50'):.1f} | {med('p95'):.1f} | {med('es'):.1f} "
            f"| {med('server'):.1f} | {med('rps'):.1f} | {errors} | {rounds} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ab_latency", description=__doc__)
    parser.add_argument("services", nargs="+", help="name=url")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--passes", type=int, default=2, help="passes over the dev queries per round")
    parser.add_argument("--modes", default=",".join(MODES))
    args = parser.parse_args()
    services = dict(s.split("=", 1) for s in args.services)
    results = measure(services, args.modes.split(","), args.rounds, args.concurrency, args.passes)
    print_table(results, args.concurrency)


if __name__ == "__main__":
    main()

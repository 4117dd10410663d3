"""`make bench-10x`: does search stay flat at 10x the corpus? The real-scale world (sample + regulations,
~22k passages) and ten copies of it (~220k passages: distinct ids, the real vectors plus small noise),
both on the configured node in the same run: build time, index size, heap and RSS, and latency per mode.

Run: python -m bench.tenx [--corpus data/corpus --corpus data/corpus-laws] [--copies 10] [--rounds 3]
Vectors come from the real model once and are cached (bench/tenx_data.py). Latency is measured through
the real service (one per index, concurrency 1) in interleaved rounds, 1x then 10x, and the medians of
the rounds' p50 and p95 are reported. The bench's indices are deleted afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
import uuid
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from analyzers.embed import load_embedder
from bench.latency import percentile, run_mode
from bench.service_runner import serving
from bench.tenx_data import CorpusDoc, copy_records, passage_texts, read_corpus, real_vectors
from config.settings import Settings, load_settings
from store.search_store import SearchStore

ROOT = Path(__file__).resolve().parent.parent
QUERY_FILES = (ROOT / "bench" / "dev_queries.jsonl", ROOT / "bench" / "scale_queries.jsonl")
MODES = ("keyword", "semantic", "hybrid")
TARGET_RATIO = 1.3  # issue 14: hybrid p50 at 10x <= 1.3x its value at 1x


@dataclass
class World:
    """One index of the run and what was measured on it."""

    name: str
    copies: int
    settings: Settings
    passages: int = 0
    build_s: float = 0.0
    merge_s: float = 0.0
    stats: dict[str, float] = field(default_factory=dict)
    p50: dict[str, list[float]] = field(default_factory=dict)  # per mode, one value per round
    p95: dict[str, list[float]] = field(default_factory=dict)
    es: dict[str, list[float]] = field(default_factory=dict)  # the server's median ES time per round


def judged_queries() -> list[str]:
    """The judged query texts of the dev and scale sets (precedent drafts excluded), each once."""
    texts: list[str] = []
    for path in QUERY_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else None
            if row and row["kind"] != "precedent" and row["query"] not in texts:
                texts.append(row["query"])
    return texts


def build(world: World, docs: Sequence[CorpusDoc], vectors: np.ndarray, model: tuple[str, int]) -> None:
    """Write `world.copies` copies through the store's bulk path into a new version of the world's alias,
    then merge it to one segment and publish it, as `indexer build` does."""
    store = SearchStore(world.settings.es)
    try:
        started = time.perf_counter()
        index = store.create_index(*model)
        for copy in range(world.copies):
            world.passages += store.write(index, copy_records(docs, vectors, copy)) - len(docs)
            print(f"  {world.name}: copy {copy + 1}/{world.copies} written", file=sys.stderr, flush=True)
        store.refresh(index)
        merging = time.perf_counter()
        store.optimize(index)
        store.publish(index, keep_previous=0)
        world.merge_s = time.perf_counter() - merging
        world.build_s = time.perf_counter() - started
    finally:
        store.close()


def node_stats(world: World) -> dict[str, float]:
    """Index size, segments and vector bytes of the world's index; heap used and RSS of the whole node
    (RSS from /proc: the node must run on this machine; 0 otherwise)."""
    store = SearchStore(world.settings.es)
    try:
        es = store.client
        index = store.live_index() or world.settings.es.index
        stats = es.indices.stats(index=index, metric=["store", "segments"])["_all"]["primaries"]
        with warnings.catch_warnings():  # _disk_usage is a technical preview; it is what we need here
            warnings.simplefilter("ignore")
            usage = es.indices.disk_usage(index=index, run_expensive_tasks=True)[index]
        node = next(iter(es.nodes.stats(node_id="_local", metric="jvm")["nodes"].values()))
        pid = next(iter(es.nodes.info(node_id="_local", metric="process")["nodes"].values()))["process"]["id"]
    finally:
        store.close()
    return {
        "disk_bytes": float(stats["store"]["size_in_bytes"]),
        "segments": float(stats["segments"]["count"]),
        "knn_bytes": float(usage["fields"].get("vector", {}).get("knn_vectors_in_bytes", 0)),
        "heap_bytes": float(node["jvm"]["mem"]["heap_used_in_bytes"]),
        "rss_bytes": float(_rss(int(pid))),
    }


def _rss(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def measure_round(world: World, url: str, queries: list[str]) -> None:
    for mode in MODES:
        sample = run_mode(url, mode, 1, 1, queries)
        if sample.errors:
            raise RuntimeError(f"{world.name} {mode}: {sample.errors} requests failed")
        world.p50.setdefault(mode, []).append(percentile(sample.ms, 50))
        world.p95.setdefault(mode, []).append(percentile(sample.ms, 95))
        world.es.setdefault(mode, []).append(statistics.median(sample.es_ms) if sample.es_ms else 0.0)


def report(worlds: Sequence[World], rounds: int, queries: int) -> None:
    mb = 1024 * 1024
    print(f"\n## 10x scale ({rounds} interleaved rounds x {queries} queries per mode, concurrency 1)\n")
    print(
        "| index | passages | build s (merge s) | segments | disk MB | vectors MB | heap MB | node RSS MB "
        + "".join(f"| {m} p50 / p95 (ES) ms " for m in MODES)
        + "|"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:" + "|---:" * len(MODES) + "|")
    for w in worlds:
        s = w.stats
        cells = "".join(
            f"| {statistics.median(w.p50[m]):.1f} / {statistics.median(w.p95[m]):.1f} "
            f"({statistics.median(w.es[m]):.1f}) "
            for m in MODES
        )
        print(
            f"| {w.name} | {w.passages} | {w.build_s:.0f} ({w.merge_s:.0f}) | {s['segments']:.0f} "
            f"| {s['disk_bytes'] / mb:.0f} | {s['knn_bytes'] / mb:.0f} | {s['heap_bytes'] / mb:.0f} "
            f"| {s['rss_bytes'] / mb:.0f} {cells}|"
        )
    small, big = worlds[0], worlds[-1]
    ratio = statistics.median(big.p50["hybrid"]) / statistics.median(small.p50["hybrid"])
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"\nhybrid p50 {big.name} / {small.name}: {ratio:.2f}x (target <= {TARGET_RATIO}x: {verdict})")
    grown = {k: (big.stats[k] - small.stats[k]) / mb for k in ("rss_bytes", "heap_bytes")}
    print(
        f"vector files (vectors + HNSW graph, what kNN wants in the page cache): "
        f"{big.stats['knn_bytes'] / big.passages * 1e6 / mb:.0f} MB per million vectors; from "
        f"{small.name} to {big.name} node RSS grew {grown['rss_bytes']:.0f} MB and heap used "
        f"{grown['heap_bytes']:.0f} MB (RSS counts heap pages as the JVM first touches them, and heap "
        "used is a snapshot between collections: neither scales per vector)"
    )


def _world(base: Settings, name: str, copies: int, alias: str) -> World:
    es = base.es.model_copy(update={"index": alias})
    return World(name, copies, base.model_copy(update={"es": es}))


@contextlib.contextmanager
def _services(worlds: Sequence[World], ports: Sequence[int]) -> Iterator[list[str]]:
    with contextlib.ExitStack() as stack:
        yield [
            stack.enter_context(serving(w.settings, port=p or None, production=True))
            for w, p in zip(worlds, ports, strict=True)
        ]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tenx", description=__doc__)
    parser.add_argument("--corpus", type=Path, action="append")
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians reported)")
    parser.add_argument("--ports", type=int, nargs=2, default=(0, 0), help="service ports (0: any free)")
    parser.add_argument("--keep", action="store_true", help="keep the bench's indices")
    args = parser.parse_args()
    corpora = args.corpus or [ROOT / "data" / "corpus", ROOT / "data" / "corpus-laws"]
    base = load_settings()
    run = f"bench10x-{uuid.uuid4().hex[:8]}"
    worlds = [_world(base, "1x", 1, f"{run}-1x"), _world(base, f"{args.copies}x", args.copies, f"{run}-10x")]
    print(f"# 10x scale bench {time.strftime('%Y-%m-%d %H:%M')} (node {base.es.url}, aliases {run}-*)")
    embedder = load_embedder(base.model)
    docs = read_corpus(base, corpora, embedder.model_name)
    texts = passage_texts(docs)
    vectors = real_vectors(texts, embedder, base.model.backend, base.indexer.embed_chunk_passages)
    model = (embedder.model_name, embedder.dims)
    del embedder
    queries = judged_queries()
    try:
        for w in worlds:  # stats after each build: the node holds only the smaller index at first
            build(w, docs, vectors, model)
            with _services([w], [0]) as (url,):
                measure_round(World(w.name, 0, w.settings), url, queries)  # warm-up, not counted
            w.stats = node_stats(w)
        with _services(worlds, args.ports) as urls:
            for _ in range(args.rounds):
                for w, url in zip(worlds, urls, strict=True):
                    measure_round(w, url, queries)
        report(worlds, args.rounds, len(queries))
    finally:
        if not args.keep:
            _delete(base, run)


def _delete(base: Settings, run: str) -> None:
    store = SearchStore(base.es)
    try:
        for index in store.client.indices.get(index=f"{run}*", expand_wildcards="all"):
            store.client.options(ignore_status=404).indices.delete(index=index)
    finally:
        store.close()


if __name__ == "__main__":
    main()

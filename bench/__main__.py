"""`make bench`: indexing throughput (end to end vs the model's raw rate) and query latency per mode.

Run: python -m bench --corpus data/corpus [--corpus data/corpus-laws] [--rounds 5]
Everything runs against a throw-away alias on the local node, deleted afterwards.
"""

from __future__ import annotations

import argparse
import time
import uuid
from pathlib import Path

from analyzers.embed import load_embedder
from analyzers.passages import split_passages
from analyzers.segment import Segmenter
from bench.embedding import measure_throughput
from bench.latency import measure_latency, print_latency
from bench.service_runner import running_service
from config.settings import Settings, load_settings
from indexer.pipeline import Pipeline
from indexer.report import Report
from indexer.sources import iter_source_files, read_documents
from store.search_store import SearchStore


def _sample_passages(corpus: list[Path], settings: Settings) -> list[str]:
    """Real passages cut the way the indexer cuts them, spread evenly over the whole corpus (passage
    length sets the embedding cost, and files differ a lot), for the model's raw embedding rate: as many
    as the indexer embeds at once, since the embedder sorts each chunk by length to save padding."""
    n = settings.indexer.embed_chunk_passages
    texts: list[str] = []
    for root in corpus:
        folder = root if root.is_dir() else root.parent
        for path in iter_source_files([root]):
            for doc in read_documents(path, folder, settings.indexer.max_file_bytes):
                texts += [p.text for p in split_passages(doc)]
    step = max(1, len(texts) // n)
    return texts[::step][:n]


def bench_indexing(settings: Settings, corpus: list[Path]) -> Report:
    embedder = load_embedder(settings.model)
    store = SearchStore(settings.es)
    raw = measure_throughput(embedder, _sample_passages(corpus, settings))
    report = Pipeline(settings, store, embedder, Segmenter(settings.analyzer)).build(corpus)
    store.close()
    ratio = report.passages_per_second / raw if raw else 0.0
    print(
        f"\n## Indexing ({', '.join(str(c) for c in corpus)}; model {embedder.model_name}, "
        f"backend {settings.model.backend})\n"
    )
    print(
        "| documents | passages | wall time (s) | passages/s end to end | raw embedding passages/s | end-to-end / raw |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {report.documents} | {report.passages} | {report.seconds:.1f} | {report.passages_per_second:.1f} "
        f"| {raw:.1f} | {ratio:.0%} |"
    )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--corpus", type=Path, action="append", required=True)
    parser.add_argument("--rounds", type=int, default=5, help="passes over the dev queries per mode")
    args = parser.parse_args()
    alias = f"bench-{uuid.uuid4().hex[:8]}"
    base = load_settings()
    settings = base.model_copy(update={"es": base.es.model_copy(update={"index": alias})})
    print(f"# Benchmarks {time.strftime('%Y-%m-%d %H:%M')} (alias {alias})")
    try:
        bench_indexing(settings, args.corpus)
        # Latency under concurrency, drafts included: the shipped admission (one draft embedded at a time on
        # the machine, 503 at once for the next: `make bench-flood` measures it) would turn the similar
        # row at concurrency 8 into refusals, so here every request is admitted and queues on the cores.
        admit_all = {"SEARCH_SERVICE__MAX_CONCURRENT_EMBEDDINGS": "8"}
        with running_service(settings, args.corpus, production=True, env=admit_all) as url:
            print_latency(measure_latency(url, rounds=args.rounds))
    finally:
        store = SearchStore(settings.es)
        # Exact names: Elasticsearch 8 refuses wildcard deletes.
        for index in store.client.indices.get(index=f"{alias}*", expand_wildcards="all"):
            store.client.options(ignore_status=404).indices.delete(index=index)
        store.close()


if __name__ == "__main__":
    main()

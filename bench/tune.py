"""Ranking settings chosen by cross-validation: the judged queries run in-process through the Searcher (no
HTTP) over an already indexed world (read-only), under named configurations of the ranking constants.

Tuning set = dev + scale queries (bench/dev_queries.jsonl, bench/scale_queries.jsonl), in folds stratified
by kind; each fold's setting is the one with the best mean nDCG@10 over the other folds, scored on the fold
left out. The held-out set is never tuned on: `--heldout` only reports it for the configurations named.

Run: python -m bench.tune [--configs a,b] [--explain] [--heldout]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from analyzers.embed import Embedder, load_embedder
from bench.documents import all_documents, corpus_documents
from bench.eval import (
    DEV_QUERIES,
    HELDOUT_QUERIES,
    POOLED_JUDGMENTS,
    SAMPLE,
    SCALE_QUERIES,
    Query,
    load_queries,
)
from bench.metrics import grades_of, ndcg, success_at_1
from config.settings import load_settings
from search import evidence, fusion, similar
from search.results import SearchParams
from search.searcher import Searcher, build_searcher
from store import queries
from store.search_store import SearchStore

# name -> {module.CONSTANT: value}: the settings compared ("baseline" is today's ranking: the code's constants)
Overrides = dict[tuple[Any, str], Any]


def _doc(keyword: float, question: float, **more: float) -> Overrides:
    """Whole-document evidence weights (search/evidence.py), and any of its other constants."""
    overrides: Overrides = {
        (evidence, "KEYWORD_DOCUMENT_WEIGHT"): keyword,
        (evidence, "QUESTION_DOCUMENT_WEIGHT"): question,
    }
    return overrides | {(evidence, name): value for name, value in more.items()}


def _similar(weight: float, qtf: float, **more: float) -> Overrides:
    """Precedents (search/similar.py): whole-document evidence weight, draft term-count power, others."""
    overrides: Overrides = {(similar, "DOCUMENT_WEIGHT"): weight, (similar, "QUERY_TF_POWER"): qtf}
    return _doc(0.4, 0.4) | overrides | {(similar, name): value for name, value in more.items()}


CONFIGS: dict[str, Overrides] = {
    "baseline": {},
    "evidence-off": _doc(0.0, 0.0),
    # round 1: whole-document evidence (search/evidence.py), by query shape, saturation and length
    **{f"doc{k}/{q}": _doc(k, q) for k in (0.0, 0.2, 0.4) for q in (0.3, 0.4, 0.5, 0.6)},
    **{f"doc0.4/0.4-b{b}": _doc(0.4, 0.4, B=b) for b in (0.3, 0.75, 0.9)},
    **{f"doc0.4/0.4-k{k1}": _doc(0.4, 0.4, K1=k1) for k1 in (0.6, 2.0)},
    # round 2: with the evidence chosen, the fusion weights (search/fusion.py) and the re-ranked depth
    **{
        f"fuse{kw[0]}/{qw[0]}": _doc(0.4, 0.4)
        | {(fusion, "KEYWORD_WEIGHTS"): kw, (fusion, "QUESTION_WEIGHTS"): qw}
        for kw in ((0.5, 0.5), (0.6, 0.4), (0.7, 0.3))
        for qw in ((0.35, 0.65), (0.5, 0.5))
    },
    **{f"depth{d}": _doc(0.4, 0.4, RERANK_DEPTH=d) for d in (10, 20, 50)},
    # round 3: precedents (search/similar.py), the share of the draft's frequent terms in their score
    **{f"similar{w}": _doc(0.4, 0.4) | {(similar, "KEYWORD_WEIGHT"): w} for w in (0.1, 0.3, 0.5)},
    # round 4: precedents re-ranked with the whole-document evidence of the draft's frequent terms: its
    # weight, the draft's term counts (power 0: each term once; 1: as often as the draft says it, as a BM25
    # of the whole draft does), length normalisation; 60 terms; depth
    "simdoc-off": {(similar, "DOCUMENT_WEIGHT"): 0.0},  # the precedents' ranking before round 4
    **{
        f"simdoc{w}-qtf{p}-b{b}": _similar(w, p, DOCUMENT_B=b)
        for w in (0.2, 0.4, 0.6, 0.8)
        for p in (0.0, 1.0)
        for b in (0.3, 0.75)
    },
    "simdoc0.6-qtf1.0-b0.75-terms60": _similar(0.6, 1.0, DOCUMENT_B=0.75, TERMS=60),
    "simdoc0.6-qtf1.0-b0.75-depth50": _similar(0.6, 1.0, DOCUMENT_B=0.75, DOCUMENT_DEPTH=50),
    # speed (issue 14): the collapsed passage kNN's HNSW candidates per neighbour (store/queries.py)
    **{f"knn-candidates{f}": {(queries, "KNN_CANDIDATES_PER_K"): f} for f in (1.0, 1.5, 2.0)},
}

FOLDS = 5


class CachedEmbedder:
    """The world's model, each query embedded once for all configurations."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_name: str = getattr(inner, "model_name", "")
        self.dims: int = getattr(inner, "dims", 0)
        self.embed_query = lru_cache(maxsize=None)(self._embed_query)

    def _embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_passages(texts)


@contextlib.contextmanager
def applied(overrides: Overrides) -> Iterator[None]:
    old = {key: getattr(*key) for key in overrides}
    try:
        for (module, name), value in overrides.items():
            setattr(module, name, value)
        yield
    finally:
        for (module, name), value in old.items():
            setattr(module, name, value)


def ranking(searcher: Searcher, q: Query, mode: str) -> list[str]:
    """Doc ids of the top 10, as the service ranks them (precedents through similar)."""
    if q.kind == "precedent":
        return [p.doc_id for p in searcher.similar(text=q.text, size=10).hits]
    return [h.doc_id for h in searcher.search(SearchParams(q.text, mode=mode, size=10)).hits]


Scorer = Callable[[Query, list[str]], tuple[float, float]]


def scorer(texts: dict[str, str]) -> Scorer:
    def score(q: Query, ids: list[str]) -> tuple[float, float]:
        gains = grades_of([texts[i] for i in ids], q.judged, list(ids))
        return ndcg(gains, q.judged), success_at_1(gains)

    return score


def by_kind(rows: dict[str, float], queries: list[Query]) -> dict[str, float]:
    kinds: dict[str, list[float]] = defaultdict(list)
    for q in queries:
        kinds[q.kind].append(rows[q.id])
        kinds["all"].append(rows[q.id])
    return {k: statistics.fmean(v) for k, v in kinds.items()}


def folds_of(queries: list[Query], n: int = FOLDS) -> list[set[str]]:
    """Stratified by kind: each kind's queries dealt round-robin (in file order) over the folds."""
    folds: list[set[str]] = [set() for _ in range(n)]
    for i, q in enumerate(sorted(queries, key=lambda q: q.kind)):  # stable: file order within a kind
        folds[i % n].add(q.id)
    return folds


def cross_validate(
    scores: dict[str, dict[str, float]], queries: list[Query], reference: str = "baseline"
) -> None:
    """scores: config -> query id -> nDCG@10. Prints each fold's chosen config and its left-out score, and
    the reference's (ties go to it)."""
    print(
        f"\n| fold | queries | chosen | train nDCG@10 | left-out nDCG@10 (chosen) | left-out ({reference}) |"
    )
    print("|---|---|---|---|---|---|")
    chosen_scores, base_scores = [], []
    for i, fold in enumerate(folds_of(queries)):
        train = [q.id for q in queries if q.id not in fold]
        best = max(scores, key=lambda c: (statistics.fmean(scores[c][t] for t in train), c == reference))
        train_score = statistics.fmean(scores[best][t] for t in train)
        test = statistics.fmean(scores[best][t] for t in fold)
        base = statistics.fmean(scores[reference][t] for t in fold)
        chosen_scores += [scores[best][t] for t in fold]
        base_scores += [scores[reference][t] for t in fold]
        print(f"| {i + 1} | {len(fold)} | {best} | {train_score:.3f} | {test:.3f} | {base:.3f} |")
    print(
        f"| all | {len(queries)} | (per fold) | | {statistics.fmean(chosen_scores):.3f} |"
        f" {statistics.fmean(base_scores):.3f} |"
    )


def table(title: str, results: dict[str, dict[str, float]]) -> None:
    kinds = sorted({k for r in results.values() for k in r if k != "all"}) + ["all"]
    print(f"\n{title}\n| config | " + " | ".join(kinds) + " |")
    print("|---|" + "---|" * len(kinds))
    for name, row in results.items():
        print(f"| {name} | " + " | ".join(f"{row.get(k, 0):.3f}" for k in kinds) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tune", description=__doc__)
    parser.add_argument("--index", default="eval-scale", help="the (read-only) alias to rank over")
    parser.add_argument("--configs", help="comma-separated names (default: all)")
    parser.add_argument("--mode", default="hybrid")
    parser.add_argument("--heldout", action="store_true", help="also report the held-out set (never tuned)")
    parser.add_argument("--kinds", help="comma-separated query kinds to run (default: all; for a quick look)")
    parser.add_argument("--reference", default="baseline", help="the config CV compares with (ties: it)")
    parser.add_argument("--per-query", action="store_true", help="each tuning query's nDCG@10 per config")
    parser.add_argument("--explain", action="store_true", help="each query's top 3 and grades, per config")
    args = parser.parse_args()
    settings = load_settings()
    settings = settings.model_copy(update={"es": settings.es.model_copy(update={"index": args.index})})
    docs = all_documents()
    store = SearchStore(settings.es)
    # the scale world (the sample and the regulations), or the sample alone when ranking over eval-sample
    sample = args.index.startswith("eval-sample")
    world = {d.doc_id for d in corpus_documents(SAMPLE)} if sample else set(docs)
    texts = {i: d.title + "\n" + d.text for i, d in docs.items()}
    searcher = build_searcher(settings, store, CachedEmbedder(load_embedder(settings.model)))
    tuned = (DEV_QUERIES,) if sample else (DEV_QUERIES, SCALE_QUERIES)  # scale queries need the regulations
    tuning = [q for p in tuned for q in load_queries(p, POOLED_JUDGMENTS, world)]
    heldout = load_queries(HELDOUT_QUERIES, POOLED_JUDGMENTS, world) if args.heldout else []
    if args.kinds:
        kinds = set(args.kinds.split(","))
        tuning, heldout = [q for q in tuning if q.kind in kinds], [q for q in heldout if q.kind in kinds]
    names = args.configs.split(",") if args.configs else list(CONFIGS)
    score = scorer(texts)
    ndcgs: dict[str, dict[str, float]] = {}
    s1: dict[str, dict[str, float]] = {}
    for name in names:
        ndcgs[name], s1[name] = {}, {}
        with applied(CONFIGS[name]):
            for q in tuning + heldout:
                ids = ranking(searcher, q, args.mode)
                ndcgs[name][q.id], s1[name][q.id] = score(q, ids)
                if args.explain and q not in heldout and ndcgs[name][q.id] < 0.9:
                    grades = grades_of([texts[i] for i in ids], q.judged, list(ids))
                    tops = ", ".join(
                        f"{docs[i].title[:24]}({g})" for i, g in zip(ids[:4], grades, strict=False)
                    )
                    print(f"{name} {q.id} {q.kind} {ndcgs[name][q.id]:.3f} {q.text[:30]!r}: {tops}")
    if args.per_query:
        print("\n| query | kind | " + " | ".join(names) + " |\n|---|---|" + "---|" * len(names))
        for q in tuning:
            print(f"| {q.id} | {q.kind} | " + " | ".join(f"{ndcgs[n][q.id]:.3f}" for n in names) + " |")
    table("dev + scale sets (tuning), nDCG@10", {n: by_kind(ndcgs[n], tuning) for n in names})
    table("dev + scale sets (tuning), Success@1", {n: by_kind(s1[n], tuning) for n in names})
    if args.reference in names and len(names) > 1:
        cross_validate({n: ndcgs[n] for n in names}, tuning, args.reference)
    if heldout:
        table("held-out set (never tuned on), nDCG@10", {n: by_kind(ndcgs[n], heldout) for n in names})
        table("held-out set, Success@1", {n: by_kind(s1[n], heldout) for n in names})
    store.close()


if __name__ == "__main__":
    main()

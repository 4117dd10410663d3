"""`make eval`: the judged dev queries against our service (each mode) and stock Elasticsearch, side by side.

Stock Elasticsearch = the same documents in one index with the `standard` analyzer and one with `cjk`,
queried with a plain multi_match over title and text: what a site search gets out of the box.
Precedent queries go through /api/similar (and a plain multi_match of the draft for stock).
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import metrics
from bench.service_runner import running_service
from bench.stock import StockIndex
from config.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
DEV_QUERIES = ROOT / "bench" / "dev_queries.jsonl"
# Our own judged queries, written blind to the ranking code and never tuned on: a check that what the dev
# set's tuning gained holds for queries it was not tuned on.
HELDOUT_QUERIES = ROOT / "bench" / "heldout_queries.jsonl"
# Judged over the sample and the regulations together (data/corpus + data/corpus-laws), written blind to the
# ranking code: queries where national regulations are often the answer. Needs both corpora indexed.
SCALE_QUERIES = ROOT / "bench" / "scale_queries.jsonl"
MODES = ("hybrid", "keyword", "semantic")
METRICS = ("nDCG@10", "Recall@10", "MRR", "Success@1", "Answer@1")


@dataclass(frozen=True)
class Query:
    id: str
    kind: str
    text: str
    judged: tuple[metrics.Judged, ...]


@dataclass(frozen=True)
class Ranked:
    texts: list[str]  # full text of each returned document, best first
    first_passage: str | None  # the top hit's first passage (None where the system has no passages)


def load_queries(path: Path) -> list[Query]:
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            judged = tuple(
                metrics.Judged(r["title"], tuple(r["keys"]), int(r["grade"])) for r in raw["relevant"]
            )
            queries.append(Query(raw["id"], raw["kind"], raw["query"], judged))
    return queries


def score(query: Query, ranked: Ranked) -> dict[str, float | None]:
    gains = metrics.grades_of(ranked.texts, query.judged)
    answer = None
    if query.kind == "question" and ranked.first_passage is not None:
        answer = metrics.answer_at_1(ranked.first_passage, query.judged)
    return {
        "nDCG@10": metrics.ndcg(gains, query.judged),
        "Recall@10": metrics.recall(gains, query.judged),
        "MRR": metrics.reciprocal_rank(gains),
        "Success@1": metrics.success_at_1(gains),
        "Answer@1": answer,
    }


class ServiceSystem:
    """Our service over HTTP; document texts are fetched once and cached."""

    def __init__(self, base_url: str, mode: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=60)
        self.mode = mode
        self._texts: dict[str, str] = {}

    def run(self, query: Query) -> Ranked:
        if query.kind == "precedent":
            resp = self.http.post("/api/similar", json={"text": query.text, "size": 10})
        else:
            resp = self.http.get("/api/search", params={"q": query.text, "mode": self.mode, "size": 10})
        resp.raise_for_status()
        hits = resp.json()["hits"]
        first = hits[0]["passages"][0]["text"] if hits and hits[0].get("passages") else ""
        return Ranked([self._text(h["doc_id"]) for h in hits], first)

    def _text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            resp = self.http.get(f"/api/documents/{doc_id}")
            resp.raise_for_status()
            body = resp.json()
            self._texts[doc_id] = body["title"] + "\n" + body["text"]
        return self._texts[doc_id]


def evaluate(run: Callable[[Query], Ranked], queries: list[Query]) -> dict[str, dict[str, float | None]]:
    """Mean of each metric per query kind and overall."""
    per_kind: dict[str, list[dict[str, float | None]]] = defaultdict(list)
    for q in queries:
        s = score(q, run(q))
        per_kind[q.kind].append(s)
        per_kind["all"].append(s)
    return {kind: _means(rows) for kind, rows in per_kind.items()}


def _means(rows: list[dict[str, float | None]]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for m in METRICS:
        values = [r[m] for r in rows if r[m] is not None]
        out[m] = statistics.fmean(values) if values else None  # type: ignore[arg-type]
    return out


def print_tables(results: dict[str, dict[str, dict[str, float | None]]]) -> None:
    kinds = sorted({k for r in results.values() for k in r if k != "all"}) + ["all"]
    for m in METRICS:
        print(f"\n{m}")
        print("| system | " + " | ".join(kinds) + " |")
        print("|---|" + "---|" * len(kinds))
        for system, per_kind in results.items():
            cells = []
            for kind in kinds:
                value = per_kind.get(kind, {}).get(m)
                cells.append("—" if value is None else f"{value:.3f}")
            print(f"| {system} | " + " | ".join(cells) + " |")


def _stock_runner(stock: StockIndex) -> Callable[[Query], Ranked]:
    def run(query: Query) -> Ranked:
        return Ranked(stock.search(query.text), None)  # whole documents: no passage to judge Answer@1

    return run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.eval", description=__doc__)
    parser.add_argument(
        "--queries",
        type=Path,
        action="append",
        help="a judged query set (repeatable; default: dev and held-out)",
    )
    parser.add_argument("--corpus", type=Path, default=ROOT / "data" / "corpus")
    parser.add_argument("--url", help="a running service (default: build the index if needed, start one)")
    args = parser.parse_args()
    settings = load_settings()
    query_sets = {path: load_queries(path) for path in args.queries or [DEV_QUERIES, HELDOUT_QUERIES]}
    results: dict[Path, dict[str, dict[str, dict[str, float | None]]]] = {path: {} for path in query_sets}
    with running_service(settings, args.corpus, args.url) as base_url:
        for mode in MODES:
            for path, queries in query_sets.items():
                results[path][f"ours: {mode}"] = evaluate(ServiceSystem(base_url, mode).run, queries)
    for analyzer in ("standard", "cjk"):
        with StockIndex(settings.es, analyzer, args.corpus) as stock:
            for path, queries in query_sets.items():
                results[path][f"stock ES: {analyzer}"] = evaluate(_stock_runner(stock), queries)
    for path, queries in query_sets.items():
        print(f"\n## {len(queries)} judged queries from {path}")
        print_tables(results[path])


if __name__ == "__main__":
    main()

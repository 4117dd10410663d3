"""`make eval`: the judged queries against our service (each mode) and stock Elasticsearch, side by side,
in two worlds: the 63-document sample, and the sample plus the 683 regulations (746 documents), where
ranking is won or lost.

Stock Elasticsearch = the same documents in one index with the `standard` analyzer and one with `cjk`,
queried with a plain multi_match over title and text: what a site search gets out of the box.
Precedent queries go through /api/similar (and a plain multi_match of the draft for stock).
Judgments = each query set's own, plus the pooled judgments (bench/pooled_judgments.jsonl: documents that
reached some system's top 10, judged by reading them; a question's relevant ones may quote the sentences
that answer it, `answers`, which Answer@1 credits on that document's own passages); each system's unjudged
share of its top 10 is reported, and `--pool FILE` writes the pooled documents still unjudged, to be judged.
The scale world ends with issue 12's rows, docnum-at-scale and versions (bench/policy_eval.py).
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
from bench.documents import corpus_documents
from bench.policy_eval import policy_rows, print_policy_rows
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
POOLED_JUDGMENTS = ROOT / "bench" / "pooled_judgments.jsonl"
SAMPLE = ROOT / "data" / "corpus"
LAWS = ROOT / "data" / "corpus-laws"
# world -> (corpus folders, the alias our service reads there, the query sets judged in it)
WORLDS: dict[str, tuple[tuple[Path, ...], str, tuple[Path, ...]]] = {
    "sample": ((SAMPLE,), "eval-sample", (DEV_QUERIES, HELDOUT_QUERIES)),
    "scale": ((SAMPLE, LAWS), "eval-scale", (DEV_QUERIES, HELDOUT_QUERIES, SCALE_QUERIES)),
}
MODES = ("hybrid", "keyword", "semantic")
# "nDCG@10, versions as one": a regulation's versions count as one work (bench.metrics.ndcg_by_work).
METRICS = ("nDCG@10", "nDCG@10, versions as one", "Recall@10", "MRR", "Success@1", "Answer@1", "unjudged@10")


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
    doc_ids: list[str | None]  # the same documents' ids (ours and stock share them)
    titles: list[str]


def load_queries(path: Path, pooled: Path | None = None, world: set[str] | None = None) -> list[Query]:
    """A judged query set, with the pooled judgments of its queries added when `pooled` is given (only
    those of documents in `world`, when given: a document a world lacks cannot count in its ideal)."""
    extra: dict[str, list[metrics.Judged]] = defaultdict(list)
    if pooled is not None and pooled.is_file():
        for line in pooled.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                if world is None or r["doc_id"] in world:
                    # a question's relevant document may carry its answer sentences (for Answer@1)
                    answers = r.get("answers", [])
                    if not isinstance(answers, list):  # a bare string would match by its characters
                        raise ValueError(f"{pooled}: answers of {r['query']}/{r['doc_id']} must be a list")
                    extra[r["query"]].append(
                        metrics.Judged(r["title"], tuple(answers), int(r["grade"]), r["doc_id"])
                    )
    queries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            judged = tuple(
                metrics.Judged(r["title"], tuple(r["keys"]), int(r["grade"])) for r in raw["relevant"]
            )
            queries.append(Query(raw["id"], raw["kind"], raw["query"], judged + tuple(extra[raw["id"]])))
    return queries


def score(query: Query, ranked: Ranked) -> dict[str, float | None]:
    gains = metrics.grades_of(ranked.texts, query.judged, ranked.doc_ids)
    answer = None
    if query.kind == "question" and ranked.first_passage is not None:
        top = ranked.doc_ids[0] if ranked.doc_ids else None
        answer = metrics.answer_at_1(ranked.first_passage, query.judged, top)
    return {
        "nDCG@10": metrics.ndcg(gains, query.judged),
        "nDCG@10, versions as one": metrics.ndcg_by_work(ranked.texts, query.judged, ranked.doc_ids),
        "Recall@10": metrics.recall(gains, query.judged),
        "MRR": metrics.reciprocal_rank(gains),
        "Success@1": metrics.success_at_1(gains),
        "Answer@1": answer,
        "unjudged@10": float(metrics.unjudged(ranked.texts, query.judged, ranked.doc_ids)) / 10,
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
        ids = [h["doc_id"] for h in hits]
        return Ranked([self._text(i) for i in ids], first, list(ids), [h["title"] for h in hits])

    def _text(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            resp = self.http.get(f"/api/documents/{doc_id}")
            resp.raise_for_status()
            body = resp.json()
            self._texts[doc_id] = body["title"] + "\n" + body["text"]
        return self._texts[doc_id]


# (query id, doc_id) -> what a judge needs to find and read the document
Pool = dict[tuple[str, str], dict[str, str]]


def evaluate(
    run: Callable[[Query], Ranked], queries: list[Query], pool: Pool | None = None
) -> dict[str, dict[str, float | None]]:
    """Mean of each metric per query kind and overall; unjudged top-10 documents go into `pool`."""
    per_kind: dict[str, list[dict[str, float | None]]] = defaultdict(list)
    for q in queries:
        ranked = run(q)
        s = score(q, ranked)
        per_kind[q.kind].append(s)
        per_kind["all"].append(s)
        if pool is not None:
            for text, doc_id, title in list(zip(ranked.texts, ranked.doc_ids, ranked.titles, strict=True))[
                :10
            ]:
                if doc_id and metrics.judged_index(text, q.judged, doc_id) is None:
                    pool[(q.id, doc_id)] = {
                        "query": q.id,
                        "kind": q.kind,
                        "text": q.text,
                        "doc_id": doc_id,
                        "title": title,
                    }
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
        docs = stock.search(query.text)
        # whole documents: no passage to judge Answer@1
        return Ranked([d.text for d in docs], None, [d.doc_id for d in docs], [d.title for d in docs])

    return run


def run_world(world: str, query_paths: list[Path] | None, url: str | None, pool: Pool | None) -> None:
    corpora, alias, default_sets = WORLDS[world]
    settings = load_settings()
    settings = settings.model_copy(update={"es": settings.es.model_copy(update={"index": alias})})
    world_docs = [d for corpus in corpora for d in corpus_documents(corpus)]
    world_ids = {d.doc_id for d in world_docs}
    query_sets = {
        path: load_queries(path, POOLED_JUDGMENTS, world_ids) for path in query_paths or default_sets
    }
    results: dict[Path, dict[str, dict[str, dict[str, float | None]]]] = {path: {} for path in query_sets}
    with running_service(settings, list(corpora), url) as base_url:
        for mode in MODES:
            for path, queries in query_sets.items():
                results[path][f"ours: {mode}"] = evaluate(ServiceSystem(base_url, mode).run, queries, pool)
        # issue 12's rows need the regulations: only the scale world holds them
        policy = policy_rows(base_url, world_docs) if LAWS in corpora else []
    for analyzer in ("standard", "cjk"):
        with StockIndex(settings.es, analyzer, list(corpora)) as stock:
            for path, queries in query_sets.items():
                results[path][f"stock ES: {analyzer}"] = evaluate(_stock_runner(stock), queries, pool)
    names = " + ".join(c.name for c in corpora)
    for path, queries in query_sets.items():
        print(f"\n## {world} world ({names}): {len(queries)} judged queries from {path.name}")
        print_tables(results[path])
    if policy:
        print_policy_rows(policy)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.eval", description=__doc__)
    parser.add_argument("--world", choices=[*WORLDS, "all"], default="all")
    parser.add_argument(
        "--queries", type=Path, action="append", help="a judged query set (repeatable; default: the world's)"
    )
    parser.add_argument("--url", help="a running service over the world's documents (default: start one)")
    parser.add_argument("--pool", type=Path, help="write the pooled top-10 documents still unjudged here")
    args = parser.parse_args()
    pool: Pool = {}
    for world in WORLDS if args.world == "all" else [args.world]:
        run_world(world, args.queries, args.url, pool)
    if args.pool:
        with args.pool.open("w", encoding="utf-8") as out:
            for item in sorted(pool.values(), key=lambda i: (i["query"], i["doc_id"])):
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
        print(f"\n{len(pool)} pooled (query, document) pairs without a judgment written to {args.pool}")


if __name__ == "__main__":
    main()

"""Whole-document evidence: which of the query's words a document holds anywhere, not only in its best
passage. Pure functions (the counts come from store.queries.document_evidence_body), unit-tested.

A document is scored by its best passage on either side (search.fusion). At scale that loses to stock
whole-document BM25 where the answer's words are spread over a document's passages (a municipal plan with
体检 in one article and 周转房 in another) while a regulation holds one of them in a single article. The
evidence here is a BM25 over documents: the term frequency of a word is the number of the document's
passages that hold it (saturating: a long omnibus text that mentions it in many places gains little over
one that mentions it in a few), lengths counted in passages; a word in the title counts as if every
passage held it. It re-ranks the first RERANK_DEPTH fused documents only (and, with its own weights, the
first precedents of a draft: search/similar.py). scores() is the one request both make for the counts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from search.cache import Lru
from search.fusion import Candidate
from search.model import timed_msearch
from search.results import Timing
from store import queries
from store.records import SearchResult as StoreResult
from store.search_store import SearchStore

# Fused documents re-ranked with their whole-document evidence (the rest keep their order below them).
RERANK_DEPTH = 30
# Share of the re-ranking score that comes from the document-level evidence (normalised to the best one),
# for keyword-like queries and for questions (search.understand.is_question).
KEYWORD_DOCUMENT_WEIGHT = 0.4
QUESTION_DOCUMENT_WEIGHT = 0.4
# BM25 saturation and length normalisation over passage counts.
K1 = 1.2
B = 0.3
# Index-wide counts kept per process: one int per (index generation, token group).
FREQUENCY_CACHE_SIZE = 50_000
# Cache keys of the index's document and passage totals, beside the token groups' (no token is empty).
DOCUMENTS: tuple[str, ...] = ("",)
PASSAGES: tuple[str, ...] = ("", "")


@dataclass(frozen=True)
class DocumentCounts:
    passages: int  # the document's length, in passages
    text: tuple[int, ...]  # per query token: passages holding it
    title: tuple[bool, ...]  # per query token: the title holds it


@dataclass(frozen=True)
class IndexCounts:
    documents: int
    passages: int
    df: tuple[int, ...]  # per query token: documents holding it


def document_counts(aggs: dict[str, Any], n_tokens: int) -> dict[str, DocumentCounts]:
    """The aggregations of store.queries.document_evidence_body, per document."""
    return {
        str(bucket["key"]): DocumentCounts(
            int(bucket["doc_count"]),
            tuple(int(bucket[f"text{i}"]["doc_count"]) for i in range(n_tokens)),
            tuple(int(bucket[f"title{i}"]["doc_count"]) > 0 for i in range(n_tokens)),
        )
        for bucket in aggs.get("docs", {}).get("buckets", [])
    }


def index_counts(aggs: dict[str, Any], n_tokens: int) -> IndexCounts:
    """The aggregations of store.queries.document_frequency_body."""
    index = aggs.get("passages", {})
    return IndexCounts(
        int(index.get("docs", {}).get("value", 0)),
        int(index.get("doc_count", 0)),
        tuple(int(index.get(f"df{i}", {}).get("docs", {}).get("value", 0)) for i in range(n_tokens)),
    )


class FrequencyCache:
    """The index-wide counts (store.queries.document_frequency_body) per index generation (search/cache.py):
    they change only when the index does, and aggregating them over every passage cost each hybrid query
    more Elasticsearch time than any of its searches but the kNN. Kept per token group, so queries
    sharing a word share its count."""

    def __init__(self, size: int = FREQUENCY_CACHE_SIZE) -> None:
        self._counts: Lru[tuple[str, tuple[str, ...]], int] = Lru(size)

    def known(self, generation: str | None, groups: list[list[str]]) -> dict[tuple[str, ...], int]:
        """What is cached of the totals and these groups' counts (nothing without a generation)."""
        if generation is None:
            return {}
        out = {}
        for key in (DOCUMENTS, PASSAGES, *map(tuple, groups)):
            found = self._counts.get((generation, key))
            if found is not None:
                out[key] = found
        return out

    def add(self, generation: str | None, counts: dict[tuple[str, ...], int]) -> None:
        if generation is not None:
            for key, n in counts.items():
                self._counts.put((generation, key), n)


def missing(known: dict[tuple[str, ...], int], groups: list[list[str]]) -> list[list[str]] | None:
    """The groups to count (each once), or None when nothing is to be asked (the totals too are known)."""
    asked = [list(g) for g in dict.fromkeys(tuple(g) for g in groups) if tuple(g) not in known]
    return asked if asked or DOCUMENTS not in known or PASSAGES not in known else None


def fresh_counts(aggs: dict[str, Any], asked: list[list[str]]) -> dict[tuple[str, ...], int]:
    """The aggregations of document_frequency_body(asked), keyed like FrequencyCache.known."""
    index = index_counts(aggs, len(asked))
    return {DOCUMENTS: index.documents, PASSAGES: index.passages} | dict(
        zip(map(tuple, asked), index.df, strict=True)
    )


def counts_for(known: dict[tuple[str, ...], int], groups: list[list[str]]) -> IndexCounts:
    """IndexCounts for the query's groups, from cached and fresh counts together."""
    return IndexCounts(known[DOCUMENTS], known[PASSAGES], tuple(known[tuple(g)] for g in groups))


def scores(
    store: SearchStore,
    timing: Timing,
    frequencies: FrequencyCache,
    generation: str | None,
    groups: list[list[str]],
    doc_ids: list[str],
    b: float | None = None,
    weights: tuple[float, ...] | None = None,
    also: Sequence[dict[str, Any]] = (),
) -> tuple[dict[str, float], list[StoreResult]]:
    """document_bm25 of these documents for the token groups, from one msearch: their own counts, and
    beside them the index-wide counts `frequencies` does not hold for this index generation; then the
    results of `also`, searches that ride along after them instead of making a round trip of their own."""
    known = frequencies.known(generation, groups)
    asked = missing(known, groups)
    bodies = [queries.document_evidence_body(groups, doc_ids)]
    if asked is not None:
        bodies.append(queries.document_frequency_body(asked))
    results = timed_msearch(store, timing, [*bodies, *also])
    results, riding = results[: len(bodies)], results[len(bodies) :]
    if asked is not None:
        fresh = fresh_counts(results[1].aggregations, asked)
        frequencies.add(generation, fresh)
        known = {**known, **fresh}
    index = counts_for(known, groups)
    docs = document_counts(results[0].aggregations, len(groups))
    return {d: document_bm25(counts, index, b=b, weights=weights) for d, counts in docs.items()}, riding


def idf(df: int, documents: int) -> float:
    """BM25's idf (Lucene's form: never negative)."""
    return math.log(1 + (documents - df + 0.5) / (df + 0.5))


def weight_for(question: bool) -> float:
    return QUESTION_DOCUMENT_WEIGHT if question else KEYWORD_DOCUMENT_WEIGHT


def document_bm25(
    doc: DocumentCounts,
    index: IndexCounts,
    k1: float | None = None,
    b: float | None = None,
    weights: tuple[float, ...] | None = None,
) -> float:
    """BM25 of a whole document, a token's frequency being the passages that hold it (all of them when
    the title does); `weights` per token (a draft's word counts), 1 each by default."""
    k1 = K1 if k1 is None else k1
    b = B if b is None else b
    avg = index.passages / index.documents if index.documents else 1.0
    norm = k1 * (1 - b + b * doc.passages / avg) if avg > 0 else k1
    total = 0.0
    weights = weights or (1.0,) * len(index.df)
    for tf, in_title, df, w in zip(doc.text, doc.title, index.df, weights, strict=True):
        f = doc.passages if in_title else tf
        if f > 0:
            total += w * idf(df, index.documents) * f * (k1 + 1) / (f + norm)
    return total


def blended(fused: dict[str, float], evidence: dict[str, float], weight: float) -> dict[str, float]:
    """(1 - weight) x the fused score (normalised to the best) + weight x the evidence (likewise)."""
    top_fused = max(fused.values(), default=0.0) or 1.0
    top_evidence = max(evidence.values(), default=0.0) or 1.0
    return {
        d: (1 - weight) * s / top_fused + weight * evidence.get(d, 0.0) / top_evidence
        for d, s in fused.items()
    }


def reranked(
    ranked: list[Candidate], bm25: dict[str, float], weight: float, depth: int | None = None
) -> list[Candidate]:
    """The first `depth` (RERANK_DEPTH) documents ordered by their blended score, the rest below them as they were.
    Every score is rewritten on the blended scale (the rest as a document without evidence would score),
    so the scores a client sees still fall with the rank."""
    depth = RERANK_DEPTH if depth is None else depth
    head, tail = ranked[:depth], ranked[depth:]
    score = blended({c.doc_id: c.score for c in head}, bm25, weight)
    top = max((c.score for c in head), default=0.0) or 1.0
    for c in tail:
        c.score = (1 - weight) * c.score / top
    for c in head:
        c.score = score[c.doc_id]
    return sorted(head, key=lambda c: -c.score) + tail  # stable: ties keep the fused order


def rerank(
    store: SearchStore,
    timing: Timing,
    frequencies: FrequencyCache,
    generation: str | None,
    ranked: list[Candidate],
    groups: list[list[str]],
    weight: float,
    depth: int | None = None,
    b: float | None = None,
    weights: tuple[float, ...] | None = None,
    also: Sequence[dict[str, Any]] = (),
) -> tuple[list[Candidate], list[StoreResult]]:
    """The first `depth` (RERANK_DEPTH) documents of `ranked` re-ranked with their whole-document evidence for
    the token groups (one request: scores()), the rest as they were; unchanged when fewer than two head it
    (and `also` not sent). With the results of `also`, searches riding in that request (scores())."""
    depth = RERANK_DEPTH if depth is None else depth
    head = ranked[:depth]
    if len(head) < 2:
        return ranked, []
    doc_ids = [c.doc_id for c in head]
    bm25, riding = scores(store, timing, frequencies, generation, groups, doc_ids, b, weights, also)
    return reranked(ranked, bm25, weight, depth), riding

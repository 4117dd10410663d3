"""Pure builders of Elasticsearch request bodies: they return dicts and never call Elasticsearch.

User text only ever reaches `match`, `match_phrase`, `term(s)` and `knn` clauses: never query_string,
scripts, regexp or wildcard queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PASSAGE = {"term": {"type": "passage"}}


@dataclass(frozen=True)
class Filters:
    issuer: str | None = None
    kind: str | None = None
    doc_number: str | None = None
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    exclude_doc_ids: tuple[str, ...] = field(default=())


def filter_clauses(filters: Filters) -> list[dict[str, Any]]:
    """Filter clauses for passage searches (always restricted to passages)."""
    clauses: list[dict[str, Any]] = [PASSAGE]
    if filters.issuer:
        clauses.append({"term": {"issuer": filters.issuer}})
    if filters.kind:
        clauses.append({"term": {"kind": filters.kind}})
    if filters.doc_number:
        clauses.append({"term": {"doc_number": filters.doc_number}})
    if filters.date_from or filters.date_to:
        bounds = {k: v for k, v in (("gte", filters.date_from), ("lte", filters.date_to)) if v}
        clauses.append({"range": {"date": bounds}})
    return clauses


def keyword_query(
    token_groups: list[list[str]],
    filters: Filters,
    doc_numbers: list[str] | None = None,
    folded_query: str = "",
    title_boost: float = 3.0,
    phrase_boost: float = 2.0,
    question: bool = False,
) -> dict[str, Any]:
    """BM25 over jieba tokens and character bigrams, with title and phrase boosts.

    token_groups: one list of alternatives per query token (the token first, then its synonyms, each
    segmented). folded_query: the query folded (simplified, half-width) for the bigram fields.
    doc_numbers: canonical 文号 recognised in the query; an exact match outranks any text match.
    A passage must match most query tokens OR most query bigrams: jieba may cut a word differently in
    a query than in a document (妇女儿童 / 妇女 儿童), where bigrams still agree.
    question: the query is a sentence in everyday words, most of which the answer does not use.
    """
    recall: list[dict[str, Any]] = []
    if token_groups:
        groups = [_token_group(group, title_boost) for group in token_groups]
        # Short queries need all their words; longer ones most of them; questions (小作坊 升级成 规模以上企业
        # 拿 奖励) a few, the semantic side carries them.
        minimum = "100%" if len(token_groups) <= 2 else "40%" if question else "60%"
        recall.append({"bool": {"should": groups, "minimum_should_match": minimum}})
    if folded_query.strip():
        recall.append({"match": {"text_cjk": {"query": folded_query, "minimum_should_match": "75%"}}})
        recall.append(
            {
                "match": {
                    "title_cjk": {"query": folded_query, "minimum_should_match": "75%", "boost": title_boost}
                }
            }
        )
    recall += [{"term": {"doc_number": {"value": n, "boost": 50.0}}} for n in doc_numbers or []]
    boosts: list[dict[str, Any]] = []
    if len(token_groups) > 1:
        phrase = " ".join(group[0] for group in token_groups)
        boosts.append({"match_phrase": {"text_seg": {"query": phrase, "slop": 2, "boost": phrase_boost}}})
        boosts.append(
            {"match_phrase": {"title_seg": {"query": phrase, "slop": 2, "boost": phrase_boost * 2}}}
        )
    return {
        "bool": {
            "filter": filter_clauses(filters),
            "must": [{"bool": {"should": recall, "minimum_should_match": 1}}],
            "should": boosts,
        }
    }


def _token_group(alternatives: list[str], title_boost: float) -> dict[str, Any]:
    """One query token: any of its alternatives, in text, title or heading (best field counts most)."""
    return {
        "dis_max": {
            "queries": [
                clause
                for alt in alternatives
                for clause in (
                    {"match": {"text_seg": {"query": alt, "operator": "and"}}},
                    {"match": {"title_seg": {"query": alt, "operator": "and", "boost": title_boost}}},
                    {"match": {"heading_seg": {"query": alt, "operator": "and"}}},
                )
            ],
            "tie_breaker": 0.3,
        }
    }


def knn_clause(vector: list[float], filters: Filters, k: int, num_candidates: int) -> dict[str, Any]:
    """kNN over passage vectors."""
    clauses = filter_clauses(filters)
    return {
        "field": "vector",
        "query_vector": vector,
        "k": k,
        "num_candidates": max(num_candidates, k),
        "filter": clauses
        + (
            [{"bool": {"must_not": {"terms": {"doc_id": list(filters.exclude_doc_ids)}}}}]
            if filters.exclude_doc_ids
            else []
        ),
    }


def knn_query(vector: list[float], filters: Filters, k: int, num_candidates: int) -> dict[str, Any]:
    """knn_clause as a query: scored in the query phase, where the top-level `knn` section first runs a
    separate search phase of its own (measured: a collapsed passage kNN 6 -> 3.5 ms)."""
    return {"knn": knn_clause(vector, filters, k, num_candidates)}


# Passage fields a result page needs (the vector is never sent back).
PASSAGE_FIELDS = [
    "doc_id",
    "passage_id",
    "ordinal",
    "text",
    "heading",
    "title",
    "doc_number",
    "issuer",
    "date",
    "kind",
    "start",
    "end",
]


# A document's metadata read from doc values (keyword fields), without touching its large _source.
DOCUMENT_VALUE_FIELDS: list[str | dict[str, str]] = [
    "doc_id",
    "title",
    "doc_number",
    "issuer",
    {"field": "date", "format": "strict_date"},
    "kind",
]


def facet_aggs(size: int = 20) -> dict[str, Any]:
    """Facets count documents, not passages."""
    return {
        "issuer": {
            "terms": {"field": "issuer", "size": size},
            "aggs": {"docs": {"cardinality": {"field": "doc_id"}}},
        },
        "kind": {
            "terms": {"field": "kind", "size": size},
            "aggs": {"docs": {"cardinality": {"field": "doc_id"}}},
        },
        "year": {
            "terms": {"field": "year", "size": size, "order": {"_key": "desc"}},
            "aggs": {"docs": {"cardinality": {"field": "doc_id"}}},
        },
        "doc_count": {"cardinality": {"field": "doc_id"}},
    }

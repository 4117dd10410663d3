"""Pure builders of Elasticsearch request bodies: they return dicts and never call Elasticsearch.

User text only ever reaches `match`, `match_phrase`, `term(s)` and `knn` clauses: never query_string,
scripts, regexp or wildcard queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Highlight markers: control characters that the indexer strips from text, so they cannot collide
# with document content (a literal "<em>" in a document stays text).
HL_PRE = "\x01"
HL_POST = "\x02"

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


def highlight(fields: list[str], terms: list[str] | None = None) -> dict[str, Any]:
    """Whole-field highlights (passages are short) with marker characters, mapped back by analyzers.

    terms: highlight these words instead of what the search matched (kNN hits match no words).
    """
    body: dict[str, Any] = {
        "pre_tags": [HL_PRE],
        "post_tags": [HL_POST],
        "fields": {f: {"number_of_fragments": 0, "type": "unified"} for f in fields},
    }
    if terms is not None:
        body["highlight_query"] = {"terms": {fields[0]: terms}}
    return body


def keyword_query(
    token_groups: list[list[str]],
    filters: Filters,
    doc_numbers: list[str] | None = None,
    title_boost: float = 3.0,
    phrase_boost: float = 2.0,
) -> dict[str, Any]:
    """BM25 over segmented passage text and title, with phrase and title boosts.

    token_groups: one list of alternatives per query token (the token first, then its synonyms).
    doc_numbers: canonical 文号 recognised in the query; an exact match outranks any text match.
    """
    should: list[dict[str, Any]] = []
    for group in token_groups:
        alternatives = [
            clause
            for alt in group
            for clause in (
                {"match": {"text_seg": {"query": alt, "operator": "and"}}},
                {"match": {"title_seg": {"query": alt, "operator": "and", "boost": title_boost}}},
                {"match": {"heading_seg": {"query": alt, "operator": "and"}}},
            )
        ]
        should.append({"dis_max": {"queries": alternatives, "tie_breaker": 0.3}})
    phrase = " ".join(group[0] for group in token_groups)
    if len(token_groups) > 1:
        should.append({"match_phrase": {"text_seg": {"query": phrase, "slop": 2, "boost": phrase_boost}}})
        should.append(
            {"match_phrase": {"title_seg": {"query": phrase, "slop": 2, "boost": phrase_boost * 2}}}
        )
    for number in doc_numbers or []:
        should.append({"term": {"doc_number": {"value": number, "boost": 50.0}}})
    # Most query tokens should match; short queries need all of them.
    minimum = "1" if doc_numbers else ("100%" if len(token_groups) <= 2 else "60%")
    return {
        "bool": {
            "filter": filter_clauses(filters),
            "should": should,
            "minimum_should_match": minimum,
        }
    }


def knn_clause(vector: list[float], filters: Filters, k: int, num_candidates: int) -> dict[str, Any]:
    return {
        "field": "vector",
        "query_vector": vector,
        "k": k,
        "num_candidates": max(num_candidates, k),
        "filter": filter_clauses(filters)
        + (
            [{"bool": {"must_not": {"terms": {"doc_id": list(filters.exclude_doc_ids)}}}}]
            if filters.exclude_doc_ids
            else []
        ),
    }


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

"""What a result list is narrowed and counted by, besides plain terms: validity today as query conditions
(the validity filter and facet) and the facet aggregations. Pure builders, like store/queries.py."""

from __future__ import annotations

from typing import Any

# Validity (analyzers.validity.status_on) as filters on the stored fields, in the same order of
# precedence: each status is its own condition and none of the earlier ones. "now/d" is today on the
# node, so the bodies stay pure. The labelled 有效性 is free text: its usual values, listed (no wildcards
# in bodies; a rarer wording falls to the status the dates give).
_STATED = {
    "废止": ["废止", "已废止"],
    "失效": ["失效", "已失效", "部分失效"],
    "有效": ["有效", "现行有效", "部分有效"],
}


def _stated(word: str) -> dict[str, Any]:
    return {"terms": {"stated_validity": _STATED[word]}}


def _exists(name: str) -> dict[str, Any]:
    return {"exists": {"field": name}}


def any_of(*clauses: dict[str, Any]) -> dict[str, Any]:
    """A clause matching when any of these does."""
    return {"bool": {"should": list(clauses), "minimum_should_match": 1}}


_VALIDITY_CONDITIONS: list[tuple[str, dict[str, Any]]] = [
    ("repealed", any_of(_exists("repealed_by"), _stated("废止"))),
    ("superseded", _exists("superseded_by")),
    ("expired", any_of({"range": {"expires_on": {"lt": "now/d"}}}, _stated("失效"))),
    ("not_yet_effective", {"range": {"effective_from": {"gt": "now/d"}}}),
    ("current", any_of(_exists("expires_on"), _exists("effective_from"), _stated("有效"))),
]
VALIDITY_STATUSES = (*(name for name, _ in _VALIDITY_CONDITIONS), "unknown")


def validity_clause(status: str) -> dict[str, Any]:
    """Records whose validity today is `status` (one of VALIDITY_STATUSES)."""
    if status not in VALIDITY_STATUSES:
        raise ValueError(f"unknown validity status: {status}")
    earlier: list[dict[str, Any]] = []
    for name, condition in _VALIDITY_CONDITIONS:
        if name == status:
            return {"bool": {"filter": [condition], "must_not": earlier}}
        earlier.append(condition)
    return {"bool": {"must_not": earlier}}


def facet_aggs(size: int = 20) -> dict[str, Any]:
    """Facets count documents, not passages."""
    return {
        "validity": {
            "filters": {"filters": {name: validity_clause(name) for name in VALIDITY_STATUSES}},
            "aggs": {"docs": {"cardinality": {"field": "doc_id"}}},
        },
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

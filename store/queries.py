"""Pure builders of Elasticsearch request bodies: they return dicts and never call Elasticsearch.

User text only ever reaches `match`, `match_phrase`, `term(s)` and `knn` clauses: never query_string,
scripts, regexp or wildcard queries.
"""

from __future__ import annotations

from typing import Any

from store.facets import any_of, facet_aggs, validity_clause
from store.records import Filters

PASSAGE = {"term": {"type": "passage"}}
DOCUMENT = {"term": {"type": "document"}}
COLLAPSE_BY_DOCUMENT = {"field": "doc_id"}


def filter_clauses(filters: Filters) -> list[dict[str, Any]]:
    """Filter clauses for passage searches (always restricted to passages)."""
    clauses: list[dict[str, Any]] = [PASSAGE]
    if filters.issuer:
        clauses.append({"term": {"issuer": filters.issuer}})
    if filters.kind:
        clauses.append({"term": {"kind": filters.kind}})
    if filters.doc_number:  # any of its numbers: issued under, revised or amended by
        clauses.append({"term": {"doc_numbers": filters.doc_number}})
    if filters.date_from or filters.date_to:
        bounds = {k: v for k, v in (("gte", filters.date_from), ("lte", filters.date_to)) if v}
        clauses.append({"range": {"date": bounds}})
    if filters.validity:
        clauses.append(validity_clause(filters.validity))
    return clauses


def keyword_query(
    token_groups: list[list[str]],
    filters: Filters,
    doc_numbers: list[str] | None = None,
    folded_query: str = "",
    title_boost: float = 3.0,
    phrase_boost: float = 2.0,
    question: bool = False,
    issuerless_number: str | None = None,
) -> dict[str, Any]:
    """BM25 over jieba tokens and character bigrams, with title and phrase boosts.

    token_groups: one list of alternatives per query token (the token first, then its synonyms, each
    segmented). folded_query: the query folded (simplified, half-width) for the bigram fields.
    doc_numbers: canonical 文号 recognised in the query; a document bearing any of them (doc_numbers: issued
    under, revised or amended by) outranks any text match. issuerless_number: the key "令第601号" of a decree
    typed without its issuer ("第601号令"), matched against doc_number_parts.
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
    if doc_numbers:
        recall.append({"terms": {"doc_numbers": doc_numbers, "boost": 50.0}})
    if issuerless_number:
        recall.append({"term": {"doc_number_parts": {"value": issuerless_number, "boost": 50.0}}})
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


def _excluding(filters: Filters) -> list[dict[str, Any]]:
    """filter_clauses plus the documents to leave out (a document's own precedents exclude it)."""
    clauses = filter_clauses(filters)
    if filters.exclude_doc_ids:
        clauses.append({"bool": {"must_not": {"terms": {"doc_id": list(filters.exclude_doc_ids)}}}})
    return clauses


def knn_clause(vector: list[float], filters: Filters, k: int, num_candidates: int) -> dict[str, Any]:
    """kNN over passage vectors."""
    return {
        "field": "vector",
        "query_vector": vector,
        "k": k,
        "num_candidates": max(num_candidates, k),
        "filter": _excluding(filters),
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
    # issue 12: every number, the versions and what validity is computed from
    "doc_numbers",
    "doc_number_parts",
    "doc_number_history",
    "promulgated",
    "effective_from",
    "expires_on",
    "stated_validity",
    "version_group",
    "superseded_by",
    "repealed_by",
]
# text_seg too: highlights are marked on it (analyzers.segment.mark_terms) rather than by Elasticsearch's
# highlighter, which cost ~3 ms per search for the same marks.
SEARCH_FIELDS = [*PASSAGE_FIELDS, "text_seg"]
# What a search fetches of each hit: whole passages, or for a ranked window only what ranks and folds its
# documents, read from doc values. Stored fields are never opened for the window's hundred-odd hits, and the
# page's passages are fetched whole afterwards (SearchStore.passages): a keyword window took Elasticsearch
# ~7 ms with whole passages, ~3 ms from doc values (docs/benchmarks.md). Each doc-value field read costs
# per hit, so a window reads only what its use needs. Every field here is single-valued (a hit reads `[x]`
# as `x`).
# What ranks and folds a window: fusion (ties, sort by date) and versions.fold.
RANKING_FIELDS = ["doc_id", "passage_id", "date", "version_group", "superseded_by"]
# What counts a window's facets when they are counted from its documents (search.shaping
# .facets_from_candidates: semantic and hybrid), validity included.
FACET_FIELDS = ["kind", "issuer", "repealed_by", "effective_from", "expires_on", "stated_validity"]
WINDOW_FIELDS = [*RANKING_FIELDS, *FACET_FIELDS]


def _doc_values(fields: list[str]) -> dict[str, Any]:
    return {"stored_fields": "_none_", "docvalue_fields": fields}


WHOLE_PASSAGES: dict[str, Any] = {"_source": SEARCH_FIELDS}
# A window whose facets come from its documents.
WINDOW_ONLY = _doc_values(WINDOW_FIELDS)
# A window whose facets Elasticsearch counts (keyword mode's aggregations): ~0.1 ms less per search.
RANKED_ONLY = _doc_values(RANKING_FIELDS)
# Further passages of the window's documents (each document's second and third): which passage of which
# document; the shown ones are fetched whole with the page. ~0.2 ms less per search than WINDOW_ONLY.
PASSAGE_IDS = _doc_values(["doc_id", "passage_id"])
# --- whole request bodies -------------------------------------------------------------------------


def keyword_documents_body(
    query: dict[str, Any], size: int, facets: bool, fetch: dict[str, Any] = WHOLE_PASSAGES
) -> dict[str, Any]:
    """Each document's best passage for a keyword query (collapsed), with the facets if asked."""
    body: dict[str, Any] = {
        "query": query,
        "size": size,
        "collapse": COLLAPSE_BY_DOCUMENT,
        **fetch,
        "track_total_hits": False,
    }
    if facets:
        body["aggs"] = facet_aggs()
    return body


def keyword_passages_body(
    query: dict[str, Any], size: int, fetch: dict[str, Any] = WHOLE_PASSAGES
) -> dict[str, Any]:
    """The best passages for a keyword query regardless of document."""
    return {"query": query, "size": size, **fetch, "track_total_hits": False}


# HNSW candidates per neighbour asked for by the collapsed passage kNN: 1.5x cost ~0.5 ms less than 2x per
# query (no SIMD here) and left every judged query's top 10 as it was in every mode; 1x lost semantic-only
# keyword queries 0.03 nDCG@10 (bench/tune.py, docs/benchmarks.md).
KNN_CANDIDATES_PER_K = 1.5


def knn_documents_body(
    vector: list[float],
    filters: Filters,
    k: int,
    size: int,
    facets: bool,
    fetch: dict[str, Any] = WHOLE_PASSAGES,
) -> dict[str, Any]:
    """Each document's nearest passage (collapsed), from k neighbours."""
    body: dict[str, Any] = {
        "query": knn_query(vector, filters, k, int(k * KNN_CANDIDATES_PER_K)),
        "size": size,
        "collapse": COLLAPSE_BY_DOCUMENT,
        **fetch,
    }
    if facets:
        body["aggs"] = facet_aggs()
    return body


def knn_passages_body(
    vector: list[float], filters: Filters, size: int, fetch: dict[str, Any] = WHOLE_PASSAGES
) -> dict[str, Any]:
    """The `size` nearest passages regardless of document."""
    return {"query": knn_query(vector, filters, size, size * 4), "size": size, **fetch}


def browse_body(filters: Filters, offset: int, size: int) -> dict[str, Any]:
    """No query text, only filters: the newest documents first."""
    return {
        "query": {"bool": {"filter": filter_clauses(filters)}},
        "collapse": COLLAPSE_BY_DOCUMENT,
        "sort": [
            {"date": {"order": "desc", "missing": "_last"}},
            {"doc_id": "asc"},
        ],  # ties: by id, every time
        "from": offset,
        "size": size,
        "_source": PASSAGE_FIELDS,
        "aggs": facet_aggs(),
    }


def terms_documents_body(terms: list[str], filters: Filters, size: int = 50) -> dict[str, Any]:
    """Documents sharing a draft's frequent terms (a fifth of them at least), one hit each."""
    return {
        "query": {
            "bool": {
                "filter": _excluding(filters),
                "must": [{"match": {"text_seg": {"query": " ".join(terms), "minimum_should_match": "20%"}}}],
            }
        },
        "collapse": COLLAPSE_BY_DOCUMENT,
        "size": size,
        "_source": ["doc_id"],
    }


def _token_clauses(group: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """One query token (any of its alternatives) in the text, and in the title."""
    text = any_of(*({"match": {"text_seg": {"query": alt, "operator": "and"}}} for alt in group))
    title = any_of(*({"match": {"title_seg": {"query": alt, "operator": "and"}}} for alt in group))
    return text, title


def document_evidence_body(token_groups: list[list[str]], doc_ids: list[str]) -> dict[str, Any]:
    """Whole-document evidence for a few candidate documents, counted over their passages: per query token
    (any of its alternatives), how many of each document's passages hold it in the text and whether its
    title does (search/evidence.py turns the counts into a document-level BM25)."""
    per_doc: dict[str, Any] = {}
    for i, group in enumerate(token_groups):
        text, title = _token_clauses(group)
        per_doc[f"text{i}"] = {"filter": text}
        per_doc[f"title{i}"] = {"filter": title}
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {"bool": {"filter": [PASSAGE, {"terms": {"doc_id": doc_ids}}]}},
        "aggs": {"docs": {"terms": {"field": "doc_id", "size": max(len(doc_ids), 1)}, "aggs": per_doc}},
    }


def document_frequency_body(token_groups: list[list[str]]) -> dict[str, Any]:
    """Over the whole index: how many documents hold each query token (its idf), how many documents and
    passages there are. Needs no candidates, so it rides in the first msearch of a hybrid query."""
    aggs: dict[str, Any] = {"docs": {"cardinality": {"field": "doc_id"}}}
    for i, group in enumerate(token_groups):
        aggs[f"df{i}"] = {
            "filter": any_of(*_token_clauses(group)),
            "aggs": {"docs": {"cardinality": {"field": "doc_id"}}},
        }
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {"match_all": {}},
        "aggs": {"passages": {"filter": PASSAGE, "aggs": aggs}},
    }

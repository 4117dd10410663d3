"""Pure builders of the bodies that look documents up rather than rank them: a document's passages, the
metadata of documents matching a clause (citations, versions), completions for the search box, and the
checks behind did-you-mean. Like store/queries.py, they return dicts and never call Elasticsearch."""

from __future__ import annotations

from typing import Any

from store.queries import DOCUMENT, PASSAGE

# A document page's passages, in order.
DOCUMENT_PASSAGE_FIELDS = ["passage_id", "ordinal", "heading", "start", "end", "text"]


# A document's metadata read from doc values (keyword fields), without touching its large _source.
DOCUMENT_VALUE_FIELDS: list[str | dict[str, str]] = [
    "doc_id",
    "title",
    "doc_number",
    "issuer",
    {"field": "date", "format": "strict_date"},
    "kind",
]


# Documents citing or cited: which of a document's numbers a citation names, and which version it means.
CITATION_FIELDS: list[str | dict[str, str]] = [
    *DOCUMENT_VALUE_FIELDS,
    "doc_numbers",
    "version_group",
    "superseded_by",
]


# The versions of a document, for the links between them.
VERSION_FIELDS: list[str | dict[str, str]] = [
    "doc_id",
    "title",
    "doc_number",
    {"field": "date", "format": "strict_date"},
    "version_group",
    "superseded_by",
]


def document_passages_body(doc_id: str) -> dict[str, Any]:
    """Every passage of one document in order."""
    return {
        "query": {"bool": {"filter": [PASSAGE, {"term": {"doc_id": doc_id}}]}},
        "sort": [{"ordinal": "asc"}],
        "size": 10_000,
        "_source": DOCUMENT_PASSAGE_FIELDS,
    }


def passages_body(passage_ids: list[str]) -> dict[str, Any]:
    """These passages, whole (a ranked window's page: store.queries.WINDOW_ONLY): their stored _source as
    it is, which Elasticsearch sends without parsing it, where picking SEARCH_FIELDS out of it cost ~0.2 ms
    more per page (a few unused fields ride along)."""
    return {"query": {"ids": {"values": passage_ids}}, "size": len(passage_ids), "_source": True}


def passage_vectors_body(doc_id: str) -> dict[str, Any]:
    """Every passage of one document in order, with its stored vector (kept out of _source, read from doc
    values): a stored document's precedents reuse them instead of embedding its text again."""
    return {
        **document_passages_body(doc_id),
        "_source": ["passage_id", "start", "end", "text"],
        "docvalue_fields": ["vector"],
    }


def documents_where_body(
    clause: dict[str, Any], size: int = 100, fields: list[str | dict[str, str]] = DOCUMENT_VALUE_FIELDS
) -> dict[str, Any]:
    """Document records matching a filter clause, their metadata only."""
    return {
        "query": {"bool": {"filter": [DOCUMENT, clause]}},
        "size": size,
        "_source": False,  # a document record's _source holds its whole text; metadata comes from doc values
        "docvalue_fields": fields,
    }


def numbered_clause(doc_numbers: list[str]) -> dict[str, Any]:
    """Documents bearing any of these 文号 as any of their numbers (issued under, revised or amended by)."""
    # doc_number too: an index built before doc_numbers existed holds only it
    either = [{"terms": {"doc_numbers": doc_numbers}}, {"terms": {"doc_number": doc_numbers}}]
    return {"bool": {"should": either, "minimum_should_match": 1}}


def suggest_body(title_seg: str, typed: str, doc_number: str | None, size: int) -> dict[str, Any]:
    """Titles completing what was typed (the last word may be unfinished), and 文号 starting with it."""
    should: list[dict[str, Any]] = [
        {"match_bool_prefix": {"title_seg": {"query": title_seg, "operator": "and"}}},
        {"prefix": {"doc_number": {"value": typed.replace(" ", ""), "boost": 2.0}}},
    ]
    if doc_number:
        should.append({"term": {"doc_number": {"value": doc_number, "boost": 10.0}}})
    return {
        "query": {"bool": {"filter": [DOCUMENT], "should": should, "minimum_should_match": 1}},
        "size": size,
        "_source": False,
        "docvalue_fields": DOCUMENT_VALUE_FIELDS,
    }


def spelling_body(folded_query: str, size: int = 100) -> dict[str, Any]:
    """Words of the index's own vocabulary one character away from each character bigram of the query that
    the index does not hold (the term suggester over text_cjk; search/spelling.py picks the correction)."""
    return {
        "size": 0,
        "suggest": {
            "bigrams": {
                "text": folded_query,
                "term": {
                    "field": "text_cjk",
                    "suggest_mode": "missing",
                    "size": size,
                    "min_word_length": 2,
                    "prefix_length": 0,
                    "max_edits": 1,
                    "sort": "frequency",
                },
            }
        },
    }


def phrase_count_body(folded_phrase: str) -> dict[str, Any]:
    """Whether any passage holds the phrase (its character bigrams in a row): a correction must."""
    return {
        "query": {"bool": {"filter": [PASSAGE, {"match_phrase": {"text_cjk": folded_phrase}}]}},
        "size": 0,
        "track_total_hits": 1,
    }


def generation_body(indices: int = 20) -> dict[str, Any]:
    """What the alias serves now (search/cache.py): per concrete index, the count, lowest, highest and sum
    of its live records' sequence numbers. Send it as a Cached body: the shard request cache answers it
    until the next refresh (it costs ~4 ms over 23k records when it has to count)."""
    return {
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            "index": {
                "terms": {"field": "_index", "size": indices},
                "aggs": {"seq": {"stats": {"field": "_seq_no"}}},
            }
        },
    }

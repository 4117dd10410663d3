"""store/queries.py: every request body is a pure function of its arguments, compared as dicts."""

from __future__ import annotations

import pytest

from store import queries
from store.queries import (
    COLLAPSE_BY_DOCUMENT,
    DOCUMENT_VALUE_FIELDS,
    PASSAGE,
    PASSAGE_FIELDS,
    SEARCH_FIELDS,
)
from store.records import Filters

FILTERS = Filters(issuer="聊城市人民政府", date_from="2023-01-01", date_to="2023-12-31")
FILTER_CLAUSES = [
    PASSAGE,
    {"term": {"issuer": "聊城市人民政府"}},
    {"range": {"date": {"gte": "2023-01-01", "lte": "2023-12-31"}}},
]
NOT_D1 = {"bool": {"must_not": {"terms": {"doc_id": ["d1"]}}}}


def test_filter_clauses() -> None:
    assert queries.filter_clauses(Filters()) == [PASSAGE]
    assert queries.filter_clauses(FILTERS) == FILTER_CLAUSES
    assert queries.filter_clauses(Filters(date_to="2020-12-31"))[1] == {
        "range": {"date": {"lte": "2020-12-31"}}
    }


def test_knn_query_excludes_documents() -> None:
    knn = queries.knn_query([0.5, 0.5], Filters(exclude_doc_ids=("d1",)), 10, 5)
    assert knn == {
        "knn": {
            "field": "vector",
            "query_vector": [0.5, 0.5],
            "k": 10,
            "num_candidates": 10,  # never fewer than k
            "filter": [PASSAGE, NOT_D1],
        }
    }


def test_keyword_query_for_a_short_query() -> None:
    query = queries.keyword_query([["古树"]], Filters(), ["聊政发〔2023〕7号"], "古树")
    assert query == {
        "bool": {
            "filter": [PASSAGE],
            "must": [
                {
                    "bool": {
                        "should": [
                            {
                                "bool": {
                                    "should": [
                                        {
                                            "dis_max": {
                                                "queries": [
                                                    {"match": {"text_seg": {"query": "古树", "operator": "and"}}},
                                                    {"match": {"title_seg": {"query": "古树", "operator": "and", "boost": 3.0}}},
                                                    {"match": {"heading_seg": {"query": "古树", "operator": "and"}}},
                                                ],
                                                "tie_breaker": 0.3,
                                            }
                                        }
                                    ],
                                    "minimum_should_match": "100%",
                                }
                            },
                            {"match": {"text_cjk": {"query": "古树", "minimum_should_match": "75%"}}},
                            {"match": {"title_cjk": {"query": "古树", "minimum_should_match": "75%", "boost": 3.0}}},
                            {"terms": {"doc_numbers": ["聊政发〔2023〕7号"], "boost": 50.0}},
                        ],
                        "minimum_should_match": 1,
                    }
                }
            ],
            "should": [],
        }
    }  # fmt: skip


def test_keyword_bodies() -> None:
    query = {"match_all": {}}
    assert queries.keyword_documents_body(query, 30, facets=False) == {
        "query": query,
        "size": 30,
        "collapse": COLLAPSE_BY_DOCUMENT,
        "_source": SEARCH_FIELDS,
        "track_total_hits": False,
    }
    assert queries.keyword_documents_body(query, 30, facets=True)["aggs"] == queries.facet_aggs()
    assert queries.keyword_passages_body(query, 20) == {
        "query": query,
        "size": 20,
        "_source": SEARCH_FIELDS,
        "track_total_hits": False,
    }


def test_knn_bodies() -> None:
    assert queries.knn_documents_body([1.0], FILTERS, 300, 30, facets=False) == {
        "query": queries.knn_query([1.0], FILTERS, 300, 600),
        "size": 30,
        "collapse": COLLAPSE_BY_DOCUMENT,
        "_source": SEARCH_FIELDS,
    }
    assert "aggs" in queries.knn_documents_body([1.0], FILTERS, 300, 30, facets=True)
    assert queries.knn_passages_body([1.0], FILTERS, 20, PASSAGE_FIELDS) == {
        "query": queries.knn_query([1.0], FILTERS, 20, 80),
        "size": 20,
        "_source": PASSAGE_FIELDS,
    }


def test_browse_body() -> None:
    assert queries.browse_body(FILTERS, 20, 10) == {
        "query": {"bool": {"filter": FILTER_CLAUSES}},
        "collapse": COLLAPSE_BY_DOCUMENT,
        "sort": [{"date": {"order": "desc", "missing": "_last"}}, {"doc_id": "asc"}],
        "from": 20,
        "size": 10,
        "_source": PASSAGE_FIELDS,
        "aggs": queries.facet_aggs(),
    }


def test_terms_documents_body() -> None:
    assert queries.terms_documents_body(["古树", "保护"], Filters(exclude_doc_ids=("d1",))) == {
        "query": {
            "bool": {
                "filter": [PASSAGE, NOT_D1],
                "must": [{"match": {"text_seg": {"query": "古树 保护", "minimum_should_match": "20%"}}}],
            }
        },
        "collapse": COLLAPSE_BY_DOCUMENT,
        "size": 50,
        "_source": ["doc_id"],
    }


def test_document_bodies() -> None:
    assert queries.document_passages_body("d1") == {
        "query": {"bool": {"filter": [PASSAGE, {"term": {"doc_id": "d1"}}]}},
        "sort": [{"ordinal": "asc"}],
        "size": 10_000,
        "_source": ["passage_id", "ordinal", "heading", "start", "end", "text"],
    }
    assert queries.documents_where_body({"term": {"cites": "国发〔2020〕1号"}}) == {
        "query": {
            "bool": {"filter": [{"term": {"type": "document"}}, {"term": {"cites": "国发〔2020〕1号"}}]}
        },
        "size": 100,
        "_source": False,
        "docvalue_fields": DOCUMENT_VALUE_FIELDS,
    }


def test_suggest_body() -> None:
    body = queries.suggest_body("古树 名", "古树 名", None, 8)
    assert body == {
        "query": {
            "bool": {
                "filter": [{"term": {"type": "document"}}],
                "should": [
                    {"match_bool_prefix": {"title_seg": {"query": "古树 名", "operator": "and"}}},
                    {"prefix": {"doc_number": {"value": "古树名", "boost": 2.0}}},
                ],
                "minimum_should_match": 1,
            }
        },
        "size": 8,
        "_source": False,
        "docvalue_fields": DOCUMENT_VALUE_FIELDS,
    }
    exact = queries.suggest_body("", "聊政发〔2023〕7号", "聊政发〔2023〕7号", 8)["query"]["bool"]["should"]
    assert exact[-1] == {"term": {"doc_number": {"value": "聊政发〔2023〕7号", "boost": 10.0}}}


def test_issuerless_decree_number_matches_the_parts() -> None:
    query = queries.keyword_query([], Filters(), [], "", issuerless_number="令第601号")
    recall = query["bool"]["must"][0]["bool"]["should"]
    assert recall == [{"term": {"doc_number_parts": {"value": "令第601号", "boost": 50.0}}}]


def test_doc_number_filter_matches_every_number() -> None:
    clauses = queries.filter_clauses(Filters(doc_number="国务院令第791号"))
    assert clauses[1] == {"term": {"doc_numbers": "国务院令第791号"}}


def test_validity_clauses_exclude_the_statuses_before_them() -> None:
    repealed = {
        "bool": {
            "should": [
                {"exists": {"field": "repealed_by"}},
                {"terms": {"stated_validity": ["废止", "已废止"]}},
            ],
            "minimum_should_match": 1,
        }
    }
    superseded = {"exists": {"field": "superseded_by"}}
    assert queries.validity_clause("repealed") == {"bool": {"filter": [repealed], "must_not": []}}
    assert queries.validity_clause("superseded") == {"bool": {"filter": [superseded], "must_not": [repealed]}}
    not_yet = queries.validity_clause("not_yet_effective")
    assert not_yet["bool"]["filter"] == [{"range": {"effective_from": {"gt": "now/d"}}}]
    assert len(not_yet["bool"]["must_not"]) == 3
    assert len(queries.validity_clause("unknown")["bool"]["must_not"]) == 5
    assert queries.filter_clauses(Filters(validity="current"))[1] == queries.validity_clause("current")
    with pytest.raises(ValueError):
        queries.validity_clause("valid")


def test_spelling_body() -> None:
    body = queries.spelling_body("公平竟争审查")
    assert body["size"] == 0
    assert body["suggest"]["bigrams"]["text"] == "公平竟争审查"
    assert body["suggest"]["bigrams"]["term"] == {
        "field": "text_cjk",
        "suggest_mode": "missing",
        "size": 100,
        "min_word_length": 2,
        "prefix_length": 0,
        "max_edits": 1,
        "sort": "frequency",
    }

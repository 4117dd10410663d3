"""store/queries.py: every request body is a pure function of its arguments, compared as dicts."""

from __future__ import annotations

from store import queries
from store.facets import facet_aggs
from store.queries import (
    COLLAPSE_BY_DOCUMENT,
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
    assert queries.keyword_documents_body(query, 30, facets=True)["aggs"] == facet_aggs()
    assert queries.keyword_passages_body(query, 20) == {
        "query": query,
        "size": 20,
        "_source": SEARCH_FIELDS,
        "track_total_hits": False,
    }


def test_knn_bodies() -> None:
    assert queries.knn_documents_body([1.0], FILTERS, 300, 30, facets=False) == {
        "query": queries.knn_query([1.0], FILTERS, 300, 450),
        "size": 30,
        "collapse": COLLAPSE_BY_DOCUMENT,
        "_source": SEARCH_FIELDS,
    }
    assert "aggs" in queries.knn_documents_body([1.0], FILTERS, 300, 30, facets=True)
    assert queries.knn_passages_body([1.0], FILTERS, 20, {"_source": PASSAGE_FIELDS}) == {
        "query": queries.knn_query([1.0], FILTERS, 20, 80),
        "size": 20,
        "_source": PASSAGE_FIELDS,
    }


def test_a_window_is_fetched_from_doc_values_only() -> None:
    """Ranked windows never open stored fields; what they fetch is single-valued (store._to_hit unwraps it)."""
    query = {"match_all": {}}
    for body in (
        queries.keyword_documents_body(query, 100, facets=False, fetch=queries.WINDOW_ONLY),
        queries.keyword_passages_body(query, 40, queries.WINDOW_ONLY),
        queries.knn_documents_body([1.0], FILTERS, 300, 100, facets=False, fetch=queries.WINDOW_ONLY),
        queries.knn_passages_body([1.0], FILTERS, 20, queries.WINDOW_ONLY),
    ):
        assert body["stored_fields"] == "_none_" and "_source" not in body
        assert body["docvalue_fields"] == queries.WINDOW_FIELDS
    assert "text" not in queries.WINDOW_FIELDS and "text_seg" not in queries.WINDOW_FIELDS


def test_browse_body() -> None:
    assert queries.browse_body(FILTERS, 20, 10) == {
        "query": {"bool": {"filter": FILTER_CLAUSES}},
        "collapse": COLLAPSE_BY_DOCUMENT,
        "sort": [{"date": {"order": "desc", "missing": "_last"}}, {"doc_id": "asc"}],
        "from": 20,
        "size": 10,
        "_source": PASSAGE_FIELDS,
        "aggs": facet_aggs(),
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


def test_issuerless_decree_number_matches_the_parts() -> None:
    query = queries.keyword_query([], Filters(), [], "", issuerless_number="令第601号")
    recall = query["bool"]["must"][0]["bool"]["should"]
    assert recall == [{"term": {"doc_number_parts": {"value": "令第601号", "boost": 50.0}}}]


def test_doc_number_filter_matches_every_number() -> None:
    clauses = queries.filter_clauses(Filters(doc_number="国务院令第791号"))
    assert clauses[1] == {"term": {"doc_numbers": "国务院令第791号"}}

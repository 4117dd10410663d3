"""store/lookups.py: the bodies that look documents up, compared as dicts."""

from __future__ import annotations

from store import lookups
from store.lookups import DOCUMENT_VALUE_FIELDS
from store.queries import PASSAGE


def test_document_bodies() -> None:
    assert lookups.document_passages_body("d1") == {
        "query": {"bool": {"filter": [PASSAGE, {"term": {"doc_id": "d1"}}]}},
        "sort": [{"ordinal": "asc"}],
        "size": 10_000,
        "_source": ["passage_id", "ordinal", "heading", "start", "end", "text"],
    }
    assert lookups.documents_where_body({"term": {"cites": "国发〔2020〕1号"}}) == {
        "query": {
            "bool": {"filter": [{"term": {"type": "document"}}, {"term": {"cites": "国发〔2020〕1号"}}]}
        },
        "size": 100,
        "_source": False,
        "docvalue_fields": DOCUMENT_VALUE_FIELDS,
    }


def test_suggest_body() -> None:
    body = lookups.suggest_body("古树 名", "古树 名", None, 8)
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
    exact = lookups.suggest_body("", "聊政发〔2023〕7号", "聊政发〔2023〕7号", 8)["query"]["bool"]["should"]
    assert exact[-1] == {"term": {"doc_number": {"value": "聊政发〔2023〕7号", "boost": 10.0}}}


def test_spelling_body() -> None:
    body = lookups.spelling_body("公平竟争审查")
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


def test_a_citation_matches_any_of_a_documents_numbers() -> None:
    assert lookups.numbered_clause(["国令第601号"]) == {
        "bool": {
            "should": [
                {"terms": {"doc_numbers": ["国令第601号"]}},
                {"terms": {"doc_number": ["国令第601号"]}},
            ],
            "minimum_should_match": 1,
        }
    }

"""store.search_store.preference: one search, one set of shard copies; other searches spread."""

from __future__ import annotations

from store.search_store import preference


def test_the_same_search_always_prefers_the_same_copies() -> None:
    body = {"query": {"match": {"text": "排污权"}}, "size": 10, "knn": {"query_vector": [0.1, -0.2]}}
    same = {"size": 10, "knn": {"query_vector": [0.1, -0.2]}, "query": {"match": {"text": "排污权"}}}
    assert preference(body) == preference(same)  # key order does not matter


def test_other_searches_prefer_other_copies() -> None:
    first = preference({"query": {"match": {"text": "排污权"}}, "from": 0})
    assert first != preference({"query": {"match": {"text": "防溺水"}}, "from": 0})
    assert first != preference({"query": {"match": {"text": "排污权"}}, "from": 10})
    assert not first.startswith("_")  # ES reserves preferences that start with "_"

"""The index generation (search/cache.py) against the real node: every kind of write moves it, and the
shard request cache answers it between refreshes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from elasticsearch import Elasticsearch

from search.cache import generation_of
from store import lookups
from store.records import Cached
from store.search_store import SearchStore
from tests.integration.test_search_store import _published, _records

pytestmark = pytest.mark.integration


def _generation(store: SearchStore) -> str | None:
    (result,) = store.msearch([Cached(lookups.generation_body())])
    return generation_of(result.aggregations)


def _cache_hits(es_client: Elasticsearch, index: str) -> int:
    stats = es_client.indices.stats(index=index, metric="request_cache")
    return int(stats["_all"]["total"]["request_cache"]["hit_count"])


def test_every_write_moves_the_generation(store: SearchStore, es_client: Elasticsearch) -> None:
    index = _published(store)
    seen = [_generation(store)]
    assert seen[0] is not None and seen[0].startswith(f"{index}:")
    hits = _cache_hits(es_client, index)
    assert _generation(store) == seen[0]
    assert _cache_hits(es_client, index) > hits  # the second probe came from the request cache
    passage = _records()[0]
    store.write(index, [replace(passage, text="改写后的古树名木保护。")])  # rewritten in place
    store.refresh(index)
    seen.append(_generation(store))
    store.delete_documents(index, ["d2"])  # a deletion alone
    store.refresh(index)
    seen.append(_generation(store))
    _published(store)  # a rebuild published under the alias
    seen.append(_generation(store))
    assert len(set(seen)) == 4, seen

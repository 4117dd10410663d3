"""A real Elasticsearch node: skipped when absent, but a failure under REQUIRE_ES=1 (CI)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from config.settings import EsSettings
from store.search_store import SearchStore
from tests.conftest import es_url


@pytest.fixture(scope="session")
def es_client() -> Iterator[Elasticsearch]:
    client = Elasticsearch(es_url(), request_timeout=30)
    try:
        client.cluster.health(wait_for_status="yellow", timeout="30s")
    except Exception as exc:  # any failure to reach the node means "no ES here"
        if os.environ.get("REQUIRE_ES") == "1":
            pytest.fail(f"REQUIRE_ES=1 but no Elasticsearch at {es_url()}: {exc}")
        pytest.skip(f"no Elasticsearch at {es_url()}: {exc}")
    yield client
    client.close()


@pytest.fixture
def test_alias(es_client: Elasticsearch) -> Iterator[str]:
    """A fresh alias name per test; every index behind it is deleted afterwards."""
    name = f"test_{uuid.uuid4().hex}"
    yield name
    # Exact names: Elasticsearch 8 refuses wildcard deletes (action.destructive_requires_name).
    for index in es_client.indices.get(index=f"{name}*", expand_wildcards="all"):
        es_client.options(ignore_status=404).indices.delete(index=index)


@pytest.fixture
def store(es_client: Elasticsearch, test_alias: str) -> Iterator[SearchStore]:
    s = SearchStore(EsSettings(url=es_url(), index=test_alias, bulk_chunk=50))
    yield s
    s.close()

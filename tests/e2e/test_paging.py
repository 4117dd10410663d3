"""Stable paging over the sample + the 683 regulations (746 documents): for every dev and held-out query and
every mode, pages 1..5 of size 10 are the first 50 of one request of size 50, no document twice, the same
total on every page; the same through the search page's "下一页" links; precedents likewise by size.

Paging is a property of the ranking code, not of the model: the corpus is embedded with the FakeEmbedder
(deterministic vectors, and the service in this process uses the same one), so the 22k passages index in
a minute instead of the real model's six; Elasticsearch, the mapping and the queries are the real ones."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator
from urllib.parse import urljoin

import httpx
import pytest
from elasticsearch import Elasticsearch

from bench.eval import DEV_QUERIES, HELDOUT_QUERIES, load_queries
from config.settings import EsSettings, ServiceSettings, Settings
from tests.conftest import CORPUS, LAWS, es_url
from tests.e2e.conftest import build_with_fake_embedder, delete_indices, in_process_service, unavailable

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

QUERIES = [q for path in (DEV_QUERIES, HELDOUT_QUERIES) for q in load_queries(path)]
SEARCHES = [q for q in QUERIES if q.kind != "precedent"]
DRAFTS = [q for q in QUERIES if q.kind == "precedent"]
MODES = ("hybrid", "keyword", "semantic")
_NEXT = re.compile(r'<a href="([^"]+)" rel="next">')
_HIT = re.compile(r'<h2><a href="/documents/([^"?#]+)')


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    es = Elasticsearch(es_url(), request_timeout=30)
    try:
        es.cluster.health(wait_for_status="yellow", timeout="30s")
    except Exception as exc:  # any failure to reach the node
        unavailable(f"no Elasticsearch at {es_url()}: {exc}")
    alias = f"test_paging_{uuid.uuid4().hex[:12]}"
    settings = Settings(
        es=EsSettings(url=es_url(), index=alias, timeout=60),
        service=ServiceSettings(rate_limit_per_minute=0, log_json=False, request_deadline_seconds=30),
    )
    try:
        report = build_with_fake_embedder(settings, [CORPUS, LAWS])
        assert report.documents == 746, report
        with in_process_service(settings) as base:
            yield base
    finally:
        delete_indices(es, alias)
        es.close()


def _search(http: httpx.Client, q: str, mode: str, page: int, size: int) -> dict:
    resp = http.get("/api/search", params={"q": q, "mode": mode, "page": page, "size": size})
    assert resp.status_code == 200, resp.text
    return resp.json()


@pytest.mark.parametrize("mode", MODES)
def test_pages_are_slices_of_one_ranking(base_url: str, mode: str) -> None:
    with httpx.Client(base_url=base_url, timeout=60) as http:
        for query in SEARCHES:
            whole = _search(http, query.text, mode, 1, 50)
            expected = [h["doc_id"] for h in whole["hits"]]
            paged: list[str] = []
            for page in range(1, 6):
                body = _search(http, query.text, mode, page, 10)
                assert (body["total"], body["total_relation"]) == (whole["total"], whole["total_relation"]), (
                    query.id,
                    page,
                )
                paged += [h["doc_id"] for h in body["hits"]]
            assert paged == expected, query.id
            assert len(set(paged)) == len(paged), query.id


def test_the_search_pages_next_links_walk_the_same_ranking(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=60) as http:
        for query in SEARCHES[::3]:
            expected = [h["doc_id"] for h in _search(http, query.text, "hybrid", 1, 50)["hits"]]
            seen: list[str] = []
            url: str | None = f"/search?{httpx.QueryParams({'q': query.text})}"
            while url and len(seen) < 50:
                page = http.get(url)
                assert page.status_code == 200, page.text[:300]
                seen += _HIT.findall(page.text)
                link = _NEXT.search(page.text)
                url = urljoin(url, html.unescape(link.group(1))) if link else None
            assert seen[:50] == expected[: len(seen[:50])], query.id
            assert len(set(seen)) == len(seen), query.id


def test_precedents_do_not_depend_on_size(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=60) as http:
        for query in DRAFTS:
            ids = {}
            for size in (5, 20):
                resp = http.post("/api/similar", json={"text": query.text, "size": size})
                assert resp.status_code == 200, resp.text
                ids[size] = [h["doc_id"] for h in resp.json()["hits"]]
            assert ids[5] == ids[20][:5], query.id

"""Issue 12 over HTTP: 文号 in every form, versions folded under the current one, CSV export, did you mean.

The regulations (two versions of 烈士褒扬条例, 国家科学技术奖励条例 and 专利法实施细则) are indexed with
the real model under their own alias and served by their own service; the CSV and spelling cases use the
sample corpus of the session's service.
"""

from __future__ import annotations

import csv
import io
import shutil
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from elasticsearch import Elasticsearch

from analyzers.embed import load_embedder
from analyzers.segment import Segmenter
from bench.policy_eval import folded_right, number_cases, number_success, version_cases
from config.settings import EsSettings, Settings
from indexer.pipeline import Pipeline
from indexer.sources import read_documents
from store.search_store import SearchStore
from tests.conftest import LAWS, es_url
from tests.e2e.conftest import delete_indices, running_service

pytestmark = pytest.mark.e2e

REGULATIONS = [
    "烈士褒扬条例(2019-08-01).md",
    "烈士褒扬条例(2024-09-27).md",
    "国家科学技术奖励条例(2020-10-07).md",
    "国家科学技术奖励条例(2024-05-26).md",
    "专利法实施细则(2010-01-09).md",
    "专利法实施细则(2023-12-11).md",
]
# 烈士褒扬条例 was promulgated by 国务院令第601号 and last revised by 第791号 (its 2024 version)
MARTYRS_601 = [
    "国务院令第601号",
    "国务院令601号",
    "第601号令",
    "国务院第601号令",
    "国务院令第６０１号",
    "中华人民共和国国务院令第601号",
]


@pytest.fixture(scope="module")
def laws(tmp_path_factory: pytest.TempPathFactory, e2e_alias: str) -> Iterator[httpx.Client]:
    """A service over the six regulations (e2e_alias only makes sure a node is there)."""
    folder = tmp_path_factory.mktemp("laws")
    for name in REGULATIONS:
        shutil.copy(LAWS / name, folder / name)
    alias = f"test_policy_{uuid.uuid4().hex}"
    settings = Settings(es=EsSettings(url=es_url(), index=alias))
    store = SearchStore(settings.es)
    es = Elasticsearch(es_url(), request_timeout=30)
    try:
        report = Pipeline(settings, store, load_embedder(settings.model), Segmenter(settings.analyzer)).build(
            [folder]
        )
        assert report.documents == len(REGULATIONS), report
        with (
            running_service(alias, folder / "service.log") as (base, _),
            httpx.Client(base_url=base, timeout=60) as client,
        ):
            yield client
    finally:
        store.close()
        delete_indices(es, alias)
        es.close()


def search(client: httpx.Client, **params: Any) -> dict[str, Any]:
    response = client.get("/api/search", params=params)
    assert response.status_code == 200, response.text[:500]
    return dict(response.json())


def source_of(client: httpx.Client, doc_id: str) -> str:
    return str(client.get(f"/api/documents/{doc_id}").json()["source"])


@pytest.mark.parametrize("q", MARTYRS_601)
def test_a_decree_number_in_any_form_brings_the_current_version_first(laws: httpx.Client, q: str) -> None:
    top = search(laws, q=q)["hits"][0]
    assert top["title"] == "烈士褒扬条例" and top["date"] == "2024-09-27", top
    assert top["validity"]["status"] != "superseded" and "国务院令第601号" in top["doc_numbers"]
    assert top["versions"]["count"] == 1 and top["versions"]["links"][0]["current"] is False


@pytest.mark.parametrize(
    ("q", "version"),
    [
        ("国务院令第791号", "烈士褒扬条例(2024-09-27).md"),
        ("国务院令第731号", "国家科学技术奖励条例(2020-10-07).md"),
    ],
)
def test_a_revision_decree_brings_the_version_it_produced(laws: httpx.Client, q: str, version: str) -> None:
    top = search(laws, q=q)["hits"][0]
    assert source_of(laws, top["doc_id"]) == version


def test_an_old_version_named_by_its_decree_is_shown_superseded(laws: httpx.Client) -> None:
    top = search(laws, q="国务院令第731号")["hits"][0]
    assert top["validity"]["status"] == "superseded" and top["validity"]["superseded_by"]
    assert top["versions"]["links"][0]["current"] is True


@pytest.mark.parametrize("title", ["烈士褒扬条例", "国家科学技术奖励条例", "专利法实施细则"])
def test_a_title_shows_the_current_version_with_the_older_folded(laws: httpx.Client, title: str) -> None:
    body = search(laws, q=title)
    top = body["hits"][0]
    assert title in top["title"] and top["validity"]["status"] != "superseded", top
    assert top["versions"]["count"] == 1 and top["validity"]["supersedes"] == [
        top["versions"]["links"][0]["doc_id"]
    ]
    shown = [h["doc_id"] for h in body["hits"]]
    assert top["versions"]["links"][0]["doc_id"] not in shown  # folded, not listed again


def test_the_eval_cases_of_the_regulations_hold(laws: httpx.Client) -> None:
    """make eval's docnum-at-scale and versions rows (bench/policy_eval.py), over the six regulations."""
    docs = [d for name in REGULATIONS for d in read_documents(LAWS / name, LAWS, 50_000_000)]
    numbers, versions = number_cases(docs), version_cases(docs)
    assert len(versions) == 3 and sum(1 for c in numbers if c.version) >= 2, (numbers, versions)
    regulation, version = number_success(laws, numbers)
    assert regulation >= 0.98 and version is not None and version >= 0.95
    assert [c.title for c in versions if not folded_right(laws, c)] == []


def test_validity_filter_and_facet(laws: httpx.Client) -> None:
    body = search(laws, q="烈士褒扬条例", validity="superseded", mode="keyword")
    assert body["hits"] and all(h["validity"]["status"] == "superseded" for h in body["hits"])
    facets = {b["value"]: b["count"] for b in search(laws, q="条例", mode="keyword")["facets"]["validity"]}
    assert facets.get("superseded", 0) >= 2 and facets.get("current", 0) >= 2, facets


def test_document_page_shows_the_history(laws: httpx.Client) -> None:
    doc_id = search(laws, q="国务院令第791号")["hits"][0]["doc_id"]
    doc = laws.get(f"/api/documents/{doc_id}").json()
    assert [e["number"] for e in doc["history"] if e["number"]][-1] == "国务院令第791号"
    page = laws.get(f"/documents/{doc_id}").text
    assert "修订沿革" in page and "国务院令第791号" in page


def test_csv_export_round_trips(http: httpx.Client) -> None:
    params = {"q": "古树名木保护", "mode": "keyword", "size": 20}
    hits = search(http, **params)["hits"]
    response = http.get("/api/search", params={**params, "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == [h["title"] for h in hits]
    assert [r["url"].rsplit("/", 1)[-1] for r in rows] == [h["doc_id"] for h in hits]
    assert [r["doc_number"] for r in rows] == [h["doc_number"] or "" for h in hits]


def test_did_you_mean(http: httpx.Client) -> None:
    assert search(http, q="公平竟争审查")["did_you_mean"] == "公平竞争审查"
    assert search(http, q="公平竞争审查")["did_you_mean"] is None
    assert "您是不是要找" in http.get("/search", params={"q": "公平竟争审查"}).text


def test_bad_doc_number_and_validity_are_400(http: httpx.Client) -> None:
    for params, name in (({"doc_number": "古树名木"}, "doc_number"), ({"validity": "valid"}, "validity")):
        body = http.get("/api/search", params={"q": "古树", **params}).json()
        assert body["status"] == 400 and body["message"].startswith(name)

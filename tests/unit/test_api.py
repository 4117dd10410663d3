"""service/api.py + app.py + errors.py: the views over a spec'd mock store and a FakeEmbedder (no ES, no model)."""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock, Mock

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from analyzers.segment import Segmenter
from config.settings import ServiceSettings, Settings
from service.app import create_app
from store.errors import IndexNotFound, LockHeld, StoreError, StoreUnavailable
from store.lock import WriterLock
from store.records import Cached, Hit, SearchResult
from store.search_store import SearchStore
from tests.fakes import FakeEmbedder

SEGMENTER = Segmenter(Settings().analyzer)  # one jieba load for the module
PASSAGE = {
    "doc_id": "d1",
    "passage_id": "d1#0",
    "ordinal": 0,
    "text": "加强古树名木保护工作。",
    "heading": "",
    "title": "关于加强古树名木保护工作的通知",
    "doc_number": "聊政办字〔2023〕21号",
    "issuer": "聊城市人民政府办公室",
    "date": "2023-05-06",
    "kind": "通知",
    "text_seg": "加强 古树 名木 保护 工作 。",
}
TOKEN = "unit-test-admin-token-0123456789abcdef"  # the service refuses tokens under 32 characters
AUTH = {"Authorization": f"Bearer {TOKEN}"}
API_PATHS = ["/api/search?q=古树", "/api/suggest?q=古树", "/api/documents/d1", "/api/documents/d1/similar"]


def make_store() -> Mock:
    store = Mock(spec=SearchStore)
    store.alias = "gov-docs"
    store.live_index.return_value = "gov-docs-v1"
    store.ping.return_value = True
    store.count.return_value = 1
    store.index_meta.return_value = {"model_name": "fake", "dims": 8}
    store.get_document.return_value = None
    hit = Hit("d1#0", "d1", 3.5, PASSAGE)
    result = SearchResult([hit], {"doc_count": {"value": 1}})
    store.msearch.side_effect = lambda bodies: [result] * len(bodies)
    store.passages.side_effect = lambda ids, index=None: {pid: PASSAGE for pid in ids}
    store.suggest.return_value = []
    store.writer_lock.return_value = MagicMock(spec=WriterLock)
    store.document_passages.return_value = []
    store.documents_numbered.return_value = []
    store.documents_citing.return_value = []
    store.documents_in_groups.return_value = []
    store.spelling_options.return_value = []
    store.phrases_held.return_value = []
    return store


def make_app(store: Mock, **service: Any) -> Flask:
    settings = Settings(service=ServiceSettings(**{"rate_limit_per_minute": 0, "log_json": False, **service}))
    app = create_app(settings, store=store, embedder=FakeEmbedder(dims=8), segmenter=SEGMENTER)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def store() -> Mock:
    return make_store()


@pytest.fixture
def client(store: Mock) -> Iterator[FlaskClient]:
    yield make_app(store).test_client()


def assert_error(response: TestResponse, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body == {"ok": False, "status": status, "error": code, "message": body["message"]}
    assert isinstance(body["message"], str) and body["message"]
    return dict(body)


def test_keyword_search_shape(client: FlaskClient, store: Mock) -> None:
    response = client.get("/api/search", query_string={"q": "古树", "mode": "keyword"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True and body["total"] == 1
    (hit,) = body["hits"]
    assert {k: hit[k] for k in ("doc_id", "title", "doc_number", "url")} == {
        "doc_id": "d1",
        "title": PASSAGE["title"],
        "doc_number": PASSAGE["doc_number"],
        "url": "/documents/d1",
    }
    assert hit["passages"] == [
        {
            "passage_id": "d1#0",
            "text": PASSAGE["text"],
            "highlight": "加强<em>古树</em>名木保护工作。",
            "heading": "",
        }
    ]
    assert body["query"]["mode"] == "keyword" and body["query"]["tokens"]
    assert "es;dur=" in response.headers["Server-Timing"]
    store.msearch.assert_called_once()


@pytest.mark.parametrize(
    ("q", "mode", "searches"),
    [
        # collapsed passage kNN + keyword by document + keyword passages (the index-wide document
        # frequencies for the whole-document evidence come later, with it, when not cached)
        ("古树名木", "hybrid", 3),
        # ... + the passages closest in meaning, where answers to questions sit
        ("乡村学校的老师每年有免费体检吗", "hybrid", 4),
        ("古树名木", "semantic", 2),
        ("古树名木", "keyword", 2),
    ],
)
def test_searches_per_query_shape(client: FlaskClient, store: Mock, q: str, mode: str, searches: int) -> None:
    assert client.get("/api/search", query_string={"q": q, "mode": mode}).status_code == 200
    (bodies,), _ = store.msearch.call_args_list[0]
    # ... then the riders (search/riders.py): the index generation, the did-you-mean suggester (not for a
    # question: no correction of one could be a phrase of the index)
    question = "吗" in q
    assert len(bodies) == searches + (1 if question else 2)
    assert isinstance(bodies[searches], Cached)
    assert question or "suggest" in bodies[-1].body


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/search", "q"),
        ("/api/search?q=古树&mode=fuzzy", "mode"),
        ("/api/search?q=古树&size=0", "size"),
        ("/api/search?q=古树&size=51", "size"),
        ("/api/search?q=古树&size=abc", "size"),
        ("/api/search?q=古树&page=0", "page"),
        ("/api/search?q=古树&sort=x", "sort"),
        ("/api/search?q=古树&date_from=2023-1", "date_from"),
        ("/api/search?q=古树&date_from=2024&date_to=2023", "date_from"),
        ("/api/suggest", "q"),
        ("/api/documents/a.b", "doc_id"),
        ("/api/documents/d1/similar?size=99", "size"),
    ],
)
def test_400_names_the_parameter(client: FlaskClient, store: Mock, path: str, name: str) -> None:
    body = assert_error(client.get(path), 400, "invalid_parameter")
    assert body["message"].startswith(name)
    store.msearch.assert_not_called()


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("{not json", "application/json"),
        ("text=草稿", "application/x-www-form-urlencoded"),
        ("[1]", "application/json"),
    ],
)
def test_similar_needs_a_json_object(client: FlaskClient, data: str, content_type: str) -> None:
    assert_error(client.post("/api/similar", data=data, content_type=content_type), 400, "invalid_parameter")


def test_404(client: FlaskClient) -> None:
    assert_error(client.get("/api/nothing-here"), 404, "not_found")
    assert_error(client.get("/api/documents/d404"), 404, "not_found")
    assert_error(client.get("/api/documents/d404/similar"), 404, "not_found")


def test_405_lists_the_allowed_methods(client: FlaskClient) -> None:
    response = client.post("/api/search?q=古树")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    assert_error(client.get("/api/similar"), 405, "method_not_allowed")
    assert_error(client.put("/api/documents/d1"), 405, "method_not_allowed")


def test_413_for_a_huge_body_or_draft(client: FlaskClient) -> None:
    huge = '{"text": "' + "字" * 100_000 + '"}'  # 300 kB > max_body_bytes
    assert_error(
        client.post("/api/similar", data=huge, content_type="application/json"), 413, "payload_too_large"
    )
    body = assert_error(client.post("/api/similar", json={"text": "字" * 20_001}), 413, "payload_too_large")
    assert body["message"].startswith("text")


def test_429_with_retry_after() -> None:
    client = make_app(make_store(), rate_limit_per_minute=6).test_client()
    assert client.get("/api/suggest?q=古树").status_code == 200
    response = client.get("/api/suggest?q=古树")
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) >= 1
    assert client.get("/healthz").status_code == 200  # health and metrics are never limited
    assert client.get("/metrics", headers=AUTH).status_code == 403  # no admin token configured here


@pytest.mark.parametrize("path", API_PATHS)
def test_503_with_retry_after_when_elasticsearch_is_down(client: FlaskClient, store: Mock, path: str) -> None:
    down = StoreUnavailable("connection refused")
    for method in ("live_index", "msearch", "suggest", "get_document", "ping", "count"):
        getattr(store, method).side_effect = down
    response = client.get(path)
    body = assert_error(response, 503, "unavailable")
    assert "connection refused" not in body["message"]  # internals stay in the log
    assert int(response.headers["Retry-After"]) > 0


def test_503_for_similar_when_elasticsearch_is_down(client: FlaskClient, store: Mock) -> None:
    store.live_index.side_effect = StoreUnavailable("down")
    store.msearch.side_effect = StoreUnavailable("down")
    response = client.post("/api/similar", json={"text": "加强古树名木保护工作。"})
    assert_error(response, 503, "unavailable")
    assert response.headers["Retry-After"]


def test_healthz_degraded_when_elasticsearch_is_down(client: FlaskClient, store: Mock) -> None:
    assert client.get("/healthz").get_json()["status"] == "ok"
    store.ping.return_value = False
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "degraded" and response.get_json()["ok"] is False


def test_other_store_failures(client: FlaskClient, store: Mock) -> None:
    store.msearch.side_effect = IndexNotFound("no such index")
    assert_error(client.get("/api/search?q=古树&mode=keyword"), 503, "index_missing")
    store.msearch.side_effect = StoreError("parse error")
    assert_error(client.get("/api/search?q=古树&mode=keyword"), 502, "backend_error")
    store.msearch.side_effect = RuntimeError("secret detail")
    body = assert_error(client.get("/api/search?q=古树&mode=keyword"), 500, "internal")
    assert "secret" not in body["message"]


def test_request_id_is_echoed_or_generated(client: FlaskClient) -> None:
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123.x_y"}).headers["X-Request-ID"]
        == "abc-123.x_y"
    )
    for sent in (
        {},
        {"X-Request-ID": "has spaces"},
        {"X-Request-ID": "x" * 65},
        {"X-Request-ID": "<script>"},
    ):
        rid = client.get("/api/nothing", headers=sent).headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", rid), rid
    first, second = (client.get("/healthz").headers["X-Request-ID"] for _ in range(2))
    assert first != second


def test_admin_delete_disabled_without_a_token(client: FlaskClient, store: Mock) -> None:
    assert_error(client.delete("/api/documents/d1", headers={"Authorization": "Bearer x"}), 404, "not_found")
    store.delete_documents.assert_not_called()


def test_admin_delete_needs_the_right_token(store: Mock) -> None:
    client = make_app(store, admin_token=TOKEN).test_client()
    assert_error(client.delete("/api/documents/d1"), 403, "forbidden")
    assert_error(
        client.delete("/api/documents/d1", headers={"Authorization": "Bearer wrong"}), 403, "forbidden"
    )
    store.delete_documents.assert_not_called()
    store.delete_documents.return_value = 3
    response = client.delete("/api/documents/d1", headers=AUTH)
    assert response.status_code == 200 and response.get_json() == {"ok": True, "deleted": 3}
    store.writer_lock.assert_called_once()  # the same writer lock as the indexer's
    store.delete_documents.assert_called_once_with("gov-docs-v1", ["d1"])
    store.delete_documents.return_value = 0
    assert_error(client.delete("/api/documents/d9", headers=AUTH), 404, "not_found")


def test_admin_delete_while_a_build_runs_is_a_409(store: Mock) -> None:
    client = make_app(store, admin_token=TOKEN).test_client()
    store.writer_lock.return_value.__enter__.side_effect = LockHeld("another writer holds the index lock")
    response = client.delete("/api/documents/d1", headers=AUTH)
    assert_error(response, 409, "index_busy")
    assert response.headers["Retry-After"]
    store.delete_documents.assert_not_called()


def test_openapi_lists_every_api_route(client: FlaskClient) -> None:
    app = client.application
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") or rule.rule in ("/healthz", "/openapi.json", "/metrics")
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    spec = client.get("/openapi.json").get_json()
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert documented == routes
    assert spec["components"]["schemas"]["Error"]["required"] == ["ok", "status", "error", "message"]
    for item in spec["paths"].values():
        for operation in item.values():
            assert {"200", "405", "500", "502"} <= set(operation["responses"]), operation["summary"]
    refs = re.findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(spec))
    assert set(refs) <= set(spec["components"]["schemas"])  # no dangling reference


def test_public_health_matches_its_schema(client: FlaskClient) -> None:
    """The public /healthz says ok and status only; the schema must not require the private details."""
    schema = client.get("/openapi.json").get_json()["components"]["schemas"]["Health"]
    body = client.get("/healthz").get_json()
    assert set(body) == {"ok", "status"}
    assert set(schema["required"]) <= set(body)
    metrics = client.get("/openapi.json").get_json()["paths"]["/metrics"]["get"]["responses"]
    assert client.get("/metrics").status_code == 403 and "403" in metrics


def test_openapi_file_ships_with_the_package() -> None:
    # A non-editable install carries only the package data pyproject names.
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert "openapi.json" in pyproject["tool"]["setuptools"]["package-data"]["service"]


def test_metrics_text(store: Mock) -> None:
    client = make_app(store, admin_token=TOKEN).test_client()
    client.get("/api/search?q=古树&mode=keyword")
    client.get("/api/nothing")
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert 'search_requests_total{endpoint="/api/search",mode="keyword",status="200"} 1.0' in text
    assert 'search_requests_total{endpoint="unmatched",mode="-",status="404"} 1.0' in text
    assert "search_request_seconds_bucket" in text


def test_metrics_count_elasticsearch_errors(store: Mock) -> None:
    client = make_app(store, admin_token=TOKEN).test_client()
    store.msearch.side_effect = StoreUnavailable("down")
    assert client.get("/api/search?q=古树&mode=keyword").status_code == 503
    text = client.get("/metrics", headers=AUTH).get_data(as_text=True)
    assert 'search_elasticsearch_errors_total{kind="unavailable"} 1.0' in text


def test_healthz_reports_the_model_and_its_licence(store: Mock) -> None:
    token = "t" * 32
    client = make_app(store, admin_token=token).test_client()
    private = {"Authorization": f"Bearer {token}"}  # the details are the operators' view
    model = client.get("/healthz", headers=private).get_json()["model"]
    # The configured model is m3e-small; its licence is quoted from its README without loading it.
    assert "仅供研究使用" in model["licence"] and model["licence_source"] == "README.md, section License"
    client.get("/api/search?q=古树&mode=semantic")
    model = client.get("/healthz", headers=private).get_json()["model"]
    assert (model["name"], model["dims"], model["loaded"]) == ("fake", 8, True)  # what actually runs


def test_csv_export_has_a_bom_and_the_page_columns(client: FlaskClient, store: Mock) -> None:
    response = client.get("/api/search", query_string={"q": "古树", "mode": "keyword", "format": "csv"})
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["rank", "title", "doc_number", "issuer", "date", "kind", "validity", "versions", "url"]
    assert rows[1][:3] == ["1", PASSAGE["title"], PASSAGE["doc_number"]]
    assert rows[1][-1] == "http://localhost/documents/d1"
    (bodies,), _ = store.msearch.call_args
    assert bodies[0]["size"] == 1000  # a CSV export is one page of up to 1,000 hits


@pytest.mark.parametrize(
    ("args", "param"),
    [
        ({"doc_number": "古树名木"}, "doc_number"),
        ({"validity": "valid"}, "validity"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(
    client: FlaskClient, args: dict[str, str], param: str
) -> None:
    body = assert_error(
        client.get("/api/search", query_string={"q": "古树", **args}), 400, "invalid_parameter"
    )
    assert body["message"].startswith(param)


def test_hits_carry_validity_and_versions(client: FlaskClient, store: Mock) -> None:
    hit = client.get("/api/search", query_string={"q": "古树", "mode": "keyword"}).get_json()["hits"][0]
    assert hit["validity"]["status"] in ("current", "unknown")
    assert hit["versions"] == {"count": 0, "links": []}
    assert hit["doc_numbers"] == [] and "promulgated" in hit

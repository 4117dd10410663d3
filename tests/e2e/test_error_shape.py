"""Every endpoint's error statuses over HTTP, in the one shape {"ok": false, "status", "error", "message"}."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import assert_error_shape, free_port, running_service

pytestmark = pytest.mark.e2e

DOC = "0000000000000000"  # a well-formed doc_id no document has
ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef0123"  # 32+ characters, or the service refuses it
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        # /api/search
        ("GET", "/api/search", {}, 400, "invalid_parameter"),
        ("GET", "/api/search", {"params": {"q": "字" * 257}}, 400, "invalid_parameter"),
        ("GET", "/api/search", {"params": {"q": "古树", "mode": "x"}}, 400, "invalid_parameter"),
        ("GET", "/api/search", {"params": {"q": "古树", "size": "0"}}, 400, "invalid_parameter"),
        ("GET", "/api/search", {"params": {"q": "古树", "size": "abc"}}, 400, "invalid_parameter"),
        ("GET", "/api/search", {"params": {"q": "古树", "page": "51"}}, 400, "invalid_parameter"),
        ("GET", "/api/search", {"params": {"q": "古树", "sort": "title"}}, 400, "invalid_parameter"),
        (
            "GET",
            "/api/search",
            {"params": {"q": "古树", "date_from": "2023-02-30"}},
            400,
            "invalid_parameter",
        ),
        # Elasticsearch cannot parse non-ASCII digits: once a 502 found by the fuzz test
        ("GET", "/api/search", {"params": {"q": "古树", "date_from": "٢٠٢٣"}}, 400, "invalid_parameter"),
        (
            "GET",
            "/api/search",
            {"params": {"q": "古树", "date_from": "2024", "date_to": "2023"}},
            400,
            "invalid_parameter",
        ),
        ("POST", "/api/search", {"params": {"q": "古树"}}, 405, "method_not_allowed"),
        ("DELETE", "/api/search", {}, 405, "method_not_allowed"),
        # /api/similar
        (
            "POST",
            "/api/similar",
            {"content": b"{oops", "headers": {"Content-Type": "application/json"}},
            400,
            "invalid_parameter",
        ),
        (
            "POST",
            "/api/similar",
            {"content": "草稿".encode(), "headers": {"Content-Type": "text/plain"}},
            400,
            "invalid_parameter",
        ),
        ("POST", "/api/similar", {"json": ["草稿"]}, 400, "invalid_parameter"),
        ("POST", "/api/similar", {"json": {"draft": "草稿"}}, 400, "invalid_parameter"),
        ("POST", "/api/similar", {"json": {"text": 42}}, 400, "invalid_parameter"),
        ("POST", "/api/similar", {"json": {"text": "草稿", "size": 0}}, 400, "invalid_parameter"),
        ("POST", "/api/similar", {"json": {"text": "草稿", "date_to": "soon"}}, 400, "invalid_parameter"),
        ("POST", "/api/similar", {"json": {"text": "字" * 20_001}}, 413, "payload_too_large"),
        ("POST", "/api/similar", {"json": {"text": "x" * 300_000}}, 413, "payload_too_large"),
        ("GET", "/api/similar", {}, 405, "method_not_allowed"),
        # /api/documents/<id>
        ("GET", "/api/documents/bad.id", {}, 400, "invalid_parameter"),
        ("GET", "/api/documents/" + "x" * 65, {}, 400, "invalid_parameter"),
        ("GET", f"/api/documents/{DOC}", {}, 404, "not_found"),
        ("POST", f"/api/documents/{DOC}", {}, 405, "method_not_allowed"),
        ("DELETE", f"/api/documents/{DOC}", {"headers": {"Authorization": "Bearer x"}}, 404, "not_found"),
        # /api/documents/<id>/similar
        ("GET", "/api/documents/bad.id/similar", {}, 400, "invalid_parameter"),
        ("GET", f"/api/documents/{DOC}/similar", {}, 404, "not_found"),
        ("GET", f"/api/documents/{DOC}/similar", {"params": {"size": "51"}}, 400, "invalid_parameter"),
        ("POST", f"/api/documents/{DOC}/similar", {}, 405, "method_not_allowed"),
        # /api/suggest
        ("GET", "/api/suggest", {}, 400, "invalid_parameter"),
        ("GET", "/api/suggest", {"params": {"q": "字" * 65}}, 400, "invalid_parameter"),
        ("PUT", "/api/suggest", {"params": {"q": "古树"}}, 405, "method_not_allowed"),
        # the rest
        ("POST", "/healthz", {}, 405, "method_not_allowed"),
        ("POST", "/openapi.json", {}, 405, "method_not_allowed"),
        ("GET", "/api/no-such-endpoint", {}, 404, "not_found"),
        ("GET", "/api/documents/", {}, 404, "not_found"),
        ("GET", "/nonsense.json", {}, 404, "not_found"),
    ],
)
def test_client_errors(
    http: httpx.Client, method: str, path: str, kwargs: dict[str, Any], status: int, code: str
) -> None:
    response = http.request(method, path, **kwargs)
    body = assert_error_shape(response, status)
    assert body["error"] == code
    if status == 405:
        assert response.headers["Allow"]


def test_messages_name_the_parameter(http: httpx.Client) -> None:
    for param, value in [("size", "0"), ("page", "0"), ("mode", "x"), ("sort", "x"), ("date_to", "x")]:
        body = assert_error_shape(http.get("/api/search", params={"q": "古树", param: value}), 400)
        assert str(body["message"]).startswith(param)


def test_request_id_comes_back_on_errors(http: httpx.Client) -> None:
    response = http.get("/api/search", headers={"X-Request-ID": "trace-42"})
    assert_error_shape(response, 400)
    assert response.headers["X-Request-ID"] == "trace-42"


@pytest.fixture(scope="module")
def limited(e2e_alias: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second service over the same index, 6 requests per minute per client (a burst of one)."""
    log = tmp_path_factory.mktemp("limited") / "service.log"
    env = {"SEARCH_SERVICE__RATE_LIMIT_PER_MINUTE": "6"}
    with running_service(e2e_alias, log, env=env) as (base, _):
        yield base


def test_429_on_every_limited_endpoint(limited: str) -> None:
    with httpx.Client(base_url=limited, timeout=30) as http:
        http.get("/api/suggest", params={"q": "古树"})  # spends the burst
        requests: list[tuple[str, str, dict[str, Any]]] = [
            ("GET", "/api/search", {"params": {"q": "古树"}}),
            ("POST", "/api/similar", {"json": {"text": "草稿"}}),
            ("GET", f"/api/documents/{DOC}", {}),
            ("GET", f"/api/documents/{DOC}/similar", {}),
            ("GET", "/api/suggest", {"params": {"q": "古树"}}),
            ("GET", "/api/search", {}),  # limited before it is even parsed
        ]
        for method, path, kwargs in requests:
            response = http.request(method, path, **kwargs)
            assert assert_error_shape(response, 429)["error"] == "rate_limited"
            assert 1 <= int(response.headers["Retry-After"]) <= 10
        assert http.get("/healthz").status_code == 200  # never limited
        assert http.get("/openapi.json").status_code == 200


@pytest.fixture(scope="module")
def no_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A service whose Elasticsearch URL has nobody listening (and an admin token configured)."""
    log = tmp_path_factory.mktemp("nobackend") / "service.log"
    dead = f"http://127.0.0.1:{free_port()}"
    env = {"SEARCH_SERVICE__ADMIN_TOKEN": ADMIN_TOKEN}
    with running_service(f"test_e2e_{uuid.uuid4().hex}", log, es=dead, env=env, ready=(503,)) as (base, _):
        yield base


@pytest.fixture(scope="module")
def no_index(tmp_path_factory: pytest.TempPathFactory, e2e_alias: str) -> Iterator[str]:
    """A service over an alias nothing was ever indexed into (the node itself is up)."""
    log = tmp_path_factory.mktemp("noindex") / "service.log"
    env = {"SEARCH_SERVICE__ADMIN_TOKEN": ADMIN_TOKEN}
    with running_service(f"test_e2e_missing_{uuid.uuid4().hex}", log, env=env, ready=(503,)) as (base, _):
        yield base


UNAVAILABLE_REQUESTS = [
    ("GET", "/api/search", {"params": {"q": "古树"}}),
    ("GET", "/api/search", {"params": {"q": "古树", "mode": "keyword"}}),
    ("GET", "/api/search", {"params": {"q": "聊政办字〔2023〕21号"}}),
    ("POST", "/api/similar", {"json": {"text": "加强古树名木保护工作。"}}),
    ("GET", f"/api/documents/{DOC}", {}),
    ("GET", f"/api/documents/{DOC}/similar", {}),
    ("GET", "/api/suggest", {"params": {"q": "古树"}}),
    ("DELETE", f"/api/documents/{DOC}", {"headers": {"Authorization": f"Bearer {ADMIN_TOKEN}"}}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), UNAVAILABLE_REQUESTS)
def test_503_without_elasticsearch(no_backend: str, method: str, path: str, kwargs: dict[str, Any]) -> None:
    response = httpx.request(method, no_backend + path, timeout=30, **kwargs)
    assert assert_error_shape(response, 503)["error"] == "unavailable"
    assert int(response.headers["Retry-After"]) > 0


def test_403_and_health_without_elasticsearch(no_backend: str) -> None:
    wrong = httpx.delete(f"{no_backend}/api/documents/{DOC}", headers={"Authorization": "Bearer nope"})
    assert assert_error_shape(wrong, 403)["error"] == "forbidden"
    health = httpx.get(f"{no_backend}/healthz", headers=ADMIN)
    assert health.status_code == 503
    assert health.json()["status"] == "degraded" and health.json()["elasticsearch"] is False
    # parameters are still checked first
    assert_error_shape(httpx.get(f"{no_backend}/api/search"), 400)


@pytest.mark.parametrize(("method", "path", "kwargs"), UNAVAILABLE_REQUESTS[:-1])
def test_503_before_anything_is_indexed(
    no_index: str, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    response = httpx.request(method, no_index + path, timeout=30, **kwargs)
    body = assert_error_shape(response, 503 if "documents" not in path else 404)
    if response.status_code == 503:
        assert body["error"] == "index_missing"
        assert int(response.headers["Retry-After"]) > 0


def test_health_before_anything_is_indexed(no_index: str) -> None:
    health = httpx.get(f"{no_index}/healthz", headers=ADMIN)
    assert health.status_code == 503
    assert health.json()["elasticsearch"] is True and health.json()["index"]["concrete"] is None

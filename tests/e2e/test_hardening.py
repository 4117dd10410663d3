"""Issue 15 over HTTP against gunicorn (`--production`): its request-line and header limits, the JSON shape
and security headers where the app answers, the private operations listener, odd 文号 digits end to end."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.conftest import CORPUS_DOCUMENTS, assert_error_shape, free_port, running_service

pytestmark = pytest.mark.e2e

TOKEN = "e2e-hardening-admin-token-0123456789abcdef"
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
DOC_NUMBER = "聊政办字〔2023〕24号"


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory, e2e_alias: str) -> Iterator[tuple[str, str]]:
    """(public base URL, operations base URL) of the service under gunicorn."""
    ops_port = free_port()
    env = {"SEARCH_SERVICE__OPS_PORT": str(ops_port), "SEARCH_SERVICE__ADMIN_TOKEN": TOKEN}
    log = tmp_path_factory.mktemp("gunicorn") / "service.log"
    with running_service(e2e_alias, log, env=env, production=True) as (base, _):
        yield base, f"http://127.0.0.1:{ops_port}"


def raw(base: str, request: bytes) -> bytes:
    """One request as bytes on a fresh connection; the answer's first bytes."""
    url = urlsplit(base)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(request)
        return sock.recv(65536)


@pytest.mark.parametrize("q", ["a" * 5000, "字" * 300, "字" * 257])
def test_a_long_query_is_the_apps_json_400(gunicorn: tuple[str, str], q: str) -> None:
    response = httpx.get(gunicorn[0] + "/api/search", params={"q": q, "issuer": "x" * 100})
    assert "256" in assert_error_shape(response, 400)["message"]
    assert response.headers["Content-Security-Policy"] == DATA_CSP


def test_past_gunicorns_limits_the_answer_is_its_own(gunicorn: tuple[str, str]) -> None:
    """Documented in README Operations: a request line over 8 KB, a header over 8 KB, ambiguous framing."""
    base = gunicorn[0]
    assert httpx.get(base + "/api/search", params={"q": "a" * 9000}).status_code == 414
    assert httpx.get(base + "/api/search?q=x", headers={"X-Big": "a" * 9000}).status_code in (400, 431)
    smuggled = raw(
        base,
        b"POST /api/similar HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"0\r\n\r\n",
    )
    assert smuggled.startswith(b"HTTP/1.1 400"), smuggled[:200]
    assert httpx.get(base + "/healthz").status_code == 200  # and the service carries on


def test_odd_json_is_a_400_over_http(gunicorn: tuple[str, str]) -> None:
    base = gunicorn[0]
    headers = {"Content-Type": "application/json"}
    surrogate = httpx.post(base + "/api/similar", content=b'{"text": "\\ud800"}', headers=headers)
    assert "text" in assert_error_shape(surrogate, 400)["message"]
    deep = httpx.post(base + "/api/similar", content=b"[" * 120_000 + b"]" * 120_000, headers=headers)
    assert_error_shape(deep, 400)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/search/x", 404),
        ("DELETE", "/search", 405),
        ("POST", "/", 405),
        ("GET", "/search?page=%C2%B2", 400),
    ],
)
def test_pages_answer_errors_with_our_page_and_headers(
    gunicorn: tuple[str, str], method: str, path: str, status: int
) -> None:
    response = httpx.request(method, gunicorn[0] + path)
    assert response.status_code == status
    assert 'lang="zh-CN"' in response.text and "Werkzeug" not in response.text
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/api/search?q=古树", "/api/nope", "/healthz", "/metrics"])
def test_json_and_errors_carry_security_headers(gunicorn: tuple[str, str], path: str) -> None:
    response = httpx.get(gunicorn[0] + path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == DATA_CSP


def test_operations_views_are_private(gunicorn: tuple[str, str], e2e_alias: str) -> None:
    base, ops = gunicorn
    assert httpx.get(base + "/healthz").json() == {"ok": True, "status": "ok"}
    assert_error_shape(httpx.get(base + "/metrics"), 403)
    for details in (
        httpx.get(ops + "/healthz"),
        httpx.get(base + "/healthz", headers={"Authorization": f"Bearer {TOKEN}"}),
    ):
        body = details.json()
        assert body["ok"] is True and body["elasticsearch"] is True and body["index"]["alias"] == e2e_alias
        assert body["documents"] == CORPUS_DOCUMENTS and body["model"]["loaded"] is True
    httpx.get(base + "/api/search", params={"q": "古树", "mode": "semantic"})
    text = httpx.get(ops + "/metrics").text
    assert "search_request_seconds_bucket" in text and "search_requests_total" in text


@pytest.mark.parametrize(
    "variant",
    [
        "聊政办字〔20٢٣〕٢٤号",  # Arabic-Indic digits
        "聊政办字〔２０２３〕２４号",  # full-width
        "聊政办字〔2023〕2\u200b4号",  # a zero-width space inside
        "\u202e聊政办字〔2023〕24号",  # a right-to-left override in front
        "聊政办字〔𝟐𝟎𝟐𝟑〕𝟐𝟒号",  # mathematical bold digits
    ],
)
def test_doc_numbers_with_other_digits_or_invisible_characters(
    gunicorn: tuple[str, str], variant: str
) -> None:
    def top(q: str) -> dict[str, object]:
        body = httpx.get(gunicorn[0] + "/api/search", params={"q": q, "mode": "hybrid"}, timeout=30).json()
        return {"doc_number": body["hits"][0]["doc_number"], "query": body["query"].get("doc_number")}

    assert top(variant) == top(DOC_NUMBER)
    assert top(variant)["doc_number"] == DOC_NUMBER


def test_every_answer_is_json_on_the_api(gunicorn: tuple[str, str]) -> None:
    body = json.loads(httpx.get(gunicorn[0] + "/api/documents/..%2F..").text)
    assert body["ok"] is False

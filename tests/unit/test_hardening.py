"""Issue 15's rows that the Flask app answers itself: odd JSON, odd digits, error pages and headers
everywhere, the embedding budget and slots, proxies, private operations views, the deadline, weak tokens."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from unittest.mock import Mock

import pytest
from pydantic import ValidationError

from config.settings import ServiceSettings
from service.limits import EmbedSlots, RateLimiter
from service.web import CSP
from store import deadline
from store.errors import DeadlineExceeded
from tests.unit.test_api import AUTH, TOKEN, assert_error, make_app, make_store

DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
DRAFT = "加强古树名木保护工作，落实管护责任。" * 40  # 10 segments


def test_lone_surrogate_in_json_is_a_400_naming_text() -> None:
    client = make_app(make_store()).test_client()
    response = client.post("/api/similar", data=b'{"text": "\\ud800"}', content_type="application/json")
    assert "text" in assert_error(response, 400, "invalid_parameter")["message"]
    response = client.post(
        "/api/similar", data=b'{"text": "x", "issuer": "\\udfff"}', content_type="application/json"
    )
    assert "issuer" in assert_error(response, 400, "invalid_parameter")["message"]


def test_deeply_nested_json_is_a_400() -> None:
    body = b"[" * 120_000 + b"]" * 120_000
    client = make_app(make_store(), max_body_bytes=300_000).test_client()
    response = client.post("/api/similar", data=body, content_type="application/json")
    assert "nested" in assert_error(response, 400, "invalid_parameter")["message"]


@pytest.mark.parametrize("page", ["²", "٣", "３", "1.0"])
def test_non_ascii_digits_in_page(page: str) -> None:
    client = make_app(make_store()).test_client()
    response = client.get("/search", query_string={"q": "古树", "page": page})
    assert response.status_code == 400 and "页码" in response.get_data(as_text=True)
    assert_error(
        client.get("/api/search", query_string={"q": "古树", "page": page}), 400, "invalid_parameter"
    )


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/search/x", 404), ("DELETE", "/search", 405), ("POST", "/", 405), ("GET", "/documents/", 404)],
)
def test_unknown_pages_and_wrong_methods_get_our_error_page(method: str, path: str, status: int) -> None:
    response = make_app(make_store()).test_client().open(path, method=method)
    assert response.status_code == status and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'lang="zh-CN"' in html and "Werkzeug" not in html and "Method Not Allowed" not in html
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    if status == 405:
        assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("path", ["/api/search?q=x", "/api/nope", "/openapi.json", "/healthz", "/api/search"])
def test_json_answers_carry_nosniff_and_a_closed_csp(path: str) -> None:
    response = make_app(make_store()).test_client().get(path)
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == DATA_CSP


def test_pages_keep_their_own_policy() -> None:
    client = make_app(make_store()).test_client()
    for path in ("/", "/search?q=古树", "/similar", "/assets/app.js", "/documents/nope"):
        assert client.get(path).headers["Content-Security-Policy"] == CSP, path


def test_draft_segments_are_charged_to_the_client() -> None:
    client = make_app(make_store(), embed_segments_per_minute=90).test_client()  # a bucket of 15
    assert client.post("/api/similar", json={"text": DRAFT}).status_code == 200
    response = client.post("/api/similar", json={"text": DRAFT})
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) >= 1
    assert client.get("/api/search?q=古树").status_code == 200  # plain searches are not charged
    page = client.post("/similar", data={"draft": DRAFT})
    assert page.status_code == 429 and page.headers["Retry-After"]


def test_a_draft_beyond_the_free_embedding_slots_is_a_503() -> None:
    app = make_app(make_store(), max_concurrent_embeddings=1)
    client = app.test_client()
    with app.extensions["embed_slots"].hold() as taken:
        assert taken
        response = client.post("/api/similar", json={"text": DRAFT})
        assert_error(response, 503, "busy")
        assert response.headers["Retry-After"]
        page = client.post("/similar", data={"draft": DRAFT})
        assert page.status_code == 503 and page.headers["Retry-After"]
    assert client.post("/api/similar", json={"text": DRAFT}).status_code == 200


@pytest.mark.parametrize(("proxies", "second_status"), [(0, 429), (1, 200)])
def test_trusted_proxies_key_the_limits_on_the_forwarded_client(proxies: int, second_status: int) -> None:
    client = make_app(make_store(), rate_limit_per_minute=6, trusted_proxies=proxies).test_client()
    first = client.get("/api/suggest?q=古树", headers={"X-Forwarded-For": "10.0.0.1"})
    second = client.get("/api/suggest?q=古树", headers={"X-Forwarded-For": "10.0.0.2"})
    assert (first.status_code, second.status_code) == (200, second_status)


def test_public_health_says_only_ok_or_degraded() -> None:
    store = make_store()
    client = make_app(store, admin_token=TOKEN).test_client()
    assert client.get("/healthz").get_json() == {"ok": True, "status": "ok"}
    private = client.get("/healthz", headers=AUTH).get_json()
    assert private["index"]["alias"] == "gov-docs" and private["documents"] == 1 and "model" in private
    assert_error(client.get("/metrics"), 403, "forbidden")
    assert_error(client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 40}), 403, "forbidden")
    assert client.get("/metrics", headers=AUTH).status_code == 200
    store.ping.return_value = False
    degraded = client.get("/healthz")
    assert degraded.status_code == 503 and degraded.get_json() == {"ok": False, "status": "degraded"}


def test_a_request_past_its_deadline_is_a_503() -> None:
    store = make_store()

    def slow(bodies: list[dict[str, Any]]) -> Any:
        time.sleep(0.15)
        deadline.remaining()  # what SearchStore asks before each call
        return []

    store.msearch.side_effect = slow
    client = make_app(store, request_deadline_seconds=0.1).test_client()
    response = client.get("/api/search?q=古树&mode=keyword")
    assert_error(response, 503, "deadline_exceeded")
    assert response.headers["Retry-After"]
    assert client.get("/search?q=古树&mode=keyword").status_code == 503


def test_deadline_is_per_context_and_cleared() -> None:
    assert deadline.remaining() is None
    token = deadline.start(10)
    left = deadline.remaining()
    assert left is not None and 9 < left <= 10
    deadline.clear(token)
    assert deadline.remaining() is None
    token = deadline.start(0)
    with pytest.raises(DeadlineExceeded):
        deadline.remaining()
    deadline.clear(token)


def test_a_short_admin_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        ServiceSettings(admin_token="abc")
    assert ServiceSettings(admin_token="").admin_token == ""
    assert ServiceSettings(admin_token=TOKEN).admin_token == TOKEN


def test_mock_store_is_not_reached_by_a_refused_draft() -> None:
    store: Mock = make_store()
    client = make_app(store, embed_segments_per_minute=6).test_client()  # a bucket of 1 segment
    client.post("/api/similar", json={"text": "短稿。"})
    store.msearch.reset_mock()
    assert client.post("/api/similar", json={"text": DRAFT}).status_code == 429
    store.msearch.assert_not_called()


def test_embedding_slots_are_shared_by_every_worker_on_the_machine(tmp_path: Path) -> None:
    # Two workers of one service = two EmbedSlots over the same files: one slot in all.
    first, second = EmbedSlots(1, "gov-docs", tmp_path), EmbedSlots(1, "gov-docs", tmp_path)
    other_index = EmbedSlots(1, "other", tmp_path)
    with first.hold() as taken:
        assert taken
        with second.hold() as also, other_index.hold() as elsewhere:
            assert (also, elsewhere) == (False, True)
    with second.hold() as taken:
        assert taken  # released when the first block ended


def test_a_client_with_a_spent_budget_is_refused_before_its_draft_is_read() -> None:
    client = make_app(make_store(), embed_segments_per_minute=90).test_client()
    assert client.post("/api/similar", json={"text": DRAFT}).status_code == 200
    assert client.post("/api/similar", json={"text": DRAFT}).status_code == 429  # told to wait
    # Not JSON at all: a 400 if it were read; the client that did not wait is refused first.
    response = client.post("/api/similar", data=b"{not json", content_type="application/json")
    assert_error(response, 429, "rate_limited")


def test_a_refused_client_is_held_to_its_wait_and_asking_charges_nothing() -> None:
    limiter = RateLimiter(per_minute=60)  # a bucket of 10, one token a second
    assert limiter.wait("a", now=0.0) == 0.0
    assert limiter.allow("a", now=0.0, cost=8)[0]
    assert limiter.wait("a", now=0.0) == 0.0  # allowed: nothing to wait for
    assert limiter.allow("a", now=0.0, cost=8) == (False, pytest.approx(6.0))
    assert limiter.wait("a", now=1.0) == pytest.approx(5.0)
    assert limiter.wait("a", now=1.0) == pytest.approx(5.0)  # asking again costs nothing
    assert limiter.wait("a", now=6.0) == 0.0 and limiter.allow("a", now=6.0, cost=8)[0]


def test_a_client_that_does_not_wait_is_refused_before_flask_in_the_one_error_shape(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app(make_store(), rate_limit_per_minute=6, admin_token=TOKEN)
    client = app.test_client()
    with caplog.at_level("INFO", logger="service.access"):
        assert client.get("/api/search?q=古树").status_code == 200
        assert client.get("/api/search?q=古树").status_code == 429  # refused by the app: told to wait
        response = client.get("/api/suggest?q=古树")  # back before its Retry-After
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["Content-Security-Policy"] == DATA_CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Request-ID"]
    assert len([r for r in caplog.records if r.name == "service.access"]) == 2  # counted, not logged
    metrics = client.get("/metrics", headers=AUTH).get_data(as_text=True)
    assert 'endpoint="refused early"' in metrics
    page = client.get("/search?q=古树")  # pages are refused by the app, as an HTML page
    assert page.status_code == 429 and page.mimetype == "text/html"


def test_a_spent_draft_budget_refuses_drafts_early_but_not_searches() -> None:
    client = make_app(make_store(), embed_segments_per_minute=90).test_client()  # a bucket of 15
    assert client.post("/api/similar", json={"text": DRAFT}).status_code == 200
    assert client.post("/api/similar", json={"text": DRAFT}).status_code == 429
    assert_error(client.post("/api/similar", data=b"{not json"), 429, "rate_limited")
    # A stored document's precedents embed nothing (its vectors are in the index): not charged.
    assert client.get("/api/documents/d1/similar").status_code == 404
    assert client.get("/api/search?q=古树").status_code == 200

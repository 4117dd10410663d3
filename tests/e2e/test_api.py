"""The JSON API over HTTP: the real service, the real model, the sample corpus indexed once per session."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import assert_error_shape, running_service

pytestmark = pytest.mark.e2e

DOC_NUMBER = "聊政办字〔2023〕24号"  # 聊城市排污权有偿使用和交易试点暂行办法
DOC_NUMBER_VARIANTS = [DOC_NUMBER, "聊政办字[2023]24号", "聊政办字2023第24号", "聊政办字 2023 24号"]
HIT_KEYS = {
    "doc_id",
    "title",
    "doc_number",
    "issuer",
    "date",
    "kind",
    "score",
    "url",
    "doc_numbers",
    "promulgated",
    "validity",
    "versions",
    "passages",
}
PASSAGE_KEYS = {"passage_id", "text", "highlight", "heading"}
MODES = ["keyword", "semantic", "hybrid"]


def search(http: httpx.Client, **params: Any) -> dict[str, Any]:
    response = http.get("/api/search", params=params)
    assert response.status_code == 200, response.text[:500]
    body: dict[str, Any] = response.json()
    assert body["ok"] is True
    return body


def strip_tags(markup: str) -> str:
    return re.sub(r"</?em>", "", markup)


def marked(markup: str) -> list[str]:
    return re.findall(r"<em>(.*?)</em>", markup)


@pytest.fixture(scope="module")
def doc_id(http: httpx.Client) -> str:
    """The document whose 文号 is DOC_NUMBER (doc ids are derived at indexing time)."""
    return str(search(http, q=DOC_NUMBER, mode="keyword")["hits"][0]["doc_id"])


def test_healthz(http: httpx.Client) -> None:
    """Public: ok or degraded only (the details: test_hardening, on the operations listener)."""
    assert http.get("/healthz").json() == {"ok": True, "status": "ok"}
    assert_error_shape(http.get("/metrics"), 403)


@pytest.mark.parametrize("mode", MODES)
def test_each_mode_finds_the_document_about_old_trees(http: httpx.Client, mode: str) -> None:
    body = search(http, q="古树名木保护", mode=mode)
    assert body["query"]["mode"] == mode and body["query"]["tokens"]
    assert body["total"] >= len(body["hits"]) > 0
    titles = [h["title"] for h in body["hits"]]
    # Meaning alone may put the greening plan first (it asks to 加强古树名木保护, judged relevant too);
    # the modes that weigh the words put the register of old trees first.
    assert any("古树" in t for t in (titles[:2] if mode == "semantic" else titles[:1])), titles
    assert set(body["facets"]) == {"issuer", "kind", "year", "validity"}
    for hit in body["hits"]:
        assert set(hit) == HIT_KEYS and hit["url"] == f"/documents/{hit['doc_id']}"
        assert 1 <= len(hit["passages"]) <= 3
        assert all(set(p) == PASSAGE_KEYS for p in hit["passages"])
    scores = [h["score"] for h in body["hits"]]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("mode", ["keyword", "hybrid"])
@pytest.mark.parametrize("q", DOC_NUMBER_VARIANTS)
def test_every_way_of_writing_a_doc_number_finds_that_document_first(
    http: httpx.Client, q: str, mode: str
) -> None:
    body = search(http, q=q, mode=mode)
    assert body["query"]["doc_number"] == DOC_NUMBER
    assert body["hits"][0]["doc_number"] == DOC_NUMBER


def test_a_doc_number_inside_a_longer_query_still_leads(http: httpx.Client) -> None:
    body = search(http, q=f"按照{DOC_NUMBER}的要求开展交易")
    assert body["hits"][0]["doc_number"] == DOC_NUMBER


@pytest.mark.parametrize(
    ("q", "mode"),
    [
        ("古树名木保护", "keyword"),
        ("古樹名木保護", "keyword"),  # traditional: matching uses folded text
        ("排污权交易", "hybrid"),
        ("排污權ｔｒａｄｅ交易", "hybrid"),  # full-width letters
        ("老树由哪个部门负责管理", "semantic"),
    ],
)
def test_highlights_are_the_escaped_text_with_em_and_no_inserted_spaces(
    http: httpx.Client, q: str, mode: str
) -> None:
    body = search(http, q=q, mode=mode, size=10)
    passages = [p for hit in body["hits"] for p in hit["passages"]]
    assert passages
    for p in passages:
        assert strip_tags(p["highlight"]) == html.escape(p["text"]), p["passage_id"]
    if mode != "semantic":
        words = [w for p in passages for w in marked(p["highlight"])]
        assert words, "a keyword match must be highlighted"
        assert all(w.strip() == w and w for w in words)


def test_traditional_query_marks_the_simplified_words_in_the_text(http: httpx.Client) -> None:
    first = search(http, q="古樹名木保護", mode="keyword")["hits"][0]["passages"][0]
    assert set(marked(first["highlight"])) <= {"古树", "名木", "保护"}
    assert marked(first["highlight"])


def test_filters_narrow_hits_and_facets(http: httpx.Client) -> None:
    issuer, kind = "聊城市人民政府办公室", "通知"
    body = search(http, q="排污权", issuer=issuer, kind=kind, date_from="2023", date_to="2023-12-31")
    assert body["query"]["filters"] == {
        "issuer": issuer,
        "kind": kind,
        "date_from": "2023-01-01",
        "date_to": "2023-12-31",
    }
    assert body["hits"]
    for hit in body["hits"]:
        assert hit["issuer"] == issuer and hit["kind"] == kind and hit["date"].startswith("2023")
    assert [f["value"] for f in body["facets"]["issuer"]] == [issuer]
    assert [f["value"] for f in body["facets"]["year"]] == [2023]


def test_doc_number_filter(http: httpx.Client) -> None:
    body = search(http, q="排污权", doc_number=DOC_NUMBER, mode="keyword")
    assert [h["doc_number"] for h in body["hits"]] == [DOC_NUMBER]


@pytest.mark.parametrize("mode", MODES)
def test_pages_do_not_overlap_and_continue_the_ranking(http: httpx.Client, mode: str) -> None:
    whole = search(http, q="加强管理工作", mode=mode, size=10)
    first = search(http, q="加强管理工作", mode=mode, size=5, page=1)
    second = search(http, q="加强管理工作", mode=mode, size=5, page=2)
    ids = [h["doc_id"] for h in first["hits"] + second["hits"]]
    assert len(ids) == len(set(ids)) == 10
    assert ids == [h["doc_id"] for h in whole["hits"]]
    assert first["total"] == second["total"] >= 10
    assert second["query"]["page"] == 2


def test_a_page_past_the_end_is_empty(http: httpx.Client) -> None:
    body = search(http, q="古树名木保护", mode="keyword", size=10, page=10)
    assert body["hits"] == [] and 0 < body["total"] < 90


def test_a_page_past_the_ranked_window_is_refused_naming_page(http: httpx.Client) -> None:
    response = http.get("/api/search", params={"q": "古树名木保护", "size": 50, "page": 10})
    body = assert_error_shape(response, 400)
    assert str(body["message"]).startswith("page: only the first 100 results")


@pytest.mark.parametrize("mode", MODES)
def test_sort_by_date_is_newest_first(http: httpx.Client, mode: str) -> None:
    hits = search(http, q="排污权交易", mode=mode, sort="date", size=20)["hits"]
    dates = [h["date"] for h in hits if h["date"]]
    assert dates and dates == sorted(dates, reverse=True)


def test_precedents_for_a_draft(http: httpx.Client, doc_id: str) -> None:
    source = http.get(f"/api/documents/{doc_id}").json()["passages"][3]["text"]
    draft = "为推进排污权有偿使用和交易工作，结合我县实际，制定本办法。\n" + source[:200]
    response = http.post("/api/similar", json={"text": draft, "size": 5})
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    assert body["ok"] is True and 0 < len(body["hits"]) <= 5
    first = body["hits"][0]
    assert first["doc_id"] == doc_id
    assert set(first) >= HIT_KEYS and first["matches"]
    for m in first["matches"]:
        assert draft[m["draft_start"] : m["draft_end"]] == m["draft_segment"]
        assert m["passage_id"].startswith(doc_id) and m["passage_text"]
        assert 0 < m["similarity"] <= 1
    similarities = [m["similarity"] for m in first["matches"]]
    assert similarities == sorted(similarities, reverse=True)


def test_precedents_with_a_filter(http: httpx.Client) -> None:
    body = http.post("/api/similar", json={"text": "排污权有偿使用费的征收标准", "kind": "批复"}).json()
    assert all(h["kind"] == "批复" for h in body["hits"])


def test_documents_similar_to_a_stored_document_exclude_it(http: httpx.Client, doc_id: str) -> None:
    body = http.get(f"/api/documents/{doc_id}/similar", params={"size": 3}).json()
    assert body["ok"] is True and 0 < len(body["hits"]) <= 3
    assert doc_id not in {h["doc_id"] for h in body["hits"]}
    assert all(h["matches"] for h in body["hits"])


def test_document(http: httpx.Client, doc_id: str) -> None:
    body = http.get(f"/api/documents/{doc_id}").json()
    assert body["ok"] is True and body["doc_id"] == doc_id and body["doc_number"] == DOC_NUMBER
    assert body["title"] and body["issuer"] and body["date"] and body["url"] == f"/documents/{doc_id}"
    ordinals = [p["ordinal"] for p in body["passages"]]
    assert ordinals == sorted(ordinals) and len(ordinals) > 3
    for p in body["passages"]:
        assert {"ordinal", "heading", "start", "end", "text"} <= set(p)
        assert body["text"][p["start"] : p["end"]] == p["text"]
    assert body["cites"] and all(set(c) == {"doc_number", "doc_id", "title"} for c in body["cites"])
    assert isinstance(body["cited_by"], list)


def test_cited_documents_in_the_corpus_are_linked(http: httpx.Client) -> None:
    """Where a document cites another one in the corpus, the link resolves both ways."""
    for hit in search(http, q="通知", mode="keyword", size=50)["hits"]:
        doc = http.get(hit["url"].replace("/documents/", "/api/documents/")).json()
        for cited in (c for c in doc["cites"] if c["doc_id"]):
            target = http.get(f"/api/documents/{cited['doc_id']}").json()
            assert target["doc_number"] == cited["doc_number"]
            assert doc["doc_id"] in {c["doc_id"] for c in target["cited_by"]}


@pytest.mark.parametrize(("q", "expected"), [("排污", DOC_NUMBER), ("聊政办字〔2023〕", None)])
def test_suggest(http: httpx.Client, q: str, expected: str | None) -> None:
    body = http.get("/api/suggest", params={"q": q}).json()
    assert body["ok"] is True and 0 < len(body["suggestions"]) <= 10
    for s in body["suggestions"]:
        assert s["title"] and s["url"] == f"/documents/{s['doc_id']}"
    numbers = [s["doc_number"] for s in body["suggestions"]]
    if expected:
        assert expected in numbers
    else:
        assert all(n and n.startswith(q) for n in numbers)


def test_openapi_documents_every_endpoint(http: httpx.Client) -> None:
    spec = http.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/search", "/api/similar", "/api/documents/{doc_id}", "/api/suggest", "/healthz"):
        assert path in spec["paths"], path


def test_request_ids(http: httpx.Client) -> None:
    assert http.get("/healthz", headers={"X-Request-ID": "trace-42"}).headers["X-Request-ID"] == "trace-42"
    assert re.fullmatch(r"[0-9a-f]{32}", http.get("/healthz").headers["X-Request-ID"])


def test_searches_answer_quickly_once_warm(http: httpx.Client) -> None:
    search(http, q="古树名木保护")
    started = time.perf_counter()
    body = search(http, q="排污权有偿使用")
    assert time.perf_counter() - started < 3.0, body["took_ms"]


@pytest.fixture(scope="module")
def no_elasticsearch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service pointed at a closed port (9, discard): Elasticsearch is simply not there."""
    log = tmp_path_factory.mktemp("closed_port") / "service.log"
    with running_service("test_e2e_closed", log, es="http://127.0.0.1:9", ready=(503,)) as (base, _):
        yield base


@pytest.mark.parametrize("mode", MODES)
def test_503_within_a_second_when_elasticsearch_is_unreachable(no_elasticsearch: str, mode: str) -> None:
    started = time.perf_counter()
    response = httpx.get(f"{no_elasticsearch}/api/search", params={"q": "古树", "mode": mode}, timeout=10)
    assert time.perf_counter() - started < 1.0
    assert assert_error_shape(response, 503)["error"] == "unavailable"
    assert int(response.headers["Retry-After"]) > 0
    health = httpx.get(f"{no_elasticsearch}/healthz", timeout=10)
    assert health.status_code == 503 and health.json()["status"] == "degraded"

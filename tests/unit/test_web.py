"""service/web.py: the HTML pages rendered against a stub searcher (no ES, no model)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.web import bp
from store.errors import StoreUnavailable

HIT = {
    "doc_id": "d1",
    "title": "关于公布高新区三级古树名录的通知",
    "doc_number": "聊高新区管发〔2023〕45号",
    "issuer": "聊城高新技术产业开发区管理委员会",
    "date": "2023-10-10",
    "kind": "通知",
    "score": 1.0,
    "url": "/api/documents/d1",
    "passages": [
        {
            "passage_id": "d1#2",
            "text": "全区已认定三级保护古树39株",
            "highlight": "全区已认定三级保护<em>古树</em>39株<script>alert(1)</script>",
            "heading": "",
        }
    ],
}
DOCUMENT = {
    **{k: v for k, v in HIT.items() if k != "passages"},
    "text": "第一章 总则\n第一条 保护<古树>名木。\n一、总体要求",
    "passages": [{"ordinal": 0, "heading": "第一章 总则", "start": 0, "end": 20, "text": "…"}],
    "cites": [{"doc_number": "聊政发〔2023〕7号", "doc_id": None, "title": None}],
    "cited_by": [{"doc_id": "d9", "title": "引用它的文件", "doc_number": "聊政字〔2023〕1号"}],
}


class StubSearcher:
    """The three calls the pages make, recording their arguments."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.total = 1
        self.fail: Exception | None = None

    def search(self, **params: Any) -> dict[str, Any]:
        self.calls.append(("search", params))
        if self.fail:
            raise self.fail
        hits = [HIT] if self.total else []
        facets = {"issuer": [{"value": HIT["issuer"], "count": 1}], "kind": [{"value": "通知", "count": 1}]}
        return {"query": params, "total": self.total, "took_ms": 3, "hits": hits, "facets": facets}

    def similar(self, **params: Any) -> dict[str, Any]:
        self.calls.append(("similar", params))
        match = {
            "draft_segment": "加强古树名木保护。",
            "draft_start": 0,
            "draft_end": 9,
            "passage_id": "d1#2",
            "passage_text": "全区已认定三级保护古树39株",
            "heading": "",
            "similarity": 0.834,
        }
        return {"hits": [{**HIT, "doc_id": "d2", "matches": [match]}]}

    def document(self, doc_id: str) -> dict[str, Any] | None:
        return DOCUMENT if doc_id == "d1" else None


@pytest.fixture
def searcher() -> StubSearcher:
    return StubSearcher()


@pytest.fixture
def client(searcher: StubSearcher) -> Iterator[FlaskClient]:
    app = Flask(__name__)
    app.register_blueprint(bp)
    app.extensions["searcher"] = searcher
    with app.test_client() as c:
        yield c


def test_home_page_is_chinese_with_csp(client: FlaskClient) -> None:
    resp = client.get("/")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert '<html lang="zh-CN">' in html
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    assert "<script>" not in html and "style=" not in html  # nothing inline: the CSP would block it
    assert 'role="combobox"' in html and "<title>文件检索 · 政务文档检索</title>" in html


def test_results_show_sanitised_highlight_and_link_with_query(client: FlaskClient) -> None:
    html = client.get("/search?q=古树").get_data(as_text=True)
    assert "保护<em>古树</em>39株&lt;script&gt;" in html
    assert "<script>alert" not in html
    assert 'href="/documents/d1?q=%E5%8F%A4%E6%A0%91#p-2"' in html
    assert "聊高新区管发〔2023〕45号" in html and "2023年10月10日" in html


def test_facet_link_and_removal(client: FlaskClient, searcher: StubSearcher) -> None:
    html = client.get("/search?q=古树&kind=通知&mode=keyword").get_data(as_text=True)
    assert searcher.calls[-1] == (
        "search",
        {"q": "古树", "mode": "keyword", "sort": "relevance", "page": 1, "kind": "通知", "size": 10},
    )
    assert 'aria-label="取消筛选 文种：通知"' in html
    assert 'href="/search?q=%E5%8F%A4%E6%A0%91&amp;mode=keyword"' in html  # the removal link


def test_year_filter_becomes_a_date_range(client: FlaskClient, searcher: StubSearcher) -> None:
    client.get("/search?q=古树&year=2023")
    assert searcher.calls[-1][1]["date_from"] == "2023-01-01"
    assert searcher.calls[-1][1]["date_to"] == "2023-12-31"


def test_pager_links(client: FlaskClient, searcher: StubSearcher) -> None:
    searcher.total = 95
    html = client.get("/search?q=古树&page=3").get_data(as_text=True)
    assert '<span aria-current="page">3</span>' in html
    assert 'rel="next"' in html and "page=4" in html and "page=10" in html


def test_empty_state_helps(client: FlaskClient, searcher: StubSearcher) -> None:
    searcher.total = 0
    html = client.get("/search?q=不存在的词&kind=通知").get_data(as_text=True)
    assert "没有找到" in html and "清除全部筛选" in html and "mode=semantic" in html and "文号" in html


def test_bad_params_give_an_html_400(client: FlaskClient) -> None:
    resp = client.get("/search?q=x&mode=nonsense")
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    assert "请求有误" in resp.get_data(as_text=True)


def test_store_down_gives_an_html_503(client: FlaskClient, searcher: StubSearcher) -> None:
    searcher.fail = StoreUnavailable("down")
    resp = client.get("/search?q=古树")
    assert resp.status_code == 503 and "暂时不可用" in resp.get_data(as_text=True)
    assert "Content-Security-Policy" in resp.headers


def test_document_page_escapes_text_and_marks_query(client: FlaskClient) -> None:
    html = client.get("/documents/d1?q=古树").get_data(as_text=True)
    assert "保护&lt;<mark>古树</mark>&gt;名木" in html
    assert '<h2 id="p-0">第一章 总则</h2>' in html
    assert '<span class="article-no">第一条</span>' in html
    assert "/search?q=%E8%81%8A%E6%94%BF%E5%8F%91" in html  # a cited 文号 not in the index is searched
    assert 'href="/documents/d9"' in html and 'href="/documents/d2"' in html


def test_unknown_document_is_an_html_404(client: FlaskClient) -> None:
    resp = client.get("/documents/nope")
    assert resp.status_code == 404 and "页面不存在" in resp.get_data(as_text=True)


def test_similar_aligns_draft_with_precedent(client: FlaskClient, searcher: StubSearcher) -> None:
    resp = client.post("/similar", data={"draft": "加强古树名木保护。"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert searcher.calls[-1] == ("similar", {"text": "加强古树名木保护。", "doc_id": None, "size": 10})
    assert "83%" in html and '<meter min="0" max="100"' in html and "加强古树名木保护。" in html


def test_similar_refuses_a_long_draft(client: FlaskClient, searcher: StubSearcher) -> None:
    resp = client.post("/similar", data={"draft": "字" * 20_001})
    assert resp.status_code == 413 and "超过 20000 字" in resp.get_data(as_text=True)
    assert not any(name == "similar" for name, _ in searcher.calls)

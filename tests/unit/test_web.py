"""service/web.py: the HTML pages rendered against a spec'd mock Searcher (no ES, no model)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from unittest.mock import Mock
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from config.settings import ServiceSettings, Settings
from search.results import (
    Citation,
    DocumentPassage,
    DocumentView,
    FacetBucket,
    HistoryEvent,
    Hit,
    Match,
    Passage,
    Precedent,
    PrecedentResult,
    SearchParams,
    SearchResult,
    Validity,
    VersionLink,
    Versions,
)
from search.searcher import Searcher
from search.understand import EMPTY
from service.app import create_app
from store.errors import StoreUnavailable
from store.records import Filters
from store.search_store import SearchStore

PASSAGE = Passage(
    "d1#2",
    "全区已认定三级保护古树39株",
    "全区已认定三级保护<em>古树</em>39株<script>alert(1)</script>",
    "",
)
HIT = Hit(
    "d1",
    "关于公布高新区三级古树名录的通知",
    "聊高新区管发〔2023〕45号",
    "聊城高新技术产业开发区管理委员会",
    "2023-10-10",
    "通知",
    1.0,
    "/documents/d1",
    [PASSAGE],
)
DOCUMENT = DocumentView(
    **{k: getattr(HIT, k) for k in ("doc_id", "title", "doc_number", "issuer", "date", "kind", "url")},
    source="a.txt",
    line_start=1,
    line_end=3,
    title_derived=False,
    text="第一章 总则\n第一条 保护<古树>名木。\n一、总体要求",
    passages=[DocumentPassage("d1#0", 0, "…", "第一章 总则", 0, 20)],
    cites=[Citation("聊政发〔2023〕7号", None, None)],
    cited_by=[Citation("聊政字〔2023〕1号", "d9", "引用它的文件")],
)
MATCH = Match("加强古树名木保护。", 0, 9, "d1#2", "全区已认定三级保护古树39株", "", 0.834)


def search_result(total: int) -> SearchResult:
    facets = {"issuer": [FacetBucket(HIT.issuer, 1)], "kind": [FacetBucket("通知", 1)]}
    return SearchResult({}, total, 3, [HIT] if total else [], facets, {})


@pytest.fixture
def searcher() -> Mock:
    """A spec'd Searcher: the pages call search, similar, document and analyse."""
    searcher = Mock(spec=Searcher)
    searcher.search.return_value = search_result(1)
    precedent = Precedent(**{**vars(HIT), "doc_id": "d2"}, matches=[MATCH])
    searcher.similar.return_value = PrecedentResult(1, [], None, [precedent], 3, {})
    searcher.document.side_effect = lambda doc_id: DOCUMENT if doc_id == "d1" else None
    searcher.analyse.return_value = EMPTY
    return searcher


@pytest.fixture
def client(searcher: Mock) -> Iterator[FlaskClient]:
    settings = Settings(service=ServiceSettings(rate_limit_per_minute=0))
    app = create_app(settings, store=Mock(spec=SearchStore))
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


def test_facet_link_and_removal(client: FlaskClient, searcher: Mock) -> None:
    html = client.get("/search?q=古树&kind=通知&mode=keyword").get_data(as_text=True)
    searcher.search.assert_called_with(SearchParams("古树", mode="keyword", filters=Filters(kind="通知")))
    assert 'aria-label="取消筛选 文种：通知"' in html
    assert 'href="/search?q=%E5%8F%A4%E6%A0%91&amp;mode=keyword"' in html  # the removal link


def test_year_filter_becomes_a_date_range(client: FlaskClient, searcher: Mock) -> None:
    client.get("/search?q=古树&year=2023&size=50")
    (params,), _ = searcher.search.call_args
    assert (params.filters.date_from, params.filters.date_to) == ("2023-01-01", "2023-12-31")
    assert params.size == 10  # the page's own size


def test_bad_year_or_page_gives_a_chinese_400(client: FlaskClient, searcher: Mock) -> None:
    for url, message in [
        ("/search?q=x&year=23", "年份必须是四位数字"),
        ("/search?q=x&page=0", "页码必须是正整数"),
    ]:
        resp = client.get(url)
        assert resp.status_code == 400 and message in resp.get_data(as_text=True)
    searcher.search.assert_not_called()


def test_pager_links(client: FlaskClient, searcher: Mock) -> None:
    searcher.search.return_value = search_result(95)
    html = client.get("/search?q=古树&page=3").get_data(as_text=True)
    assert '<span aria-current="page">3</span>' in html
    assert 'rel="next"' in html and "page=4" in html and "page=10" in html


def test_empty_state_helps(client: FlaskClient, searcher: Mock) -> None:
    searcher.search.return_value = search_result(0)
    html = client.get("/search?q=不存在的词&kind=通知").get_data(as_text=True)
    assert "没有找到" in html and "清除全部筛选" in html and "mode=semantic" in html and "文号" in html


def test_bad_params_give_an_html_400(client: FlaskClient) -> None:
    resp = client.get("/search?q=x&mode=nonsense")
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    assert "请求有误" in resp.get_data(as_text=True)


def test_store_down_gives_an_html_503(client: FlaskClient, searcher: Mock) -> None:
    searcher.search.side_effect = StoreUnavailable("down")
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


def test_similar_aligns_draft_with_precedent(client: FlaskClient, searcher: Mock) -> None:
    resp = client.post("/similar", data={"draft": "加强古树名木保护。"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    searcher.similar.assert_called_with(text="加强古树名木保护。", doc_id=None, size=10)
    assert "83%" in html and '<meter min="0" max="100"' in html and "加强古树名木保护。" in html


def test_similar_refuses_a_long_draft(client: FlaskClient, searcher: Mock) -> None:
    resp = client.post("/similar", data={"draft": "字" * 20_001})
    assert resp.status_code == 413 and "超过 20000 字" in resp.get_data(as_text=True)
    searcher.similar.assert_not_called()


OLD = VersionLink("d0", HIT.title, "2019-03-02", "/documents/d0", current=False)
CURRENT = Validity(
    "current", "现行有效", "自2025年1月1日起施行", effective_from="2025-01-01", supersedes=("d0",)
)
VERSIONED = replace(HIT, validity=CURRENT, versions=Versions(1, (OLD,)), doc_numbers=("国务院令第601号",))


def test_results_show_validity_versions_suggestion_and_export(client: FlaskClient, searcher: Mock) -> None:
    facets = {"validity": [FacetBucket("current", 1), FacetBucket("superseded", 1)]}
    searcher.search.return_value = SearchResult(
        {}, 1, 3, [VERSIONED], facets, {}, did_you_mean="公平竞争审查"
    )
    html = client.get("/search?q=公平竟争审查&validity=current").get_data(as_text=True)
    assert "您是不是要找：" in html and f'href="/search?q={quote("公平竞争审查")}' in html
    assert 'class="validity validity-current" title="自2025年1月1日起施行"' in html
    assert "其他版本 1 个" in html and 'href="/documents/d0"' in html and "已被修订" in html
    assert "时效性：现行有效 ✕" in html  # the active filter, by its label
    assert '<span>已被修订</span><span class="count"' in html  # the facet, by its label
    assert f"/api/search?q={quote('公平竟争审查')}&amp;validity=current&amp;format=csv" in html
    assert "style=" not in html
    searcher.search.assert_called_with(SearchParams("公平竟争审查", filters=Filters(validity="current")))


def test_a_bad_validity_is_a_400_page(client: FlaskClient) -> None:
    resp = client.get("/search?q=古树&validity=valid")
    assert resp.status_code == 400 and "validity must be one of" in resp.get_data(as_text=True)


def test_document_shows_badge_and_timeline(client: FlaskClient, searcher: Mock) -> None:
    history = (
        HistoryEvent("2011-07-26", "国务院令第601号", "公布", None, None),
        HistoryEvent("2019-03-02", None, "修订", "d0", HIT.title),
    )
    view = replace(DOCUMENT, validity=CURRENT, versions=Versions(1, (OLD,)), history=history)
    searcher.document.side_effect = lambda doc_id: view
    html = client.get("/documents/d1").get_data(as_text=True)
    assert '现行有效</span> <span class="reason">自2025年1月1日起施行</span>' in html
    assert "修订沿革" in html and "国务院令第601号公布" in html and "2019年3月2日" in html
    assert html.count('href="/documents/d0"') == 2  # from the timeline and from the versions list

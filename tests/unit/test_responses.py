"""service/responses.py: typed results in the API's JSON shapes, keys in the contract's order."""

from __future__ import annotations

from search.results import (
    Citation,
    DocumentPassage,
    DocumentView,
    FacetBucket,
    Hit,
    Match,
    Passage,
    Precedent,
    PrecedentResult,
    SearchResult,
)
from service.responses import document_json, precedents_json, search_json

PASSAGE = Passage("d1#0", "古树名木。", "<em>古树</em>名木。", "一、总则")
HIT = Hit(
    "d1", "标题", "聊政发〔2023〕7号", "聊城市人民政府", "2023-05-06", "通知", 0.5, "/documents/d1", [PASSAGE]
)
HIT_KEYS = [
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
]


def test_search_json() -> None:
    result = SearchResult({"q": "古树"}, 1, 3, [HIT], {"kind": [FacetBucket("通知", 1)]}, {"total_ms": 3.0})
    body = search_json(result)
    assert list(body) == [
        "ok",
        "total",
        "total_relation",
        "took_ms",
        "hits",
        "facets",
        "did_you_mean",
        "query",
        "timing",
    ]
    assert list(body["hits"][0]) == HIT_KEYS
    assert body["hits"][0]["passages"] == [
        {
            "passage_id": "d1#0",
            "text": "古树名木。",
            "highlight": "<em>古树</em>名木。",
            "heading": "一、总则",
        }
    ]
    assert body["facets"] == {"kind": [{"value": "通知", "count": 1}]}


def test_precedents_json() -> None:
    match = Match("草稿。", 0, 3, "d1#0", "古树名木。", "", 0.83)
    hit = Precedent(**vars(HIT), matches=[match])
    body = precedents_json(PrecedentResult(1, ["古树"], None, [hit], 5, {"total_ms": 5.0}))
    assert list(body) == ["ok", "query", "total", "took_ms", "hits", "timing"]
    assert body["query"] == {"segments": 1, "terms": ["古树"], "doc_id": None}
    assert list(body["hits"][0]) == [*HIT_KEYS, "matches"]
    assert body["hits"][0]["matches"][0]["similarity"] == 0.83


def test_document_json() -> None:
    view = DocumentView(
        "d1", "标题", "聊政发〔2023〕7号", "聊城市人民政府", "2023-05-06", "通知", "a.txt", 1, 9, False,
        "正文", "/documents/d1", [DocumentPassage("d1#0", 0, "正文", "", 0, 2)],
        [Citation("国发〔2020〕1号", None, None)], [Citation("聊政字〔2023〕1号", "d9", "引用它的文件")],
    )  # fmt: skip
    body = document_json(view)
    assert body["passages"] == [
        {"passage_id": "d1#0", "ordinal": 0, "text": "正文", "heading": "", "start": 0, "end": 2}
    ]
    assert body["cites"] == [{"doc_number": "国发〔2020〕1号", "doc_id": None, "title": None}]
    assert list(body["cited_by"][0]) == ["doc_id", "title", "doc_number"]

"""Whole documents (text, passages, cites / cited by), suggestions for the search box, and health."""

from __future__ import annotations

from typing import Any

from analyzers.docnum import canonical_doc_number
from analyzers.segment import Segmenter
from service.responses import document_url
from store.errors import IndexNotFound, StoreError
from store.queries import DOCUMENT_VALUE_FIELDS
from store.search_store import SearchStore

SUGGESTIONS = 8


def document(store: SearchStore, doc_id: str) -> dict[str, Any] | None:
    """The stored document with its passages and its citation links, or None."""
    doc = store.get_document(doc_id)
    if doc is None:
        return None
    passages = store.search(
        {
            "query": {"bool": {"filter": [{"term": {"type": "passage"}}, {"term": {"doc_id": doc_id}}]}},
            "sort": [{"ordinal": "asc"}],
            "size": 10_000,
            "_source": ["passage_id", "ordinal", "heading", "start", "end", "text"],
        }
    ).hits
    keep = (
        "doc_id",
        "title",
        "doc_number",
        "issuer",
        "date",
        "kind",
        "source",
        "line_start",
        "line_end",
        "title_derived",
        "text",
    )
    body = {k: doc.get(k) for k in keep}
    body["url"] = document_url(doc_id)
    body["passages"] = [h.source for h in passages]
    body["cites"] = _cites(store, list(doc.get("cites") or []))
    body["cited_by"] = _cited_by(store, doc.get("doc_number"), doc_id)
    return body


def _documents_where(store: SearchStore, query: dict[str, Any], size: int = 100) -> list[dict[str, Any]]:
    body = {
        "query": {"bool": {"filter": [{"term": {"type": "document"}}, query]}},
        "size": size,
        "_source": False,  # a document record's _source holds its whole text; metadata comes from doc values
        "docvalue_fields": DOCUMENT_VALUE_FIELDS,
    }
    return [h.source for h in store.search(body).hits]


def _cites(store: SearchStore, numbers: list[str]) -> list[dict[str, Any]]:
    found = (
        {d["doc_number"]: d for d in _documents_where(store, {"terms": {"doc_number": numbers}})}
        if numbers
        else {}
    )
    return [
        {"doc_number": n, "doc_id": found.get(n, {}).get("doc_id"), "title": found.get(n, {}).get("title")}
        for n in numbers
    ]


def _cited_by(store: SearchStore, doc_number: str | None, doc_id: str) -> list[dict[str, Any]]:
    if not doc_number:
        return []
    docs = _documents_where(store, {"term": {"cites": doc_number}})
    return [
        {"doc_id": d["doc_id"], "title": d.get("title"), "doc_number": d.get("doc_number")}
        for d in docs
        if d["doc_id"] != doc_id
    ]


def suggest(store: SearchStore, segmenter: Segmenter, q: str) -> list[dict[str, Any]]:
    """Titles and 文号 completing what was typed (the last word may be unfinished)."""
    should: list[dict[str, Any]] = [
        {"match_bool_prefix": {"title_seg": {"query": segmenter.seg_field(q), "operator": "and"}}},
        {"prefix": {"doc_number": {"value": q.replace(" ", ""), "boost": 2.0}}},
    ]
    number = canonical_doc_number(q)
    if number:
        should.append({"term": {"doc_number": {"value": number, "boost": 10.0}}})
    body = {
        "query": {
            "bool": {"filter": [{"term": {"type": "document"}}], "should": should, "minimum_should_match": 1}
        },
        "size": SUGGESTIONS,
        "_source": False,
        "docvalue_fields": DOCUMENT_VALUE_FIELDS,
    }
    return [
        {
            "title": h.source.get("title"),
            "doc_number": h.source.get("doc_number"),
            "doc_id": h.doc_id,
            "url": document_url(h.doc_id),
        }
        for h in store.search(body).hits
    ]


def health(store: SearchStore, model: dict[str, Any]) -> dict[str, Any]:
    """Whether Elasticsearch answers, which index the alias points at, how many documents it holds."""
    report: dict[str, Any] = {
        "elasticsearch": False,
        "index": {"alias": store.alias, "concrete": None},
        "documents": None,
        "model": model,
    }
    try:
        report["elasticsearch"] = store.ping()
        if report["elasticsearch"]:
            report["index"]["concrete"] = store.live_index()
            if report["index"]["concrete"]:
                report["documents"] = store.count("document")
                report["index"]["built_with"] = store.index_meta()
    except (IndexNotFound, StoreError):
        pass
    ok = bool(report["elasticsearch"] and report["index"]["concrete"])
    return {"ok": ok, "status": "ok" if ok else "degraded", **report}

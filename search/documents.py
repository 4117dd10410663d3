"""Whole documents (text, passages, cites / cited by), suggestions for the search box, and health."""

from __future__ import annotations

from typing import Any

from analyzers.docnum import canonical_doc_number
from analyzers.segment import Segmenter
from analyzers.structure import Block, layout_blocks
from search.results import Citation, DocumentPassage, DocumentView, Suggestion, document_url
from search.versions import with_versions
from store.errors import IndexNotFound, StoreError
from store.lifecycle import now_iso
from store.search_store import SearchStore

SUGGESTIONS = 8


def document(store: SearchStore, doc_id: str) -> DocumentView | None:
    """The stored document with its passages and its citation links, or None."""
    doc = store.get_document(doc_id)
    if doc is None:
        return None
    passages = [
        DocumentPassage(p["passage_id"], p["ordinal"], p["text"], p["heading"], p["start"], p["end"])
        for p in store.document_passages(doc_id)
    ]
    view = DocumentView(
        doc_id=doc.get("doc_id", doc_id),
        title=doc.get("title"),
        doc_number=doc.get("doc_number"),
        issuer=doc.get("issuer"),
        date=doc.get("date"),
        kind=doc.get("kind"),
        source=doc.get("source"),
        line_start=doc.get("line_start"),
        line_end=doc.get("line_end"),
        title_derived=doc.get("title_derived"),
        text=doc.get("text") or "",
        url=document_url(doc_id),
        passages=passages,
        cites=_cites(store, list(doc.get("cites") or [])),
        cited_by=_cited_by(store, doc.get("doc_number"), doc_id),
    )
    return with_versions(view, doc, store)


def layout(view: DocumentView) -> list[Block]:
    """The document's text cut into headings and paragraphs; each passage's anchor sits on the block it
    starts in (so a hit links to #p-N)."""
    return layout_blocks(view.text, [(p.ordinal, p.start) for p in view.passages])


def _cites(store: SearchStore, numbers: list[str]) -> list[Citation]:
    found = {d["doc_number"]: d for d in store.documents_numbered(numbers)} if numbers else {}
    return [Citation(n, found.get(n, {}).get("doc_id"), found.get(n, {}).get("title")) for n in numbers]


def _cited_by(store: SearchStore, doc_number: str | None, doc_id: str) -> list[Citation]:
    if not doc_number:
        return []
    return [
        Citation(d.get("doc_number"), d["doc_id"], d.get("title"))
        for d in store.documents_citing(doc_number)
        if d["doc_id"] != doc_id
    ]


def delete_document(store: SearchStore, doc_id: str, lock_lease_seconds: float) -> int:
    """Remove a document and its passages from the live index; how many records went. Holds the writer
    lock like the indexer does (raises LockHeld while a build or update runs)."""
    with store.writer_lock("delete", lock_lease_seconds):
        live = store.live_index()
        if not live:
            return 0
        removed = store.delete_documents(live, [doc_id])
        store.set_meta(live, changed_at=now_iso())  # a new index version: cached precedent lists go stale
        return removed


def suggest(store: SearchStore, segmenter: Segmenter, q: str) -> list[Suggestion]:
    """Titles and 文号 completing what was typed (the last word may be unfinished)."""
    hits = store.suggest(segmenter.seg_field(q), q, canonical_doc_number(q), SUGGESTIONS)
    return [
        Suggestion(h.source.get("title"), h.source.get("doc_number"), h.doc_id, document_url(h.doc_id))
        for h in hits
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

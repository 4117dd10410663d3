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
    own = [n for n in dict.fromkeys([doc.get("doc_number"), *_numbers(doc)]) if n]
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
        cites=_cites(store, list(doc.get("cites") or []), set(own)),
        cited_by=_cited_by(store, own, doc_id, doc.get("version_group")),
    )
    return with_versions(view, doc, store)


def layout(view: DocumentView) -> list[Block]:
    """The document's text cut into headings and paragraphs; each passage's anchor sits on the block it
    starts in (so a hit links to #p-N)."""
    return layout_blocks(view.text, [(p.ordinal, p.start) for p in view.passages])


def _cites(store: SearchStore, numbers: list[str], own: set[str]) -> list[Citation]:
    """Each cited 文号 with the document bearing it (as any of its numbers), in the order cited."""
    numbers = [n for n in dict.fromkeys(canonical_doc_number(n) or n for n in numbers) if n not in own]
    bearers = store.documents_numbered(numbers) if numbers else []
    found = {n: cited_document(n, bearers) for n in numbers}
    return [
        Citation(n, d.get("doc_id"), d.get("title")) if d else Citation(n, None, None)
        for n, d in found.items()
    ]


def cited_document(number: str, bearers: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The document a citation of `number` means: of the versions issued under it, the current one; of
    those carrying it as a revision or amendment decree, the oldest (the version the decree produced, as
    later ones inherit the number in their headers)."""
    issued = [d for d in bearers if d.get("doc_number") == number]
    if issued:
        return max(issued, key=lambda d: (d.get("superseded_by") is None, d.get("date") or "", d["doc_id"]))
    revised = [d for d in bearers if number in _numbers(d)]
    return min(revised, key=lambda d: (d.get("date") or "9999", d["doc_id"])) if revised else None


def _numbers(d: dict[str, Any]) -> list[str]:
    value = d.get("doc_numbers") or []
    return [value] if isinstance(value, str) else list(value)


def _cited_by(store: SearchStore, numbers: list[str], doc_id: str, group: str | None) -> list[Citation]:
    """Documents citing any of this document's numbers; other versions of it are its history, not citers."""
    if not numbers:
        return []
    return [
        Citation(d.get("doc_number"), d["doc_id"], d.get("title"))
        for d in store.documents_citing(numbers)
        if d["doc_id"] != doc_id and (group is None or d.get("version_group") != group)
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

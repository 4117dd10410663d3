"""Typed retrieval results -> the API's JSON (the contract scripts depend on); the pages render the same dicts."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

from search.results import (
    Citation,
    DocumentSummary,
    DocumentView,
    FacetBucket,
    Hit,
    Match,
    Passage,
    PrecedentResult,
    SearchResult,
    Suggestion,
    Validity,
    Versions,
)


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON out through orjson: a result page in ~0.01 ms instead of ~0.16 ms. Keys keep their
    order (Flask's default sorts them); reading request bodies stays with Flask's default."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return orjson.dumps(obj, default=self.default).decode("utf-8")

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        return Response(orjson.dumps(obj, default=self.default), mimetype=self.mimetype)


def passage_json(p: Passage) -> dict[str, Any]:
    return {"passage_id": p.passage_id, "text": p.text, "highlight": p.highlight, "heading": p.heading}


def _identity_json(d: DocumentSummary) -> dict[str, Any]:
    return {
        "doc_id": d.doc_id,
        "title": d.title,
        "doc_number": d.doc_number,
        "issuer": d.issuer,
        "date": d.date,
        "kind": d.kind,
    }


def _standing_json(d: DocumentSummary) -> dict[str, Any]:
    return {
        "doc_numbers": list(d.doc_numbers),
        "promulgated": d.promulgated,
        "validity": validity_json(d.validity),
        "versions": versions_json(d.versions),
    }


def hit_json(h: Hit) -> dict[str, Any]:
    return {
        **_identity_json(h),
        "score": h.score,
        "url": h.url,
        **_standing_json(h),
        "passages": [passage_json(p) for p in h.passages],
    }


def validity_json(v: Validity | None) -> dict[str, Any] | None:
    if v is None:
        return None
    return {
        "status": v.status,
        "label": v.label,
        "reason": v.reason,
        "effective_from": v.effective_from,
        "expires_on": v.expires_on,
        "superseded_by": v.superseded_by,
        "supersedes": list(v.supersedes),
        "repealed_by": v.repealed_by,
    }


def versions_json(v: Versions) -> dict[str, Any]:
    links = [
        {"doc_id": x.doc_id, "title": x.title, "date": x.date, "url": x.url, "current": x.current}
        for x in v.links
    ]
    return {"count": v.count, "links": links}


def facets_json(facets: dict[str, list[FacetBucket]]) -> dict[str, list[dict[str, Any]]]:
    return {name: [{"value": b.value, "count": b.count} for b in buckets] for name, buckets in facets.items()}


def search_json(r: SearchResult) -> dict[str, Any]:
    return {
        "ok": True,
        "total": r.total,
        "total_relation": r.total_relation,
        "took_ms": r.took_ms,
        "hits": [hit_json(h) for h in r.hits],
        "facets": facets_json(r.facets),
        "did_you_mean": r.did_you_mean,
        "query": r.query,
        "timing": r.timing,
    }


def match_json(m: Match) -> dict[str, Any]:
    return {
        "draft_segment": m.draft_segment,
        "draft_start": m.draft_start,
        "draft_end": m.draft_end,
        "passage_id": m.passage_id,
        "passage_text": m.passage_text,
        "heading": m.heading,
        "similarity": m.similarity,
    }


def precedents_json(r: PrecedentResult) -> dict[str, Any]:
    return {
        "ok": True,
        "query": {"segments": r.segments, "terms": r.terms, "doc_id": r.doc_id},
        "total": len(r.hits),
        "took_ms": r.took_ms,
        "hits": [{**hit_json(h), "matches": [match_json(m) for m in h.matches]} for h in r.hits],
        "timing": r.timing,
    }


def _cite_json(c: Citation) -> dict[str, Any]:
    return {"doc_number": c.doc_number, "doc_id": c.doc_id, "title": c.title}


def _cited_by_json(c: Citation) -> dict[str, Any]:
    return {"doc_id": c.doc_id, "title": c.title, "doc_number": c.doc_number}


def document_json(d: DocumentView) -> dict[str, Any]:
    return {
        **_identity_json(d),
        "source": d.source,
        "line_start": d.line_start,
        "line_end": d.line_end,
        "title_derived": d.title_derived,
        "text": d.text,
        "url": d.url,
        "passages": [
            {
                "passage_id": p.passage_id,
                "ordinal": p.ordinal,
                "text": p.text,
                "heading": p.heading,
                "start": p.start,
                "end": p.end,
            }
            for p in d.passages
        ],
        "cites": [_cite_json(c) for c in d.cites],
        "cited_by": [_cited_by_json(c) for c in d.cited_by],
        **_standing_json(d),
        "history": [
            {"date": e.date, "number": e.number, "event": e.event, "doc_id": e.doc_id, "title": e.title}
            for e in d.history
        ],
    }


# The columns of a CSV export: what a result on the page shows.
CSV_COLUMNS = ("rank", "title", "doc_number", "issuer", "date", "kind", "validity", "versions", "url")


def search_csv(r: SearchResult, base_url: str) -> bytes:
    """The hits as CSV, UTF-8 with a byte-order mark (Excel reads it as UTF-8 only then)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for rank, h in enumerate(r.hits, 1):
        status = h.validity.label if h.validity else ""
        row = (
            rank,
            h.title,
            h.doc_number,
            h.issuer,
            h.date,
            h.kind,
            status,
            h.versions.count,
            base_url + h.url,
        )
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def suggestion_json(s: Suggestion) -> dict[str, Any]:
    return {"title": s.title, "doc_number": s.doc_number, "doc_id": s.doc_id, "url": s.url}

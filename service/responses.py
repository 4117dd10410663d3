"""Shaping search results into the API's JSON (the contract scripts depend on), highlights included."""

from __future__ import annotations

import html
from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

from analyzers.segment import Segmenter
from service.fusion import Candidate, PassageScore, best_passages

DOC_FIELDS = ("title", "doc_number", "issuer", "date", "kind")


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON out through orjson: a result page in ~0.01 ms instead of ~0.16 ms. Keys keep their
    order (Flask's default sorts them); reading request bodies stays with Flask's default."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return orjson.dumps(obj, default=self.default).decode("utf-8")

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        return Response(orjson.dumps(obj, default=self.default), mimetype=self.mimetype)


def document_url(doc_id: str) -> str:
    return f"/documents/{doc_id}"


def highlight_html(text: str, highlighted_seg: str | None, segmenter: Segmenter) -> str:
    """The passage text, HTML-escaped, with <em> around matched words; no spaces inserted.

    highlighted_seg is the passage's text_seg with the query's words between marker characters
    (analyzers.segment.mark_terms, for keyword and kNN hits alike); None means no word matched.
    """
    if highlighted_seg is None:
        return html.escape(text)
    return segmenter.restore_highlight(text, highlighted_seg)


def passage_json(p: PassageScore, segmenter: Segmenter) -> dict[str, Any]:
    text = str(p.source.get("text", ""))
    return {
        "passage_id": p.passage_id,
        "text": text,
        "highlight": highlight_html(text, p.highlight, segmenter),
        "heading": p.source.get("heading") or "",
    }


def hit_json(c: Candidate, segmenter: Segmenter, passages: int = 3) -> dict[str, Any]:
    hit: dict[str, Any] = {"doc_id": c.doc_id}
    hit.update({f: c.source.get(f) for f in DOC_FIELDS})
    hit["score"] = round(c.score, 6)
    hit["url"] = document_url(c.doc_id)
    hit["passages"] = [passage_json(p, segmenter) for p in best_passages(c, passages)]
    return hit


def facets_json(aggs: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Facet buckets counting documents (the cardinality of doc_id under each bucket)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name in ("issuer", "kind", "year"):
        buckets = aggs.get(name, {}).get("buckets", [])
        out[name] = [
            {"value": b["key"], "count": int(b.get("docs", {}).get("value", b["doc_count"]))} for b in buckets
        ]
    return out


def facets_from_candidates(candidates: list[Candidate]) -> dict[str, list[dict[str, Any]]]:
    """Facets over a fused candidate set (where no single Elasticsearch query saw all of it)."""
    counts: dict[str, dict[Any, int]] = {"issuer": {}, "kind": {}, "year": {}}
    for c in candidates:
        date = c.source.get("date")
        values = {
            "issuer": c.source.get("issuer"),
            "kind": c.source.get("kind"),
            "year": int(str(date)[:4]) if date else None,
        }
        for name, value in values.items():
            if value is not None:
                counts[name][value] = counts[name].get(value, 0) + 1
    return {
        name: [{"value": v, "count": n} for v, n in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))][
            :20
        ]
        for name, c in counts.items()
    }

"""What the page templates get: hits, facets, the pager, a document's blocks and precedents, shaped for display."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import url_for
from markupsafe import escape

from search.documents import Block
from search.results import VALIDITY_LABELS
from service.markup import mark_words, sanitise_highlight

PAGE_SIZE = 10
FACETS = [("validity", "时效性"), ("issuer", "发文机关"), ("kind", "文种"), ("year", "年份")]
FILTERS = ["issuer", "kind", "year", "doc_number", "date_from", "date_to", "validity"]
FILTER_LABELS = {**dict(FACETS), "doc_number": "文号", "date_from": "起始日期", "date_to": "截止日期"}
# The API's arguments a results page carries over into its CSV export (year becomes a date range).
EXPORTED = ["q", "mode", "sort", "issuer", "kind", "doc_number", "date_from", "date_to", "validity"]


def _shown(name: str, value: Any) -> str:
    return VALIDITY_LABELS.get(str(value), str(value)) if name == "validity" else str(value)


def active(args: Mapping[str, Any]) -> list[dict[str, str]]:
    return [
        {"name": n, "label": FILTER_LABELS[n], "value": _shown(n, args[n])} for n in FILTERS if args.get(n)
    ]


def export_url(args: Mapping[str, Any]) -> str | None:
    """This search as a CSV download (/api/search?format=csv): only for a query (the API needs q)."""
    if not args.get("q"):
        return None
    merged = dict(args)
    if merged.get("year"):
        merged["date_from"] = merged["date_to"] = merged["year"]
    keep = {k: merged[k] for k in EXPORTED if merged.get(k) and merged[k] not in ("hybrid", "relevance")}
    return url_for("api.search", **keep, format="csv")


def search_context(args: dict[str, Any], result: dict[str, Any] | None, max_page: int) -> dict[str, Any]:
    """Everything search.html needs: shaped hits, facets with their links, the pager."""
    context: dict[str, Any] = {
        **args,
        "filters": bool(active(args)),
        "active_filters": active(args),
        "clear_filters": dict.fromkeys(FILTERS),
        "result": result,
        "search_url": url_builder(args),
        "facets": [],
        "pager": None,
        "first_rank": (args["page"] - 1) * PAGE_SIZE + 1,
        "export_url": export_url(args),
    }
    if result is not None:
        result["hits"] = [hit_view(hit, args["q"]) for hit in result.get("hits", [])]
        context["facets"] = facet_views(result.get("facets", {}), args)
        context["pager"] = pager(args["page"], int(result.get("total", 0)), max_page)
    return context


def url_builder(args: Mapping[str, Any]) -> Any:
    """search_url(**changes): this search with some arguments changed (None drops one); page resets."""

    def search_url(**changes: Any) -> str:
        merged = {**args, "page": None, **changes}
        keep = {k: v for k, v in merged.items() if v not in (None, "")}
        keep = {k: v for k, v in keep.items() if (k, v) not in {("mode", "hybrid"), ("sort", "relevance")}}
        return url_for("web.search") + ("?" + urlencode(keep) if keep else "")

    return search_url


def hit_view(hit: dict[str, Any], q: str) -> dict[str, Any]:
    """A hit with its document link (carrying the query) and its best passage made safe to show."""
    view = dict(hit)
    passages = hit.get("passages") or []
    best = passages[0] if passages else None
    anchor = passage_anchor(best.get("passage_id")) if best else None
    view["link"] = url_for("web.document", doc_id=hit["doc_id"], q=q or None, _anchor=anchor)
    if best:
        text = best.get("highlight") or ""
        html = sanitise_highlight(text) if text else escape(clip(best.get("text", "")))
        view["best"] = {"heading": best.get("heading") or "", "html": html}
    return view


def facet_views(facets: Mapping[str, list[dict[str, Any]]], args: Mapping[str, Any]) -> list[dict[str, Any]]:
    views = []
    for name, label in FACETS:
        buckets = [
            {
                "value": str(b["value"]),
                "label": _shown(name, b["value"]),
                "count": b["count"],
                "active": str(b["value"]) == str(args.get(name) or ""),
            }
            for b in facets.get(name, [])
        ]
        if buckets:
            views.append({"name": name, "label": label, "buckets": buckets})
    return views


def pager(page: int, total: int, max_page: int) -> dict[str, Any] | None:
    """Previous/next and a window of page numbers (0 marks a gap) within the deepest allowed page."""
    last = min((total + PAGE_SIZE - 1) // PAGE_SIZE, max_page)
    if last <= 1:
        return None
    shown = sorted({1, last, *range(max(1, page - 2), min(last, page + 2) + 1)})
    numbers: list[int] = []
    for n in shown:
        if numbers and n - numbers[-1] > 1:
            numbers.append(0)
        numbers.append(n)
    return {
        "prev": page - 1 if page > 1 else None,
        "next": page + 1 if page < last else None,
        "numbers": numbers,
    }


def passage_anchor(passage_id: str | None) -> str | None:
    """Passage ids are "doc_id#n"; the document page marks passage n with id="p-n"."""
    if not passage_id or "#" not in passage_id:
        return None
    return f"p-{passage_id.rsplit('#', 1)[1]}"


def clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def toc(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chapters of a regulation, else the 一、二、 headings of a notice (not their sub-points)."""
    toc = [b for b in blocks if b["kind"] in ("chapter", "section")]
    if not toc:
        toc = [b for b in blocks if b["top"]]
    return toc[:40]


def block_view(block: Block, terms: list[str]) -> dict[str, Any]:
    return {
        "kind": block.kind,
        "text": block.text,
        "start": block.start,
        "lead": block.lead,
        "anchors": block.anchors,
        "html": mark_words(block.text, terms),
        "top": block.top,
    }


def precedent_view(hit: dict[str, Any]) -> dict[str, Any]:
    view = dict(hit)
    matches = sorted(hit.get("matches") or [], key=lambda m: m.get("draft_start", 0))
    view["matches"] = [
        {**m, "pct": percent(m.get("similarity")), "anchor": passage_anchor(m.get("passage_id"))}
        for m in matches
    ]
    view["top_pct"] = max((m["pct"] for m in view["matches"]), default=0)
    return view


def percent(similarity: Any) -> int:
    """Similarity in 0..1 (cosine) as a whole percentage, clamped for the bar."""
    try:
        return max(0, min(100, round(float(similarity) * 100)))
    except (TypeError, ValueError):
        return 0

"""Ranked candidates -> typed hits (highlights made HTML) and facet counts."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from analyzers.segment import Segmenter
from analyzers.validity import status_on
from search.fusion import Candidate, PassageScore, best_passages
from search.results import FacetBucket, Hit, Passage, document_url
from search.versions import validity_of

FACETS = ("issuer", "kind", "year")
VALIDITY = "validity"  # a facet counted by status (a filters aggregation, not terms)


def passage_of(p: PassageScore, segmenter: Segmenter) -> Passage:
    """The passage with its highlight: where the query's words are in its text_seg (analyzers.segment
    .mark_terms) mapped back onto the text as escaped HTML; None means no word matched."""
    text = str(p.source.get("text", ""))
    if p.highlight is None:
        highlight = html.escape(text)
    else:
        highlight = segmenter.restore_highlight(text, str(p.source.get("text_seg", "")), p.highlight)
    return Passage(p.passage_id, text, highlight, str(p.source.get("heading") or ""))


def hit_of(c: Candidate, segmenter: Segmenter, passages: int = 3) -> Hit:
    s = c.source
    return Hit(
        doc_id=c.doc_id,
        title=s.get("title"),
        doc_number=s.get("doc_number"),
        issuer=s.get("issuer"),
        date=s.get("date"),
        kind=s.get("kind"),
        score=round(c.score, 6),
        url=document_url(c.doc_id),
        passages=[passage_of(p, segmenter) for p in best_passages(c, passages)],
        doc_numbers=tuple(s.get("doc_numbers") or ()),
        promulgated=s.get("promulgated"),
        validity=validity_of(s),
    )


def facets_from_aggs(aggs: dict[str, Any]) -> dict[str, list[FacetBucket]]:
    """Facet buckets counting documents (the cardinality of doc_id under each bucket)."""
    out: dict[str, list[FacetBucket]] = {}
    for name in FACETS:
        buckets = aggs.get(name, {}).get("buckets", [])
        out[name] = [
            FacetBucket(b["key"], int(b.get("docs", {}).get("value", b["doc_count"]))) for b in buckets
        ]
    statuses = aggs.get(VALIDITY, {}).get("buckets", {})
    out[VALIDITY] = [
        FacetBucket(name, n)
        for name, b in statuses.items()
        if (n := int(b.get("docs", {}).get("value", b["doc_count"])))
    ]
    return out


def facets_from_candidates(candidates: list[Candidate]) -> dict[str, list[FacetBucket]]:
    """Facets over a fused candidate set (where no single Elasticsearch query saw all of it)."""
    counts: dict[str, dict[Any, int]] = {name: {} for name in (*FACETS, VALIDITY)}
    day = dt.date.today().isoformat()
    for c in candidates:
        date = c.source.get("date")
        values = {
            "issuer": c.source.get("issuer"),
            "kind": c.source.get("kind"),
            "year": int(str(date)[:4]) if date else None,
            VALIDITY: status_on(c.source, day),
        }
        for name, value in values.items():
            if value is not None:
                counts[name][value] = counts[name].get(value, 0) + 1
    return {
        name: [FacetBucket(v, n) for v, n in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))][:20]
        for name, c in counts.items()
    }

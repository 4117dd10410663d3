"""Precedent search: which stored documents resemble a draft, and which parts correspond.

The draft is cut into segments (sentences merged to ~60-300 characters), embedded in one batch and
searched by kNN per segment in one msearch. A document's score is the mean over draft segments of its
best passage similarity (how much of the draft it covers), plus a small keyword component from the
draft's most frequent terms, so shared names and terms count too. The first documents are then
re-ranked with whole-document evidence of those terms (search/evidence.py), as stock BM25 of the whole
draft over whole documents would weigh them.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from typing import Any

from analyzers.segment import Segmenter
from analyzers.structure import SENTENCE_ENDS
from search import evidence
from search.cache import Lru
from search.fusion import Candidate, PassageScore
from search.model import Model
from search.results import Match, Precedent, PrecedentResult, Timing
from search.riders import Riders
from search.shaping import hit_of
from store import queries
from store.records import Filters, Hit
from store.search_store import SearchStore

SEGMENT_MIN_CHARS = 60
SEGMENT_MAX_CHARS = 300
# A long draft is sampled evenly down to this many segments: embedding them is most of a draft's cost
# (48 took ~2 s for 20,000 characters). The judged precedent queries rank the same with 16 as with 48;
# long drafts keep their top document (docs/benchmarks.md, `python -m bench.drafts`).
MAX_SEGMENTS = 16
KNN_PER_SEGMENT = 20
KEYWORD_WEIGHT = 0.2
# Whole-document evidence of the draft's frequent terms (search/evidence.py), as stock BM25 of the whole
# draft over whole documents weighs them: its share of the score of the first DOCUMENT_DEPTH documents,
# a term weighing count ** QUERY_TF_POWER (1: as often as the draft says it), BM25's usual length
# normalisation (b = 0.75: a draft is matched against whole texts). Chosen by 5-fold CV (docs/benchmarks.md).
DOCUMENT_WEIGHT = 0.6
DOCUMENT_DEPTH = 30
QUERY_TF_POWER = 1.0
DOCUMENT_B = 0.75
TERMS = 30
MATCHES_PER_DOCUMENT = 12
DOCUMENT_CACHE_SIZE = 2048  # stored documents' precedent lists kept per process (a few KB each)
_SENTENCE_END = re.compile(rf"(?<=[{SENTENCE_ENDS}\n])")  # a draft is cut after sentences and lines


@dataclass(frozen=True)
class Segment:
    text: str
    start: int
    end: int


def cut_draft(text: str, max_segments: int = MAX_SEGMENTS) -> list[Segment]:
    """Sentences merged into segments of roughly SEGMENT_MIN..MAX characters, with their offsets."""
    segments: list[Segment] = []
    start = cursor = 0
    for piece in _SENTENCE_END.split(text):
        cursor += len(piece)
        if cursor - start >= SEGMENT_MIN_CHARS:
            segments.extend(_span(text, start, cursor))
            start = cursor
    if text[start:].strip():
        segments.extend(_span(text, start, len(text)))
    if len(segments) > max_segments:
        step = len(segments) / max_segments
        segments = [segments[int(i * step)] for i in range(max_segments)]
    return segments


def _span(text: str, start: int, end: int) -> list[Segment]:
    """One segment (long runs without punctuation are cut at SEGMENT_MAX_CHARS), whitespace trimmed."""
    out = []
    for s in range(start, end, SEGMENT_MAX_CHARS):
        e = min(end, s + SEGMENT_MAX_CHARS)
        chunk = text[s:e]
        lead = len(chunk) - len(chunk.lstrip())
        if chunk.strip():
            out.append(Segment(chunk.strip(), s + lead, s + lead + len(chunk.strip())))
    return out


def top_terms(text: str, segmenter: Segmenter, n: int = 30) -> list[str]:
    """The draft's most frequent content words (two characters or more)."""
    return [t for t, _ in term_counts(text, segmenter, n)]


def term_counts(text: str, segmenter: Segmenter, n: int = 30) -> list[tuple[str, int]]:
    """The draft's most frequent content words with their counts."""
    return Counter(t for t in segmenter.query_tokens(text) if len(t) >= 2).most_common(n)


def bodies(
    segments: list[Segment], vectors: list[list[float]], terms: list[str], filters: Filters
) -> list[dict[str, Any]]:
    """One kNN search per (distinct) draft segment, then one for documents sharing the draft's frequent
    terms: all sent in one msearch."""
    knn = [
        queries.knn_passages_body(v, filters, KNN_PER_SEGMENT, {"_source": queries.PASSAGE_FIELDS})
        for v in vectors
    ]
    return knn + ([queries.terms_documents_body(terms, filters)] if terms else [])


def rank(segments: list[Segment], knn_results: list[list[Hit]], keyword_hits: list[Hit]) -> list[Candidate]:
    """Documents by draft coverage; each candidate's passages carry the matched pairs (see matches())."""
    best: dict[str, dict[int, Hit]] = defaultdict(dict)  # doc_id -> segment index -> best passage hit
    for i, hits in enumerate(knn_results):
        for h in hits:
            current = best[h.doc_id].get(i)
            if current is None or h.score > current.score:
                best[h.doc_id][i] = h
    kw_max = max((h.score for h in keyword_hits), default=0.0)
    kw = {h.doc_id: h.score / kw_max for h in keyword_hits} if kw_max else {}
    candidates = []
    for doc_id, per_segment in best.items():
        coverage = sum(_cosine(h.score) for h in per_segment.values()) / max(1, len(segments))
        c = Candidate(
            doc_id, next(iter(per_segment.values())).source, semantic=coverage, keyword=kw.get(doc_id, 0.0)
        )
        c.score = (1 - KEYWORD_WEIGHT) * coverage + KEYWORD_WEIGHT * c.keyword
        for h in sorted(per_segment.values(), key=lambda h: -h.score):
            if h.passage_id not in c.passages:
                c.passages[h.passage_id] = PassageScore(
                    h.passage_id, h.source, semantic=h.score, score=h.score
                )
        candidates.append(c)
    return sorted(candidates, key=lambda c: (-c.score, c.doc_id))


def matches(candidate: Candidate, segments: list[Segment], knn_results: list[list[Hit]]) -> list[Match]:
    """Pairs of a draft segment and the passage of this document it resembles most, best first."""
    pairs = []
    for i, hits in enumerate(knn_results):
        own = [h for h in hits if h.doc_id == candidate.doc_id]
        if own:
            h = max(own, key=lambda h: h.score)
            s = segments[i]
            pairs.append(
                Match(
                    draft_segment=s.text,
                    draft_start=s.start,
                    draft_end=s.end,
                    passage_id=h.passage_id,
                    passage_text=h.source.get("text", ""),
                    heading=h.source.get("heading") or "",
                    similarity=round(_cosine(h.score), 4),
                )
            )
    pairs.sort(key=lambda m: -m.similarity)
    return pairs[:MATCHES_PER_DOCUMENT]


def _cosine(es_score: float) -> float:
    """Elasticsearch reports cosine similarity as (1 + cos) / 2."""
    return 2 * es_score - 1


# A stored document's precedents, per index version (store.index_version()): a document page lists them
# on every view, and they change only when the index does.
DOCUMENT_CACHE: Lru[tuple[str, str, int], PrecedentResult] = Lru(DOCUMENT_CACHE_SIZE)


def precedents(
    store: SearchStore,
    model: Model,
    segmenter: Segmenter,
    frequencies: evidence.FrequencyCache,
    text: str | None,
    doc_id: str | None,
    size: int,
    filters: Filters | None,
) -> PrecedentResult:
    """Documents most similar to a draft, or to a stored document (which is then excluded); a stored
    document's list (without filters) comes from DOCUMENT_CACHE after its first computation.

    Raises LookupError when doc_id names no stored document."""
    if doc_id is None or (filters is not None and filters != Filters()):
        return _precedents(store, model, segmenter, frequencies, text, doc_id, size, filters)
    timing = Timing()
    version = store.index_version()
    key = (version or "", doc_id, size)
    cached = DOCUMENT_CACHE.get(key) if version else None
    if cached is not None:
        times = timing.as_dict()
        return replace(cached, took_ms=round(times["total_ms"]), timing={**times, "cached": 1.0})
    result = _precedents(store, model, segmenter, frequencies, text, doc_id, size, filters)
    if version:
        DOCUMENT_CACHE.put(key, result)
    return result


def _precedents(
    store: SearchStore,
    model: Model,
    segmenter: Segmenter,
    frequencies: evidence.FrequencyCache,
    text: str | None,
    doc_id: str | None,
    size: int,
    filters: Filters | None,
) -> PrecedentResult:
    timing = Timing()
    filters = filters or Filters()
    model.check()
    if doc_id is not None:
        doc = store.get_document(doc_id)
        if doc is None:
            raise LookupError(doc_id)
        text = doc["text"]
        filters = replace(filters, exclude_doc_ids=(doc_id,))
        segments, stored = _stored_segments(store, doc_id)
    else:
        segments, stored = cut_draft(text or "", MAX_SEGMENTS), {}
    # Repeated segments (boilerplate, pasted clauses) are embedded and searched once; each still counts.
    first: dict[str, Segment] = {}
    for s in segments:
        first.setdefault(s.text, s)
    distinct = list(first.values())
    if stored:
        vectors = [stored[s.text] for s in distinct]
    else:
        vectors = model.embed_passages([s.text for s in distinct], timing) if distinct else []
    counted = term_counts(text or "", segmenter, TERMS)
    terms = [t for t, _ in counted]
    riders = Riders()  # the index generation, for the cached index-wide counts of the terms
    results = []
    if distinct:
        sent = riders.added(bodies(distinct, vectors, terms, filters))
        results = riders.taken(model.search(timing, sent))
    found = {s.text: r.hits for s, r in zip(distinct, results, strict=False)}
    knn = [found[s.text] for s in segments]
    keyword = results[len(distinct)].hits if len(results) > len(distinct) else []
    ranked = rank(segments, knn, keyword)
    if DOCUMENT_WEIGHT > 0 and terms:
        weights = tuple(float(n) ** QUERY_TF_POWER for _, n in counted)
        ranked = _reranked(store, timing, frequencies, riders.generation, ranked, terms, weights)
    hits = []
    for c in ranked[:size]:
        hit = hit_of(c, segmenter)
        hits.append(Precedent(**vars(hit), matches=matches(c, segments, knn)))
    times = timing.as_dict()
    return PrecedentResult(len(segments), terms, doc_id, hits, round(times["total_ms"]), times)


def _stored_segments(store: SearchStore, doc_id: str) -> tuple[list[Segment], dict[str, list[float]]]:
    """A stored document's own passages as its segments, with the vectors the index holds for them (no
    embedding: that was ~0.5-1 s of a document page's first view). Passages shorter than a segment
    (headings, signatures) are left out unless nothing else is left; long documents are sampled evenly
    down to MAX_SEGMENTS, as drafts are."""
    passages = [p for p in store.passage_vectors(doc_id) if p.get("vector") and p.get("text")]
    long_enough = [p for p in passages if len(p["text"]) >= SEGMENT_MIN_CHARS] or passages
    if len(long_enough) > MAX_SEGMENTS:
        step = len(long_enough) / MAX_SEGMENTS
        long_enough = [long_enough[int(i * step)] for i in range(MAX_SEGMENTS)]
    segments = [Segment(p["text"], int(p.get("start") or 0), int(p.get("end") or 0)) for p in long_enough]
    return segments, {p["text"]: [float(x) for x in p["vector"]] for p in long_enough}


def _reranked(
    store: SearchStore,
    timing: Timing,
    frequencies: evidence.FrequencyCache,
    generation: str | None,
    ranked: list[Candidate],
    terms: list[str],
    weights: tuple[float, ...],
) -> list[Candidate]:
    """The first DOCUMENT_DEPTH documents re-ranked with the whole-document evidence of the draft's terms."""
    groups = [[t] for t in terms]
    reranked, _ = evidence.rerank(
        store,
        timing,
        frequencies,
        generation,
        ranked,
        groups,
        DOCUMENT_WEIGHT,
        DOCUMENT_DEPTH,
        DOCUMENT_B,
        weights,
    )
    return reranked

"""Fusing keyword (BM25) and semantic (cosine) results per document: pure functions, unit-tested.

Plain reciprocal-rank fusion (Cormack et al., 2009) treats rank 1 of either side alike, which lets the
semantic side bury exact 文号 and exact-keyword matches. We fuse normalised scores instead:
BM25 divided by the query's best BM25 score (so 1.0 = the best keyword match), cosine similarity
min-max scaled over the semantic candidates (m3e cosines of unrelated Chinese texts sit around
0.6-0.8, so raw cosines would flatten the scale), then a weighted sum whose weights depend on what the
query looks like. An exact 文号 match always ranks first.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from analyzers.segment import Spans
from analyzers.textnorm import fold
from store.records import Hit
from store.records import SearchResult as StoreResult

# Short keyword queries (the portal box): exact words matter most.
KEYWORD_WEIGHTS = (0.5, 0.5)
# Questions in everyday words: meaning matters more than the exact words.
QUESTION_WEIGHTS = (0.35, 0.65)
# sort=date lists matching documents newest first. kNN returns neighbours for any query, so a document
# only the semantic side found must score at least this share of the best one to count as matching;
# otherwise weak neighbours would head the list just for being recent.
DATE_SORT_MIN_SHARE = 0.5
MATCH_MIN_SHARE = 0.2
# Passages kept per document from each side: a page shows up to three.
PASSAGES_PER_DOC = 3
# Which passage of a document answers best: m3e rates passages on the same topic alike, while the answer
# usually repeats the question's own words, so a passage's share of the query's words counts most, and
# the fused score breaks ties.
COVERAGE_WEIGHT = 0.7


@dataclass
class Candidate:
    """One document gathered from either side, with its best passages and their scores."""

    doc_id: str
    source: dict[str, Any]
    keyword: float = 0.0  # the document's best passage BM25 score, raw
    semantic: float = 0.0  # the document's best passage cosine score, raw
    passages: dict[str, PassageScore] = field(default_factory=dict)
    score: float = 0.0
    index: str = ""  # the concrete index that ranked it (its page's passages are fetched from there)


@dataclass
class PassageScore:
    passage_id: str
    source: dict[str, Any]
    keyword: float = 0.0
    semantic: float = 0.0
    # where the query's words are in text_seg (analyzers.segment.mark_terms): set for the passages shown,
    # not for every passage gathered
    highlight: Spans | None = None
    score: float = 0.0
    coverage: float = 0.0  # share of the query's words found in the passage
    fused: float = 0.0  # the passage's fused keyword and semantic score, before its coverage counts


def weights_for(question: bool, mode: str) -> tuple[float, float]:
    """(keyword, semantic) weights for a mode and a query's shape (search.understand.is_question)."""
    if mode == "keyword":
        return (1.0, 0.0)
    if mode == "semantic":
        return (0.0, 1.0)
    return QUESTION_WEIGHTS if question else KEYWORD_WEIGHTS


def _normalisers(candidates: Iterable[Candidate]) -> tuple[float, float, float]:
    items = list(candidates)
    kw_max = max((c.keyword for c in items), default=0.0)
    sems = [c.semantic for c in items if c.semantic > 0]
    return kw_max, min(sems, default=0.0), max(sems, default=0.0)


def _scaled(kw: float, sem: float, norms: tuple[float, float, float], w: tuple[float, float]) -> float:
    kw_max, sem_min, sem_max = norms
    kw_n = kw / kw_max if kw_max > 0 else 0.0
    sem_n = (
        (sem - sem_min) / (sem_max - sem_min) if sem > 0 and sem_max > sem_min else (1.0 if sem > 0 else 0.0)
    )
    return w[0] * kw_n + w[1] * sem_n


def fuse(
    candidates: list[Candidate], weights: tuple[float, float], exact_doc_number: str | None
) -> list[Candidate]:
    """Score documents and their passages; best first. The exact 文号 match, if any, leads."""
    norms = _normalisers(candidates)
    for c in candidates:
        c.score = _scaled(c.keyword, c.semantic, norms, weights)
        for p in c.passages.values():
            p.fused = _scaled(p.keyword, p.semantic, norms, weights)
            _score_passage(p, weights)
    # Ties break the same way on every request: newer first, then by id.
    ranked = sorted(candidates, key=lambda c: (-c.score, _newest_first(c), c.doc_id))
    if exact_doc_number:
        exact = [c for c in ranked if bears_number(c.source, exact_doc_number)]
        exact.sort(key=lambda c: _version_rank(c.source, exact_doc_number))
        ranked = exact + [c for c in ranked if c not in exact]
    return ranked


def _score_passage(p: PassageScore, weights: tuple[float, float]) -> None:
    p.score = COVERAGE_WEIGHT * p.coverage + (1 - COVERAGE_WEIGHT) * p.fused if all(weights) else p.fused


def rate_passages(c: Candidate, tokens: list[str], weights: tuple[float, float]) -> None:
    """A shown document's passages scored again with the share of the query's words each holds (the
    passages must be whole: text_seg; fuse() has set their fused scores)."""
    telling = telling_tokens(c, tokens)
    for p in c.passages.values():
        p.coverage = coverage(passage_tokens(p), telling)
        _score_passage(p, weights)


def telling_tokens(c: Candidate, tokens: list[str]) -> list[str]:
    """The query's tokens that tell one of the document's passages from another: not its title's (every
    passage is "about" the title), or all of them when the title holds every one."""
    title = fold(str(c.source.get("title", "")))
    return [t for t in tokens if t not in title] or tokens


REVISING_ROLES = ("修订", "修正")


def bears_number(source: dict[str, Any], number: str) -> bool:
    """The document bears this 文号 (any of its numbers), or this issuer-free decree key ("令第601号")."""
    return (
        source.get("doc_number") == number
        or number in (source.get("doc_numbers") or [])
        or (number.startswith("令第") and number in (source.get("doc_number_parts") or []))
    )


def produced_by(source: dict[str, Any], number: str) -> int:
    """How surely this version is the one `number` produced: 0 when the decree revised or amended it on
    the version's own date, 1 when it is the latest numbered revision of its history, else 2. (A later
    version revised by an unnumbered decision also lists the number as its latest numbered revision.)"""
    revisions = [e for e in source.get("doc_number_history") or [] if e.get("role") in REVISING_ROLES]
    if any(e.get("number") == number and e.get("date") == source.get("date") for e in revisions):
        return 0
    return 1 if revisions and revisions[-1].get("number") == number else 2


def _version_rank(source: dict[str, Any], number: str) -> tuple[int, int]:
    """Among the versions bearing a number: the one a revision decree produced, then the current one."""
    return (produced_by(source, number), 1 if source.get("superseded_by") else 0)


def coverage(passage_tokens: Collection[str] | SegTokens, tokens: list[str]) -> float:
    """Share of the query's tokens (weighted by length: long words say more) found in a passage."""
    if not tokens:
        return 0.0
    total = sum(len(t) for t in set(tokens))
    return sum(len(t) for t in set(tokens) if t in passage_tokens) / total if total else 0.0


def best_passages(candidate: Candidate, n: int = 3) -> list[PassageScore]:
    """The document's best passages, the one that best answers the query first."""
    return sorted(candidate.passages.values(), key=lambda p: (-p.score, p.passage_id))[:n]


def matching(ranked: list[Candidate], min_share: float = MATCH_MIN_SHARE) -> list[Candidate]:
    """Hybrid results worth counting: every keyword match, and semantic-only documents scoring at least
    `min_share` of the best (kNN always returns neighbours, however far; they should not inflate the
    total or the facet counts)."""
    top = max((c.score for c in ranked), default=0.0)
    return [c for c in ranked if c.keyword > 0 or c.score >= min_share * top]


def by_date(ranked: list[Candidate], min_share: float = DATE_SORT_MIN_SHARE) -> list[Candidate]:
    """Matching documents newest first (undated last): keyword matches and strong semantic ones."""
    top = max((c.score for c in ranked), default=0.0)
    kept = [c for c in ranked if c.keyword > 0 or c.score >= min_share * top]
    dated = [c for c in kept if c.source.get("date")]
    undated = [c for c in kept if not c.source.get("date")]
    return sorted(dated, key=lambda c: (_newest_first(c), -c.score, c.doc_id)) + undated


def _newest_first(c: Candidate) -> tuple[int, ...]:
    """A sort key putting later dates first (undated last)."""
    date = str(c.source.get("date") or "")
    return tuple(-int(x) for x in date.split("-")) if date[:4].isdigit() else (1,)


# --- gathering candidates from the hits of either side --------------------------------------------


def _passage(hit: Hit, keyword: bool) -> PassageScore:
    if keyword:
        return PassageScore(hit.passage_id, hit.source, keyword=hit.score)
    return PassageScore(hit.passage_id, hit.source, semantic=hit.score)


def group(hits: list[Hit], keyword: bool) -> dict[str, Candidate]:
    """Passages grouped by document in rank order; a document's score is its best passage's."""
    candidates: dict[str, Candidate] = {}
    for h in hits:
        c = candidates.get(h.doc_id)
        if c is None:
            c = candidates[h.doc_id] = Candidate(h.doc_id, h.source, index=h.index)
            if keyword:
                c.keyword = h.score
            else:
                c.semantic = h.score
        if len(c.passages) < PASSAGES_PER_DOC:
            c.passages[h.passage_id] = _passage(h, keyword)
    return candidates


def add_passages(candidates: dict[str, Candidate], hits: list[Hit], keyword: bool = False) -> None:
    """More passages for documents already gathered (a collapsed search keeps one each)."""
    for h in hits:
        c = candidates.get(h.doc_id)
        pid = h.passage_id
        if c is None or pid in c.passages or (keyword and len(c.passages) >= PASSAGES_PER_DOC):
            continue
        c.passages[pid] = _passage(h, keyword)


def merge(semantic: dict[str, Candidate], keyword: dict[str, Candidate]) -> None:
    """Fold the keyword side into the semantic candidates (same documents, same passages)."""
    for doc_id, kc in keyword.items():
        c = semantic.get(doc_id)
        if c is None:
            semantic[doc_id] = kc
            continue
        c.keyword = kc.keyword
        for pid, p in kc.passages.items():
            old = c.passages.get(pid)
            c.passages[pid] = replace(p, semantic=old.semantic) if old else p


def keyword_candidates(documents: StoreResult, passages: StoreResult) -> dict[str, Candidate]:
    """The keyword side: documents from the collapsed search, more passages from the other."""
    candidates = group(documents.hits, keyword=True)
    add_passages(candidates, passages.hits, keyword=True)
    return candidates


def sorted_by(ranked: list[Candidate], sort: str) -> list[Candidate]:
    return by_date(ranked) if sort == "date" else ranked


class SegTokens:
    """The tokens of a passage's text_seg, for `in` (fusion.coverage): a search in the space-separated text
    itself, where a set of its hundreds of tokens cost each hybrid query ~1 ms over its ~170 passages."""

    __slots__ = ("_padded",)

    def __init__(self, text_seg: str) -> None:
        self._padded = f" {text_seg} "

    def __contains__(self, token: object) -> bool:
        # what text_seg.split(" ") would hold: a token never spans a space
        return isinstance(token, str) and " " not in token and f" {token} " in self._padded


def passage_tokens(passage: PassageScore) -> SegTokens:
    return SegTokens(str(passage.source.get("text_seg", "")))

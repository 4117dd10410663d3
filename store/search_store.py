"""SearchStore: every Elasticsearch call of the product, behind one object; ES exceptions never leave it."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from elasticsearch import Elasticsearch

from config.settings import EsSettings
from store import deadline, lookups
from store.client import make_client
from store.errors import DeadlineExceeded, IndexNotFound, StoreError, status_error, translated
from store.lifecycle import IndexLifecycle
from store.records import RELATION_FIELDS, Cached, Hit, SearchResult, StoredDocument
from store.scan import check_shards, every_hit, failure_error, query_errors_only, shard_failures
from store.writes import WRITE_TIMEOUT, RecordWriter

log = logging.getLogger(__name__)
# A request's client timeout is what its deadline leaves, rounded up to this step (seconds): a client per
# step is made once and kept, where options() per call built a whole client (~0.2 ms) every time.
TIMEOUT_STEP = 0.1
GROUP_ROWS = 500  # records documents_in_groups returns at most


class SearchStore(IndexLifecycle, RecordWriter):
    """One per process. The client is created lazily, so constructing a store never touches the network."""

    def __init__(self, settings: EsSettings, client: Elasticsearch | None = None) -> None:
        self.settings = settings
        self.alias = settings.index
        self._client = client
        self._bounded_clients: dict[float, Elasticsearch] = {}

    @property
    def client(self) -> Elasticsearch:
        """The client; within a request's deadline (store.deadline), one whose timeout is what is left."""
        if self._client is None:
            self._client = make_client(self.settings)
        left = deadline.remaining()
        if left is None:
            return self._client
        timeout = min(self.settings.timeout, math.ceil(left / TIMEOUT_STEP) * TIMEOUT_STEP)
        bounded = self._bounded_clients.get(timeout)
        if bounded is None:
            bounded = self._bounded_clients[timeout] = self._client.options(request_timeout=timeout)
        return bounded

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
            self._bounded_clients = {}

    # --- cluster and index lifecycle -------------------------------------------------------------

    def ping(self) -> bool:
        with contextlib.suppress(StoreError), translated():
            return bool(self.client.ping())
        return False

    def refresh(self, index: str | None = None) -> None:
        with translated():  # makes written records visible: part of writing, so the write timeout
            self.client.options(request_timeout=WRITE_TIMEOUT).indices.refresh(index=index or self.alias)

    # --- reads -----------------------------------------------------------------------------------

    def stored_documents(
        self, index: str, root: str | None = None, prefix: str = ""
    ) -> dict[str, StoredDocument]:
        """doc_id -> what is stored of each complete document; only those read under `root` (and whose
        source starts with `prefix`) when a root is given."""
        filters: list[dict[str, Any]] = [{"term": {"type": "document"}}]
        if root is not None:
            filters.append({"term": {"source_root": root}})
        if prefix:
            filters.append({"prefix": {"source": prefix}})
        fields = ["doc_id", "content_hash", "source", "source_root", "passage_count", "title"]
        fields += ["issuer", "kind", "date", "repeals", *RELATION_FIELDS]
        body = {"query": {"bool": {"filter": filters}}, "_source": fields}
        hits = list(every_hit(self.client, index, body))
        return {
            h["_source"]["doc_id"]: StoredDocument(
                doc_id=h["_source"]["doc_id"],
                content_hash=h["_source"]["content_hash"],
                source=h["_source"]["source"],
                source_root=h["_source"].get("source_root") or "",
                passage_count=int(h["_source"]["passage_count"]),
                title=h["_source"].get("title") or "",
                issuer=h["_source"].get("issuer"),
                kind=h["_source"].get("kind"),
                date=h["_source"].get("date"),
                repeals=tuple(h["_source"].get("repeals") or ()),
                version_group=h["_source"].get("version_group"),
                superseded_by=h["_source"].get("superseded_by"),
                repealed_by=h["_source"].get("repealed_by"),
            )
            for h in hits
        }

    def documents_per_root(self, index: str | None = None) -> dict[str, int]:
        """How many documents each source root contributed."""
        body = {
            "size": 0,
            "query": {"term": {"type": "document"}},
            "aggs": {"roots": {"terms": {"field": "source_root", "size": 1000}}},
        }
        result = self.search(body, index=index)
        return {b["key"]: int(b["doc_count"]) for b in result.aggregations["roots"]["buckets"]}

    def get_document(self, doc_id: str) -> dict[str, Any] | None:
        with translated():
            resp = self.client.options(ignore_status=404).get(index=self.alias, id=f"doc:{doc_id}")
        return dict(resp["_source"]) if resp.get("found") else None

    def count(self, record_type: str, index: str | None = None) -> int:
        with translated():
            resp = self.client.count(index=index or self.alias, query={"term": {"type": record_type}}).body
        check_shards(resp)  # a count of part of the index would pass for the whole
        return int(resp["count"])

    def search(self, body: dict[str, Any], index: str | None = None) -> SearchResult:
        """Run one search body (from store.queries or store.lookups) and turn raw hits into Hit objects."""

        def send(again: bool) -> list[dict[str, Any]]:
            with translated():
                return [self.client.search(index=index or self.alias, **_bounded(body)).body]

        return _to_result(_from_every_shard(send)[0])

    def msearch(
        self, bodies: Sequence[dict[str, Any] | Cached], index: str | None = None
    ) -> list[SearchResult]:
        """Several searches in one round trip (keyword and kNN halves of a hybrid query)."""
        return [_to_result(r) for r in self._msearch(bodies, index)]

    def _msearch(self, bodies: Sequence[dict[str, Any] | Cached], index: str | None) -> list[dict[str, Any]]:
        def send(again: bool) -> list[dict[str, Any]]:
            lines: list[dict[str, Any]] = []
            for body in bodies:
                head: dict[str, Any] = {"index": index or self.alias}
                if not again:  # sent again after a shard failed: let Elasticsearch choose other copies
                    head["preference"] = STATE_COPIES if isinstance(body, Cached) else preference(body)
                if isinstance(body, Cached):
                    lines += [{**head, "request_cache": True}, body.body]
                else:
                    lines += [head, _bounded(body)]
            with translated():
                responses = list(self.client.msearch(searches=lines)["responses"])
            for r in responses:
                if "error" in r:
                    # msearch reports per-search failures inside a 200 answer; map them like single searches.
                    raise status_error(int(r.get("status", 500)), f"search failed: {r['error']}")
            return responses

        return _from_every_shard(send)

    # --- what the retrieval layer asks (bodies from store.lookups) -------------------------------

    def document_passages(self, doc_id: str) -> list[dict[str, Any]]:
        """Every passage of a document in order (their DOCUMENT_PASSAGE_FIELDS)."""
        return [h.source for h in self.search(lookups.document_passages_body(doc_id)).hits]

    def passages(self, passage_ids: list[str], index: str | None = None) -> dict[str, dict[str, Any]]:
        """passage_id -> the whole passage (its _source), read from `index` (the concrete index
        that ranked them: the alias may have moved since), else from the alias if that index is gone."""
        if not passage_ids:
            return {}
        body = lookups.passages_body(passage_ids)
        try:
            hits = self.search(body, index=index).hits
        except IndexNotFound:
            hits = self.search(body).hits
        return {h.passage_id: h.source for h in hits}

    def passage_vectors(self, doc_id: str) -> list[dict[str, Any]]:
        """Every passage of a document in order: its id, offsets, text and stored vector."""
        return [h.source for h in self.search(lookups.passage_vectors_body(doc_id)).hits]

    def documents_numbered(self, doc_numbers: list[str]) -> list[dict[str, Any]]:
        """Metadata of the documents bearing these 文号 as any of their numbers (issued, revised, amended)."""
        body = lookups.documents_where_body(
            lookups.numbered_clause(doc_numbers), fields=lookups.CITATION_FIELDS
        )
        return [h.source for h in self.search(body).hits]

    def documents_in_groups(self, groups: list[str]) -> list[dict[str, Any]]:
        """Metadata of every version in these version groups (lookups.VERSION_FIELDS)."""
        body = lookups.documents_where_body(
            {"terms": {"version_group": groups}}, size=GROUP_ROWS, fields=lookups.VERSION_FIELDS
        )
        return [h.source for h in self.search(body).hits]

    def spelling_options(self, folded_query: str) -> list[dict[str, Any]]:
        """The term suggester's entries for the query's bigrams (lookups.spelling_body)."""
        (response,) = self._msearch([Cached(lookups.spelling_body(folded_query))], None)
        return list(response.get("suggest", {}).get("bigrams", []))

    def phrases_held(self, folded_phrases: list[str]) -> list[bool]:
        """Whether any passage holds each phrase (one msearch)."""
        responses = self._msearch([Cached(lookups.phrase_count_body(p)) for p in folded_phrases], None)
        return [int(r.get("hits", {}).get("total", {}).get("value", 0)) > 0 for r in responses]

    def documents_citing(self, doc_numbers: list[str]) -> list[dict[str, Any]]:
        """Metadata of the documents that cite any of these 文号."""
        body = lookups.documents_where_body({"terms": {"cites": doc_numbers}}, fields=lookups.CITATION_FIELDS)
        return [h.source for h in self.search(body).hits]

    def suggest(self, title_seg: str, typed: str, doc_number: str | None, size: int) -> list[Hit]:
        """Document records completing what was typed (lookups.suggest_body)."""
        return self.search(lookups.suggest_body(title_seg, typed, doc_number, size)).hits


# Every Cached read goes to this one set of shard copies. Copies refresh on their own, so a correction
# found from the suggester and the phrase check must be read where the index generation it is kept under
# was read (search/spelling.py), not from a copy a refresh behind or ahead.
STATE_COPIES = "index-state"


def preference(body: dict[str, Any]) -> str:
    """The same search goes to the same shard copies (while the cluster's shards stay where they are): the
    copies of a shard merge their segments on their own, so their BM25 statistics differ by a hair and two
    near-equal documents could swap between two requests, or between a list and its next page. Different
    searches still spread over the copies."""
    return hashlib.blake2b(orjson.dumps(body, option=orjson.OPT_SORT_KEYS), digest_size=8).hexdigest()


def _from_every_shard(send: Callable[[bool], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The responses of `send(again)`, each from every shard. Elasticsearch answers 200 with the other
    shards' hits when one fails: it tries another copy of a shard whose query failed, but not of one whose
    fetch failed (a node dying between the two phases, a tripped circuit breaker), so a page would miss
    whole documents without a sign. Such a search is sent once more; failing again, it is a 503 (retry)
    rather than an answer from part of the index. A query no shard copy can run fails the same way each
    time: an error at once. Shards stopped by the deadline's `timeout` answer with what they had found:
    that is the deadline passed, a 503 too."""
    responses = send(False)
    failures = [f for r in responses for f in shard_failures(r)]
    if failures and not query_errors_only(failures):
        log.warning("a search came back from part of the index; sending it again: %s", failures[:3])
        responses = send(True)
        failures = [f for r in responses for f in shard_failures(r)]
    if failures:
        raise failure_error(failures)
    if any(r.get("timed_out") for r in responses):
        raise DeadlineExceeded("the request's time for Elasticsearch ran out while shards were searching")
    return responses


def _bounded(body: dict[str, Any]) -> dict[str, Any]:
    """The body with the deadline's time left as its `timeout` (shards stop collecting past it)."""
    left = deadline.remaining()
    return body if left is None else {**body, "timeout": f"{max(1, int(left * 1000))}ms"}


def _to_result(raw: dict[str, Any]) -> SearchResult:
    hits = [_to_hit(h) for h in raw["hits"]["hits"]]
    return SearchResult(
        hits=hits, aggregations=dict(raw.get("aggregations", {})), suggest=dict(raw.get("suggest", {}))
    )


def _to_hit(raw: dict[str, Any]) -> Hit:
    source = dict(raw.get("_source") or {})
    for name, values in raw.get("fields", {}).items():  # docvalue_fields: single-valued here
        source.setdefault(name, values[0] if len(values) == 1 else values)
    # A window fetched from doc values only (queries.WINDOW_ONLY) has no _id: a passage's id is its passage_id.
    record_id = str(raw.get("_id") or source.get("passage_id", ""))
    return Hit(
        id=record_id,
        doc_id=source.get("doc_id", record_id),
        score=float(raw.get("_score") or 0.0),
        source=source,
        index=raw.get("_index", ""),
    )

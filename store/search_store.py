"""SearchStore: every Elasticsearch call of the product, behind one object; ES exceptions never leave it."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable, Iterator
from typing import Any

import elasticsearch
from elasticsearch import Elasticsearch, helpers

from config.settings import EsSettings
from store import queries
from store.client import make_client
from store.errors import IndexingError, IndexNotFound, ModelMismatch, StoreError, StoreUnavailable
from store.mapping import LIVE_REFRESH_INTERVAL, SCHEMA_VERSION, index_body
from store.records import DocumentRecord, Hit, PassageRecord, SearchResult

log = logging.getLogger(__name__)

FORCE_MERGE_TIMEOUT = 3600.0  # seconds; merging a large corpus rebuilds its vector graph

Record = PassageRecord | DocumentRecord


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    """Turn elasticsearch-py exceptions into the store's own."""
    try:
        yield
    except (elasticsearch.ConnectionError, elasticsearch.ConnectionTimeout) as exc:
        raise StoreUnavailable(f"Elasticsearch unreachable: {exc}") from exc
    except elasticsearch.ApiError as exc:
        raise _status_error(exc.meta.status, str(exc)) from exc
    except elasticsearch.TransportError as exc:
        raise StoreUnavailable(f"Elasticsearch transport error: {exc}") from exc


def _status_error(status: int, message: str) -> StoreError:
    """The store's exception for an Elasticsearch error status (from a raised ApiError or inside msearch)."""
    if status == 404:
        return IndexNotFound(message)
    if status in (429, 502, 503, 504):
        return StoreUnavailable(f"Elasticsearch busy or unavailable: {message}")
    return StoreError(message)


class SearchStore:
    """One per process. The client is created lazily, so constructing a store never touches the network."""

    def __init__(self, settings: EsSettings, client: Elasticsearch | None = None) -> None:
        self.settings = settings
        self.alias = settings.index
        self._client = client

    @property
    def client(self) -> Elasticsearch:
        if self._client is None:
            self._client = make_client(self.settings)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # --- cluster and index lifecycle -------------------------------------------------------------

    def ping(self) -> bool:
        with contextlib.suppress(StoreError), _translated():
            return bool(self.client.ping())
        return False

    def live_index(self) -> str | None:
        """The concrete index the alias points at, or None when nothing is published yet."""
        with _translated():
            if not self.client.indices.exists_alias(name=self.alias):
                return None
            names = list(self.client.indices.get_alias(name=self.alias).keys())
        return names[0] if names else None

    def create_index(self, model_name: str, dims: int) -> str:
        """A new, unpublished, versioned index behind the alias name."""
        name = f"{self.alias}-v{time.strftime('%Y%m%d%H%M%S')}{time.time_ns() % 1_000_000:06d}"
        with _translated():
            self.client.indices.create(index=name, **index_body(self.settings, model_name, dims))
        return name

    def index_meta(self, index: str | None = None) -> dict[str, Any]:
        target = index or self.alias
        with _translated():
            mapping = self.client.indices.get_mapping(index=target)
        return dict(next(iter(mapping.values()))["mappings"].get("_meta", {}))

    def check_model(self, model_name: str, dims: int, index: str | None = None) -> None:
        """Refuse to query or update an index built with another embedding model."""
        meta = self.index_meta(index)
        if meta.get("model_name") != model_name or meta.get("dims") != dims:
            raise ModelMismatch(
                f"index {index or self.alias} holds vectors of model {meta.get('model_name')!r} "
                f"({meta.get('dims')} dims), not {model_name!r} ({dims} dims); rebuild it with "
                "`python -m indexer build` or configure the model it was built with"
            )
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise ModelMismatch(f"index schema {meta.get('schema_version')} != {SCHEMA_VERSION}; rebuild it")

    def optimize(self, index: str) -> None:
        """Merge a finished build into one segment: each segment costs every search its own term lookups
        and its own HNSW graph walk (measured on the sample corpus: keyword searches 8 -> 4 ms)."""
        with _translated():
            self.client.options(request_timeout=FORCE_MERGE_TIMEOUT).indices.forcemerge(
                index=index, max_num_segments=1
            )

    def publish(self, index: str) -> None:
        """Point the alias at `index` in one atomic step, then drop every other version."""
        old = self.live_index()
        actions: list[dict[str, Any]] = [{"add": {"index": index, "alias": self.alias}}]
        if old and old != index:
            actions.insert(0, {"remove": {"index": old, "alias": self.alias}})
        with _translated():
            self.client.indices.put_settings(
                index=index, settings={"refresh_interval": LIVE_REFRESH_INTERVAL}
            )
            self.client.indices.refresh(index=index)
            self.client.indices.update_aliases(actions=actions)
        self.drop_unpublished(keep=index)

    def drop_unpublished(self, keep: str | None = None) -> list[str]:
        """Delete versions that the alias does not point at (old ones, or builds that were killed)."""
        live = self.live_index()
        with _translated():
            names = list(self.client.indices.get(index=f"{self.alias}-v*", expand_wildcards="open").keys())
            stale = [n for n in names if n not in (live, keep)]
            for name in stale:
                self.client.indices.delete(index=name, ignore_unavailable=True)
        return stale

    def refresh(self, index: str | None = None) -> None:
        with _translated():
            self.client.indices.refresh(index=index or self.alias)

    # --- writes ----------------------------------------------------------------------------------

    def write(self, index: str, records: Iterable[Record]) -> int:
        """Bulk-write records; every failure is collected and raised as IndexingError, none dropped."""
        actions = (
            {"_op_type": "index", "_index": index, "_id": r.record_id, "_source": r.to_source()}
            for r in records
        )
        failed: dict[str, str] = {}
        written = 0
        with _translated():
            for ok, item in helpers.streaming_bulk(
                self.client,
                actions,
                chunk_size=self.settings.bulk_chunk,
                raise_on_error=False,
                raise_on_exception=False,
                max_retries=2,
            ):
                if ok:
                    written += 1
                else:
                    info = item.get("index", {})
                    failed[str(info.get("_id"))] = str(info.get("error", info))
        if failed:
            raise IndexingError(failed)
        return written

    def delete_documents(self, index: str, doc_ids: Iterable[str]) -> int:
        """Remove documents with all their passages; returns how many records were deleted."""
        ids = list(doc_ids)
        return self._delete_where(index, {"terms": {"doc_id": ids}}) if ids else 0

    def delete_passages_from(self, index: str, doc_id: str, first_ordinal: int) -> int:
        """Drop passages left over from a longer previous version of a document."""
        query = {
            "bool": {
                "filter": [
                    {"term": {"doc_id": doc_id}},
                    {"term": {"type": "passage"}},
                    {"range": {"ordinal": {"gte": first_ordinal}}},
                ]
            }
        }
        return self._delete_where(index, query)

    def _delete_where(self, index: str, query: dict[str, Any]) -> int:
        """Find the matching ids, then bulk-delete them (_delete_by_query lives in a module the
        Maven-built local node does not have, so we do not depend on it)."""
        with _translated():
            self.client.indices.refresh(index=index)
            ids = [
                h["_id"]
                for h in helpers.scan(self.client, index=index, query={"query": query, "_source": False})
            ]
            if not ids:
                return 0
            actions = ({"_op_type": "delete", "_index": index, "_id": i} for i in ids)
            deleted, errors = helpers.bulk(self.client, actions, raise_on_error=False, refresh=True)
        if isinstance(errors, list) and errors:
            raise StoreError(f"{len(errors)} deletions failed: {errors[:3]}")
        return int(deleted)

    # --- reads -----------------------------------------------------------------------------------

    def document_hashes(self, index: str) -> dict[str, str]:
        """doc_id -> content_hash of every complete document in an index."""
        query = {"term": {"type": "document"}}
        with _translated():
            return {
                h["_source"]["doc_id"]: h["_source"]["content_hash"]
                for h in helpers.scan(
                    self.client, index=index, query={"query": query, "_source": ["doc_id", "content_hash"]}
                )
            }

    def doc_ids_from_sources(self, index: str, sources: list[str]) -> set[str]:
        """doc_ids of the documents read from these source files."""
        query = {"bool": {"filter": [{"term": {"type": "document"}}, {"terms": {"source": sources}}]}}
        with _translated():
            return {
                h["_source"]["doc_id"]
                for h in helpers.scan(self.client, index=index, query={"query": query, "_source": ["doc_id"]})
            }

    def get_document(self, doc_id: str) -> dict[str, Any] | None:
        with _translated():
            resp = self.client.options(ignore_status=404).get(index=self.alias, id=f"doc:{doc_id}")
        return dict(resp["_source"]) if resp.get("found") else None

    def count(self, record_type: str, index: str | None = None) -> int:
        with _translated():
            resp = self.client.count(index=index or self.alias, query={"term": {"type": record_type}})
        return int(resp["count"])

    def search(self, body: dict[str, Any], index: str | None = None) -> SearchResult:
        """Run one search body (from store.queries) and turn raw hits into Hit objects."""
        with _translated():
            resp = self.client.search(index=index or self.alias, **body)
        return _to_result(resp.body)

    def msearch(self, bodies: list[dict[str, Any]], index: str | None = None) -> list[SearchResult]:
        """Several searches in one round trip (keyword and kNN halves of a hybrid query)."""
        lines: list[dict[str, Any]] = []
        for body in bodies:
            lines += [{"index": index or self.alias}, body]
        with _translated():
            resp = self.client.msearch(searches=lines)
        for r in resp["responses"]:
            if "error" in r:
                # msearch reports per-search failures inside a 200 answer; map them like single searches.
                raise _status_error(int(r.get("status", 500)), f"search failed: {r['error']}")
        return [_to_result(r) for r in resp["responses"]]

    # --- what the retrieval layer asks (bodies from store.queries) -------------------------------

    def document_passages(self, doc_id: str) -> list[dict[str, Any]]:
        """Every passage of a document in order (their DOCUMENT_PASSAGE_FIELDS)."""
        return [h.source for h in self.search(queries.document_passages_body(doc_id)).hits]

    def documents_numbered(self, doc_numbers: list[str]) -> list[dict[str, Any]]:
        """Metadata of the documents bearing these 文号."""
        body = queries.documents_where_body({"terms": {"doc_number": doc_numbers}})
        return [h.source for h in self.search(body).hits]

    def documents_citing(self, doc_number: str) -> list[dict[str, Any]]:
        """Metadata of the documents that cite this 文号."""
        body = queries.documents_where_body({"term": {"cites": doc_number}})
        return [h.source for h in self.search(body).hits]

    def suggest(self, title_seg: str, typed: str, doc_number: str | None, size: int) -> list[Hit]:
        """Document records completing what was typed (queries.suggest_body)."""
        return self.search(queries.suggest_body(title_seg, typed, doc_number, size)).hits


def _to_result(raw: dict[str, Any]) -> SearchResult:
    hits = [_to_hit(h) for h in raw["hits"]["hits"]]
    return SearchResult(hits=hits, aggregations=dict(raw.get("aggregations", {})))


def _to_hit(raw: dict[str, Any]) -> Hit:
    source = dict(raw.get("_source") or {})
    for name, values in raw.get("fields", {}).items():  # docvalue_fields: single-valued here
        source.setdefault(name, values[0] if len(values) == 1 else values)
    return Hit(
        id=raw["_id"],
        doc_id=source.get("doc_id", raw["_id"]),
        score=float(raw.get("_score") or 0.0),
        source=source,
        index=raw.get("_index", ""),
    )

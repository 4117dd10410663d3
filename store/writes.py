"""Writes: records in bulk through a version's write alias, deletions, relation updates. Every failure is
collected and raised as IndexingError or StoreError, none dropped.

Mixed into SearchStore, like store/lifecycle.py, so callers keep one object per process.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import orjson
from elasticsearch import Elasticsearch, helpers

from config.settings import EsSettings
from store.errors import IndexingError, StoreError, translated
from store.lifecycle import write_alias
from store.records import RELATION_FIELDS, Deletion, DocumentRecord, Record
from store.scan import every_hit

_BULK_ATTEMPTS = 3
# Seconds per bulk request: on a cluster each also waits for the replicas, on a busy machine longer than
# a search may take. Re-sending a request is safe (see _bulk()), waiting is cheaper.
WRITE_TIMEOUT = 60.0
# Bytes per bulk request. Elasticsearch refuses a request over its indexing-pressure limit (10 % of the heap:
# ~107 MB on a 1 GB node) with 429 whatever it holds, so a 20 MB text file (~120 MB of records) would stop a
# build. Requests end after a document once past half of this; only a document larger than that is split.
MAX_BULK_BYTES = 16_000_000


class RecordWriter:
    settings: EsSettings

    @property
    def client(self) -> Elasticsearch:  # provided by SearchStore
        raise NotImplementedError

    def write(self, index: str, records: Iterable[Record]) -> int:
        """Bulk-write records (and Deletions) through the version's write alias; every failure is collected
        and raised as IndexingError, none dropped.

        A bulk request ends only after a DocumentRecord, so all of one document's records (its passages,
        the removal of passages a longer old version left, then the record whose hash marks it complete)
        travel in one request: a killed indexer leaves each document as it was or as it is now. Only a
        document over MAX_BULK_BYTES is written in several requests, its DocumentRecord in the last, so a
        killed indexer leaves it unmarked (or with its old hash) and the rerun writes it again."""
        target = write_alias(index)
        failed: dict[str, str] = {}
        written = 0
        chunk: list[Record] = []
        size = 0
        for record in records:
            chunk.append(record)
            size += _bytes(record)
            ends_document = isinstance(record, DocumentRecord)
            full = len(chunk) >= self.settings.bulk_chunk or size >= MAX_BULK_BYTES // 2
            if (ends_document and full) or size >= MAX_BULK_BYTES:
                written += self._bulk(target, chunk, failed)
                chunk, size = [], 0
        if chunk:
            written += self._bulk(target, chunk, failed)
        if failed:
            raise IndexingError(failed)
        return written

    def _bulk(self, target: str, records: list[Record], failed: dict[str, str]) -> int:
        """One bulk request; items refused with 429 (queue full) are sent again after a pause. Writes carry
        explicit ids, so sending an item twice overwrites it with itself: retries never duplicate data."""
        pending = records
        written = 0
        for attempt in range(_BULK_ATTEMPTS):
            operations: list[dict[str, Any]] = []
            for r in pending:
                if isinstance(r, Deletion):
                    operations.append({"delete": {"_index": target, "_id": r.record_id}})
                else:
                    operations += [{"index": {"_index": target, "_id": r.record_id}}, r.to_source()]
            with translated():
                resp = self.client.options(request_timeout=WRITE_TIMEOUT).bulk(
                    operations=operations, require_alias=True
                )
            retry: list[Record] = []
            for record, item in zip(pending, resp["items"], strict=True):
                result = next(iter(item.values()))
                status = int(result.get("status", 500))
                if status < 300 or (isinstance(record, Deletion) and status == 404):
                    written += 0 if isinstance(record, Deletion) else 1
                elif status == 429 and attempt + 1 < _BULK_ATTEMPTS:
                    retry.append(record)
                else:
                    failed[record.record_id] = str(result.get("error", result))
            if not retry:
                break
            pending = retry
            time.sleep(0.5 * 2**attempt)
        return written

    def delete_documents(self, index: str, doc_ids: Iterable[str]) -> int:
        """Remove documents with all their passages; returns how many records were deleted."""
        ids = list(doc_ids)
        return self._delete_where(index, {"terms": {"doc_id": ids}}) if ids else 0

    def _delete_where(self, index: str, query: dict[str, Any]) -> int:
        """Find the matching ids, then bulk-delete them (_delete_by_query lives in a module the
        Maven-built local node does not have, so we do not depend on it)."""
        with translated():
            self.client.options(request_timeout=WRITE_TIMEOUT).indices.refresh(index=index)
            ids = [h["_id"] for h in every_hit(self.client, index, {"query": query, "_source": False})]
            if not ids:
                return 0
            actions = ({"_op_type": "delete", "_index": index, "_id": i} for i in ids)
            deleted, errors = helpers.bulk(
                self.client.options(request_timeout=WRITE_TIMEOUT),
                actions,
                raise_on_error=False,
                refresh=True,
            )
        if isinstance(errors, list) and errors:
            raise StoreError(f"{len(errors)} deletions failed: {errors[:3]}")
        return int(deleted)

    def update_relations(self, index: str, changes: dict[str, tuple[int, dict[str, Any]]]) -> int:
        """Set relation fields (RELATION_FIELDS) on a document record and its passages, without
        rewriting them: doc_id -> (passage_count, fields). Partial bulk updates, not _update_by_query,
        which lives in a module the Maven-built local node does not have. Returns records updated."""
        unknown = {name for _, fields in changes.values() for name in fields} - set(RELATION_FIELDS)
        if unknown:
            raise ValueError(f"not relation fields: {sorted(unknown)}")
        actions = (
            {"_op_type": "update", "_index": index, "_id": record_id, "doc": fields}
            for doc_id, (passages, fields) in changes.items()
            for record_id in [f"doc:{doc_id}", *(f"{doc_id}#{i}" for i in range(passages))]
        )
        with translated():
            updated, errors = helpers.bulk(self.client, actions, raise_on_error=False, refresh=True)
        if isinstance(errors, list) and errors:
            raise StoreError(f"{len(errors)} relation updates failed: {errors[:3]}")
        return int(updated)


def _bytes(record: Record) -> int:
    """About what a record adds to a bulk request."""
    if isinstance(record, Deletion):
        return 100
    return len(orjson.dumps(record.to_source(), option=orjson.OPT_SERIALIZE_NUMPY)) + 100

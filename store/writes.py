"""Writes: records in bulk through a version's write alias, deletions, relation updates. Every failure is
collected and raised as IndexingError or StoreError, none dropped.

Mixed into SearchStore, like store/lifecycle.py, so callers keep one object per process.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from elasticsearch import Elasticsearch, helpers

from config.settings import EsSettings
from store.errors import IndexingError, StoreError, translated
from store.lifecycle import write_alias
from store.records import RELATION_FIELDS, Deletion, DocumentRecord, Record

_BULK_ATTEMPTS = 3
# Seconds per bulk request: on a cluster each also waits for the replicas, on a busy machine longer than
# a search may take. Re-sending a request is safe (see _bulk()), waiting is cheaper.
WRITE_TIMEOUT = 60.0


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
        travel in one request: a killed indexer leaves each document as it was or as it is now."""
        target = write_alias(index)
        failed: dict[str, str] = {}
        written = 0
        chunk: list[Record] = []
        for record in records:
            chunk.append(record)
            if isinstance(record, DocumentRecord) and len(chunk) >= self.settings.bulk_chunk:
                written += self._bulk(target, chunk, failed)
                chunk = []
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
            ids = [
                h["_id"]
                for h in helpers.scan(self.client, index=index, query={"query": query, "_source": False})
            ]
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

"""Documents -> passages -> segment -> embed (batched) -> records -> store, with reading and bulk writes
running in threads beside the embedding, which is the physical bound of indexing."""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from analyzers.document import Document
from analyzers.embed import Embedder
from analyzers.passages import split_passages
from analyzers.segment import Segmenter
from config.settings import Settings
from indexer.plan import Plan, PlannedDocument, deletion_limit, digest_of, make_plan
from indexer.records import (
    SegmentedPassage,
    document_meta,
    document_record,
    passage_records,
    segment_passages,
)
from indexer.scope import RootError, Scope, check_scopes, resolve_scopes, root_record
from indexer.sources import UnreadableFile
from indexer.versions import Relations, changed_relations, relations_for
from indexer.worker import ReadWorker
from store.errors import IndexingError, ModelMismatch
from store.lifecycle import now_iso
from store.lock import WriterLock
from store.records import Deletion, DocumentMeta, DocumentRecord, StoredDocument
from store.search_store import Record, SearchStore

log = logging.getLogger(__name__)

_DONE = object()  # end-of-stream marker on the queues


@dataclass
class Report:
    """What a build or an update did (or, with dry_run, would do); printed as the final summary."""

    files: int = 0
    documents: int = 0
    passages: int = 0
    unchanged: int = 0
    added: list[PlannedDocument] = field(default_factory=list)
    changed: list[PlannedDocument] = field(default_factory=list)
    removed: list[StoredDocument] = field(default_factory=list)
    failed_files: dict[str, str] = field(default_factory=dict)
    failed_documents: dict[str, str] = field(default_factory=dict)
    index: str = ""
    mode: str = "build"  # or "update": the live index is changed in place
    dry_run: bool = False
    seconds: float = 0.0
    dropped_versions: list[str] = field(default_factory=list)

    @property
    def deleted(self) -> int:
        return len(self.removed)

    @property
    def passages_per_second(self) -> float:
        return self.passages / self.seconds if self.seconds else 0.0


class TooManyDeletes(Exception):
    """An update would delete more documents than the configured bound; nothing was changed."""


@dataclass(frozen=True)
class _Prepared:
    doc: Document
    meta: DocumentMeta
    passages: list[SegmentedPassage]
    digest: str
    stale_passages: int  # passages a longer stored version left behind (ordinals from len(passages))


class Pipeline:
    """Builds a new versioned index (then moves the alias) or updates the live one in place; both hold
    the alias's writer lock and carry out a plan made before anything is written."""

    def __init__(
        self, settings: Settings, store: SearchStore, embedder: Embedder, segmenter: Segmenter
    ) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.segmenter = segmenter
        self._batch_passages = settings.indexer.embed_chunk_passages
        self._worker: ReadWorker | None = None

    def build(self, paths: Sequence[Path], progress: bool = False, dry_run: bool = False) -> Report:
        """Write everything into a new index; publish it only when complete, counted and checked."""
        with self._reading():
            return self._build(paths, progress, dry_run)

    def update(
        self,
        paths: Sequence[Path],
        progress: bool = False,
        dry_run: bool = False,
        allow_deletes: bool = False,
    ) -> Report:
        """Add, change and delete only documents under `paths` (all recorded roots when none is given)."""
        with self._reading():
            return self._update(paths, progress, dry_run, allow_deletes)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """Files are read in a worker process, each under a time budget (indexer/worker.py)."""
        with ReadWorker(self.settings.indexer) as worker:
            self._worker = worker
            try:
                yield
            finally:
                self._worker = None

    def _build(self, paths: Sequence[Path], progress: bool, dry_run: bool) -> Report:
        started = time.perf_counter()
        scopes = resolve_scopes(paths, ())
        check_scopes(scopes, {})
        plan = self._plan(scopes, {})
        report = self._report(plan, "build", dry_run)
        if dry_run:
            return report
        with self._lock("build") as lock:
            self.store.drop_dead_builds()  # we hold the lock: no other build is alive
            report.index = self.store.create_index(self.embedder.model_name, self.embedder.dims)
            relations = relations_for(plan.facts, {}, ())  # issue 12: versions and repeals
            self._run(plan, report, {}, progress, relations)
            self._verify_counts(report)
            self.store.optimize(report.index)
            self.store.verify_index(report.index, self.embedder.model_name, self.embedder.dims)
            self._record_run(report, scopes, {})
            lock.check()
            report.dropped_versions = self.store.publish(report.index, self.settings.indexer.keep_versions)
        report.seconds = time.perf_counter() - started
        return report

    def _update(self, paths: Sequence[Path], progress: bool, dry_run: bool, allow_deletes: bool) -> Report:
        live = self.store.live_index()
        if live is None:
            return self._build(paths, progress, dry_run)
        started = time.perf_counter()
        meta = self.store.index_meta(live)
        recorded: dict[str, dict[str, Any]] = meta.get("roots", {})
        try:
            self.store.check_model(self.embedder.model_name, self.embedder.dims, live)
        except ModelMismatch as exc:  # another model or an older schema: only a full build can fix it
            everything = [Path(r) for r in recorded] + [
                p for p in paths if Path(p) not in map(Path, recorded)
            ]
            log.warning("%s; building a new index from %s instead of updating", exc, everything)
            return self._build(everything, progress, dry_run)
        scopes = resolve_scopes(paths or [Path(r) for r in recorded], recorded)
        if not scopes:
            raise RootError(f"index {live} records no source folders: name the folders to update")
        check_scopes(scopes, recorded)
        with contextlib.ExitStack() as held:
            lock = None if dry_run else held.enter_context(self._lock("update"))
            stored = self.store.stored_documents(live)
            plan = self._plan(scopes, stored)
            report = self._report(plan, "update", dry_run, index=live)
            limit = deletion_limit(
                len(stored),
                self.settings.indexer.max_delete_share,
                self.settings.indexer.max_delete_documents,
            )
            if len(plan.deleted) > limit and not allow_deletes and not dry_run:
                raise TooManyDeletes(
                    f"this update would delete {len(plan.deleted)} of {len(stored)} documents (more than "
                    f"{limit}); nothing was changed. Check the folders, see the list with --dry-run, and "
                    "run again with --allow-deletes if that is intended"
                )
            if lock is None:
                return report
            deleted = [d.doc_id for d in plan.deleted]
            relations = relations_for(plan.facts, stored, deleted)  # issue 12: versions and repeals
            self._run(plan, report, stored, progress, relations)
            lock.check()
            self.store.delete_documents(live, deleted)
            # Issue 12: documents not rewritten whose version or repeal relations changed.
            kept = [d for d in stored.values() if d.doc_id not in plan.to_write and d.doc_id not in deleted]
            self.store.update_relations(live, changed_relations(kept, relations))
            self._record_run(report, scopes, recorded)
            self.store.refresh(live)
        report.seconds = time.perf_counter() - started
        return report

    def _lock(self, purpose: str) -> WriterLock:
        return self.store.writer_lock(purpose, self.settings.indexer.lock_lease_seconds)

    def _plan(self, scopes: Sequence[Scope], stored: dict[str, StoredDocument]) -> Plan:
        return make_plan(scopes, stored, self._read_file, self.embedder.model_name, self._passage_chars)

    def _read_file(self, path: Path, root: Path) -> list[Document]:
        if self._worker is None:
            raise RuntimeError("files are read only inside Pipeline._reading()")
        return self._worker.read(path, root)

    @staticmethod
    def _report(plan: Plan, mode: str, dry_run: bool, index: str = "") -> Report:
        return Report(
            files=plan.files,
            unchanged=plan.unchanged,
            added=plan.added,
            changed=plan.changed,
            removed=plan.deleted,
            failed_files=dict(plan.failed_files),
            index=index,
            mode=mode,
            dry_run=dry_run,
        )

    def _record_run(self, report: Report, scopes: Sequence[Scope], recorded: dict[str, Any]) -> None:
        """The index remembers its roots (so `update` with no paths, and `make run`, know them) and its
        last run (for `stats`)."""
        roots = {**recorded, **{str(s.root): root_record(s.root) for s in scopes}}
        self.store.set_meta(
            report.index,
            roots=roots,
            last_run={
                "mode": report.mode,
                "at": now_iso(),
                "added": len(report.added),
                "changed": len(report.changed),
                "deleted": report.deleted,
                "failed_files": len(report.failed_files),
            },
        )

    # --- the three stages ------------------------------------------------------------------------

    def _run(
        self,
        plan: Plan,
        report: Report,
        stored: dict[str, StoredDocument],
        progress: bool,
        relations: dict[str, Relations],
    ) -> None:
        """Read in a thread, embed here, write in a thread."""
        prepared: queue.Queue[object] = queue.Queue(maxsize=256)
        to_write: queue.Queue[object] = queue.Queue(maxsize=8)
        reader = threading.Thread(
            target=self._read, args=(plan, report, stored, relations, prepared), daemon=True
        )
        writer_errors: list[BaseException] = []
        writer = threading.Thread(target=self._write, args=(report, to_write, writer_errors), daemon=True)
        reader.start()
        writer.start()
        bar = tqdm(unit=" passages", disable=not progress, smoothing=0.1, dynamic_ncols=True)
        try:
            for batch in _batches(prepared, self._batch_passages):
                vectors = self.embedder.embed_passages(
                    [p.passage.text for item in batch for p in item.passages]
                )
                to_write.put(self._records(batch, vectors))
                bar.update(len(vectors))
                bar.set_postfix(documents=report.documents + len(batch), refresh=False)
        finally:
            to_write.put(_DONE)
            writer.join()
            reader.join()
            bar.close()
        if writer_errors:
            raise writer_errors[0]

    def _read(
        self,
        plan: Plan,
        report: Report,
        stored: dict[str, StoredDocument],
        relations: dict[str, Relations],
        out: queue.Queue[object],
    ) -> None:
        """Read again the files that hold documents to write, and prepare exactly those documents."""
        wanted = plan.to_write
        try:
            for path, root in plan.files_to_write.items():
                try:
                    docs = self._read_file(path, root)
                except UnreadableFile as exc:  # changed or vanished since the plan was made
                    report.failed_files[str(path)] = str(exc)
                    continue
                for doc in docs:
                    planned = wanted.get(doc.doc_id)
                    if planned is None:
                        continue
                    # Segmenting here keeps the embedding thread doing nothing but embedding.
                    passages = segment_passages(split_passages(doc, *self._passage_chars), self.segmenter)
                    before = stored.get(doc.doc_id)
                    stale = max(0, before.passage_count - len(passages)) if before else 0
                    meta = document_meta(doc, self.segmenter, str(root), relations.get(doc.doc_id))
                    digest = digest_of(doc, root, self.embedder.model_name, self._passage_chars)
                    out.put(_Prepared(doc, meta, passages, digest, stale))
        except BaseException as exc:  # surfaced by the consumer; the queue must still end
            out.put(exc)
        finally:
            out.put(_DONE)

    @property
    def _passage_chars(self) -> tuple[int, int]:
        return (self.settings.indexer.passage_min_chars, self.settings.indexer.passage_max_chars)

    def _records(self, batch: list[_Prepared], vectors: object) -> list[Record]:
        """Per document: its passages, the removal of passages a longer old version left, then its
        document record, whose hash marks it complete."""
        records: list[Record] = []
        offset = 0
        for item in batch:
            n = len(item.passages)
            records += passage_records(item.meta, item.passages, vectors[offset : offset + n], item.digest)  # type: ignore[index]
            records += [Deletion(f"{item.doc.doc_id}#{i}") for i in range(n, n + item.stale_passages)]
            records.append(document_record(item.meta, item.doc, item.digest, n))
            offset += n
        return records

    def _write(self, report: Report, inbox: queue.Queue[object], errors: list[BaseException]) -> None:
        while (records := inbox.get()) is not _DONE:
            if errors:
                continue  # drain after a fatal error so the producer never blocks
            try:
                self._write_batch(report, records)  # type: ignore[arg-type]
            except BaseException as exc:
                errors.append(exc)

    def _write_batch(self, report: Report, records: list[Record]) -> None:
        docs = [r for r in records if isinstance(r, DocumentRecord)]
        try:
            self.store.write(report.index, records)
        except IndexingError as exc:
            self._forget_failed(report, records, exc)
        for doc in docs:
            if doc.meta.doc_id in report.failed_documents:
                continue
            report.documents += 1
            report.passages += doc.passage_count

    def _forget_failed(self, report: Report, records: list[Record], exc: IndexingError) -> None:
        """A document with any failed record is reported and removed, so a rerun writes it again."""
        by_id = {r.record_id: r.meta.doc_id for r in records if not isinstance(r, Deletion)}
        for record_id, reason in exc.failed.items():
            doc_id = by_id.get(record_id, record_id.split("#")[0])
            report.failed_documents.setdefault(doc_id, reason)
            log.error("document %s failed to index: %s", doc_id, reason)
        self.store.delete_documents(report.index, list(report.failed_documents))

    def _verify_counts(self, report: Report) -> None:
        self.store.refresh(report.index)
        documents = self.store.count("document", report.index)
        passages = self.store.count("passage", report.index)
        if (documents, passages) != (report.documents, report.passages):
            raise RuntimeError(
                f"index {report.index} holds {documents} documents / {passages} passages, "
                f"expected {report.documents} / {report.passages}; not publishing it"
            )


def _batches(inbox: queue.Queue[object], min_passages: int) -> Iterator[list[_Prepared]]:
    """Group whole documents until a batch holds enough passages to keep the embedder busy."""
    batch: list[_Prepared] = []
    size = 0
    while (item := inbox.get()) is not _DONE:
        if isinstance(item, BaseException):
            raise item
        assert isinstance(item, _Prepared)
        batch.append(item)
        size += len(item.passages)
        if size >= min_passages:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch

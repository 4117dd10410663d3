"""Builds (whole or one part of a split build) and updates: plan, take the locks, carry out the plan
(indexer/stages.py), check the counts, publish. Embedding is the physical bound of indexing."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from analyzers.document import Document
from analyzers.embed import Embedder
from analyzers.segment import Segmenter
from config.settings import Settings
from indexer.embed_pool import EmbedderFactory, EmbedPool
from indexer.plan import Part, Plan, deletion_limit, make_plan
from indexer.report import Report
from indexer.scope import RootError, Scope, check_scopes, resolve_scopes, root_record
from indexer.split import Published, briefly_locked, join_split, part_lock_name, publish_split, record_part
from indexer.stages import Stages
from indexer.versions import Relations, changed_relations, relations_for
from indexer.worker import ReadWorker
from store.errors import ModelMismatch
from store.lifecycle import now_iso
from store.lock import WriterLock
from store.records import StoredDocument
from store.search_store import SearchStore

log = logging.getLogger(__name__)


class TooManyDeletes(Exception):
    """An update would delete more documents than the configured bound; nothing was changed."""


class Pipeline:
    """Builds a new versioned index (then moves the alias), one part of a split build, or updates the
    live one in place; each carries out a plan made before anything is written. A build and an update hold
    the alias's writer lock throughout; a part holds its own lock (indexer/split.py)."""

    def __init__(
        self,
        settings: Settings,
        store: SearchStore,
        embedder: Embedder,
        segmenter: Segmenter,
        workers: int = 1,
        make_embedder: EmbedderFactory | None = None,
    ) -> None:
        """With workers > 1, passages are embedded in that many processes, each with an embedder from
        `make_embedder` (which must pickle); `embedder` still names the model and its dimension."""
        if workers > 1 and make_embedder is None:
            raise ValueError("embedding in several workers needs make_embedder")
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.segmenter = segmenter
        self.workers = workers
        self.make_embedder = make_embedder
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

    def build_part(
        self, paths: Sequence[Path], part: Part, progress: bool = False, dry_run: bool = False
    ) -> Report:
        """Write this part's share of the files into the split build's index (joined, or created by the
        first part to come) and record the part there; `publish` moves the alias once all are in."""
        with self._reading():
            started = time.perf_counter()
            scopes = resolve_scopes(paths, ())
            check_scopes(scopes, {})
            plan = self._plan(scopes, {}, part)
            report = self._report(plan, f"part {part}", dry_run)
            if dry_run:
                return report
            lease = self.settings.indexer.lock_lease_seconds
            with self._lock(f"build part {part}", part_lock_name(part)) as part_lock:
                with briefly_locked(self.store, f"join a split build ({part})", lease):
                    report.index = join_split(
                        self.store, part.total, self.embedder.model_name, self.embedder.dims
                    )
                self._run(plan, report, {}, progress, relations_for(plan.facts, {}, ()))
                part_lock.check()
                with briefly_locked(self.store, f"record part {part}", lease):
                    record_part(self.store, part, report, scopes)
            report.seconds = time.perf_counter() - started
            return report

    def publish(self) -> Published:
        """Move the alias to the newest split build once all its parts are in and the counts add up."""
        with self._lock("publish a split build") as lock:
            return publish_split(
                self.store,
                lock,
                self.embedder.model_name,
                self.embedder.dims,
                self.settings.indexer.keep_versions,
            )

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
            relinked = self.store.update_relations(live, changed_relations(kept, relations))
            self._record_run(report, scopes, recorded)
            self.store.refresh(live)
            if report.added or report.changed or report.removed or relinked:
                self.store.settle(live)  # searches pay for every segment an update leaves
        report.seconds = time.perf_counter() - started
        return report

    def _lock(self, purpose: str, name: str = "writer") -> WriterLock:
        return self.store.writer_lock(purpose, self.settings.indexer.lock_lease_seconds, name)

    def _plan(
        self, scopes: Sequence[Scope], stored: dict[str, StoredDocument], part: Part | None = None
    ) -> Plan:
        chars = (self.settings.indexer.passage_min_chars, self.settings.indexer.passage_max_chars)
        return make_plan(scopes, stored, self._read_file, self.embedder.model_name, chars, part)

    def _run(
        self,
        plan: Plan,
        report: Report,
        stored: dict[str, StoredDocument],
        progress: bool,
        relations: dict[str, Relations],
    ) -> None:
        """Carry out the plan, embedding in a pool of processes when asked for more than one worker."""
        with contextlib.ExitStack() as stack:
            pool = None
            if self.workers > 1 and self.make_embedder is not None:
                pool = stack.enter_context(EmbedPool(self.make_embedder, self.workers))
            stages = Stages(
                self.settings.indexer, self.store, self.embedder, self.segmenter, self._read_file, pool
            )
            stages.run(plan, report, stored, relations, progress)

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

    def _verify_counts(self, report: Report) -> None:
        self.store.refresh(report.index)
        documents = self.store.count("document", report.index)
        passages = self.store.count("passage", report.index)
        if (documents, passages) != (report.documents, report.passages):
            raise RuntimeError(
                f"index {report.index} holds {documents} documents / {passages} passages, "
                f"expected {report.documents} / {report.passages}; not publishing it"
            )

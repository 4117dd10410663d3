"""Documents -> passages -> segment -> embed (batched) -> records -> store, with reading and bulk writes
running in threads beside the embedding, which is the physical bound of indexing."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from analyzers.document import Document
from analyzers.embed import Embedder
from analyzers.passages import split_passages
from analyzers.segment import Segmenter
from config.settings import Settings
from indexer.records import (
    SegmentedPassage,
    content_hash,
    document_meta,
    document_record,
    passage_records,
    segment_passages,
)
from indexer.sources import UnreadableFile, iter_source_files
from indexer.worker import ReadWorker
from store.errors import IndexingError, ModelMismatch
from store.records import DocumentMeta, DocumentRecord, PassageRecord
from store.search_store import SearchStore

log = logging.getLogger(__name__)

_DONE = object()  # end-of-stream marker on the queues


@dataclass
class Report:
    """What a build or an update did; printed as the final summary."""

    files: int = 0
    documents: int = 0
    passages: int = 0
    unchanged: int = 0
    deleted: int = 0
    failed_files: dict[str, str] = field(default_factory=dict)
    failed_documents: dict[str, str] = field(default_factory=dict)
    failed_roots: dict[str, Path] = field(default_factory=dict, repr=False)
    index: str = ""
    mode: str = "build"  # or "update": the live index is changed in place
    seconds: float = 0.0
    embed_seconds: float = 0.0

    @property
    def passages_per_second(self) -> float:
        return self.passages / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class _Prepared:
    doc: Document
    meta: DocumentMeta
    passages: list[SegmentedPassage]
    digest: str


class Pipeline:
    """Builds a new versioned index (then moves the alias) or updates the live one in place."""

    def __init__(
        self, settings: Settings, store: SearchStore, embedder: Embedder, segmenter: Segmenter
    ) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.segmenter = segmenter
        self._batch_passages = settings.indexer.embed_chunk_passages

    def build(self, paths: Sequence[Path], progress: bool = False) -> Report:
        """Write everything into a new index; publish it only when complete and counted."""
        started = time.perf_counter()
        self.store.drop_unpublished(keep=None)  # leftovers of builds that were killed
        report = Report(index=self.store.create_index(self.embedder.model_name, self.embedder.dims))
        self._run(paths, report, existing={}, progress=progress)
        self._verify_counts(report)
        self.store.optimize(report.index)
        self.store.publish(report.index)
        report.seconds = time.perf_counter() - started
        return report

    def update(self, paths: Sequence[Path], progress: bool = False) -> Report:
        """Re-embed changed documents, add new ones, delete removed ones; unchanged ones are not touched."""
        live = self.store.live_index()
        if live is None:
            return self.build(paths, progress)
        started = time.perf_counter()
        try:
            self.store.check_model(self.embedder.model_name, self.embedder.dims, live)
        except ModelMismatch as exc:  # another model or an older schema: only a full build can fix it
            log.warning("%s; building a new index instead of updating", exc)
            return self.build(paths, progress)
        existing = self.store.document_hashes(live)
        report = Report(index=live, mode="update")
        seen = self._run(paths, report, existing=existing, progress=progress)
        # Documents of files that failed to read this time stay: bad input never loses good input.
        kept = self._docs_of_failed_files(live, report)
        removed = [d for d in existing if d not in seen and d not in kept]
        self.store.delete_documents(live, removed)
        report.deleted = len(removed)
        self.store.refresh(live)
        report.seconds = time.perf_counter() - started
        return report

    # --- the three stages ------------------------------------------------------------------------

    def _run(
        self, paths: Sequence[Path], report: Report, existing: dict[str, str], progress: bool
    ) -> set[str]:
        """Read in a thread, embed here, write in a thread. Returns the doc_ids seen (also unchanged ones)."""
        prepared: queue.Queue[object] = queue.Queue(maxsize=256)
        to_write: queue.Queue[object] = queue.Queue(maxsize=8)
        seen: set[str] = set()
        reader = threading.Thread(
            target=self._read, args=(paths, report, existing, seen, prepared), daemon=True
        )
        writer_errors: list[BaseException] = []
        writer = threading.Thread(target=self._write, args=(report, to_write, writer_errors), daemon=True)
        reader.start()
        writer.start()
        bar = tqdm(unit=" passages", disable=not progress, smoothing=0.1, dynamic_ncols=True)
        try:
            for batch in _batches(prepared, self._batch_passages):
                t0 = time.perf_counter()
                vectors = self.embedder.embed_passages(
                    [p.passage.text for item in batch for p in item.passages]
                )
                report.embed_seconds += time.perf_counter() - t0
                to_write.put(self._records(batch, vectors))
                bar.update(len(vectors))
                bar.set_postfix(documents=report.documents + sum(1 for _ in batch), refresh=False)
        finally:
            to_write.put(_DONE)
            writer.join()
            reader.join()
            bar.close()
        if writer_errors:
            raise writer_errors[0]
        return seen

    def _read(
        self,
        paths: Sequence[Path],
        report: Report,
        existing: dict[str, str],
        seen: set[str],
        out: queue.Queue[object],
    ) -> None:
        try:
            for doc in self._documents(paths, report):
                seen.add(doc.doc_id)
                digest = content_hash(doc, self.embedder.model_name, self._passage_chars)
                if existing.get(doc.doc_id) == digest:
                    report.unchanged += 1
                    continue
                # Segmenting here keeps the embedding thread doing nothing but embedding.
                passages = segment_passages(split_passages(doc, *self._passage_chars), self.segmenter)
                out.put(_Prepared(doc, document_meta(doc, self.segmenter), passages, digest))
        except BaseException as exc:  # surfaced by the consumer; the queue must still end
            out.put(exc)
        finally:
            out.put(_DONE)

    @property
    def _passage_chars(self) -> tuple[int, int]:
        return (self.settings.indexer.passage_min_chars, self.settings.indexer.passage_max_chars)

    def _documents(self, paths: Sequence[Path], report: Report) -> Iterator[Document]:
        """Every readable document; an unreadable file is reported and skipped, the rest goes on."""
        with ReadWorker(self.settings.indexer) as worker:  # reads under a time budget per file
            for root, path in _with_roots(paths):
                report.files += 1
                try:
                    docs = worker.read(path, root)
                except UnreadableFile as exc:
                    report.failed_files[str(path)] = str(exc)
                    report.failed_roots[str(path)] = root
                    log.warning("skipped %s: %s", path, exc)
                    continue
                if not docs:
                    report.failed_files[str(path)] = "no documents found in the file"
                yield from docs

    def _records(self, batch: list[_Prepared], vectors: object) -> list[PassageRecord | DocumentRecord]:
        """Passages of each document, then its document record: the record's hash marks it complete."""
        records: list[PassageRecord | DocumentRecord] = []
        offset = 0
        for item in batch:
            n = len(item.passages)
            records += passage_records(item.meta, item.passages, vectors[offset : offset + n])  # type: ignore[index]
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

    def _write_batch(self, report: Report, records: list[PassageRecord | DocumentRecord]) -> None:
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
            if report.mode == "update":  # a shorter new version leaves old passages behind
                self.store.delete_passages_from(report.index, doc.meta.doc_id, doc.passage_count)

    def _docs_of_failed_files(self, index: str, report: Report) -> set[str]:
        sources = [_source_name(Path(f), paths_root) for f, paths_root in report.failed_roots.items()]
        return self.store.doc_ids_from_sources(index, sources) if sources else set()

    def _forget_failed(
        self, report: Report, records: list[PassageRecord | DocumentRecord], exc: IndexingError
    ) -> None:
        """A document with any failed record is reported and removed, so a rerun writes it again."""
        by_id = {r.record_id: r.meta.doc_id for r in records}
        for record_id, reason in exc.failed.items():
            doc_id = by_id.get(record_id, record_id)
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


def _with_roots(paths: Sequence[Path]) -> Iterator[tuple[Path, Path]]:
    """(root, file) pairs: source names are relative to the folder given (or the file's own folder)."""
    for given in paths:
        root = given if given.is_dir() else given.parent
        for path in iter_source_files([given]):
            yield root, path


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


def _source_name(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()

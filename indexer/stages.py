"""The three stages of one run: read and segment the documents a plan writes (a thread), embed them in
batches of whole documents (here, or in an EmbedPool), write each batch as one bulk request (a thread)."""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from analyzers.document import Document
from analyzers.embed import Embedder
from analyzers.passages import split_passages
from analyzers.segment import Segmenter
from config.settings import IndexerSettings
from indexer.embed_pool import EmbedPool
from indexer.plan import Plan, digest_of
from indexer.records import (
    SegmentedPassage,
    document_meta,
    document_record,
    passage_records,
    segment_passages,
)
from indexer.report import Report
from indexer.sources import UnreadableFile
from indexer.versions import Relations
from store.errors import IndexingError
from store.records import Deletion, DocumentMeta, DocumentRecord, Record, StoredDocument
from store.search_store import SearchStore

log = logging.getLogger(__name__)

_DONE = object()  # end-of-stream marker on the queues
# Passages in the first embedding batch (later ones: settings.indexer.embed_chunk_passages): enough to
# sort by length, few enough that the model starts within a fraction of a second of the first document.
FIRST_BATCH_PASSAGES = 64

FileReader = Callable[[Path, Path], list[Document]]


@dataclass(frozen=True)
class _Prepared:
    doc: Document
    meta: DocumentMeta
    passages: list[SegmentedPassage]
    digest: str
    stale_passages: int  # passages a longer stored version left behind (ordinals from len(passages))


class Stages:
    """Carries out a plan: `run(plan, report, stored, relations)` writes into report.index."""

    def __init__(
        self,
        settings: IndexerSettings,
        store: SearchStore,
        embedder: Embedder,
        segmenter: Segmenter,
        read_file: FileReader,
        pool: EmbedPool | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.segmenter = segmenter
        self.read_file = read_file
        self.pool = pool

    @property
    def passage_chars(self) -> tuple[int, int]:
        return (self.settings.passage_min_chars, self.settings.passage_max_chars)

    def run(
        self,
        plan: Plan,
        report: Report,
        stored: dict[str, StoredDocument],
        relations: dict[str, Relations],
        progress: bool = False,
    ) -> None:
        """Read in a thread, embed here (or in the pool), write in a thread."""
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
            for batch, vectors in self._embedded(_batches(prepared, self.settings.embed_chunk_passages)):
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

    def _embedded(self, batches: Iterator[list[_Prepared]]) -> Iterator[tuple[list[_Prepared], np.ndarray]]:
        """(batch, its vectors) in batch order. With a pool, two batches per worker are in flight, so
        every worker always has the next batch waiting."""
        texts = lambda batch: [p.passage.text for item in batch for p in item.passages]  # noqa: E731
        if self.pool is None:
            for batch in batches:
                yield batch, self.embedder.embed_passages(texts(batch))
            return
        pending: deque[tuple[list[_Prepared], Future[np.ndarray]]] = deque()
        try:
            for batch in batches:
                pending.append((batch, self.pool.submit(texts(batch))))
                if len(pending) >= 2 * self.pool.workers:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()
        finally:
            for _, future in pending:
                future.cancel()

    def _read(
        self,
        plan: Plan,
        report: Report,
        stored: dict[str, StoredDocument],
        relations: dict[str, Relations],
        out: queue.Queue[object],
    ) -> None:
        """Prepare exactly the documents the plan writes, from the documents it kept or read again."""
        wanted = plan.to_write
        try:
            for path, root in plan.files_to_write.items():
                try:
                    docs = plan.kept.pop(path, None) or self.read_file(path, root)
                except UnreadableFile as exc:  # changed or vanished since the plan was made
                    report.failed_files[str(path)] = str(exc)
                    continue
                for doc in docs:
                    if doc.doc_id not in wanted:
                        continue
                    # Segmenting here keeps the embedding thread doing nothing but embedding.
                    passages = segment_passages(split_passages(doc, *self.passage_chars), self.segmenter)
                    before = stored.get(doc.doc_id)
                    stale = max(0, before.passage_count - len(passages)) if before else 0
                    meta = document_meta(doc, self.segmenter, str(root), relations.get(doc.doc_id))
                    digest = digest_of(doc, root, self.embedder.model_name, self.passage_chars)
                    out.put(_Prepared(doc, meta, passages, digest, stale))
        except BaseException as exc:  # surfaced by the consumer; the queue must still end
            out.put(exc)
        finally:
            out.put(_DONE)

    @staticmethod
    def _records(batch: list[_Prepared], vectors: np.ndarray) -> list[Record]:
        """Per document: its passages, the removal of passages a longer old version left, then its
        document record, whose hash marks it complete."""
        records: list[Record] = []
        offset = 0
        for item in batch:
            n = len(item.passages)
            records += passage_records(item.meta, item.passages, vectors[offset : offset + n], item.digest)
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


def _batches(inbox: queue.Queue[object], min_passages: int) -> Iterator[list[_Prepared]]:
    """Group whole documents until a batch holds enough passages to keep the embedder busy. The first
    batch is small (FIRST_BATCH_PASSAGES), so the model starts while the reader segments the rest
    instead of waiting for a whole chunk."""
    batch: list[_Prepared] = []
    size = 0
    wanted = min(min_passages, FIRST_BATCH_PASSAGES)
    while (item := inbox.get()) is not _DONE:
        if isinstance(item, BaseException):
            raise item
        assert isinstance(item, _Prepared)
        batch.append(item)
        size += len(item.passages)
        if size >= wanted:
            yield batch
            batch, size, wanted = [], 0, min_passages
    if batch:
        yield batch

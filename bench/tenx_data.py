"""The records of `make bench-10x`: the corpus cut and segmented as the indexer does, its real passage
vectors (embedded once, cached on disk), and N copies of it with distinct ids and slightly noisy vectors."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analyzers.document import Document
from analyzers.embed import Embedder
from analyzers.passages import split_passages
from analyzers.segment import Segmenter
from analyzers.vectors import l2_normalise
from config.settings import Settings
from indexer.plan import digest_of, iter_scope_files
from indexer.records import (
    SegmentedPassage,
    document_meta,
    document_record,
    passage_records,
    segment_passages,
)
from indexer.scope import resolve_scopes
from indexer.sources import read_documents
from indexer.versions import facts_of, relate
from store.records import DocumentMeta, Record

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gov-search" / "bench-10x"
# Per component, on unit vectors of a few hundred dimensions: a copy stays at cosine ~0.97 to its original.
NOISE_SIGMA = 0.01


@dataclass(frozen=True)
class CorpusDoc:
    meta: DocumentMeta
    doc: Document
    passages: list[SegmentedPassage]
    digest: str


def copy_id(doc_id: str, copy: int) -> str:
    """Copy 0 keeps the real id (so the 10x index holds the 1x index); copy k>0 is `<id>-c<k>`, still a
    valid document id for the service (letters, digits, '-')."""
    if copy < 0:
        raise ValueError(f"copy must be >= 0, not {copy}")
    return doc_id if copy == 0 else f"{doc_id}-c{copy}"


def noisy(vectors: np.ndarray, copy: int, sigma: float = NOISE_SIGMA) -> np.ndarray:
    """Copy 0's vectors as they are; copy k's plus gaussian noise seeded by k, renormalised to unit length
    (deterministic, so every run builds the same index)."""
    if copy == 0:
        return vectors
    noise = np.random.default_rng(copy).normal(0.0, sigma, vectors.shape).astype(np.float32)
    return l2_normalise(vectors + noise)


def copied_meta(meta: DocumentMeta, copy: int) -> DocumentMeta:
    """A copy's metadata: its own id and its own version group, so copies are not versions of each other."""
    if copy == 0:
        return meta

    def other(value: str | None) -> str | None:
        return copy_id(value, copy) if value else value

    return dataclasses.replace(
        meta,
        doc_id=copy_id(meta.doc_id, copy),
        version_group=other(meta.version_group),
        superseded_by=other(meta.superseded_by),
        repealed_by=other(meta.repealed_by),
    )


def read_corpus(settings: Settings, corpora: Sequence[Path], model_name: str) -> list[CorpusDoc]:
    """Every document under the corpora with its segmented passages, metadata and relations, made by the
    indexer's own functions (as `indexer build` would store them)."""
    chars = (settings.indexer.passage_min_chars, settings.indexer.passage_max_chars)
    read: list[tuple[Document, Path]] = []
    seen: set[str] = set()
    for root, path in iter_scope_files(resolve_scopes(list(corpora), ())):
        for doc in read_documents(path, root, settings.indexer.max_file_bytes):
            if doc.doc_id not in seen:
                seen.add(doc.doc_id)
                read.append((doc, root))
    relations = relate(facts_of(doc) for doc, _ in read)
    segmenter = Segmenter(settings.analyzer)
    return [
        CorpusDoc(
            meta=document_meta(doc, segmenter, str(root), relations.get(doc.doc_id)),
            doc=doc,
            passages=segment_passages(split_passages(doc, *chars), segmenter),
            digest=digest_of(doc, root, model_name, chars),
        )
        for doc, root in read
    ]


def passage_texts(docs: Sequence[CorpusDoc]) -> list[str]:
    return [p.passage.text for d in docs for p in d.passages]


def cache_key(texts: Sequence[str], model_name: str, backend: str) -> str:
    """Names the cached vectors: the model, its backend and every passage text, in order."""
    digest = hashlib.sha256(f"{model_name}\x1f{backend}".encode())
    for text in texts:
        digest.update(b"\x1e" + text.encode("utf-8"))
    return digest.hexdigest()[:24]


def real_vectors(texts: Sequence[str], embedder: Embedder, backend: str, chunk: int) -> np.ndarray:
    """The passages' vectors from the real model, read from the cache when it matches the passages.
    Each chunk is saved as it is done, so an interrupted run (a loaded host) resumes where it stopped."""
    key = cache_key(texts, embedder.model_name, backend)
    path = CACHE / f"{key}.npy"
    if path.is_file():
        vectors = np.load(path)
        if vectors.shape == (len(texts), embedder.dims):
            return vectors
    parts = CACHE / f"{key}.parts-{chunk}"
    parts.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    names = []
    for i in range(0, len(texts), chunk):
        names.append(parts / f"{i:08d}.npy")
        if not names[-1].is_file():
            _save(names[-1], embedder.embed_passages(texts[i : i + chunk]))
            print(
                f"  embedded {min(i + chunk, len(texts))}/{len(texts)} passages", file=sys.stderr, flush=True
            )
    vectors = np.concatenate([np.load(n) for n in names]) if names else np.zeros((0, embedder.dims))
    _save(path, vectors.astype(np.float32))
    shutil.rmtree(parts)
    print(f"  embedding took {time.perf_counter() - started:.0f} s; cached in {path}", file=sys.stderr)
    return vectors


def _save(path: Path, vectors: np.ndarray) -> None:
    """Written under another name, then renamed: a killed run leaves no half-written file."""
    np.save(path.with_suffix(".tmp.npy"), vectors)
    path.with_suffix(".tmp.npy").replace(path)


def copy_records(docs: Sequence[CorpusDoc], vectors: np.ndarray, copy: int) -> Iterator[Record]:
    """One copy of the corpus as store records: per document its passages, then its document record."""
    vectors = noisy(vectors, copy)
    offset = 0
    for d in docs:
        meta = copied_meta(d.meta, copy)
        n = len(d.passages)
        passages = [
            dataclasses.replace(
                sp,
                passage=dataclasses.replace(
                    sp.passage, doc_id=meta.doc_id, passage_id=f"{meta.doc_id}#{sp.passage.ordinal}"
                ),
            )
            for sp in d.passages
        ]
        yield from passage_records(meta, passages, vectors[offset : offset + n], d.digest)
        yield document_record(meta, d.doc, d.digest, n)
        offset += n

"""Map analyzer output (Document, Passage, tokens, vectors) to store records; the only place that knows both."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from analyzers.docnum import doc_number_parts
from analyzers.document import Document, Passage
from analyzers.segment import Segmenter
from analyzers.textnorm import fold
from indexer.versions import Relations
from store.mapping import SCHEMA_VERSION
from store.records import DocumentMeta, DocumentRecord, NumberEvent, PassageRecord


def document_meta(
    doc: Document, segmenter: Segmenter, source_root: str, relations: Relations | None = None
) -> DocumentMeta:
    if not doc.doc_id:  # records of id-less documents would overwrite each other in the index
        raise ValueError(f"document without an id from {doc.source}:{doc.line_start}")
    return DocumentMeta(
        doc_id=doc.doc_id,
        title=doc.title,
        title_seg=segmenter.seg_field(doc.title),
        title_cjk=fold(doc.title),
        doc_number=doc.doc_number,
        doc_number_parts=tuple(dict.fromkeys(p for n in doc.doc_numbers for p in doc_number_parts(n.number)))
        or (tuple(doc_number_parts(doc.doc_number)) if doc.doc_number else ()),
        issuer=doc.issuer,
        date=doc.date,
        year=int(doc.date[:4]) if doc.date else None,
        kind=doc.kind,
        source=doc.source,
        source_root=source_root,
        line_start=doc.line_start,
        line_end=doc.line_end,
        title_derived=doc.title_derived,
        cites=doc.cites,
        doc_numbers=tuple(dict.fromkeys(n.number for n in doc.doc_numbers)),
        doc_number_history=tuple(NumberEvent(n.number, n.role, n.date) for n in doc.doc_numbers),
        promulgated=doc.promulgated,
        effective_from=doc.effective_from,
        expires_on=doc.expires_on,
        repeals=doc.repeals,
        index_no=doc.index_no,
        subject=doc.subject,
        stated_validity=doc.stated_validity,
        version_group=relations.version_group if relations else None,
        superseded_by=relations.superseded_by if relations else None,
        repealed_by=relations.repealed_by if relations else None,
    )


def content_hash(doc: Document, model_name: str, passage_chars: tuple[int, int], source_root: str) -> str:
    """Changes whenever anything stored for the document would change, so `update` re-embeds it."""
    payload = json.dumps(
        [
            SCHEMA_VERSION,
            model_name,
            passage_chars,
            doc.title,
            doc.text,
            doc.doc_number,
            doc.issuer,
            doc.date,
            doc.kind,
            doc.source,
            source_root,
            doc.line_start,
            doc.line_end,
            doc.title_derived,
            list(doc.cites),
            [[n.number, n.role, n.date] for n in doc.doc_numbers],
            [doc.promulgated, doc.effective_from, doc.expires_on, list(doc.repeals)],
            [doc.index_no, doc.subject, doc.stated_validity],
        ],
        ensure_ascii=False,
    )
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SegmentedPassage:
    """A passage with its segmented fields, prepared off the embedding thread."""

    passage: Passage
    text_seg: str
    text_cjk: str
    heading_seg: str


def segment_passages(passages: Sequence[Passage], segmenter: Segmenter) -> list[SegmentedPassage]:
    return [
        SegmentedPassage(p, segmenter.seg_field(p.text), fold(p.text), segmenter.seg_field(p.heading))
        for p in passages
    ]


def passage_records(
    meta: DocumentMeta, passages: Sequence[SegmentedPassage], vectors: np.ndarray, digest: str
) -> list[PassageRecord]:
    return [
        PassageRecord(
            meta=meta,
            passage_id=sp.passage.passage_id,
            ordinal=sp.passage.ordinal,
            text=sp.passage.text,
            text_seg=sp.text_seg,
            text_cjk=sp.text_cjk,
            heading=sp.passage.heading,
            heading_seg=sp.heading_seg,
            start=sp.passage.start,
            end=sp.passage.end,
            vector=tuple(vector.tolist()),
            content_hash=digest,
        )
        for sp, vector in zip(passages, vectors, strict=True)
    ]


def document_record(meta: DocumentMeta, doc: Document, digest: str, passage_count: int) -> DocumentRecord:
    """The whole document: its text for the document page, its hash for `update`."""
    return DocumentRecord(meta=meta, text=doc.text, content_hash=digest, passage_count=passage_count)

"""What is stored (DocumentRecord, PassageRecord), what a search is restricted by (Filters) and what comes back
(Hit, SearchResult)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata shared by a document and each of its passages (copied onto passages for filtering)."""

    doc_id: str
    title: str
    title_seg: str
    title_cjk: str  # folded title for the character-bigram field
    doc_number: str | None
    doc_number_parts: tuple[str, ...]
    issuer: str | None
    date: str | None
    year: int | None
    kind: str | None
    source: str  # the file, relative to source_root (posix)
    source_root: str  # the absolute folder the file was read under: what `update PATH` scopes by
    line_start: int
    line_end: int
    title_derived: bool
    cites: tuple[str, ...]
    # Issue 12: every number (any of them finds the document), with what each did and when.
    doc_numbers: tuple[str, ...] = ()
    doc_number_history: tuple[NumberEvent, ...] = ()
    promulgated: str | None = None  # first promulgation; `date` is this version's own date
    effective_from: str | None = None
    expires_on: str | None = None
    repeals: tuple[str, ...] = ()  # titles this document repeals
    index_no: str | None = None  # 索引号
    subject: str | None = None  # 主题分类
    stated_validity: str | None = None  # 有效性 as labelled on the source page
    # Relations, computed over the whole index (indexer/versions.py); status is computed at query time.
    version_group: str | None = None
    superseded_by: str | None = None
    repealed_by: str | None = None


@dataclass(frozen=True)
class NumberEvent:
    """One of a document's 文号 and what it did: 公布, 修订, 修正 or 废止."""

    number: str
    role: str
    date: str | None


@dataclass(frozen=True)
class DocumentRecord:
    """One whole document: full display text, written after its passages (its hash marks completion)."""

    meta: DocumentMeta
    text: str
    content_hash: str
    passage_count: int

    @property
    def record_id(self) -> str:
        return f"doc:{self.meta.doc_id}"

    def to_source(self) -> dict[str, Any]:
        source = {
            "type": "document",
            **_meta_source(self.meta),
            "text": self.text,
            "content_hash": self.content_hash,
            "passage_count": self.passage_count,
        }
        return source


@dataclass(frozen=True)
class PassageRecord:
    """One passage: original text for display, segmented text for matching, and its embedding."""

    meta: DocumentMeta
    passage_id: str
    ordinal: int
    text: str
    text_seg: str
    text_cjk: str  # folded text (traditional->simplified, half-width) for the character-bigram field
    heading: str
    heading_seg: str
    start: int
    end: int
    vector: tuple[float, ...]
    content_hash: str  # the document version this passage belongs to (the document record has the same)

    @property
    def record_id(self) -> str:
        return self.passage_id

    def to_source(self) -> dict[str, Any]:
        return {
            "type": "passage",
            **_meta_source(self.meta),
            "passage_id": self.passage_id,
            "ordinal": self.ordinal,
            "text": self.text,
            "text_seg": self.text_seg,
            "text_cjk": self.text_cjk,
            "heading": self.heading,
            "heading_seg": self.heading_seg,
            "start": self.start,
            "end": self.end,
            "vector": list(self.vector),
            "content_hash": self.content_hash,
        }


def _meta_source(meta: DocumentMeta) -> dict[str, Any]:
    source = asdict(meta)
    for name in ("doc_number_parts", "cites", "doc_numbers", "repeals"):
        source[name] = list(getattr(meta, name))
    source["doc_number_history"] = [asdict(event) for event in meta.doc_number_history]
    return source


# The fields `relate` sets on every record of a document; updated in place when only they change.
RELATION_FIELDS = ("version_group", "superseded_by", "repealed_by")


@dataclass(frozen=True)
class Deletion:
    """A record to remove in the same bulk request as its document's new records."""

    record_id: str


# What a write carries: records to store, and records to remove in the same bulk request.
Record = PassageRecord | DocumentRecord | Deletion


@dataclass(frozen=True)
class StoredDocument:
    """What the indexer needs to know of a document already in the index."""

    doc_id: str
    content_hash: str
    source: str
    source_root: str
    passage_count: int
    title: str
    # What relating documents needs (indexer/versions.py), and the relations stored now.
    issuer: str | None = None
    kind: str | None = None
    date: str | None = None
    repeals: tuple[str, ...] = ()
    version_group: str | None = None
    superseded_by: str | None = None
    repealed_by: str | None = None


@dataclass(frozen=True)
class Filters:
    """What a search is restricted to."""

    issuer: str | None = None
    kind: str | None = None
    doc_number: str | None = None
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
    validity: str | None = None  # a status of analyzers.validity.STATUSES, against today's date
    exclude_doc_ids: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Hit:
    """One raw Elasticsearch hit (a passage or a document record)."""

    id: str
    doc_id: str
    score: float
    source: dict[str, Any]
    index: str = ""  # the concrete index that answered (the alias may have moved since the last query)

    @property
    def passage_id(self) -> str:
        """A passage's id (its record id when the source does not carry it)."""
        return str(self.source.get("passage_id", self.id))


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    aggregations: dict[str, Any]
    suggest: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Cached:
    """A read of what the index holds rather than a ranking (its generation, the suggester's vocabulary,
    whether a phrase occurs): size 0, nothing that moves with the clock. Sent with request_cache (the shard
    request cache may answer it) and without the deadline's `timeout` (which would make every request's key
    unique), and to the same shard copies as every other such read (search_store.STATE_COPIES; a search
    sent again after a shard failed lets Elasticsearch choose)."""

    body: dict[str, Any]

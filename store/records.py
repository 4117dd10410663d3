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
    source: str
    line_start: int
    line_end: int
    title_derived: bool
    cites: tuple[str, ...]


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
        }


def _meta_source(meta: DocumentMeta) -> dict[str, Any]:
    source = asdict(meta)
    source["doc_number_parts"] = list(meta.doc_number_parts)
    source["cites"] = list(meta.cites)
    return source


@dataclass(frozen=True)
class Filters:
    """What a search is restricted to."""

    issuer: str | None = None
    kind: str | None = None
    doc_number: str | None = None
    date_from: str | None = None  # ISO date, inclusive
    date_to: str | None = None  # ISO date, inclusive
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

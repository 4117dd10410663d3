"""What retrieval returns: typed results with the fields the API and the pages show (service/ renders them)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from analyzers.docnum import looks_like_doc_number_query
from analyzers.validity import STATUS_LABELS, STATUSES
from store.records import Filters  # service/ builds a SearchParams's Filters from here

VALIDITY_STATUSES = STATUSES  # what the validity filter accepts
VALIDITY_LABELS = STATUS_LABELS  # 现行有效, 已被修订 ...


def canonical_number(value: str) -> str | None:
    """The canonical 文号 of a filter value typed any way (国务院令601号 -> 国务院令第601号), or None."""
    return looks_like_doc_number_query(value)


def document_url(doc_id: str) -> str:
    return f"/documents/{doc_id}"


@dataclass(frozen=True)
class SearchParams:
    """A search request, already validated (service/params.py builds it from request arguments)."""

    q: str
    mode: str = "hybrid"  # hybrid | keyword | semantic
    size: int = 10
    page: int = 1
    sort: str = "relevance"  # relevance | date
    filters: Filters = field(default_factory=Filters)

    def as_dict(self) -> dict[str, Any]:
        """The parameters as echoed back: only the filters in force."""
        names = ("issuer", "kind", "doc_number", "date_from", "date_to", "validity")
        active = {k: getattr(self.filters, k) for k in names if getattr(self.filters, k)}
        return {
            "q": self.q,
            "mode": self.mode,
            "size": self.size,
            "page": self.page,
            "sort": self.sort,
            "filters": active,
        }


@dataclass
class Timing:
    """Milliseconds spent embedding and in Elasticsearch, accumulated over one request."""

    embed_ms: float = 0.0
    es_ms: float = 0.0
    started: float = field(default_factory=time.perf_counter)

    def as_dict(self) -> dict[str, float]:
        total = (time.perf_counter() - self.started) * 1000
        return {
            "embed_ms": round(self.embed_ms, 2),
            "es_ms": round(self.es_ms, 2),
            "total_ms": round(total, 2),
        }


@dataclass(frozen=True)
class Passage:
    """A passage shown under a hit; highlight is safe HTML (escaped text, <em> around the query's words)."""

    passage_id: str
    text: str
    highlight: str
    heading: str


@dataclass(frozen=True)
class Validity:
    """Whether a document is in force today, why, and the documents that replaced or repealed it."""

    status: str  # analyzers.validity.STATUSES
    label: str  # 现行有效, 已被修订 ...
    reason: str  # for people: "有效期至2025年6月30日"
    effective_from: str | None = None
    expires_on: str | None = None
    superseded_by: str | None = None  # doc_id of the version that replaced it
    supersedes: tuple[str, ...] = ()  # doc_ids of the versions it replaced
    repealed_by: str | None = None  # doc_id


@dataclass(frozen=True)
class VersionLink:
    doc_id: str
    title: str | None
    date: str | None
    url: str
    current: bool  # no newer version


@dataclass(frozen=True)
class Versions:
    """The other versions of a document (same version group), newest first."""

    count: int = 0
    links: tuple[VersionLink, ...] = ()


@dataclass(frozen=True)
class DocumentSummary:
    """What a document carries wherever it is listed or shown (a hit, a precedent, the document page).
    The last four are keyword-only, so that each kind of result adds its own fields after the first six."""

    doc_id: str
    title: str | None
    doc_number: str | None
    issuer: str | None
    date: str | None
    kind: str | None
    doc_numbers: tuple[str, ...] = field(default=(), kw_only=True)  # every 文号 it bears
    promulgated: str | None = field(default=None, kw_only=True)
    validity: Validity | None = field(default=None, kw_only=True)
    versions: Versions = field(default_factory=Versions, kw_only=True)


@dataclass(frozen=True)
class Hit(DocumentSummary):
    """One document of a result list with its best passages."""

    score: float
    url: str
    passages: list[Passage]


@dataclass(frozen=True)
class FacetBucket:
    value: Any  # issuer or kind (str), year (int)
    count: int  # documents


@dataclass(frozen=True)
class SearchResult:
    query: dict[str, Any]  # the parameters and the analysed query, echoed
    total: int
    took_ms: int
    hits: list[Hit]
    facets: dict[str, list[FacetBucket]]  # issuer, kind, year, validity
    timing: dict[str, float]
    # "eq": total counts every matching document; "gte": the ranked window was full, so there are at least
    # `total` (as Elasticsearch's own total_hits.relation)
    total_relation: str = "eq"
    did_you_mean: str | None = None  # a correction of a mistyped query, from the index's vocabulary


@dataclass(frozen=True)
class Match:
    """A draft segment and the passage of a precedent it resembles most."""

    draft_segment: str
    draft_start: int
    draft_end: int
    passage_id: str
    passage_text: str
    heading: str
    similarity: float  # cosine


@dataclass(frozen=True)
class Precedent(Hit):
    matches: list[Match] = field(default_factory=list)


@dataclass(frozen=True)
class PrecedentResult:
    segments: int  # how many pieces the draft was cut into
    terms: list[str]  # the draft's frequent words
    doc_id: str | None  # the stored document the draft was, if any
    hits: list[Precedent]
    took_ms: int
    timing: dict[str, float]


@dataclass(frozen=True)
class Citation:
    doc_number: str | None
    doc_id: str | None  # None: a 文号 the index does not hold
    title: str | None


@dataclass(frozen=True)
class DocumentPassage:
    passage_id: str
    ordinal: int
    text: str
    heading: str
    start: int  # offset in the document's text
    end: int


@dataclass(frozen=True)
class DocumentView(DocumentSummary):
    """A whole stored document: metadata, text, passages and citation links both ways."""

    source: str | None
    line_start: int | None
    line_end: int | None
    title_derived: bool | None
    text: str
    url: str
    passages: list[DocumentPassage]
    cites: list[Citation]
    cited_by: list[Citation]
    history: tuple[HistoryEvent, ...] = ()


@dataclass(frozen=True)
class HistoryEvent:
    """One step of a document's revision history: a decree and what it did, or another version."""

    date: str | None
    number: str | None  # the decree, if any
    event: str  # 公布, 修订, 修正, 废止, or 版本 (another version in the index)
    doc_id: str | None  # the version in the index this step produced, if known
    title: str | None


@dataclass(frozen=True)
class Suggestion:
    title: str | None
    doc_number: str | None
    doc_id: str
    url: str

"""Query understanding: the query folded, segmented, its 文号 and synonyms and its shape, once per request."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from analyzers.docnum import issuerless_doc_number_query, looks_like_doc_number_query, query_doc_numbers
from analyzers.segment import Segmenter
from analyzers.synonyms import Synonyms
from analyzers.textnorm import fold

QUESTION_MARKERS = (
    "吗",
    "呢",
    "？",
    "?",
    "如何",
    "怎么",
    "怎样",
    "什么",
    "哪些",
    "哪个",
    "哪里",
    "多少",
    "是否",
    "能否",
    "有没有",
    "谁",
)
QUESTION_MIN_CHARS = 12  # long inputs read as sentences rather than keyword lists


def asks(q: str) -> bool:
    """The text holds a question word or mark (吗, 怎么, ？…)."""
    return any(m in q for m in QUESTION_MARKERS)


def is_question(q: str) -> bool:
    """A question in everyday words (rather than a few keywords): meaning matters more than exact words."""
    return len(q) >= QUESTION_MIN_CHARS or asks(q)


@dataclass(frozen=True)
class AnalysedQuery:
    """The query as the searcher understood it; its as_dict() is echoed back to the caller."""

    text: str  # as typed (stripped)
    folded: str  # simplified, half-width: what the character-bigram fields match
    tokens: list[str]  # jieba tokens without stop words
    groups: list[list[str]]  # per token: itself, then its synonyms, each segmented ("健康 体检")
    doc_number: str | None  # the whole query is this 文号
    doc_numbers: list[str]  # 文号 found in the query
    question: bool  # see is_question
    issuerless_number: str | None = None  # the whole query is a decree without its issuer: "令第601号"

    @property
    def exact_number(self) -> str | None:
        """The 文号 (or issuer-free decree key) the whole query is: its document goes first."""
        return self.doc_number or self.issuerless_number

    @cached_property
    def term_set(self) -> frozenset[str]:
        """Every token a hit may be highlighted for: the query's and its synonyms'."""
        return frozenset(
            {t for group in self.groups for alt in group for t in alt.split()} | set(self.tokens)
        )

    def as_dict(self) -> dict[str, Any]:
        synonyms = {g[0]: g[1:] for g in self.groups if len(g) > 1}
        return {
            "tokens": self.tokens,
            "synonyms": synonyms,
            "doc_number": self.doc_number or (self.doc_numbers[0] if self.doc_numbers else None),
            "issuerless_number": self.issuerless_number,
        }


EMPTY = AnalysedQuery("", "", [], [], None, [], False)


def analyse(q: str, segmenter: Segmenter, synonyms: Synonyms) -> AnalysedQuery:
    """Everything the searcher needs to know about the query text, computed once."""
    tokens = segmenter.query_tokens(q) if q.strip() else []
    exact = looks_like_doc_number_query(q) if q else None
    numbers = query_doc_numbers(q) if q else []
    issuerless = issuerless_doc_number_query(q) if q and not exact else None
    groups = [
        [" ".join(segmenter.tokens(alt)) or alt for alt in group]
        for group in (synonyms.expand(tokens) if tokens else [])
    ]
    return AnalysedQuery(q, fold(q), tokens, groups, exact, numbers, is_question(q), issuerless)

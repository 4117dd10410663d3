"""Retrieval metrics for the judged query set: nDCG@10, Recall@10, MRR, Success@1, Answer@1.

A returned document counts for a judged document when its text contains one of the judged `keys`.
Texts and keys are compared after removing whitespace and folding full-width punctuation, because the
judges copied keys from raw files whose spacing and comma widths differ from the cleaned display text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC folds full-width punctuation (，→,); spaces inserted by typesetting carry no meaning."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True)
class Judged:
    """A judged document: named by text keys (the query sets) or by its doc_id (pooled judgments)."""

    title: str
    keys: tuple[str, ...]
    grade: int
    doc_id: str | None = None


def judged_index(text: str, judged: Sequence[Judged], doc_id: str | None = None) -> int | None:
    """Which judged document (index into `judged`) a returned document is, if any."""
    flat = normalise(text)
    for i, j in enumerate(judged):
        if j.doc_id is not None:
            if j.doc_id == doc_id:
                return i
        elif any(normalise(k) in flat for k in j.keys):
            return i
    return None


def grades_of(
    texts: Sequence[str], judged: Sequence[Judged], doc_ids: Sequence[str | None] | None = None
) -> list[int]:
    """Gain of each ranked result; a judged document counts once (its first, best-ranked appearance)."""
    seen: set[int] = set()
    gains = []
    for n, text in enumerate(texts):
        i = judged_index(text, judged, doc_ids[n] if doc_ids else None)
        if i is None or i in seen:
            gains.append(0)
        else:
            seen.add(i)
            gains.append(judged[i].grade)
    return gains


def unjudged(
    texts: Sequence[str], judged: Sequence[Judged], doc_ids: Sequence[str | None], k: int = 10
) -> int:
    """How many of the top k match no judgment at all (grade 0 judgments count as judged)."""
    return sum(1 for t, d in zip(texts[:k], doc_ids[:k], strict=False) if judged_index(t, judged, d) is None)


def _normalised_dcg(gains: Sequence[int], ideal_grades: Sequence[int], k: int) -> float:
    """DCG@k of the gains over that of the best order of the ideal grades."""
    dcg = sum((2**g - 1) / math.log2(r + 2) for r, g in enumerate(gains[:k]))
    ideal = sorted(ideal_grades, reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(r + 2) for r, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def ndcg(gains: Sequence[int], judged: Sequence[Judged], k: int = 10) -> float:
    return _normalised_dcg(gains, [j.grade for j in judged], k)


# A regulation's versions carry its title with the version's date: 中华人民共和国船员条例（2023-07-20版）.
_VERSION_SUFFIX = re.compile(r"[（(]\d{4}-\d{2}-\d{2}版[)）]$")


def work_of(title: str) -> str:
    """The work a judged document is a version of: its title without a version's date."""
    return _VERSION_SUFFIX.sub("", normalise(title))


def ndcg_by_work(
    texts: Sequence[str], judged: Sequence[Judged], doc_ids: Sequence[str | None], k: int = 10
) -> float:
    """nDCG@10 with the versions of one regulation as one work: the ideal holds each work once, at its
    best grade, and a second version of a work already credited gains nothing. Our results show one
    version of a work and fold the others under it (issue 12), which the per-document nDCG counts as
    missing every other judged version; stock Elasticsearch lists each version separately."""
    works = [work_of(j.title) for j in judged]
    credited: set[str] = set()
    gains = []
    for text, doc_id in zip(texts, doc_ids, strict=True):
        i = judged_index(text, judged, doc_id)
        if i is None or works[i] in credited:
            gains.append(0)
        else:
            credited.add(works[i])
            gains.append(judged[i].grade)
    best: dict[str, int] = {}
    for work, j in zip(works, judged, strict=True):
        best[work] = max(best.get(work, 0), j.grade)
    return _normalised_dcg(gains, list(best.values()), k)


def recall(gains: Sequence[int], judged: Sequence[Judged], k: int = 10) -> float:
    relevant = sum(1 for j in judged if j.grade > 0)
    return sum(1 for g in gains[:k] if g > 0) / relevant if relevant else 0.0


def reciprocal_rank(gains: Sequence[int]) -> float:
    return next((1.0 / (r + 1) for r, g in enumerate(gains) if g > 0), 0.0)


def success_at_1(gains: Sequence[int]) -> float:
    return 1.0 if gains and gains[0] > 0 else 0.0


def answer_at_1(first_passage: str | None, judged: Sequence[Judged], doc_id: str | None = None) -> float:
    """The top hit's first passage contains one of the answer sentences (question queries). A document
    judged by its id (pooled) answers only through its own passages: `doc_id` is the top hit's."""
    if not first_passage:
        return 0.0
    flat = normalise(first_passage)
    own = [j for j in judged if j.grade > 0 and (j.doc_id is None or j.doc_id == doc_id)]
    return 1.0 if any(normalise(k) in flat for j in own for k in j.keys) else 0.0

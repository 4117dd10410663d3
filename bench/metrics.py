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
    title: str
    keys: tuple[str, ...]
    grade: int


def judged_index(text: str, judged: Sequence[Judged]) -> int | None:
    """Which judged document (index into `judged`) a returned text is, if any."""
    flat = normalise(text)
    for i, j in enumerate(judged):
        if any(normalise(k) in flat for k in j.keys):
            return i
    return None


def grades_of(texts: Sequence[str], judged: Sequence[Judged]) -> list[int]:
    """Gain of each ranked result; a judged document counts once (its first, best-ranked appearance)."""
    seen: set[int] = set()
    gains = []
    for text in texts:
        i = judged_index(text, judged)
        if i is None or i in seen:
            gains.append(0)
        else:
            seen.add(i)
            gains.append(judged[i].grade)
    return gains


def ndcg(gains: Sequence[int], judged: Sequence[Judged], k: int = 10) -> float:
    dcg = sum((2**g - 1) / math.log2(r + 2) for r, g in enumerate(gains[:k]))
    ideal = sorted((j.grade for j in judged), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(r + 2) for r, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(gains: Sequence[int], judged: Sequence[Judged], k: int = 10) -> float:
    return sum(1 for g in gains[:k] if g > 0) / len(judged) if judged else 0.0


def reciprocal_rank(gains: Sequence[int]) -> float:
    return next((1.0 / (r + 1) for r, g in enumerate(gains) if g > 0), 0.0)


def success_at_1(gains: Sequence[int]) -> float:
    return 1.0 if gains and gains[0] > 0 else 0.0


def answer_at_1(first_passage: str | None, judged: Sequence[Judged]) -> float:
    """The top hit's first passage contains one of the answer sentences (question queries)."""
    if not first_passage:
        return 0.0
    flat = normalise(first_passage)
    return 1.0 if any(normalise(k) in flat for j in judged for k in j.keys) else 0.0

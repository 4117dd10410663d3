"""bench.scale_loss.views: the larger world's ranking scored against the sample's judgments, by hand."""

from __future__ import annotations

import math

import pytest

from bench.eval import Query
from bench.metrics import Judged, normalise
from bench.scale_loss import quoted_answers_within, views

SAMPLE = {"s1", "s2", "s3"}
TEXTS = {i: f"text of {i}" for i in ("s1", "s2", "s3", "r1", "r2")}


def _query(*judged: tuple[str, int]) -> Query:
    return Query("q1", "keyword", "古树名木", tuple(Judged(i, (), g, i) for i, g in judged))


def _dcg(*gains: int) -> float:
    return sum((2**g - 1) / math.log2(r + 2) for r, g in enumerate(gains))


def test_a_relevant_and_an_irrelevant_regulation_each_counted_their_own_way() -> None:
    small = _query(("s1", 2), ("s2", 1))
    large = _query(("s1", 2), ("s2", 1), ("r1", 2), ("r2", 0))
    # The larger world puts a grade-2 regulation first and a grade-0 one between the sample's answers.
    v = views(small, large, ["s1", "s2", "s3"], ["r1", "s1", "r2", "s2", "s3"], SAMPLE, TEXTS)
    assert v.sample == 1.0 and v.condensed == 1.0  # the sample's answers keep their order
    assert v.scale == pytest.approx(_dcg(2, 2, 0, 1) / _dcg(2, 2, 1))
    assert v.sample_judged == pytest.approx(_dcg(0, 2, 0, 1) / _dcg(2, 1))
    assert v.without_relevant == pytest.approx(_dcg(2, 0, 1) / _dcg(2, 1))  # only the grade-0 one costs


def test_a_query_joins_when_every_answer_its_writer_quoted_is_a_sample_document() -> None:
    """Otherwise the sample world's ideal would hold a document that world lacks; pooled rows (ids) are not asked."""
    sample = [normalise(TEXTS[i]) for i in sorted(SAMPLE)]
    local = Judged("a local plan", ("text of s3",), 2)
    regulation = Judged("a regulation", ("text of r2",), 1)
    pooled_regulation = Judged("r1", (), 2, "r1")
    assert quoted_answers_within(Query("q", "keyword", "x", (local, pooled_regulation)), sample)
    assert not quoted_answers_within(Query("q", "keyword", "x", (local, regulation)), sample)

"""bench/metrics.py: the retrieval metrics on hand-computed cases."""

from __future__ import annotations

import math

import pytest

from bench.metrics import (
    Judged,
    answer_at_1,
    grades_of,
    judged_index,
    ndcg,
    recall,
    reciprocal_rank,
    success_at_1,
)

JUDGED = (Judged("A", ("古树名木保护",), 2), Judged("B", ("农机购置，补贴",), 1))


def test_keys_match_across_spacing_and_comma_width() -> None:
    assert judged_index("要 加强古树名木 保护工作", JUDGED) == 0
    assert judged_index("稳定实施农机购置,补贴政策", JUDGED) == 1
    assert judged_index("无关内容", JUDGED) is None


def test_a_judged_document_counts_once() -> None:
    assert grades_of(["古树名木保护", "古树名木保护", "x", "农机购置，补贴"], JUDGED) == [2, 0, 0, 1]


def test_ndcg_is_one_for_the_ideal_ranking_and_less_otherwise() -> None:
    assert ndcg([2, 1], JUDGED) == pytest.approx(1.0)
    swapped = ndcg([1, 2], JUDGED)
    expected = (1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3))
    assert swapped == pytest.approx(expected)


def test_recall_mrr_success() -> None:
    assert recall([0, 2, 0], JUDGED) == 0.5
    assert reciprocal_rank([0, 0, 1]) == pytest.approx(1 / 3)
    assert reciprocal_rank([0, 0]) == 0.0
    assert success_at_1([2]) == 1.0 and success_at_1([0, 2]) == 0.0


def test_answer_at_1_needs_the_answer_in_the_first_passage() -> None:
    assert answer_at_1("……各有关部门要高度重视古树名木保护。", JUDGED) == 1.0
    assert answer_at_1("其他段落", JUDGED) == 0.0
    assert answer_at_1(None, JUDGED) == 0.0

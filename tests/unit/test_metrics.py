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
    ndcg_by_work,
    recall,
    reciprocal_rank,
    success_at_1,
    work_of,
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


# Two versions of one regulation (judged by doc_id, as pooled judgments are) and another document.
VERSIONS = (
    Judged("中华人民共和国船员条例（2023-07-20版）", (), 2, "v2023"),
    Judged("中华人民共和国船员条例（2020-03-27版）", (), 2, "v2020"),
    Judged("职工带薪年休假条例", (), 1, "leave"),
)


def test_a_version_date_is_not_part_of_the_work() -> None:
    assert (
        work_of("中华人民共和国船员条例（2023-07-20版）")
        == work_of("中华人民共和国船员条例")
        == "中华人民共和国船员条例"
    )
    assert work_of("职工带薪年休假条例") == "职工带薪年休假条例"


def test_versions_count_as_one_work() -> None:
    """One version shown (the others folded under it) is the whole work; the per-document nDCG misses one."""
    shown = ["", ""]
    assert ndcg_by_work(shown, VERSIONS, ["v2023", "leave"]) == pytest.approx(1.0)
    assert ndcg(grades_of(shown, VERSIONS, ["v2023", "leave"]), VERSIONS) < 0.8
    # both versions listed: the second gains nothing, and pushes the other document down
    both = ndcg_by_work(["", "", ""], VERSIONS, ["v2020", "v2023", "leave"])
    assert both == pytest.approx((3 + 1 / math.log2(4)) / (3 + 1 / math.log2(3)))


def test_without_versions_both_ndcgs_agree() -> None:
    texts = ["x", "农机购置，补贴", "古树名木保护"]
    assert ndcg_by_work(texts, JUDGED, [None] * 3) == pytest.approx(ndcg(grades_of(texts, JUDGED), JUDGED))

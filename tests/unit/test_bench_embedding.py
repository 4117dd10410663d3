"""bench/embedding.py helpers with FakeEmbedder: passage cutting, top-k agreement, throughput."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.embedding import load_passages, measure_throughput, overlap, top_k_ids, top_k_overlap
from tests.fakes import FakeEmbedder


class _OtherFake(FakeEmbedder):
    """Unrelated vectors: the hash of a different string."""

    def _vector(self, text: str) -> np.ndarray:
        return super()._vector(text + "#other")


def test_load_passages_cuts_paragraphs_and_spreads_the_sample(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("甲" * 600 + "\n短\n" + "乙" * 300, encoding="utf-8")
    pieces = load_passages(tmp_path, n=100, size=270)
    assert [len(p) for p in pieces] == [270, 270, 60, 270]  # "短" and the 30-char tail are too short
    assert len(load_passages(tmp_path, n=2, size=270)) == 2


def test_top_k_ids_ranks_by_cosine() -> None:
    passages = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    assert top_k_ids(np.array([[0.0, 1.0]]), passages, k=2).tolist() == [[1, 2]]


def test_overlap_is_the_mean_shared_fraction() -> None:
    assert overlap(np.array([[1, 2], [3, 4]]), np.array([[2, 1], [3, 9]])) == 0.75


def test_an_embedder_agrees_fully_with_itself_and_not_with_another() -> None:
    passages = [f"第{i}条 政务公开" for i in range(30)]
    queries = ["政务公开", "古树名木", "农机购置补贴"]
    assert top_k_overlap(FakeEmbedder(dims=8), FakeEmbedder(dims=8), queries, passages, k=5) == 1.0
    assert top_k_overlap(FakeEmbedder(dims=8), _OtherFake(dims=8), queries, passages, k=5) < 1.0


def test_measure_throughput_is_positive() -> None:
    assert measure_throughput(FakeEmbedder(dims=4), ["一", "二", "三"], repeats=2) > 0

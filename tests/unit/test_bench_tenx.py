"""bench/tenx_data.py and bench/tenx.py helpers: the copy id scheme, the noisy vectors, the copied records."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

import bench.tenx_data
from bench.tenx import judged_queries
from bench.tenx_data import cache_key, copied_meta, copy_id, copy_records, noisy, read_corpus, real_vectors
from config.settings import Settings
from store.records import DocumentRecord, PassageRecord
from tests.fakes import FakeEmbedder

LAW = "某某条例\n" + "".join(
    f"第{i}条 政务公开应当及时准确，行政机关应当主动公开政府信息。\n" * 3 for i in range(1, 9)
)


def _unit(rows: int, dims: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(rows, dims)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_copy_zero_keeps_the_id_and_later_copies_are_distinct_valid_ids() -> None:
    assert copy_id("d99b30c500e68c22", 0) == "d99b30c500e68c22"
    ids = {copy_id("d99b30c500e68c22", k) for k in range(10)}
    assert len(ids) == 10
    assert copy_id("d99b30c500e68c22", 3) == "d99b30c500e68c22-c3"
    with pytest.raises(ValueError):
        copy_id("x", -1)


def test_noise_leaves_copy_zero_alone_and_keeps_copies_near_unit_and_deterministic() -> None:
    vectors = _unit(50, 512)
    assert noisy(vectors, 0) is vectors
    one, again, two = noisy(vectors, 1), noisy(vectors, 1), noisy(vectors, 2)
    np.testing.assert_array_equal(one, again)
    np.testing.assert_allclose(np.linalg.norm(one, axis=1), 1.0, atol=1e-5)
    cosines = (one * vectors).sum(axis=1)
    assert cosines.min() > 0.95 and cosines.max() < 0.999  # close to the original, not equal to it
    assert not np.allclose(one, two)


def test_copied_meta_moves_the_ids_and_relations_into_the_copy(tmp_path: Path) -> None:
    docs = read_corpus(Settings(), [_corpus(tmp_path)], "m")
    meta = docs[0].meta
    copy = copied_meta(meta, 2)
    assert copy.doc_id == f"{meta.doc_id}-c2"
    assert copy.version_group == f"{meta.version_group}-c2"
    assert copy.superseded_by is None and copy.title == meta.title
    assert copied_meta(meta, 0) is meta


def test_copy_records_give_every_copy_its_own_passage_and_document_ids(tmp_path: Path) -> None:
    docs = read_corpus(Settings(), [_corpus(tmp_path)], "m")
    n = sum(len(d.passages) for d in docs)
    assert n > 1
    vectors = _unit(n, 8)
    records = [r for copy in range(3) for r in copy_records(docs, vectors, copy)]
    passages = [r for r in records if isinstance(r, PassageRecord)]
    documents = [r for r in records if isinstance(r, DocumentRecord)]
    assert len(passages) == 3 * n and len(documents) == 3 * len(docs)
    assert len({r.record_id for r in records}) == len(records)
    assert all(p.passage_id.startswith(p.meta.doc_id + "#") for p in passages)
    np.testing.assert_allclose([p.vector for p in passages[:n]], vectors, atol=1e-6)  # copy 0: real vectors


def test_cache_key_depends_on_the_texts_their_order_and_the_model() -> None:
    key = cache_key(["甲", "乙"], "m3e-small", "onnx-int8")
    assert key == cache_key(["甲", "乙"], "m3e-small", "onnx-int8")
    assert (
        len(
            {
                key,
                cache_key(["乙", "甲"], "m3e-small", "onnx-int8"),
                cache_key(["甲", "乙"], "m", "onnx-int8"),
            }
        )
        == 3
    )
    assert cache_key(["甲乙"], "m", "b") != cache_key(["甲", "乙"], "m", "b")


class _Counting(FakeEmbedder):
    """Counts the texts it embeds; fails after `budget` calls, like a run killed part way."""

    def __init__(self, budget: int = 99) -> None:
        super().__init__(dims=8)
        self.texts = 0
        self.budget = budget

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if self.budget == 0:
            raise KeyboardInterrupt
        self.budget -= 1
        self.texts += len(texts)
        return super().embed_passages(texts)


def test_real_vectors_resume_an_interrupted_run_and_then_come_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bench.tenx_data, "CACHE", tmp_path)
    texts = [f"第{i}条" for i in range(10)]
    with pytest.raises(KeyboardInterrupt):
        real_vectors(texts, _Counting(budget=2), "b", chunk=4)
    resumed = _Counting()
    vectors = real_vectors(texts, resumed, "b", chunk=4)
    assert resumed.texts == 2  # only the last chunk was left
    np.testing.assert_allclose(vectors, FakeEmbedder(dims=8).embed_passages(texts), atol=1e-6)
    cached = _Counting(budget=0)
    np.testing.assert_array_equal(real_vectors(texts, cached, "b", chunk=4), vectors)
    assert [p.name for p in tmp_path.iterdir()] == [f"{cache_key(texts, 'fake', 'b')}.npy"]


def test_judged_queries_are_the_dev_and_scale_texts_without_drafts() -> None:
    queries = judged_queries()
    assert len(queries) == len(set(queries)) > 40
    assert all(len(q) < 200 for q in queries)  # precedent drafts are long


def _corpus(folder: Path) -> Path:
    (folder / "law.txt").write_text(LAW, encoding="utf-8")
    return folder

"""analyzers/onnx_embed.py without a model: pooling config, pooling maths, batching by length."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analyzers.onnx_embed import OnnxInt8Embedder, length_order, pool, read_pooling_mode


def _st_folder(tmp_path: Path, modules: list[dict[str, str]], pooling: dict[str, object]) -> Path:
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    return tmp_path


TRANSFORMER = {"idx": "0", "path": "", "type": "sentence_transformers.models.Transformer"}
POOLING = {"idx": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}


def test_a_plain_transformers_folder_gets_mean_pooling_as_in_sentence_transformers(tmp_path: Path) -> None:
    assert read_pooling_mode(tmp_path) == "mean"


@pytest.mark.parametrize(
    ("config", "mode"),
    [
        ({"pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False}, "cls"),
        ({"pooling_mode_mean_tokens": True}, "mean"),
        ({"pooling_mode": "max"}, "max"),
    ],
)
def test_pooling_is_read_from_the_sentence_transformers_config(
    tmp_path: Path, config: dict, mode: str
) -> None:
    assert read_pooling_mode(_st_folder(tmp_path, [TRANSFORMER, POOLING], config)) == mode


def test_modules_the_onnx_path_cannot_reproduce_are_refused(tmp_path: Path) -> None:
    dense = {"idx": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}
    folder = _st_folder(tmp_path, [TRANSFORMER, POOLING, dense], {"pooling_mode": "mean"})
    with pytest.raises(ValueError, match="Dense"):
        read_pooling_mode(folder)


def test_pooling_ignores_padding() -> None:
    hidden = np.array([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])
    mask = np.array([[1, 1, 0]])
    np.testing.assert_allclose(pool(hidden, mask, "mean"), [[2.0, 3.0]])
    np.testing.assert_allclose(pool(hidden, mask, "max"), [[3.0, 4.0]])
    np.testing.assert_allclose(pool(hidden, mask, "cls"), [[1.0, 2.0]])


def test_length_order_is_longest_first_and_stable() -> None:
    assert length_order(["a", "ccc", "bb", "ddd"]).tolist() == [1, 3, 2, 0]


def test_embed_passages_batches_by_length_and_restores_the_order() -> None:
    embedder = OnnxInt8Embedder.__new__(OnnxInt8Embedder)
    embedder.dims, embedder._batch_size = 1, 2
    batches: list[list[str]] = []

    def fake_batch(texts: list[str]) -> np.ndarray:
        batches.append(texts)
        return np.array([[float(len(t))] for t in texts], dtype=np.float32)

    embedder._embed_batch = fake_batch  # type: ignore[method-assign]
    out = embedder.embed_passages(["a", "ccc", "bb", "dddd", "eeeee"])
    assert out[:, 0].tolist() == [1, 3, 2, 4, 5]
    assert batches == [["eeeee", "dddd"], ["ccc", "bb"], ["a"]]
    assert embedder.embed_passages([]).shape == (0, 1)

"""The real packaged m3e-small through load_embedder, for both backends; one int8 export per session."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from analyzers import onnx_export
from analyzers.embed import Embedder, load_embedder, resolve_model
from analyzers.onnx_embed import OnnxInt8Embedder
from config.settings import ModelSettings

pytestmark = pytest.mark.integration

QUERY = "古树名木保护"
RELEVANT = "根据《山东省古树名木保护管理办法》有关要求,经专家鉴定,全区已认定三级保护古树39株,现予公布。"
UNRELATED = "稳定实施农机购置补贴政策,推进农机报废更新,全区农作物耕种收综合机械化率达到九成。"


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="session")
def int8(cache_dir: Path) -> Embedder:
    return load_embedder(ModelSettings(backend="onnx-int8", cache_dir=cache_dir, batch_size=4))


@pytest.fixture(scope="session")
def fp32() -> Embedder:
    return load_embedder(ModelSettings(backend="torch-fp32", batch_size=4))


@pytest.fixture(params=["fp32", "int8"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    return request.getfixturevalue(request.param)


def test_vectors_are_unit_float32_with_the_model_dims(embedder: Embedder) -> None:
    assert embedder.model_name == "m3e-small" and embedder.dims == 512  # hidden_size in m3e-small/config.json
    query = embedder.embed_query(QUERY)
    passages = embedder.embed_passages([RELEVANT, UNRELATED])
    assert query.shape == (512,) and query.dtype == np.float32
    assert passages.shape == (2, 512) and passages.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert np.linalg.norm(query) == pytest.approx(1.0, abs=1e-5)


def test_a_relevant_passage_scores_above_an_unrelated_one(embedder: Embedder) -> None:
    relevant, unrelated = embedder.embed_passages([RELEVANT, UNRELATED]) @ embedder.embed_query(QUERY)
    assert relevant > unrelated + 0.05


def test_int8_stays_close_to_fp32(int8: Embedder, fp32: Embedder) -> None:
    texts = [QUERY, RELEVANT, UNRELATED]
    cosines = np.sum(int8.embed_passages(texts) * fp32.embed_passages(texts), axis=1)
    assert cosines.min() > 0.97


def test_batch_neighbours_barely_move_an_int8_vector(int8: Embedder) -> None:
    # Padding is masked out of the pooling, but dynamic int8 picks one activation scale per batch, so a
    # passage's vector depends slightly on its neighbours (cosine ~0.996 here; exactly 1.0 in fp32 ONNX).
    alone = int8.embed_passages([QUERY])[0]
    batched = int8.embed_passages([RELEVANT * 3, QUERY, UNRELATED])[1]
    assert float(alone @ batched) > 0.99


def test_the_int8_export_is_cached(
    int8: Embedder, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    assert isinstance(int8, OnnxInt8Embedder)
    assert int8.onnx_path.parent.parent == cache_dir
    mtime = int8.onnx_path.stat().st_mtime_ns

    def no_export(*args: object) -> None:
        raise AssertionError("the second load exported again")

    monkeypatch.setattr(onnx_export, "export_onnx", no_export)
    settings = ModelSettings(backend="onnx-int8", cache_dir=cache_dir)
    model_dir, name = resolve_model(settings)
    with caplog.at_level(logging.INFO, logger="analyzers.onnx_export"):
        again = OnnxInt8Embedder.from_settings(model_dir, name, settings)
    assert again.onnx_path == int8.onnx_path
    assert again.onnx_path.stat().st_mtime_ns == mtime
    assert "reusing cached int8 model" in caplog.text

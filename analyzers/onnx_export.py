"""Exports the transformer to ONNX and quantizes it to int8, once, into a content-addressed cache folder.

The cache folder name hashes the model files, the exporting library versions and RECIPE, so a changed model
or toolchain gets a fresh export. Writes are atomic (tmp file + rename) under a file lock.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

INT8_FILE = "model.int8.onnx"
# Bump when the export or quantization below changes: it is part of the cache key.
RECIPE = "legacy-opset17+dynamic-qint8-matmul-per-channel-v2"
OPSET = 17
TOOL_VERSIONS = ("torch", "transformers", "onnx", "onnxruntime")
# Only MatMul weights, one scale per output channel: per-tensor scales or quantizing the embedding Gather
# too cost ranking agreement with fp32 (top-10 overlap 0.87 and 0.86 vs 0.92; see bench/embedding.py).
DEFAULT_OP_TYPES = ("MatMul",)
DEFAULT_PER_CHANNEL = True


def fingerprint(model_dir: Path) -> str:
    """SHA-256 over the model folder's files (names and contents) and the exporting libraries' versions."""
    digest = hashlib.sha256(RECIPE.encode())
    for name in TOOL_VERSIONS:
        digest.update(f"{name}={_version(name)};".encode())
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(model_dir)).encode() + b"\0")
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def cache_folder(cache_dir: Path, model_name: str, model_dir: Path) -> Path:
    """cache_dir/<model-name>-<hash>: one folder per model content and toolchain."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(model_name).name or model_name).strip("_") or "model"
    return cache_dir / f"{safe}-{fingerprint(model_dir)[:16]}"


def ensure_int8_model(model_dir: Path, cache_dir: Path, model_name: str) -> Path:
    """Path of the cached int8 ONNX model, exporting and quantizing it first if no process has yet."""
    folder = cache_folder(Path(cache_dir).expanduser(), model_name, model_dir)
    target = folder / INT8_FILE
    if target.is_file():
        log.info("reusing cached int8 model %s", target)
        return target
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / ".lock"):
        if target.is_file():  # another process finished while we waited for the lock
            log.info("reusing int8 model exported by another process: %s", target)
            return target
        log.info("exporting %s to ONNX and quantizing to int8 (once) -> %s", model_dir, target)
        if _version("torch") == "absent":
            raise ModuleNotFoundError(
                "exporting the model needs torch (pip install .[index]); a serving install loads the int8 "
                "model the indexer exported: set SEARCH_MODEL__ONNX_PATH to its model.int8.onnx"
            )
        with tempfile.TemporaryDirectory(dir=folder, prefix=".tmp-") as tmp:
            fp32 = Path(tmp) / "model.fp32.onnx"
            export_onnx(model_dir, fp32)
            quantize_int8(fp32, Path(tmp) / INT8_FILE)
            _write_manifest(folder, model_dir)
            os.replace(Path(tmp) / INT8_FILE, target)  # atomic: readers see the old state or the whole file
    return target


@contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    # flock is released by the kernel if the process dies, so a crashed export never blocks later ones.
    with lock_path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write_manifest(folder: Path, model_dir: Path) -> None:
    manifest = {"model_dir": str(model_dir), "recipe": RECIPE, "opset": OPSET}
    manifest.update({name: _version(name) for name in TOOL_VERSIONS})
    tmp = folder / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    os.replace(tmp, folder / "manifest.json")


def uses_token_type_ids(model_dir: Path) -> bool:
    """Whether the model takes token_type_ids (BERT-style configs declare type_vocab_size > 0)."""
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    return int(config.get("type_vocab_size", 0)) > 0


def export_onnx(model_dir: Path, out_path: Path) -> None:
    """torch.onnx.export of the transformer's last_hidden_state with dynamic batch and sequence axes."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if uses_token_type_ids(model_dir) else [])
    wrapper = _wrap(model, names)
    dummy = tuple(torch.ones(2, 16, dtype=torch.long) for _ in names)
    axes = {name: {0: "batch", 1: "sequence"} for name in [*names, "last_hidden_state"]}
    common: dict[str, Any] = dict(input_names=names, output_names=["last_hidden_state"], opset_version=OPSET)
    # The tracer warns about shape checks in transformers' mask code; they are constant for an encoder with a
    # full attention mask, and the exported graph matches torch on padded batches (tests/integration).
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        try:
            torch.onnx.export(wrapper, dummy, str(out_path), dynamic_axes=axes, dynamo=False, **common)
        except Exception as exc:  # legacy exporter removed or failing: the dynamo exporter is the fallback
            log.warning("legacy ONNX export failed (%s); trying dynamo=True", exc)
            dims = {name: {0: torch.export.Dim("batch"), 1: torch.export.Dim("sequence")} for name in names}
            torch.onnx.export(wrapper, dummy, str(out_path), dynamic_shapes=dims, dynamo=True, **common)


def _wrap(model: Any, names: list[str]) -> Any:
    """The model with positional inputs in a fixed order and one tensor out: the ONNX graph's signature."""
    import torch

    class HiddenStateOutput(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
            return self.model(**dict(zip(names, inputs, strict=True))).last_hidden_state

    return HiddenStateOutput()


def quantize_int8(
    fp32_path: Path,
    int8_path: Path,
    *,
    op_types: Sequence[str] = DEFAULT_OP_TYPES,
    per_channel: bool = DEFAULT_PER_CHANNEL,
    nodes_to_exclude: Sequence[str] = (),
) -> None:
    """Dynamic quantization: int8 weights, activations quantized on the fly by onnxruntime."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        fp32_path,
        int8_path,
        op_types_to_quantize=list(op_types),
        per_channel=per_channel,
        weight_type=QuantType.QInt8,
        nodes_to_exclude=list(nodes_to_exclude),
    )


def node_names(onnx_path: Path, op_type: str, name_contains: str) -> list[str]:
    """Names of the graph's op_type nodes whose name contains a string, e.g. one layer's MatMuls."""
    import onnx

    graph = onnx.load(str(onnx_path), load_external_data=False).graph
    return [n.name for n in graph.node if n.op_type == op_type and name_contains in n.name]

"""analyzers/onnx_export.py without torch: cache key, cache folder, export-once and atomic writes."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from analyzers import onnx_export
from analyzers.onnx_export import INT8_FILE, cache_folder, ensure_int8_model, fingerprint, uses_token_type_ids


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "m3e-small"
    folder.mkdir()
    (folder / "config.json").write_text('{"hidden_size": 4, "type_vocab_size": 2}')
    (folder / "pytorch_model.bin").write_bytes(b"weights")
    return folder


@pytest.fixture
def exports(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Replaces torch export and quantization by file writes; records each export."""
    calls: list[Path] = []

    def fake_export(model_dir: Path, out: Path) -> None:
        calls.append(out)
        time.sleep(0.05)  # long enough for a concurrent caller to arrive while we hold the lock
        out.write_bytes(b"fp32")

    monkeypatch.setattr(onnx_export, "export_onnx", fake_export)
    monkeypatch.setattr(onnx_export, "quantize_int8", lambda src, dst: dst.write_bytes(b"int8"))
    return calls


def test_fingerprint_follows_file_contents_and_tool_versions(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = fingerprint(model_dir)
    assert fingerprint(model_dir) == before
    (model_dir / "pytorch_model.bin").write_bytes(b"other weights")
    changed = fingerprint(model_dir)
    assert changed != before
    monkeypatch.setattr(onnx_export, "_version", lambda dist: "9.9.9")
    assert fingerprint(model_dir) != changed


def test_cache_folder_is_named_after_the_model_and_its_hash(model_dir: Path, tmp_path: Path) -> None:
    folder = cache_folder(tmp_path / "cache", "m3e-small", model_dir)
    assert folder.parent == tmp_path / "cache"
    name, digest = folder.name.rsplit("-", 1)
    assert name == "m3e-small" and len(digest) == 16
    assert cache_folder(tmp_path, "/models/我的 model/", model_dir).name.startswith("model-")


def test_ensure_int8_model_exports_once(model_dir: Path, tmp_path: Path, exports: list[Path]) -> None:
    first = ensure_int8_model(model_dir, tmp_path / "cache", "m3e-small")
    assert first.name == INT8_FILE and first.read_bytes() == b"int8"
    assert ensure_int8_model(model_dir, tmp_path / "cache", "m3e-small") == first
    assert len(exports) == 1
    assert not list(first.parent.glob(".tmp-*"))  # the temporary export folder is gone
    assert (first.parent / "manifest.json").is_file()


def test_concurrent_callers_share_one_export(model_dir: Path, tmp_path: Path, exports: list[Path]) -> None:
    results: list[Path] = []
    threads = [
        threading.Thread(target=lambda: results.append(ensure_int8_model(model_dir, tmp_path, "m")))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(exports) == 1 and len(set(results)) == 1


def test_a_failed_quantization_leaves_no_model_behind(
    model_dir: Path, tmp_path: Path, exports: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(src: Path, dst: Path) -> None:
        dst.write_bytes(b"half")
        raise RuntimeError("quantizer crashed")

    monkeypatch.setattr(onnx_export, "quantize_int8", broken)
    with pytest.raises(RuntimeError, match="crashed"):
        ensure_int8_model(model_dir, tmp_path, "m")
    folder = cache_folder(tmp_path, "m", model_dir)
    assert not (folder / INT8_FILE).exists()
    assert not list(folder.glob(".tmp-*"))


def test_uses_token_type_ids_reads_the_config(model_dir: Path) -> None:
    assert uses_token_type_ids(model_dir)
    (model_dir / "config.json").write_text('{"hidden_size": 4, "type_vocab_size": 0}')
    assert not uses_token_type_ids(model_dir)

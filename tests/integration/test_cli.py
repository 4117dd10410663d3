"""The indexer CLI's answers when things are wrong: a clear message and a non-zero exit, nothing touched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CORPUS, ROOT


def _run(*args: str, url: str = "http://127.0.0.1:9") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SEARCH_ES__URL": url, "SEARCH_ES__TIMEOUT": "1", "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_elasticsearch_down_is_a_clear_error() -> None:
    result = _run("build", "--no-progress", str(CORPUS))
    assert result.returncode == 2
    assert "Elasticsearch is not reachable at http://127.0.0.1:9" in result.stderr
    assert "the live index was not touched" in result.stderr


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    result = _run("build", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert "no such file or folder" in result.stderr

"""Start the real service (gunicorn-free dev server is enough for measuring answers) on a free port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx

from analyzers.embed import load_embedder
from analyzers.segment import Segmenter
from config.settings import Settings
from indexer.pipeline import Pipeline
from store.search_store import SearchStore


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_index(settings: Settings, corpora: Sequence[Path]) -> None:
    """Bring the bench's own alias up to date with the corpora: built the first time, later only what
    changed is embedded again (the alias belongs to the bench, so deletions need no confirmation)."""
    store = SearchStore(settings.es)
    try:
        print(f"indexing {', '.join(map(str, corpora))} into {settings.es.index} ...", file=sys.stderr)
        pipeline = Pipeline(settings, store, load_embedder(settings.model), Segmenter(settings.analyzer))
        pipeline.update(list(corpora), allow_deletes=True)
    finally:
        store.close()


@contextlib.contextmanager
def running_service(
    settings: Settings,
    corpora: Sequence[Path],
    url: str | None = None,
    production: bool = False,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Yield the base URL of a service over the indexed corpus (the given one, or a fresh subprocess).
    Rate limiting is off unless `env` (extra service settings) says otherwise."""
    if url:
        yield url.rstrip("/")
        return
    ensure_index(settings, corpora)
    with serving(settings, production=production, env=env) as base:
        yield base


@contextlib.contextmanager
def serving(
    settings: Settings, port: int | None = None, production: bool = False, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Yield the base URL of a service subprocess over the settings' node and alias, as they are; `env`:
    extra service settings (the per-client limits are off unless it says otherwise)."""
    port = port or free_port()
    cmd = [sys.executable, "-m", "service", "--port", str(port)] + (["--production"] if production else [])
    full_env = {
        **os.environ,
        "SEARCH_ES__URL": settings.es.url,
        "SEARCH_ES__INDEX": settings.es.index,
        "SEARCH_SERVICE__RATE_LIMIT_PER_MINUTE": "0",
        "SEARCH_SERVICE__EMBED_SEGMENTS_PER_MINUTE": "0",  # an eval sends more drafts than one client may
        **(env or {}),
    }
    proc = subprocess.Popen(cmd, env=full_env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"service exited with code {proc.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"service at {base} not ready after {timeout}s")

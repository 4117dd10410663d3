"""The sample corpus indexed once per session with the real model, and `python -m service` on a free port.

Under REQUIRE_ES=1 (CI) a missing Elasticsearch node is a failure; elsewhere the e2e layer is skipped.
E2E_REUSE_ALIAS=<alias> reuses an index built earlier (and keeps it): a quick loop while writing tests.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from elasticsearch import Elasticsearch
from werkzeug.serving import make_server

from analyzers.embed import load_embedder
from analyzers.segment import Segmenter
from config.settings import EsSettings, Settings
from indexer.pipeline import Pipeline, Report
from service.app import create_app
from store.search_store import SearchStore
from tests.conftest import CORPUS, ROOT, es_url
from tests.fakes import FakeEmbedder

CORPUS_DOCUMENTS = 63
ERROR_KEYS = {"ok", "status", "error", "message"}


def unavailable(reason: str) -> None:
    """Skip on a developer machine, fail in CI (REQUIRE_ES=1), like the integration layer."""
    if os.environ.get("REQUIRE_ES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def assert_error_shape(response: httpx.Response | Any, status: int) -> dict[str, object]:
    """The one error shape: {"ok": false, "status", "error", "message"}, status equal to the HTTP status.

    Takes an httpx response or a schemathesis one (whose header values are lists)."""
    assert response.status_code == status, response.text[:500]
    content_type = response.headers.get("content-type") or response.headers.get("Content-Type")
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    assert content_type and content_type.startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == ERROR_KEYS, body
    assert body["ok"] is False and body["status"] == status, body
    assert isinstance(body["error"], str) and body["error"].replace("_", "").isalpha(), body
    assert body["error"] == body["error"].lower(), body
    assert isinstance(body["message"], str) and body["message"], body
    return body


@contextlib.contextmanager
def running_service(
    alias: str,
    log_path: Path,
    es: str | None = None,
    env: dict[str, str] | None = None,
    ready: tuple[int, ...] = (200,),
    production: bool = False,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`python -m service` on a free port over `alias`; yields (base URL, process) once /healthz answers
    with a status in `ready` (200; or 503 for a service meant to be degraded). `production`: under gunicorn
    (`--production`: its workers, its request limits, its listeners)."""
    port = free_port()
    full_env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "SEARCH_ES__URL": es or es_url(),
        "SEARCH_ES__INDEX": alias,
        "SEARCH_SERVICE__RATE_LIMIT_PER_MINUTE": "0",
        **(env or {}),
    }
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "service", "--port", str(port), *(["--production"] if production else [])],
            cwd=ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, log_path, ready)
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_healthy(
    base: str,
    proc: subprocess.Popen[bytes],
    log_path: Path,
    ready: tuple[int, ...] = (200,),
    timeout: float = 120,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"service exited with {proc.returncode}:\n{_tail(log_path)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/healthz", timeout=2).status_code in ready:
                return
        time.sleep(0.3)
    raise RuntimeError(f"service at {base} not healthy after {timeout:.0f}s:\n{_tail(log_path)}")


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def build_with_fake_embedder(settings: Settings, paths: Sequence[Path]) -> Report:
    """Index `paths` under settings.es.index with the FakeEmbedder (deterministic vectors): for tests of
    what the model does not decide (paging, faults), in a minute where the real model takes six."""
    store = SearchStore(settings.es)
    try:
        return Pipeline(settings, store, FakeEmbedder(), Segmenter(settings.analyzer)).build(paths)
    finally:
        store.close()


@contextlib.contextmanager
def in_process_service(settings: Settings) -> Iterator[str]:
    """The service (threaded werkzeug) in this process on a free loopback port, with the FakeEmbedder an
    index of build_with_fake_embedder was built with; yields its base URL."""
    server = make_server(
        "127.0.0.1", free_port(), create_app(settings, embedder=FakeEmbedder()), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def delete_indices(es: Elasticsearch, alias: str) -> None:
    """Every index behind `alias`, by name: the node refuses wildcard deletes
    (action.destructive_requires_name), and an ignored 400 would leak the indices."""
    names = list(es.options(ignore_status=[404]).indices.get(index=f"{alias}*", expand_wildcards="all"))
    names = [n for n in names if n not in ("error", "status")]  # a 404 answers with an error body
    if names:
        es.indices.delete(index=",".join(names))


@pytest.fixture(scope="session")
def e2e_alias() -> Iterator[str]:
    """The 63-document sample corpus indexed with the real model into a fresh alias (deleted afterwards)."""
    if os.environ.get("SEARCH_E2E_ALIAS"):
        yield os.environ["SEARCH_E2E_ALIAS"]
        return
    es = Elasticsearch(es_url(), request_timeout=30)
    try:
        es.cluster.health(wait_for_status="yellow", timeout="30s")
    except Exception as exc:  # any failure to reach the node means "no ES here"
        es.close()
        unavailable(f"no Elasticsearch at {es_url()}: {exc}")
    reused = os.environ.get("E2E_REUSE_ALIAS")
    if reused:
        es.close()
        yield reused
        return
    alias = f"test_e2e_{uuid.uuid4().hex}"
    settings = Settings(es=EsSettings(url=es_url(), index=alias))
    store = SearchStore(settings.es)
    try:
        embedder = load_embedder(settings.model)
        report = Pipeline(settings, store, embedder, Segmenter(settings.analyzer)).build([CORPUS])
        assert report.documents == CORPUS_DOCUMENTS, report
        yield alias
    finally:
        store.close()
        delete_indices(es, alias)
        es.close()


@pytest.fixture(scope="session")
def service_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the real service over the e2e index (rate limiting off).

    SEARCH_E2E_URL + SEARCH_E2E_ALIAS reuse a service you started over the corpus (a quicker loop).
    """
    given = os.environ.get("SEARCH_E2E_URL")
    if given:
        yield given.rstrip("/")
        return
    alias = request.getfixturevalue("e2e_alias")
    log_path = tmp_path_factory.mktemp("service") / "service.log"
    with running_service(alias, log_path) as (base, _):
        yield base


@pytest.fixture(scope="session")
def http(service_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=service_url, timeout=60) as client:
        yield client

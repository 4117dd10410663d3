"""Elasticsearch stops under a running service, then comes back: fast 503s, no pile-up, recovery without
a restart. Uses its own throwaway node (es/es.sh with its own ES_HOME and ports), never the shared one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import assert_error_shape, free_port, running_service, unavailable

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FAST = 1.0  # seconds: a stopped backend must not make callers wait
NOTICES = {
    "a.txt": "关于加强古树名木保护工作的通知\n各有关部门：\n要高度重视古树名木保护，落实管护责任，确保古树名木安全。\n",
    "b.txt": "关于做好防汛抗旱工作的通知\n各镇人民政府：\n汛期将至，各单位要做好防汛抗旱准备，加强值班值守。\n",
    "c.txt": "关于开展养老服务质量提升行动的通知\n各有关单位：\n要提升养老服务质量，完善居家养老服务网络。\n",
}


@dataclass
class Node:
    url: str
    home: Path
    run: Callable[[str], None]


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    """A node of our own; the launcher built for the shared node is reused so Maven is not needed."""
    if not shutil.which("java"):
        unavailable("java is not installed: cannot start a local Elasticsearch node")
    home = tmp_path / "es"
    shared_build = ROOT / "var" / "es" / "build"
    if (shared_build / "stamp").is_file() and (shared_build / "classpath.txt").is_file():
        shutil.copytree(shared_build, home / "build", ignore=shutil.ignore_patterns("mvn.log"))
    port = free_port()
    env = {
        **os.environ,
        "ES_HOME": str(home),
        "ES_PORT": str(port),
        "ES_TRANSPORT_PORT": str(free_port()),
        "ES_HEAP": "512m",
    }

    def run(command: str) -> None:
        done = subprocess.run(
            [str(ROOT / "es" / "es.sh"), command], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"es.sh {command}: {done.stdout}\n{done.stderr}"

    try:
        try:
            run("up")
        except AssertionError as exc:
            unavailable(f"could not start a throwaway Elasticsearch node: {exc}")
        yield Node(f"http://127.0.0.1:{port}", home, run)
    finally:
        run("down")


def index_notices(node: Node, alias: str, folder: Path) -> None:
    folder.mkdir()
    for name, text in NOTICES.items():
        (folder / name).write_text(text, encoding="utf-8")
    env = {**os.environ, "SEARCH_ES__URL": node.url, "SEARCH_ES__INDEX": alias, "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "indexer", "build", "--no-progress", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "documents written 3" in done.stdout, done.stdout


def timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    t0 = time.perf_counter()
    response = call()
    return response, time.perf_counter() - t0


def test_backend_stops_and_comes_back(node: Node, tmp_path: Path) -> None:
    alias = f"test_faults_{uuid.uuid4().hex[:12]}"
    index_notices(node, alias, tmp_path / "notices")
    with (
        running_service(alias, tmp_path / "service.log", es=node.url) as (base, proc),
        httpx.Client(base_url=base, timeout=30) as http,
    ):
        ok = http.get("/api/search", params={"q": "古树名木"})
        assert ok.status_code == 200 and "古树" in ok.json()["hits"][0]["title"]

        node.run("down")

        for mode in ("hybrid", "keyword", "semantic"):
            response, seconds = timed(lambda m=mode: http.get("/api/search", params={"q": "古树", "mode": m}))  # type: ignore[misc]
            assert assert_error_shape(response, 503)["error"] == "unavailable"
            assert int(response.headers["Retry-After"]) > 0
            assert seconds < FAST, f"{mode} search took {seconds:.2f}s to fail"
        health, seconds = timed(lambda: http.get("/healthz"))
        assert health.status_code == 503 and health.json()["status"] == "degraded"
        assert seconds < FAST, f"/healthz took {seconds:.2f}s"

        def one(i: int) -> tuple[int, float]:
            path, params = [
                ("/api/search", {"q": f"古树{i}"}),
                ("/api/suggest", {"q": "古树"}),
                ("/healthz", {}),
            ][i % 3]
            response, seconds = timed(lambda: httpx.get(base + path, params=params, timeout=30))
            return response.status_code, seconds

        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(one, range(24)))
        wall = time.perf_counter() - t0
        assert {status for status, _ in answers} == {503}
        slowest = max(seconds for _, seconds in answers)
        assert slowest < 1.5 * FAST and wall < 3 * FAST, f"pile-up: slowest {slowest:.2f}s, all {wall:.2f}s"

        node.run("up")  # same ES_HOME: the index is still there

        deadline = time.monotonic() + 60
        status = 0
        while time.monotonic() < deadline and status != 200:
            status = http.get("/api/search", params={"q": "古树名木"}).status_code
            assert status in (200, 503), status
            time.sleep(0.5)
        assert status == 200, "the service did not recover after Elasticsearch came back"
        assert http.get("/healthz").json() == {"ok": True, "status": "ok"}
        assert proc.poll() is None  # the same process throughout

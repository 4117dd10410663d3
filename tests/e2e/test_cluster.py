"""Fault tests on a real 3-node cluster (3 shards, 1 replica, the sample corpus): a node SIGKILLed and
restarted under query load, a rebuild with the alias swap under load, the indexer killed mid-build.

Ranking is not under test, so the corpus is embedded with the FakeEmbedder (the service in this process
uses the same one) and the load needs no model; the killed build runs the real CLI. The cluster is our
own (es/es.sh with its own ES_HOME and ports, heaps of 384m), never the shared node."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from elasticsearch import Elasticsearch

from config.settings import EsSettings, ServiceSettings, Settings
from store.search_store import SearchStore
from tests.conftest import CORPUS, ROOT
from tests.e2e.cluster import MODES, Cluster, Load, exact, result_of, same, search_params, table
from tests.e2e.conftest import (
    CORPUS_DOCUMENTS,
    build_with_fake_embedder,
    delete_indices,
    in_process_service,
    unavailable,
)
from tests.integration.test_kill_rerun import killed_build_then_rerun

pytestmark = [pytest.mark.e2e, pytest.mark.cluster, pytest.mark.slow]

TEXTS = [json.loads(line)["query"] for line in (ROOT / "bench" / "dev_queries.jsonl").open()][:12]
QUERIES = [f"{mode} {text}" for text in TEXTS for mode in MODES]
QUORUM = 2  # of 3 master-eligible nodes


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not shutil.which("java"):
        unavailable("java is not installed: cannot start local Elasticsearch nodes")
    cluster = Cluster.create(tmp_path_factory.mktemp("cluster"))
    try:
        try:
            cluster.run("up")
        except RuntimeError as exc:
            unavailable(f"could not start a throwaway 3-node cluster: {exc}")
        yield cluster
    finally:
        cluster.run("down")


@pytest.fixture(scope="module")
def settings(cluster: Cluster) -> Iterator[Settings]:
    """The sample corpus in 3 shards with 1 replica each, under a fresh alias."""
    alias = f"test_cluster_{uuid.uuid4().hex[:12]}"
    settings = Settings(
        es=EsSettings(url=cluster.url, index=alias, shards=3, replicas=1),
        # The deadline is what a loaded 2-core CI host needs for three nodes on small heaps, not a product
        # setting: these tests count failed searches through faults, and a slow first search is not one.
        service=ServiceSettings(rate_limit_per_minute=0, log_json=False, request_deadline_seconds=15),
    )
    report = build_with_fake_embedder(settings, [CORPUS])
    assert report.documents == CORPUS_DOCUMENTS, report
    cluster.wait_green()
    yield settings
    es = Elasticsearch(cluster.urls, request_timeout=30)
    delete_indices(es, alias)
    es.close()


@pytest.fixture(scope="module")
def service(settings: Settings) -> Iterator[str]:
    """The service in this process, on loopback, over the cluster."""
    with in_process_service(settings) as base:
        yield base


def baseline(service: str) -> dict[str, tuple[int, tuple[str, ...]] | None]:
    """Every query's answer now; the keyword answers are the ones that must not change (cluster.MODES)."""
    answers = {
        q: result_of(httpx.get(f"{service}/api/search", params=search_params(q), timeout=30)) for q in QUERIES
    }
    assert all(answers.values()), answers
    return {q: a for q, a in answers.items() if exact(q)}


def test_node_killed_and_restarted_under_load(cluster: Cluster, service: str) -> None:
    expected = baseline(service)
    with Load(service, QUERIES) as load:
        load.during("before", 5)
        cluster.kill(2)
        load.during("node 2 killed", 8)
        load.phase = "node 2 restarting"
        cluster.run("up")  # starts only the missing node; returns once 3 nodes are in and health is yellow
        cluster.wait_green()  # its replicas recovered
        load.during("after", 5)
    print("\n" + table("SIGKILL of one of 3 nodes under load", load.answers, PHASES_KILL))
    # With 2 of 3 nodes up the cluster keeps its quorum, so no answer may be a 503 either.
    assert QUORUM <= 2
    failed = [a for a in load.answers if a.status != 200]
    assert not failed, failed[:5]
    changed = [a for a in load.answers if exact(a.query) and not same(a.result, expected[a.query])]
    assert not changed, [(a, "expected", expected[a.query]) for a in changed[:5]]
    assert {a.phase for a in load.answers} == set(PHASES_KILL)
    after = baseline(service)
    assert all(same(after[q], expected[q]) for q in expected), after


PHASES_KILL = ["before", "node 2 killed", "node 2 restarting", "after"]


def test_rebuild_and_alias_swap_under_load(cluster: Cluster, settings: Settings, service: str) -> None:
    expected = baseline(service)
    store = SearchStore(settings.es)
    old = store.live_index()
    with Load(service, QUERIES) as load:
        load.during("before", 3)
        load.phase = "rebuild + swap"
        report = build_with_fake_embedder(settings, [CORPUS])
        load.during("after", 3)
    print(
        "\n"
        + table("Rebuild with alias swap under load", load.answers, ["before", "rebuild + swap", "after"])
    )
    assert store.live_index() == report.index != old  # type: ignore[attr-defined]
    store.close()
    failed = [a for a in load.answers if a.status != 200]
    assert not failed, failed[:5]
    # A partial index would answer with fewer hits or other documents.
    changed = [a for a in load.answers if exact(a.query) and not same(a.result, expected[a.query])]
    assert not changed, [(a, "expected", expected[a.query]) for a in changed[:5]]


def test_indexer_killed_mid_build_on_the_cluster(cluster: Cluster, tmp_path: Path) -> None:
    alias = f"test_cluster_kill_{uuid.uuid4().hex[:12]}"
    es = Elasticsearch(cluster.urls, request_timeout=30)
    env = {"SEARCH_ES__URL": cluster.url, "SEARCH_ES__SHARDS": "3", "SEARCH_ES__REPLICAS": "1"}
    try:
        killed_build_then_rerun(es, alias, tmp_path, env)
    finally:
        delete_indices(es, alias)
        es.close()

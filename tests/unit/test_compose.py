"""docker-compose.yml and docker-compose.cluster.yml cannot run here (no Docker engine): parse it and check how it is wired."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_services_and_healthchecks() -> None:
    services = _compose()["services"]
    assert set(services) == {"elasticsearch", "indexer", "service"}
    assert services["elasticsearch"]["image"].split(":")[1].startswith("8.")
    assert "discovery.type=single-node" in services["elasticsearch"]["environment"]
    for name in ("elasticsearch", "service"):
        assert services[name]["healthcheck"]["test"], name
        assert services[name]["mem_limit"]


def test_ports_are_loopback_only() -> None:
    services = _compose()["services"]
    assert services["elasticsearch"]["ports"] == ["127.0.0.1:9200:9200"]
    assert services["service"]["ports"] == ["127.0.0.1:8000:8000"]


def test_startup_order_waits_for_health_and_the_indexer() -> None:
    services = _compose()["services"]
    assert services["indexer"]["depends_on"] == {"elasticsearch": {"condition": "service_healthy"}}
    assert services["service"]["depends_on"] == {
        "elasticsearch": {"condition": "service_healthy"},
        "indexer": {"condition": "service_completed_successfully"},
    }
    assert "esdata" in _compose()["volumes"]


def test_images_are_built_from_the_repo_dockerfile() -> None:
    services = _compose()["services"]
    assert services["service"]["build"] == {"context": ".", "target": "service"}
    assert services["indexer"]["build"] == {"context": ".", "target": "indexer"}
    assert (ROOT / "Dockerfile").read_text(encoding="utf-8").startswith("#")


def _cluster() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.cluster.yml").read_text(encoding="utf-8"))


def test_cluster_has_three_nodes_that_find_each_other() -> None:
    services = _cluster()["services"]
    nodes = [n for n in services if n.startswith("es")]
    assert nodes == ["es01", "es02", "es03"]
    for name in nodes:
        env = services[name]["environment"]
        assert env["node.name"] == name
        assert env["discovery.seed_hosts"].split(",") == nodes
        assert env["cluster.initial_master_nodes"].split(",") == nodes
        assert "discovery.type" not in env
        assert services[name]["healthcheck"]["test"] and services[name]["mem_limit"]
        assert "ports" not in services[name]  # only the proxy is published
    assert _cluster()["volumes"].keys() >= {"es01", "es02", "es03", "models"}


def test_cluster_clients_list_every_node_and_replicate() -> None:
    services = _cluster()["services"]
    for name in ("indexer", "service"):
        env = services[name]["environment"]
        assert env["SEARCH_ES__URL"].split(",") == [f"http://es0{i}:9200" for i in (1, 2, 3)]
        assert (env["SEARCH_ES__SHARDS"], env["SEARCH_ES__REPLICAS"]) == ("3", "1")


def test_cluster_service_is_lean_replicated_and_behind_the_proxy() -> None:
    services = _cluster()["services"]
    service = services["service"]
    assert service["deploy"]["replicas"] >= 2 and "ports" not in service
    assert service["build"] == {"context": ".", "target": "service"}
    assert service["environment"]["SEARCH_MODEL__ONNX_PATH"].endswith("model.int8.onnx")
    assert services["indexer"]["build"] == {"context": ".", "target": "indexer"}
    assert services["proxy"]["ports"] == ["127.0.0.1:8000:80"]
    assert "proxy_pass http://search" in _cluster()["configs"]["proxy"]["content"]


def test_service_image_has_no_torch() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    service_stage = dockerfile.split("AS service", 1)[1]
    assert "'.[serve]'" in service_stage and "index" not in service_stage

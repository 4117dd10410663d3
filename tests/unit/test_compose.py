"""docker-compose.yml cannot run here (no Docker engine): parse it and check how it is wired."""

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
    assert services["service"]["build"] == "." and services["indexer"]["build"] == "."
    assert (ROOT / "Dockerfile").read_text(encoding="utf-8").startswith("#")

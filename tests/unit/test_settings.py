"""config/settings.py: defaults, env overrides, immutability, and .env.example kept complete."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _all_env_names() -> set[str]:
    names = set()
    for section_name, section in Settings.model_fields.items():
        assert section.annotation is not None
        for key in section.annotation.model_fields:  # type: ignore[union-attr]
            names.add(f"SEARCH_{section_name.upper()}__{key.upper()}")
    return names


def test_env_overrides_nested_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEARCH_ES__URL", "http://127.0.0.1:9299")
    monkeypatch.setenv("SEARCH_SERVICE__PORT", "8123")
    s = Settings()
    assert s.es.url == "http://127.0.0.1:9299"
    assert s.service.port == 8123


def test_settings_are_frozen() -> None:
    s = Settings()
    with pytest.raises(ValidationError):
        s.es.url = "x"  # type: ignore[misc]


def test_bad_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEARCH_MODEL__BACKEND", "tpu")
    with pytest.raises(ValidationError, match="backend"):
        Settings()


def test_env_example_lists_every_setting() -> None:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    documented = {ln.split("=", 1)[0] for ln in lines if ln and not ln.startswith("#")}
    assert documented == _all_env_names()


def test_readme_configuration_reference_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration reference", 1)[1].split("\n## ", 1)[0]
    documented = {cell.strip("` ") for cell in table.split("|") if cell.strip().startswith("`SEARCH_")}
    assert documented == _all_env_names()


def test_es_url_takes_a_list_of_nodes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEARCH_ES__URL", "http://127.0.0.1:9200, http://127.0.0.1:9201,http://127.0.0.1:9202")
    s = Settings()
    assert s.es.urls == ["http://127.0.0.1:9200", "http://127.0.0.1:9201", "http://127.0.0.1:9202"]
    assert Settings().model.backend  # other sections untouched


def test_es_url_rejects_a_node_without_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEARCH_ES__URL", "http://127.0.0.1:9200,127.0.0.1:9201")
    with pytest.raises(ValidationError, match="127.0.0.1:9201"):
        Settings()

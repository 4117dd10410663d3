"""Shared fixtures: settings built in code (never from the developer's environment)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from config.settings import EsSettings, Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "corpus"
LAWS = ROOT / "data" / "corpus-laws"

# The packaged model must never be fetched from a hub, in tests either.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def es_url() -> str:
    return os.environ.get("SEARCH_ES__URL", EsSettings().url)


@pytest.fixture
def settings() -> Settings:
    return Settings(es=EsSettings(url=es_url()))

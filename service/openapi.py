"""The OpenAPI 3 description of the JSON API, served at /openapi.json (the contract scripts rely on).

The description is data: `openapi.json` beside this module, shipped as package data. Every operation lists
405, 500 and 502 (a method the path lacks, an unexpected failure, a refusing backend); a unit test holds the
file to the routes the app serves."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any


@functools.cache
def _text() -> str:
    return resources.files(__package__).joinpath("openapi.json").read_text(encoding="utf-8")


def spec() -> dict[str, Any]:
    """A fresh copy on each call, so that no caller can change what the next one is served."""
    return json.loads(_text())  # type: ignore[no-any-return]

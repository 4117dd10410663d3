"""service/__main__.py: the JSON log formatter writes an access line's fields once, as keys."""

from __future__ import annotations

import json
import logging

from service.__main__ import JsonFormatter


def _record(name: str, msg: str, args: tuple[object, ...] = (), **extra: object) -> logging.LogRecord:
    record = logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)
    record.__dict__.update(extra)
    return record


def test_access_fields_become_keys() -> None:
    fields = {"path": "/api/search", "status": 200, "ms": 3.5}
    line = json.loads(JsonFormatter().format(_record("service.access", "%s", ("ignored",), access=fields)))
    assert {k: line[k] for k in fields} == fields
    assert "message" not in line and line["logger"] == "service.access"


def test_other_lines_carry_their_message() -> None:
    line = json.loads(JsonFormatter().format(_record("search", "loaded %d", (3,))))
    assert line["message"] == "loaded 3" and line["level"] == "INFO"

"""service/__main__.py: the JSON log formatter writes an access line's fields once, as keys; gunicorn's
listeners."""

from __future__ import annotations

import gc
import json
import logging
import socket
from types import SimpleNamespace

import pytest

from service.__main__ import JsonFormatter, gunicorn_options, port_in_use, ready_worker, run_gunicorn


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


def test_workers_get_their_own_listeners_but_never_share_a_port_with_another_service() -> None:
    assert gunicorn_options("127.0.0.1", 8520)["reuse_port"] is True
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # as a running gunicorn worker's
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert port_in_use("127.0.0.1", port)
    assert not port_in_use("127.0.0.1", port)


def test_only_a_listener_counts_as_in_use() -> None:
    """Bracketed IPv6 hosts, hosts that do not resolve and addresses that cannot be bound do not raise here:
    gunicorn reports those itself."""
    assert port_in_use("[::1]", 0) is False
    assert port_in_use("no-such-host.invalid", 8520) is False


def test_the_operations_port_cannot_be_the_public_one() -> None:
    with pytest.raises(SystemExit, match="must differ"):
        run_gunicorn("127.0.0.1", 8520, 8520)


def test_a_ready_worker_has_warmed_up_and_frozen_what_it_loaded() -> None:
    warmed: list[bool] = []
    loaded = {"dictionary": ["古树", "名木"]}  # what a worker holds before its first request
    worker = SimpleNamespace(
        wsgi=SimpleNamespace(extensions={"searcher": SimpleNamespace(warm_up=lambda: warmed.append(True))})
    )
    try:
        ready_worker(worker)
        assert warmed == [True]
        assert not any(o is loaded or o is loaded["dictionary"] for o in gc.get_objects())  # frozen
    finally:
        gc.unfreeze()

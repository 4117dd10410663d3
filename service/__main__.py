"""python -m service [--production] [--host H] [--port P]: the dev server, or gunicorn for production."""

from __future__ import annotations

import argparse
import errno
import gc
import json
import logging
import os
import socket
import sys
import time
from typing import Any

from config.settings import load_settings


class JsonFormatter(logging.Formatter):
    """One JSON object per line; an access line's fields (service.app's `extra={"access": ...}`) become keys."""

    def format(self, record: logging.LogRecord) -> str:
        access = record.__dict__.get("access")
        payload = access if isinstance(access, dict) else {"message": record.getMessage()}
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
            "level": record.levelname,
            "logger": record.name,
            **payload,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(json_logs: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if json_logs else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.getLogger("elastic_transport").setLevel(logging.WARNING)


def gunicorn_options(host: str, port: int, ops_port: int = 0) -> dict[str, object]:
    """Workers and threads from the cores: threads overlap Elasticsearch waits; the model is per worker.
    With an ops port, a second listener on loopback serves the private operations views (service.api)."""
    cores = os.cpu_count() or 1
    return {
        "bind": [f"{host}:{port}"] + ([f"127.0.0.1:{ops_port}"] if ops_port else []),
        "workers": max(2, cores),
        "threads": 4,
        "worker_class": "gthread",
        "timeout": 30,  # a worker stuck longer than this is restarted
        "graceful_timeout": 20,  # SIGHUP / SIGTERM let requests in flight finish
        "keepalive": 5,
        # Each worker listens on its own socket and the kernel deals new connections out among them. On one
        # shared socket the first worker to wake took most of a burst of connections: 8 keep-alive
        # clients ran hybrid at ~100 req/s, against 128-135 when dealt out (docs/benchmarks.md). The
        # port is checked free first (port_in_use): SO_REUSEPORT would otherwise share it with a
        # second copy of the service instead of failing.
        "reuse_port": True,
        "backlog": 256,
        # Request lines up to 8 KB (gunicorn's default is 4 KB and answers 414 in HTML before the app sees
        # it): a query string with q and filters at their limits fits, and the app answers in JSON. Header
        # limits stay gunicorn's (100 fields of 8 KB each: 431/400 in plain HTML, README Operations).
        "limit_request_line": 8190,
        "accesslog": None,  # the app writes structured access logs itself
        "preload_app": False,  # the model is loaded once per worker, after the fork
    }


def port_in_use(host: str, port: int) -> bool:
    """Whether something listens on host:port already (a plain bind fails beside any listener, also one
    that set SO_REUSEPORT). Other bind failures (an address not on this machine, a privileged port) are
    left for gunicorn to report."""
    try:
        addresses = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except OSError:
        return False
    for family, kind, proto, _, address in addresses:
        try:
            with socket.socket(family, kind, proto) as probe:
                # Connections left in TIME_WAIT are no listener.
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
    return False


def ready_worker(worker: Any) -> None:
    """A worker's app loaded: the model and the dictionary loaded before the first request, then what is
    loaded so far (~84k long-lived objects: the app, the dictionary, the model's session) put out of the
    garbage collector's sight, which would otherwise walk them again on every full collection (collection
    per keyword request 0.08 -> 0.03 ms, docs/benchmarks.md)."""
    worker.wsgi.extensions["searcher"].warm_up()
    gc.freeze()


def run_gunicorn(host: str, port: int, ops_port: int = 0) -> None:
    from gunicorn.app.base import BaseApplication

    if ops_port == port:  # with SO_REUSEPORT both binds would succeed and every request look private
        sys.exit(f"service: the operations port must differ from the public port ({port})")
    for p in (port, ops_port):
        if p and port_in_use(host if p == port else "127.0.0.1", p):
            sys.exit(f"service: port {p} is in use (another copy of the service?)")

    from service.app import create_app

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in gunicorn_options(host, port, ops_port).items():
                self.cfg.set(key, value)
            self.cfg.set("post_worker_init", ready_worker)

        def load(self) -> object:
            return create_app()

    Server().run()


def main() -> None:
    settings = load_settings()
    parser = argparse.ArgumentParser(prog="python -m service", description=__doc__)
    parser.add_argument("--host", default=settings.service.host)
    parser.add_argument("--port", type=int, default=settings.service.port)
    parser.add_argument("--production", action="store_true", help="gunicorn with workers and threads")
    args = parser.parse_args()
    configure_logging(settings.service.log_json)
    if args.production:
        run_gunicorn(args.host, args.port, settings.service.ops_port)
        return
    from service.app import create_app

    app = create_app(settings)
    app.extensions["searcher"].warm_up()
    app.run(host=args.host, port=args.port, threaded=True)


if __name__ == "__main__":
    main()

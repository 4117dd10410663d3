"""create_app(): wiring only (settings, store, model, analyzers, blueprints, request hooks)."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, Response, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from config.settings import Settings, load_settings
from search.searcher import Embedder, Segmenter, build_searcher
from service import api, web
from service.errors import RateLimited, register_error_handlers
from service.limits import EmbedSlots, RateLimiter, RefuseWaitingClients
from service.metrics import Metrics
from service.responses import OrjsonProvider
from store import deadline
from store.search_store import SearchStore

access_log = logging.getLogger("service.access")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
UNLIMITED_PATHS = ("/healthz", "/metrics", "/assets/", "/openapi.json")
# JSON and text answers load nothing and are never framed.
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
DATA_HEADERS = {
    "Content-Security-Policy": DATA_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(
    settings: Settings | None = None,
    store: SearchStore | None = None,
    embedder: Embedder | None = None,
    segmenter: Segmenter | None = None,
) -> Flask:
    settings = settings or load_settings()
    store = store or SearchStore(settings.es)
    # The model runs on embed_threads per worker: gunicorn runs a worker per core, so more threads would only
    # let one worker's drafts take the cores its neighbours' searches need.
    model = settings.model.model_copy(update={"threads": settings.service.embed_threads})
    searcher = build_searcher(settings.model_copy(update={"model": model}), store, embedder, segmenter)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.service.max_body_bytes
    app.json = OrjsonProvider(app)  # UTF-8, never \u-escaped
    app.extensions.update(
        settings=settings,
        store=store,
        searcher=searcher,
        metrics=Metrics(),
        limiter=RateLimiter(settings.service.rate_limit_per_minute),
        embed_budget=RateLimiter(settings.service.embed_segments_per_minute),
        # Services of one index on one machine share the slots (gunicorn's workers, a second instance).
        embed_slots=EmbedSlots(settings.service.max_concurrent_embeddings, settings.es.index),
    )
    # Innermost, so that behind trusted proxies it sees the client's address as ProxyFix sets it.
    app.wsgi_app = RefuseWaitingClients(  # type: ignore[method-assign]
        app.wsgi_app,
        app.extensions["limiter"],
        app.extensions["embed_budget"],
        app.extensions["metrics"],
        DATA_HEADERS,
    )
    if settings.service.trusted_proxies:
        # The client address (what the limits key on) from X-Forwarded-For, as many hops as there are proxies.
        hops = settings.service.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    app.register_blueprint(api.bp)
    app.register_blueprint(web.bp)
    register_error_handlers(app, web.render_error)
    app.before_request(_before)
    app.after_request(_after)
    app.teardown_request(_teardown)
    return app


def _before() -> None:
    g.started = time.perf_counter()
    sent = request.headers.get("X-Request-ID", "")
    g.request_id = sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex
    g.deadline = deadline.start(current_app.extensions["settings"].service.request_deadline_seconds)
    if request.path.startswith(UNLIMITED_PATHS):
        return
    allowed, wait = current_app.extensions["limiter"].allow(request.remote_addr or "-")
    if not allowed:
        raise RateLimited(
            "too many requests from this client; slow down", {"Retry-After": str(max(1, round(wait)))}
        )


def _teardown(_: BaseException | None) -> None:
    token = g.pop("deadline", None)
    if token is not None:
        deadline.clear(token)


class _AsJson:
    """Serialised only when a plain-text handler formats the record."""

    def __init__(self, fields: dict[str, object]) -> None:
        self.fields = fields

    def __str__(self) -> str:
        return json.dumps(self.fields, ensure_ascii=False)


def _security_headers(response: Response) -> None:
    """On every answer of the app, errors and unmatched paths included: pages and their assets get the
    pages' policy, everything else (JSON, metrics) one that allows nothing."""
    page = response.mimetype == "text/html" or request.path.startswith("/assets/")
    response.headers.update(DATA_HEADERS)
    if page:
        response.headers["Content-Security-Policy"] = web.CSP


def _after(response: Response) -> Response:
    settings: Settings = current_app.extensions["settings"]
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    response.headers["X-Request-ID"] = g.get("request_id", "-")
    timing = g.get("timing")
    if timing:
        response.headers["Server-Timing"] = (
            f"embed;dur={timing['embed_ms']}, es;dur={timing['es_ms']}, total;dur={timing['total_ms']}"
        )
    if settings.service.cors_origins and request.path.startswith("/api/"):
        origins = [o.strip() for o in settings.service.cors_origins.split(",")]
        if request.headers.get("Origin") in origins:
            response.headers["Access-Control-Allow-Origin"] = request.headers["Origin"]
            response.headers["Vary"] = "Origin"
    _security_headers(response)
    endpoint = request.url_rule.rule if request.url_rule else "unmatched"
    mode = g.get("mode", "-")
    current_app.extensions["metrics"].observe(endpoint, mode, response.status_code, seconds)
    fields = {
        "request_id": g.get("request_id"),
        "method": request.method,
        "path": request.path,
        "endpoint": endpoint,
        "mode": mode,
        "status": response.status_code,
        "ms": round(seconds * 1000, 1),
        "client": request.remote_addr,
    }
    # The fields ride along as they are (the JSON formatter writes them out once); plain logs show them as JSON.
    access_log.info("%s", _AsJson(fields), extra={"access": fields})
    return response

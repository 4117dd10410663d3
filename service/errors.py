"""The one JSON error shape of the API, and the handlers that produce it (nothing else builds error JSON)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from store.errors import (
    DeadlineExceeded,
    IndexNotFound,
    LockHeld,
    ModelMismatch,
    StoreError,
    StoreUnavailable,
)

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class ApiError(Exception):
    """An error with an HTTP status, a stable snake_case code and a message for people."""

    status = 500
    code = "internal"

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class InvalidParameter(ApiError):
    status, code = 400, "invalid_parameter"

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param  # the request argument at fault, when there is one


class NotFound(ApiError):
    status, code = 404, "not_found"


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"


class RateLimited(ApiError):
    status, code = 429, "rate_limited"


class Forbidden(ApiError):
    status, code = 403, "forbidden"


class Busy(ApiError):
    status, code = 503, "busy"


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    return {"ok": False, "status": status, "error": code, "message": message}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    response = jsonify(error_body(status, code, message))
    response.status_code = status
    response.headers.update(headers or {})
    return response


def _is_api_request() -> bool:
    """Pages render their own HTML errors; everything else answers in the JSON shape."""
    path = request.path
    return not (path == "/" or path.startswith(("/search", "/documents/", "/similar", "/assets/")))


def _http_code(exc: HTTPException) -> str:
    names = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large", 400: "bad_request"}
    return names.get(exc.code or 500, (exc.name or "error").lower().replace(" ", "_"))


def _count_backend_error(kind: str) -> None:
    """Feeds the Prometheus counter of Elasticsearch failures (alerts watch it, not the logs)."""
    metrics = current_app.extensions.get("metrics")
    if metrics is not None:
        metrics.es_errors.labels(kind).inc()


PageError = Callable[[Exception], tuple[str, int, dict[str, str]]]


def register_error_handlers(app: Flask, page_error: PageError) -> None:
    """`page_error` renders an error as a page: for page paths no route matched (`/search/x`, `POST /`)."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response | tuple[str, int, dict[str, str]]:
        if not _is_api_request():
            return page_error(exc)
        allowed = getattr(exc, "valid_methods", None)
        headers = {"Allow": ", ".join(allowed)} if allowed else {}
        return error_response(exc.code or 500, _http_code(exc), exc.description or exc.name, headers)

    @app.errorhandler(StoreUnavailable)
    def _unavailable(exc: StoreUnavailable) -> Response:
        log.warning("elasticsearch unavailable: %s", exc)
        _count_backend_error("unavailable")
        return error_response(
            503,
            "unavailable",
            "the search backend is unavailable; try again shortly",
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    @app.errorhandler(DeadlineExceeded)
    def _deadline(exc: DeadlineExceeded) -> Response:
        _count_backend_error("deadline")
        seconds = current_app.extensions["settings"].service.request_deadline_seconds
        return error_response(
            503,
            "deadline_exceeded",
            f"the search took longer than {seconds:g} s; try again shortly",
            {"Retry-After": "1"},
        )

    @app.errorhandler(IndexNotFound)
    def _no_index(exc: IndexNotFound) -> Response:
        _count_backend_error("index_missing")
        return error_response(
            503,
            "index_missing",
            "no documents are indexed yet (run `make index`)",
            {"Retry-After": str(RETRY_AFTER_SECONDS * 6)},
        )

    @app.errorhandler(ModelMismatch)
    def _model_mismatch(exc: ModelMismatch) -> Response:
        return error_response(503, "model_mismatch", str(exc), {"Retry-After": "60"})

    @app.errorhandler(LockHeld)
    def _locked(exc: LockHeld) -> Response:
        # A build or update holds the writer lock: changes wait for it, as the indexer CLI's do.
        return error_response(409, "index_busy", str(exc), {"Retry-After": "60"})

    @app.errorhandler(StoreError)
    def _store_error(exc: StoreError) -> Response:
        log.error("elasticsearch refused a request: %s", exc)
        _count_backend_error("refused")
        return error_response(502, "backend_error", "the search backend refused the request")

    @app.errorhandler(Exception)
    def _internal(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal", "internal error; it has been logged")

"""The JSON API blueprint: parse -> call the searcher -> shape. Errors are raised, never built here."""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from config.settings import ServiceSettings
from search.searcher import Searcher
from service.errors import Forbidden, InvalidParameter, NotFound
from service.limits import admit_draft, refuse_spent_client
from service.metrics import CONTENT_TYPE
from service.openapi import spec
from service.params import parse_doc_id, parse_export, parse_search, parse_similar, parse_suggest
from service.responses import document_json, precedents_json, search_csv, search_json, suggestion_json

bp = Blueprint("api", __name__)


def _searcher() -> Searcher:
    return current_app.extensions["searcher"]  # type: ignore[no-any-return]


def _limits() -> ServiceSettings:
    return current_app.extensions["settings"].service  # type: ignore[no-any-return]


def _json(result: dict[str, Any], status: int = 200) -> Response:
    g.timing = result.get("timing")
    response = jsonify(result)
    response.status_code = status
    return response


@bp.get("/api/search")
def search() -> Response:
    fmt, params = parse_export(request.args, _limits())
    g.mode = params.mode
    result = _searcher().search(params)
    if fmt == "csv":
        body = search_csv(result, request.host_url.rstrip("/"))
        disposition = 'attachment; filename="search.csv"'
        return Response(
            body, content_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition}
        )
    return _json(search_json(result))


@bp.post("/api/similar")
def similar() -> Response:
    refuse_spent_client()
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # the json module recurses per level: 100,000 nested arrays fill 250 KB
        raise InvalidParameter("the request body is nested too deeply") from None
    if body is None:
        raise InvalidParameter("the request body must be JSON (Content-Type: application/json)")
    params = parse_similar(body, _limits())
    g.mode = "similar"
    with admit_draft(params.text):
        result = _searcher().similar(text=params.text, size=params.size, filters=params.filters)
    return _json(precedents_json(result))


@bp.get("/api/documents/<doc_id>")
def document(doc_id: str) -> Response:
    found = _searcher().document(parse_doc_id(doc_id))
    if found is None:
        raise NotFound(f"no document with doc_id {doc_id}")
    return _json({"ok": True, **document_json(found)})


@bp.get("/api/documents/<doc_id>/similar")
def document_similar(doc_id: str) -> Response:
    size = parse_search({"q": "x", "size": request.args.get("size")}, _limits()).size
    g.mode = "similar"
    try:
        result = _searcher().similar(doc_id=parse_doc_id(doc_id), size=size)
    except LookupError:
        raise NotFound(f"no document with doc_id {doc_id}") from None
    return _json(precedents_json(result))


@bp.delete("/api/documents/<doc_id>")
def delete_document(doc_id: str) -> Response:
    """Changes the index: off unless an admin token is configured, and then it needs that token."""
    if not _limits().admin_token:
        raise NotFound("endpoints that change the index are disabled (no admin token configured)")
    if not _has_admin_token():
        raise Forbidden("a valid admin token is required (Authorization: Bearer …)")
    deleted = _searcher().delete_document(parse_doc_id(doc_id))
    if not deleted:
        raise NotFound(f"no document with doc_id {doc_id}")
    return _json({"ok": True, "deleted": deleted})


@bp.get("/api/suggest")
def suggest() -> Response:
    q = parse_suggest(request.args)
    suggestions = [suggestion_json(s) for s in _searcher().suggest(q)]
    return _json({"ok": True, "q": q, "suggestions": suggestions})


def _has_admin_token() -> bool:
    token = _limits().admin_token
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(sent.encode(), token.encode())


def _private() -> bool:
    """On the operations listener (gunicorn's socket, bound to 127.0.0.1:ops_port: not spoofable by a
    Host header), or with the admin token."""
    ops_port = _limits().ops_port
    sock = request.environ.get("gunicorn.socket")
    on_ops_listener = bool(ops_port) and sock is not None and sock.getsockname()[1] == ops_port
    return on_ops_listener or _has_admin_token()


@bp.get("/healthz")
def healthz() -> Response:
    """Public: ok or degraded. Private (_private()): which index, how many documents, which model."""
    report = _searcher().health()
    if report["documents"] is not None:
        current_app.extensions["metrics"].documents.set(report["documents"])
    shown = report if _private() else {"ok": report["ok"], "status": report["status"]}
    return _json(shown, 200 if report["ok"] else 503)


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(spec())


@bp.get("/metrics")
def metrics() -> Response:
    if not _private():
        raise Forbidden(
            "metrics are served on the operations listener (SEARCH_SERVICE__OPS_PORT) or with the admin token"
        )
    return Response(current_app.extensions["metrics"].render(), content_type=CONTENT_TYPE)

"""The OpenAPI 3 description of the JSON API, served at /openapi.json (the contract scripts rely on)."""

from __future__ import annotations

from typing import Any

_FILTERS = [
    {
        "name": "issuer",
        "in": "query",
        "schema": {"type": "string", "maxLength": 128},
        "description": "issuing body",
    },
    {
        "name": "kind",
        "in": "query",
        "schema": {"type": "string", "maxLength": 128},
        "description": "通知, 办法, …",
    },
    {
        "name": "doc_number",
        "in": "query",
        "schema": {"type": "string", "maxLength": 128},
        "description": "a 文号 typed any way (国务院令601号, 国发[2024]5号): documents bearing it among any of "
        "their numbers (doc_numbers); a value that is not a 文号 is a 400",
    },
    {
        "name": "validity",
        "in": "query",
        "schema": {"enum": ["current", "not_yet_effective", "expired", "repealed", "superseded", "unknown"]},
        "description": "validity (时效性) today",
    },
    {
        "name": "date_from",
        "in": "query",
        "schema": {"type": "string", "pattern": r"^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$"},
    },
    {
        "name": "date_to",
        "in": "query",
        "schema": {"type": "string", "pattern": r"^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$"},
    },
]
_ERROR = {"$ref": "#/components/schemas/Error"}


def _response(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _ref(schema: str) -> dict[str, Any]:
    return _response({"$ref": f"#/components/schemas/{schema}"})


def _errors(*codes: int) -> dict[str, Any]:
    names = {
        400: "invalid parameter",
        403: "forbidden",
        404: "not found",
        405: "method not allowed",
        413: "payload too large",
        429: "rate limited (Retry-After)",
        500: "internal error (logged; the message is generic)",
        502: "Elasticsearch refused the request",
        503: "unavailable, index_missing or model_mismatch (Retry-After)",
    }
    return {str(c): _response(_ERROR, names[c]) for c in codes}


_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["ok", "status", "error", "message"],
        "properties": {
            "ok": {"const": False},
            "status": {"type": "integer"},
            "error": {"type": "string"},
            "message": {"type": "string"},
        },
    },
    "Passage": {
        "type": "object",
        "required": ["passage_id", "text", "highlight", "heading"],
        "properties": {
            "passage_id": {"type": "string"},
            "text": {"type": "string"},
            "highlight": {
                "type": "string",
                "description": "text, HTML-escaped, with <em> around matched words",
            },
            "heading": {"type": "string"},
        },
    },
    "Match": {
        "type": "object",
        "properties": {
            "draft_segment": {"type": "string"},
            "draft_start": {"type": "integer"},
            "draft_end": {"type": "integer"},
            "passage_id": {"type": "string"},
            "passage_text": {"type": "string"},
            "heading": {"type": "string"},
            "similarity": {"type": "number"},
        },
    },
    "Hit": {
        "type": "object",
        "required": ["doc_id", "title", "score", "url", "passages"],
        "properties": {
            "doc_id": {"type": "string"},
            "title": {"type": "string"},
            "doc_number": {"type": ["string", "null"]},
            "issuer": {"type": ["string", "null"]},
            "date": {"type": ["string", "null"]},
            "kind": {"type": ["string", "null"]},
            "score": {"type": "number"},
            "url": {"type": "string"},
            "doc_numbers": {
                "type": "array",
                "items": {"type": "string"},
                "description": "every 文号 of the document: issued under, revised, amended or repealed by",
            },
            "promulgated": {
                "type": ["string", "null"],
                "description": "first promulgation (date: this version's)",
            },
            "validity": {"$ref": "#/components/schemas/Validity"},
            "versions": {"$ref": "#/components/schemas/Versions"},
            "passages": {"type": "array", "items": {"$ref": "#/components/schemas/Passage"}},
            "matches": {"type": "array", "items": {"$ref": "#/components/schemas/Match"}},
        },
    },
    "Validity": {
        "type": ["object", "null"],
        "properties": {
            "status": {
                "enum": ["current", "not_yet_effective", "expired", "repealed", "superseded", "unknown"]
            },
            "label": {
                "type": "string",
                "description": "现行有效, 尚未生效, 已失效, 已废止, 已被修订, 时效未知",
            },
            "reason": {"type": "string", "description": "e.g. 有效期至2025年6月30日"},
            **{
                f: {"type": ["string", "null"]}
                for f in ("effective_from", "expires_on", "superseded_by", "repealed_by")
            },
            "supersedes": {
                "type": "array",
                "items": {"type": "string"},
                "description": "doc_ids it replaced",
            },
        },
    },
    "Versions": {
        "type": "object",
        "description": "the other versions of the document in the index, newest first",
        "properties": {
            "count": {"type": "integer"},
            "links": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        **{f: {"type": ["string", "null"]} for f in ("doc_id", "title", "date", "url")},
                        "current": {"type": "boolean"},
                    },
                },
            },
        },
    },
    "Document": {
        "type": "object",
        "required": ["ok", "doc_id", "title", "text", "passages", "cites", "cited_by"],
        "properties": {
            "ok": {"const": True},
            **{
                f: {"type": ["string", "null"]}
                for f in ("doc_id", "title", "doc_number", "issuer", "date", "kind")
            },
            "url": {"type": "string"},
            "text": {"type": "string"},
            "passages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "passage_id": {"type": "string"},
                        "ordinal": {"type": "integer"},
                        "heading": {"type": "string"},
                        "start": {"type": "integer", "description": "offset into text"},
                        "end": {"type": "integer"},
                        "text": {"type": "string"},
                    },
                },
            },
            "cites": {"type": "array", "items": {"$ref": "#/components/schemas/DocumentLink"}},
            "cited_by": {"type": "array", "items": {"$ref": "#/components/schemas/DocumentLink"}},
            "doc_numbers": {"type": "array", "items": {"type": "string"}},
            "promulgated": {"type": ["string", "null"]},
            "validity": {"$ref": "#/components/schemas/Validity"},
            "versions": {"$ref": "#/components/schemas/Versions"},
            "history": {
                "type": "array",
                "description": "revision history, oldest first: date, decree, what happened (公布, 修订, 修正, "
                "废止; 版本 = another version in the index), and the version it produced when indexed",
                "items": {
                    "type": "object",
                    "properties": {
                        f: {"type": ["string", "null"]}
                        for f in ("date", "number", "event", "doc_id", "title")
                    },
                },
            },
        },
    },
    "DocumentLink": {
        "type": "object",
        "description": "a cited 文号 (doc_id and title null when it is not in the index), or a citing document",
        "properties": {f: {"type": ["string", "null"]} for f in ("doc_number", "doc_id", "title")},
    },
    "Suggestions": {
        "type": "object",
        "properties": {
            "ok": {"const": True},
            "q": {"type": "string"},
            "suggestions": {
                "type": "array",
                "maxItems": 10,
                "items": {
                    "type": "object",
                    "properties": {
                        f: {"type": ["string", "null"]} for f in ("title", "doc_number", "doc_id", "url")
                    },
                },
            },
        },
    },
    "Health": {
        "type": "object",
        # The public answer is ok and status only; the rest is the operators' view (README, Operations).
        "required": ["ok", "status"],
        "properties": {
            "ok": {"type": "boolean"},
            "status": {"enum": ["ok", "degraded"]},
            "elasticsearch": {"type": "boolean", "description": "reachable"},
            "index": {
                "type": "object",
                "description": "alias, concrete index, built_with (model, dims, schema)",
            },
            "documents": {"type": ["integer", "null"]},
            "model": {"type": "object"},
        },
    },
    "Bucket": {"type": "object", "properties": {"value": {}, "count": {"type": "integer"}}},
    "Results": {
        "type": "object",
        "required": ["ok", "query", "total", "took_ms", "hits"],
        "properties": {
            "ok": {"const": True},
            "query": {"type": "object"},
            "total": {"type": "integer"},
            "total_relation": {
                "type": "string",
                "enum": ["eq", "gte"],
                "description": "gte: the ranked window (SEARCH_SERVICE__RESULT_WINDOW documents) was full",
            },
            "took_ms": {"type": "integer"},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "did_you_mean": {
                "type": ["string", "null"],
                "description": "a correction of a mistyped query from the index's vocabulary",
            },
            "facets": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"$ref": "#/components/schemas/Bucket"}},
            },
            "timing": {"type": "object"},
        },
    },
}


def spec() -> dict[str, Any]:
    q = {
        "name": "q",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": 256},
    }
    doc_id = {
        "name": "doc_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
    }
    size = {
        "name": "size",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
    }
    results = _ref("Results")
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "政务文档检索 API", "version": "1"},
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Search documents",
                    "parameters": [
                        q,
                        {
                            "name": "mode",
                            "in": "query",
                            "schema": {"enum": ["hybrid", "keyword", "semantic"]},
                        },
                        size,
                        {
                            "name": "page",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 50},
                        },
                        {"name": "sort", "in": "query", "schema": {"enum": ["relevance", "date"]}},
                        {
                            "name": "format",
                            "in": "query",
                            "schema": {"enum": ["json", "csv"]},
                            "description": "csv: the hits as a spreadsheet (UTF-8 with BOM; size up to 1000, "
                            "default 1000; page ignored)",
                        },
                        *_FILTERS,
                    ],
                    "responses": {
                        "200": {
                            **results,
                            "content": {
                                **results["content"],
                                "text/csv": {"schema": {"type": "string"}},
                            },
                        },
                        **_errors(400, 429, 503),
                    },
                }
            },
            "/api/similar": {
                "post": {
                    "summary": "Precedents for a draft",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["text"],
                                    "properties": {
                                        "text": {"type": "string", "minLength": 1, "maxLength": 20000},
                                        "size": {"type": "integer", "minimum": 1, "maximum": 50},
                                        **{f["name"]: f["schema"] for f in _FILTERS},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {"200": results, **_errors(400, 413, 429, 503)},
                }
            },
            "/api/documents/{doc_id}": {
                "get": {
                    "summary": "A whole document",
                    "parameters": [doc_id],
                    "responses": {"200": _ref("Document"), **_errors(400, 404, 503)},
                },
                "delete": {
                    "summary": "Delete a document (admin token; off by default)",
                    "parameters": [doc_id],
                    "responses": {
                        "200": _response({"type": "object", "properties": {"deleted": {"type": "integer"}}}),
                        **_errors(400, 403, 404, 503),
                    },
                },
            },
            "/api/documents/{doc_id}/similar": {
                "get": {
                    "summary": "More like this document",
                    "parameters": [doc_id, size],
                    "responses": {"200": results, **_errors(400, 404, 503)},
                }
            },
            "/api/suggest": {
                "get": {
                    "summary": "Completions for the search box",
                    "parameters": [{**q, "schema": {"type": "string", "minLength": 1, "maxLength": 64}}],
                    "responses": {"200": _ref("Suggestions"), **_errors(400, 429, 503)},
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Health",
                    "responses": {
                        "200": _ref("Health"),
                        "503": _response({"$ref": "#/components/schemas/Health"}, "degraded"),
                    },
                }
            },
            "/openapi.json": {"get": {"summary": "This description", "responses": {"200": _response({})}}},
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics (text exposition format)",
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        },
                        **_errors(403),
                    },
                }
            },
        },
        "components": {"schemas": _SCHEMAS},
    }
    # Any operation may meet these: a method the path lacks, an unexpected failure, a refusing backend.
    for item in document["paths"].values():
        for operation in item.values():
            operation["responses"].update(_errors(405, 500, 502))
    return document

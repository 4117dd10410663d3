"""Request arguments -> typed, bounded parameters; every bad value raises InvalidParameter naming it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from config.settings import ServiceSettings
from search.results import VALIDITY_STATUSES, Filters, SearchParams, canonical_number
from service.errors import InvalidParameter, PayloadTooLarge

MODES = ("hybrid", "keyword", "semantic")
SORTS = ("relevance", "date")
# ASCII digits only: \d also matches e.g. Arabic-Indic digits, which Elasticsearch cannot parse as a date.
_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}-[0-9]{2})?$")
_DOC_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# ASCII only: int() also reads e.g. "٣" (Arabic-Indic three), which a page number or size should not be.
_INTEGER = re.compile(r"^[+-]?[0-9]{1,18}$")
SUGGEST_MAX_CHARS = 64
FORMATS = ("json", "csv")
EXPORT_MAX_ROWS = 1000


@dataclass(frozen=True)
class SimilarParams:
    text: str
    size: int = 10
    filters: Filters = field(default_factory=Filters)


def _int(args: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    text = str(raw).strip()
    if not _INTEGER.fullmatch(text):
        raise InvalidParameter(f"{name} must be an integer from {low} to {high}", name)
    value = int(text)
    if not low <= value <= high:
        raise InvalidParameter(f"{name} must be an integer from {low} to {high}", name)
    return value


def _choice(args: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> str:
    value = str(args.get(name) or choices[0])
    if value not in choices:
        raise InvalidParameter(f"{name} must be one of: {', '.join(choices)}", name)
    return value


def _date(args: Mapping[str, Any], name: str, end: bool) -> str | None:
    raw = str(args.get(name) or "").strip()
    if not raw:
        return None
    if not _DATE.match(raw):
        raise InvalidParameter(f"{name} must be YYYY or YYYY-MM-DD", name)
    if len(raw) == 4:
        return f"{raw}-12-31" if end else f"{raw}-01-01"
    try:
        dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidParameter(f"{name} is not a valid date: {raw}", name) from None
    return raw


def _encodable(value: str, name: str) -> str:
    """A JSON body may carry a lone surrogate ("\\ud800"), which no UTF-8 consumer downstream accepts."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidParameter(
            f"{name} contains an invalid character (a lone UTF-16 surrogate)", name
        ) from None
    return value


def _text_filter(args: Mapping[str, Any], name: str) -> str | None:
    value = _encodable(str(args.get(name) or "").strip(), name)
    if len(value) > 128:
        raise InvalidParameter(f"{name} must be at most 128 characters", name)
    return value or None


def _doc_number(args: Mapping[str, Any]) -> str | None:
    """A 文号 typed any way, as its canonical form."""
    raw = _text_filter(args, "doc_number")
    if raw is None:
        return None
    number = canonical_number(raw)
    if number is None:
        raise InvalidParameter(
            f"doc_number is not a 文号 (e.g. 国发〔2024〕5号, 国务院令第601号): {raw}", "doc_number"
        )
    return number


def _validity(args: Mapping[str, Any]) -> str | None:
    value = str(args.get("validity") or "").strip()
    if value and value not in VALIDITY_STATUSES:
        raise InvalidParameter(f"validity must be one of: {', '.join(VALIDITY_STATUSES)}", "validity")
    return value or None


def parse_filters(args: Mapping[str, Any]) -> Filters:
    filters = Filters(
        issuer=_text_filter(args, "issuer"),
        kind=_text_filter(args, "kind"),
        doc_number=_doc_number(args),
        date_from=_date(args, "date_from", end=False),
        date_to=_date(args, "date_to", end=True),
        validity=_validity(args),
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise InvalidParameter("date_from must not be after date_to")
    return filters


def parse_search(args: Mapping[str, Any], limits: ServiceSettings, require_q: bool = True) -> SearchParams:
    q = str(args.get("q") or "").strip()
    if require_q and not q:
        raise InvalidParameter("q is required (1 to 256 characters)", "q")
    if len(q) > limits.max_query_chars:
        raise InvalidParameter(f"q must be at most {limits.max_query_chars} characters", "q")
    params = SearchParams(
        q=q,
        mode=_choice(args, "mode", MODES),
        size=_int(args, "size", 10, 1, limits.max_size),
        page=_int(args, "page", 1, 1, limits.max_page),
        sort=_choice(args, "sort", SORTS),
        filters=parse_filters(args),
    )
    if q and params.page * params.size > limits.result_window:
        raise InvalidParameter(
            f"page: only the first {limits.result_window} results can be paged (page × size); "
            "narrow the query or the filters",
            "page",
        )
    return params


def parse_export(args: Mapping[str, Any], limits: ServiceSettings) -> tuple[str, SearchParams]:
    """format=json (the default) or csv; a CSV export is one page of up to EXPORT_MAX_ROWS hits (size
    defaults to all of them)."""
    fmt = _choice(args, "format", FORMATS)
    if fmt == "json":
        return fmt, parse_search(args, limits)
    size = _int(args, "size", EXPORT_MAX_ROWS, 1, EXPORT_MAX_ROWS)
    merged = {**dict(args.items()), "size": 1, "page": 1}
    return fmt, replace(parse_search(merged, limits), size=size)


def parse_page_search(args: Mapping[str, Any], limits: ServiceSettings, page_size: int) -> SearchParams:
    """The search page's arguments: the API's, without q required, with a fixed page size, plus `year`
    (a facet value: four digits for that whole year, in place of date_from and date_to)."""
    year = str(args.get("year") or "").strip()
    if year and not re.fullmatch(r"[0-9]{4}", year):
        raise InvalidParameter("year must be four digits", "year")
    merged = {
        **dict(args.items()),
        "size": page_size,
        **({"date_from": year, "date_to": year} if year else {}),
    }
    return parse_search(merged, limits, require_q=False)


def parse_similar(body: Any, limits: ServiceSettings) -> SimilarParams:
    if not isinstance(body, dict):
        raise InvalidParameter("the request body must be a JSON object with a text field")
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InvalidParameter("text is required: the draft to find precedents for", "text")
    _encodable(text, "text")
    if len(text) > limits.max_draft_chars:
        raise PayloadTooLarge(f"text must be at most {limits.max_draft_chars} characters")
    return SimilarParams(
        text=text, size=_int(body, "size", 10, 1, limits.max_size), filters=parse_filters(body)
    )


def parse_doc_id(doc_id: str) -> str:
    if not _DOC_ID.fullmatch(doc_id):  # match() would accept a trailing newline ($)
        raise InvalidParameter("doc_id must be 1 to 64 letters, digits, '-' or '_'")
    return doc_id


def parse_suggest(args: Mapping[str, Any]) -> str:
    q = str(args.get("q") or "").strip()
    if not q:
        raise InvalidParameter("q is required for suggestions")
    if len(q) > SUGGEST_MAX_CHARS:
        raise InvalidParameter(f"q must be at most {SUGGEST_MAX_CHARS} characters")
    return q

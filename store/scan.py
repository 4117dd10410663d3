"""every_hit: all the records a query matches, read with a scroll that lets no failed shard through; and
what a failed shard in any search or count response means (shard_failures, failure_error).

elasticsearch.helpers.scan checks a page's shards only after yielding its hits, and not at all for an empty
page: a shard failing in an empty first page ends its scan quietly with records missing. What reads every
record (a document's records to delete, what an update compares the folder against) must see all of them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from elasticsearch import Elasticsearch

from store.errors import StoreError, StoreUnavailable, translated

SCROLL = "2m"  # how long a scroll's context stays open between two pages
PAGE = 1000


def every_hit(client: Elasticsearch, index: str, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every hit of `body` (query, _source ...) in index order; an error if any shard fails."""
    with translated():
        resp = client.search(index=index, scroll=SCROLL, **{"size": PAGE, "sort": ["_doc"], **body}).body
    scroll_id = resp.get("_scroll_id")
    try:
        while True:
            check_shards(resp)
            hits = resp["hits"]["hits"]
            if not hits:
                return
            yield from hits
            with translated():
                resp = client.scroll(scroll_id=scroll_id, scroll=SCROLL).body
            scroll_id = resp.get("_scroll_id") or scroll_id
    finally:
        if scroll_id:
            # The scroll expires on its own: failing to clear it must not hide why the scan stopped.
            with contextlib.suppress(StoreError), translated():
                client.options(ignore_status=404).clear_scroll(scroll_id=scroll_id)


# Why a shard fails when the query itself cannot run there (a value its mapping cannot parse): every copy,
# every time. Anything else (a node gone between two phases, a tripped circuit breaker) may pass.
QUERY_ERRORS = frozenset(
    {
        "query_shard_exception",
        "parsing_exception",
        "search_parse_exception",
        "x_content_parse_exception",
        "illegal_argument_exception",
        "number_format_exception",
    }
)


def shard_failures(response: dict[str, Any]) -> list[dict[str, Any]]:
    """Why shards failed in a search or count response (Elasticsearch answers 200 with the other shards')."""
    shards = response.get("_shards", {})
    if not shards.get("failed", 0):
        return []
    failures = shards.get("failures") or [{"reason": {"type": "unknown", "reason": "no reason given"}}]
    return [f["reason"] if isinstance(f.get("reason"), dict) else {"reason": str(f)} for f in failures]


def check_shards(response: dict[str, Any]) -> None:
    """Raise failure_error if any shard failed in this response."""
    if failures := shard_failures(response):
        raise failure_error(failures)


def query_errors_only(failures: list[dict[str, Any]]) -> bool:
    return all(f.get("type") in QUERY_ERRORS for f in failures)


def failure_error(failures: list[dict[str, Any]]) -> StoreError:
    """StoreError for a query that cannot run, else StoreUnavailable (503, retry later)."""
    message = f"search failed on {len(failures)} shard(s): {failures[:3]}"
    return StoreError(message) if query_errors_only(failures) else StoreUnavailable(message)

"""every_hit: all the records a query matches, read with a scroll that lets no failed shard through.

elasticsearch.helpers.scan checks a page's shards only after yielding its hits, and not at all for an empty
page: a shard failing in an empty first page ends its scan quietly with records missing. What reads every
record (a document's records to delete, what an update compares the folder against) must see all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from elasticsearch import Elasticsearch

from store.errors import StoreUnavailable, translated

SCROLL = "2m"  # how long a scroll's context stays open between two pages
PAGE = 1000


def every_hit(client: Elasticsearch, index: str, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every hit of `body` (query, _source ...) in index order; StoreUnavailable if any shard fails."""
    with translated():
        resp = client.search(index=index, scroll=SCROLL, size=PAGE, sort=["_doc"], **body).body
    scroll_id = resp.get("_scroll_id")
    try:
        while True:
            if failures := shard_failures(resp):
                raise StoreUnavailable(
                    f"reading every record failed on {len(failures)} shard(s): {failures[:3]}"
                )
            hits = resp["hits"]["hits"]
            if not hits:
                return
            yield from hits
            with translated():
                resp = client.scroll(scroll_id=scroll_id, scroll=SCROLL).body
            scroll_id = resp.get("_scroll_id") or scroll_id
    finally:
        if scroll_id:
            with translated():
                client.options(ignore_status=404).clear_scroll(scroll_id=scroll_id)


def shard_failures(response: dict[str, Any]) -> list[str]:
    """Why shards failed in a search response (Elasticsearch answers 200 with the other shards' hits)."""
    shards = response.get("_shards", {})
    if not shards.get("failed", 0):
        return []
    return [str(f.get("reason", f)) for f in shards.get("failures") or [{"reason": "no reason given"}]]

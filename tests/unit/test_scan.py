"""store.scan.every_hit: every record a query matches, or an error; never some of them."""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

import elasticsearch
import pytest

from store.errors import StoreUnavailable
from store.scan import every_hit


def _page(ids: list[str], failed: int = 0) -> MagicMock:
    shards: dict[str, Any] = {"total": 3, "successful": 3 - failed, "skipped": 0, "failed": failed}
    if failed:
        shards["failures"] = [{"shard": 2, "reason": {"type": "node_not_connected_exception"}}]
    return MagicMock(
        body={"_scroll_id": "s1", "_shards": shards, "hits": {"hits": [{"_id": i} for i in ids]}}
    )


def _client(first: MagicMock, *scrolls: MagicMock) -> MagicMock:
    client = MagicMock()
    client.options.return_value = client
    client.search.return_value = first
    client.scroll.side_effect = list(scrolls)
    return client


def test_every_page_is_read_and_the_scroll_cleared() -> None:
    client = _client(_page(["a", "b"]), _page(["c"]), _page([]))
    assert [h["_id"] for h in every_hit(client, "gov-v1", {"query": {"match_all": {}}})] == ["a", "b", "c"]
    assert client.search.call_args.kwargs["sort"] == ["_doc"]
    client.clear_scroll.assert_called_once_with(scroll_id="s1")


def test_an_empty_first_page_a_shard_failed_in_is_an_error_not_an_empty_index() -> None:
    """helpers.scan ends quietly here, and a deletion would then delete nothing of a document's records."""
    client = _client(_page([], failed=1))
    with pytest.raises(StoreUnavailable, match="node_not_connected_exception"):
        list(every_hit(client, "gov-v1", {"query": {"match_all": {}}}))
    client.clear_scroll.assert_called_once()


def test_a_shard_failing_later_in_the_scroll_is_an_error() -> None:
    client = _client(_page(["a"]), _page(["b"], failed=1))
    with pytest.raises(StoreUnavailable, match="1 shard"):
        list(every_hit(client, "gov-v1", {"query": {"match_all": {}}}))


def test_a_scroll_that_cannot_be_cleared_does_not_hide_why_the_scan_stopped() -> None:
    client = _client(_page([], failed=1))
    client.clear_scroll.side_effect = elasticsearch.ConnectionError("node gone")
    with pytest.raises(StoreUnavailable, match="node_not_connected_exception"):
        list(every_hit(client, "gov-v1", {"query": {"match_all": {}}}))

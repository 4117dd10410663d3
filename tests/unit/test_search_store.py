"""SearchStore's own logic without a node: the bounded clients and how msearch sends cached bodies."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from config.settings import EsSettings
from store import deadline
from store.errors import DeadlineExceeded, StoreError, StoreUnavailable
from store.records import Cached
from store.search_store import STATE_COPIES, SearchStore, _to_hit, preference


def test_a_client_per_timeout_step_is_made_once_and_kept() -> None:
    raw = MagicMock()
    raw.options.side_effect = lambda request_timeout: ("client", request_timeout)
    store = SearchStore(EsSettings(timeout=10), client=raw)
    assert store.client is raw  # no deadline: the plain client
    token = deadline.start(2.95)
    try:
        first, second = store.client, store.client
    finally:
        deadline.clear(token)
    assert first is second and raw.options.call_count == 1
    (timeout,) = raw.options.call_args.kwargs.values()
    assert 2.9 < timeout <= 3.0 + 1e-9  # rounded up to the step: never less than the deadline leaves


def test_cached_bodies_go_to_the_same_copies_without_the_deadline_timeout_asking_for_the_request_cache() -> (
    None
):
    raw = MagicMock()
    raw.options.return_value = raw
    raw.msearch.return_value = {"responses": [{"hits": {"hits": []}}, {"hits": {"hits": []}}]}
    store = SearchStore(EsSettings(index="gov"), client=raw)
    token = deadline.start(3.0)
    try:
        store.msearch([{"size": 1}, Cached({"size": 0})])
    finally:
        deadline.clear(token)
    lines = raw.msearch.call_args.kwargs["searches"]
    assert lines[0] == {"index": "gov", "preference": preference({"size": 1})} and "timeout" in lines[1]
    head = {"index": "gov", "preference": STATE_COPIES, "request_cache": True}
    assert lines[2] == head and lines[3] == {"size": 0}


def test_a_hit_fetched_from_doc_values_only_is_named_by_its_passage_id() -> None:
    """A ranked window (queries.WINDOW_ONLY) comes without _id or _source: fields hold one value each."""
    raw = {"_index": "gov-docs-v2", "_score": 2.5, "fields": {"doc_id": ["d1"], "passage_id": ["d1#3"]}}
    hit = _to_hit(raw)
    assert (hit.id, hit.doc_id, hit.passage_id, hit.index, hit.score) == (
        "d1#3",
        "d1",
        "d1#3",
        "gov-docs-v2",
        2.5,
    )
    assert hit.source == {"doc_id": "d1", "passage_id": "d1#3"}


def _answer(failed: int) -> dict[str, object]:
    shards = {"total": 3, "successful": 3 - failed, "failed": failed}
    if failed:
        shards["failures"] = [{"shard": 1, "reason": {"type": "circuit_breaking_exception"}}]
    hit = {"_index": "gov-docs-v2", "_id": "d1#1", "_score": 1.0, "_source": {"doc_id": "d1"}}
    return {"_shards": shards, "hits": {"hits": [] if failed else [hit]}}


def test_a_search_a_shard_failed_in_is_sent_again_and_its_second_answer_used() -> None:
    raw = MagicMock()
    raw.search.side_effect = [MagicMock(body=_answer(failed=1)), MagicMock(body=_answer(failed=0))]
    raw.msearch.side_effect = [
        {"responses": [_answer(failed=0), _answer(failed=1)]},
        {"responses": [_answer(failed=0), _answer(failed=0)]},
    ]
    store = SearchStore(EsSettings(index="gov"), client=raw)
    assert [h.id for h in store.search({"size": 1}).hits] == ["d1#1"]
    assert [[h.id for h in r.hits] for r in store.msearch([{"size": 1}, {"size": 2}])] == [["d1#1"], ["d1#1"]]
    assert raw.search.call_count == 2 and raw.msearch.call_count == 2
    first, again = (call.kwargs["searches"] for call in raw.msearch.call_args_list)
    assert "preference" in first[0] and "preference" not in again[0]  # other copies the second time


def test_a_query_a_shard_cannot_run_is_an_error_at_once_and_no_503() -> None:
    raw = MagicMock()
    answer = _answer(failed=1)
    answer["_shards"]["failures"] = [{"shard": 0, "reason": {"type": "query_shard_exception"}}]
    raw.msearch.return_value = {"responses": [answer]}
    store = SearchStore(EsSettings(index="gov"), client=raw)
    with pytest.raises(StoreError, match="query_shard_exception") as err:
        store.msearch([{"size": 1}])
    assert not isinstance(err.value, StoreUnavailable) and raw.msearch.call_count == 1


def test_shards_stopped_by_the_deadline_are_a_503_not_what_they_had_found() -> None:
    raw = MagicMock()
    raw.search.return_value = MagicMock(body={**_answer(failed=0), "timed_out": True})
    store = SearchStore(EsSettings(index="gov"), client=raw)
    with pytest.raises(DeadlineExceeded):
        store.search({"size": 1})


def test_counts_and_phrase_checks_refuse_part_of_the_index_too() -> None:
    raw = MagicMock()
    raw.count.return_value = MagicMock(
        body={"count": 1, "_shards": {"total": 3, "successful": 2, "failed": 1}}
    )
    raw.msearch.return_value = {"responses": [_answer(failed=1)]}
    store = SearchStore(EsSettings(index="gov"), client=raw)
    with pytest.raises(StoreUnavailable):
        store.count("document")
    with pytest.raises(StoreUnavailable):
        store.phrases_held(["公平竞争"])


def test_a_search_whose_shards_fail_twice_is_unavailable_not_answered_from_part_of_the_index() -> None:
    raw = MagicMock()
    raw.search.return_value = MagicMock(body=_answer(failed=1))
    raw.msearch.return_value = {"responses": [_answer(failed=0), _answer(failed=1)]}
    store = SearchStore(EsSettings(index="gov"), client=raw)
    with pytest.raises(StoreUnavailable, match="circuit_breaking_exception"):
        store.search({"size": 1})
    with pytest.raises(StoreUnavailable, match="1 shard"):
        store.msearch([{"size": 1}, {"size": 2}])
    assert raw.search.call_count == 2 and raw.msearch.call_count == 2


def test_reading_every_stored_document_with_a_shard_failed_is_unavailable_not_a_shorter_list() -> None:
    """What an update compares the folder against (store.scan.every_hit): all of it, or an error."""
    raw = MagicMock()
    raw.options.return_value = raw
    page = {"_scroll_id": "s1", "_shards": {"total": 3, "successful": 2, "failed": 1}, "hits": {"hits": []}}
    raw.search.return_value = MagicMock(body=page)
    store = SearchStore(EsSettings(index="gov"), client=raw)
    with pytest.raises(StoreUnavailable, match="1 shard"):
        store.stored_documents("gov-v1")

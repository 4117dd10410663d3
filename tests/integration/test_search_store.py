"""SearchStore against the real node: the project's mapping, bulk writes, BM25 + highlight, kNN, aliases."""

from __future__ import annotations

import math
import signal
import subprocess
import sys
import time
from typing import Any

import pytest
from elasticsearch import Elasticsearch, helpers

from store import queries, writes
from store.errors import (
    IndexingError,
    IndexNotFound,
    LockHeld,
    ModelMismatch,
    StoreError,
    StoreUnavailable,
)
from store.lock import lock_index_name
from store.records import DocumentMeta, DocumentRecord, PassageRecord
from store.scan import every_hit
from store.search_store import SearchStore
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

DIMS = 4


def _meta(doc_id: str, title: str, kind: str = "通知", year: int = 2023) -> DocumentMeta:
    return DocumentMeta(
        doc_id=doc_id,
        title=title,
        title_seg=title,
        title_cjk=title.replace(" ", ""),
        doc_number=f"聊政办字〔{year}〕{len(doc_id)}号",
        doc_number_parts=("聊政办字", str(year)),
        issuer="聊城市人民政府办公室",
        date=f"{year}-07-10",
        year=year,
        kind=kind,
        source="a.txt",
        source_root="/corpus",
        line_start=1,
        line_end=9,
        title_derived=False,
        cites=(),
    )


def _unit(*xs: float) -> tuple[float, ...]:
    n = math.sqrt(sum(x * x for x in xs))
    return tuple(x / n for x in xs)


def _records() -> list[PassageRecord | DocumentRecord]:
    trees, farm = (
        _meta("d1", "关于 加强 古树名木 保护 的 通知"),
        _meta("d2", "农机 购置 补贴 实施 方案", "方案", 2022),
    )
    return [
        PassageRecord(
            trees,
            "d1#0",
            0,
            "各有关部门要高度重视古树名木保护。",
            "各 有关 部门 要 高度重视 古树名木 保护 。",
            "各有关部门要高度重视古树名木保护。",
            "一、总体要求",
            "一 、 总体 要求",
            0,
            17,
            _unit(1, 0, 0, 0),
            "h1",
        ),
        PassageRecord(
            farm,
            "d2#0",
            0,
            "稳定实施农机购置补贴政策。",
            "稳定 实施 农机 购置 补贴 政策 。",
            "稳定实施农机购置补贴政策。",
            "",
            "",
            0,
            13,
            _unit(0, 1, 0, 0),
            "h2",
        ),
        DocumentRecord(trees, "各有关部门要高度重视古树名木保护。", "h1", 1),
        DocumentRecord(farm, "稳定实施农机购置补贴政策。", "h2", 1),
    ]


def _published(store: SearchStore) -> str:
    index = store.create_index("fake-model", DIMS)
    assert store.write(index, _records()) == 4
    store.publish(index)
    return index


def test_bulk_write_and_publish_behind_alias(store: SearchStore) -> None:
    index = _published(store)
    assert store.live_index() == index
    assert store.count("passage") == 2 and store.count("document") == 1 + 1
    assert {d: s.content_hash for d, s in store.stored_documents(index).items()} == {"d1": "h1", "d2": "h2"}
    assert store.get_document("d1")["title"].startswith("关于")


def test_bm25_over_segmented_text(store: SearchStore) -> None:
    _published(store)
    body = {
        "query": {
            "bool": {
                "filter": [{"term": {"type": "passage"}}],
                "must": [{"match": {"text_seg": "古树名木 保护"}}],
            }
        },
        "_source": ["doc_id", "text_seg"],
    }
    result = store.search(body)
    assert [h.doc_id for h in result.hits] == ["d1"]
    assert "古树名木" in result.hits[0].source["text_seg"].split(" ")  # what highlights are marked on


def test_cjk_bigram_field_matches_across_segmentation(store: SearchStore) -> None:
    _published(store)
    body = {"query": {"match": {"text_cjk": {"query": "名木保护", "minimum_should_match": "100%"}}}}
    assert [h.doc_id for h in store.search(body).hits] == ["d1"]


def test_a_window_from_doc_values_then_its_page_whole(store: SearchStore) -> None:
    """A ranked window fetches doc values only (queries.WINDOW_ONLY); the page's passages come whole from
    the index that ranked them, or from the alias once that index is gone."""
    index = _published(store)
    body = queries.keyword_documents_body(
        {"match": {"text_seg": "古树名木 补贴"}}, 10, facets=False, fetch=queries.WINDOW_ONLY
    )
    hits = store.search(body).hits
    assert {h.passage_id for h in hits} == {"d1#0", "d2#0"} and {h.index for h in hits} == {index}
    assert hits[0].source.keys() <= set(queries.WINDOW_FIELDS) and "text" not in hits[0].source
    assert hits[0].source["date"] in ("2023-07-10", "2022-07-10")  # strict_date, as in _source
    whole = store.passages(["d1#0", "d2#0", "gone#9"], index)
    assert set(whole) == {"d1#0", "d2#0"}  # a passage no longer there is left out, not an error
    assert whole["d1#0"]["text"] == "各有关部门要高度重视古树名木保护。"
    assert whole["d1#0"]["text_seg"].startswith("各 有关") and whole["d1#0"]["heading"] == "一、总体要求"
    assert set(store.passages(["d2#0"], f"{index}-deleted-meanwhile")) == {"d2#0"}


def test_knn_query_finds_nearest_vector(store: SearchStore) -> None:
    _published(store)
    body = {
        "knn": {
            "field": "vector",
            "query_vector": list(_unit(0.1, 1, 0, 0)),
            "k": 2,
            "num_candidates": 10,
            "filter": {"term": {"type": "passage"}},
        },
        "size": 2,
    }
    result = store.search(body)
    assert [h.doc_id for h in result.hits] == ["d2", "d1"]
    assert result.hits[0].score > result.hits[1].score


def test_publish_keeps_one_previous_version_and_rollback_returns_to_it(store: SearchStore) -> None:
    first = _published(store)
    second = _published(store)
    assert store.live_index() == second
    assert store.client.indices.exists(index=first)  # kept for rollback (keep_previous=1)
    third = _published(store)
    assert not store.client.indices.exists(index=first)
    assert store.rollback() == (third, second)
    assert store.live_index() == second
    assert store.rollback() == (second, third)  # rolling back twice returns


def test_dead_builds_are_dropped_but_published_versions_are_not(store: SearchStore) -> None:
    live = _published(store)
    dead = store.create_index("fake-model", DIMS)
    assert [(v.name, v.live, v.documents) for v in store.versions()] == [(dead, False, 0), (live, True, 2)]
    assert [v.name for v in store.versions() if not v.published_at] == [dead]
    assert store.drop_dead_builds() == [dead]
    assert [v.name for v in store.versions()] == [live]


def test_a_write_never_recreates_a_deleted_version(store: SearchStore, es_client: Elasticsearch) -> None:
    """Even where the cluster auto-creates indices (the stock default), a write to a version that another
    process deleted fails instead of creating an index with dynamic mappings."""
    index = store.create_index("fake-model", DIMS)
    store.client.indices.delete(index=index)
    es_client.cluster.put_settings(persistent={"action.auto_create_index": True})
    try:
        with pytest.raises(IndexingError):
            store.write(index, _records())
        assert not es_client.indices.exists(index=index)
    finally:
        es_client.cluster.put_settings(persistent={"action.auto_create_index": None})


def test_publish_refuses_an_index_without_our_mapping(store: SearchStore, es_client: Elasticsearch) -> None:
    foreign = f"{store.alias}-v1"
    es_client.indices.create(index=foreign, mappings={"_meta": {"model_name": "fake-model", "dims": DIMS}})
    with pytest.raises(StoreError):
        store.verify_index(foreign, "fake-model", DIMS)


_HOLDER = """
import sys, time
from config.settings import EsSettings
from store.errors import LockLost
from store.lock import lock_index_name
from store.search_store import SearchStore
from tests.conftest import ROOT
lock = SearchStore(EsSettings(url=sys.argv[1], index=sys.argv[2])).writer_lock("build", 5)
lock.acquire()
print("held", flush=True)
sys.stdin.readline()  # the test pauses us here (SIGSTOP), then lets us go on
try:
    lock.renew()
    print("renewed", flush=True)
except LockLost:
    print("lost", flush=True)
"""


def _holder(store: SearchStore) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, store.settings.url, store.alias],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_the_writer_lock_is_exclusive(store: SearchStore) -> None:
    with store.writer_lock("build", lease_seconds=60), pytest.raises(LockHeld, match="build"):
        store.writer_lock("update", lease_seconds=60).acquire()
    with store.writer_lock("update", lease_seconds=60):  # released: free again
        pass


def test_a_killed_holder_on_this_machine_is_provably_dead(store: SearchStore) -> None:
    holder = _holder(store)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with store.writer_lock("update", lease_seconds=60) as lock:  # no need to wait for the lease
        lock.check()


def test_a_lock_held_elsewhere_expires_after_its_lease(store: SearchStore, es_client: Elasticsearch) -> None:
    with store.writer_lock("build", lease_seconds=60):
        pass  # creates the lock index
    es_client.index(
        index=lock_index_name(store.alias),
        id="writer",
        document={"owner": "another-host:4242:abcd", "purpose": "build", "expires_at": time.time() + 3},
        refresh=True,
    )
    with pytest.raises(LockHeld, match="another-host"):
        store.writer_lock("update", lease_seconds=60).acquire()
    time.sleep(3.5)
    with store.writer_lock("update", lease_seconds=60) as lock:
        lock.check()


def test_a_holder_that_stalled_past_its_lease_learns_it_lost_the_lock(store: SearchStore) -> None:
    holder = _holder(store)
    holder.send_signal(signal.SIGSTOP)  # a long GC pause, a suspended VM
    time.sleep(5.5)
    with store.writer_lock("update", lease_seconds=60):
        holder.send_signal(signal.SIGCONT)
        out, _ = holder.communicate("go\n", timeout=30)
    assert out.strip() == "lost"


def test_model_mismatch_is_refused(store: SearchStore) -> None:
    _published(store)
    store.check_model("fake-model", DIMS)
    with pytest.raises(ModelMismatch, match="fake-model"):
        store.check_model("m3e-small", 512)


def test_failed_records_are_reported_not_dropped(store: SearchStore) -> None:
    index = store.create_index("fake-model", DIMS)
    bad = PassageRecord(
        _meta("d3", "坏"), "d3#0", 0, "x", "x", "x", "", "", 0, 1, (1.0, 0.0), "h3"
    )  # wrong dims
    with pytest.raises(IndexingError) as err:
        store.write(index, [*_records(), bad])
    assert list(err.value.failed) == ["d3#0"]


def test_msearch_maps_failures_like_single_searches(store: SearchStore) -> None:
    _published(store)
    ok = {"query": {"match": {"text_cjk": "古树"}}}
    bad_date = {"query": {"range": {"date": {"gte": "٢٠٢٣-01-01"}}}}  # ES answers 400 inside the msearch
    assert [r.hits[0].doc_id for r in store.msearch([ok, ok])] == ["d1", "d1"]
    for run in (lambda: store.search(bad_date), lambda: store.msearch([ok, bad_date])):
        with pytest.raises(StoreError) as err:
            run()
        assert not isinstance(err.value, (StoreUnavailable, IndexNotFound))
    with pytest.raises(IndexNotFound):
        store.msearch([ok], index="gov-docs-test-no-such-index")


def test_a_search_some_shard_failed_in_is_refused_not_answered_from_the_rest(
    store: SearchStore, es_client: Elasticsearch, test_alias: str
) -> None:
    """Elasticsearch answers 200 with the other shards' hits when a shard fails. Here the live index's shard
    cannot build the query (its year is an integer) while another index answers it: the store refuses,
    at once (a query that cannot run fails the same way every time), rather than answer from part of what
    was asked."""
    live = _published(store)
    other = f"{test_alias}-other"
    es_client.indices.create(index=other, mappings={"properties": {"year": {"type": "keyword"}}})
    es_client.index(index=other, id="x", document={"year": "abc"}, refresh=True)
    both = f"{live},{other}"
    body = {"query": {"term": {"year": "abc"}}}
    raw = es_client.search(index=both, query=body["query"])
    assert raw["_shards"]["failed"] == 1 and len(raw["hits"]["hits"]) == 1  # what the store must not pass on
    for run in (lambda: store.search(body, index=both), lambda: store.msearch([body], both)):
        with pytest.raises(StoreError, match="query_shard_exception") as err:
            run()
        assert not isinstance(err.value, StoreUnavailable)
    assert store.search(body, index=other).hits[0].id == "x"  # every shard answered: no error
    # Reading every record: an empty page from a failed shard is an error, where helpers.scan ends quietly.
    nothing = {"query": {"term": {"year": "zzz"}}}
    assert list(helpers.scan(es_client, index=both, query=nothing)) == []
    with pytest.raises(StoreError, match="query_shard_exception"):
        list(every_hit(es_client, both, nothing))


def test_optimize_merges_a_build_into_one_segment(store: SearchStore) -> None:
    index = store.create_index("fake-model", DIMS)
    records = _records()
    for half in (records[::2], records[1::2]):  # two refreshes: two segments
        store.write(index, half)
        store.refresh(index)

    def segments() -> int:
        shards = store.client.indices.segments(index=index)["indices"][index]["shards"]
        return int(shards["0"][0]["num_search_segments"])

    assert segments() == 2
    store.optimize(index)
    store.refresh(index)
    assert segments() == 1


def test_records_over_the_bulk_byte_budget_go_in_several_requests(
    store: SearchStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[list[str]] = []
    real_bulk = writes.RecordWriter._bulk

    def spy(self: SearchStore, target: str, records: list[Any], failed: dict[str, str]) -> int:
        sent.append([type(r).__name__ for r in records])
        return real_bulk(self, target, records, failed)

    monkeypatch.setattr(writes.RecordWriter, "_bulk", spy)
    index = store.create_index("fake-model", DIMS)
    assert store.write(index, _records()) == 4  # one request: far below the budget
    assert len(sent) == 1
    sent.clear()
    monkeypatch.setattr(writes, "MAX_BULK_BYTES", 1)  # every record is over it
    again = store.create_index("fake-model", DIMS)
    assert store.write(again, _records()) == 4
    assert len(sent) == 4 and sent[-1] == ["DocumentRecord"]
    store.refresh(again)
    assert {d: s.content_hash for d, s in store.stored_documents(again).items()} == {"d1": "h1", "d2": "h2"}

"""What rides in a query's first msearch (search/riders.py)."""

from __future__ import annotations

from search.riders import Riders
from store.records import Cached, SearchResult

SEARCH = {"query": {"match_all": {}}}
GENERATION = {"index": {"buckets": [{"key": "gov-v1", "seq": {"count": 2, "min": 0, "max": 1, "sum": 1}}]}}
BIGRAMS = [{"text": "竟争", "offset": 2, "options": [{"text": "竞争", "freq": 9}]}]


def test_the_generation_rides_always_and_the_suggester_when_the_query_is_checked() -> None:
    plain = Riders().added([SEARCH])
    assert plain[0] == SEARCH and isinstance(plain[1], Cached) and len(plain) == 2
    checked = Riders("公平竟争").added([SEARCH])
    suggester = checked[2]
    assert isinstance(suggester, Cached) and suggester.body["suggest"]["bigrams"]["text"] == "公平竟争"


def test_taken_returns_the_query_results_and_reads_the_riders() -> None:
    riders = Riders("公平竟争")
    own = SearchResult([], {"doc_count": {"value": 3}})
    results = [own, SearchResult([], GENERATION), SearchResult([], {}, {"bigrams": BIGRAMS})]
    assert riders.taken(results) == [own]
    assert riders.generation == "gov-v1:2:0:1:1" and riders.entries == BIGRAMS
    unchecked = Riders()
    assert unchecked.taken([own, SearchResult([], GENERATION)]) == [own] and unchecked.entries == []

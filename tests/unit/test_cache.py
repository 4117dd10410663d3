"""The per-process caches' pieces (search/cache.py): the LRU and the index generation."""

from __future__ import annotations

import pytest

from search.cache import Lru, generation_of
from store import lookups


def test_lru_keeps_the_most_recently_used() -> None:
    lru: Lru[str, int] = Lru(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # a is now the most recent
    lru.put("c", 3)
    assert (lru.get("a"), lru.get("b"), lru.get("c")) == (1, None, 3)
    assert len(lru) == 2


def test_lru_replaces_a_value() -> None:
    lru: Lru[str, int] = Lru(2)
    lru.put("a", 1)
    lru.put("a", 5)
    assert lru.get("a") == 5 and len(lru) == 1


def _aggs(*buckets: tuple[str, int, int, int, int], other: int = 0) -> dict[str, object]:
    return {
        "index": {
            "sum_other_doc_count": other,
            "buckets": [
                {"key": k, "doc_count": n, "seq": {"count": n, "min": lo, "max": hi, "sum": total}}
                for k, n, lo, hi, total in buckets
            ],
        }
    }


def test_generation_names_every_index_and_its_sequence_numbers() -> None:
    one = generation_of(_aggs(("gov-v2", 3, 0, 2, 3), ("gov-v1", 2, 0, 1, 1)))
    assert one == "gov-v1:2:0:1:1|gov-v2:3:0:2:3"  # in the order of names, whatever ES's order
    assert one == generation_of(_aggs(("gov-v1", 2, 0, 1, 1), ("gov-v2", 3, 0, 2, 3)))


@pytest.mark.parametrize(
    "changed",
    [
        ("gov-v1", 3, 0, 3, 4),  # a record rewritten in place: the highest number rises
        ("gov-v1", 2, 0, 2, 2),  # a deletion alone: the count falls
        ("gov-v2", 3, 0, 2, 3),  # a rebuild: another index
    ],
)
def test_any_write_moves_the_generation(changed: tuple[str, int, int, int, int]) -> None:
    assert generation_of(_aggs(("gov-v1", 3, 0, 2, 3))) != generation_of(_aggs(changed))


def test_no_generation_without_an_index_or_beyond_the_listed_ones() -> None:
    assert generation_of({}) is None
    assert generation_of(_aggs()) is None
    assert generation_of(_aggs(("gov-v1", 3, 0, 2, 3), other=5)) is None


def test_generation_body_counts_sequence_numbers_per_index_and_nothing_that_moves_with_the_clock() -> None:
    body = lookups.generation_body()
    assert body["size"] == 0 and "query" not in body and "timeout" not in body
    assert body["aggs"]["index"]["terms"]["field"] == "_index"
    assert body["aggs"]["index"]["aggs"]["seq"] == {"stats": {"field": "_seq_no"}}

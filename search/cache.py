"""Per-process caches of answers that change only when the index does, keyed by what the index holds.

The key is the index's generation (generation_of): for each concrete index behind the alias, the count,
lowest, highest and sum of its live records' sequence numbers. Elasticsearch gives every write (a new
record, a changed one, a deletion) a sequence number above all earlier ones on its shard, so on one shard
a write raises the highest or (a deletion alone) lowers the count; on several shards a write that kept
every one of count, lowest, highest and sum at once would go unseen. A rebuild publishes another index
name. `indexer update` and admin deletions write into the live index in place, so its name alone is not
a version. The generation comes from store.lookups.generation_body, which rides in a query's msearch and
which the shard request cache answers until the next refresh.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Lru(Generic[K, V]):
    """A bounded map, least recently used out first; safe to share between a worker's threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def discard(self, key: K) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)


def generation_of(aggs: dict[str, Any]) -> str | None:
    """The generation in the aggregations of store.lookups.generation_body; None (cache nothing) when
    the alias serves nothing or more indices than the body lists."""
    index = aggs.get("index", {})
    buckets = index.get("buckets", [])
    if not buckets or index.get("sum_other_doc_count", 0):
        return None
    parts = []
    for b in sorted(buckets, key=lambda b: str(b["key"])):
        seq = b.get("seq", {})
        parts.append(f"{b['key']}:{seq.get('count')}:{seq.get('min')}:{seq.get('max')}:{seq.get('sum')}")
    return "|".join(parts)

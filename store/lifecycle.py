"""The versioned indices behind one alias: create, check, publish (keeping previous versions), roll back,
drop dead builds, and the writer lock that makes all of this safe for one writer at a time.

Mixed into SearchStore, so callers keep one object per process.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch

from config.settings import EsSettings
from store.errors import IndexNotFound, ModelMismatch, StoreError, translated
from store.lock import WriterLock
from store.mapping import LIVE_REFRESH_INTERVAL, SCHEMA_VERSION, index_body
from store.scan import check_shards

log = logging.getLogger(__name__)

FORCE_MERGE_TIMEOUT = 3600.0  # seconds; merging a large corpus rebuilds its vector graph
# settle() merges a live index after an update only up to this size: the 746-document eval index (113 MB)
# merged in 16 s on two cores; a much larger one would rebuild its vector graph for minutes beside live
# searches, and a forced segment above Lucene's largest merged segment (5 GB) is never merged again.
SETTLE_MAX_BYTES = 1024**3
# Seconds for changes of the cluster state (create an index, settings, the alias): they wait for the
# master, and when the master node has just died, for the election of a new one (a few seconds).
ADMIN_TIMEOUT = 60.0


def write_alias(index: str) -> str:
    """Every version gets an alias of its own that bulk writes must go through (require_alias): when the
    version is deleted, its alias goes with it, so a write can never re-create it with dynamic mappings on
    a cluster that auto-creates indices (the stock default)."""
    return f"{index}-writer"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def version_stamp(ns: int) -> str:
    """Local date, time and microseconds of a version's creation: names sort as the versions were made
    (publish and rollback rely on it), also two made within one second (the six digits were once the
    nanoseconds within a millisecond, which do not)."""
    return (
        time.strftime("%Y%m%d%H%M%S", time.localtime(ns // 1_000_000_000)) + f"{ns // 1000 % 1_000_000:06d}"
    )


@dataclass(frozen=True)
class Version:
    name: str
    live: bool
    published_at: str | None  # None: never published (a build in progress, or a dead one)
    documents: int


class IndexLifecycle:
    settings: EsSettings
    alias: str

    @property
    def client(self) -> Elasticsearch:  # provided by SearchStore
        raise NotImplementedError

    @property
    def _admin(self) -> Elasticsearch:
        return self.client.options(request_timeout=ADMIN_TIMEOUT)

    def live_index(self) -> str | None:
        """The concrete index the alias points at, or None when nothing is published yet."""
        with translated():
            if not self.client.indices.exists_alias(name=self.alias):
                return None
            names = list(self.client.indices.get_alias(name=self.alias).keys())
        return names[0] if names else None

    def writer_lock(self, purpose: str, lease_seconds: float, name: str = "writer") -> WriterLock:
        """The alias's writer lock (not yet acquired): `with store.writer_lock("build", 120): ...`; another
        `name` is another lock beside it (a part of a split build holds its own)."""
        return _TranslatedLock(self.client, self.alias, lease_seconds, purpose, name)

    def create_index(self, model_name: str, dims: int, **meta: Any) -> str:
        """A new, unpublished, versioned index behind the alias name, with its own write alias; `meta`
        goes into its _meta."""
        name = f"{self.alias}-v{version_stamp(time.time_ns())}"
        body = index_body(self.settings, model_name, dims)
        body["mappings"]["_meta"].update(meta, created_at=now_iso())
        with translated():
            self._admin.indices.create(index=name, aliases={write_alias(name): {}}, **body)
        return name

    def index_meta(self, index: str | None = None) -> dict[str, Any]:
        target = index or self.alias
        with translated():
            mapping = self.client.indices.get_mapping(index=target)
        return dict(next(iter(mapping.values()))["mappings"].get("_meta", {}))

    def index_version(self) -> str | None:
        """What the alias serves, in one request: its concrete index and when that index last changed
        (a build or update records its run in _meta, an admin delete stamps changed_at); None when
        nothing is published. Cached answers are keyed by it."""
        try:
            with translated():
                mapping = self.client.indices.get_mapping(index=self.alias)
        except IndexNotFound:
            return None
        name, body = next(iter(mapping.items()))
        meta = body["mappings"].get("_meta", {})
        return f"{name}@{meta.get('last_run', {}).get('at', '')}@{meta.get('changed_at', '')}"

    def set_meta(self, index: str, **updates: Any) -> dict[str, Any]:
        """Merge `updates` into the index's _meta (which Elasticsearch replaces whole)."""
        meta = {**self.index_meta(index), **updates}
        with translated():
            self._admin.indices.put_mapping(index=index, meta=meta)
        return meta

    def check_model(self, model_name: str, dims: int, index: str | None = None) -> None:
        """Refuse to query or update an index built with another embedding model."""
        meta = self.index_meta(index)
        if meta.get("model_name") != model_name or meta.get("dims") != dims:
            raise ModelMismatch(
                f"index {index or self.alias} holds vectors of model {meta.get('model_name')!r} "
                f"({meta.get('dims')} dims), not {model_name!r} ({dims} dims); rebuild it with "
                "`python -m indexer build` or configure the model it was built with"
            )
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise ModelMismatch(f"index schema {meta.get('schema_version')} != {SCHEMA_VERSION}; rebuild it")

    def verify_index(self, index: str, model_name: str, dims: int) -> None:
        """Before publishing: the index carries our _meta and our mapping (strict, with the vector field),
        not dynamic mappings some other writer could have produced."""
        self.check_model(model_name, dims, index)
        with translated():
            mappings = self.client.indices.get_mapping(index=index)[index]["mappings"]
        vector = mappings.get("properties", {}).get("vector", {})
        if (
            mappings.get("dynamic") != "strict"
            or vector.get("type") != "dense_vector"
            or vector.get("dims") != dims
        ):
            raise StoreError(f"index {index} does not have our mapping; not publishing it")

    def optimize(self, index: str) -> None:
        """Merge a finished build into one segment: each segment costs every search its own term lookups
        and its own HNSW graph walk (measured on the sample corpus: keyword searches 8 -> 4 ms)."""
        with translated():
            self.client.options(request_timeout=FORCE_MERGE_TIMEOUT).indices.forcemerge(
                index=index, max_num_segments=1
            )

    def settle(self, index: str) -> bool:
        """After an update changed a live index: merge it back into one segment while it is small enough
        (an update leaves new segments and deleted records, and every segment costs each search; the
        eval index after an in-place update of its 746 documents: 10 segments, 2.7x the bytes). Above
        SETTLE_MAX_BYTES Elasticsearch's merge policy is left to it. True when it merged."""
        with translated():
            stats = self.client.indices.stats(index=index, metric="store")
        size = int(stats["_all"]["primaries"]["store"]["size_in_bytes"])
        if size > SETTLE_MAX_BYTES:
            return False
        self.optimize(index)
        return True

    def versions(self) -> list[Version]:
        """Every version behind the alias, newest first: two requests however many versions there are
        (the indices with their aliases and _meta, then one search counting documents per index)."""
        pattern = f"{self.alias}-v*"
        with translated():
            found = self.client.indices.get(index=pattern, expand_wildcards="open")
        if not found:
            return []
        with translated():
            resp = self.client.search(
                index=pattern,
                expand_wildcards="open",
                size=0,
                query={"term": {"type": "document"}},
                aggs={"per_index": {"terms": {"field": "_index", "size": len(found)}}},
            )
        check_shards(resp.body)
        counts = {b["key"]: int(b["doc_count"]) for b in resp["aggregations"]["per_index"]["buckets"]}
        out = [
            Version(
                name,
                self.alias in info.get("aliases", {}),
                info.get("mappings", {}).get("_meta", {}).get("published_at"),
                counts.get(name, 0),
            )
            for name, info in found.items()
        ]
        return sorted(out, key=lambda v: v.name, reverse=True)

    def publish(self, index: str, keep_previous: int = 1) -> list[str]:
        """Point the alias at `index` in one atomic step; keep `keep_previous` earlier published versions
        for rollback and drop older ones. Returns the dropped versions."""
        self._move_alias(index)
        return self._drop(keep_previous)

    def rollback(self) -> tuple[str, str]:
        """Move the alias back to the most recently published other version. Returns (from, to)."""
        live = self.live_index()
        if live is None:
            raise IndexNotFound(f"no index behind alias {self.alias!r}")
        earlier = [v for v in self.versions() if not v.live and v.published_at]
        if not earlier:
            raise StoreError(f"no earlier version of {self.alias!r} is kept; nothing to roll back to")
        target = max(earlier, key=lambda v: v.published_at or "").name
        self._move_alias(target)
        return live, target

    def drop_dead_builds(self) -> list[str]:
        """Delete versions that were never published. Call only while holding the writer lock: then no
        build is in progress, so every unpublished version belongs to a build that died. A split build
        (`_meta.split`) is kept: its parts run without the writer lock, and a rerun part completes it."""
        live = self.live_index()
        unpublished = [v.name for v in self.versions() if not v.published_at and v.name != live]
        dead = [name for name in unpublished if "split" not in self.index_meta(name)]
        self._delete(dead)
        return dead

    def open_splits(self) -> list[str]:
        """Unpublished split builds behind the alias, newest first."""
        return [
            v.name
            for v in self.versions()
            if not v.published_at and not v.live and "split" in self.index_meta(v.name)
        ]

    def _move_alias(self, index: str) -> None:
        old = self.live_index()
        actions: list[dict[str, Any]] = [{"add": {"index": index, "alias": self.alias}}]
        if old and old != index:
            actions.insert(0, {"remove": {"index": old, "alias": self.alias}})
        with translated():
            self.client.indices.put_settings(
                index=index, settings={"refresh_interval": LIVE_REFRESH_INTERVAL}
            )
            self.client.indices.refresh(index=index)
        self.set_meta(index, published_at=now_iso())
        with translated():
            self.client.indices.update_aliases(actions=actions)

    def _drop(self, keep_previous: int) -> list[str]:
        versions = self.versions()
        published = sorted(
            (v for v in versions if v.published_at and not v.live),
            key=lambda v: v.published_at or "",
            reverse=True,
        )
        stale = [v.name for v in published[keep_previous:]]
        self._delete(stale)
        return stale

    def _delete(self, names: list[str]) -> None:
        with translated():
            for name in names:  # exact names: Elasticsearch 8 refuses wildcard deletes
                self._admin.indices.delete(index=name, ignore_unavailable=True)
        if names:
            log.info("dropped index versions %s", names)


class _TranslatedLock(WriterLock):
    """The writer lock with Elasticsearch errors turned into the store's own."""

    def acquire(self) -> None:
        with translated():
            super().acquire()

    def release(self) -> None:
        with translated():
            super().release()

"""WriterLock: one writer (build, update, rollback, delete) per alias at a time, held in Elasticsearch.

The lock is one document in a small index beside the alias. It carries its owner and a lease; a heartbeat
thread renews the lease while the holder works, so the lock of a process that was killed expires by itself
after one lease. Every change of the lock document is conditional on the sequence number last seen
(optimistic concurrency), so two processes can never both believe they hold it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import elasticsearch
from elasticsearch import Elasticsearch

from store.errors import LockHeld, LockLost

log = logging.getLogger(__name__)

_LOCK_ID = "writer"


def lock_index_name(alias: str) -> str:
    return f"{alias}-lock"


def _dead_here(owner: str) -> bool:
    """The holder ran on this machine and its process is gone (killed): its lock need not wait for the lease."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


class WriterLock:
    """Acquire with `acquire()` (raises LockHeld), release with `release()`; usable as a context manager."""

    def __init__(
        self, client: Elasticsearch, alias: str, lease_seconds: float, purpose: str, name: str = _LOCK_ID
    ) -> None:
        self.client = client
        self.index = lock_index_name(alias)
        self.name = name  # the lock document: "writer" for the alias, one per part of a split build
        self.lease = lease_seconds
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.purpose = purpose
        self._seq: tuple[int, int] | None = None  # (seq_no, primary_term) last written
        self._stop = threading.Event()
        self._lost: str | None = None
        self._heartbeat: threading.Thread | None = None
        self._mutex = threading.Lock()

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _body(self) -> dict[str, Any]:
        now = time.time()
        return {
            "owner": self.owner,
            "purpose": self.purpose,
            "acquired_at": _iso(now),
            "expires_at": now + self.lease,
        }

    def _ensure_index(self) -> None:
        # Created explicitly: clusters may refuse to auto-create indices (ours does).
        self.client.options(ignore_status=400).indices.create(
            index=self.index,
            settings={"number_of_shards": 1, "auto_expand_replicas": "0-1"},
            mappings={"dynamic": False, "properties": {"expires_at": {"type": "double"}}},
        )

    def acquire(self) -> None:
        self._ensure_index()
        try:
            resp = self.client.create(index=self.index, id=self.name, document=self._body(), refresh=True)
        except elasticsearch.ConflictError:
            current = self.client.get(index=self.index, id=self.name)
            holder = current["_source"]
            if float(holder.get("expires_at", 0)) > time.time() and not _dead_here(str(holder.get("owner"))):
                raise LockHeld(
                    f"another writer holds the index lock: {holder.get('purpose', '?')} by "
                    f"{holder.get('owner')} since {holder.get('acquired_at')}, lease until "
                    f"{_iso(float(holder['expires_at']))}. Wait for it to finish; if that process was "
                    "killed, its lock expires by itself at that time."
                ) from None
            log.warning(
                "taking over the index lock of %s (expired, or its process is gone)", holder.get("owner")
            )
            try:
                resp = self.client.index(
                    index=self.index,
                    id=self.name,
                    document=self._body(),
                    if_seq_no=current["_seq_no"],
                    if_primary_term=current["_primary_term"],
                    refresh=True,
                )
            except elasticsearch.ConflictError:
                raise LockHeld("another writer took the expired index lock first") from None
        self._seq = (resp["_seq_no"], resp["_primary_term"])
        self._stop.clear()
        self._heartbeat = threading.Thread(target=self._renew_loop, daemon=True, name="lock-heartbeat")
        self._heartbeat.start()

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.lease / 4):
            try:
                self.renew()
            except LockLost:
                return
            except (elasticsearch.ApiError, elasticsearch.TransportError) as exc:
                # A node down: keep trying until the lease runs out; check() tells the holder then.
                log.warning("could not renew the index lock: %s", exc)

    def renew(self) -> None:
        """Extend the lease by one lease from now; raises LockLost when another writer took the lock."""
        with self._mutex:
            if self._seq is None:
                raise LockLost("the index lock is not held")
            try:
                resp = self.client.index(
                    index=self.index,
                    id=self.name,
                    document=self._body(),
                    if_seq_no=self._seq[0],
                    if_primary_term=self._seq[1],
                )
            except elasticsearch.ConflictError:
                self._lost = "the index lock was taken over by another writer (our lease had expired)"
                log.error(self._lost)
                raise LockLost(self._lost) from None
            self._seq = (resp["_seq_no"], resp["_primary_term"])

    def check(self) -> None:
        """Raise LockLost when the lease was lost: the holder must stop before it changes anything more."""
        if self._lost:
            raise LockLost(self._lost)
        if self._seq is None:
            raise LockLost("the index lock is not held")

    def release(self) -> None:
        self._stop.set()
        if self._heartbeat is not None:
            self._heartbeat.join(timeout=5)
        with self._mutex:
            seq, self._seq = self._seq, None
        if seq is None or self._lost:
            return
        try:
            self.client.delete(
                index=self.index, id=self.name, refresh=True, if_seq_no=seq[0], if_primary_term=seq[1]
            )
        except (elasticsearch.ApiError, elasticsearch.TransportError) as exc:
            log.warning("could not release the index lock (it expires by itself): %s", exc)

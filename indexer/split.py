"""A build split across machines: each `build --part I/N` writes its files into one shared, unpublished
index and records itself in that index's `_meta.split`; `publish` moves the alias once every part is in
and the counts add up. The alias's writer lock is held only for the short steps that change `_meta` or
the alias, so parts run at the same time (each under a lock of its own)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from indexer.plan import Part
from indexer.report import Report
from indexer.scope import Scope, root_record
from indexer.versions import changed_relations, relations_for
from store.errors import LockHeld
from store.lifecycle import now_iso
from store.search_store import SearchStore


class SplitError(Exception):
    """publish refused: no split build, a part missing, or counts that do not add up; nothing changed."""


@dataclass(frozen=True)
class Published:
    index: str
    parts: int
    documents: int
    passages: int
    dropped_versions: list[str]


def part_lock_name(part: Part) -> str:
    return f"part-{part.number}-of-{part.total}"


@contextlib.contextmanager
def briefly_locked(store: SearchStore, purpose: str, lease_seconds: float) -> Iterator[Any]:
    """The alias's writer lock for a short step, waiting up to one lease while another part or a publish
    holds it (a full build holding it longer still fails with LockHeld)."""
    deadline = time.monotonic() + lease_seconds
    while True:
        try:
            lock = store.writer_lock(purpose, lease_seconds)
            lock.acquire()
            break
        except LockHeld:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)
    try:
        yield lock
    finally:
        lock.release()


def join_split(store: SearchStore, total: int, model_name: str, dims: int) -> str:
    """The open split build of `total` parts for this model, created by the first part to come. Call
    holding the alias's writer lock, so two parts starting together join the same index."""
    for name in store.open_splits():
        meta = store.index_meta(name)
        if meta["split"]["parts"] == total and (meta.get("model_name"), meta.get("dims")) == (
            model_name,
            dims,
        ):
            return name
    return store.create_index(model_name, dims, split={"parts": total, "in": {}})


def record_part(store: SearchStore, part: Part, report: Report, scopes: Sequence[Scope]) -> None:
    """Mark the part as in, with its counts (a rerun replaces its entry). Call holding the alias lock:
    Elasticsearch replaces _meta whole, so two parts must not merge theirs at once."""
    meta = store.index_meta(report.index)
    split = meta["split"]
    split["in"][str(part.number)] = {
        "documents": report.documents,
        "passages": report.passages,
        "files": report.files,
        "failed_files": len(report.failed_files),
        "at": now_iso(),
    }
    roots = {**meta.get("roots", {}), **{str(s.root): root_record(s.root) for s in scopes}}
    store.set_meta(report.index, split=split, roots=roots)


def publish_split(store: SearchStore, lock: Any, model_name: str, dims: int, keep: int) -> Published:
    """Check the newest open split build and move the alias to it. Call holding the alias lock."""
    splits = store.open_splits()
    if not splits:
        raise SplitError(f"no split build of alias {store.alias!r} is waiting: run `build --part I/N` first")
    index = splits[0]
    split = store.index_meta(index)["split"]
    total, parts = int(split["parts"]), split["in"]
    missing = [f"{i}/{total}" for i in range(1, total + 1) if str(i) not in parts]
    if missing:
        raise SplitError(
            f"split build {index}: part {', '.join(missing)} not in yet (in: {len(parts)} of {total}); "
            "run `python -m indexer build --part I/N FOLDER…` for each; nothing was published"
        )
    store.refresh(index)
    held = store.count("document", index), store.count("passage", index)
    expected = sum(p["documents"] for p in parts.values()), sum(p["passages"] for p in parts.values())
    if held != expected:
        raise SplitError(
            f"split build {index} holds {held[0]} documents / {held[1]} passages, but its parts wrote "
            f"{expected[0]} / {expected[1]} (a document in two parts' files, or a part still writing?); "
            "nothing was published"
        )
    # Issue 12: versions and repeals across parts, which no part alone could see.
    stored = store.stored_documents(index)
    store.update_relations(index, changed_relations(stored.values(), relations_for({}, stored, ())))
    store.optimize(index)
    store.verify_index(index, model_name, dims)
    failed = sum(p["failed_files"] for p in parts.values())
    last_run = {"mode": "build", "at": now_iso(), "added": expected[0], "changed": 0, "deleted": 0}
    store.set_meta(index, last_run={**last_run, "failed_files": failed, "parts": total})
    lock.check()
    dropped = store.publish(index, keep)
    return Published(index, total, expected[0], expected[1], dropped)

"""Versions of one document (same version_group, indexer/versions.py) and validity as shown.

Search shows each group once: the current version (no superseded_by) stands for the others, which it
lists under `versions`; unless the query targets an old version (one of its decree numbers), or only an
old version matched (a date filter the current one does not meet), which then leads instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from analyzers.validity import STATUS_LABELS, validity_status
from search.cache import Lru
from search.fusion import Candidate, bears_number
from search.results import DocumentView, HistoryEvent, Hit, Validity, VersionLink, Versions, document_url
from store.search_store import GROUP_ROWS, SearchStore

# (index generation, version group) -> the group's records, as store.documents_in_groups lists them
GroupCache = Lru[tuple[str, str], list[dict[str, Any]]]
GROUP_CACHE_SIZE = 4096  # version groups kept per process (a few hundred bytes each)


def validity_of(source: dict[str, Any], today: dt.date | None = None) -> Validity:
    """The document's status today, computed from its stored fields."""
    status = validity_status(source, today or dt.date.today())
    return Validity(
        status=status.status,
        label=STATUS_LABELS[status.status],
        reason=status.reason,
        effective_from=source.get("effective_from"),
        expires_on=source.get("expires_on"),
        superseded_by=source.get("superseded_by"),
        repealed_by=source.get("repealed_by"),
    )


def fold(ranked: list[Candidate], exact_number: str | None) -> list[Candidate]:
    """One candidate per version group, at the place of the group's best-ranked member: the version the
    query's number names, else the current version if it matched, else the best-ranked one."""
    groups: dict[str, list[Candidate]] = {}
    for c in ranked:
        groups.setdefault(str(c.source.get("version_group") or c.doc_id), []).append(c)
    out: list[Candidate] = []
    shown: set[str] = set()
    for c in ranked:
        key = str(c.source.get("version_group") or c.doc_id)
        if key in shown:
            continue
        shown.add(key)
        members = groups[key]
        named = [m for m in members if exact_number and bears_number(m.source, exact_number)]
        current = [m for m in members if not m.source.get("superseded_by")]
        out.append(named[0] if named else current[0] if current else members[0])
    return out


def attach(
    hits: list[Hit],
    page: list[Candidate],
    store: SearchStore,
    generation: str | None = None,
    cache: GroupCache | None = None,
) -> list[Hit]:
    """Each hit (shaped from `page`) with the other versions of its group: one search for the page's
    groups that `cache` does not hold for this index generation (search/cache.py)."""
    known = {c.doc_id: str(c.source["version_group"]) for c in page if c.source.get("version_group")}
    groups = _members(group_rows(store, sorted(set(known.values())), generation, cache), known)
    return [replace(h, **_relations(h.doc_id, h.validity, groups)) for h in hits]


def with_versions(view: DocumentView, source: dict[str, Any], store: SearchStore) -> DocumentView:
    """A document page's view with its validity, its versions and its revision history."""
    group = source.get("version_group")
    known = {view.doc_id: group} if group else {}
    groups = _members(group_rows(store, sorted(set(known.values()))), known)
    validity = validity_of(source)
    relations = _relations(view.doc_id, validity, groups)
    members = groups.get(view.doc_id, [])
    return replace(
        view,
        doc_numbers=tuple(source.get("doc_numbers") or ()),
        promulgated=source.get("promulgated"),
        history=history(source, members),
        **relations,
    )


def history(source: dict[str, Any], members: list[dict[str, Any]]) -> tuple[HistoryEvent, ...]:
    """The revision history, oldest first: each decree of the document's header and every other version
    in the index (linked; a decree dated like a version links to it)."""
    by_date = {str(m.get("date")): m for m in members}
    events = []
    for e in source.get("doc_number_history") or []:
        version = by_date.pop(str(e.get("date")), None) if e.get("role") != "公布" else None
        events.append(
            HistoryEvent(
                e.get("date"),
                e.get("number"),
                str(e.get("role") or ""),
                version.get("doc_id") if version else None,
                version.get("title") if version else None,
            )
        )
    for m in by_date.values():
        events.append(HistoryEvent(m.get("date"), None, "版本", m.get("doc_id"), m.get("title")))
    return tuple(sorted(events, key=lambda e: str(e.date or "")))


def group_rows(
    store: SearchStore, groups: list[str], generation: str | None = None, cache: GroupCache | None = None
) -> list[dict[str, Any]]:
    """The records of every version in these groups; those of a group `cache` holds for `generation`
    come from it (a group's records keep the order Elasticsearch gave them)."""
    if not groups:
        return []
    if generation is None or cache is None:
        return store.documents_in_groups(groups)
    found = {g: cache.get((generation, g)) for g in groups}
    missing = [g for g, rows in found.items() if rows is None]
    if missing:
        rows = store.documents_in_groups(missing)
        if len(rows) >= GROUP_ROWS:  # the answer may have been cut short: cache none of it
            return store.documents_in_groups(groups)
        for g in missing:
            found[g] = [r for r in rows if r.get("version_group") == g]
            cache.put((generation, g), found[g] or [])
    return [r for g in groups for r in found[g] or []]


def _members(rows: list[dict[str, Any]], known: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """For each doc_id of `known` (doc_id -> version group), the other versions (newest first)."""
    if not known:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for doc_id, group in known.items():
        others = [r for r in rows if r.get("version_group") == group and r.get("doc_id") != doc_id]
        out[doc_id] = sorted(others, key=lambda r: str(r.get("date") or ""), reverse=True)
    return out


def _relations(
    doc_id: str, validity: Validity | None, groups: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    others = groups.get(doc_id, [])
    links = tuple(
        VersionLink(
            r["doc_id"], r.get("title"), r.get("date"), document_url(r["doc_id"]), not r.get("superseded_by")
        )
        for r in others
    )
    out: dict[str, Any] = {"versions": Versions(len(links), links)}
    if validity is not None:
        supersedes = tuple(r["doc_id"] for r in others if r.get("superseded_by") == doc_id)
        out["validity"] = replace(validity, supersedes=supersedes)
    return out

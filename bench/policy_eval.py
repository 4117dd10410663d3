"""Issue 12's rows of `make eval`: 文号 at scale (every 国务院令 number of one regulation, typed the short way)
and versions (every multi-version title shows its current version with the older ones folded under it).

The cases are derived from the corpora as the indexer reads them, so the e2e test and the eval share them.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from analyzers.document import Document
from indexer.versions import facts_of, relate

STATE_COUNCIL_DECREE = "国务院令第"
PUBLISHED = "公布"


@dataclass(frozen=True)
class NumberCase:
    """A 国务院令 number: the query typed the short way, the regulation's versions and, for a revision
    decree whose version is indexed, the version it produced."""

    query: str
    regulation: frozenset[str]  # doc_ids of every version of the regulation
    version: str | None = None


@dataclass(frozen=True)
class VersionCase:
    """A title in several versions: the current one and the older ones it supersedes."""

    title: str
    current: str
    older: frozenset[str]


def _groups(docs: Sequence[Document]) -> dict[str, list[Document]]:
    relations = relate(facts_of(d) for d in docs)
    groups: dict[str, list[Document]] = defaultdict(list)
    for d in docs:
        groups[relations[d.doc_id].version_group].append(d)
    return groups


def number_cases(docs: Sequence[Document]) -> list[NumberCase]:
    """Every 国务院令 number that appears in exactly one regulation's header (any of its versions)."""
    members = {gid: frozenset(d.doc_id for d in ds) for gid, ds in _groups(docs).items()}
    group_of = {doc_id: gid for gid, ids in members.items() for doc_id in ids}
    groups: dict[str, set[str]] = defaultdict(set)
    bearers: dict[str, list[Document]] = defaultdict(list)
    decree_date: dict[str, str | None] = {}
    for d in docs:
        for n in d.doc_numbers:
            if n.number.startswith(STATE_COUNCIL_DECREE):
                groups[n.number].add(group_of[d.doc_id])
                bearers[n.number].append(d)
                if n.role != PUBLISHED:
                    decree_date[n.number] = n.date
    cases = []
    for number in sorted(groups):
        if len(groups[number]) != 1:
            continue
        version = None
        if number in decree_date:
            # the version dated by the decree; absent when only a later version (revised without a
            # numbered decree) is indexed
            produced = [d.doc_id for d in bearers[number] if d.date and d.date == decree_date[number]]
            version = produced[0] if len(produced) == 1 else None
        cases.append(NumberCase(number, members[next(iter(groups[number]))], version))
    return cases


def revision_decrees(docs: Sequence[Document]) -> int:
    """How many 国务院令 numbers of one regulation are revision decrees (with or without their version)."""
    revising = {n.number for d in docs for n in d.doc_numbers if n.role != PUBLISHED}
    return sum(1 for c in number_cases(docs) if c.query in revising)


def version_cases(docs: Sequence[Document]) -> list[VersionCase]:
    """Every version group of two or more documents: the newest is current."""
    cases = []
    for members in _groups(docs).values():
        if len(members) < 2:
            continue
        current = max(members, key=lambda d: (d.date or "", d.doc_id))
        older = frozenset(d.doc_id for d in members if d.doc_id != current.doc_id)
        cases.append(VersionCase(current.title, current.doc_id, older))
    return sorted(cases, key=lambda c: c.title)


def _hits(http: httpx.Client, q: str) -> list[dict[str, Any]]:
    resp = http.get("/api/search", params={"q": q, "size": 10})
    resp.raise_for_status()
    return list(resp.json()["hits"])


def number_success(http: httpx.Client, cases: Sequence[NumberCase]) -> tuple[float, float | None]:
    """Success@1 of the regulation over all cases, and of the produced version over revision decrees."""
    regulation, version = [], []
    for case in cases:
        hits = _hits(http, case.query)
        top = hits[0]["doc_id"] if hits else None
        regulation.append(float(top in case.regulation))
        if case.version is not None:
            version.append(float(top == case.version))
    return statistics.fmean(regulation), statistics.fmean(version) if version else None


def folded_right(http: httpx.Client, case: VersionCase) -> bool:
    """The title query shows the current version first, the older ones folded under it (listed in its
    versions, not as hits) and each of them superseded by the current one."""
    hits = _hits(http, case.title)
    if not hits or hits[0]["doc_id"] != case.current:
        return False
    links = hits[0]["versions"]["links"]
    if {x["doc_id"] for x in links} != case.older or any(x["current"] for x in links):
        return False
    if case.older & {h["doc_id"] for h in hits}:
        return False
    for doc_id in case.older:
        resp = http.get(f"/api/documents/{doc_id}")
        resp.raise_for_status()
        validity = resp.json()["validity"] or {}
        if validity.get("status") != "superseded" or validity.get("superseded_by") != case.current:
            return False
    return True


@dataclass(frozen=True)
class Row:
    name: str
    cases: str
    measure: str
    value: float | None
    target: str


def policy_rows(base_url: str, docs: Sequence[Document]) -> list[Row]:
    """The docnum-at-scale and versions rows, measured against our service over `docs`."""
    numbers, versions = number_cases(docs), version_cases(docs)
    with httpx.Client(base_url=base_url, timeout=60) as http:
        regulation, version = number_success(http, numbers)
        folded = statistics.fmean(float(folded_right(http, c)) for c in versions) if versions else None
    produced = sum(1 for c in numbers if c.version)
    return [
        Row("docnum-at-scale", str(len(numbers)), "Success@1 of the regulation", regulation, "≥ 0.98"),
        Row(
            "docnum-at-scale",
            f"{produced} of {revision_decrees(docs)} revision decrees",
            "Success@1 of the version produced",
            version,
            "≥ 0.95",
        ),
        Row("versions", f"{len(versions)} titles", "current first, older folded, superseded", folded, "1.0"),
    ]


def print_policy_rows(rows: Sequence[Row]) -> None:
    print("\n## policy library (issue 12)")
    print("| row | cases | measure | value | target |")
    print("|---|---|---|---|---|")
    for r in rows:
        value = "—" if r.value is None else f"{r.value:.3f}"
        print(f"| {r.name} | {r.cases} | {r.measure} | {value} | {r.target} |")

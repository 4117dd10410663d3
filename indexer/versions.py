"""Relations between documents: versions of one another (a version group; the newest is current, older ones
are superseded by it) and repeals ("《…》同时废止" naming a document of the same index).

A pure function of a few facts per document, so it runs over the documents of a build and, for an
update, over those plus the facts of documents already stored."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from analyzers.document import Document
from analyzers.textnorm import fold
from store.records import RELATION_FIELDS, StoredDocument

# Brackets, quotes and spaces do not make another title: "烈士褒扬条例" == "《烈士褒扬条例》".
_NOISE = re.compile(r"[\s《》〈〉<>“”\"'·]")
# A regulation's name with and without the country's: "中华人民共和国专利法实施细则" == "专利法实施细则".
_COUNTRY = "中华人民共和国"


@dataclass(frozen=True)
class DocFacts:
    """What relating documents needs to know of one document (from a Document or a stored record)."""

    doc_id: str
    title: str
    issuer: str | None
    kind: str | None
    date: str | None
    repeals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Relations:
    """What is stored on a document about its relations."""

    version_group: str
    superseded_by: str | None = None  # doc_id of the current version
    repealed_by: str | None = None  # doc_id of a document that repeals it


def normalise_title(title: str) -> str:
    return _NOISE.sub("", fold(title)).removeprefix(_COUNTRY)


def version_group_id(title: str, issuer: str | None) -> str:
    """Stable id of a version group: the normalised title and issuer."""
    key = f"{normalise_title(title)}\x1f{normalise_title(issuer or '')}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def relate(documents: Iterable[DocFacts]) -> dict[str, Relations]:
    """Relations of every document: its version group, the current version when it is an older one, and
    the document repealing it (only one of another group, not older than itself)."""
    docs = list(documents)
    groups = _groups(docs)
    group_of = {d.doc_id: gid for gid, members in groups.items() for d in members}
    superseded = {d.doc_id: current for members in groups.values() for d, current in _superseded(members)}
    by_title: dict[str, list[DocFacts]] = defaultdict(list)
    for d in docs:
        by_title[normalise_title(d.title)].append(d)
    repealed: dict[str, str] = {}
    for repealer in sorted(docs, key=lambda d: (d.date or "", d.doc_id)):
        for title in repealer.repeals:
            for target in by_title.get(normalise_title(title), []):
                older = not (target.date and repealer.date) or target.date <= repealer.date
                if group_of[target.doc_id] != group_of[repealer.doc_id] and older:
                    repealed.setdefault(target.doc_id, repealer.doc_id)
    return {
        d.doc_id: Relations(group_of[d.doc_id], superseded.get(d.doc_id), repealed.get(d.doc_id))
        for d in docs
    }


def _groups(docs: Sequence[DocFacts]) -> dict[str, list[DocFacts]]:
    """Documents by normalised title and kind, then issuer; a document without an issuer joins the
    title's only issuer (one version printed without its decree line)."""
    by_title: dict[tuple[str, str], list[DocFacts]] = defaultdict(list)
    for d in docs:
        by_title[(normalise_title(d.title), d.kind or "")].append(d)
    groups: dict[str, list[DocFacts]] = defaultdict(list)
    for members in by_title.values():
        issuers = {normalise_title(d.issuer) for d in members if d.issuer}
        only = next(iter(issuers)) if len(issuers) == 1 else None
        for d in members:
            issuer = normalise_title(d.issuer) if d.issuer else only
            groups[version_group_id(members[0].title, issuer)].append(d)
    return groups


def _superseded(members: Sequence[DocFacts]) -> list[tuple[DocFacts, str]]:
    """(older version, current doc_id) pairs of one group; versions of the newest date are all current."""
    dated = [d for d in members if d.date]
    if len(dated) < 2:
        return []
    current = max(dated, key=lambda d: (d.date or "", d.doc_id))
    return [(d, current.doc_id) for d in dated if d.date and d.date < (current.date or "")]


def facts_of(doc: Document) -> DocFacts:
    return DocFacts(doc.doc_id, doc.title, doc.issuer, doc.kind, doc.date, doc.repeals)


def stored_facts(doc: StoredDocument) -> DocFacts:
    return DocFacts(doc.doc_id, doc.title, doc.issuer, doc.kind, doc.date, doc.repeals)


def changed_relations(
    stored: Iterable[StoredDocument], relations: dict[str, Relations]
) -> dict[str, tuple[int, dict[str, str | None]]]:
    """Stored documents whose stored relations differ from `relations`: doc_id -> (passage_count, fields),
    what SearchStore.update_relations takes."""
    changes: dict[str, tuple[int, dict[str, str | None]]] = {}
    for doc in stored:
        wanted = relations.get(doc.doc_id)
        if wanted is None:
            continue
        fields = {name: getattr(wanted, name) for name in RELATION_FIELDS}
        if fields != {name: getattr(doc, name) for name in RELATION_FIELDS}:
            changes[doc.doc_id] = (doc.passage_count, fields)
    return changes


def relations_for(
    facts: dict[str, DocFacts], stored: dict[str, StoredDocument], deleted: Iterable[str]
) -> dict[str, Relations]:
    """Relations over the documents read now and those stored and kept (an update of one folder still
    groups its documents with versions stored from other folders)."""
    gone = set(deleted)
    kept = [stored_facts(d) for d in stored.values() if d.doc_id not in facts and d.doc_id not in gone]
    return relate([*facts.values(), *kept])

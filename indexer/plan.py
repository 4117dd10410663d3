"""What a build or an update will do, worked out before anything is written: the documents to add, to
change and to delete. `--dry-run` prints it; the real run carries out exactly this plan."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analyzers.document import Document
from indexer.records import content_hash
from indexer.scope import Scope
from indexer.sources import UnreadableFile, iter_source_files
from indexer.versions import DocFacts, facts_of
from store.records import StoredDocument

log = logging.getLogger(__name__)

# Reads one file under a root into its documents; raises UnreadableFile.
FileReader = Callable[[Path, Path], list[Document]]

# The plan keeps the documents it read, up to this many characters of text, so the run need not read
# their files again; files beyond it are read a second time. About 2 bytes a character (CJK in CPython).
KEEP_CHARS = 50_000_000


@dataclass(frozen=True)
class Part:
    """Part `number` of `total` of a split build: the files whose root-relative path hashes to it, so
    every machine agrees on the split without talking to the others."""

    number: int
    total: int

    @classmethod
    def parse(cls, text: str) -> Part:
        """ "2/3" -> Part(2, 3); raises ValueError with the expected form."""
        number, _, total = text.partition("/")
        if not (number.isdigit() and total.isdigit() and 1 <= int(number) <= int(total)):
            raise ValueError(f"a part is I/N with 1 <= I <= N (e.g. 1/2), not {text!r}")
        return cls(int(number), int(total))

    def holds(self, source: str) -> bool:
        """Whether the file at root-relative path `source` belongs to this part."""
        digest = hashlib.sha256(source.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "big") % self.total == self.number - 1

    def __str__(self) -> str:
        return f"{self.number}/{self.total}"


@dataclass(frozen=True)
class PlannedDocument:
    doc_id: str
    title: str
    source: str
    source_root: str
    digest: str


@dataclass
class Plan:
    added: list[PlannedDocument] = field(default_factory=list)
    changed: list[PlannedDocument] = field(default_factory=list)
    unchanged: int = 0
    deleted: list[StoredDocument] = field(default_factory=list)
    files: int = 0
    failed_files: dict[str, str] = field(default_factory=dict)
    # Files holding documents to write, with their root: the run reads only these again.
    files_to_write: dict[Path, Path] = field(default_factory=dict)
    # Issue 12: what relating documents (versions, repeals) needs of every document read in scope.
    facts: dict[str, DocFacts] = field(default_factory=dict)
    # Documents of files in files_to_write, kept from the plan's reading (up to KEEP_CHARS of text).
    kept: dict[Path, list[Document]] = field(default_factory=dict)

    @property
    def to_write(self) -> dict[str, PlannedDocument]:
        return {d.doc_id: d for d in self.added + self.changed}


def iter_scope_files(scopes: Sequence[Scope]) -> Iterator[tuple[Path, Path]]:
    """(root, file) for every supported file of every scope, each file once."""
    seen: set[Path] = set()
    for scope in scopes:
        for path in iter_source_files([scope.path]):
            if path not in seen:
                seen.add(path)
                yield scope.root, path


def digest_of(doc: Document, root: Path, model_name: str, passage_chars: tuple[int, int]) -> str:
    return content_hash(doc, model_name, passage_chars, str(root))


def make_plan(
    scopes: Sequence[Scope],
    stored: Mapping[str, StoredDocument],
    read: FileReader,
    model_name: str,
    passage_chars: tuple[int, int],
    part: Part | None = None,
) -> Plan:
    """Read every file in scope (of `part`, when given) and compare with what is stored. A stored document
    in scope is deleted only when its file was read successfully (or is gone) and no longer yields it."""
    plan = Plan()
    seen: set[str] = set()
    failed_sources: set[tuple[str, str]] = set()
    kept_chars = 0
    for root, path in iter_scope_files(scopes):
        source = path.relative_to(root).as_posix()
        if part is not None and not part.holds(source):
            continue
        plan.files += 1
        try:
            docs = read(path, root)
        except UnreadableFile as exc:
            plan.failed_files[str(path)] = str(exc)
            failed_sources.add((str(root), source))
            log.warning("skipped %s: %s", path, exc)
            continue
        if not docs:
            plan.failed_files[str(path)] = "no documents found in the file"
        for doc in docs:
            if doc.doc_id in seen:
                continue  # the same document reached through two overlapping paths
            seen.add(doc.doc_id)
            plan.facts[doc.doc_id] = facts_of(doc)  # issue 12: versions and repeals
            digest = digest_of(doc, root, model_name, passage_chars)
            before = stored.get(doc.doc_id)
            if before is not None and before.content_hash == digest:
                plan.unchanged += 1
                continue
            item = PlannedDocument(doc.doc_id, doc.title, doc.source, str(root), digest)
            (plan.changed if before is not None else plan.added).append(item)
            plan.files_to_write[path] = root
        if path in plan.files_to_write and kept_chars < KEEP_CHARS:
            plan.kept[path] = docs
            kept_chars += sum(len(d.text) for d in docs)
    for old in stored.values():
        in_scope = any(old.source_root == str(s.root) and s.covers(old.source) for s in scopes)
        if in_scope and old.doc_id not in seen and (old.source_root, old.source) not in failed_sources:
            plan.deleted.append(old)
    return plan


def deletion_limit(total_documents: int, max_share: float, max_documents: int) -> int:
    """The most documents one update may delete without --allow-deletes."""
    return min(int(total_documents * max_share), max_documents)

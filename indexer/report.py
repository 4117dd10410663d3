"""What a build, a part of a split build or an update did (or, with dry_run, would do)."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.plan import PlannedDocument
from store.records import StoredDocument


@dataclass
class Report:
    """What a build or an update did (or, with dry_run, would do); printed as the final summary."""

    files: int = 0
    documents: int = 0
    passages: int = 0
    unchanged: int = 0
    added: list[PlannedDocument] = field(default_factory=list)
    changed: list[PlannedDocument] = field(default_factory=list)
    removed: list[StoredDocument] = field(default_factory=list)
    failed_files: dict[str, str] = field(default_factory=dict)
    failed_documents: dict[str, str] = field(default_factory=dict)
    index: str = ""
    mode: str = "build"  # or "update": the live index is changed in place
    dry_run: bool = False
    seconds: float = 0.0
    dropped_versions: list[str] = field(default_factory=list)

    @property
    def deleted(self) -> int:
        return len(self.removed)

    @property
    def passages_per_second(self) -> float:
        return self.passages / self.seconds if self.seconds else 0.0

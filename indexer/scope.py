"""Which files a build or an update reads, under which source root, and the checks that keep a missing or
empty folder (a share that failed to mount, a typo) from looking like "every document was deleted"."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.sources import iter_source_files


class RootError(Exception):
    """A folder to index is missing, empty, unreadable or not the one indexed before; nothing was changed."""


@dataclass(frozen=True)
class Scope:
    """One path of this run: `path` is read; source names are relative to `root`, which is either a root
    the index already records (when `path` lies under it, so document ids stay stable) or the path itself."""

    root: Path
    path: Path

    @property
    def prefix(self) -> str:
        """The stored source names this scope covers: "" for the whole root, "sub/" for a folder below it,
        the exact name for one file."""
        if self.path == self.root:
            return ""
        relative = self.path.relative_to(self.root).as_posix()
        return relative if self.path.is_file() else relative + "/"

    def covers(self, source: str) -> bool:
        return source.startswith(self.prefix) if not self.path.is_file() else source == self.prefix


def resolve_scopes(paths: Sequence[Path], recorded_roots: Iterable[str]) -> list[Scope]:
    """Absolute scopes for the given paths; a path below a recorded root keeps that root."""
    roots = sorted((Path(r) for r in recorded_roots), key=lambda r: len(r.parts), reverse=True)
    scopes: list[Scope] = []
    for given in paths:
        path = Path(os.path.abspath(given))
        root = next((r for r in roots if path == r or r in path.parents), None)
        if root is None:
            root = path if path.is_dir() or not path.exists() else path.parent
        scope = Scope(root, path)
        if scope not in scopes:
            scopes.append(scope)
    return scopes


def root_record(root: Path) -> dict[str, Any]:
    """What the index remembers of a root, to recognise it next time."""
    return {"device": os.stat(root).st_dev}


def check_scopes(scopes: Sequence[Scope], recorded: Mapping[str, Mapping[str, Any]]) -> None:
    """Raise RootError naming the first scope that is missing, unreadable, empty or on another device."""
    for scope in scopes:
        path = scope.path
        if not path.exists():
            raise RootError(f"{path}: no such file or folder; nothing was changed")
        if path.is_dir():
            try:
                os.listdir(path)
            except OSError as exc:
                raise RootError(f"{path}: cannot be read ({exc.strerror}); nothing was changed") from exc
            if next(iter_source_files([path]), None) is None:
                raise RootError(
                    f"{path}: no documents to read (.txt .md .html .docx .pdf) — is it mounted? "
                    "Nothing was changed"
                )
        before = recorded.get(str(scope.root), {}).get("device")
        if before is not None and before != os.stat(scope.root).st_dev:
            raise RootError(
                f"{scope.root} is on another device than when it was indexed (a share not mounted, or "
                "mounted elsewhere?); nothing was changed. `build` it anew if the move is intended"
            )

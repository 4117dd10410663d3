"""Read files in a worker process, each under a time budget proportional to its size.

A file that takes longer is skipped with its reason and the worker is killed and replaced, so no single
file can stall a build. One long-lived worker serves every file: a process per file would cost more than
reading a typical file does.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import TracebackType

from analyzers.document import Document
from config.settings import IndexerSettings
from indexer.sources import UnreadableFile, read_documents

ReadFunction = Callable[[Path, Path, int], list[Document]]
# Starting a worker imports the readers; on a busy host that can take several seconds.
_START_SECONDS = 120.0


class ReadWorker:
    """`read(path, root)` as `read_documents` does, but in a worker process that is killed on overrun.

    Use it as a context manager; `read_function` must be importable by name (it is sent to the worker).
    """

    def __init__(self, settings: IndexerSettings, read_function: ReadFunction = read_documents) -> None:
        self._settings = settings
        self._read_function = read_function
        # spawn, not fork: the pipeline forks from a process running threads and an HTTP client.
        self._context = multiprocessing.get_context("spawn")
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None

    def budget(self, size: int) -> float:
        """Seconds allowed to read, clean and split a file of `size` bytes."""
        return self._settings.read_min_seconds + self._settings.read_seconds_per_mb * size / 1_000_000

    def read(self, path: Path, root: Path) -> list[Document]:
        """Documents of one file. Raises UnreadableFile, also when the file is over its time budget."""
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # the worker reports why it cannot be opened
        conn = self._worker()
        conn.send((path, root))
        budget = self.budget(size)
        if not conn.poll(budget):
            self._stop(kill=True)
            raise UnreadableFile(f"over the time budget: not read in {budget:.1f} s ({size} bytes)")
        try:
            status, value = conn.recv()
        except EOFError:
            self._stop(kill=True)
            raise UnreadableFile("the reader process died on this file") from None
        if status == "ok":
            return value  # type: ignore[no-any-return]
        if status == "unreadable":
            raise UnreadableFile(value)
        raise RuntimeError(f"reading {path} failed in the worker:\n{value}")

    def close(self) -> None:
        self._stop(kill=False)

    def __enter__(self) -> ReadWorker:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _worker(self) -> Connection:
        if self._conn is not None:
            return self._conn
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_serve,
            args=(child, self._read_function, self._settings.max_file_bytes),
            name="read-worker",
            daemon=True,
        )
        process.start()
        child.close()
        try:
            ready = parent.poll(_START_SECONDS) and parent.recv() == "ready"
        except EOFError:  # e.g. a main module without `if __name__ == "__main__":` (spawn imports it)
            ready = False
        if not ready:
            process.kill()
            raise RuntimeError(
                f"the read worker did not start within {_START_SECONDS:.0f} s (see its error above)"
            )
        self._process, self._conn = process, parent
        return parent

    def _stop(self, kill: bool) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None and not kill:
            with contextlib.suppress(OSError):  # already gone: nothing to ask
                conn.send(None)  # a clean exit
        if process is not None:
            if kill:
                process.kill()
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()
        if conn is not None:
            conn.close()


def _serve(conn: Connection, read_function: ReadFunction, max_bytes: int) -> None:
    """The worker's loop: (path, root) in, ("ok", documents) / ("unreadable", reason) / ("error", trace) out."""
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        path, root = request
        try:
            conn.send(("ok", read_function(path, root, max_bytes)))
        except UnreadableFile as exc:
            conn.send(("unreadable", str(exc)))
        except Exception:  # a bug, not bad input: the parent raises it with this trace
            conn.send(("error", traceback.format_exc()))

"""CLI: python -m indexer build|update|ensure [PATH…] · publish · rollback · delete DOC_ID… · stats."""

from __future__ import annotations

import argparse
import functools
import logging
import os
import sys
from pathlib import Path

from analyzers.embed import ModelNotFoundError, load_embedder
from analyzers.model_card import describe_model
from analyzers.segment import Segmenter
from config.settings import Settings, load_settings
from indexer.pipeline import Pipeline, TooManyDeletes
from indexer.plan import Part
from indexer.report import Report
from indexer.scope import RootError
from indexer.split import SplitError
from store.errors import IndexNotFound, LockHeld, LockLost, ModelMismatch, StoreError, StoreUnavailable
from store.search_store import SearchStore

EXIT_LOCKED = 3  # another writer holds the index lock: try again later


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indexer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser(
        "build", help="build a new index version from files/folders and move the alias to it"
    )
    build.add_argument("paths", nargs="+", type=Path, help="files or folders (.txt .md .html .docx .pdf)")
    build.add_argument(
        "--part",
        type=_part,
        metavar="I/N",
        help="write only part I of N of the files into a shared split build (one per machine); "
        "`publish` moves the alias once all N parts are in",
    )
    update = sub.add_parser(
        "update", help="add, change and delete only the documents under PATH… (every recorded folder if none)"
    )
    update.add_argument("paths", nargs="*", type=Path, help="files or folders; default: the index's own")
    update.add_argument("--allow-deletes", action="store_true", help="allow deleting more than the bound")
    ensure = sub.add_parser(
        "ensure",
        help="what `make run` does: build PATH into an empty installation, update it if the index holds it, "
        "otherwise leave the index as it is",
    )
    ensure.add_argument("paths", nargs="+", type=Path)
    for cmd in (build, update, ensure):
        cmd.add_argument("--dry-run", action="store_true", help="print what would be added, changed, deleted")
        cmd.add_argument("--no-progress", action="store_true", help="no progress bar")
        cmd.add_argument(
            "--workers", type=int, default=1, metavar="N", help="embed in N processes (default 1)"
        )
    sub.add_parser(
        "publish", help="move the alias to a split build once all its parts are in and the counts add up"
    )
    sub.add_parser("rollback", help="move the alias back to the previous index version")
    delete = sub.add_parser("delete", help="delete documents (and their passages) by doc_id")
    delete.add_argument("doc_ids", nargs="+")
    sub.add_parser("stats", help="what the live index holds: folders, counts, last run, versions")
    return parser


def _part(text: str) -> Part:
    try:
        return Part.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _print_report(report: Report) -> None:
    if report.dry_run:
        print(f"\n{report.mode} --dry-run: nothing was changed; the run would do this:")
        for verb, docs in (("add", report.added), ("change", report.changed)):
            for d in docs:
                print(f"  {verb:<7} {d.doc_id}  {d.source}  {d.title}")
        for s in report.removed:
            print(f"  delete  {s.doc_id}  {s.source}  {s.title}")
    else:
        print(f"\n{report.mode} finished in {report.seconds:.1f}s → index {report.index}")
    print(f"  files read        {report.files}")
    print(
        f"  documents to add  {len(report.added)}  to change {len(report.changed)}  unchanged {report.unchanged}"
    )
    if not report.dry_run:
        print(f"  documents written {report.documents}")
        print(
            f"  passages written  {report.passages}  ({report.passages_per_second:.1f} passages/s end to end)"
        )
    print(f"  documents deleted {report.deleted}")
    for name in report.dropped_versions:
        print(f"  dropped old version {name}")
    for path, reason in report.failed_files.items():
        print(f"  skipped file      {path}: {reason}")
    for doc_id, reason in report.failed_documents.items():
        print(f"  failed document   {doc_id}: {reason}")


def _pipeline(settings: Settings, store: SearchStore, workers: int = 1) -> Pipeline:
    if not store.ping():
        raise StoreUnavailable(f"no answer from {settings.es.url}")
    make = functools.partial(load_embedder, settings.model)  # each embedding worker loads its own
    segmenter = Segmenter(settings.analyzer)
    return Pipeline(settings, store, load_embedder(settings.model), segmenter, workers, make)


def _index(settings: Settings, store: SearchStore, args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(missing)}; nothing was changed", file=sys.stderr)
        return 2
    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    if args.command == "ensure" and not _should_index(store, args.paths):
        return 0
    # First, before anything slow: which model, under which licence, and how to change it.
    print("\n".join(describe_model(settings.model).banner()), flush=True)
    pipeline = _pipeline(settings, store, args.workers)
    progress = not args.no_progress and sys.stderr.isatty()
    if args.command == "build" and args.part is not None:
        report = pipeline.build_part(args.paths, args.part, progress=progress, dry_run=args.dry_run)
        _print_report(report)
        if not report.dry_run:
            print(f"  part {args.part} is in; `python -m indexer publish` once all {args.part.total} are")
        return 1 if report.failed_documents else 0
    if args.command == "build":
        report = pipeline.build(args.paths, progress=progress, dry_run=args.dry_run)
    else:
        allow = getattr(args, "allow_deletes", False)
        report = pipeline.update(args.paths, progress=progress, dry_run=args.dry_run, allow_deletes=allow)
    _print_report(report)
    return 1 if report.failed_documents else 0


def _should_index(store: SearchStore, paths: list[Path]) -> bool:
    """`make run` indexes the sample only into an empty installation, or refreshes it where the index
    already holds it; a library built from other folders is served as it is."""
    live = store.live_index()
    if live is None:
        return True
    roots = set(store.index_meta(live).get("roots", {}))
    if not roots:
        raise RootError(
            f"index {live} was built by an older version and records no source folders; rebuild it with "
            "`python -m indexer build FOLDER…` (every folder it should hold)"
        )
    wanted = {os.path.abspath(p) for p in paths}
    if wanted <= roots:
        return True
    print(
        f"serving the existing index {live} as it is, built from: {', '.join(sorted(roots))}.\n"
        f"{', '.join(sorted(wanted - roots))} is not part of it and was not indexed "
        "(to add it: `make run CORPUS=…` or `python -m indexer update FOLDER`)."
    )
    return False


def _publish(settings: Settings, store: SearchStore) -> int:
    done = _pipeline(settings, store).publish()
    print(
        f"alias {store.alias} → {done.index}: {done.parts} parts, {done.documents} documents, "
        f"{done.passages} passages"
    )
    for name in done.dropped_versions:
        print(f"  dropped old version {name}")
    return 0


def _rollback(settings: Settings, store: SearchStore) -> int:
    with store.writer_lock("rollback", settings.indexer.lock_lease_seconds):
        before, after = store.rollback()
    print(
        f"alias {store.alias}: {before} → {after} ({store.count('document')} documents, "
        f"{store.count('passage')} passages)"
    )
    return 0


def _delete(settings: Settings, store: SearchStore, doc_ids: list[str]) -> int:
    with store.writer_lock("delete", settings.indexer.lock_lease_seconds):
        live = store.live_index()
        if live is None:
            raise IndexNotFound(f"no index behind alias {store.alias!r}")
        print(f"deleted {store.delete_documents(live, doc_ids)} records")
    return 0


def _stats(store: SearchStore) -> int:
    live = store.live_index()
    if live is None:
        print(f"no index behind alias {store.alias!r} yet: run `python -m indexer build PATH`")
        return 1
    meta = store.index_meta(live)
    print(f"alias {store.alias} → {live}")
    print(f"  documents {store.count('document')}  passages {store.count('passage')}")
    print(f"  model {meta.get('model_name')} ({meta.get('dims')} dims), schema {meta.get('schema_version')}")
    per_root = store.documents_per_root(live)
    for root in sorted(set(meta.get("roots", {})) | set(per_root)):
        print(f"  folder {root}: {per_root.get(root, 0)} documents")
    if last := meta.get("last_run"):
        print(
            f"  last {last['mode']} at {last['at']}: added {last['added']}, changed {last['changed']}, "
            f"deleted {last['deleted']}, skipped files {last['failed_files']}"
        )
    for v in store.versions():
        state = "live" if v.live else ("kept for rollback" if v.published_at else "never published")
        if split := (None if v.published_at else store.index_meta(v.name).get("split")):
            state = f"split build, {len(split['in'])} of {split['parts']} parts in, not published yet"
        print(f"  version {v.name}: {v.documents} documents, {state}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    store = SearchStore(settings.es)
    try:
        if args.command in ("build", "update", "ensure"):
            return _index(settings, store, args)
        if args.command == "publish":
            return _publish(settings, store)
        if args.command == "rollback":
            return _rollback(settings, store)
        if args.command == "delete":
            return _delete(settings, store, args.doc_ids)
        return _stats(store)
    except StoreUnavailable as exc:
        print(
            f"error: Elasticsearch is not reachable at {settings.es.url} ({exc}).\n"
            "Start it with `make es-up`; the live index was not touched.",
            file=sys.stderr,
        )
        return 2
    except LockHeld as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except (
        ModelMismatch,
        IndexNotFound,
        RootError,
        TooManyDeletes,
        LockLost,
        ModelNotFoundError,
        SplitError,
    ) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"error: Elasticsearch refused the request: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())

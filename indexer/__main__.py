"""CLI: python -m indexer build|update PATH… · delete DOC_ID… · stats."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from analyzers.embed import ModelNotFoundError, load_embedder
from analyzers.model_card import describe_model
from analyzers.segment import Segmenter
from config.settings import Settings, load_settings
from indexer.pipeline import Pipeline, Report
from store.errors import IndexNotFound, ModelMismatch, StoreError, StoreUnavailable
from store.search_store import SearchStore


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indexer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("build", "build a new index from files/folders and switch the alias to it"),
        ("update", "re-embed changed documents, add new ones, delete removed ones (in the live index)"),
    ):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("paths", nargs="+", type=Path, help="files or folders (.txt .md .html .docx .pdf)")
        cmd.add_argument("--no-progress", action="store_true", help="no progress bar")
    delete = sub.add_parser("delete", help="delete documents (and their passages) by doc_id")
    delete.add_argument("doc_ids", nargs="+")
    sub.add_parser("stats", help="what the live index holds")
    return parser


def _print_report(report: Report) -> None:
    print(f"\n{report.mode} finished in {report.seconds:.1f}s → index {report.index}")
    print(f"  files read        {report.files}")
    print(
        f"  documents written {report.documents}"
        + (f"  (unchanged {report.unchanged})" if report.mode == "update" else "")
    )
    print(f"  passages written  {report.passages}  ({report.passages_per_second:.1f} passages/s end to end)")
    if report.mode == "update":
        print(f"  documents deleted {report.deleted}")
    for path, reason in report.failed_files.items():
        print(f"  skipped file      {path}: {reason}")
    for doc_id, reason in report.failed_documents.items():
        print(f"  failed document   {doc_id}: {reason}")


def _index(settings: Settings, args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    # First, before anything slow: which model, under which licence, and how to change it.
    print("\n".join(describe_model(settings.model).banner()), flush=True)
    store = SearchStore(settings.es)
    if not store.ping():
        raise StoreUnavailable(f"no answer from {settings.es.url}")
    pipeline = Pipeline(settings, store, load_embedder(settings.model), Segmenter(settings.analyzer))
    run = pipeline.build if args.command == "build" else pipeline.update
    report = run(args.paths, progress=not args.no_progress and sys.stderr.isatty())
    _print_report(report)
    return 1 if report.failed_documents else 0


def _stats(store: SearchStore) -> int:
    live = store.live_index()
    if live is None:
        print(f"no index behind alias {store.alias!r} yet: run `python -m indexer build PATH`")
        return 1
    meta = store.index_meta(live)
    print(f"alias {store.alias} → {live}")
    print(f"  documents {store.count('document')}  passages {store.count('passage')}")
    print(f"  model {meta.get('model_name')} ({meta.get('dims')} dims), schema {meta.get('schema_version')}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    store = SearchStore(settings.es)
    try:
        if args.command in ("build", "update"):
            return _index(settings, args)
        if args.command == "delete":
            live = store.live_index()
            if live is None:
                raise IndexNotFound(f"no index behind alias {store.alias!r}")
            print(f"deleted {store.delete_documents(live, args.doc_ids)} records")
            return 0
        return _stats(store)
    except StoreUnavailable as exc:
        print(
            f"error: Elasticsearch is not reachable at {settings.es.url} ({exc}).\n"
            "Start it with `make es-up`; the live index was not touched.",
            file=sys.stderr,
        )
        return 2
    except (ModelMismatch, IndexNotFound, ModelNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"error: Elasticsearch refused the request: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()


if __name__ == "__main__":
    sys.exit(main())

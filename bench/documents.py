"""Print documents of the evaluation worlds by doc_id, as our reader splits them: what a judge reads.

Run: python -m bench.documents DOC_ID [DOC_ID …]
"""

from __future__ import annotations

import sys
from pathlib import Path

from analyzers.document import Document
from indexer.sources import iter_source_files, read_documents

ROOT = Path(__file__).resolve().parent.parent
CORPORA = (ROOT / "data" / "corpus", ROOT / "data" / "corpus-laws")


def corpus_documents(corpus: Path) -> list[Document]:
    """The documents of one corpus folder, as the indexer reads them."""
    return [doc for path in iter_source_files([corpus]) for doc in read_documents(path, corpus, 50_000_000)]


def all_documents() -> dict[str, Document]:
    return {doc.doc_id: doc for corpus in CORPORA for doc in corpus_documents(corpus)}


def main(argv: list[str]) -> int:
    docs = all_documents()
    for doc_id in argv:
        doc = docs.get(doc_id)
        if doc is None:
            print(f"# {doc_id}: no such document", file=sys.stderr)
            continue
        print(
            f"# {doc.title}\ndoc_id {doc.doc_id} · {doc.source} · {doc.doc_number or ''} · {doc.date or ''}\n"
        )
        print(doc.text)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""bench/pooled_judgments.jsonl: documents that reached some system's top 10 for a judged query, judged by
reading them. Every row names a real query and a real document of the 746-document world, once."""

from __future__ import annotations

import json

import pytest

from bench.documents import all_documents
from bench.eval import DEV_QUERIES, HELDOUT_QUERIES, POOLED_JUDGMENTS, SCALE_QUERIES, load_queries

ROWS = [
    json.loads(line) for line in POOLED_JUDGMENTS.read_text(encoding="utf-8").splitlines() if line.strip()
]


def test_rows_are_complete_and_unique() -> None:
    assert ROWS
    assert len({(r["query"], r["doc_id"]) for r in ROWS}) == len(ROWS)
    for r in ROWS:
        assert set(r) == {"query", "doc_id", "title", "grade", "reason"}, r
        assert r["grade"] in (0, 1, 2) and r["reason"].strip(), r


def test_rows_name_judged_queries_and_real_documents() -> None:
    ids = {q.id for path in (DEV_QUERIES, HELDOUT_QUERIES, SCALE_QUERIES) for q in load_queries(path)}
    documents = all_documents()
    for r in ROWS:
        assert r["query"] in ids, r
        assert r["doc_id"] in documents, r
        assert documents[r["doc_id"]].title == r["title"], r


@pytest.mark.parametrize("path", [DEV_QUERIES, HELDOUT_QUERIES, SCALE_QUERIES], ids=lambda p: p.stem)
def test_pooled_judgments_join_their_query_set(path) -> None:  # type: ignore[no-untyped-def]
    plain = {q.id: len(q.judged) for q in load_queries(path)}
    pooled = load_queries(path, POOLED_JUDGMENTS)
    assert sum(len(q.judged) for q in pooled) > sum(plain.values())

"""bench/heldout_queries.jsonl: every judged document is one document of the sample corpus as we split it."""

from __future__ import annotations

import pytest

from analyzers.document import Document
from bench import metrics
from bench.eval import DEV_QUERIES, HELDOUT_QUERIES, Query, load_queries
from indexer.sources import read_documents
from tests.conftest import CORPUS

HELDOUT = load_queries(HELDOUT_QUERIES)


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    if not CORPUS.is_dir():
        pytest.skip("sample corpus data/corpus is absent")
    return [d for p in sorted(CORPUS.glob("*.txt")) for d in read_documents(p, CORPUS, 10_000_000)]


def test_the_set_has_fifteen_keyword_queries_five_of_each_other_kind_and_unique_ids() -> None:
    kinds = [q.kind for q in HELDOUT]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "keyword": 15,
        **dict.fromkeys(("question", "docnum", "precedent", "variant", "multi"), 5),
    }
    assert len({q.id for q in HELDOUT}) == len(HELDOUT)


def test_no_query_repeats_the_dev_set() -> None:
    assert not {q.text for q in HELDOUT} & {q.text for q in load_queries(DEV_QUERIES)}


@pytest.mark.parametrize("query", HELDOUT, ids=lambda q: q.id)
def test_each_judged_document_is_exactly_one_corpus_document(documents: list[Document], query: Query) -> None:
    """Otherwise a hit would count for the wrong judged document, or for none."""
    for judged in query.judged:
        matching = [d.title for d in documents if metrics.judged_index(d.text, [judged]) is not None]
        assert len(matching) == 1, (judged.title, matching)

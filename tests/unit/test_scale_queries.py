"""bench/scale_queries.jsonl: judged over the sample and the regulations; every judged document is one document
of that world as we split it."""

from __future__ import annotations

import json

import pytest

from bench import metrics
from bench.eval import DEV_QUERIES, HELDOUT_QUERIES, SCALE_QUERIES, Query, load_queries
from indexer.sources import iter_source_files, read_documents
from tests.conftest import CORPUS, LAWS

SCALE = load_queries(SCALE_QUERIES)


@pytest.fixture(scope="module")
def world() -> list[tuple[str, str]]:
    """(title, normalised text) of every document of the sample and the regulations."""
    if not CORPUS.is_dir() or not LAWS.is_dir():
        pytest.skip("data/corpus or data/corpus-laws is absent")
    documents = [
        d
        for root in (CORPUS, LAWS)
        for p in iter_source_files([root])
        for d in read_documents(p, root, 10_000_000)
    ]
    # Normalised once here: judged_index would normalise every document again for each judged entry.
    return [(d.title, metrics.normalise(d.text)) for d in documents]


def test_the_set_has_its_queries_of_each_kind_and_unique_ids() -> None:
    """Six of each kind, plus 23 keyword and 12 precedent queries written later (sk7–sk29, sp7–sp18)."""
    kinds = [q.kind for q in SCALE]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        **dict.fromkeys(("question", "docnum", "variant", "multi"), 6),
        "keyword": 29,
        "precedent": 18,
    }
    assert len({q.id for q in SCALE}) == len(SCALE)


def test_no_query_repeats_the_dev_or_held_out_set() -> None:
    earlier = {q.text for path in (DEV_QUERIES, HELDOUT_QUERIES) for q in load_queries(path)}
    assert not {q.text for q in SCALE} & earlier


def test_every_judged_document_says_why() -> None:
    """The grade's one-line reason is kept beside it (the loader ignores it)."""
    for line in SCALE_QUERIES.read_text(encoding="utf-8").splitlines():
        for judged in json.loads(line)["relevant"]:
            assert judged["reason"].strip(), judged["title"]


@pytest.mark.parametrize("query", SCALE, ids=lambda q: q.id)
def test_each_judged_document_is_exactly_one_document_of_the_world(
    world: list[tuple[str, str]], query: Query
) -> None:
    """Otherwise a hit would count for the wrong judged document (e.g. the other version of a regulation), or none."""
    assert query.judged
    for judged in query.judged:
        keys = [metrics.normalise(k) for k in judged.keys]
        matching = [title for title, flat in world if any(k in flat for k in keys)]
        assert len(matching) == 1, (judged.title, matching)

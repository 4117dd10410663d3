"""indexer.stages' batching: whole documents per embedding batch, the first one small."""

from __future__ import annotations

import queue
from typing import Any, cast

import pytest

from indexer import stages
from indexer.stages import FIRST_BATCH_PASSAGES, _batches, _Prepared


def _doc(n: int) -> _Prepared:
    """A prepared document with n passages (only their count matters to batching)."""
    return _Prepared(cast(Any, None), cast(Any, None), cast(Any, [None] * n), "", 0)


def _fed(*items: object) -> queue.Queue[object]:
    inbox: queue.Queue[object] = queue.Queue()
    for item in (*items, stages._DONE):
        inbox.put(item)
    return inbox


def test_the_first_batch_starts_the_model_early_and_later_ones_fill_a_chunk() -> None:
    docs = [_doc(40), _doc(40), _doc(300), _doc(700), _doc(100), _doc(5)]
    sizes = [[len(d.passages) for d in batch] for batch in _batches(_fed(*docs), 1024)]
    assert 40 < FIRST_BATCH_PASSAGES <= 80  # what the sizes below assume
    assert sizes == [[40, 40], [300, 700, 100], [5]]  # whole documents; the rest at the end


def test_a_chunk_smaller_than_the_first_batch_is_kept() -> None:
    sizes = [[len(d.passages) for d in batch] for batch in _batches(_fed(_doc(8), _doc(8), _doc(8)), 8)]
    assert sizes == [[8], [8], [8]]


def test_a_reader_error_ends_the_batches() -> None:
    with pytest.raises(ValueError, match="bad file"):
        list(_batches(_fed(_doc(3), ValueError("bad file")), 1024))

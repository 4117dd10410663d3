"""bench/tune.py: the configurations compared name real ranking constants, and are undone after use."""

from __future__ import annotations

from bench.eval import Query
from bench.tune import CONFIGS, applied, folds_of
from search import similar


def test_baseline_is_todays_ranking() -> None:
    assert CONFIGS["baseline"] == {}


def test_every_override_names_an_existing_constant_of_the_same_type() -> None:
    for name, overrides in CONFIGS.items():
        for (module, constant), value in overrides.items():
            assert hasattr(module, constant), (name, constant)
            current = getattr(module, constant)
            assert isinstance(value, type(current)) or (
                isinstance(current, float) and isinstance(value, int)
            ), (name, constant, value)


def test_applied_restores_the_constants() -> None:
    before = similar.DOCUMENT_WEIGHT
    with applied({(similar, "DOCUMENT_WEIGHT"): before + 0.5}):
        assert before + 0.5 == similar.DOCUMENT_WEIGHT
    assert before == similar.DOCUMENT_WEIGHT


def test_folds_are_stratified_by_kind() -> None:
    queries = [Query(f"{k}{i}", k, "", ()) for k in ("a", "b") for i in range(5)]
    folds = folds_of(queries, 5)
    assert all(len(f) == 2 and {q[0] for q in f} == {"a", "b"} for f in folds)

"""Issue 12 fields in a real index: every 文号 with its role, versions (superseded_by), repeals, validity
dates; an update of one folder relates its documents to versions stored from another."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from analyzers.segment import Segmenter
from config.settings import Settings
from indexer.pipeline import Pipeline
from store.search_store import SearchStore
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.integration

LAWS = Path(__file__).resolve().parents[2] / "data" / "corpus-laws"
OLD, NEW = "烈士褒扬条例(2019-08-01).md", "烈士褒扬条例(2024-09-27).md"
REPEALED, REPEALER = "个体工商户条例(2016-02-06).md", "促进个体工商户发展条例(2022-10-01).md"


def _copy(folder: Path, *names: str) -> Path:
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(LAWS / name, folder / name)
    return folder


def _pipeline(settings: Settings, store: SearchStore) -> Pipeline:
    scoped = settings.model_copy(update={"es": store.settings})
    return Pipeline(scoped, store, FakeEmbedder(dims=16), Segmenter(settings.analyzer))


def _by_source(store: SearchStore) -> dict[str, dict[str, Any]]:
    store.refresh()
    hits = store.search({"query": {"term": {"type": "document"}}, "size": 20}).hits
    return {h.source["source"]: h.source for h in hits}


def test_numbers_versions_and_repeals_are_stored(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    _pipeline(settings, store).build([_copy(tmp_path / "laws", OLD, NEW, REPEALED, REPEALER)])
    docs = _by_source(store)
    old, new = docs[OLD], docs[NEW]
    assert new["doc_number"] == "国务院令第601号"
    assert new["doc_numbers"] == ["国务院令第601号", "国务院令第791号"]
    assert {"number": "国务院令第791号", "role": "修订", "date": "2024-09-27"} in new["doc_number_history"]
    assert (new["date"], new["promulgated"], new["effective_from"]) == (
        "2024-09-27",
        "2011-07-26",
        "2025-01-01",
    )
    assert old["version_group"] == new["version_group"]
    assert (old["superseded_by"], new["superseded_by"]) == (new["doc_id"], None)
    assert docs[REPEALED]["repealed_by"] == docs[REPEALER]["doc_id"]
    assert docs[REPEALER]["repeals"] == ["个体工商户条例"]
    # The revision decree, however the user typed it, is a term on doc_numbers (and on every passage).
    found = store.search({"query": {"term": {"doc_numbers": "国务院令第791号"}}, "size": 20}).hits
    assert {h.doc_id for h in found} == {new["doc_id"]}
    passages = [h for h in found if h.source["type"] == "passage"]
    assert passages and all(h.source["superseded_by"] is None for h in passages)


def test_an_update_of_one_folder_supersedes_a_version_stored_from_another(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    old_folder = _copy(tmp_path / "old", OLD)
    pipeline = _pipeline(settings, store)
    pipeline.build([old_folder])
    assert _by_source(store)[OLD]["superseded_by"] is None
    pipeline.update([_copy(tmp_path / "new", NEW, REPEALER)])  # old/ is not read again
    docs = _by_source(store)
    assert docs[OLD]["superseded_by"] == docs[NEW]["doc_id"]
    old_passages = store.search(
        {
            "query": {
                "bool": {"filter": [{"term": {"doc_id": docs[OLD]["doc_id"]}}, {"term": {"type": "passage"}}]}
            }
        }
    ).hits
    assert old_passages and all(h.source["superseded_by"] == docs[NEW]["doc_id"] for h in old_passages)
    # Removing the newer version makes the older one current again.
    (tmp_path / "new" / NEW).unlink()
    pipeline.update([tmp_path / "new"], allow_deletes=True)
    assert _by_source(store)[OLD]["superseded_by"] is None

"""Citations in a real index: a 文号 cited in any of its forms finds the document bearing it as any of its
numbers (issued under, or revised by), and the document lists its citers under each of its numbers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analyzers.segment import Segmenter
from config.settings import Settings
from indexer.pipeline import Pipeline
from search.documents import document
from store.search_store import SearchStore
from tests.fakes import FakeEmbedder

pytestmark = pytest.mark.integration

LAWS = Path(__file__).resolve().parents[2] / "data" / "corpus-laws"
MARTYRS = ("烈士褒扬条例(2019-08-01).md", "烈士褒扬条例(2024-09-27).md")
AWARDS = ("国家科学技术奖励条例(2020-10-07).md", "国家科学技术奖励条例(2024-05-26).md")
# A notice citing a promulgation decree in its long form, a revision decree typed the loose way, and the
# revision decree of an older version of another regulation.
NOTICE = (
    "聊城市民政局关于做好烈士褒扬工作的通知\n"
    "各县（市、区）民政局：\n"
    "根据《烈士褒扬条例》（中华人民共和国国务院令第601号公布，国务院第791号令修订），"
    "参照《国家科学技术奖励条例》（国务院令第731号）有关规定，现就有关事项通知如下。\n"
    "聊城市民政局\n2025年3月1日\n"
)


def _ids(store: SearchStore) -> dict[str, str]:
    store.refresh()
    hits = store.search({"query": {"term": {"type": "document"}}, "size": 20}).hits
    return {h.source["source"]: h.doc_id for h in hits}


def test_a_citation_by_any_number_finds_the_version_it_means(
    settings: Settings, store: SearchStore, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in (*MARTYRS, *AWARDS):
        shutil.copy(LAWS / name, folder / name)
    (folder / "notice.txt").write_text(NOTICE, encoding="utf-8")
    scoped = settings.model_copy(update={"es": store.settings})
    Pipeline(scoped, store, FakeEmbedder(dims=16), Segmenter(settings.analyzer)).build([folder])
    ids = _ids(store)
    notice = document(store, ids["notice.txt"])
    assert notice is not None
    cited = {c.doc_number: c.doc_id for c in notice.cites}
    assert cited == {
        "国务院令第601号": ids[MARTYRS[1]],  # issued under it: the current version
        "国务院令第791号": ids[MARTYRS[1]],  # a revision decree: the version it produced
        "国务院令第731号": ids[AWARDS[0]],  # the older version, though the newer one lists 731 too
    }
    for name in (MARTYRS[1], AWARDS[0], AWARDS[1]):
        view = document(store, ids[name])
        assert view is not None and [c.doc_id for c in view.cited_by] == [ids["notice.txt"]], name

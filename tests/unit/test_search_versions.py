"""search/versions.py and the 文号 pin of search/fusion.py: which version of a document leads."""

from __future__ import annotations

import datetime as dt
from unittest.mock import Mock

from search.cache import Lru
from search.fusion import Candidate, fuse
from search.results import Hit
from search.versions import attach, fold, group_rows, history, validity_of
from store.search_store import GROUP_ROWS, SearchStore

HISTORY_2024 = [
    {"number": "国务院令第601号", "role": "公布", "date": "2011-07-26"},
    {"number": "国务院令第709号", "role": "修订", "date": "2019-03-02"},
    {"number": "国务院令第791号", "role": "修订", "date": "2024-09-27"},
]
OLD = Candidate(
    "old",
    {
        "title": "烈士褒扬条例",
        "date": "2019-08-01",
        "version_group": "g",
        "superseded_by": "new",
        "doc_numbers": ["国务院令第601号", "国务院令第709号"],
        "doc_number_history": HISTORY_2024[:2],
    },
    keyword=9.0,
)
NEW = Candidate(
    "new",
    {
        "title": "烈士褒扬条例",
        "date": "2024-09-27",
        "version_group": "g",
        "doc_numbers": ["国务院令第601号", "国务院令第709号", "国务院令第791号"],
        "doc_number_parts": ["国务院令", "601号", "601", "令第601号"],
        "doc_number_history": HISTORY_2024,
    },
    keyword=5.0,
)
OTHER = Candidate("other", {"title": "聊城市烈士褒扬办法"}, keyword=7.0)


def test_the_current_version_stands_for_its_group_at_the_best_place() -> None:
    ranked = fuse([OLD, NEW, OTHER], (1.0, 0.0), None)
    assert [c.doc_id for c in fold(ranked, None)] == ["new", "other"]


def test_a_decree_number_brings_the_version_it_produced() -> None:
    assert [c.doc_id for c in fuse([OLD, NEW, OTHER], (1.0, 0.0), "国务院令第709号")][:2] == ["old", "new"]
    assert [c.doc_id for c in fold(fuse([OLD, NEW], (1.0, 0.0), "国务院令第709号"), "国务院令第709号")] == [
        "old"
    ]
    # the first promulgation: every version bears it, the current one leads
    assert fuse([OLD, NEW, OTHER], (1.0, 0.0), "国务院令第601号")[0].doc_id == "new"
    assert fuse([OLD, NEW, OTHER], (1.0, 0.0), "令第601号")[0].doc_id == "new"


def test_only_an_old_version_matched_it_leads() -> None:
    assert [c.doc_id for c in fold([OLD, OTHER], None)] == ["old", "other"]


def test_validity_of() -> None:
    v = validity_of(OLD.source, dt.date(2026, 1, 1))
    assert (v.status, v.label, v.superseded_by) == ("superseded", "已被修订", "new")
    assert validity_of({"effective_from": "2025-01-01"}, dt.date(2026, 1, 1)).status == "current"


def test_history_links_the_versions_by_date() -> None:
    members = [{"doc_id": "old", "title": "烈士褒扬条例", "date": "2019-03-02"}]
    events = history(NEW.source, members)
    assert [(e.date, e.event, e.doc_id) for e in events] == [
        ("2011-07-26", "公布", None),
        ("2019-03-02", "修订", "old"),
        ("2024-09-27", "修订", None),
    ]


def test_a_later_version_revised_without_a_number_does_not_take_the_decree() -> None:
    revised_2020 = [{"number": "国务院令第731号", "role": "修订", "date": "2020-10-07"}]
    v2020 = Candidate(
        "v2020",
        {
            "date": "2020-10-07",
            "superseded_by": "v2024",
            "doc_numbers": ["国务院令第731号"],
            "doc_number_history": revised_2020,
        },
        keyword=1.0,
    )
    v2024 = Candidate(
        "v2024",
        {"date": "2024-05-26", "doc_numbers": ["国务院令第731号"], "doc_number_history": revised_2020},
        keyword=2.0,
    )
    assert fuse([v2024, v2020], (1.0, 0.0), "国务院令第731号")[0].doc_id == "v2020"


# --- a page's version groups, cached per index generation -------------------------------------------

ROWS = [
    {"doc_id": "old", "version_group": "g", "date": "2019-08-01", "superseded_by": "new"},
    {"doc_id": "h1", "version_group": "h", "date": "2020-01-01"},
    {"doc_id": "new", "version_group": "g", "date": "2024-09-27"},
]


def _store(rows: list[dict[str, object]]) -> Mock:
    store = Mock(spec=SearchStore)
    store.documents_in_groups.side_effect = lambda groups: [r for r in rows if r["version_group"] in groups]
    return store


def test_group_rows_asks_only_for_groups_the_cache_lacks_and_keeps_each_groups_order() -> None:
    store, cache = _store(ROWS), Lru[tuple[str, str], list[dict[str, object]]](16)
    assert group_rows(store, ["g", "h"], "gen1", cache) == [ROWS[0], ROWS[2], ROWS[1]]
    assert group_rows(store, ["g", "h"], "gen1", cache) == [ROWS[0], ROWS[2], ROWS[1]]
    assert group_rows(store, ["g", "x"], "gen1", cache) == [ROWS[0], ROWS[2]]
    assert [c.args[0] for c in store.documents_in_groups.call_args_list] == [["g", "h"], ["x"]]
    group_rows(store, ["g"], "gen2", cache)  # another generation: asked again
    group_rows(store, ["g"], None, cache)  # none known: asked, never cached
    assert store.documents_in_groups.call_count == 4


def test_a_page_of_versions_shows_the_same_with_and_without_the_cache() -> None:
    page = [NEW, OLD, OTHER]
    hits = [
        Hit(c.doc_id, None, None, None, None, None, 0.0, "", [], validity=validity_of(c.source)) for c in page
    ]
    plain = attach(hits, page, _store(ROWS))
    cache = Lru[tuple[str, str], list[dict[str, object]]](16)
    assert attach(hits, page, _store(ROWS), "gen1", cache) == plain
    assert attach(hits, page, _store([]), "gen1", cache) == plain  # from the cache alone


def test_an_answer_that_may_be_cut_short_is_not_cached() -> None:
    many = [{"doc_id": f"d{i}", "version_group": "g"} for i in range(GROUP_ROWS)]
    store, cache = _store(many), Lru[tuple[str, str], list[dict[str, object]]](16)
    assert len(group_rows(store, ["g"], "gen1", cache)) == GROUP_ROWS
    assert len(cache) == 0

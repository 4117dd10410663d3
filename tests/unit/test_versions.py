"""indexer/versions.py: version groups, the current version, repeals; and what an update must fix."""

from __future__ import annotations

from indexer.versions import DocFacts, changed_relations, relate, relations_for, version_group_id
from store.records import StoredDocument

OLD = DocFacts("a", "烈士褒扬条例", "国务院", "条例", "2019-08-01")
NEW = DocFacts("b", "烈士褒扬条例", "国务院", "条例", "2024-09-27")
OTHER = DocFacts("c", "聊城市烈士褒扬办法", "聊城市人民政府", "办法", "2023-08-16")


def test_the_newest_version_is_current_and_the_older_superseded_by_it() -> None:
    relations = relate([NEW, OLD, OTHER])
    assert (
        relations["a"].version_group
        == relations["b"].version_group
        == version_group_id("烈士褒扬条例", "国务院")
    )
    assert (relations["a"].superseded_by, relations["b"].superseded_by) == ("b", None)
    assert relations["c"].version_group != relations["a"].version_group
    assert relations["c"].superseded_by is None


def test_the_group_does_not_depend_on_order_and_brackets_or_the_country_name() -> None:
    renamed = DocFacts("d", "《中华人民共和国烈士褒扬条例》", None, "条例", "2011-07-26")
    forward, backward = relate([OLD, NEW, renamed]), relate([renamed, NEW, OLD])
    assert forward == backward
    assert forward["d"].version_group == forward["b"].version_group  # no issuer: joins the title's only one
    assert forward["d"].superseded_by == "b"


def test_same_title_other_issuer_is_another_document() -> None:
    county = DocFacts("e", "烈士褒扬条例", "某县人民政府", "条例", "2025-01-01")
    relations = relate([OLD, NEW, county])
    assert relations["e"].version_group != relations["b"].version_group
    assert relations["b"].superseded_by is None


def test_repeals_link_older_documents_of_other_groups_only() -> None:
    repealer = DocFacts("r", "促进个体工商户发展条例", "国务院", "条例", "2022-10-01", ("个体工商户条例",))
    repealed = DocFacts("i", "个体工商户条例", "国务院", "条例", "2016-02-06")
    later = DocFacts("j", "个体工商户条例", "某省人民政府", "条例", "2023-01-01")
    itself = DocFacts(
        "p", "专利法实施细则", "国务院", "细则", "2023-12-11", ("中华人民共和国专利法实施细则",)
    )
    relations = relate([repealer, repealed, later, itself])
    assert relations["i"].repealed_by == "r"
    assert relations["j"].repealed_by is None  # issued after the repeal
    assert relations["p"].repealed_by is None  # a regulation naming its own earlier text


def test_an_update_relates_new_documents_to_stored_ones() -> None:
    stored = {
        "a": StoredDocument("a", "h", "x.md", "/laws", 3, "烈士褒扬条例", "国务院", "条例", "2019-08-01"),
        "c": StoredDocument(
            "c", "h", "y.md", "/laws", 2, "聊城市烈士褒扬办法", "聊城市人民政府", "办法", "2023-08-16"
        ),
    }
    relations = relations_for({"b": NEW}, stored, deleted=["c"])
    assert set(relations) == {"a", "b"}
    assert relations["a"].superseded_by == "b"
    changes = changed_relations([stored["a"]], relations)
    assert changes == {
        "a": (3, {"version_group": relations["a"].version_group, "superseded_by": "b", "repealed_by": None})
    }

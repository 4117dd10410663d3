"""search/documents.py: which document a cited 文号 means."""

from __future__ import annotations

from search.documents import cited_document

# 烈士褒扬条例: issued under 601 (both versions list it), the 2024 version produced by 791.
M2019 = {"doc_id": "m2019", "doc_number": "国务院令第601号", "doc_numbers": ["国务院令第601号"], "date": "2019-08-01",
         "superseded_by": "m2024"}  # fmt: skip
M2024 = {"doc_id": "m2024", "doc_number": "国务院令第601号", "doc_numbers": ["国务院令第601号", "国务院令第791号"],
         "date": "2024-09-27", "superseded_by": None}  # fmt: skip
# 国家科学技术奖励条例: 731 produced the 2020 version; the 2024 one (an unnumbered decision) lists it too.
A2020 = {"doc_id": "a2020", "doc_number": "国务院令第265号", "doc_numbers": ["国务院令第265号", "国务院令第731号"],
         "date": "2020-10-07", "superseded_by": "a2024"}  # fmt: skip
A2024 = {**A2020, "doc_id": "a2024", "date": "2024-05-26", "superseded_by": None}


def test_the_number_a_regulation_was_issued_under_means_its_current_version() -> None:
    assert cited_document("国务院令第601号", [M2019, M2024])["doc_id"] == "m2024"  # type: ignore[index]


def test_a_revision_decree_means_the_version_it_produced() -> None:
    assert cited_document("国务院令第791号", [M2024])["doc_id"] == "m2024"  # type: ignore[index]
    assert cited_document("国务院令第731号", [A2024, A2020])["doc_id"] == "a2020"  # type: ignore[index]


def test_a_single_valued_doc_numbers_field_is_read_as_one_number() -> None:
    # doc values of a one-element keyword array may come back as a plain string
    assert cited_document("国务院令第9号", [{"doc_id": "x", "doc_numbers": "国务院令第9号"}]) == {
        "doc_id": "x",
        "doc_numbers": "国务院令第9号",
    }


def test_a_number_nobody_bears_means_nothing() -> None:
    assert cited_document("国务院令第1号", [M2019]) is None

"""indexer/splitter.py: the sample corpus splits into the documented documents (docs/corpus.md)."""

from __future__ import annotations

import json
import re

import pytest

from analyzers.document import Document
from indexer.sources import read_documents
from indexer.splitter import split_documents
from tests.conftest import CORPUS, ROOT

GOLDEN = json.loads((ROOT / "tests" / "data" / "golden_documents.json").read_text(encoding="utf-8"))
LAWS = ROOT / "data" / "corpus-laws"
# Furniture that must never reach display text.
TOC_LINE = re.compile(r"^(目\s*录|.*〔\d{4}〕\s*\d+\s*号\s+\d{1,3})$", re.M)
MARKER = re.compile(r"[（(]\s*(?:下转|上接)第\s*\d+\s*页\s*[)）]")


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[Document]]:
    if not CORPUS.is_dir():
        pytest.skip("sample corpus data/corpus is absent")
    return {p.name: read_documents(p, CORPUS, 10_000_000) for p in sorted(CORPUS.glob("*.txt"))}


def test_count_per_file_matches_docs_corpus_md(corpus: dict[str, list[Document]]) -> None:
    assert {name: len(docs) for name, docs in corpus.items()} == GOLDEN["counts"]
    assert sum(GOLDEN["counts"].values()) == 63


@pytest.mark.parametrize("golden", GOLDEN["documents"], ids=lambda g: f"{g['source'][:3]}:{g['line_start']}")
def test_golden_document(corpus: dict[str, list[Document]], golden: dict) -> None:
    docs = {d.title: d for d in corpus[golden["source"]]}
    assert golden["title"] in docs, sorted(docs)
    doc = docs[golden["title"]]
    for key in ("doc_number", "issuer", "date", "kind", "title_derived", "line_start"):
        assert getattr(doc, key) == golden[key], key
    for needle in golden.get("text_contains", []):
        assert needle in doc.text
    for needle in golden.get("text_excludes", []):
        assert needle not in doc.text


def test_no_document_is_empty_or_carries_furniture(corpus: dict[str, list[Document]]) -> None:
    for docs in corpus.values():
        for doc in docs:
            assert doc.text.strip() and doc.title
            assert not TOC_LINE.search(doc.text), (doc.title, TOC_LINE.search(doc.text))
            assert not MARKER.search(doc.text), doc.title
            assert "\x01" not in doc.text and "\x02" not in doc.text
            assert doc.doc_number not in doc.cites


def test_doc_ids_are_unique_and_stable(corpus: dict[str, list[Document]]) -> None:
    ids = [d.doc_id for docs in corpus.values() for d in docs]
    assert len(ids) == len(set(ids))
    again = read_documents(CORPUS / "001_4e409ccb49078295.txt", CORPUS, 10_000_000)
    assert [d.doc_id for d in again] == [d.doc_id for d in corpus["001_4e409ccb49078295.txt"]]


def test_markdown_documents_get_stable_ids() -> None:
    text = "# 护士条例\n\n2008年1月31日 中华人民共和国国务院令第517号公布\n\n## 第一章 总则\n\n第一条 为了维护护士的合法权益。\n"
    (doc,) = split_documents(text, "护士条例.md", ".md")
    (again,) = split_documents(text, "护士条例.md", ".md")
    assert doc.doc_id and doc.doc_id == again.doc_id
    assert doc.doc_id != split_documents(text, "other.md", ".md")[0].doc_id


def test_colliding_titles_get_a_deterministic_suffix() -> None:
    record = "临兰政字〔2022〕30号 关于同意设立某社区的批复 某街道办事处:" + "同意。" * 100
    docs = split_documents(f"{record}\n{record}\n", "dup.txt", ".txt")
    assert docs[1].doc_id == f"{docs[0].doc_id}-2"


def test_cleaning_in_documents(corpus: dict[str, list[Document]]) -> None:
    water = next(d for d in corpus["001_4e409ccb49078295.txt"] if d.doc_number == "聊政发〔2023〕7号")
    assert "第四条 市水文中心在省水利厅和市人民政府领导下" in water.text  # a line broken mid-word is rejoined
    assert "第三十五条 本办法自2023年11月1日起施行" in water.text  # "2023 年 11 月" lost its spaces
    assert "聊城市人民政府公报" not in water.text


def test_an_order_cites_nothing_of_its_own() -> None:
    text = "聊城市人民政府令\n第 46 号\n《聊城市某办法》已经市政府常务会议通过，现予公布。\n市长：某某\n2023 年 8 月 16 日\n"
    (doc,) = split_documents(text, "order.txt", ".txt")
    assert (doc.title, doc.date) == ("聊城市某办法", "2023-08-16")


def test_corpus_laws_one_document_per_file() -> None:
    from indexer.sources import iter_source_files

    docs = [d for path in iter_source_files([LAWS]) for d in read_documents(path, LAWS, 10_000_000)]
    assert len(docs) == 683  # 684 Markdown files minus SOURCE.md, a provenance note (docs/corpus.md)
    ids = [d.doc_id for d in docs]
    assert all(ids) and len(set(ids)) == len(ids)  # stable, non-empty, distinct ids
    assert all(d.title and d.kind for d in docs)
    assert sum(1 for d in docs if d.date) >= 0.9 * len(docs)
    patents = next(d for d in docs if d.title == "专利代理条例")
    assert (patents.date, patents.doc_number, patents.kind) == (
        "2018-11-06",
        "国务院令第706号",  # the canonical decree number drops "中华人民共和国" (analyzers/docnum.py)
        "条例",
    )
    assert patents.text.startswith("第一章 总则\n第一条 为了规范专利代理行为")

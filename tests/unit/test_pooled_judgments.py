"""bench/pooled_judgments.jsonl: documents that reached some system's top 10 for a judged query, judged by
reading them. Every row names a real query and a real document of the 746-document world, once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.documents import all_documents
from bench.eval import DEV_QUERIES, HELDOUT_QUERIES, POOLED_JUDGMENTS, SCALE_QUERIES, load_queries
from bench.metrics import answer_at_1, grades_of, normalise

ROWS = [
    json.loads(line) for line in POOLED_JUDGMENTS.read_text(encoding="utf-8").splitlines() if line.strip()
]


def test_rows_are_complete_and_unique() -> None:
    assert ROWS
    assert len({(r["query"], r["doc_id"]) for r in ROWS}) == len(ROWS)
    for r in ROWS:
        assert set(r) - {"answers"} == {"query", "doc_id", "title", "grade", "reason"}, r
        assert r["grade"] in (0, 1, 2) and r["reason"].strip(), r


def test_answer_sentences_are_the_documents_own_words() -> None:
    """A relevant document of a question may carry the sentences that answer it, quoted verbatim (Answer@1
    credits the passage shown first when it holds one); without them a right answer from it would count 0."""
    documents = all_documents()
    kinds = {
        q.id: q.kind for path in (DEV_QUERIES, HELDOUT_QUERIES, SCALE_QUERIES) for q in load_queries(path)
    }
    with_answers = [r for r in ROWS if "answers" in r]
    assert with_answers
    for r in with_answers:
        assert kinds[r["query"]] == "question" and r["grade"] > 0, r
        # a list (a bare string would match by its characters) of sentences, not words
        assert isinstance(r["answers"], list) and r["answers"], r
        text = normalise(documents[r["doc_id"]].text)
        for answer in r["answers"]:
            assert isinstance(answer, str) and len(answer) >= 8, (r["doc_id"], answer)
            assert normalise(answer) in text, (r["doc_id"], answer)


def test_rows_name_judged_queries_and_real_documents() -> None:
    ids = {q.id for path in (DEV_QUERIES, HELDOUT_QUERIES, SCALE_QUERIES) for q in load_queries(path)}
    documents = all_documents()
    for r in ROWS:
        assert r["query"] in ids, r
        assert r["doc_id"] in documents, r
        assert documents[r["doc_id"]].title == r["title"], r


@pytest.mark.parametrize("path", [DEV_QUERIES, HELDOUT_QUERIES, SCALE_QUERIES], ids=lambda p: p.stem)
def test_pooled_judgments_join_their_query_set(path) -> None:  # type: ignore[no-untyped-def]
    plain = {q.id: len(q.judged) for q in load_queries(path)}
    pooled = load_queries(path, POOLED_JUDGMENTS)
    assert sum(len(q.judged) for q in pooled) > sum(plain.values())


def _question_with_pooled_answers(tmp_path: Path, answers: object) -> Path:
    """A one-question set and a pooled row for it (document d1, grade 2) carrying `answers`: the set's path."""
    queries = tmp_path / "q.jsonl"
    queries.write_text(
        json.dumps({"id": "q1", "kind": "question", "query": "多久答复", "relevant": []}) + "\n", "utf-8"
    )
    row = {
        "query": "q1",
        "doc_id": "d1",
        "title": "条例",
        "grade": 2,
        "reason": "答复期限",
        "answers": answers,
    }
    (tmp_path / "pooled.jsonl").write_text(json.dumps(row, ensure_ascii=False) + "\n", "utf-8")
    return queries


def test_a_pooled_answer_counts_for_answer_at_1(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The loader keeps a pooled document's answer sentences: its right passage shown first scores 1."""
    queries = _question_with_pooled_answers(tmp_path, ["20个工作日内予以答复"])
    (q,) = load_queries(queries, tmp_path / "pooled.jsonl")
    answer = "应当自收到申请之日起20个工作日内予以答复。"
    assert answer_at_1(answer, q.judged, "d1") == 1.0
    assert answer_at_1("第一条 为了保障公民依法获取政府信息。", q.judged, "d1") == 0.0
    # the same words shown from another document answer nothing, and an answer sentence never names a document
    assert answer_at_1(answer, q.judged, "d2") == 0.0
    assert grades_of([answer], q.judged, ["d2"]) == [0]
    assert grades_of(["条例全文"], q.judged, ["d1"]) == [2]


def test_answers_must_be_a_list(tmp_path) -> None:  # type: ignore[no-untyped-def]
    queries = _question_with_pooled_answers(tmp_path, "20个工作日")
    with pytest.raises(ValueError, match="must be a list"):
        load_queries(queries, tmp_path / "pooled.jsonl")

"""Document and Passage: what the indexer reads and cuts, shared by the indexer and the analyzers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One government document, after splitting a source file and cleaning its text."""

    doc_id: str  # stable across rebuilds: derived from source name, title and 文号, never from position alone
    title: str
    text: str  # cleaned display text (original characters kept; paragraphs separated by "\n")
    source: str  # source file name relative to the indexed folder, e.g. "000_61149e7b01df1315.txt"
    line_start: int  # 1-based first line in the source file
    line_end: int  # 1-based last line (of the main part; continuation fragments are merged in)
    doc_number: str | None = None  # canonical 文号, e.g. "聊政办字〔2023〕24号"
    issuer: str | None = None  # issuing body, e.g. "聊城市人民政府办公室"
    date: str | None = None  # 成文日期, ISO "YYYY-MM-DD"
    kind: str | None = None  # 通知, 办法, 意见, 方案, 批复, 规划, 预案, 决定, 令, 大事记, 任免, 条例 ...
    title_derived: bool = False  # True when the source had no title line and it was derived from the body
    cites: tuple[str, ...] = field(default=())  # canonical 文号 this document cites (not its own)


@dataclass(frozen=True)
class Passage:
    """A piece of one document, cut along its structure, with its place in the document text."""

    passage_id: str  # f"{doc_id}#{ordinal}"
    doc_id: str
    ordinal: int  # 0-based position in the document
    text: str  # exactly document.text[start:end]
    heading: str  # heading path, e.g. "第三章 总则 > 第十二条", "" when none
    start: int
    end: int

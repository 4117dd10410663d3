"""Document and Passage: what the indexer reads and cuts, shared by the indexer and the analyzers."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocNumber:
    """One 文号 a document carries, with what it did: 公布 (issued; 发布/印发 too), 修订, 修正 or 废止."""

    number: str  # canonical, analyzers.docnum
    role: str
    date: str | None = None  # ISO "YYYY-MM-DD"


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
    # Every number the document carries: the one it was issued under (== doc_number) and each revision
    # or amendment decree, oldest first.
    doc_numbers: tuple[DocNumber, ...] = field(default=())
    promulgated: str | None = None  # first promulgation; `date` is this version's own (latest) date
    effective_from: str | None = None  # 施行日期
    expires_on: str | None = None  # last day in force (有效期至…)
    repeals: tuple[str, ...] = field(default=())  # titles this document repeals (《…》同时废止)
    index_no: str | None = None  # 索引号, as labelled on government pages
    subject: str | None = None  # 主题分类
    stated_validity: str | None = None  # 有效性 as labelled ("有效", "失效", "废止")


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

"""Labelled metadata of government pages and notices ("发文机关：国务院", "文号：国发〔2024〕5号", …),
read from "label：value" lines. They win over what is guessed from the body. The HTML reader writes the
labels of tables, <dl> lists and <meta name> tags as such lines (indexer/sources.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields

from analyzers.dates import parse_date
from analyzers.docnum import canonical_doc_number

# Label (as printed, spaces allowed between its characters) -> field of Labels.
LABELS = {
    "发文机关": "issuer",
    "发布机关": "issuer",
    "发文单位": "issuer",
    "文号": "doc_number",
    "发文字号": "doc_number",
    "成文日期": "written",
    "发布日期": "published",
    "发文日期": "published",
    "施行日期": "effective",
    "生效日期": "effective",
    "实施日期": "effective",
    "索引号": "index_no",
    "主题分类": "subject",
    "分类": "subject",
    "有效性": "validity",
    "时效性": "validity",
    "标题": "title",
    "名称": "title",
}
# <meta name> values some portals use for the same fields (case-insensitive).
META_NAMES = {"pubdate": "发布日期", "firstpublishedtime": "发布日期", "articletitle": "标题"} | {
    label: label for label in LABELS
}
_LABEL = re.compile(
    "(?<![\u4e00-\u9fff])("
    + "|".join(r"\s*".join(label) for label in sorted(LABELS, key=len, reverse=True))
    + r")\s*[:：]"
)
_HEADER_LINES = 40


@dataclass(frozen=True)
class Labels:
    title: str | None = None
    issuer: str | None = None
    doc_number: str | None = None  # canonical
    written: str | None = None  # 成文日期, ISO
    published: str | None = None  # 发布日期, ISO
    effective: str | None = None  # 施行日期, ISO
    index_no: str | None = None
    subject: str | None = None
    validity: str | None = None

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


def read_labels(lines: Sequence[str]) -> tuple[Labels, set[int]]:
    """The labelled fields among the first lines, and the positions of the lines holding them."""
    found: dict[str, str] = {}
    labelled: set[int] = set()
    for i, line in enumerate(lines[:_HEADER_LINES]):
        pairs = _pairs(line)
        if pairs:
            labelled.add(i)
        for label, value in pairs:
            name = LABELS[re.sub(r"\s", "", label)]
            if value and name not in found:
                found[name] = value
    return _typed(found), labelled


def _pairs(line: str) -> list[tuple[str, str]]:
    """("发文机关", "国务院"), … for a line made of labelled fields only; [] otherwise."""
    marks = list(_LABEL.finditer(line))
    if not marks or line[: marks[0].start()].strip():
        return []
    ends = [m.start() for m in marks[1:]] + [len(line)]
    return [(m.group(1), line[m.end() : end].strip()) for m, end in zip(marks, ends, strict=True)]


def _typed(found: dict[str, str]) -> Labels:
    dates = {
        name: parse_date(found.get(name, "")) or _iso(found.get(name, ""))
        for name in ("written", "published", "effective")
    }
    return Labels(
        title=found.get("title"),
        issuer=found.get("issuer"),
        doc_number=canonical_doc_number(found["doc_number"]) if "doc_number" in found else None,
        index_no=found.get("index_no"),
        subject=found.get("subject"),
        validity=found.get("validity"),
        **dates,
    )


def _iso(value: str) -> str | None:
    m = re.match(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", value)
    return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}" if m else None

"""文号 (document numbers): recognise them however they are typed and bring them to one canonical form.

Canonical forms: "聊政办字〔2023〕24号" (agency prefix, year in 〔〕, serial without leading zeros) and
"聊城市人民政府令第46号" (orders).
"""

from __future__ import annotations

import re

from analyzers.textnorm import fold

# Every bracket people use around the year, after fold() made full-width ( ) [ ] half-width.
_OPEN = r"\[(【〔﹝〖{"
_CLOSE = r"\])】〕﹞〗}"
_HAN = r"\u4e00-\u9fff"

# Bracketed: "聊政办字〔2023〕24号", "临兰政办发(2022)8号", "财税[2020]第58号".
_BRACKETED = re.compile(
    rf"(?P<prefix>[{_HAN}]{{1,20}})\s*[{_OPEN}]\s*(?P<year>(?:19|20)\d\d)\s*[{_CLOSE}]\s*第?\s*(?P<serial>\d{{1,5}})\s*号"
)
# Without brackets, only as a whole string: "聊政办字2023第24号", "聊政字 2019 14号", "聊政办字2023年第24号".
# The prefix must end like an agency code here, so "补贴2023 5号" is not taken for one.
_BARE = re.compile(
    rf"(?P<prefix>[{_HAN}]{{1,20}}[发字办函令通任电复告规罚许审批])\s*(?P<year>(?:19|20)\d\d)"
    rf"\s*年?\s*第?\s*(?P<serial>\d{{1,5}})\s*号"
)
# Orders: "聊城市人民政府令第46号", "市政府令第 46 号", and the citation form "国务院第706号令".
_ORDER = re.compile(rf"(?P<prefix>[{_HAN}]{{1,24}}?)令\s*第\s*(?P<serial>\d{{1,5}})\s*号")
_ORDER_CITED = re.compile(rf"(?P<prefix>[{_HAN}]{{1,24}}?)第\s*(?P<serial>\d{{1,5}})\s*号令")

# Words that end the sentence before a cited 文号 ("贯彻落实国发〔2016〕34号"): the prefix starts after them.
# 经 and 发 are deliberately absent: they occur inside agency codes (鲁经信发); 和 only outside the agency
# names that contain it (中华人民共和国, 住房和城乡建设部).
_LEAD_IN = re.compile(
    r".*(?:关于|根据|按照|依据|依照|参照|贯彻|落实|执行|转发|印发|结合|对照|文件|详见|参见|引用|再次|同时|"
    r"(?<!共)和(?!城乡|信息化|社会保障|改革|旅游|规划)|[的及与或等按据是为在了以由将对并即见])"
)
_EDGES = " \t\r\n()[]《》<>“”\"'、,.:;，。：；"


def _normalise(raw: str) -> str:
    """Fold width, case and traditional forms; strip quoting punctuation at both ends."""
    return fold(raw).strip(_EDGES)


def _bracketed(prefix: str, year: str, serial: str) -> str | None:
    number = int(serial)
    return f"{prefix}〔{year}〕{number}号" if number else None


def _order(prefix: str, serial: str) -> str | None:
    number = int(serial)
    return f"{prefix}令第{number}号" if number and prefix else None


def canonical_doc_number(raw: str) -> str | None:
    """The canonical 文号 when the whole of raw is one (spaces, any brackets, full-width allowed), else None."""
    text = _normalise(raw)
    for pattern in (_BRACKETED, _BARE):
        if m := pattern.fullmatch(text):
            return _bracketed(m["prefix"], m["year"], m["serial"])
    for pattern in (_ORDER, _ORDER_CITED):
        if m := pattern.fullmatch(text):
            return _order(m["prefix"], m["serial"])
    return None


def _trim_prefix(prefix: str) -> str:
    """The agency code at the end of a run of ideographs ("贯彻落实国发" -> "国发")."""
    m = _LEAD_IN.match(prefix)
    return prefix[m.end() :] if m else prefix


def find_doc_numbers(text: str) -> list[str]:
    """All canonical 文号 cited in text (bracketed ones and orders), in order of appearance, without repeats."""
    folded = fold(text)
    found: list[tuple[int, str | None]] = []
    for m in _BRACKETED.finditer(folded):
        prefix = _trim_prefix(m["prefix"])
        found.append((m.start(), prefix and _bracketed(prefix, m["year"], m["serial"])))
    for pattern in (_ORDER, _ORDER_CITED):
        for m in pattern.finditer(folded):
            found.append((m.start(), _order(_trim_prefix(m["prefix"]), m["serial"])))
    ordered = [number for _, number in sorted(found, key=lambda item: item[0]) if number]
    return list(dict.fromkeys(ordered))


def doc_number_parts(canonical: str) -> list[str]:
    """Searchable parts of a canonical 文号: ["聊政办字", "2023", "24号", "24"] or ["聊城市人民政府令", "46号", "46"]."""
    if m := re.fullmatch(r"(.+)〔(\d{4})〕(\d+)号", canonical):
        return [m[1], m[2], f"{m[3]}号", m[3]]
    if m := re.fullmatch(r"(.+令)第(\d+)号", canonical):
        return [m[1], f"{m[2]}号", m[2]]
    return [canonical]


def looks_like_doc_number_query(q: str) -> str | None:
    """The canonical 文号 when a whole user query is one, typed any which way; else None."""
    text = _normalise(q)
    text = re.sub(r"^文号\s*[:：]?\s*", "", text)
    return canonical_doc_number(text)

"""文号 (document numbers): recognise them however they are typed and bring them to one canonical form.

Canonical forms: "聊政办字〔2023〕24号" (agency prefix, year in 〔〕, serial without leading zeros),
"聊城市人民政府令第46号" and "国务院令第601号" (orders and decrees; "中华人民共和国" is dropped from the
issuer, as everyone writes it), "农业农村部令2023年第5号" (department decrees numbered per year).
A decree typed without its issuer ("第601号令") has no canonical form, only the issuer-free key
"令第601号", which doc_number_parts() lists for every decree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

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
# Orders: "聊城市人民政府令第46号", "市政府令第 46 号", "国务院令(第722号)", the citation form "国务院第706号令",
# and decrees numbered per year "农业农村部令2023年第5号". The issuer may list several bodies joined by "、".
_ISSUER = rf"[{_HAN}、]{{1,60}}?"
_ORDER = re.compile(
    rf"(?P<prefix>{_ISSUER})令\s*(?:(?P<year>(?:19|20)\d\d)\s*年\s*)?\(?\s*第\s*(?P<serial>\d{{1,5}})\s*号\s*\)?"
)
_ORDER_CITED = re.compile(rf"(?P<prefix>{_ISSUER})第\s*(?P<serial>\d{{1,5}})\s*号令")
# Only as a whole string (a query): "国务院令601号" (no 第), and "第601号令" / "令第601号" without an issuer.
_ORDER_LOOSE = re.compile(rf"(?P<prefix>{_ISSUER})令\s*\(?\s*(?P<serial>\d{{1,5}})\s*号\s*\)?")
_ISSUERLESS = re.compile(r"(?:第\s*(?P<a>\d{1,5})\s*号令|令\s*第\s*(?P<b>\d{1,5})\s*号)")

# Words that end the sentence before a cited 文号 ("贯彻落实国发〔2016〕34号"): the prefix starts after them.
# 经 and 发 are deliberately absent: they occur inside agency codes (鲁经信发); 和 only outside the agency
# names that contain it (中华人民共和国, 住房和城乡建设部).
_LEAD_IN = re.compile(
    r".*(?:关于|根据|按照|依据|依照|参照|贯彻|落实|执行|转发|印发|结合|对照|文件|详见|参见|引用|再次|同时|"
    r"(?<!共)和(?!城乡|信息化|社会保障|改革|旅游|规划)|[的及与或等按据是为在了以由将对并即见])"
)
_EDGES = " \t\r\n()[]《》<>“”\"'、,.:;，。：；"


# Characters outside ASCII, CJK punctuation, ideographs and full-width forms: only these can be a
# non-ASCII digit or a format character, so ordinary Chinese text is left untouched at regex speed.
_UNUSUAL = re.compile(r"[^\x00-\x7f\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@lru_cache(maxsize=1024)
def _plain(char: str) -> str:
    """A Unicode decimal digit (Nd) as its ASCII digit; a format character (Cf: zero-width space,
    direction marks) as nothing; anything else unchanged."""
    category = unicodedata.category(char)
    if category == "Nd":
        return str(unicodedata.decimal(char))
    return "" if category == "Cf" else char


def prepare(text: str) -> str:
    """fold() plus every Unicode digit as ASCII and format characters removed (may change the length)."""
    return _UNUSUAL.sub(lambda m: _plain(m.group(0)), fold(text))


def _normalise(raw: str) -> str:
    """Fold width, case, traditional forms and digits; strip quoting punctuation at both ends."""
    return prepare(raw).strip(_EDGES)


def _bracketed(prefix: str, year: str, serial: str) -> str | None:
    number = int(serial)
    return f"{prefix}〔{year}〕{number}号" if number else None


def _order(prefix: str, serial: str, year: str | None = None) -> str | None:
    number = int(serial)
    issuer = prefix.replace("中华人民共和国", "").strip("、") or prefix
    if not number or not issuer:
        return None
    return f"{issuer}令{year}年第{number}号" if year else f"{issuer}令第{number}号"


def canonical_doc_number(raw: str) -> str | None:
    """The canonical 文号 when the whole of raw is one (spaces, any brackets, full-width allowed), else None."""
    text = _normalise(raw)
    if m := _BRACKETED.fullmatch(text):
        return _bracketed(m["prefix"], m["year"], m["serial"])
    if m := _ORDER.fullmatch(text):  # before _BARE: "农业农村部令2023年第5号" is a decree numbered per year
        return _order(m["prefix"], m["serial"], m["year"])
    if m := _BARE.fullmatch(text):
        return _bracketed(m["prefix"], m["year"], m["serial"])
    for pattern in (_ORDER_CITED, _ORDER_LOOSE):
        if m := pattern.fullmatch(text):
            return _order(m["prefix"], m["serial"])
    return None


def _trim_prefix(prefix: str) -> str:
    """The agency code at the end of a run of ideographs ("贯彻落实国发" -> "国发")."""
    m = _LEAD_IN.match(prefix)
    return prefix[m.end() :] if m else prefix


def find_doc_numbers(text: str) -> list[str]:
    """All canonical 文号 cited in text (bracketed ones and orders), in order of appearance, without repeats."""
    folded = prepare(text)
    found: list[tuple[int, str | None]] = []
    for m in _BRACKETED.finditer(folded):
        prefix = _trim_prefix(m["prefix"])
        found.append((m.start(), prefix and _bracketed(prefix, m["year"], m["serial"])))
    for m in _ORDER.finditer(folded):
        found.append((m.start(), _order(_trim_prefix(m["prefix"]), m["serial"], m["year"])))
    for m in _ORDER_CITED.finditer(folded):
        found.append((m.start(), _order(_trim_prefix(m["prefix"]), m["serial"])))
    ordered = [number for _, number in sorted(found, key=lambda item: item[0]) if number]
    return list(dict.fromkeys(ordered))


def doc_number_parts(canonical: str) -> list[str]:
    """Searchable parts of a canonical 文号: ["聊政办字", "2023", "24号", "24"], or for a decree
    ["聊城市人民政府令", "46号", "46", "令第46号"] (the last is the issuer-free key of "第46号令")."""
    if m := re.fullmatch(r"(.+)〔(\d{4})〕(\d+)号", canonical):
        return [m[1], m[2], f"{m[3]}号", m[3]]
    if m := re.fullmatch(r"(.+令)(\d{4})年第(\d+)号", canonical):
        return [m[1], m[2], f"{m[3]}号", m[3]]
    if m := re.fullmatch(r"(.+令)第(\d+)号", canonical):
        return [m[1], f"{m[2]}号", m[2], issuerless_key(m[2])]
    return [canonical]


def issuerless_key(serial: int | str) -> str:
    """The key of a decree number typed without its issuer ("第601号令" -> "令第601号")."""
    return f"令第{int(serial)}号"


def _strip_label(q: str) -> str:
    return re.sub(r"^(?:文号|发文字号|令号)\s*[:：]?\s*", "", _normalise(q))


def looks_like_doc_number_query(q: str) -> str | None:
    """The canonical 文号 when a whole user query is one, typed any which way; else None."""
    return canonical_doc_number(_strip_label(q))


def issuerless_doc_number_query(q: str) -> str | None:
    """The issuer-free key ("令第601号") when a whole query is a decree number without its issuer
    ("第601号令", "令第601号"); match it against doc_number_parts. None otherwise."""
    m = _ISSUERLESS.fullmatch(_strip_label(q))
    return issuerless_key(m["a"] or m["b"]) if m else None


def query_doc_numbers(q: str) -> list[str]:
    """Canonical 文号 a query is or contains (what to match against doc_numbers), in order."""
    exact = looks_like_doc_number_query(q)
    return [exact] if exact else find_doc_numbers(q)

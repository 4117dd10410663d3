"""Validity (时效性): when a document takes effect and expires, what it repeals (read from its text), and
its status on a given day. Shared by the indexer (extraction) and the query side (status against today)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from analyzers.dates import DATE, cn_number, date_of

STATUSES = ("current", "not_yet_effective", "expired", "repealed", "superseded", "unknown")
STATUS_LABELS = {
    "current": "现行有效",
    "not_yet_effective": "尚未生效",
    "expired": "已失效",
    "repealed": "已废止",
    "superseded": "已被修订",
    "unknown": "时效未知",
}

_TAKES_EFFECT = r"(?:起?\s*(?:施行|实施|执行|生效))"
# "本办法自2024年12月1日起施行", "自 2023 年 10 月 1 日起施行"
_FROM_DATE = re.compile(rf"自\s*{DATE.pattern}\s*{_TAKES_EFFECT}")
# "自印发之日起施行": the issue date
_FROM_ISSUE = re.compile(rf"自\s*(?:印发|发布|公布|发文|下发|签发|颁布)\s*之日\s*{_TAKES_EFFECT}")
_UNTIL = re.compile(rf"有效期\s*(?:至|到|截至)\s*{DATE.pattern}")
_YEARS = re.compile(r"有效期\s*(?:为\s*)?([\d一二两三四五六七八九十]{1,3})\s*年")
# A sentence about the document itself: "本办法…", "本条例…", or one stating when it takes effect.
_SELF = re.compile(
    r"本(?:暂行)?(?:办法|规定|条例|细则|规则|方案|通知|意见|决定|规划|计划|预案|措施|制度|标准|指引|规范)"
)
_REPEALED = re.compile(r"(?:同时|予以|即行|一并)?废止")
_QUOTED = re.compile(r"《([^《》]{2,80})》")
_SENTENCE = re.compile(r"[^。；;\n]+")


@dataclass(frozen=True)
class TextValidity:
    """What the text of a document says about its own validity."""

    effective_from: str | None = None
    expires_on: str | None = None
    repeals: tuple[str, ...] = ()


def extract_validity(text: str, issued: str | None) -> TextValidity:
    """effective_from, expires_on and repealed titles from the text; `issued` stands in for
    "自印发之日起施行" and anchors "有效期5年"."""
    effective = expires = None
    years: int | None = None
    from_issue = False  # "自印发之日起施行": an explicit date elsewhere in the text wins
    repeals: list[str] = []
    for sentence in _SENTENCE.findall(text):
        about_self = bool(_SELF.search(sentence)) or bool(
            _FROM_DATE.search(sentence) or _FROM_ISSUE.search(sentence)
        )
        if effective is None and (m := _FROM_DATE.search(sentence)):
            effective = date_of(m)
        elif _FROM_ISSUE.search(sentence):
            from_issue = True
        if about_self and expires is None and (m := _UNTIL.search(sentence)):
            expires = date_of(m)
        elif about_self and years is None and (m := _YEARS.search(sentence)):
            years = cn_number(m.group(1).replace("两", "二"))
        if (m := _REPEALED.search(sentence)) and ("同时" in m.group(0) or "予以" in m.group(0) or about_self):
            repeals += _QUOTED.findall(sentence[: m.start()])
    if effective is None and from_issue:
        effective = issued
    if expires is None and years and (effective or issued):
        expires = _add_years(effective or issued or "", years)
    return TextValidity(effective, expires, tuple(dict.fromkeys(repeals)))


def _add_years(iso: str, years: int) -> str:
    """The last day of a validity of `years` years from `iso` ("2023-11-01", 5 -> "2028-10-31")."""
    start = dt.date.fromisoformat(iso)
    try:
        end = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + years, day=28)
    return (end - dt.timedelta(days=1)).isoformat()


@dataclass(frozen=True)
class Status:
    status: str  # one of STATUSES
    reason: str  # for people: "有效期至2025年6月30日"


def validity_status(fields: Mapping[str, Any], today: dt.date | str) -> Status:
    """Status of a stored document on `today`, with its reason. fields: effective_from, expires_on,
    superseded_by, repealed_by, stated_validity (labelled 有效性), as stored (missing keys count as unknown)."""
    day = today.isoformat() if isinstance(today, dt.date) else today
    status = status_on(fields, day)
    return Status(status, _reason(status, fields, day))


def status_on(fields: Mapping[str, Any], day: str) -> str:
    """validity_status's status alone, `day` an ISO date (facets count it for every ranked document:
    no reason is formatted)."""
    effective, expires = fields.get("effective_from"), fields.get("expires_on")
    stated = fields.get("stated_validity") or ""
    if fields.get("repealed_by") or "废止" in stated:
        return "repealed"
    if fields.get("superseded_by"):
        return "superseded"
    if (expires and expires < day) or "失效" in stated:
        return "expired"
    if effective and effective > day:
        return "not_yet_effective"
    if expires or effective or "有效" in stated:
        return "current"
    return "unknown"


def _reason(status: str, fields: Mapping[str, Any], day: str) -> str:
    """Why a document has its status (status_on's branch), for people."""
    effective, expires = fields.get("effective_from") or "", fields.get("expires_on") or ""
    if status == "repealed":
        return "已废止"
    if status == "superseded":
        return "已被新版本修订"
    if status == "expired":
        return f"有效期至{_cn(expires)}，已届满" if expires and expires < day else "已失效"
    if status == "not_yet_effective":
        return f"自{_cn(effective)}起施行"
    if status == "current":
        return (
            f"有效期至{_cn(expires)}" if expires else f"自{_cn(effective)}起施行" if effective else "现行有效"
        )
    return "未载明施行日期"


def _cn(iso: str) -> str:
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{year}年{month}月{day}日"

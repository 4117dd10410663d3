"""Chinese dates ("2023年9月10日", "二〇二三年七月十日") to ISO strings; shared by the indexer and the query side."""

from __future__ import annotations

import re

_NUM = r"[\d〇○零一二三四五六七八九十]"
DATE = re.compile(rf"({_NUM}{{4}})\s*年\s*({_NUM}{{1,3}})\s*月\s*({_NUM}{{1,3}})\s*日")
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}


def parse_date(text: str) -> str | None:
    """ISO date of the first Chinese date in text ("二〇二三年七月十日" -> "2023-07-10")."""
    m = DATE.search(text)
    return date_of(m) if m else None


def date_of(m: re.Match[str]) -> str | None:
    """ISO date of a DATE match, None when it is not a real calendar day."""
    year, month, day = (cn_number(part) for part in m.groups()[:3])
    if not (1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def cn_number(text: str) -> int:
    """A number written with Arabic digits, digit by digit (二〇二三) or as tens (十五, 二十, 三十一)."""
    if text.isdigit():
        return int(text)
    if all(c in _CN_DIGITS for c in text):  # 二〇二三: digit by digit
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")  # 十, 十五, 二十, 三十一
    return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)

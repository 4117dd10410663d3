"""A regulation's history from its header lines ("2011年7月26日 中华人民共和国国务院令第601号公布",
"2024年9月27日 中华人民共和国国务院令第791号第三次修订", "2019年3月1日 施行"): numbers with roles, dates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from analyzers.dates import DATE, parse_date
from analyzers.docnum import find_doc_numbers
from analyzers.document import DocNumber

# Role words, checked in this order on a line whose 《titles》 are blanked (the decision that revised a
# regulation is often named "《国务院关于修改和废止部分行政法规的决定》").
_ROLES = (
    ("修订", "修订"),
    ("修正", "修正"),
    ("废止", "废止"),
    ("公布", "公布"),
    ("发布", "公布"),
    ("印发", "公布"),
)
_EFFECTIVE = re.compile(r"施行|实施")
# "自发布之日施行": in force from the promulgation date.
_FROM_ISSUE = re.compile(r"自?\s*(?:公布|发布|印发)之日\s*起?\s*(?:施行|实施)")
_QUOTED = re.compile(r"《[^》]*》")


@dataclass(frozen=True)
class Event:
    """One dated line of the history: what happened, under which number."""

    date: str | None
    role: str  # 公布, 修订, 修正, 废止, 施行, or "" (通过, 批准: no number of its own)
    number: str | None
    from_issue: bool = False  # "自发布之日施行"


@dataclass(frozen=True)
class History:
    """What a regulation's header says about it."""

    events: tuple[Event, ...]
    doc_number: str | None  # the number this text was issued under (its latest 公布)
    doc_numbers: tuple[DocNumber, ...]
    promulgated: str | None  # first 公布
    latest: str | None  # this version's date: the latest 公布/修订/修正
    effective_from: str | None


def parse_event(line: str) -> Event:
    """One header line as an event."""
    date = parse_date(line) if DATE.match(line.strip()) else None
    plain = _QUOTED.sub("", line)
    from_issue = bool(_FROM_ISSUE.search(plain))
    plain = _FROM_ISSUE.sub("", plain)
    role = next((role for word, role in _ROLES if word in plain), "")
    if not role and (_EFFECTIVE.search(plain) or from_issue):
        role = "施行"
    numbers = find_doc_numbers(plain)
    if numbers and date and not role:  # "2017年11月22日 中华人民共和国国务院令第692号": a promulgation
        role = "公布"
    return Event(date, role, numbers[0] if numbers else None, from_issue)


def parse_history(lines: Sequence[str]) -> History:
    """The history told by a regulation's header lines (between the title and <!-- INFO END -->)."""
    events = [parse_event(line) for line in lines if line.strip()]
    issued = [e for e in events if e.role == "公布"]
    first = issued[0] if issued else None
    numbered = [e for e in events if e.number and e.role in ("公布", "修订", "修正", "废止")]
    # The latest promulgation: a text revised and promulgated anew ("修订通过" then "令第706号公布")
    # is issued under the new decree.
    doc_number = next((e.number for e in reversed(issued) if e.number), None) or (
        numbered[0].number if numbered else None
    )
    # An undated number line ("劳部发〔1994〕489号" in a notice) takes the notice's own date line.
    undated = next((e.date for e in events if e.date and not e.role), None)
    numbers = tuple(
        dict.fromkeys(DocNumber(e.number, e.role, e.date or undated) for e in numbered if e.number)
    )
    if doc_number and not numbered:
        numbers = (DocNumber(doc_number, "公布", first.date if first else undated),)
    dated = [e.date for e in events if e.date and e.role in ("公布", "修订", "修正")]
    return History(
        events=tuple(events),
        doc_number=doc_number,
        doc_numbers=numbers,
        promulgated=(first.date if first and first.date else min(dated, default=None)),
        latest=max(dated, default=None),
        effective_from=_effective(events, first),
    )


def _effective(events: Sequence[Event], first: Event | None) -> str | None:
    """The header's "2019年3月1日 施行", or the promulgation date when it says "自发布之日施行"."""
    for event in events:
        if event.role == "施行" and event.date:
            return event.date
    return first.date if first and any(e.from_issue for e in events) else None

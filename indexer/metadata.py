"""Per-document metadata from raw lines: title, issuer, 成文日期, kind, and titles derived from the body."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from analyzers.dates import DATE, parse_date
from analyzers.docnum import canonical_doc_number
from indexer.cleaning import remove_cjk_spaces

# Kinds by title ending, longest first so "实施方案" is read as 方案 and "大事记" beats "记".
KINDS = (
    "大事记", "通知", "通报", "办法", "意见", "方案", "批复", "规划", "预案", "决定", "条例", "规定",
    "细则", "规则", "报告", "公告", "通告", "要点", "计划", "措施", "请示", "纪要", "命令", "目录", "令", "函",
)  # fmt: skip
# Trailing brackets that are not part of the kind: "(征求意见稿)", "（2023—2025年）", "(试行)".
_TRAILING_BRACKETS = re.compile(r"(?:\s*[（(][^（()）]*[)）])+$")
_KIND_TAIL_CHARS = 200
_DATE_ONLY = re.compile(rf"^{DATE.pattern}$")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# An issuing body: ends with an organisation word; "…文件" is the masthead form.
ORG = re.compile(
    r"^[\u4e00-\u9fff（）()·]{2,40}?(?:人民政府|政府|办公室|委员会|管委会|办事处|局|厅|部|委|院|会|中心|支队|集团)(?:文件)?$"
)
# An organisation immediately before an inline date: "…管理委员会 2023年9月14日".
_ORG_BEFORE_DATE = re.compile(
    r"(?:^|[\s。：:;；])([^\s。：:，,；;]{4,40}?(?:委员会|政府|办公室|局|管委会|办事处|中心))\s*"
    + DATE.pattern
)
# "聊城市生态环境局发布《…》" on news pages.
_ORG_PUBLISHES = re.compile(r"^(\S{2,30}?(?:局|委员会|政府|办公室|厅|部))发布")
# Title prefix naming the issuer: "聊城市人民政府关于…", "…办公室《关于…》的通知".
_TITLE_ISSUER = re.compile(r"^(\S{4,40}?(?:人民政府|政府|办公室|委员会|管委会|局))(?=关于|《|印发)")
# Body phrases a title can be derived from, tried in order (see docs/corpus.md). Every run is bounded, so
# text repeating a phrase's start without its end costs linear time, not a scan to the end per repeat.
_DERIVE_RULES = (
    (re.compile(r"《([^》]{1,200})》[^。《]{0,30}?(?:。\s*)?现?印发给你们"), "关于印发{}的通知"),
    (re.compile(r"形成了([^，,。]{1,200})[，,]\s*现予以?公布"), "关于公布{}的通知"),
    (re.compile(r"决定(?:联合)?举办([^。]{1,200}?)。\s*现将有关事项通知如下"), "关于举办{}的通知"),
    (re.compile(r"开展([^，,。]{2,40}?)[，,]\s*特?制定本(?:实施)?方案"), "{}实施方案"),
    (re.compile(r"计划(增设|新建|设立)([^，,。]{2,20}?)(?:一处|一个)?[。，,]"), "关于{}{}的请示"),
)


@dataclass(frozen=True)
class Header:
    """What the header zone of a document says about it."""

    title: str | None
    doc_number: str | None
    issuer: str | None
    title_derived: bool = False


def squeeze(text: str) -> str:
    """Join a title's pieces: drop spaces and markdown emphasis inside Chinese text."""
    return remove_cjk_spaces(re.sub(r"\s+", " ", text.replace("**", "")))


def kind_of(title: str | None) -> str | None:
    """The document kind read from the title's ending ("…的通知" -> 通知); 任免 notices are 任免."""
    if not title:
        return None
    if "任免" in title:
        return "任免"
    # Only the end can hold the kind; a bounded tail keeps the bracket pattern linear on a huge title.
    bare = _TRAILING_BRACKETS.sub("", title[-_KIND_TAIL_CHARS:]).rstrip('》”"')
    return next((kind for kind in KINDS if bare.endswith(kind)), None)


def is_date_line(line: str) -> bool:
    return bool(_DATE_ONLY.match(line.strip()))


def find_date(lines: Sequence[str]) -> str | None:
    """成文日期: the first stand-alone date line, else a date right after an issuer, else a web date."""
    for line in lines:
        if is_date_line(line):
            return parse_date(line)
    for line in lines:
        m = _ORG_BEFORE_DATE.search(line)
        if m:
            return parse_date(line[m.start(2) :])
    for line in lines[:30]:
        m = _ISO_DATE.match(line.strip())
        if m and "来源" in line:
            return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
    return None


def is_org(line: str) -> bool:
    """True for a line that only names issuing bodies ("聊城市民政局 聊城市财政局")."""
    parts = line.split()
    return bool(parts) and all(ORG.match(part) for part in parts)


def join_orgs(lines: Sequence[str]) -> str:
    """Issuers of a joint document, joined with "、"; a masthead's "文件" is dropped."""
    names = [re.sub(r"文件$", "", part) for line in lines for part in line.split()]
    return "、".join(dict.fromkeys(names))


def signature_issuer(lines: Sequence[str]) -> str | None:
    """Issuer(s) printed above the first stand-alone date line."""
    for i, line in enumerate(lines):
        if is_date_line(line):
            orgs: list[str] = []
            for above in reversed(lines[max(0, i - 12) : i]):
                if not is_org(above):
                    break
                orgs.insert(0, above)
            if orgs:
                return join_orgs(orgs)
    for line in lines:
        m = _ORG_BEFORE_DATE.search(line) or _ORG_PUBLISHES.match(line)
        if m:
            return m.group(1)
    return None


def title_issuer(title: str | None) -> str | None:
    """The issuer named at the start of a title ("聊城市人民政府关于…" -> 聊城市人民政府)."""
    m = _TITLE_ISSUER.match(title or "")
    return m.group(1) if m else None


def derive_title(body: str) -> str | None:
    """A title derived from the body of a document printed without one."""
    for pattern, template in _DERIVE_RULES:
        m = pattern.search(body)
        if m:
            return template.format(*(squeeze(g) for g in m.groups()))
    first = re.split(r"[。；;]", body.strip(), maxsplit=1)[0]
    return squeeze(first[:30]) + ("…" if len(first) > 30 else "") if first else None


def doc_number_of(line: str) -> str | None:
    """Canonical 文号 of a header line, or None."""
    return canonical_doc_number(line.strip())

"""Which passage of a document answers a question: pure functions, unit-tested on passages of the corpus.

Within one document m3e rates passages on the same topic alike, and BM25 or cosine scores are missing for
passages only the other side brought, so the fused score alone often shows the neighbouring article. The
passage that answers (a) states what the question asks for: an amount, a share, a time limit, a minimum or
maximum, a responsible body, conditions; (b) repeats the question's telling words (not the title's: every
passage is "about" the title) in its text or its heading; (c) is not a heading-only fragment. Which kind of
answer a question asks for is read from its question words (多少钱, 百分之几, 多久, 最少, 谁, 什么条件...).
Document scores are not touched: only the order of a document's passages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from analyzers.textnorm import fold
from search.fusion import Candidate, PassageScore, telling_tokens


@dataclass(frozen=True)
class AnswerKind:
    name: str
    asked: re.Pattern[str]  # the question asks for it
    stated: re.Pattern[str]  # a passage states it


_NUM = r"[0-9一二三四五六七八九十百两]"
# Dates are not durations: "2019年" (four digits) and "8月1日" (a day after a month) do not count.
_DURATION = (
    r"(?<![0-9月])[0-9]{1,3}\s*个?(?:工作日|日|天|周|小时)|(?<![0-9])[0-9]{1,2}\s*(?:个月|年)"
    r"|(?<![一二三四五六七八九十两〇零月])[一二三四五六七八九十两]+个?(?:工作日|日|天|个月|年|小时)"
)
KINDS = (
    AnswerKind(
        "amount",
        re.compile(
            r"多少(?:钱|奖励|补贴|补助|资金|费用|元|罚款)|(?:奖励|补贴|补助|罚款?|收费)多少|金额|几万"
        ),
        re.compile(rf"{_NUM}[0-9.,]*\s*(?:万|亿|千)?元"),
    ),
    AnswerKind(
        "share",
        re.compile(r"百分之几|百分之多少|比例|几成|占多少"),
        re.compile(r"[0-9.]+\s*[%％]|百分之[0-9一二三四五六七八九十]+"),
    ),
    AnswerKind(
        "duration",
        re.compile(
            r"多久|多长时间|多长|几天|多少天|几个月|多少个?月|几年|多少年|期限|最晚|最迟|何时|什么时候|几个工作日"
        ),
        re.compile(_DURATION),
    ),
    AnswerKind(
        "limit",
        re.compile(r"最少|最低|至少|最多|最高|上限|下限|不能低于|不能超过|不低于|不超过"),
        re.compile(r"不得低于|不低于|不少于|不得少于|至少|最低|最高|不超过|不得超过|不高于|最长|最多"),
    ),
    AnswerKind(
        "count",
        re.compile(r"几个|几次|几名|几人|几项|多少家|多少人|多少名|多少个|多少次"),
        re.compile(r"[0-9]+\s*(?:个|次|家|人|名|项)"),
    ),
    AnswerKind(
        "who",
        re.compile(r"谁|哪个部门|哪个单位|哪些部门|哪个机关|什么部门|什么机关|由哪|哪一级|设在哪|找哪"),
        re.compile(r"负责|牵头|责任单位|主管部门|设在|由[^，。；]{1,30}(?:承担|办理|实施|组织|审批|批准)"),
    ),
    AnswerKind(
        "condition",
        re.compile(r"什么条件|哪些条件|符合什么|需要什么|什么材料|哪些材料|什么情况下|哪些情形|哪些情况"),
        re.compile(r"条件|情形之一|下列|材料"),
    ),
)
# A passage shorter than this (without spaces) is a heading or a fragment ("(7)其他需要启动Ⅰ级应急响应的
# 情况。 5.7.2响应行动"), not an answer.
FRAGMENT_CHARS = 40
# Word overlap against closeness in meaning (both 0..1; within one document m3e rates passages on its topic
# alike, so the words count most), and what stating the asked kind of answer adds: enough that a passage
# stating no amount rarely answers "how much". Chosen by two-fold cross-validation, dev questions against
# the scale set's (docs/benchmarks.md): any STATES_WEIGHT from 0.25 to 1.0 scores the same on both folds.
LEXICAL_WEIGHT = 0.8
STATES_WEIGHT = 0.5
FRAGMENT_PENALTY = 0.5


def asked_kinds(question: str) -> list[AnswerKind]:
    """The kinds of answer a question asks for (none for a yes/no question or a topic)."""
    return [k for k in KINDS if k.asked.search(question)]


def states(text: str, kinds: Iterable[AnswerKind]) -> float:
    """Share of the asked kinds the passage states (0 when nothing is asked)."""
    kinds = list(kinds)
    return sum(1 for k in kinds if k.stated.search(text)) / len(kinds) if kinds else 0.0


def overlap(text: str, words: list[str]) -> float:
    """Share of the words (weighted by length) found in the text; a word found only in part (补偿款 for
    补偿, 进口商品 in 进出口商品) counts by its share of character pairs found, as segmentations differ."""
    words = list(dict.fromkeys(w for w in words if w))
    total = sum(len(w) for w in words)
    if not total:
        return 0.0
    found = 0.0
    for w in words:
        if w in text:
            found += len(w)
        elif len(w) > 1:
            pairs = [w[i : i + 2] for i in range(len(w) - 1)]
            found += len(w) * sum(1 for p in pairs if p in text) / len(pairs)
    return found / total


def is_fragment(text: str) -> bool:
    return len(re.sub(r"\s", "", text)) < FRAGMENT_CHARS


def answer_score(
    passage: PassageScore, kinds: list[AnswerKind], telling: list[str], words: list[str], closeness: float
) -> float:
    """How well a passage answers: telling words in its text, the question's words in its heading, its
    closeness in meaning (0..1 within the document), whether it states what is asked, not a fragment."""
    text, heading = _folded(passage.source, "text"), _folded(passage.source, "heading")
    lexical = 0.75 * overlap(text, telling) + 0.25 * overlap(heading, words)
    score = LEXICAL_WEIGHT * lexical + (1 - LEXICAL_WEIGHT) * closeness + STATES_WEIGHT * states(text, kinds)
    return score - FRAGMENT_PENALTY if is_fragment(text) else score


def _folded(source: dict[str, Any], field: str) -> str:
    """The field folded, without spaces: from its stored segmentation (fold() per passage costs ~0.3 ms)."""
    seg = source.get(f"{field}_seg")
    return (
        str(seg).replace(" ", "")
        if seg is not None
        else re.sub(r"\s", "", fold(str(source.get(field) or "")))
    )


def order_passages(candidate: Candidate, question: str, words: list[str]) -> None:
    """Score the document's passages by how well they answer `question` (its segmented `words`), so that
    fusion.best_passages shows the answering one first. Closeness is the passage's share of the document's
    best signal from either side: cosine min-max scaled over the passages that have one, BM25 over the
    best (a passage only one side brought is not penalised for the other's silence)."""
    telling = telling_tokens(candidate, words)
    kinds = asked_kinds(fold(question))
    passages = list(candidate.passages.values())
    sems = [p.semantic for p in passages if p.semantic > 0]
    lo, hi = min(sems, default=0.0), max(sems, default=0.0)
    kw_max = max((p.keyword for p in passages), default=0.0)
    for p in passages:
        sem = (p.semantic - lo) / (hi - lo) if p.semantic > 0 and hi > lo else float(p.semantic > 0)
        kw = p.keyword / kw_max if kw_max > 0 else 0.0
        p.score = answer_score(p, kinds, telling, words, max(sem, kw))

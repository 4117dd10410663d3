"""search/spelling.py: one-character corrections from the term suggester's bigram options."""

from __future__ import annotations

from search.spelling import Corrections, candidates, checked

# The term suggester's answer for 公平竟争审查 over the sample (trimmed): two spoilt bigrams.
ENTRIES = [
    {"text": "公平", "offset": 0, "length": 2, "options": []},
    {
        "text": "平竟",
        "offset": 1,
        "length": 2,
        "options": [{"text": "平台", "freq": 259}, {"text": "平竞", "freq": 3}],
    },
    {
        "text": "竟争",
        "offset": 2,
        "length": 2,
        "options": [{"text": "力争", "freq": 61}, {"text": "竞争", "freq": 44}],
    },
    {"text": "争审", "offset": 3, "length": 2, "options": []},
    {"text": "审查", "offset": 4, "length": 2, "options": []},
]


def test_the_character_both_spoilt_bigrams_agree_on_comes_first() -> None:
    assert candidates("公平竟争审查", ENTRIES)[0] == "公平竞争审查"


def test_a_correctly_typed_query_has_no_candidates() -> None:
    clean = [{**e, "options": []} for e in ENTRIES]
    assert candidates("公平竞争审查", clean) == []


def entry(text: str, offset: int, *options: tuple[str, int]) -> dict[str, object]:
    return {
        "text": text,
        "offset": offset,
        "length": 2,
        "options": [{"text": t, "freq": f} for t, f in options],
    }


# 烈土褒扬条列: two wrong characters, apart; each spoils the bigrams it sits in.
TWO_WRONG = [
    entry("烈土", 0, ("烈士", 90), ("烈性", 2)),
    entry("土褒", 1, ("士褒", 40)),
    entry("褒扬", 2),
    entry("扬条", 3),
    entry("条列", 4, ("条例", 900), ("条件", 300)),
]


def test_two_wrong_characters_are_corrected_together() -> None:
    assert candidates("烈土褒扬条列", TWO_WRONG) == ["烈士褒扬条例", "烈士褒扬条件"]


def test_a_correction_must_repair_every_spoilt_bigram() -> None:
    # no one character repairs 烈土, 土褒 and 条列 at once; a three-character query gets no pair
    assert candidates("烈土褒扬条列", TWO_WRONG)[0] != "烈土褒扬条例"
    assert candidates("烈土褒", TWO_WRONG[:2]) == ["烈士褒"]


def test_one_wrong_character_gets_no_two_character_correction() -> None:
    # a pair would have to change a character whose bigrams are all known: nothing proposes one
    assert candidates("公平竟争审查", ENTRIES) == ["公平竞争审查"]


def test_questions_and_short_or_non_chinese_queries_are_not_checked() -> None:
    assert checked(" 公平竟争审查 ") == "公平竟争审查"
    assert checked("公共体育场馆对老百姓免费开放吗") is None  # never a phrase of the index
    assert checked("小作坊怎么升级") is None
    assert checked("普法") is None and checked("GDP growth") is None


def test_a_correction_is_known_with_the_generation_it_was_found_in() -> None:
    known = Corrections(size=2)
    assert known.known("公平竟争审查") is None
    known.seen("gov-v1:5:0:4:10")
    known.found("公平竟争审查", "gov-v1:5:0:4:10", "公平竞争审查")
    known.found("古树名木", "gov-v1:5:0:4:10", None)  # typed right: known to have none
    assert known.known("公平竟争审查") == ("gov-v1:5:0:4:10", "公平竞争审查")
    assert known.known("古树名木") == ("gov-v1:5:0:4:10", None)
    known.found("古树名木", None, None)  # no generation to key it by: forgotten, not kept unkeyed
    assert known.known("古树名木") is None


def test_after_a_newer_generation_is_seen_older_corrections_are_not_offered() -> None:
    known = Corrections()
    known.seen("gov-v1:5:0:4:10")
    known.found("公平竟争审查", "gov-v1:5:0:4:10", "公平竞争审查")
    known.seen("gov-v1:6:0:5:15")  # a write since: the suggester rides again, in the query's own msearch
    assert known.known("公平竟争审查") is None
    known.seen(None)  # no generation (an alias over many indices): nothing is offered
    assert known.known("公平竟争审查") is None

"""search/spelling.py: one-character corrections from the term suggester's bigram options."""

from __future__ import annotations

from search.spelling import candidates

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

"""analyzers/synonyms.py: rule parsing and per-token expansion, checked against the shipped rules too."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.segment import Segmenter
from analyzers.synonyms import MAX_PHRASE_TOKENS, SynonymRuleError, Synonyms, parse_rules
from config.settings import AnalyzerSettings

RULES = """
# comment
老年人, 老人, 长者   # trailing comment
两癌 => 宫颈癌, 乳腺癌
补贴, 补助
奖励, 补助
殘障 => 殘疾
殘障人士, 残疾人
"""


@pytest.fixture()
def synonyms(tmp_path: Path) -> Synonyms:
    path = tmp_path / "synonyms.txt"
    path.write_text(RULES, encoding="utf-8")
    return Synonyms(path)


def test_equivalence_works_both_ways(synonyms: Synonyms) -> None:
    assert synonyms.alternatives("老人") == ["老人", "老年人", "长者"]
    assert synonyms.alternatives("长者") == ["长者", "老年人", "老人"]


def test_expansion_is_one_way(synonyms: Synonyms) -> None:
    assert synonyms.alternatives("两癌") == ["两癌", "宫颈癌", "乳腺癌"]
    assert synonyms.alternatives("宫颈癌") == ["宫颈癌"]


def test_groups_sharing_a_word_merge(synonyms: Synonyms) -> None:
    assert synonyms.alternatives("补助") == ["补助", "补贴", "奖励"]


def test_rules_are_folded(synonyms: Synonyms) -> None:
    assert synonyms.alternatives("残障") == ["残障", "残疾"]


def test_expand_keeps_token_order(synonyms: Synonyms) -> None:
    assert synonyms.expand(["老人", "体检", "补贴"]) == [
        ["老人", "老年人", "长者"],
        ["体检"],
        ["补贴", "补助"],
    ]


def test_rule_words_of_several_tokens_meet_the_query(synonyms: Synonyms) -> None:
    # jieba cuts 残障人士 into 残障 人士: the pair is one word of the rule, not two
    assert synonyms.expand(["残障", "人士", "托养"]) == [["残障人士", "残疾人"], ["托养"]]
    assert synonyms.expand(["人士", "残障"]) == [["人士"], ["残障", "残疾"]]  # order matters


def test_every_shipped_rule_word_is_reachable_from_a_query() -> None:
    settings = AnalyzerSettings()
    synonyms, segmenter = Synonyms(settings.synonyms), Segmenter(settings)
    for word in parse_rules(settings.synonyms.read_text(encoding="utf-8")):
        tokens = segmenter.tokens(word)
        assert len(tokens) <= MAX_PHRASE_TOKENS, word
        assert synonyms.expand(tokens)[0][0] == "".join(tokens), (word, tokens)


@pytest.mark.parametrize("bad", ["a => b => c", "a, , b", " => b"])
def test_malformed_rules_are_reported(bad: str) -> None:
    with pytest.raises(SynonymRuleError, match=":1"):
        parse_rules(bad)


def test_shipped_rules_load_and_meet_query_tokens() -> None:
    settings = AnalyzerSettings()
    synonyms = Synonyms(settings.synonyms)
    segmenter = Segmenter(settings)
    tokens = segmenter.query_tokens("乡村学校的老师每年有免费体检吗")
    expanded = dict(zip(tokens, synonyms.expand(tokens), strict=True))
    assert "教师" in expanded["老师"]
    assert "健康体检" in expanded["体检"]
    assert "残疾" in synonyms.alternatives(segmenter.tokens("残障人士托养照护")[0])
    assert "公众" in synonyms.alternatives("老百姓")
    assert synonyms.alternatives("两癌") == ["两癌", "宫颈癌", "乳腺癌"]


def test_former_and_everyday_words_reach_the_terms_regulations_use() -> None:
    settings = AnalyzerSettings()
    synonyms, segmenter = Synonyms(settings.synonyms), Segmenter(settings)

    def reach(query: str) -> list[str]:
        return [alt for group in synonyms.expand(segmenter.query_tokens(query)) for alt in group]

    assert "居住证" in reach("外地人怎么办暂住证")  # 居住证暂行条例 replaced the 暂住证
    assert "房屋征收" in reach("城市拆迁补偿")  # 国有土地上房屋征收与补偿条例 replaced 城市房屋拆迁管理条例
    assert "驾驶证" in reach("驾照扣分")
    assert "上网服务营业场所" in reach("网吧")
    assert "驾照" not in reach("驾驶证")  # one way: the official term does not widen to slang

"""search/answers.py: the passage that answers a question comes first (real passages of the corpus)."""

from __future__ import annotations

from search.answers import asked_kinds, is_fragment, order_passages, overlap, states
from search.fusion import Candidate, PassageScore, best_passages

# 住房公积金管理条例, 第三章 缴存
GJJ_18 = (
    "第十八条 职工和单位住房公积金的缴存比例均不得低于职工上一年度月平均工资的5%；有条件的城市，可以适当提高"
    "缴存比例。具体缴存比例由住房公积金管理委员会拟订，经本级人民政府审核后，报省、自治区、直辖市人民政府批准。"
)
GJJ_19 = (
    "第十九条 职工个人缴存的住房公积金，由所在单位每月从其工资中代扣代缴。 单位应当于每月发放职工工资之日起5日内"
    "将单位缴存的和为职工代缴的住房公积金汇缴到住房公积金专户内，由受委托银行计入职工住房公积金账户。"
)
GJJ_16 = (
    "第十六条 职工住房公积金的月缴存额为职工本人上一年度月平均工资乘以职工住房公积金缴存比例。 单位为职工缴存的"
    "住房公积金的月缴存额为职工本人上一年度月平均工资乘以单位住房公积金缴存比例。"
)
# 中华人民共和国道路交通安全法实施条例, 第二章 第二节 机动车驾驶人
ROAD_23 = (
    "第二十三条 公安机关交通管理部门对机动车驾驶人的道路交通安全违法行为除给予行政处罚外，实行道路交通安全违法"
    "行为累积记分(以下简称记分)制度，记分周期为12个月。对在一个记分周期内记分达到12分的，由公安机关交通管理部门"
    "扣留其机动车驾驶证，该机动车驾驶人应当按照规定参加道路交通安全法律、法规的学习并接受考试。"
)
ROAD_24 = (
    "第二十四条 机动车驾驶人在一个记分周期内记分未达到12分，所处罚款已经缴纳的，记分予以清除；记分虽未达到12分，"
    "但尚有罚款未缴纳的，记分转入下一记分周期。 机动车驾驶人在一个记分周期内记分2次以上达到12分的，除按照第二十三条"
    "的规定扣留机动车驾驶证、参加学习、接受考试外，还应当接受驾驶技能考试。"
)
# 聊城市...进出口商品质量安全风险预警...的意见
RISK_8 = (
    "8. 健全风险预警发布渠道。畅通信息发布和检索渠道，按照风险预警信息发布范围，依托济南海关网站及聊城海关所属微信"
    "公众号平台发布进出口商品风险预警信息，为各级政府、监管部门、企业及社会公众提供检索、查阅服务。建立相关监管部门"
    "信息通报机制，实现风险预警信息的有效传递。(责任单位：聊城海关牵头；市发展改革委、市工业和信息化局、市商务投资"
    "促进局、市市场监管局等部门按职责分工负责)"
)
RISK_12 = (
    "12. 强化质量安全责任追溯。探索开展跨境电商进口零售商品和重点消费品质量安全追溯试点。以海淘商品、网络交易量大的"
    "商品以及实地抽检难度较大商品为重点，组织开展网上商品抽检工作。不断强化质量安全事中事后监管，强化流通领域商品"
    "监督检查。（责任单位：市商务投资促进局、市发展改革委、市工业和信息化局、市生态环境局、市农业农村局、"
    "市市场监管局、聊城海关等部门按职责分工负责）"
)


def passage(
    pid: str, text: str, heading: str = "", keyword: float = 0.0, semantic: float = 0.0
) -> PassageScore:
    return PassageScore(pid, {"text": text, "heading": heading}, keyword=keyword, semantic=semantic)


def doc(title: str, *passages: PassageScore, score: float = 0.42) -> Candidate:
    return Candidate("d", {"title": title}, passages={p.passage_id: p for p in passages}, score=score)


def first(c: Candidate) -> str:
    return best_passages(c)[0].passage_id


def test_question_words_say_what_is_asked() -> None:
    kinds = lambda q: sorted(k.name for k in asked_kinds(q))  # noqa: E731
    assert kinds("住房公积金单位和个人最少要按工资的百分之几缴") == ["limit", "share"]
    assert kinds("驾照扣分多长时间算一个周期,扣满12分会怎样") == ["duration"]
    assert kinds("进口商品出了质量安全问题,谁负责发布风险预警") == ["who"]
    assert kinds("小作坊升级成规模以上企业能拿多少奖励") == ["amount"]
    assert kinds("公共体育场馆对老百姓免费开放吗") == []  # yes/no: the words and the meaning decide


def test_dates_are_not_durations() -> None:
    (duration,) = asked_kinds("多久")
    assert states("本条例自2003年8月1日起施行。", [duration]) == 0.0
    assert states("2019—2021年，对自愿申报并成功升规的企业", [duration]) == 0.0
    assert states("记分周期为12个月", [duration]) == 1.0
    assert states("应当自收到申请之日起20个工作日内予以答复", [duration]) == 1.0
    assert states("自事故伤害发生之日起1年内", [duration]) == 1.0
    assert states("文中无所问", []) == 0.0


def test_partial_words_count_by_their_character_pairs() -> None:
    assert overlap("进出口商品风险预警信息", ["进口商品"]) == 2 / 3  # 口商, 商品 of 进口, 口商, 商品
    assert overlap("补偿", ["补偿款", "价"]) == (3 * 1 / 2) / 4
    assert overlap("任何文字", []) == 0.0


def test_the_passage_stating_the_share_comes_first() -> None:
    """sq5: the neighbouring article has more of the question's words and the best BM25; the answer has the 5%."""
    c = doc(
        "住房公积金管理条例",
        passage("d#13", GJJ_19, "第三章 缴存 > 第十九条", keyword=63.4, semantic=0.939),
        passage("d#11", GJJ_16, "第三章 缴存 > 第十六条", keyword=59.6, semantic=0.931),
        passage("d#12", GJJ_18, "第三章 缴存 > 第十八条", semantic=0.929),
    )
    order_passages(
        c,
        "住房公积金单位和个人最少要按工资的百分之几缴",
        ["住房", "公积金", "单位", "个人", "最少", "按", "工资", "百分之几", "缴"],
    )
    assert first(c) == "d#12"
    assert c.score == 0.42  # the document's score is not touched


def test_the_passage_stating_the_period_comes_first() -> None:
    """sq3: the next article also speaks of 记分周期 and 12分, but only 第二十三条 says how long a period is."""
    heading = "第二章 车辆和驾驶人 > 第二节 机动车驾驶人 > "
    c = doc(
        "中华人民共和国道路交通安全法实施条例",
        passage("d#16", ROAD_24, heading + "第二十四条", semantic=0.912),
        passage("d#15", ROAD_23, heading + "第二十三条", semantic=0.906),
    )
    order_passages(
        c,
        "驾照扣分多长时间算一个周期,扣满12分会怎样",
        ["驾照", "扣分", "多长时间", "算", "周期", "扣满", "12", "分会"],
    )
    assert first(c) == "d#15"


def test_a_passage_only_the_keyword_side_brought_is_not_penalised() -> None:
    """dq4: both name 责任单位; the answer (from BM25 only) is about 发布, in its heading too."""
    c = doc(
        "聊城市人民政府关于完善进出口商品质量安全风险预警和快速反应监管体系切实保护消费者权益的意见",
        passage("d#13", RISK_12, "五、强化快速处置和结果运用 > 12.强化质量安全责任追溯", semantic=0.896),
        passage("d#9", RISK_8, "四、构建质量安全风险预警机制 > 8.健全风险预警发布渠道", keyword=51.9),
    )
    words = ["进口商品", "出", "质量", "安全", "问题", "负责", "发布", "风险", "预警"]
    order_passages(c, "进口商品出了质量安全问题,谁负责发布风险预警", words)
    assert first(c) == "d#9"


def test_a_heading_fragment_does_not_come_first() -> None:
    fragment = "(7)其他需要启动Ⅰ级应急响应的情况。 5.7.2响应行动"
    body = "Ⅰ级应急响应启动后，区应急指挥部立即组织各成员单位和专家进行会商，研究部署应急处置工作，派出工作组赶赴现场。"
    assert is_fragment(fragment) and not is_fragment(body)
    c = doc(
        "兰山区突发事件总体应急预案",
        passage("d#40", fragment, semantic=0.95, keyword=30.0),
        passage("d#41", body, semantic=0.90),
    )
    order_passages(c, "启动Ⅰ级应急响应以后要做什么", ["启动", "Ⅰ级", "应急", "响应", "以后", "做"])
    assert first(c) == "d#41"


def test_dates_in_chinese_numerals_are_not_durations() -> None:
    (duration,) = asked_kinds("最晚什么时候")
    assert states("二〇一九年八月一日起施行", [duration]) == 0.0
    assert states("应当在三个月内作出决定", [duration]) == 1.0

"""Decision table for the routing engine: realistic cases → expected unit / channel / principle."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from xinfang.domain.enums import Channel, Purpose
from xinfang.domain.model import CaseDraft
from xinfang.domain.rules import RuleSet
from xinfang.routing.engine import (DEFAULT_CHAIN, PRINCIPLE_NAMES, Decision, Principle, RoutingInput,
                                    normalize_chain, route)

LITIGATION = frozenset({"政法/涉法涉诉", "劳动和社会保障/劳动争议仲裁"})
OFFICE = "Q-XF"
TODAY = date(2026, 3, 2)

NO_LEVEL = [p for p in DEFAULT_CHAIN if p is not Principle.LEVEL]
NO_ACCUSATION = [p for p in DEFAULT_CHAIN if p is not Principle.ACCUSATION]
NO_LITIGATION = [p for p in DEFAULT_CHAIN if p is not Principle.LITIGATION]

# Each case: input fields (purpose defaults to 申诉求决, on_date to TODAY), optional chain / office /
# rules ("empty"), and the expectation. unit "" means nobody was chosen.
CASES: list[dict] = [
    # --- 谁主管谁负责 ---------------------------------------------------------------------------
    dict(id="wages-generic", category="劳动和社会保障/拖欠工资", text="某餐馆拖欠服务员工资两个月",
         place_code="420102001001",
         expect=dict(unit="Q-RS", channel="办理", principle="competent", rule=2)),
    dict(id="wages-construction-more-specific", category="劳动和社会保障/拖欠工资",
         text="某工地项目部拖欠农民工工资三个月", place_code="420102001001",
         expect=dict(unit="Q-ZJ", channel="办理", principle="competent", rule=3, alternatives={"Q-RS", "S1"})),
    dict(id="elevator-tie", category="城乡建设/物业管理", text="小区电梯频繁故障，物业不维修",
         place_code="420102001001",
         expect=dict(unit="", channel="办理", principle="competent", needs_manual=True, rule=None,
                     alternatives={"Q-SJ", "Q-ZJ"})),
    dict(id="property-no-elevator", category="城乡建设/物业管理", text="物业公司乱收停车费",
         place_code="420102001001",
         expect=dict(unit="Q-ZJ", channel="办理", principle="competent", rule=18)),
    dict(id="illegal-building-district-rule", category="城乡建设/违法建设", text="楼顶加盖彩钢房",
         place_code="420102001001",
         expect=dict(unit="Q-CG", channel="办理", principle="competent", rule=6)),
    dict(id="illegal-building-area-rule-more-specific", category="城乡建设/违法建设", text="楼顶加盖彩钢房",
         place_code="420102002001",
         expect=dict(unit="S2", channel="办理", principle="competent", rule=7, alternatives={"Q-CG"})),
    dict(id="same-unit-tie-is-no-tie", category="城乡建设/违法建设", text="邻居违建，在公共通道搭建棚子",
         place_code="420102001001",
         expect=dict(unit="Q-CG", channel="办理", principle="competent", rule=20)),
    dict(id="priority-among-equal-specificity", category="城乡建设/违法建设", text="违法建筑施工噪音扰民",
         place_code="420102001001",
         expect=dict(unit="Q-CG", channel="办理", principle="competent", rule=8)),
    dict(id="more-specific-beats-priority", category="市场监管/食品安全", text="餐馆出售变质食品",
         expect=dict(unit="Q-SJ", channel="办理", principle="competent", rule=10, alternatives={"Q-WJ"})),
    dict(id="keyword-only-rule", category="其他/其他", text="学校食堂食品卫生差",
         expect=dict(unit="Q-WJ", channel="办理", principle="competent", rule=11)),
    dict(id="first-level-rule-on-first-level-case", category="城乡建设", text="夜里噪音很大",
         expect=dict(unit="Q-CG", channel="办理", principle="competent", rule=8)),
    dict(id="first-level-category-rule", category="市场监管/价格违法", text="超市价格欺诈",
         expect=dict(unit="Q-SJ", channel="办理", principle="competent", rule=9)),
    dict(id="priority-wins", category="劳动和社会保障/社会保险", text="单位未缴纳社保",
         expect=dict(unit="Q-RS", channel="办理", principle="competent", rule=16, alternatives={"Q-MZ"})),
    dict(id="suggestion-routes-too", purpose="建议意见", category="劳动和社会保障/社会保险",
         text="建议简化社保转移手续",
         expect=dict(unit="Q-RS", channel="办理", principle="competent", rule=16)),
    # --- dates ------------------------------------------------------------------------------------
    dict(id="expired-and-future-rules-fall-to-territorial", category="民政与应急/低保救助",
         text="申请低保被拒", place_code="420102001001",
         expect=dict(unit="S1", channel="办理", principle="territorial", rule=None,
                     reason_contains="不在有效期内")),
    dict(id="rule-valid-in-2019", category="民政与应急/低保救助", text="申请低保被拒",
         place_code="420102001001", on_date=date(2019, 5, 1),
         expect=dict(unit="Q-MZ", channel="办理", principle="competent", rule=12)),
    dict(id="rule-valid-from-2027", category="民政与应急/低保救助", text="申请低保被拒",
         place_code="420102001001", on_date=date(2027, 2, 1),
         expect=dict(unit="Q-MZ", channel="办理", principle="competent", rule=13)),
    dict(id="expired-no-place-manual", category="民政与应急/低保救助", text="申请低保被拒",
         expect=dict(unit="", channel="办理", principle="", needs_manual=True)),
    # --- 分级负责 ---------------------------------------------------------------------------------
    dict(id="city-unit-escalates", category="自然资源/规划管理", text="控规调整影响采光",
         place_code="420102002001",
         expect=dict(unit="C-NR", channel="上报上级", principle="competent", rule=14,
                     reason_contains="分级负责：适用")),
    dict(id="level-disabled-no-escalation", category="自然资源/规划管理", text="控规调整影响采光",
         chain=NO_LEVEL,
         expect=dict(unit="C-NR", channel="办理", principle="competent", rule=14)),
    dict(id="street-office-escalates-to-district", category="劳动和社会保障/拖欠工资", text="拖欠工资",
         office="S1",
         expect=dict(unit="Q-RS", channel="上报上级", principle="competent", rule=2)),
    dict(id="unknown-office-cannot-compare", category="劳动和社会保障/拖欠工资", text="拖欠工资",
         office="NOPE",
         expect=dict(unit="Q-RS", channel="办理", principle="competent", reason_contains="不在单位目录中")),
    # --- 谁引发谁负责 -----------------------------------------------------------------------------
    dict(id="caused-by-name-beats-tie", category="城乡建设/物业管理", text="城管清理时损坏小区电梯",
         caused_by="城东区城市管理执法局",
         expect=dict(unit="Q-CG", channel="办理", principle="caused_by", rule=None,
                     alternatives={"Q-SJ", "Q-ZJ"})),
    dict(id="caused-by-code", category="劳动和社会保障/拖欠工资", text="拖欠工资", caused_by="Q-ZJ",
         expect=dict(unit="Q-ZJ", channel="办理", principle="caused_by")),
    dict(id="caused-by-unknown-falls-through", category="劳动和社会保障/拖欠工资", text="拖欠工资",
         caused_by="江城某劳务公司",
         expect=dict(unit="Q-RS", channel="办理", principle="competent", reason_contains="不在单位目录中")),
    dict(id="caused-by-city-unit-escalates", category="其他/其他", text="市局审批导致纠纷", caused_by="C-NR",
         expect=dict(unit="C-NR", channel="上报上级", principle="caused_by")),
    dict(id="caused-by-disabled", category="劳动和社会保障/拖欠工资", text="拖欠工资", caused_by="Q-ZJ",
         chain=["accusation", "litigation", "competent", "territorial", "level"],
         expect=dict(unit="Q-RS", channel="办理", principle="competent")),
    # --- 诉访分离 ---------------------------------------------------------------------------------
    dict(id="litigation-category-with-rule", category="政法/涉法涉诉", text="对法院判决不服",
         expect=dict(unit="Q-FY", channel="法定途径", principle="litigation", rule=15)),
    dict(id="litigation-category-no-rule", category="政法/涉法涉诉", text="案件久拖不决",
         expect=dict(unit="Q-FY", channel="法定途径", principle="litigation", rule=None)),
    dict(id="labour-arbitration-category", category="劳动和社会保障/劳动争议仲裁", text="被辞退要求赔偿",
         expect=dict(unit="Q-RS-ZC", channel="法定途径", principle="litigation")),
    dict(id="already-sued", category="劳动和社会保障/拖欠工资", text="拖欠工资", legal_status="已起诉",
         expect=dict(unit="Q-FY", channel="法定途径", principle="litigation")),
    dict(id="already-arbitration", category="劳动和社会保障/拖欠工资", text="拖欠工资",
         legal_status="已申请仲裁",
         expect=dict(unit="Q-RS-ZC", channel="法定途径", principle="litigation")),
    dict(id="already-admin-review", category="城乡建设/违法建设", text="对拆除决定不服",
         legal_status="已申请复议",
         expect=dict(unit="Q", channel="法定途径", principle="litigation")),
    dict(id="other-statutory-procedure-manual", category="其他/其他", text="不服处罚",
         legal_status="其他法定途径",
         expect=dict(unit="", channel="法定途径", principle="litigation", needs_manual=True)),
    dict(id="litigation-disabled", category="政法/涉法涉诉", text="对法院判决不服", chain=NO_LITIGATION,
         expect=dict(unit="Q-FY", channel="办理", principle="competent", rule=15)),
    # --- 检举控告 ---------------------------------------------------------------------------------
    dict(id="accuse-community", purpose="检举控告", category="纪检监察/违纪违法", text="社区主任优亲厚友",
         accused_unit="S1C1", place_code="420102001001",
         expect=dict(unit="S1-JGW", channel="纪检监察", principle="accusation", restricted=True)),
    dict(id="accuse-grid", purpose="检举控告", category="纪检监察/违纪违法", text="网格员吃拿卡要",
         accused_unit="S1C1G1",
         expect=dict(unit="S1-JGW", channel="纪检监察", principle="accusation", restricted=True)),
    dict(id="accuse-street-not-own-jgw", purpose="检举控告", category="纪检监察/违纪违法",
         text="街道干部违规收费", accused_unit="S1",
         expect=dict(unit="Q-JW", channel="纪检监察", principle="accusation", restricted=True)),
    dict(id="accuse-department", purpose="检举控告", category="纪检监察/违纪违法", text="人社局干部索贿",
         accused_unit="Q-RS",
         expect=dict(unit="Q-JW", channel="纪检监察", principle="accusation", restricted=True)),
    dict(id="accuse-department-by-name", purpose="检举控告", category="纪检监察/违纪违法",
         text="人社局干部索贿", accused_unit="城东区人力资源和社会保障局",
         expect=dict(unit="Q-JW", channel="纪检监察", principle="accusation", restricted=True)),
    dict(id="accuse-district-government", purpose="检举控告", category="纪检监察/违纪违法",
         text="区政府违规决策", accused_unit="Q",
         expect=dict(unit="C-JW", channel="纪检监察", principle="accusation", restricted=True)),
    dict(id="accuse-district-discipline-itself", purpose="检举控告", category="纪检监察/违纪违法",
         text="区纪委干部压案不查", accused_unit="Q-JW",
         expect=dict(unit="C-JW", channel="纪检监察", principle="accusation", restricted=True)),
    dict(id="accuse-unknown-unit", purpose="检举控告", category="纪检监察/违纪违法", text="某公司行贿",
         accused_unit="江城某建筑公司",
         expect=dict(unit="Q-JW", channel="纪检监察", principle="accusation", restricted=True,
                     reason_contains="不在单位目录中")),
    dict(id="accuse-no-unit", purpose="检举控告", category="纪检监察/违纪违法", text="举报某干部",
         expect=dict(unit="Q-JW", channel="纪检监察", principle="accusation", restricted=True)),
    dict(id="accuse-root-nobody-left", purpose="检举控告", category="纪检监察/违纪违法", text="举报市政府",
         accused_unit="C",
         expect=dict(unit="", principle="accusation", needs_manual=True, restricted=True,
                     reason_contains="保密要求")),
    dict(id="guard-when-competent-first", purpose="检举控告", category="城乡建设/老旧小区改造",
         text="街道改造工程虚报冒领", accused_unit="S1",
         chain=["competent", "accusation", "territorial", "level"],
         expect=dict(unit="Q-JW", channel="纪检监察", principle="accusation", restricted=True,
                     reason_contains="保密要求")),
    dict(id="guard-without-accusation-principle", purpose="检举控告", category="劳动和社会保障/拖欠工资",
         text="人社局包庇欠薪企业", accused_unit="Q-RS", chain=NO_ACCUSATION,
         expect=dict(unit="Q-JW", channel="纪检监察", principle="accusation", restricted=True,
                     reason_contains="保密要求")),
    dict(id="guard-lets-other-units-through", purpose="检举控告", category="劳动和社会保障/拖欠工资",
         text="住建局干部插手工程", accused_unit="Q-ZJ", chain=NO_ACCUSATION,
         expect=dict(unit="Q-RS", channel="办理", principle="competent", restricted=True)),
    dict(id="guard-caused-by-is-accused", purpose="检举控告", category="其他/其他", text="社区强拆",
         accused_unit="S1C1", caused_by="S1C1G1", chain=["caused_by", "territorial", "level"],
         expect=dict(unit="S1-JGW", channel="纪检监察", principle="accusation", restricted=True)),
    dict(id="guard-filters-alternatives", purpose="检举控告", category="城乡建设/物业管理",
         text="电梯维保单位与住建局勾结", accused_unit="Q-ZJ", chain=["competent", "territorial"],
         expect=dict(unit="", principle="competent", needs_manual=True, restricted=True,
                     alternatives={"Q-SJ"})),
    # --- 属地单位负责 and unknown areas -----------------------------------------------------------
    dict(id="territorial-grid-code", category="其他/其他", text="楼道堆放杂物", place_code="42010200100101",
         expect=dict(unit="S1", channel="办理", principle="territorial")),
    dict(id="territorial-12-digit-street-code", category="其他/其他", text="路灯不亮",
         place_code="420102002000",
         expect=dict(unit="S2", channel="办理", principle="territorial")),
    dict(id="territorial-place-name", category="其他/其他", text="楼道堆放杂物", place_code="临江街道江滩社区5栋",
         expect=dict(unit="S2", channel="办理", principle="territorial")),
    dict(id="unknown-area-other-district", category="其他/其他", text="反映问题", place_code="420103001001",
         expect=dict(unit="", channel="办理", principle="", needs_manual=True, reason_contains="不在任何街道乡镇")),
    dict(id="unknown-place-name", category="其他/其他", text="反映问题", place_code="火星路",
         expect=dict(unit="", principle="", needs_manual=True, reason_contains="无法识别")),
    dict(id="district-level-place-only", category="其他/其他", text="反映问题", place_code="420102",
         expect=dict(unit="", principle="", needs_manual=True)),
    dict(id="territorial-before-competent", category="劳动和社会保障/拖欠工资", text="拖欠工资",
         place_code="420102001001", chain=["属地单位负责", "谁主管谁负责", "分级负责"],
         expect=dict(unit="S1", channel="办理", principle="territorial", alternatives={"Q-RS"})),
    # --- empty rule set ---------------------------------------------------------------------------
    dict(id="empty-rules-territorial", category="劳动和社会保障/拖欠工资", text="拖欠工资",
         place_code="420102001001", rules="empty",
         expect=dict(unit="S1", channel="办理", principle="territorial", reason_contains="权责清单为空")),
    dict(id="empty-rules-no-place", category="劳动和社会保障/拖欠工资", text="拖欠工资", rules="empty",
         expect=dict(unit="", principle="", needs_manual=True)),
    dict(id="empty-rules-litigation-still-works", category="政法/涉法涉诉", text="判决不公", rules="empty",
         expect=dict(unit="Q-FY", channel="法定途径", principle="litigation")),
]

INPUT_FIELDS = ("purpose", "category", "text", "place_code", "caused_by", "accused_unit", "legal_status",
                "on_date")


def _run(case: dict, directory, ruleset) -> Decision:
    fields = {k: case[k] for k in INPUT_FIELDS if k in case}
    fields.setdefault("purpose", "申诉求决")
    fields.setdefault("on_date", TODAY)
    rules = RuleSet(8, ()) if case.get("rules") == "empty" else ruleset
    return route(RoutingInput(**fields), directory, rules, case.get("office", OFFICE),
                 chain=case.get("chain", DEFAULT_CHAIN), litigation_categories=LITIGATION)


def test_table_is_big_enough():
    assert len(CASES) >= 40
    principles = {c["expect"].get("principle") for c in CASES}
    assert {"accusation", "litigation", "caused_by", "competent", "territorial"} <= principles
    assert any(c["expect"].get("channel") == "上报上级" for c in CASES)
    assert len({c["id"] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_decision_table(case, directory, ruleset):
    d = _run(case, directory, ruleset)
    exp = case["expect"]
    got = {"unit": d.unit, "channel": d.channel, "principle": d.principle, "rule": d.rule,
           "needs_manual": d.needs_manual, "restricted": d.restricted}
    want = {"needs_manual": False, "restricted": False, **{k: v for k, v in exp.items()
                                                            if k in got}}
    assert {k: got[k] for k in want} == want, "\n".join(d.reasons)
    if d.unit:
        assert d.unit_name == directory.get(d.unit).name
    else:
        assert d.needs_manual and d.unit_name == ""
    if "alternatives" in exp:
        assert {c for c, _ in d.alternatives} == exp["alternatives"], d.alternatives
    if "reason_contains" in exp:
        assert any(exp["reason_contains"] in r for r in d.reasons), d.reasons
    assert d.rule_version == (8 if case.get("rules") == "empty" else 7)
    if d.principle == "competent" and not d.needs_manual:
        assert d.rule is not None


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_reasons_cover_every_principle_considered(case, directory, ruleset):
    d = _run(case, directory, ruleset)
    chain = normalize_chain(case.get("chain", DEFAULT_CHAIN))
    labels = [PRINCIPLE_NAMES[p.value] for p in chain if p is not Principle.LEVEL]
    lines = [r for r in d.reasons if not r.startswith(("分级负责", "保密要求", "结论"))]
    heads = [r.split("：", 1)[0] for r in lines]
    assert lines and heads == labels[: len(lines)], d.reasons
    assert all(len(r.split("：", 1)[1]) > 4 for r in d.reasons)
    if not d.principle:
        assert heads == labels       # nothing applied: every principle was considered
    elif not any(r.startswith("保密要求") for r in d.reasons):
        assert heads[-1] == PRINCIPLE_NAMES[d.principle]
    n_level = sum(r.startswith("分级负责") for r in d.reasons)
    assert n_level == (1 if Principle.LEVEL in chain else 0)


def test_accused_never_recipient_in_table(directory, ruleset):
    for case in CASES:
        if case.get("purpose") != "检举控告" or not case.get("accused_unit"):
            continue
        d = _run(case, directory, ruleset)
        accused = directory.find(case["accused_unit"])
        if accused is None:
            continue
        assert not (d.unit and directory.is_within(d.unit, accused.code)), case["id"]
        assert not any(directory.is_within(c, accused.code) for c, _ in d.alternatives), case["id"]


def test_to_dict_has_exactly_the_contract_keys(directory, ruleset):
    d = _run(CASES[1], directory, ruleset)
    out = d.to_dict()
    assert list(out) == ["unit", "unit_name", "channel", "principle", "rule", "rule_version", "reasons",
                         "alternatives", "needs_manual", "restricted"]
    assert out["alternatives"] and set(out["alternatives"][0]) == {"unit", "unit_name"}
    json.dumps(out, ensure_ascii=False)


def test_route_is_pure_and_repeatable(directory, ruleset):
    for case in CASES:
        assert _run(case, directory, ruleset) == _run(case, directory, ruleset)


def test_plain_rule_tuple_and_chinese_chain(directory, ruleset):
    inp = RoutingInput("申诉求决", "劳动和社会保障/拖欠工资", "工地拖欠工资", on_date=TODAY)
    d = route(inp, directory, ruleset.rules, OFFICE, chain=["谁主管谁负责", "分级负责"])
    assert (d.unit, d.rule, d.rule_version) == ("Q-ZJ", 3, None)


def test_unknown_principle_in_chain_is_refused(directory, ruleset):
    with pytest.raises(ValueError, match="未知的分办原则"):
        route(RoutingInput(on_date=TODAY), directory, ruleset, OFFICE, chain=["谁受益谁负责"])


def test_from_draft(directory, ruleset):
    draft = CaseDraft(channel=Channel.VISIT, received_at=datetime(2019, 5, 6, 9, 30),
                      purpose=Purpose.COMPLAINT, category="民政与应急/低保救助", summary="低保被取消",
                      content="家中困难", demands="恢复低保", place="东湖街道樱园社区")
    inp = RoutingInput.from_draft(draft)
    assert inp.on_date == date(2019, 5, 6) and inp.purpose == "申诉求决"
    assert "恢复低保" in inp.text and inp.place_code == "东湖街道樱园社区"
    d = route(inp, directory, ruleset, OFFICE)
    assert (d.unit, d.rule) == ("Q-MZ", 12)
    later = route(RoutingInput.from_draft(draft, on_date=TODAY), directory, ruleset, OFFICE)
    assert (later.unit, later.principle) == ("S1", "territorial")

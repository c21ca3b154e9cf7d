"""Every transition of the dispute lifecycle and every refusal (nothing changes on a refusal)."""
from __future__ import annotations

import pytest

from xinfang.domain import mediation as m
from xinfang.domain.problems import DomainError

from .conftest import at, dispute_json, session, succeed, walk

# How to bring a dispute into each status (hand-listed, not read from the table).
PATHS = {
    "registered": [],
    "mediating": [("accept", "2026-09-02", {}), session("2026-09-02")],
    "declined": [("decline", "2026-09-02", {"reason": "一方当事人明确拒绝调解"})],
    "succeeded": [("accept", "2026-09-02", {}), session("2026-09-03"), succeed("2026-09-04")],
    "failed": [("accept", "2026-09-02", {}), session("2026-09-03"),
               ("fail", "2026-09-04", {"reason": "双方分歧过大", "channels": ["诉讼", "信访"]})],
    "withdrawn": [("withdraw", "2026-09-02", {"reason": "已私下和解"})],
    "handed_over": [("handover", "2026-09-02", {"kind": "行政调解", "body": "区市场监管局", "reason": "属消费纠纷"})],
}
DATA = {
    "accept": {}, "decline": {"reason": "涉嫌违法犯罪"}, "session": session("2026-09-05")[2], "extend":
    {"consent": True, "reason": "需要鉴定"}, "succeed": succeed("2026-09-05")[2],
    "fail": {"reason": "分歧大", "channels": ["仲裁"]}, "withdraw": {}, "handover": {"kind": "司法调解", "body": "区法院",
                                                                                   "reason": "已起诉"},
    "perform": {"status": "即时履行"}, "confirm-apply": {"court": "城东区人民法院"},
    "confirm-result": {"result": "确认有效", "number": "（2026）鄂0102民特1号"},
    "followup": {"satisfaction": "满意", "note": "已履行完毕"}, "archive": {},
}
# Hand-written: which actions each status allows (archive is also subject to the 卷宗 check).
ALLOWED = {
    "registered": {"accept", "decline", "withdraw", "handover"},
    "mediating": {"session", "extend", "succeed", "fail", "withdraw", "handover"},
    "declined": {"archive"}, "failed": {"archive"}, "withdrawn": {"archive"}, "handed_over": {"archive"},
    "succeeded": {"perform", "confirm-apply", "followup", "archive"},
}
TARGET = {"accept": "mediating", "decline": "declined", "succeed": "succeeded", "fail": "failed",
          "withdraw": "withdrawn", "handover": "handed_over"}


@pytest.mark.parametrize("status", list(PATHS))
@pytest.mark.parametrize("action", list(DATA))
def test_every_action_in_every_status(env, status, action):
    ws, clock = env
    row = walk(ws, PATHS[status])
    before = ws.mediation.show(row)
    assert before["status"] == status
    if action == "archive":
        return          # covered with the 卷宗 check below
    if action in ALLOWED[status]:
        d, _ = ws.mediation.act(row, action, "wang", at("2026-09-06"), DATA[action])
        assert d["status"] == TARGET.get(action, status)
        assert len(d["events"]) == len(before["events"]) + 1 and d["events"][-1]["action"] == action
    else:
        with pytest.raises(DomainError) as exc:
            ws.mediation.act(row, action, "wang", at("2026-09-06"), DATA[action])
        assert "不能" in exc.value.message or "尚未" in exc.value.message
        after = ws.mediation.show(row)
        assert after["status"] == status and after["events"] == before["events"]


def test_confirm_result_needs_an_application_first(env):
    ws, _ = env
    row = walk(ws, PATHS["succeeded"])
    with pytest.raises(DomainError, match="尚未申请司法确认"):
        ws.mediation.act(row, "confirm-result", "wang", at("2026-09-06"), DATA["confirm-result"])
    ws.mediation.act(row, "confirm-apply", "wang", at("2026-09-06"), DATA["confirm-apply"])
    d, _ = ws.mediation.act(row, "confirm-result", "wang", at("2026-09-20"), DATA["confirm-result"])
    assert d["confirmation"]["result"] == "确认有效"
    with pytest.raises(DomainError, match="已记录司法确认结果"):
        ws.mediation.act(row, "confirm-result", "wang", at("2026-09-21"), DATA["confirm-result"])
    with pytest.raises(DomainError, match="已于 2026-09-06 申请司法确认|不能"):
        ws.mediation.act(row, "confirm-apply", "wang", at("2026-09-21"), DATA["confirm-apply"])


@pytest.mark.parametrize("action,data,message", [
    ("decline", {"reason": "不想调"}, "不予受理的理由应为以下之一"),
    ("decline", {}, "请填写不予受理的理由"),
    ("handover", {"kind": "人民调解", "body": "x", "reason": "y"}, "纠纷已是人民调解"),
    ("handover", {"kind": "仲裁", "body": "x", "reason": "y"}, "不在可选范围内"),
])
def test_refusals_in_registered(env, action, data, message):
    ws, _ = env
    row = walk(ws, [])
    with pytest.raises(DomainError, match=message):
        ws.mediation.act(row, action, "wang", at("2026-09-02"), data)
    assert ws.mediation.show(row)["status"] == "registered"


def test_refusals_while_mediating(env):
    ws, _ = env
    row = walk(ws, [("accept", "2026-09-02", {})])
    with pytest.raises(DomainError, match="尚无调解记录"):
        ws.mediation.act(row, "succeed", "wang", at("2026-09-03"), succeed("2026-09-03")[2])
    with pytest.raises(DomainError, match="请填写调解地点"):
        ws.mediation.act(row, "session", "wang", at("2026-09-03"), {"record": "x"})
    with pytest.raises(DomainError, match="须经各方当事人同意"):
        ws.mediation.act(row, "extend", "wang", at("2026-09-03"), {"reason": "鉴定"})
    ws.mediation.act(row, "extend", "wang", at("2026-09-03"), {"reason": "鉴定", "consent": True})
    with pytest.raises(DomainError, match="不能“延长调解期限”|只能延长一次"):
        ws.mediation.act(row, "extend", "wang", at("2026-09-04"), {"reason": "再等", "consent": True})
    with pytest.raises(DomainError, match="告知当事人可通过的途径"):
        ws.mediation.act(row, "fail", "wang", at("2026-09-04"), {"reason": "分歧大"})
    ws.mediation.act(row, "session", "wang", at("2026-09-04"), session("2026-09-04")[2])
    with pytest.raises(DomainError, match="生效日期晚于登记日期"):
        ws.mediation.act(row, "succeed", "wang", at("2026-09-05"), succeed("2026-09-05", effective="2026-09-06")[2])
    with pytest.raises(DomainError, match="履行期限早于协议生效日期"):
        ws.mediation.act(row, "succeed", "wang", at("2026-09-05"), succeed("2026-09-05", due="2026-09-01")[2])
    with pytest.raises(DomainError, match="金额"):
        ws.mediation.act(row, "succeed", "wang", at("2026-09-05"), succeed("2026-09-05", amount="-3")[2])
    d = ws.mediation.show(row)
    assert d["status"] == "mediating" and d["sessions"] == 1


def test_oral_agreement_cannot_go_to_court_and_has_no_window(env):
    ws, _ = env
    row = walk(ws, PATHS["mediating"] + [succeed("2026-09-04", form="口头")])
    d = ws.mediation.show(row)
    assert "confirm-apply" not in d["allowed_actions"]
    assert [x["step"] for x in d["deadlines"]] == ["mediate", "performance", "followup"]
    with pytest.raises(DomainError, match="口头协议不能申请司法确认"):
        ws.mediation.act(row, "confirm-apply", "wang", at("2026-09-05"), {"court": "城东区人民法院"})


def test_handover_records_the_new_kind(env):
    ws, _ = env
    row = walk(ws, PATHS["handed_over"])
    d = ws.mediation.show(row)
    assert d["kind"] == "行政调解" and d["events"][-1]["payload"] == {
        "from_kind": "人民调解", "kind": "行政调解", "body": "区市场监管局", "reason": "属消费纠纷"}


def test_performance_full_then_no_more(env):
    ws, _ = env
    row = walk(ws, PATHS["succeeded"] + [("perform", "2026-09-05", {"status": "部分履行"}),
                                         ("perform", "2026-09-08", {"status": "按期履行", "evidence": "收条"})])
    d = ws.mediation.show(row)
    assert d["performance"] == "按期履行" and d["performed_on"] == "2026-09-08"
    with pytest.raises(DomainError, match="无需再登记"):
        ws.mediation.act(row, "perform", "wang", at("2026-09-09"), {"status": "未履行"})


def test_unknown_action_and_future_time(env):
    ws, clock = env
    row = walk(ws, [])
    with pytest.raises(DomainError, match="未知的操作"):
        ws.mediation.act(row, "fly", "wang")
    with pytest.raises(DomainError, match="晚于现在"):
        ws.mediation.act(row, "accept", "wang", at("2027-01-01"))
    with pytest.raises(DomainError, match="早于收到日期"):
        ws.mediation.act(row, "accept", "wang", at("2026-08-01"))


def test_table_matches_the_hand_list():
    for status, actions in ALLOWED.items():
        state = m.DisputeState(status=m.DisputeStatus(status), agreement_form="书面")
        assert {a.value for a in m.allowed_actions(state)} == actions


def test_registration_refusals_list_every_problem(env):
    ws, _ = env
    bad = dispute_json(type="打架", source="路过", parties=[{"name": "", "side": "申请人", "id_number": "110105194912310021",
                                                        "phone": "12345"}], amount="abc", color="red")
    with pytest.raises(DomainError) as exc:
        ws.mediation.register(bad, "clerk")
    text = " ".join(p.message for p in exc.value.problems)
    for piece in ("不认识的字段", "纠纷类型“打架”", "纠纷来源“路过”", "请填写姓名", "校验", "被申请人", "金额"):
        assert piece in text, piece
    assert ws.mediation.count() == 0


def test_numbers_per_committee_and_year(env):
    ws, clock = env
    from .conftest import COMMITTEE_B
    a1 = ws.mediation.register(dispute_json(), "c")["number"]
    a2 = ws.mediation.register(dispute_json(), "c")["number"]
    b1 = ws.mediation.register(dispute_json(committee=COMMITTEE_B, mediators=["陈调解"]), "c")["number"]
    a2025 = ws.mediation.register(dispute_json(received_at="2025-12-30 09:00"), "c")["number"]
    assert (a1, a2, b1, a2025) == ("（2026）樱园人调字第1号", "（2026）樱园人调字第2号", "（2026）东湖人调字第1号",
                                   "（2025）樱园人调字第1号")

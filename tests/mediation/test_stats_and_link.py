"""`dispute stats` against a hand-built data set; the petition ↔ dispute link both ways; the event chain."""
from __future__ import annotations

from datetime import date

import pytest

from tests.helpers import case_json, tamper
from xinfang.domain.problems import DomainError
from xinfang.services.intake import draft_from_dict

from .conftest import COMMITTEE_B, at, session, succeed, walk


def accept(day):
    return ("accept", day, {})


@pytest.fixture
def september(env):
    """Eight disputes; the comments give what each one counts for in September 2026."""
    ws, _ = env
    crim = {"risk": "中", "risk_reasons": ["可能激化为刑事案件"], "headcount": 2}
    group = {"risk": "高", "risk_reasons": ["可能引发群体性上访"], "headcount": 12}
    # 1: A, 当事人申请, 邻里; accepted 09-02, success 09-05 (1000, written), 按期履行, 确认有效, prevented criminal (2 people)
    walk(ws, [accept("2026-09-02"), session("2026-09-03"), succeed("2026-09-05", 1000, due="2026-09-09"),
              ("perform", "2026-09-09", {"status": "按期履行"}), ("confirm-apply", "2026-09-10", {"court": "区法院"}),
              ("confirm-result", "2026-09-20", {"result": "确认有效", "number": "民特1号"})], **crim)
    # 2: A, 委托移送(法院), 合同; accepted 09-03, success 09-10 (2500.50, oral), 部分履行, prevented group (12 people)
    walk(ws, [accept("2026-09-03"), session("2026-09-04"), succeed("2026-09-10", "2500.50", form="口头"),
              ("perform", "2026-09-12", {"status": "部分履行"})],
         source="委托移送", referred_by="法院", referral_no="（2026）鄂0102诉前调1号", type="合同", **group)
    # 3: A, 调委会主动调解, 邻里; accepted 09-04, failed 09-12
    walk(ws, [accept("2026-09-04"), session("2026-09-05"),
              ("fail", "2026-09-12", {"reason": "分歧大", "channels": ["诉讼"]})], source="调委会主动调解")
    # 4: A, 当事人申请, 婚姻家庭; accepted 09-28, still mediating
    walk(ws, [accept("2026-09-28")], type="婚姻家庭", received_at="2026-09-28 09:00")
    # 5: A, accepted 08-25 (before), success 09-03 (800, written), 即时履行
    walk(ws, [accept("2026-08-25"), session("2026-08-30"), succeed("2026-09-03", 800),
              ("perform", "2026-09-03", {"status": "即时履行"})], received_at="2026-08-25 09:00")
    # 6: A, 当事人申请, 邻里; accepted 09-29, success 10-02 (after)
    walk(ws, [accept("2026-09-29"), session("2026-09-30"), succeed("2026-10-02", 9999)],
         received_at="2026-09-29 09:00", **crim)
    # 7: A, registered 09-15, declined — never accepted
    walk(ws, [("decline", "2026-09-16", {"reason": "一方当事人明确拒绝调解"})], received_at="2026-09-15 09:00")
    # 8: B, 当事人申请, 物业; accepted 09-10, success 09-11 (400, written), 司法确认 不予确认
    walk(ws, [accept("2026-09-10"), session("2026-09-10"), succeed("2026-09-11", 400),
              ("confirm-apply", "2026-09-12", {"court": "区法院"}),
              ("confirm-result", "2026-09-25", {"result": "不予确认", "number": "民特2号"})],
         committee=COMMITTEE_B, mediators=["陈调解"], type="物业", received_at="2026-09-10 09:00")
    return ws


def r(n, d, v):
    return {"numerator": n, "denominator": d, "value": v}


def test_stats_all_committees(september):
    s = september.mediation.stats(date(2026, 9, 1), date(2026, 9, 30))
    # accepted in September: 1, 2, 3, 4, 6, 8 = 6; succeeded in September: 1, 2, 5, 8 = 4
    assert s["accepted"] == 6 and s["succeeded"] == 4
    assert s["success_rate"] == r(4, 6, 0.6667)
    assert s["amount"] == 1000 + 2500.50 + 800 + 400 == 4700.50
    assert {k: v["count"] for k, v in s["by_source"].items()} == {"当事人申请": 4, "调委会主动调解": 1, "委托移送": 1}
    assert s["by_source"]["当事人申请"]["share"] == r(4, 6, 0.6667)
    counts = {k: v["count"] for k, v in s["by_type"].items() if v["count"]}
    assert counts == {"邻里": 3, "合同": 1, "婚姻家庭": 1, "物业": 1}
    assert len(s["by_type"]) == 15                      # every type of the dictionary, zeros included
    assert s["agreements"] == 4
    assert s["confirmed"] == 1 and s["confirmation_rate"] == r(1, 4, 0.25)
    assert s["performed"] == 2 and s["performance_rate"] == r(2, 4, 0.5)
    assert s["prevented"] == {"criminal": 1, "group_petition": 1}
    assert s["prevented_people"] == {"criminal": 2, "group_petition": 12}


def test_stats_over_a_year_and_a_quarter_boundary(september):
    """Periods longer than a quarter read the by-(source, type) index; the counts must be the same rule."""
    s = september.mediation.stats(date(2026, 1, 1), date(2026, 12, 31))
    # accepted in 2026: 1, 2, 3, 4, 5 (08-25), 6, 8 = 7; succeeded: 1, 2, 5, 6 (10-02), 8 = 5
    assert (s["accepted"], s["succeeded"]) == (7, 5) and s["success_rate"] == r(5, 7, 0.7143)
    assert {k: v["count"] for k, v in s["by_source"].items()} == {"当事人申请": 5, "调委会主动调解": 1, "委托移送": 1}
    assert {k: v["count"] for k, v in s["by_type"].items() if v["count"]} == {"邻里": 4, "合同": 1, "婚姻家庭": 1,
                                                                              "物业": 1}
    assert s["amount"] == 1000 + 2500.50 + 800 + 9999 + 400 == 14699.50
    # 92 days (2026-07-01 … 09-30) reads by date, 93 days (… 10-01) by kind: both count 1, 2, 3, 4, 5, 6, 8
    for end in (date(2026, 9, 30), date(2026, 10, 1)):
        assert september.mediation.stats(date(2026, 7, 1), end)["accepted"] == 7


def test_stats_one_committee_and_empty_period(september):
    s = september.mediation.stats(date(2026, 9, 1), date(2026, 9, 30), "樱园社区人民调解委员会")
    # A only: accepted 1, 2, 3, 4, 6 = 5; succeeded 1, 2, 5 = 3; amount 4300.50
    assert (s["accepted"], s["succeeded"], s["amount"]) == (5, 3, 4300.50)
    assert s["success_rate"] == r(3, 5, 0.6) and s["confirmation_rate"] == r(1, 3, 0.3333)
    assert s["performance_rate"] == r(2, 3, 0.6667)
    empty = september.mediation.stats(date(2025, 1, 1), date(2025, 1, 31))
    assert empty["accepted"] == 0 and empty["success_rate"] == r(0, 0, None)
    with pytest.raises(DomainError, match="结束日期早于开始日期"):
        september.mediation.stats(date(2026, 9, 30), date(2026, 9, 1))


def test_rewards_by_rate_table(september):
    med = september.mediation
    med.set_rates({"default": {"低": 100, "中": 200, "高": 300}, "by_type": {"物业": {"低": 150}}}, "admin")
    data = med.rewards(date(2026, 9, 1), date(2026, 9, 30))
    got = {x["mediator"]: (x["count"], x["amount"]) for x in data["items"]}
    # 王调解: #1 (中 → 200), #2 (高 → 300), #5 (risk not set → 低 → 100) = 600; 陈调解: #8 物业 低 → 150
    assert got == {"王调解": (3, 600.0), "陈调解": (1, 150.0)} and data["total"] == 750.0
    with pytest.raises(DomainError, match="难度"):
        med.set_rates({"default": {"难": 1}}, "admin")


def test_petition_to_dispute_and_back(env):
    ws, _ = env
    case = ws.register(draft_from_dict(case_json(received_at="2026-09-01 09:00", summary="邻居装修噪音扰民")), "clerk").case
    d = ws.mediation.refer_from_petition(case.row, {"committee": "樱园社区人民调解委员会", "mediators": ["王调解"],
                                                    "type": "邻里", "respondent": "王五"}, "clerk", at("2026-09-02"))
    assert d["petition"]["number"] == case.number and d["source"] == "委托移送" and d["referred_by"] == "信访"
    assert d["referral_no"] == case.number and [p["name"] for p in d["parties"]] == ["张三", "王五"]
    shown = ws.case_dict(ws.case(case.row))
    assert shown["disputes"] == [{"id": d["row"], "number": d["number"], "status": "registered", "status_label": "登记"}]
    assert shown["status"] == "handling" and [e["action"] for e in shown["events"]][-2:] == ["accept", "refer-mediation"]
    with pytest.raises(DomainError, match="已转人民调解"):
        ws.mediation.refer_from_petition(case.row, {"committee": "樱园社区人民调解委员会", "mediators": ["王调解"]},
                                         "clerk")
    row = d["row"]
    with pytest.raises(DomainError, match="尚未达成调解协议"):
        ws.mediation.close_petition(row, "达成调解协议", "wang", at("2026-09-03"))
    for action, day, data in [accept("2026-09-02"), session("2026-09-03")]:
        ws.mediation.act(row, action, "wang", at(day), data)
    with pytest.raises(DomainError, match="尚未履行完毕"):
        ws.mediation.act(row, "succeed", "wang", at("2026-09-04"),
                         dict(succeed("2026-09-04")[2], close_petition="调解协议已履行"))
    assert ws.mediation.show(row)["status"] == "mediating"          # the whole step was undone
    d, _ = ws.mediation.act(row, "succeed", "wang", at("2026-09-04"), dict(succeed("2026-09-04")[2], close_petition=True))
    closed = ws.case(case.row)
    assert closed.status.value == "closed" and closed.closure_reason == "达成调解协议"
    assert d["events"][-1]["action"] == "close-petition"


def test_refer_refuses_a_closed_petition(env):
    ws, _ = env
    case = ws.register(draft_from_dict(case_json(received_at="2026-09-01 09:00")), "clerk").case
    ws.act(case.row, "inform", "clerk", at("2026-09-01 11:00"), {"where": "法院"})
    with pytest.raises(DomainError, match="只有待处置或办理中"):
        ws.mediation.refer_from_petition(case.row, {}, "clerk")


def test_dispute_events_are_in_the_ledger_and_checked(september):
    ws = september
    report = ws.check()
    assert report["ok"] and report["disputes"] == 8
    row = ws.store.conn.execute("SELECT uuid, event_count, head_hash FROM disputes WHERE id = 2").fetchone()
    events = ws.mediation.show(2)["events"]
    assert row[1] == len(events) and row[2] == events[-1]["hash"]
    n = ws.store.conn.execute("SELECT count(*) FROM ledger WHERE kind = 'dispute'").fetchone()[0]
    assert n == sum(len(ws.mediation.show(i)["events"]) for i in range(1, 9))
    tamper(ws, "UPDATE record_events SET payload = '[1]' WHERE kind = 'dispute' AND record = ? AND seq = 2", (row[0],))
    report = ws.check()
    assert not report["ok"] and any("人民调解纠纷" in p for p in report["problems"])


def test_events_cannot_be_edited(september):
    import sqlite3

    from xinfang.storage.errors import StorageError
    with pytest.raises((sqlite3.DatabaseError, StorageError), match="只能追加"):
        september.store.conn.execute("DELETE FROM record_events WHERE kind = 'dispute'")

"""Issue 8 §2: every number against a hand-built data set; the answers are counted by hand below.

Batches: 第一批 (issued 01-01, target 03-31, 90%), 第二批 (02-01, 06-30, 50%), 空批次 (03-01, 09-30, 80%, no records).
Leaders: 甲, 乙, 丙.  Units: U1 = 420102-RSJ, U2 = 420102-ZJJ.

R1 第一批 甲 U1 taken 01-10 due 03-31: resolved 03-01, closed 03-15, 销号 04-01          (on time)
R2 第一批 甲 U1 taken 01-10 due 03-31: resolved 04-10                                   (late)
R3 第一批 乙 U2 taken 01-15 due 03-31: resolved 02-20, reopened 03-10                   (open again)
R4 第二批 丙 U2 taken 02-05 due 05-31 (set by hand): open
R5 第二批 —  U1 taken 02-05 due 06-30 (batch target): resolved 06-30                    (on its due day: on time)
R6 第二批 乙→丙 (reassigned 06-25), no unit, taken 06-20 due 06-30: open
"""
from datetime import date, datetime

import pytest

from tests.helpers import make_workspace, register

U1, U2 = "420102-RSJ", "420102-ZJJ"


@pytest.fixture(scope="module")
def ws():
    ws = office_with_records(None)
    yield ws
    ws.close()


def office_with_records(target: str | None):
    """The records above in a new database (of the running test's engine unless `target` says)."""
    ws, clock = make_workspace(datetime(2025, 12, 1, 9), target=target)
    cases = [register(ws, name=f"信访人{i}", id_number="", phone=f"1381234560{i}", summary=f"第{i}件不同的事项{i * 7}",
                      received_at="2025-12-01 08:00") for i in range(1, 7)]
    clock.set(datetime(2026, 7, 1, 9))
    bl = ws.backlog
    for name, post in (("甲", "区委常委"), ("乙", "副区长"), ("丙", "区人大副主任")):
        bl.add_leader(name, post, "admin")
    b1 = bl.add_batch("第一批", "市信访联席办", "2026-01-01", "2026-03-31", "admin", target_rate=0.9)["id"]
    b2 = bl.add_batch("第二批", "市信访联席办", "2026-02-01", "2026-06-30", "admin", target_rate="50%")["id"]
    bl.add_batch("空批次", "区委", "2026-03-01", "2026-09-30", "admin", target_rate=0.8)
    take = lambda c, b, **kw: bl.take_on(c.id, b, "上级交办", "clerk", **kw)["id"]   # noqa: E731
    r1 = take(cases[0], b1, leader="甲", unit=U1, at="2026-01-10")
    r2 = take(cases[1], b1, leader="甲", unit=U1, at="2026-01-10")
    r3 = take(cases[2], b1, leader="乙", unit=U2, at="2026-01-15")
    take(cases[3], b2, leader="丙", unit=U2, at="2026-02-05", due="2026-05-31")
    r5 = take(cases[4], b2, unit=U1, at="2026-02-05")
    r6 = take(cases[5], b2, leader="乙", at="2026-06-20")
    act = lambda r, a, day, **data: bl.act(r, a, "leader", at=day, data=data)   # noqa: E731
    act(r1, "resolve", "2026-03-01", way="解释疏导")
    act(r1, "close", "2026-03-15")
    act(r1, "delist", "2026-04-01", approver="王书记")
    act(r2, "resolve", "2026-04-10", way="依法解决")
    act(r3, "resolve", "2026-02-20", way="困难帮扶")
    act(r3, "reopen", "2026-03-10", reason="信访人到市上访")
    act(r5, "resolve", "2026-06-30", way="调解和解")
    act(r6, "reassign", "2026-06-25", leader="丙", reason="分工调整")
    return ws


def numbers(d):
    return {k: d[k] for k in ("assigned", "resolved", "rate", "overdue", "late_resolved", "delisted")}


def by(entries, key):
    return {e[key]: numbers(e) for e in entries}


def test_as_of_june_30(ws):
    s = ws.backlog.stats(at=date(2026, 6, 30))
    # resolved: R1 (已结案), R2, R5; R3 reopened counts as unresolved. overdue: R3 (03-31), R4 (05-31); R6 is due
    # on D itself, not before it. late: R2 only (R5 resolved on its due day).
    assert numbers(s["total"]) == {"assigned": 6, "resolved": 3, "rate": 0.5, "overdue": 2, "late_resolved": 1,
                                   "delisted": 1}
    # 包案化解率: records with a leader R1 R2 R3 R4 R6 = 5; resolved among them R1 R2 = 2
    assert (s["total"]["leader_assigned"], s["total"]["leader_resolved"], s["total"]["leader_rate"]) == (5, 2, 0.4)
    batches = {b["name"]: b for b in s["batches"]}
    assert numbers(batches["第一批"]) == {"assigned": 3, "resolved": 2, "rate": round(2 / 3, 4), "overdue": 1,
                                       "late_resolved": 1, "delisted": 1}
    assert numbers(batches["第二批"]) == {"assigned": 3, "resolved": 1, "rate": round(1 / 3, 4), "overdue": 1,
                                       "late_resolved": 0, "delisted": 0}
    assert numbers(batches["空批次"]) == {"assigned": 0, "resolved": 0, "rate": None, "overdue": 0,
                                      "late_resolved": 0, "delisted": 0}
    # days left: 03-31 → 06-30 is 30 (Apr) + 31 (May) + 30 (Jun) = 91 days past; 06-30 → 09-30 is 31 + 31 + 30 = 92
    assert (batches["第一批"]["days_left"], batches["第二批"]["days_left"], batches["空批次"]["days_left"]) == (-91, 0, 92)
    assert (batches["第一批"]["target_rate"], batches["第一批"]["target_met"]) == (0.9, False)   # 66.7% < 90%
    assert (batches["第二批"]["target_rate"], batches["第二批"]["target_met"]) == (0.5, False)   # 33.3% < 50%
    assert batches["空批次"]["target_met"] is None
    assert by(s["leaders"], "leader") == {
        "甲": {"assigned": 2, "resolved": 2, "rate": 1.0, "overdue": 0, "late_resolved": 1, "delisted": 1},
        "乙": {"assigned": 1, "resolved": 0, "rate": 0.0, "overdue": 1, "late_resolved": 0, "delisted": 0},
        "丙": {"assigned": 2, "resolved": 0, "rate": 0.0, "overdue": 1, "late_resolved": 0, "delisted": 0},
    }
    assert by(s["units"], "unit") == {
        U1: {"assigned": 3, "resolved": 3, "rate": 1.0, "overdue": 0, "late_resolved": 1, "delisted": 1},
        U2: {"assigned": 2, "resolved": 0, "rate": 0.0, "overdue": 2, "late_resolved": 0, "delisted": 0},
    }
    assert {u["unit"]: u["unit_name"] for u in s["units"]}[U1] == ws.store.unit_name(U1) != ""
    assert {x["leader"]: x["post"] for x in s["leaders"]}["丙"] == "区人大副主任"


def test_as_of_march_5(ws):
    # taken by then: R1–R5. resolved: R1 (03-01), R3 (02-20, reopened only on 03-10). nothing due before 03-05.
    s = ws.backlog.stats(at=date(2026, 3, 5))
    assert numbers(s["total"]) == {"assigned": 5, "resolved": 2, "rate": 0.4, "overdue": 0, "late_resolved": 0,
                                   "delisted": 0}
    batches = {b["name"]: numbers(b) for b in s["batches"]}
    assert batches["第一批"]["resolved"] == 2 and batches["第二批"] == {
        "assigned": 2, "resolved": 0, "rate": 0.0, "overdue": 0, "late_resolved": 0, "delisted": 0}
    assert "空批次" in batches          # issued 03-01, on or before D


def test_as_of_april_5_reopened_counts_again_as_unresolved(ws):
    # R1 closed and 销号 (04-01); R2 still open past 03-31; R3 reopened 03-10 and past 03-31
    s = ws.backlog.stats(at=date(2026, 4, 5))
    assert numbers(s["total"]) == {"assigned": 5, "resolved": 1, "rate": 0.2, "overdue": 2, "late_resolved": 0,
                                   "delisted": 1}


def test_before_any_batch_and_the_leader_on_a_date(ws):
    s = ws.backlog.stats(at=date(2025, 12, 31))
    assert s["batches"] == [] and numbers(s["total"])["assigned"] == 0 and s["total"]["rate"] is None
    # on 06-22 R6 was still 乙's (reassigned to 丙 on 06-25)
    s = ws.backlog.stats(at=date(2026, 6, 22))
    assert by(s["leaders"], "leader")["乙"]["assigned"] == 2 and by(s["leaders"], "leader")["丙"]["assigned"] == 1


def test_one_batch(ws):
    s = ws.backlog.stats(at=date(2026, 6, 30), batch="第二批")
    assert [b["name"] for b in s["batches"]] == ["第二批"]
    assert numbers(s["total"]) == {"assigned": 3, "resolved": 1, "rate": round(1 / 3, 4), "overdue": 1,
                                   "late_resolved": 0, "delisted": 0}
    assert set(by(s["leaders"], "leader")) == {"丙"}       # R4 and R6; R5 has no leader
    assert by(s["units"], "unit") == {
        U1: {"assigned": 1, "resolved": 1, "rate": 1.0, "overdue": 0, "late_resolved": 0, "delisted": 0},
        U2: {"assigned": 1, "resolved": 0, "rate": 0.0, "overdue": 1, "late_resolved": 0, "delisted": 0}}


def test_board_rows_agree_with_the_numbers(ws):
    rows = ws.backlog.records(today=date(2026, 7, 1))
    assert len(rows) == 6
    assert sum(r["due_state"] == "逾期" for r in rows) == 3       # R3, R4, R6 (06-30 < 07-01)
    assert {r["due_state"] for r in rows if r["status"] != "未化解"} == {"已销号", "超期化解", "按期化解"}
    assert [r["leader"] for r in ws.backlog.records(leader="丙")] == ["丙", "丙"]
    assert len(ws.backlog.records(overdue=True, today=date(2026, 6, 30))) == 2
    assert len(ws.backlog.records(unit=U1, status=["已化解"])) == 2
    if not ws.store.dialect.server:          # check (storage/verify.py) is not ported to the server yet
        assert ws.check()["ok"]


@pytest.mark.parametrize("day", ["2026-01-09", "2026-01-10", "2026-02-20", "2026-03-10", "2026-03-31",
                                 "2026-04-01", "2026-04-10", "2026-06-25", "2026-06-30", "2026-07-01"])
def test_fast_count_equals_the_reference_replay(ws, day):
    """stats folds only the counted events (rules.standings); the reference is the full replay of each record
    (rules.replay over all its events with payloads) counted by Tally.add — on every date an event changes."""
    from xinfang.domain.backlog import Tally
    as_of = date.fromisoformat(day)
    total, leaders = Tally(), {}
    for rid, in ws.store.q("SELECT id FROM backlog_records"):
        state = ws.backlog.state(rid, as_of)
        if state is None:
            continue
        total.add(state, as_of)
        if state.leader:
            leaders.setdefault(state.leader, Tally()).add(state, as_of)
    s = ws.backlog.stats(at=as_of)
    assert s["total"] == total.to_dict()
    assert {x["leader"]: {k: x[k] for k in total.to_dict()} for x in s["leaders"]} == \
        {k: t.to_dict() for k, t in leaders.items()}


# ---- 附件2 of the monthly report: each leader's records at a period's end (ws.backlog.leader_items) ----------

def leader_view(items):
    """{leader: (assigned, resolved, open, resolved_in_period, [(summary, status, resolved_on, overdue)])}"""
    return {x["leader"]: (x["assigned"], x["resolved"], x["open"], x["resolved_in_period"],
                          [(r["summary"], r["status"], r["resolved_on"], r["overdue"]) for r in x["rows"]])
            for x in items}


def test_leader_items_of_april(ws):
    # at 04-30, records with a leader: R1 甲 (resolved 03-01, closed, 销号: counted, not listed — resolved before
    # April), R2 甲 (resolved 04-10: listed), R3 乙 (reopened 03-10, due 03-31: open and overdue), R4 丙 (open, due
    # 05-31: not overdue). R5 has no leader; R6 is taken only in June.
    items = ws.backlog.leader_items(date(2026, 4, 1), date(2026, 4, 30))
    assert [x["leader"] for x in items] == ["甲", "丙", "乙"]       # most records first, then by name
    assert leader_view(items) == {
        "甲": (2, 2, 0, 1, [("第2件不同的事项14", "已化解", "2026-04-10", False)]),
        "丙": (1, 0, 1, 0, [("第4件不同的事项28", "未化解", "", False)]),
        "乙": (1, 0, 1, 0, [("第3件不同的事项21", "未化解", "", True)]),
    }
    assert {x["leader"]: x["post"] for x in items}["丙"] == "区人大副主任"
    # the summary line adds up: every listed row is open at the end or resolved in the period
    for x in items:
        assert x["assigned"] == x["resolved"] + x["open"] and len(x["rows"]) == x["open"] + x["resolved_in_period"]


def test_leader_items_of_march(ws):
    # at 03-31: R1 resolved 03-01 (in March) and closed 03-15 → listed as 已结案; R2 open, due 03-31 (due on the
    # last day is not yet overdue); R3 resolved 02-20 but reopened 03-10 → open; R4 open. Open rows come first.
    items = ws.backlog.leader_items(date(2026, 3, 1), date(2026, 3, 31))
    assert leader_view(items) == {
        "甲": (2, 1, 1, 1, [("第2件不同的事项14", "未化解", "", False), ("第1件不同的事项7", "已结案", "2026-03-01", False)]),
        "丙": (1, 0, 1, 0, [("第4件不同的事项28", "未化解", "", False)]),
        "乙": (1, 0, 1, 0, [("第3件不同的事项21", "未化解", "", False)]),
    }


def test_leader_items_of_one_unit_and_before_any_record(ws):
    # June, unit U2: R3 (乙, overdue since 03-31) and R4 (丙, overdue since 05-31); R6 (乙→丙 on 06-25) has no unit
    items = ws.backlog.leader_items(date(2026, 6, 1), date(2026, 6, 30), U2)
    assert leader_view(items) == {"丙": (1, 0, 1, 0, [("第4件不同的事项28", "未化解", "", True)]),
                                  "乙": (1, 0, 1, 0, [("第3件不同的事项21", "未化解", "", True)])}
    assert ws.backlog.leader_items(date(2025, 12, 1), date(2025, 12, 31)) == []

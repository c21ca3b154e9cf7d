"""积案 lifecycle (issue 8 §1): every transition and every refusal, as pure rules."""
from datetime import date, datetime

import pytest

from xinfang.domain import backlog as b
from xinfang.domain.backlog import BacklogAction as A, BacklogStatus as S
from xinfang.domain.problems import DomainError

WAYS = b.DEFAULT_WAYS
LEADERS = ("甲", "乙")
AT = datetime(2026, 3, 1, 9)


def state(**kw):
    base = dict(taken_on=date(2026, 1, 10), batch=1, source="上级交办", due=date(2026, 3, 31), leader="甲")
    base.update(kw)
    return b.RecordState(**base)


def plan(s, action, data, at=AT, last_at=None):
    return b.plan(s, action, data, at, last_at=last_at, ways=WAYS, leaders=LEADERS)


# (from status, action, data, to status) — issue 8 §1: 未化解 → 已化解 → 已结案, 重新打开 back to 未化解
ALLOWED = [
    (S.OPEN, A.PROGRESS, {"text": "约谈信访人"}, S.OPEN),
    (S.RESOLVED, A.PROGRESS, {"text": "回访"}, S.RESOLVED),
    (S.CLOSED, A.PROGRESS, {"text": "回访"}, S.CLOSED),
    (S.OPEN, A.PLAN, {"text": "新方案"}, S.OPEN),
    (S.OPEN, A.RESOLVE, {"way": "司法救助", "note": "发放救助金"}, S.RESOLVED),
    (S.RESOLVED, A.CLOSE, {}, S.CLOSED),
    (S.RESOLVED, A.REOPEN, {"reason": "信访人再次到市上访"}, S.OPEN),
    (S.CLOSED, A.REOPEN, {"reason": "反复"}, S.OPEN),
    (S.RESOLVED, A.DELIST, {"approver": "王书记"}, S.RESOLVED),
    (S.CLOSED, A.DELIST, {"approver": "王书记"}, S.CLOSED),
    (S.OPEN, A.REASSIGN, {"leader": "乙", "reason": "分工调整"}, S.OPEN),
    (S.CLOSED, A.REASSIGN, {"leader": "乙", "reason": "分工调整"}, S.CLOSED),
]


@pytest.mark.parametrize("frm,action,data,to", ALLOWED)
def test_allowed_transitions(frm, action, data, to):
    s = state(status=frm, resolved_on=date(2026, 2, 1) if frm != S.OPEN else None)
    p = plan(s, action, data)
    after = b.apply(s, action.value, AT.date(), p.payload)
    assert after.status == to
    if action == A.DELIST:
        assert after.delisted_on == date(2026, 3, 1) and after.approver == "王书记"
    if action == A.REASSIGN:
        assert after.leader == "乙" and p.payload["from_leader"] == "甲"
    if action == A.RESOLVE:
        assert after.resolved_on == date(2026, 3, 1) and after.way == "司法救助"
    if action == A.REOPEN:
        assert after.resolved_on is None and after.way == ""


REFUSED = [
    (S.OPEN, A.CLOSE, {}, "只有已化解的积案才能结案"),
    (S.CLOSED, A.CLOSE, {}, "只有已化解的积案才能结案"),
    (S.RESOLVED, A.RESOLVE, {"way": "其他"}, "不能重复化解"),
    (S.CLOSED, A.RESOLVE, {"way": "其他"}, "不能重复化解"),
    (S.OPEN, A.REOPEN, {"reason": "x"}, "不需要重新打开"),
    (S.OPEN, A.DELIST, {"approver": "王书记"}, "只有已化解或已结案的积案才能销号"),
    (S.RESOLVED, A.PLAN, {"text": "x"}, "先重新打开"),
]


@pytest.mark.parametrize("frm,action,data,message", REFUSED)
def test_refused_by_state(frm, action, data, message):
    with pytest.raises(DomainError, match=message):
        plan(state(status=frm), action, data)


def test_delisted_record_takes_no_action():
    s = state(status=S.CLOSED, delisted_on=date(2026, 3, 1))
    for action in (A.PROGRESS, A.REOPEN, A.REASSIGN, A.DELIST):
        with pytest.raises(DomainError, match="已销号"):
            plan(s, action, {"text": "x", "reason": "x", "leader": "乙", "approver": "x"})


@pytest.mark.parametrize("action,data,message", [
    (A.PROGRESS, {"text": "  "}, "请填写进展情况"),
    (A.RESOLVE, {}, "请填写化解方式"),
    (A.RESOLVE, {"way": "花钱买平安"}, "不在列表中"),
    (A.REASSIGN, {"leader": "丁", "reason": "x"}, "不在领导名单中"),
    (A.REASSIGN, {"leader": "甲", "reason": "x"}, "已是该积案的包案领导"),
    (A.REASSIGN, {"leader": "乙"}, "请填写更换原因"),
    (A.PROGRESS, {"text": "x", "txt": "y"}, "不认识的参数：txt"),
    (A.PROGRESS, {"text": 5}, "应为文字"),
])
def test_refused_by_data(action, data, message):
    with pytest.raises(DomainError, match=message):
        plan(state(), action, data)


def test_delist_needs_an_approver_and_reopen_a_reason():
    with pytest.raises(DomainError, match="请填写销号审批人"):
        plan(state(status=S.RESOLVED), A.DELIST, {})
    with pytest.raises(DomainError, match="请填写重新打开的原因"):
        plan(state(status=S.CLOSED), A.REOPEN, {"reason": ""})


def test_time_cannot_go_back():
    with pytest.raises(DomainError, match="早于该积案上一次记录"):
        plan(state(), A.PROGRESS, {"text": "x"}, at=datetime(2026, 2, 1), last_at=datetime(2026, 2, 2))
    plan(state(), A.PROGRESS, {"text": "x"}, at=datetime(2026, 2, 2), last_at=datetime(2026, 2, 2))


def test_unknown_action_lists_the_known_ones():
    with pytest.raises(DomainError, match="未知的积案操作“finish”.*resolve（化解）"):
        b.parse_action("finish")
    with pytest.raises(DomainError, match="未知的积案操作"):
        b.parse_action("take")


def test_replay_cuts_at_the_end_of_a_day():
    events = [("take", datetime(2026, 1, 10, 9), {"taken_on": "2026-01-10", "batch": 1, "source": "本级排查",
                                                   "due": "2026-03-31", "leader": "", "unit": "", "plan": ""}),
              ("resolve", datetime(2026, 2, 20, 23, 59), {"way": "其他"}),
              ("reopen", datetime(2026, 2, 21, 0, 0), {"reason": "x"})]
    assert b.replay(events, date(2026, 1, 9)) is None
    assert b.replay(events, date(2026, 2, 19)).status == S.OPEN
    assert b.replay(events, date(2026, 2, 20)).status == S.RESOLVED
    assert b.replay(events, date(2026, 2, 21)).status == S.OPEN


@pytest.mark.parametrize("today,expected", [
    (date(2026, 3, 23), "未到期"),   # 8 days left, warn 7
    (date(2026, 3, 24), "临期"),     # 7 days left
    (date(2026, 3, 31), "临期"),     # due today
    (date(2026, 4, 1), "逾期"),
])
def test_due_state_of_an_open_record(today, expected):
    assert b.due_state(state(), today, 7).state == expected


def test_due_state_of_resolved_records():
    assert b.due_state(state(status=S.RESOLVED, resolved_on=date(2026, 3, 31)), date(2026, 5, 1), 7).state == "按期化解"
    assert b.due_state(state(status=S.RESOLVED, resolved_on=date(2026, 4, 1)), date(2026, 5, 1), 7).state == "超期化解"

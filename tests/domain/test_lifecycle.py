"""The transition table state by state: every allowed move, every refusal, and the data rules."""
from datetime import date, datetime

import pytest

from xinfang.domain.enums import Status, Step
from xinfang.domain.lifecycle import (CLOSE_REASONS, TABLE, Action, allowed_actions, plan)
from xinfang.domain.model import Clock
from xinfang.domain.problems import DomainError

RECEIVED = datetime(2025, 9, 1, 9, 0)
AT = datetime(2025, 9, 5, 10, 0)

GOOD_DATA = {
    Action.FORWARD: {"unit": "RS"}, Action.ASSIGN: {"unit": "RS", "report_due": "2025-10-30"},
    Action.ACCEPT: {}, Action.DECLINE: {"reason": "不属于本机关职责"}, Action.OBJECT: {"reason": "非本单位职责"},
    Action.EXTEND: {"days": 30, "approver": "王局长", "reason": "情况复杂"}, Action.REPLY: {"outcome": "支持"},
    Action.SERVE: {}, Action.RATE: {"rating": "满意"}, Action.REVIEW_REQUEST: {},
    Action.REVIEW_DECISION: {"outcome": "维持"}, Action.RECHECK_REQUEST: {}, Action.HEARING: {"days": 5},
    Action.RECHECK_DECISION: {"outcome": "维持"}, Action.INFORM: {"where": "区人民法院"},
    Action.TRANSFER: {"to": "纪检监察", "unit": "JW"}, Action.ARCHIVE: {"reason": "内容不清无法办理"},
}


def clock(step, trigger=date(2025, 9, 1), due=date(2025, 9, 30), **kw):
    return Clock(step, trigger, 30, "calendar", True, due, **kw)


def clocks_for(status: Status) -> dict:
    """Plausible running clocks for a case in `status`."""
    c = {Step.DISPOSE: clock(Step.DISPOSE)}
    if status == Status.PENDING_ACCEPTANCE:
        c[Step.OBJECT] = clock(Step.OBJECT, due=date(2025, 9, 8))
        c[Step.NOTICE] = clock(Step.NOTICE)
    if status == Status.HANDLING:
        c[Step.HANDLE] = clock(Step.HANDLE, due=date(2025, 10, 31))
    if status in (Status.SERVED, Status.RATED):
        c[Step.REVIEW_REQUEST] = clock(Step.REVIEW_REQUEST, due=date(2025, 9, 4))
    if status == Status.REVIEWED:
        c[Step.RECHECK_REQUEST] = clock(Step.RECHECK_REQUEST, due=date(2025, 9, 4))
    if status == Status.RECHECK_REQUESTED:
        c[Step.RECHECK] = clock(Step.RECHECK)
    return c


EXPECTED = {(a, s): (to or s) for a, (froms, to) in TABLE.items() for s in froms}


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", [a for a in Action if a != Action.CLOSE])
def test_every_state_and_action(status, action):
    kw = dict(received_at=RECEIVED)
    if (action, status) in EXPECTED:
        t = plan(status, clocks_for(status), action, AT, GOOD_DATA[action], **kw)
        assert t.to == EXPECTED[(action, status)]
        assert t.action == action
    else:
        with pytest.raises(DomainError) as exc:
            plan(status, clocks_for(status), action, AT, GOOD_DATA[action], **kw)
        assert f"当前状态“{status.label}”下不能“{action.label}”" in exc.value.message


@pytest.mark.parametrize("status", list(Status))
def test_close_reasons_per_state(status):
    for reason, states in CLOSE_REASONS.items():
        data = {"reason": reason.value}
        closable = status in TABLE[Action.CLOSE][0] and status in states
        if closable:
            t = plan(status, clocks_for(status), Action.CLOSE, AT, data, received_at=RECEIVED)
            assert t.to == Status.CLOSED and t.updates["closure_reason"] == reason.value
            assert all(op.kind == "stop" for op in t.clock_ops)
        else:
            with pytest.raises(DomainError):
                plan(status, clocks_for(status), Action.CLOSE, AT, data, received_at=RECEIVED)


def test_closed_is_terminal():
    assert allowed_actions(Status.CLOSED) == []


def test_forward_stops_dispose_and_starts_notice_and_objection():
    t = plan(Status.REGISTERED, clocks_for(Status.REGISTERED), "forward", AT, {"unit": "RS"}, received_at=RECEIVED)
    kinds = {(op.kind, op.step) for op in t.clock_ops}
    assert kinds == {("stop", Step.DISPOSE), ("start", Step.NOTICE), ("start", Step.OBJECT)}
    assert t.updates["handling_unit"] == "RS"


@pytest.mark.parametrize("action,data,message", [
    (Action.FORWARD, {}, "请填写承办单位"),
    (Action.DECLINE, {}, "请填写不予受理理由"),
    (Action.REPLY, {"outcome": "同意"}, "答复意见应为"),
    (Action.RATE, {"rating": "很好"}, "评价结果应为"),
    (Action.EXTEND, {"days": 31, "approver": "王", "reason": "复杂"}, "延长天数应在 1 至 30 日之间"),
    (Action.EXTEND, {"days": 10, "reason": "复杂"}, "请填写批准人"),
    (Action.EXTEND, {"days": "十", "approver": "王", "reason": "复杂"}, "请填写延长天数"),
])
def test_missing_or_bad_data_is_refused(action, data, message):
    status = next(s for s in TABLE[action][0])
    with pytest.raises(DomainError) as exc:
        plan(status, clocks_for(status), action, AT, data, received_at=RECEIVED)
    assert message in exc.value.message


def test_extension_only_once_and_not_after_due():
    extended = {Step.HANDLE: clock(Step.HANDLE, due=date(2025, 10, 31), extra_days=10)}
    with pytest.raises(DomainError, match="只能延长一次"):
        plan(Status.HANDLING, extended, "extend", AT, GOOD_DATA[Action.EXTEND], received_at=RECEIVED)
    late = {Step.HANDLE: clock(Step.HANDLE, due=date(2025, 9, 3))}
    with pytest.raises(DomainError, match="逾期后不能再批准延期"):
        plan(Status.HANDLING, late, "extend", AT, GOOD_DATA[Action.EXTEND], received_at=RECEIVED)


def test_objection_after_five_working_days_is_refused():
    clocks = clocks_for(Status.PENDING_ACCEPTANCE)
    with pytest.raises(DomainError, match="异议期限已于 2025-09-08 届满"):
        plan(Status.PENDING_ACCEPTANCE, clocks, "object", datetime(2025, 9, 9, 9), {"reason": "x"},
             received_at=RECEIVED)
    t = plan(Status.PENDING_ACCEPTANCE, clocks, "object", datetime(2025, 9, 8, 17), {"reason": "x"},
             received_at=RECEIVED)
    assert t.to == Status.REGISTERED
    assert ("start", Step.DISPOSE) in {(op.kind, op.step) for op in t.clock_ops}


def test_late_review_request_is_flagged_not_refused():
    t = plan(Status.SERVED, clocks_for(Status.SERVED), "review-request", AT, {}, received_at=RECEIVED)
    assert t.payload["late"] is True and t.warnings


def test_no_timely_request_closure_waits_for_the_window():
    open_window = {Step.REVIEW_REQUEST: clock(Step.REVIEW_REQUEST, due=date(2025, 9, 30))}
    with pytest.raises(DomainError, match="申请期限尚未届满"):
        plan(Status.SERVED, open_window, "close", AT, {"reason": "逾期未申请复查复核"}, received_at=RECEIVED)


def test_dates_must_not_go_backwards():
    with pytest.raises(DomainError, match="早于收到时间"):
        plan(Status.REGISTERED, {}, "accept", datetime(2025, 8, 1), {}, received_at=RECEIVED)
    with pytest.raises(DomainError, match="早于上一步办理时间"):
        plan(Status.REGISTERED, {}, "accept", AT, {}, received_at=RECEIVED, last_at=datetime(2025, 9, 6))


def test_unknown_action():
    with pytest.raises(DomainError, match="未知的操作"):
        plan(Status.REGISTERED, {}, "fly", AT, {}, received_at=RECEIVED)


def test_hearing_tolls_the_recheck_clock():
    t = plan(Status.RECHECK_REQUESTED, clocks_for(Status.RECHECK_REQUESTED), "hearing", AT, {"days": 7},
             received_at=RECEIVED)
    assert [(op.kind, op.step, op.days) for op in t.clock_ops] == [("toll", Step.RECHECK, 7)]

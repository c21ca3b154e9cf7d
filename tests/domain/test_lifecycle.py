"""The transition table state by state: every allowed move, every refusal, and the data rules."""
from datetime import date, datetime

import pytest

from xinfang.domain.enums import ClosureReason, Status, Step
from xinfang.domain.lifecycle import Action, allowed_actions, plan
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


# domain.md §1.1/§1.2, written out by hand (not read from lifecycle.TABLE): rows are states, columns actions.
# A cell names the state the action leads to ("=" stays in the same state); "-" means the action is refused.
#   待处置 = registered: the 信访部门 disposes (转送/交办/告知/转政法纪检/存档, §1.2 row 1) or, for an item made
#            directly to the handling unit, accepts or declines it itself (row 2).
#   待受理: the unit accepts, declines, or objects within 5 working days and the item goes back (row 3).
#   办理中: 60 days, one extension (row 5), then the written reply.  复查/复核 rows 6–9; hearing only in 复核.
STATES = ["registered", "pending_acceptance", "handling", "replied", "served", "rated", "review_requested",
          "reviewed", "recheck_requested", "rechecked", "declined", "informed", "transferred", "archived", "closed"]
MATRIX = """
action            registered  pending  handling  replied  served  rated  rev_req  reviewed  rchk_req  rechecked  declined  informed  transferred  archived  closed
forward           pending     -        -         -        -       -      -        -         -         -          -         -         -            -         -
assign            pending     -        -         -        -       -      -        -         -         -          -         -         -            -         -
inform            informed    -        -         -        -       -      -        -         -         -          -         -         -            -         -
transfer          transferred -        -         -        -       -      -        -         -         -          -         -         -            -         -
archive           archived    -        -         -        -       -      -        -         -         -          -         -         -            -         -
accept            handling    handling -         -        -       -      -        -         -         -          -         -         -            -         -
decline           declined    declined -         -        -       -      -        -         -         -          -         -         -            -         -
object            -           registered -       -        -       -      -        -         -         -          -         -         -            -         -
extend            -           -        =         -        -       -      -        -         -         -          -         -         -            -         -
reply             -           -        replied   -        -       -      -        -         -         -          -         -         -            -         -
serve             -           -        -         served   -       -      -        -         -         -          -         -         -            -         -
rate              -           -        -         -        rated   -      -        -         -         -          -         -         -            -         -
review-request    -           -        -         -        rev_req rev_req -       -         -         -          -         -         -            -         -
review-decision   -           -        -         -        -       -      reviewed -         -         -          -         -         -            -         -
recheck-request   -           -        -         -        -       -      -        rchk_req  -         -          -         -         -            -         -
hearing           -           -        -         -        -       -      -        -         =         -          -         -         -            -         -
recheck-decision  -           -        -         -        -       -      -        -         rechecked -          -         -         -            -         -
"""
SHORT = {"pending": "pending_acceptance", "rev_req": "review_requested", "rchk_req": "recheck_requested"}


def _expected():
    lines = [ln.split() for ln in MATRIX.strip().splitlines()]
    header, rows = lines[0][1:], lines[1:]
    assert [SHORT.get(h, h) for h in header] == STATES
    out = {}
    for row in rows:
        action, cells = row[0], row[1:]
        assert len(cells) == len(STATES), row
        for state, cell in zip(STATES, cells):
            if cell != "-":
                out[(Action(action), Status(state))] = Status(state if cell == "=" else SHORT.get(cell, cell))
    return out


EXPECTED = _expected()


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


# Closure grounds (domain.md §2.7) and the states each fits, by hand:
#   复核意见已送达: only after the 复核 opinion (已复核).
#   逾期未申请复查复核 / 答复后息诉罢访: after a reply was served (已送达, 已评价) or a 复查 opinion (已复查).
#   达成调解协议 / 调解协议已履行: while handling or after the reply, before any 复查 request is pending.
#   信访人死亡或终止且无承继人 / 其他法定情形: any state that may be closed at all.
#   经市级核查终结 (上海 §42): after 复查 or 复核.   不予受理告知已送达: after 不予受理.
#   已导入其他法定途径: after 告知 / 转政法纪检 / 存档 / 不予受理.
CLOSABLE = {"handling", "replied", "served", "rated", "reviewed", "rechecked", "declined", "informed",
            "transferred", "archived"}
CLOSE_FITS = {
    "复核意见已送达": {"rechecked"},
    "逾期未申请复查复核": {"served", "rated", "reviewed"},
    "答复后息诉罢访": {"served", "rated", "reviewed"},
    "达成调解协议": {"handling", "replied", "served", "rated", "reviewed"},
    "调解协议已履行": {"handling", "replied", "served", "rated", "reviewed"},
    "信访人死亡或终止且无承继人": CLOSABLE,
    "经市级核查终结": {"reviewed", "rechecked"},
    "不予受理告知已送达": {"declined"},
    "已导入其他法定途径": {"informed", "transferred", "archived", "declined"},
    "其他法定情形": CLOSABLE,
}


def test_every_closure_ground_of_the_domain_is_offered():
    assert {r.value for r in ClosureReason} == set(CLOSE_FITS)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("reason", sorted(CLOSE_FITS))
def test_close_reasons_per_state(status, reason):
    data = {"reason": reason}
    if status.value in CLOSE_FITS[reason]:
        t = plan(status, clocks_for(status), Action.CLOSE, AT, data, received_at=RECEIVED)
        assert t.to == Status.CLOSED and t.updates["closure_reason"] == reason
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
    status = {Action.FORWARD: Status.REGISTERED, Action.DECLINE: Status.PENDING_ACCEPTANCE}.get(action, Status.HANDLING)
    status = Status.SERVED if action == Action.RATE else status
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


# ---- boundaries (domain.md §1.2 rows 3, 5, 6; §2.7) -------------------------------------------------------

def test_objection_is_refused_once_the_unit_has_accepted():
    with pytest.raises(DomainError, match="下不能“异议退回”"):
        plan(Status.HANDLING, clocks_for(Status.HANDLING), "object", AT, {"reason": "非本单位职责"},
             received_at=RECEIVED)


def test_review_request_before_the_reply_was_served_is_refused():
    with pytest.raises(DomainError, match="下不能“申请复查”"):
        plan(Status.REPLIED, {}, "review-request", AT, {}, received_at=RECEIVED)


@pytest.mark.parametrize("days,ok", [(0, False), (1, True), (30, True), (31, False)])
def test_extension_length_from_one_to_thirty_days(days, ok):
    data = {"days": days, "approver": "王局长", "reason": "情况复杂"}
    handling = {Step.HANDLE: clock(Step.HANDLE, due=date(2025, 10, 31))}
    if ok:
        t = plan(Status.HANDLING, handling, "extend", AT, data, received_at=RECEIVED)
        assert [(op.kind, op.days) for op in t.clock_ops] == [("extend", days)]
    else:
        with pytest.raises(DomainError, match="延长天数应在 1 至 30 日之间"):
            plan(Status.HANDLING, handling, "extend", AT, data, received_at=RECEIVED)


def test_extension_on_the_due_day_itself_is_allowed_and_the_next_day_refused():
    handling = {Step.HANDLE: clock(Step.HANDLE, due=date(2025, 10, 31))}
    data = GOOD_DATA[Action.EXTEND]
    t = plan(Status.HANDLING, handling, "extend", datetime(2025, 10, 31, 17, 30), data, received_at=RECEIVED)
    assert t.to == Status.HANDLING
    with pytest.raises(DomainError, match="逾期后不能再批准延期"):
        plan(Status.HANDLING, handling, "extend", datetime(2025, 11, 1, 8, 0), data, received_at=RECEIVED)


def test_no_timely_request_closure_on_the_last_day_of_the_window_is_refused_and_allowed_the_day_after():
    # served 2025-09-01: the 30-day window runs 09-02 … 10-01, and the petitioner may still apply on 10-01
    window = {Step.REVIEW_REQUEST: clock(Step.REVIEW_REQUEST, due=date(2025, 10, 1))}
    data = {"reason": "逾期未申请复查复核"}
    with pytest.raises(DomainError, match="申请期限尚未届满（2025-10-01）"):
        plan(Status.SERVED, window, "close", datetime(2025, 10, 1, 23, 0), data, received_at=RECEIVED)
    t = plan(Status.SERVED, window, "close", datetime(2025, 10, 2, 9, 0), data, received_at=RECEIVED)
    assert t.to == Status.CLOSED


def test_blocked_reason_says_why_before_the_dialog_opens():
    from xinfang.domain.lifecycle import blocked_reason
    fresh = {Step.HANDLE: clock(Step.HANDLE, due=date(2025, 10, 31))}
    assert blocked_reason(Action.EXTEND, Status.HANDLING, fresh, date(2025, 10, 31)) == ""      # the due day itself
    assert "逾期后不能再批准延期" in blocked_reason(Action.EXTEND, Status.HANDLING, fresh, date(2025, 11, 1))
    extended = {Step.HANDLE: clock(Step.HANDLE, due=date(2025, 11, 30), extra_days=30)}
    assert blocked_reason(Action.EXTEND, Status.HANDLING, extended, date(2025, 10, 1)) == "办理期限只能延长一次，本件已延期"
    window = clocks_for(Status.PENDING_ACCEPTANCE)          # objection window due 2025-09-08
    assert blocked_reason(Action.OBJECT, Status.PENDING_ACCEPTANCE, window, date(2025, 9, 8)) == ""
    assert "异议期限已于 2025-09-08 届满" in blocked_reason(Action.OBJECT, Status.PENDING_ACCEPTANCE, window,
                                                           date(2025, 9, 9))

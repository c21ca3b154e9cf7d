"""The petition lifecycle as a transition table (domain.md §1).

`plan(...)` is pure: given the case's state, clocks and an action with its data, it returns a
`Transition` (new status, clock operations, projection updates, event payload) or raises a
`DomainError` with a Chinese reason. Services apply the transition in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Mapping

from .enums import ClosureReason, Rating, ReplyOutcome, Status, Step, TransferTarget
from .model import Clock
from .problems import DomainError


class Action(str, Enum):
    FORWARD = "forward"
    ASSIGN = "assign"
    ACCEPT = "accept"
    DECLINE = "decline"
    OBJECT = "object"
    EXTEND = "extend"
    REPLY = "reply"
    SERVE = "serve"
    RATE = "rate"
    REVIEW_REQUEST = "review-request"
    REVIEW_DECISION = "review-decision"
    RECHECK_REQUEST = "recheck-request"
    HEARING = "hearing"
    RECHECK_DECISION = "recheck-decision"
    CLOSE = "close"
    INFORM = "inform"
    TRANSFER = "transfer"
    ARCHIVE = "archive"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.FORWARD: "转送", Action.ASSIGN: "交办", Action.ACCEPT: "受理", Action.DECLINE: "不予受理",
    Action.OBJECT: "异议退回", Action.EXTEND: "延期", Action.REPLY: "答复", Action.SERVE: "送达",
    Action.RATE: "评价", Action.REVIEW_REQUEST: "申请复查", Action.REVIEW_DECISION: "复查意见",
    Action.RECHECK_REQUEST: "申请复核", Action.HEARING: "听证", Action.RECHECK_DECISION: "复核意见",
    Action.CLOSE: "终结", Action.INFORM: "告知", Action.TRANSFER: "转政法/纪检", Action.ARCHIVE: "存档",
}

# Event names that are not transitions.
REGISTER = "register"
REROUTE = "route"


class ReviewOutcome(str, Enum):
    UPHOLD = "维持"
    CHANGE = "变更"
    REVOKE = "撤销重办"


S = Status
# action -> (states it may be taken from, the state it leads to; None = stay)
TABLE: Mapping[Action, tuple[frozenset[Status], Status | None]] = {
    Action.FORWARD: (frozenset({S.REGISTERED}), S.PENDING_ACCEPTANCE),
    Action.ASSIGN: (frozenset({S.REGISTERED}), S.PENDING_ACCEPTANCE),
    Action.INFORM: (frozenset({S.REGISTERED}), S.INFORMED),
    Action.TRANSFER: (frozenset({S.REGISTERED}), S.TRANSFERRED),
    Action.ARCHIVE: (frozenset({S.REGISTERED}), S.ARCHIVED),
    Action.ACCEPT: (frozenset({S.REGISTERED, S.PENDING_ACCEPTANCE}), S.HANDLING),
    Action.DECLINE: (frozenset({S.REGISTERED, S.PENDING_ACCEPTANCE}), S.DECLINED),
    Action.OBJECT: (frozenset({S.PENDING_ACCEPTANCE}), S.REGISTERED),
    Action.EXTEND: (frozenset({S.HANDLING}), None),
    Action.REPLY: (frozenset({S.HANDLING}), S.REPLIED),
    Action.SERVE: (frozenset({S.REPLIED}), S.SERVED),
    Action.RATE: (frozenset({S.SERVED}), S.RATED),
    Action.REVIEW_REQUEST: (frozenset({S.SERVED, S.RATED}), S.REVIEW_REQUESTED),
    Action.REVIEW_DECISION: (frozenset({S.REVIEW_REQUESTED}), S.REVIEWED),
    Action.RECHECK_REQUEST: (frozenset({S.REVIEWED}), S.RECHECK_REQUESTED),
    Action.HEARING: (frozenset({S.RECHECK_REQUESTED}), None),
    Action.RECHECK_DECISION: (frozenset({S.RECHECK_REQUESTED}), S.RECHECKED),
    Action.CLOSE: (frozenset({S.HANDLING, S.REPLIED, S.SERVED, S.RATED, S.REVIEWED, S.RECHECKED,
                              S.DECLINED, S.INFORMED, S.TRANSFERRED, S.ARCHIVED}), S.CLOSED),
}

# Which closure reasons fit which states (refuse the rest: they are certainly wrong).
_AFTER_REPLY = frozenset({S.SERVED, S.RATED, S.REVIEWED})
CLOSE_REASONS: Mapping[ClosureReason, frozenset[Status]] = {
    ClosureReason.RECHECK_SERVED: frozenset({S.RECHECKED}),
    ClosureReason.NO_TIMELY_REQUEST: _AFTER_REPLY,
    ClosureReason.SATISFIED_AFTER_REPLY: _AFTER_REPLY,
    ClosureReason.MEDIATION_AGREEMENT: frozenset({S.HANDLING, S.REPLIED, S.SERVED, S.RATED, S.REVIEWED}),
    ClosureReason.AGREEMENT_PERFORMED: frozenset({S.HANDLING, S.REPLIED, S.SERVED, S.RATED, S.REVIEWED}),
    ClosureReason.PETITIONER_GONE: frozenset(TABLE[Action.CLOSE][0]),
    ClosureReason.CITY_CHECK: frozenset({S.REVIEWED, S.RECHECKED}),
    ClosureReason.NOT_ACCEPTED: frozenset({S.DECLINED}),
    ClosureReason.OTHER_CHANNEL: frozenset({S.INFORMED, S.TRANSFERRED, S.ARCHIVED, S.DECLINED}),
    ClosureReason.OTHER_LEGAL: frozenset(TABLE[Action.CLOSE][0]),
}

OPEN_STATES = frozenset(set(Status) - {S.CLOSED, S.DECLINED, S.INFORMED, S.TRANSFERRED, S.ARCHIVED})


@dataclass(frozen=True)
class ClockOp:
    kind: str            # "start" | "stop" | "extend" | "toll"
    step: Step
    on: date | None = None
    days: int = 0


@dataclass(frozen=True)
class Transition:
    action: Action
    to: Status
    clock_ops: tuple[ClockOp, ...]
    updates: dict = field(default_factory=dict)
    payload: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def allowed_actions(status: Status) -> list[Action]:
    return [a for a, (froms, _) in TABLE.items() if status in froms]


def blocked_reason(action: Action, status: Status, clocks: Mapping[Step, Clock], today: date) -> str:
    """Why an action the state allows cannot be taken today ("" when it can): the same rules `plan`
    enforces, said before the clerk opens the dialog (buttons are disabled with this as their tooltip)."""
    if action == Action.EXTEND:
        handle = clocks.get(Step.HANDLE)
        if handle is None or not handle.running:
            return "没有正在计算的办理期限，不能延期"
        if handle.extra_days:
            return "办理期限只能延长一次，本件已延期"
        if today > handle.due:
            return f"办理期限已于 {handle.due.isoformat()} 届满，逾期后不能再批准延期"
    elif action == Action.OBJECT:
        window = clocks.get(Step.OBJECT)
        if window is not None and today > window.due:
            return f"异议期限已于 {window.due.isoformat()} 届满（5个工作日），请与交办机关协商后由其改派"
    return ""


def _text(data: Mapping, key: str, what: str) -> str:
    value = str(data.get(key) or "").strip()
    if not value:
        raise DomainError(f"请填写{what}")
    return value


def _choice(data: Mapping, key: str, enum: type[Enum], what: str) -> str:
    value = str(data.get(key) or "").strip()
    valid = [e.value for e in enum]
    if value not in valid:
        raise DomainError(f"{what}应为：{'、'.join(v for v in valid if v)}")
    return value


def _date(data: Mapping, key: str, default: date) -> date:
    raw = data.get(key)
    if raw in (None, ""):
        return default
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw)[:10])
    except ValueError:
        raise DomainError(f"日期“{raw}”无效，请按 YYYY-MM-DD 填写") from None


def _served(data: Mapping, day: date, after: date, what: str) -> date:
    """A 送达 date: not after the day the action is recorded, not before the step it follows."""
    served = _date(data, "served_on", day)
    if served > day:
        raise DomainError(f"{what}不能晚于登记送达的时间 {day.isoformat()}")
    if served < after:
        raise DomainError(f"{what} {served.isoformat()} 早于上一步的日期 {after.isoformat()}，请核对")
    return served


def _int(data: Mapping, key: str, what: str) -> int:
    try:
        return int(data.get(key))
    except (TypeError, ValueError):
        raise DomainError(f"请填写{what}（整数）") from None


def _running(clocks: Mapping[Step, Clock], *steps: Step) -> tuple[ClockOp, ...]:
    return tuple(ClockOp("stop", s) for s in steps if s in clocks and clocks[s].running)


def plan(status: Status, clocks: Mapping[Step, Clock], action: Action | str, at: datetime,
         data: Mapping | None = None, *, received_at: datetime, last_at: datetime | None = None,
         max_extension: int = 30) -> Transition:
    """Decide what `action` does to a case in `status`; raise DomainError when it may not."""
    data = data or {}
    try:
        action = Action(action)
    except ValueError:
        raise DomainError(f"未知的操作“{action}”") from None
    froms, to = TABLE[action]
    if status not in froms:
        allowed = "、".join(a.label for a in allowed_actions(status)) or "无"
        raise DomainError(f"当前状态“{status.label}”下不能“{action.label}”（可进行：{allowed}）")
    if at < received_at:
        raise DomainError(f"{action.label}时间早于收到时间 {received_at:%Y-%m-%d %H:%M}，请核对日期")
    if last_at is not None and at < last_at:
        raise DomainError(f"{action.label}时间早于上一步办理时间 {last_at:%Y-%m-%d %H:%M}，请核对日期")
    day = at.date()
    previous = max(received_at, last_at or received_at).date()     # the step this action follows
    to = to or status
    ops: list[ClockOp] = []
    upd: dict = {}
    pay: dict = {}
    warn: list[str] = []

    if action in (Action.FORWARD, Action.ASSIGN):
        pay["unit"] = _text(data, "unit", "承办单位")
        upd.update(handling_unit=pay["unit"], disposition=action.label)
        if action == Action.ASSIGN and data.get("report_due"):
            report_due = _date(data, "report_due", day)
            if report_due < day:
                raise DomainError(f"办结报告期限 {report_due.isoformat()} 早于交办日期 {day.isoformat()}，请核对")
            pay["report_due"] = report_due.isoformat()
        ops += _running(clocks, Step.DISPOSE)
        ops += [ClockOp("start", Step.NOTICE, day), ClockOp("start", Step.OBJECT, day)]
    elif action == Action.INFORM:
        pay["where"] = _text(data, "where", "告知信访人向何机关提出")
        upd.update(disposition="告知")
        ops += _running(clocks, Step.DISPOSE)
    elif action == Action.TRANSFER:
        pay["to"] = _choice(data, "to", TransferTarget, "转往")
        pay["unit"] = str(data.get("unit") or "").strip()
        upd.update(disposition=f"转{pay['to']}", handling_unit=pay["unit"])
        ops += _running(clocks, Step.DISPOSE)
    elif action == Action.ARCHIVE:
        pay["reason"] = _text(data, "reason", "存档理由")
        upd.update(disposition="存档")
        ops += _running(clocks, Step.DISPOSE)
    elif action == Action.ACCEPT:
        if status == S.REGISTERED:
            upd.update(disposition="直接受理")
            if data.get("unit"):
                upd["handling_unit"] = pay["unit"] = str(data["unit"]).strip()
        ops += _running(clocks, Step.DISPOSE, Step.NOTICE, Step.OBJECT)
        ops.append(ClockOp("start", Step.HANDLE, day))
    elif action == Action.DECLINE:
        pay["reason"] = _text(data, "reason", "不予受理理由")
        for key in ("basis", "where"):               # 依据 and the competent body: the 不予受理告知书 prints them
            if str(data.get(key) or "").strip():
                pay[key] = str(data[key]).strip()
        ops += _running(clocks, Step.DISPOSE, Step.NOTICE, Step.OBJECT)
    elif action == Action.OBJECT:
        pay["reason"] = _text(data, "reason", "异议理由")
        window = clocks.get(Step.OBJECT)
        if window is not None and day > window.due:
            raise DomainError(f"异议期限已于 {window.due.isoformat()} 届满（5个工作日），不能再退回；"
                              "请与交办机关协商后由其改派")
        pay["unit"] = str(data.get("unit") or "").strip()
        upd.update(handling_unit="", disposition="")
        ops += _running(clocks, Step.NOTICE, Step.OBJECT)
        ops.append(ClockOp("start", Step.DISPOSE, day))
    elif action == Action.EXTEND:
        days = _int(data, "days", "延长天数")
        if not 1 <= days <= max_extension:
            raise DomainError(f"延长天数应在 1 至 {max_extension} 日之间")
        pay.update(days=days, approver=_text(data, "approver", "批准人"), reason=_text(data, "reason", "延期理由"))
        handle = clocks.get(Step.HANDLE)
        if handle is None or not handle.running:
            raise DomainError("没有正在计算的办理期限，不能延期")
        if handle.extra_days:
            raise DomainError("办理期限只能延长一次，本件已延期")
        if day > handle.due:
            raise DomainError(f"办理期限已于 {handle.due.isoformat()} 届满，逾期后不能再批准延期")
        ops.append(ClockOp("extend", Step.HANDLE, days=days))
    elif action == Action.REPLY:
        pay["outcome"] = _choice(data, "outcome", ReplyOutcome, "答复意见")
        upd["outcome"] = pay["outcome"]
        for key in ("facts", "decision", "basis"):   # 查明事实、处理意见、依据: the 处理意见书 prints them
            if str(data.get(key) or "").strip():
                pay[key] = str(data[key]).strip()
        ops += _running(clocks, Step.HANDLE)
    elif action == Action.SERVE:
        served = _served(data, day, previous, "送达日期")
        pay["served_on"] = served.isoformat()
        ops.append(ClockOp("start", Step.REVIEW_REQUEST, served))
    elif action == Action.RATE:
        pay["rating"] = _choice(data, "rating", Rating, "评价结果")
        upd["rating"] = pay["rating"]
    elif action in (Action.REVIEW_REQUEST, Action.RECHECK_REQUEST):
        window_step, clock_step = ((Step.REVIEW_REQUEST, Step.REVIEW) if action == Action.REVIEW_REQUEST
                                   else (Step.RECHECK_REQUEST, Step.RECHECK))
        window = clocks.get(window_step)
        if window is not None and day > window.due:
            pay["late"] = True
            warn.append(f"申请时间已超过申请期限（{window.due.isoformat()}届满），已标记为逾期申请，请决定是否受理")
        if data.get("body"):
            pay["body"] = str(data["body"]).strip()
        ops += _running(clocks, window_step)
        ops.append(ClockOp("start", clock_step, day))
    elif action in (Action.REVIEW_DECISION, Action.RECHECK_DECISION):
        pay["outcome"] = _choice(data, "outcome", ReviewOutcome, "复查/复核意见")
        for key in ("facts", "decision", "basis"):   # the 复查/复核意见书 prints them
            if str(data.get(key) or "").strip():
                pay[key] = str(data[key]).strip()
        served = _served(data, day, previous, "意见送达日期")
        pay["served_on"] = served.isoformat()
        if action == Action.REVIEW_DECISION:
            ops += _running(clocks, Step.REVIEW)
            ops.append(ClockOp("start", Step.RECHECK_REQUEST, served))
        else:
            ops += _running(clocks, Step.RECHECK)
    elif action == Action.HEARING:
        days = _int(data, "days", "听证天数")
        if not 1 <= days <= 365:
            raise DomainError("听证天数应在 1 至 365 日之间")
        pay["days"] = days
        ops.append(ClockOp("toll", Step.RECHECK, days=days))
    elif action == Action.CLOSE:
        reason = ClosureReason(_choice(data, "reason", ClosureReason, "终结理由"))
        if status not in CLOSE_REASONS[reason]:
            raise DomainError(f"当前状态“{status.label}”不能以“{reason.value}”终结")
        if reason == ClosureReason.NO_TIMELY_REQUEST:
            window = clocks.get(Step.RECHECK_REQUEST) or clocks.get(Step.REVIEW_REQUEST)
            if window is not None and window.running and day <= window.due:
                raise DomainError(f"申请期限尚未届满（{window.due.isoformat()}），不能以“{reason.value}”终结")
        pay["reason"] = reason.value
        upd.update(closure_reason=reason.value, closed_at=at)
        ops += _running(clocks, *clocks.keys())

    if data.get("note"):
        pay["note"] = str(data["note"]).strip()
    return Transition(action, to, tuple(ops), upd, pay, tuple(warn))

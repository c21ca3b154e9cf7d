"""积案 (backlog) records: the lifecycle as a transition table, replay of events, and the §2 numbers.

Pure: `plan(...)` checks one action against a record's state and returns the event payload or raises
a `DomainError` in Chinese; `replay(events, as_of)` rebuilds a record's state on a date from its
events; `tally(states, as_of)` computes assigned/resolved/rate/overdue/late_resolved/delisted.
Numbers are never stored: they are always recomputed from the events (domain.md §3.2).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import Enum
from typing import Iterable, Iterator, Mapping, Sequence

from .problems import DomainError


class BacklogStatus(str, Enum):
    OPEN = "未化解"
    RESOLVED = "已化解"
    CLOSED = "已结案"


class Source(str, Enum):
    ASSIGNED = "上级交办"
    FOUND = "本级排查"


class BacklogAction(str, Enum):
    TAKE = "take"            # the record is created (列为积案)
    PROGRESS = "progress"
    PLAN = "plan"
    RESOLVE = "resolve"
    CLOSE = "close"
    REOPEN = "reopen"
    DELIST = "delist"
    REASSIGN = "reassign"
    ATTACH = "attach"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    BacklogAction.TAKE: "列为积案", BacklogAction.PROGRESS: "进展", BacklogAction.PLAN: "修改化解方案",
    BacklogAction.RESOLVE: "化解", BacklogAction.CLOSE: "结案", BacklogAction.REOPEN: "重新打开",
    BacklogAction.DELIST: "销号", BacklogAction.REASSIGN: "更换包案领导", BacklogAction.ATTACH: "添加附件",
}

DEFAULT_WAYS = ("依法解决", "解释疏导", "司法救助", "困难帮扶", "调解和解", "依法终结", "其他")

B = BacklogStatus
ANY = frozenset(BacklogStatus)
RESOLVED_STATES = frozenset({B.RESOLVED, B.CLOSED})
# action -> (states it may be taken from, the state it leads to; None = stay). A 销号 record takes none.
TABLE: Mapping[BacklogAction, tuple[frozenset[BacklogStatus], BacklogStatus | None]] = {
    BacklogAction.PROGRESS: (ANY, None),
    BacklogAction.PLAN: (frozenset({B.OPEN}), None),
    BacklogAction.RESOLVE: (frozenset({B.OPEN}), B.RESOLVED),
    BacklogAction.CLOSE: (frozenset({B.RESOLVED}), B.CLOSED),
    BacklogAction.REOPEN: (RESOLVED_STATES, B.OPEN),
    BacklogAction.DELIST: (RESOLVED_STATES, None),
    BacklogAction.REASSIGN: (ANY, None),
    BacklogAction.ATTACH: (ANY, None),
}

# Why an action is refused in a state: the reason a person reads.
REFUSALS = {
    BacklogAction.PLAN: "已化解的积案不能修改化解方案，如需调整请先重新打开",
    BacklogAction.RESOLVE: "该积案已化解，不能重复化解",
    BacklogAction.CLOSE: "只有已化解的积案才能结案",
    BacklogAction.REOPEN: "未化解的积案不需要重新打开",
    BacklogAction.DELIST: "只有已化解或已结案的积案才能销号",
}


@dataclass(frozen=True)
class RecordState:
    """A record as it stood on a date, rebuilt from its events."""
    taken_on: date
    batch: int
    source: str
    due: date
    status: BacklogStatus = BacklogStatus.OPEN
    leader: str = ""
    unit: str = ""
    plan: str = ""
    way: str = ""
    resolved_on: date | None = None
    closed_on: date | None = None
    delisted_on: date | None = None
    approver: str = ""

    @property
    def resolved(self) -> bool:
        return self.status in RESOLVED_STATES

    @property
    def delisted(self) -> bool:
        return self.delisted_on is not None


@dataclass(frozen=True)
class Planned:
    action: BacklogAction
    payload: dict
    to: BacklogStatus | None


def parse_action(action: str) -> BacklogAction:
    try:
        a = BacklogAction(str(action).strip())
    except ValueError:
        a = None
    if a is None or a in (BacklogAction.TAKE, BacklogAction.ATTACH):
        names = "、".join(f"{x.value}（{x.label}）" for x in TABLE if x != BacklogAction.ATTACH)
        raise DomainError(f"未知的积案操作“{action}”，可用：{names}")
    return a


def _text(data: Mapping, key: str, what: str, required: bool = True, limit: int = 2000) -> str:
    raw = data.get(key, "")
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise DomainError(f"{what}应为文字")
    value = raw.strip()
    if required and not value:
        raise DomainError(f"请填写{what}")
    if len(value) > limit:
        raise DomainError(f"{what}过长（最多 {limit} 字）")
    return value


def plan(state: RecordState, action: BacklogAction, data: Mapping, at: datetime, *,
         last_at: datetime | None, ways: Sequence[str], leaders: Iterable[str]) -> Planned:
    """Check one action; return what the event will say, or refuse in Chinese."""
    if state.delisted:
        raise DomainError("该积案已销号，不能再办理")
    allowed, to = TABLE[action]
    if state.status not in allowed:
        raise DomainError(REFUSALS.get(action, f"当前状态（{state.status.value}）不能{action.label}"))
    if last_at is not None and at < last_at:
        raise DomainError(f"办理时间（{at:%Y-%m-%d %H:%M}）早于该积案上一次记录（{last_at:%Y-%m-%d %H:%M}），请核对")
    known = {k for k in data}
    expected = {BacklogAction.PROGRESS: {"text"}, BacklogAction.PLAN: {"text"},
                BacklogAction.RESOLVE: {"way", "note"}, BacklogAction.CLOSE: {"note"},
                BacklogAction.REOPEN: {"reason"}, BacklogAction.DELIST: {"approver", "note"},
                BacklogAction.REASSIGN: {"leader", "reason"}, BacklogAction.ATTACH: {"attachments"}}[action]
    unknown = sorted(known - expected)
    if unknown:
        raise DomainError(f"{action.label}不认识的参数：{'、'.join(unknown)}（可用：{'、'.join(sorted(expected))}）")
    if action in (BacklogAction.PROGRESS, BacklogAction.PLAN):
        payload = {"text": _text(data, "text", "进展情况" if action == BacklogAction.PROGRESS else "化解方案")}
    elif action == BacklogAction.RESOLVE:
        way = _text(data, "way", "化解方式", limit=50)
        if way not in ways:
            raise DomainError(f"化解方式“{way}”不在列表中，可选：{'、'.join(ways)}")
        payload = {"way": way, "note": _text(data, "note", "化解情况说明", required=False)}
    elif action == BacklogAction.CLOSE:
        payload = {"note": _text(data, "note", "结案说明", required=False)}
    elif action == BacklogAction.REOPEN:
        payload = {"reason": _text(data, "reason", "重新打开的原因")}
    elif action == BacklogAction.DELIST:
        payload = {"approver": _text(data, "approver", "销号审批人", limit=50),
                   "note": _text(data, "note", "销号说明", required=False)}
    elif action == BacklogAction.REASSIGN:
        leader = _text(data, "leader", "新的包案领导", limit=50)
        if leader not in set(leaders):
            raise DomainError(f"包案领导“{leader}”不在领导名单中，请先添加（xinfang leader add）")
        if leader == state.leader:
            raise DomainError(f"{leader}已是该积案的包案领导")
        payload = {"leader": leader, "from_leader": state.leader, "reason": _text(data, "reason", "更换原因")}
    else:
        payload = {"attachments": list(data.get("attachments") or [])}
        if not payload["attachments"]:
            raise DomainError("请选择要添加的附件")
    return Planned(action, payload, to)


def apply(state: RecordState | None, action: str, day: date, payload: Mapping) -> RecordState:
    """One event (on `day`) applied to a state (replay). `take` creates the state. Only `take` and
    `reassign` need their payload for the numbers; the other fields fall back when it is left out."""
    if action == BacklogAction.TAKE.value:
        return RecordState(taken_on=date.fromisoformat(payload["taken_on"]), batch=int(payload["batch"]),
                           source=payload["source"], due=date.fromisoformat(payload["due"]),
                           leader=payload.get("leader", ""), unit=payload.get("unit", ""),
                           plan=payload.get("plan", ""))
    if state is None:
        raise DomainError("积案事件链缺少开头的“列为积案”事件")
    if action == BacklogAction.PLAN.value:
        return replace(state, plan=payload.get("text", state.plan))
    if action == BacklogAction.RESOLVE.value:
        return replace(state, status=B.RESOLVED, way=payload.get("way", ""), resolved_on=day)
    if action == BacklogAction.CLOSE.value:
        return replace(state, status=B.CLOSED, closed_on=day)
    if action == BacklogAction.REOPEN.value:
        return replace(state, status=B.OPEN, way="", resolved_on=None, closed_on=None)
    if action == BacklogAction.DELIST.value:
        return replace(state, delisted_on=day, approver=payload.get("approver", ""))
    if action == BacklogAction.REASSIGN.value:
        return replace(state, leader=payload["leader"])
    return state        # progress, attach: the log only


def replay(events: Iterable[tuple[str, datetime, Mapping]], as_of: date | None = None) -> RecordState | None:
    """The state on `as_of` (end of that day) from (action, at, payload) in order; None if not yet taken on."""
    state = None
    for action, at, payload in events:
        if as_of is not None and at.date() > as_of:
            break
        state = apply(state, action, at.date(), payload)
    return state


# ---- numbers (domain.md §3.2; issue 8 §2) ---------------------------------------------------------

@dataclass
class Tally:
    assigned: int = 0
    resolved: int = 0
    overdue: int = 0
    late_resolved: int = 0
    delisted: int = 0
    leader_assigned: int = 0     # 包案化解率: the same over records that have a 包案领导
    leader_resolved: int = 0

    def add(self, s: RecordState, as_of: date) -> None:
        flags = 0
        if s.resolved:
            flags |= RESOLVED | (LATE if s.resolved_on is not None and s.resolved_on > s.due else 0)
        elif s.due < as_of:
            flags |= OVERDUE
        if s.delisted_on is not None and s.delisted_on <= as_of:
            flags |= DELISTED
        self.add_flags(flags, bool(s.leader))

    def add_flags(self, flags: int, has_leader: bool, n: int = 1) -> None:
        """Count n records that stand as `flags` (see `standings`)."""
        self.assigned += n
        if flags & RESOLVED:
            self.resolved += n
            if flags & LATE:
                self.late_resolved += n
        elif flags & OVERDUE:
            self.overdue += n
        if flags & DELISTED:
            self.delisted += n
        if has_leader:
            self.leader_assigned += n
            if flags & RESOLVED:
                self.leader_resolved += n

    def to_dict(self) -> dict:
        return {"assigned": self.assigned, "resolved": self.resolved, "rate": rate(self.resolved, self.assigned),
                "overdue": self.overdue, "late_resolved": self.late_resolved, "delisted": self.delisted,
                "leader_assigned": self.leader_assigned, "leader_resolved": self.leader_resolved,
                "leader_rate": rate(self.leader_resolved, self.leader_assigned)}


# How a record stands on a date, as bits: what the §2 numbers count.
RESOLVED, LATE, OVERDUE, DELISTED = 1, 2, 4, 8
# The events that move the numbers; progress, plan and attach only write the log.
COUNTED_ACTIONS = (BacklogAction.TAKE.value, BacklogAction.RESOLVE.value, BacklogAction.CLOSE.value,
                   BacklogAction.REOPEN.value, BacklogAction.DELIST.value, BacklogAction.REASSIGN.value)


def move_of(action: str, payload: Mapping) -> tuple | None:
    """What an event that moves the numbers keeps in narrow form (storage's backlog_moves): (batch, due,
    leader, unit) of a take, the new leader of a reassign, nothing else for resolve/close/reopen/delist;
    None for the log-only actions (progress, plan, attach)."""
    if action == BacklogAction.TAKE.value:
        return int(payload["batch"]), payload["due"], payload.get("leader", ""), payload.get("unit", "")
    if action == BacklogAction.REASSIGN.value:
        return None, None, payload["leader"], None
    return (None, None, None, None) if action in COUNTED_ACTIONS else None


def standings(events: Iterable[tuple], as_of: date) -> Iterator[tuple[int, str, str, int]]:
    """(batch, leader, unit, flags) of every record on `as_of`: the same answer as `replay` + `Tally.add`,
    folded into plain locals so that 10,000 records take milliseconds.

    `events` are (record, action, day ISO, *move_of(...)) of COUNTED_ACTIONS only, in record then sequence
    order, none later than `as_of`. ISO dates compare as text."""
    cut = as_of.isoformat()
    current = None
    batch = leader = unit = due = resolved_on = None
    resolved = delisted = False
    for record, action, day, take_batch, take_due, new_leader, take_unit in events:
        if record != current:
            if current is not None:
                yield _standing(current, batch, leader, unit, due, resolved, resolved_on, delisted, cut)
            current, batch, resolved, resolved_on, delisted = record, None, False, None, False
        if action == "take":
            batch, due, leader, unit = take_batch, take_due, new_leader or "", take_unit or ""
        elif action == "resolve":
            resolved, resolved_on = True, day
        elif action == "close":
            resolved = True
        elif action == "reopen":
            resolved, resolved_on = False, None
        elif action == "delist":
            delisted = True
        elif action == "reassign":
            leader = new_leader or ""
    if current is not None:
        yield _standing(current, batch, leader, unit, due, resolved, resolved_on, delisted, cut)


def _standing(record, batch, leader, unit, due, resolved, resolved_on, delisted, cut) -> tuple[int, str, str, int]:
    if batch is None:
        raise DomainError(f"积案 {record} 的事件链缺少开头的“列为积案”事件（请运行 xinfang check）")
    if resolved:
        flags = RESOLVED | (LATE if resolved_on is not None and resolved_on > due else 0)
    else:
        flags = OVERDUE if due < cut else 0
    return batch, leader, unit, flags | (DELISTED if delisted else 0)


def rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(numerator / denominator, 4)


def target_met(r: float | None, target: float) -> bool | None:
    return None if r is None else r + 1e-9 >= target


@dataclass(frozen=True)
class DueState:
    due: date
    state: str          # 逾期 / 临期 / 未到期 / 按期化解 / 超期化解 / 已销号
    days_left: int      # negative when past due

    def to_dict(self) -> dict:
        return {"due": self.due.isoformat(), "due_state": self.state, "days_left": self.days_left}


def due_state(s: RecordState, today: date, warn_days: int) -> DueState:
    left = (s.due - today).days
    if s.resolved:
        late = s.resolved_on is not None and s.resolved_on > s.due
        label = "超期化解" if late else "按期化解"
        if s.delisted:
            label = "已销号"
    elif left < 0:
        label = "逾期"
    elif left <= warn_days:
        label = "临期"
    else:
        label = "未到期"
    return DueState(s.due, label, left)


@dataclass(frozen=True)
class CandidateRules:
    """积案候选 thresholds (settings)."""
    open_days: int = 180
    repeat_count: int = 3
    window_days: int = 365


@dataclass(frozen=True)
class Candidate:
    row: int
    number: str
    summary: str
    received_at: str
    status: str
    reasons: tuple[str, ...] = field(default_factory=tuple)

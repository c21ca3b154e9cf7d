"""Applying clock operations with the calendar and the deadline profile, and reading deadlines."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Iterable, Mapping

from ..calendar.deadlines import compute_due, due_date, due_state
from ..calendar.policies import Profile
from ..calendar.workcalendar import WorkCalendar
from ..domain.enums import DueState, Step
from ..domain.lifecycle import ClockOp
from ..domain.model import Clock, Deadline


def start_clock(step: Step, trigger: date, profile: Profile, cal: WorkCalendar) -> Clock:
    p = profile.policy(step)
    due = due_date(trigger, p.days, p.unit, cal, p.roll_forward)
    return Clock(step, trigger, p.days, p.unit, p.roll_forward, due)


def recompute(c: Clock, cal: WorkCalendar) -> Clock:
    return replace(c, due=due_date(c.trigger, c.days, c.unit, cal, c.roll_forward, c.extra_days, c.tolled_days))


def apply_ops(clocks: Mapping[Step, Clock], ops: Iterable[ClockOp], on: date, profile: Profile,
              cal: WorkCalendar) -> dict[Step, Clock]:
    """The clocks after the operations; only changed clocks are returned."""
    changed: dict[Step, Clock] = {}
    current = dict(clocks)
    for op in ops:
        c = current.get(op.step)
        if op.kind == "start":
            new = start_clock(op.step, op.on or on, profile, cal)
        elif c is None:
            continue
        elif op.kind == "stop":
            new = replace(c, stopped_on=on)
        elif op.kind == "extend":
            new = recompute(replace(c, extra_days=c.extra_days + op.days), cal)
        elif op.kind == "toll":
            new = recompute(replace(c, tolled_days=c.tolled_days + op.days), cal)
        else:
            raise ValueError(op.kind)
        current[op.step] = changed[op.step] = new
    return changed


def next_due(clocks: Iterable[Clock]) -> tuple[date | None, Step | None]:
    """The earliest running duty clock (petitioners' request windows are not the office's duty)."""
    running = [c for c in clocks if c.running and not c.step.is_window]
    if not running:
        return None, None
    first = min(running, key=lambda c: (c.due, list(Step).index(c.step)))
    return first.due, first.step


def deadline(c: Clock, today: date, cal: WorkCalendar, warn_workdays: int) -> Deadline:
    d = compute_due(c.trigger, c.days, c.unit, cal, c.roll_forward, c.extra_days, c.tolled_days)
    state = due_state(d.due, today, cal, warn_workdays, done_on=c.stopped_on)
    explain = list(d.explain)
    if c.stopped_on and c.step.is_window:
        explain.append(f"已于 {c.stopped_on.isoformat()} 提出申请或期间结束")
    elif c.stopped_on:
        explain.append(f"已于 {c.stopped_on.isoformat()} 完成（{state.value}）")
    elif state == DueState.OVERDUE:
        explain.append(f"今天 {today.isoformat()} 已超过期限 {(today - d.due).days} 天")
    else:
        left = cal.working_days_between(today, d.due)
        explain.append(f"今天 {today.isoformat()}，距到期还有 {(d.due - today).days} 天（{left} 个工作日）")
    return Deadline(c.step, d.due, state.value, tuple(explain), c.running, c.stopped_on)

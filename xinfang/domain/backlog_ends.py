"""积案 records as they stood at the end of a day, for the monthly report's 附件2 (领导包案事项): pure."""
from __future__ import annotations

from typing import Iterable, Iterator, NamedTuple

from .backlog import BacklogStatus
from .problems import DomainError


class EndState(NamedTuple):
    """A record at the end of a day (ISO text dates; resolved_on is None unless a 化解 event set it)."""
    record: int
    batch: int
    leader: str
    unit: str
    due: str
    status: str
    resolved_on: str | None
    delisted: bool


def end_states(events: Iterable[tuple]) -> Iterator[tuple]:
    """Every record's state after `events` ((record, action, day ISO, *move_of(...)) of COUNTED_ACTIONS only, in
    record then sequence order, none later than the day wanted), as a plain tuple in EndState's order
    (`EndState._make` names it). The same fold as `standings`, which the numbers use (it keeps only flags and is
    kept apart for speed); this one keeps the status and the 化解 date that 附件2 lists."""
    current = None
    batch = leader = unit = due = resolved_on = None
    status, delisted = OPEN_STATUS, False
    for record, action, day, take_batch, take_due, new_leader, take_unit in events:
        if record != current:
            if current is not None:
                yield _end(current, batch, leader, unit, due, status, resolved_on, delisted)
            current, batch, status, resolved_on, delisted = record, None, OPEN_STATUS, None, False
        if action == "take":
            batch, due, leader, unit = take_batch, take_due, new_leader or "", take_unit or ""
        elif action == "resolve":
            status, resolved_on = BacklogStatus.RESOLVED.value, day
        elif action == "close":
            status = BacklogStatus.CLOSED.value
        elif action == "reopen":
            status, resolved_on = OPEN_STATUS, None
        elif action == "delist":
            delisted = True
        elif action == "reassign":
            leader = new_leader or ""
    if current is not None:
        yield _end(current, batch, leader, unit, due, status, resolved_on, delisted)


OPEN_STATUS = BacklogStatus.OPEN.value


def _end(record, batch, leader, unit, due, status, resolved_on, delisted) -> tuple:
    if batch is None:
        raise DomainError(f"积案 {record} 的事件链缺少开头的“列为积案”事件（请运行 xinfang check）")
    return record, batch, leader, unit, due, status, resolved_on, delisted

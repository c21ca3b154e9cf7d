"""The §2 numbers of 积案化解, replayed from the events as of a date; the 工作台 part; the check."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date

from ..domain import backlog as rules
from ..domain import backlog_ends as ends


def compute(svc, as_of: date, batch_id: int | None) -> dict:
    """The §2 numbers as of a date: every record's standing replayed from its counted events
    (rules.standings, tested equal to the reference replay), then counted per distinct standing."""
    stand = [s for s in rules.standings(svc.db.counted_events(as_of), as_of) if batch_id is None or s[0] == batch_id]
    total = rules.Tally()
    for (has_leader, flags), n in Counter((bool(ldr), f) for _, ldr, _, f in stand).items():
        total.add_flags(flags, has_leader, n)
    by_batch: dict[int, rules.Tally] = defaultdict(rules.Tally)
    for (bid, has_leader, flags), n in Counter((b, bool(ldr), f) for b, ldr, _, f in stand).items():
        by_batch[bid].add_flags(flags, has_leader, n)
    by_leader: dict[str, rules.Tally] = defaultdict(rules.Tally)
    for (leader, flags), n in Counter((ldr, f) for _, ldr, _, f in stand if ldr).items():
        by_leader[leader].add_flags(flags, True, n)
    by_unit: dict[str, rules.Tally] = defaultdict(rules.Tally)
    for (unit, has_leader, flags), n in Counter((u, bool(ldr), f) for _, ldr, u, f in stand if u).items():
        by_unit[unit].add_flags(flags, has_leader, n)
    batches = []
    for bid, name, issuer, issued, target, target_rate, note, closed in svc.db.batches():
        if (batch_id is not None and bid != batch_id) or date.fromisoformat(issued) > as_of:
            continue
        d = by_batch[bid].to_dict()
        batches.append({"id": bid, "name": name, "issuer": issuer, "issued_on": issued, "target_on": target,
                        "closed": closed is not None, **d, "target_rate": target_rate,
                        "days_left": (date.fromisoformat(target) - as_of).days,
                        "target_met": rules.target_met(d["rate"], target_rate)})
    posts = {name: post for _, name, post, _, _ in svc.db.leaders(active_only=False)}
    leaders = [{"leader": name, "post": posts.get(name, ""), **t.to_dict()}
               for name, t in sorted(by_leader.items(), key=lambda kv: (-kv[1].assigned, kv[0]))]
    names = svc.db.unit_names() if by_unit else {}
    units = [{"unit": code, "unit_name": names.get(code) or code, **t.to_dict()}
             for code, t in sorted(by_unit.items(), key=lambda kv: (-kv[1].assigned, kv[0]))]
    return {"as_of": as_of.isoformat(), "total": total.to_dict(), "batches": batches, "leaders": leaders,
            "units": units}


def leader_items(svc, start: date, end: date, unit: str = "") -> list[dict]:
    """附件2 of the monthly report: each 包案领导's records as they stood at the end of `end` — the counts (包案
    ``assigned``, ``resolved``, ``open``, ``resolved_in_period``: a 化解 dated in [start, end] that still stands at
    the end) and the rows of only the records open at the end or resolved in the period (older resolved records
    are counted, not listed). Leaders by most records; rows: open ones by due date, then the period's 化解."""
    from .backlog import READ
    svc.ws.access.require(READ)
    lo, hi = start.isoformat(), end.isoformat()
    by_leader: dict[str, list] = defaultdict(list)
    for s in map(ends.EndState._make, ends.end_states(svc.db.counted_events(end))):
        if s.leader and (not unit or s.unit == unit):
            by_leader[s.leader].append(s)
    listed = {s.record: s for states in by_leader.values() for s in states
              if s.status == ends.OPEN_STATUS or (s.resolved_on and lo <= s.resolved_on <= hi)}
    shown = {r["id"]: r for r in svc.record_rows(sorted(listed), today=end)}
    posts = {name: post for _, name, post, _, _ in svc.db.leaders(active_only=False)}
    out = []
    for leader, states in sorted(by_leader.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        open_ = [s for s in states if s.status == ends.OPEN_STATUS]
        done = [s for s in states if s.record in listed and s.status != ends.OPEN_STATUS]
        rows = [_leader_row(s, shown[s.record], hi) for s in sorted(open_, key=lambda s: (s.due, s.record))
                if s.record in shown]
        rows += [_leader_row(s, shown[s.record], hi) for s in sorted(done, key=lambda s: (s.resolved_on, s.record))
                 if s.record in shown]
        out.append({"leader": leader, "post": posts.get(leader, ""), "assigned": len(states),
                    "resolved": len(states) - len(open_), "open": len(open_), "resolved_in_period": len(done),
                    "rows": rows})
    return out


def _leader_row(s: ends.EndState, row: dict, end: str) -> dict:
    late = s.status == ends.OPEN_STATUS and s.due < end
    return {"number": row["case"], "summary": row["summary"], "unit": row["unit_name"] or s.unit,
            "status": s.status, "resolved_on": s.resolved_on or "", "due": s.due, "overdue": late,
            "case_row": row["case_row"]}


def row_due_state(status: str, due: date, resolved_on: date | None, delisted_on, left: int, warn: int) -> str:
    """The due state of a board row from its projection (the same words as rules.due_state)."""
    if status != rules.BacklogStatus.OPEN.value:
        if delisted_on:
            return "已销号"
        return "超期化解" if resolved_on and resolved_on > due else "按期化解"
    if left < 0:
        return "逾期"
    return "临期" if left <= warn else "未到期"


def workbench(svc, actor: str, today: date) -> dict:
    from .backlog import READ
    access = svc.ws.access
    counts = dict.fromkeys(("未化解", "逾期", "临期", "已化解", "已结案", "已销号"), 0)
    own = "" if access.can(READ) else access.user.unit
    if not access.can(READ, own or None):
        return {"leader": "", "mine": [], "counts": counts, "visible": False}
    leader = svc.leader_of_user(actor)
    mine = []
    if leader:
        rows = svc.records(leader=leader, today=today, include_delisted=False)
        order = {"逾期": 0, "临期": 1, "未到期": 2}
        rows.sort(key=lambda r: (order.get(r["due_state"], 3), r["due"], r["id"]))
        mine = rows
    warn = int(svc.setting("backlog_warn_days"))
    for status, due, resolved_on, delisted_on in svc.db.record_states(own or None):
        if delisted_on:
            counts["已销号"] += 1
            continue
        counts[status] += 1
        if status == "未化解":
            left = (date.fromisoformat(due) - today).days
            if left < 0:
                counts["逾期"] += 1
            elif left <= warn:
                counts["临期"] += 1
    return {"leader": leader, "mine": mine, "counts": counts, "visible": True}


def verify(svc) -> dict:
    """Each record's projection equals the replay of its events, and its rows in backlog_moves (what the
    numbers are counted from) equal its counted events (the chains themselves are checked by the ledger walk
    of `ws.check`, kind "backlog")."""
    mismatched, moves_mismatched = [], []
    events: dict[str, list] = defaultdict(list)
    for key, seq, action, at, payload in svc.db.all_record_events():
        events[key].append((seq, action, at, payload))
    moves = svc.db.moves()
    for rid, key in svc.db.record_ids_and_keys():
        expected = []
        try:
            state = None
            for seq, action, at, payload in events.get(key, ()):
                data = json.loads(payload)
                state = rules.apply(state, action, date.fromisoformat(at[:10]), data)
                move = rules.move_of(action, data)
                if move is not None:
                    expected.append((seq, action, at[:10], *move))
        except (rules.DomainError, KeyError, ValueError, TypeError):
            state = None
        row = svc.db.record(rid)
        if state is None or not _same(row, state):
            mismatched.append(rid)
        if moves.pop(rid, []) != expected:
            moves_mismatched.append(rid)
    moves_mismatched += sorted(moves)           # rows for a record that does not exist
    return {"ok": not mismatched and not moves_mismatched, "projection_mismatch": mismatched,
            "moves_mismatch": moves_mismatched, "records": len(events)}


def _same(row: dict, s: rules.RecordState) -> bool:
    iso = lambda d: d.isoformat() if d else None     # noqa: E731
    return (row["status"] == s.status.value and row["leader"] == s.leader and row["unit"] == s.unit
            and row["plan"] == s.plan and row["due"] == s.due.isoformat() and row["way"] == s.way
            and row["resolved_on"] == iso(s.resolved_on) and row["closed_on"] == iso(s.closed_on)
            and row["delisted_on"] == iso(s.delisted_on) and row["approver"] == s.approver
            and row["batch_id"] == s.batch and row["taken_on"] == s.taken_on.isoformat())

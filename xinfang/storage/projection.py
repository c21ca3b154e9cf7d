"""A case's projection as data, and how it follows from the events.

Every case event's payload carries `changes`: what the action changed in the case's projection (the first
event, 登记, carries all of it). Folding the `changes` of a case's events in order gives the projection; `check`
compares that with the rows (case row, petitioners, clocks, repeat links, attachments). `Store.append_event`
computes `changes` itself, as the difference between the fold of the earlier events and the rows as they are
when the event is appended, so every action that appends an event records its effect without listing it.

The projection: every column of `cases` except the ledger bookkeeping, `updated_at`, `version` and `ended_at` (derived
from the events by a trigger, checked on its own: services/integrity.py); "petitioners" (list
of [kind, name, id_number, phone, address, role, anonymous, sex, birth] in order); "clocks" ({step: [trigger,
days, unit, roll_forward, extra_days, tolled_days, due, stopped_on]}); "repeats" ([[earlier case uuid, person,
similarity]]); "attachments" ([[filename, stored_path, sha256, size, added_at]])."""
from __future__ import annotations

import json
import sqlite3
from typing import Iterator

NOT_PROJECTED = frozenset({"id", "event_count", "head_hash", "updated_at", "ended_at", "version"})   # ended_at: derived (0039); version: concurrency (0058)
PETITIONER_COLS = "kind, name, id_number, phone, address, role, anonymous, sex, birth"
CLOCK_COLS = "step, trigger, days, unit, roll_forward, extra_days, tolled_days, due, stopped_on"
LISTS = ("petitioners", "repeats", "attachments")


_COLUMNS: dict[tuple, list[tuple[str, object]]] = {}


def case_columns(conn: sqlite3.Connection) -> list[tuple[str, object]]:
    """(column, default value) of the projected case columns, in table order (the defaults are worked out
    once per table shape: every registration asks)."""
    info = tuple(conn.execute("PRAGMA table_info(cases)").fetchall())
    hit = _COLUMNS.get(info)
    if hit is None:
        hit = [(name, _default(default)) for _cid, name, _type, _notnull, default, _pk in info
               if name not in NOT_PROJECTED]
        if len(_COLUMNS) > 16:
            _COLUMNS.clear()
        _COLUMNS[info] = hit
    return list(hit)


def _default(text):
    if text is None or text.upper() == "NULL":
        return None
    try:
        return json.loads(text.replace("'", '"')) if text.startswith("'") else int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text.strip("'")


def current(conn: sqlite3.Connection, row: int) -> dict:
    """The projection of one case as the rows hold it now."""
    cols = [c for c, _ in case_columns(conn)]
    values = conn.execute(f"SELECT {', '.join(cols)} FROM cases WHERE id = ?", (row,)).fetchone()
    out = dict(zip(cols, values))
    out["petitioners"] = [list(p) for p in conn.execute(
        f"SELECT {PETITIONER_COLS} FROM petitioners WHERE case_id = ? ORDER BY pos", (row,))]
    out["clocks"] = {c[0]: list(c[1:]) for c in conn.execute(
        f"SELECT {CLOCK_COLS} FROM clocks WHERE case_id = ?", (row,))}
    out["repeats"] = [list(r) for r in conn.execute(
        "SELECT c.uuid, r.person, r.similarity FROM repeats r JOIN cases c ON c.id = r.earlier_id "
        "WHERE r.case_id = ? ORDER BY c.uuid", (row,))]
    out["attachments"] = [list(a) for a in conn.execute(
        "SELECT filename, stored_path, sha256, size, added_at FROM attachments WHERE case_id = ? ORDER BY id",
        (row,))]
    return out


def fold(state: dict, changes: dict) -> dict:
    """Apply one event's `changes` to a projection (in place; returns it)."""
    for key, value in changes.items():
        if key == "clocks":
            state.setdefault("clocks", {}).update(value)
        else:
            state[key] = value
    return state


def replay(payloads: list[dict]) -> dict:
    state: dict = {}
    for p in payloads:
        ch = p.get("changes")
        if isinstance(ch, dict):
            fold(state, ch)
    return state


def diff(before: dict, after: dict) -> dict:
    """The `changes` that turn `before` into `after`."""
    out = {}
    for key, value in after.items():
        if key == "clocks":
            old = before.get("clocks", {})
            changed = {s: c for s, c in value.items() if old.get(s) != c}
            if changed:
                out["clocks"] = changed
        elif key not in before or before[key] != value:
            out[key] = value
    return out


def mismatches(replayed: dict, actual: dict, defaults: dict) -> list[str]:
    """Names of the parts where the rows differ from the replayed events. A column the events never set
    (added by a later migration) must still hold its default; lists the events never set must be empty."""
    out = []
    for key, value in actual.items():
        if key == "clocks":
            if replayed.get("clocks", {}) != value:
                out.append("clocks")
        elif key in replayed:
            if replayed[key] != value:
                out.append(key)
        elif key in LISTS:
            if value:
                out.append(key)
        elif value != defaults.get(key):
            out.append(key)
    return out


# ---- the whole table at once (check at 1M cases) ----------------------------------------------------------
def all_current(conn: sqlite3.Connection, ids: list[int] | None = None,
                between: tuple[int, int] | None = None) -> Iterator[tuple[int, dict]]:
    """(case id, projection) for every case in id order (merge of sorted cursors: no query per case); only
    `ids`, or only ids in the closed range `between`, when given."""
    if ids is not None:
        for cid in sorted(set(ids)):
            if conn.execute("SELECT 1 FROM cases WHERE id = ?", (cid,)).fetchone():
                yield cid, current(conn, cid)
        return
    lo, hi = between or (-(2 ** 63), 2 ** 63 - 1)
    cols = [c for c, _ in case_columns(conn)]
    cases = conn.execute(f"SELECT id, {', '.join(cols)} FROM cases WHERE id BETWEEN ? AND ? ORDER BY id", (lo, hi))
    pets = grouped(conn.execute(f"SELECT case_id, {PETITIONER_COLS} FROM petitioners "
                                 "WHERE case_id BETWEEN ? AND ? ORDER BY case_id, pos", (lo, hi)))
    clocks = grouped(conn.execute(f"SELECT case_id, {CLOCK_COLS} FROM clocks WHERE case_id BETWEEN ? AND ? "
                                   "ORDER BY case_id", (lo, hi)))
    reps = grouped(conn.execute("SELECT r.case_id, c.uuid, r.person, r.similarity FROM repeats r "
                                 "JOIN cases c ON c.id = r.earlier_id WHERE r.case_id BETWEEN ? AND ? "
                                 "ORDER BY r.case_id, c.uuid", (lo, hi)))
    atts = grouped(conn.execute("SELECT case_id, filename, stored_path, sha256, size, added_at FROM attachments "
                                 "WHERE case_id BETWEEN ? AND ? ORDER BY case_id, id", (lo, hi)))
    groups = [pets, clocks, reps, atts]
    heads = [next(g, None) for g in groups]
    while True:
        rows = cases.fetchmany(5000)
        if not rows:
            return
        for r in rows:
            cid = r[0]
            out = dict(zip(cols, r[1:]))
            parts = []
            for i, g in enumerate(groups):
                while heads[i] is not None and heads[i][0] < cid:
                    heads[i] = next(g, None)
                if heads[i] is not None and heads[i][0] == cid:
                    parts.append(heads[i][1])
                    heads[i] = next(g, None)
                else:
                    parts.append([])
            out["petitioners"] = [list(p) for p in parts[0]]
            out["clocks"] = {c[0]: list(c[1:]) for c in parts[1]}
            out["repeats"] = [list(x) for x in parts[2]]
            out["attachments"] = [list(x) for x in parts[3]]
            yield cid, out


def grouped(cur) -> Iterator[tuple[int, list]]:
    """Rows ordered by their first column as (key, [the rest of each row]) runs, read in chunks."""
    key, bucket = None, []
    while True:
        rows = cur.fetchmany(5000)
        if not rows:
            break
        for r in rows:
            if r[0] != key:
                if bucket:
                    yield key, bucket
                key, bucket = r[0], []
            bucket.append(r[1:])
    if bucket:
        yield key, bucket

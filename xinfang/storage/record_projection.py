"""The projection of the records other than cases whose events must state their whole effect: disputes and
the four small 积案 kinds (交办批次, 包案领导, 公开接访日, 不列为积案).

As for cases (storage/projection.py), each event of such a record carries `changes`: what the action changed
in the record's projection, worked out when the event is appended as the difference between the fold of the
earlier events and the rows as they are then. `check` folds a record's events and compares the result with
its rows (services/record_checks.py), so a field changed in a row alone is found.

The projection of a record is every column of its row except the ledger bookkeeping (`id`, `event_count`,
`head_hash`) and what changes on every write without being state (`updated_at`, an optimistic-concurrency
`version`), plus, for a dispute, its parties, mediators and 卷宗 documents as lists in their order.
A column added by a later migration, which older events never set, must hold its default; a list the events
never set must be empty. Records from before this format get a 建账 (baseline) event stating their
projection at the upgrade (migration 0052)."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator

from . import ledger

NOT_PROJECTED = frozenset({"id", "event_count", "head_hash", "updated_at", "version"})


@dataclass(frozen=True)
class Shape:
    kind: str
    table: str
    key: str                                   # the column naming the record in its chain (ledger.KINDS)
    lists: tuple[tuple[str, str, str], ...] = ()   # (name, table, columns); rows keyed by the record's id


SHAPES: dict[str, Shape] = {
    "dispute": Shape("dispute", "disputes", "uuid", (
        ("parties", "dispute_parties", "side, kind, name, id_number, phone, address, sex, birth, agent"),
        ("mediators", "dispute_mediators", "mediator_id"),
        ("documents", "dispute_documents", "kind, origin, filename, stored_path, sha256, size, added_at"))),
    "backlog_batch": Shape("backlog_batch", "backlog_batches", "name"),
    "leader": Shape("leader", "leaders", "name"),
    "reception": Shape("reception", "receptions", "uuid"),
    "backlog_dismissal": Shape("backlog_dismissal", "backlog_dismissals", "uuid"),
}
# dispute_mediators has no row id: its order is `pos`; the other lists are ordered by pos, then id
_ORDER = {"dispute_parties": "pos", "dispute_mediators": "pos", "dispute_documents": "id"}
_OWNER = {"dispute_parties": "dispute_id", "dispute_mediators": "dispute_id", "dispute_documents": "dispute_id"}
BASELINE_NOTE = "升级时的现状"


def columns(conn: sqlite3.Connection, table: str) -> list[tuple[str, object]]:
    """(column, default value) of the projected columns of a table, in table order."""
    from .projection import _default
    return [(name, _default(default)) for _cid, name, _type, _notnull, default, _pk
            in conn.execute(f"PRAGMA table_info({table})") if name not in NOT_PROJECTED]


def _list_value(row: tuple) -> object:
    return row[0] if len(row) == 1 else list(row)


def current(conn: sqlite3.Connection, kind_name: str, key: str) -> dict | None:
    """The projection of one record as its rows hold it now (None: no row)."""
    shape = SHAPES[kind_name]
    cols = [c for c, _ in columns(conn, shape.table)]
    row = conn.execute(f"SELECT id, {', '.join(cols)} FROM {shape.table} WHERE {shape.key} = ?", (key,)).fetchone()
    if row is None:
        return None
    out = dict(zip(cols, row[1:]))
    for name, table, cols_sql in shape.lists:
        out[name] = [_list_value(r) for r in conn.execute(
            f"SELECT {cols_sql} FROM {table} WHERE {_OWNER[table]} = ? ORDER BY {_ORDER[table]}", (row[0],))]
    return out


def replay(payloads: list[dict]) -> dict:
    """Fold the `changes` of a record's events, oldest first."""
    state: dict = {}
    for p in payloads:
        ch = p.get("changes") if isinstance(p, dict) else None
        if isinstance(ch, dict):
            state.update(ch)
    return state


def diff(before: dict, after: dict) -> dict:
    return {k: v for k, v in after.items() if k not in before or before[k] != v}


def _normal(value):
    """A value as it reads back from an event's JSON (tuples are lists)."""
    return json.loads(json.dumps(value, ensure_ascii=False))


def changes(conn: sqlite3.Connection, kind_name: str, key: str) -> dict:
    """What the rows of a record now hold that the fold of its earlier events does not: the `changes` of the
    event about to be appended (after the rows were written, in the same transaction)."""
    earlier = [json.loads(p) for (p,) in conn.execute(
        "SELECT payload FROM record_events WHERE kind = ? AND record = ? ORDER BY seq", (kind_name, key))]
    now = current(conn, kind_name, key)
    return {} if now is None else diff(replay(earlier), _normal(now))


def with_changes(conn: sqlite3.Connection, kind_name: str, key: str, payload: dict) -> dict:
    """The payload of an event of one of SHAPES' kinds, with its `changes`."""
    if kind_name not in SHAPES:
        return payload
    return dict(payload, changes=changes(conn, kind_name, key))


def mismatches(replayed: dict, actual: dict, defaults: dict) -> list[str]:
    """Names of the parts where the rows differ from the fold of the events (`actual` as `current` and
    `states` build it: plain values and lists of lists, as the events' JSON reads back)."""
    out = []
    for name, value in actual.items():
        if name in replayed:
            if replayed[name] != value:
                out.append(name)
        elif isinstance(value, list):
            if value:
                out.append(name)
        elif value != defaults.get(name):
            out.append(name)
    return out


def _fold_payloads(payloads) -> dict:
    state: dict = {}
    for payload in payloads:
        try:
            data = json.loads(payload)
        except ValueError:
            continue                                   # a broken payload is the chain check's finding
        ch = data.get("changes") if isinstance(data, dict) else None
        if isinstance(ch, dict):
            state.update(ch)
    return state


def states(conn: sqlite3.Connection, kind_name: str, keys: set[str] | None = None
           ) -> Iterator[tuple[str, dict | None, dict | None]]:
    """(key, fold of the record's events or None when it has none, its rows' projection or None when it has
    no row) for every record of a kind, or only `keys`; streamed in key order (rows and events are read side
    by side, one record at a time: 200,000 disputes never sit in memory at once)."""
    shape = SHAPES[kind_name]
    if keys is not None:
        for key in sorted(keys):
            payloads = [p for (p,) in conn.execute("SELECT payload FROM record_events WHERE kind = ? AND record = ? "
                                                  "ORDER BY seq", (kind_name, key))]
            yield key, (_fold_payloads(payloads) if payloads else None), current(conn, kind_name, key)
        return
    cols = [c for c, _ in columns(conn, shape.table)]
    rows = conn.execute(f"SELECT id, {shape.key}, {', '.join(cols)} FROM {shape.table} ORDER BY {shape.key}")
    events = conn.execute("SELECT record, payload FROM record_events WHERE kind = ? ORDER BY record, seq",
                          (kind_name,))
    row, ev = rows.fetchone(), events.fetchone()
    while row is not None or ev is not None:
        key = min(str(x) for x in ((row[1] if row else None), (ev[0] if ev else None)) if x is not None)
        payloads = []
        while ev is not None and ev[0] == key:
            payloads.append(ev[1])
            ev = events.fetchone()
        actual = None
        if row is not None and str(row[1]) == key:
            actual = dict(zip(cols, row[2:]))
            for name, table, cols_sql in shape.lists:
                actual[name] = [_list_value(r) for r in conn.execute(
                    f"SELECT {cols_sql} FROM {table} WHERE {_OWNER[table]} = ? ORDER BY {_ORDER[table]}", (row[0],))]
            row = rows.fetchone()
        yield key, (_fold_payloads(payloads) if payloads else None), actual


# ---- passwords -------------------------------------------------------------------------------------------
def password_digest(password_hash: str) -> str:
    """What a user's events say about the stored password hash: a digest of it (never the hash itself, so
    the event log gives nothing to an offline password attack that the accounts table does not)."""
    return hashlib.sha256(("xinfang-password|" + (password_hash or "")).encode("utf-8")).hexdigest()


# ---- the upgrade ----------------------------------------------------------------------------------------
def baseline(conn: sqlite3.Connection, now: datetime | None = None) -> int:
    """Migration 0052: each record of SHAPES' kinds whose events state no `changes` gets a 建账 event with its
    whole projection as it is now, and each account an event with the digest of its password hash; returns
    how many events were appended."""
    at = (now or datetime.now()).replace(microsecond=0)
    n = 0
    for kind_name in SHAPES:
        # the keys first (a cursor over record_events must not be open while events are appended)
        todo = [key for key, events, actual in states(conn, kind_name)
                if actual is not None and events is not None and not events]   # a row without events: chain check's
        for key in todo:
            ledger.append(conn, kind_name, key, ledger.BASELINE, at, at, "system",
                          {"changes": _normal(current(conn, kind_name, key)), "note": BASELINE_NOTE})
            n += 1
    for login, password_hash in conn.execute("SELECT a.login, a.password_hash FROM accounts a "
                                             "JOIN users u ON u.login = a.login ORDER BY a.login").fetchall():
        ledger.append(conn, "user", login, ledger.BASELINE, at, at, "system",
                      {"password": password_digest(password_hash), "note": BASELINE_NOTE})
        n += 1
    return n

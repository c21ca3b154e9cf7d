"""The ledger: every event of every record kind, chained database-wide (docs/ledger.md).

Each record (a case, a user, a setting, a backlog record …) has its own hash chain of events (`events` for
cases, `record_events` for every other kind). Each event, when appended, also gets the next entry of the
global `ledger`: a sequence number without gaps and a hash over the previous ledger hash and the event's own
hash. The record's row keeps its event count and the hash of its newest event (`event_count`, `head_hash`).
So deleting an event, a record or the newest events leaves a gap or a mismatch that `verify_*` reports; what a
writer with full access can still do is recompute everything from some point on — only an anchor
("SEQ:HASH" kept outside the PC) shows that.

Callers are inside a transaction (services wrap each user action in one); `append` and `chain` open one
themselves when they are not, so the ledger head is never read and extended by two writers at once."""
from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring as _quote   # json's own string quoting (C)
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Iterator

from ..domain.model import Event
from .db import transaction
from .dialect import dialect_of

GENESIS = "0" * 64
Progress = Callable[[int, int], Any]


@dataclass(frozen=True)
class Kind:
    """A record kind with events: its rows live in `table`, named by `key` (the row needs the columns
    `event_count INTEGER NOT NULL DEFAULT 0` and `head_hash TEXT NOT NULL DEFAULT ''`); its events in
    `events` (`record_events` for every kind but cases)."""
    name: str
    table: str
    key: str
    label: str                      # Chinese, for check reports
    events: str = "record_events"


# Every record kind with events. Another module adds one line here (and the two columns to its table).
KINDS: dict[str, Kind] = {
    "case": Kind("case", "cases", "uuid", "信访件", events="events"),
    "user": Kind("user", "users", "login", "用户"),
    "setting": Kind("setting", "settings", "key", "设置"),
    "backlog": Kind("backlog", "backlog_records", "uuid", "积案"),
    "backlog_batch": Kind("backlog_batch", "backlog_batches", "name", "交办批次"),
    "leader": Kind("leader", "leaders", "name", "包案领导"),
    "reception": Kind("reception", "receptions", "uuid", "公开接访日"),
    "backlog_dismissal": Kind("backlog_dismissal", "backlog_dismissals", "uuid", "不列为积案"),
    "dispute": Kind("dispute", "disputes", "uuid", "人民调解纠纷"),
    "demo_load": Kind("demo_load", "demo_loads", "uuid", "演示数据"),
    "digest_batch": Kind("digest_batch", "digest_batches", "uuid", "投影摘要批次"),
}


def kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown record kind {name!r}; add it to storage.ledger.KINDS") from None


def _iso(value: date | datetime | str) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def event_hash(prev_hash: str, record: str, seq: int, action: str, at: str, recorded_at: str,
               actor: str, payload: str) -> str:
    """The hash of one event in its record's chain (cases: record = the case uuid): sha256 of
    json.dumps([prev_hash, record, seq, …, payload], ensure_ascii=False, separators=(",", ":"))."""
    try:
        if type(seq) is not int:
            raise TypeError
        # the same text json.dumps writes, without building an encoder per call (check hashes millions)
        body = (f"[{_quote(prev_hash)},{_quote(record)},{seq},{_quote(action)},{_quote(at)},"
                f"{_quote(recorded_at)},{_quote(actor)},{_quote(payload)}]")
    except TypeError:                                   # not all text: json.dumps itself
        body = json.dumps([prev_hash, record, seq, action, at, recorded_at, actor, payload],
                          ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def chain_key(kind_name: str, record: str) -> str:
    """What an event hash names its record by: the case uuid, or "kind/key" for other kinds."""
    return record if kind_name == "case" else f"{kind_name}/{record}"


def ledger_hash(prev: str, seq: int, kind_name: str, event_id: int, ev_hash: str) -> str:
    return hashlib.sha256(f"{prev}|{seq}|{kind_name}|{event_id}|{ev_hash}".encode()).hexdigest()


def payload_text(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


# ---- writing -------------------------------------------------------------------------------------------
def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(sequence, hash) of the newest ledger entry; (0, GENESIS) when empty."""
    row = conn.execute("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def serialise(conn: sqlite3.Connection) -> None:
    """Wait until no other transaction is appending to the ledger, and keep it so until this one ends. On a
    server, concurrent actions would otherwise read the same head (docs/postgres.md §6); taken right before
    the event row is written, it also keeps event ids in ledger order, which verify.py relies on. SQLite's
    write lock (BEGIN IMMEDIATE) does this already. Call inside the transaction; taking it again is free."""
    if dialect_of(conn).server:
        conn.execute("SELECT pg_advisory_xact_lock(119182731994482)")     # a fixed key: "ledger" in ASCII


def chain(conn: sqlite3.Connection, kind_name: str, event_id: int, ev_hash: str) -> tuple[int, str]:
    """Append one event (already written to its kind's event table) to the global ledger."""
    with transaction(conn):
        serialise(conn)
        seq, prev = head(conn)
        seq += 1
        h = ledger_hash(prev, seq, kind_name, event_id, ev_hash)
        conn.execute("INSERT INTO ledger(seq, kind, event_id, hash) VALUES (?, ?, ?, ?)",
                     (seq, kind_name, event_id, h))
    return seq, h


def chain_many(conn: sqlite3.Connection, kind_name: str, rows: Iterator[tuple[int, str]]) -> int:
    """Append many (event_id, event_hash) in their order (bulk loads); returns how many."""
    serialise(conn)
    seq, prev = head(conn)
    out: list[tuple] = []
    n = 0
    for event_id, ev_hash in rows:
        seq += 1
        prev = ledger_hash(prev, seq, kind_name, event_id, ev_hash)
        out.append((seq, kind_name, event_id, prev))
        if len(out) >= 50_000:
            conn.executemany("INSERT INTO ledger(seq, kind, event_id, hash) VALUES (?, ?, ?, ?)", out)
            n += len(out)
            out.clear()
    conn.executemany("INSERT INTO ledger(seq, kind, event_id, hash) VALUES (?, ?, ?, ?)", out)
    return n + len(out)


def chain_case_events_after(conn: sqlite3.Connection, event_id: int) -> int:
    """Chain every case event with id > event_id (written by a bulk load in this transaction)."""
    cur = conn.execute("SELECT id, hash FROM events WHERE id > ? ORDER BY id", (event_id,))
    return chain_many(conn, "case", iter(lambda: cur.fetchone(), None))


def append(conn: sqlite3.Connection, kind_name: str, record: str, action: str, at: date | datetime | str,
           recorded_at: datetime | str, actor: str, payload: dict) -> Event:
    """Append an event to a record of a kind other than cases (which use `Store.append_event`): its own
    chain in `record_events`, the global ledger, and the record row's count and head (the row must exist;
    insert it first, in the same transaction)."""
    k = kind(kind_name)
    if k.events != "record_events":
        raise ValueError(f"{kind_name} events are appended by their own store")
    body = payload_text(payload)
    at_s, rec_s = _iso(at), _iso(recorded_at)
    with transaction(conn):
        serialise(conn)
        last = conn.execute("SELECT seq, hash FROM record_events WHERE kind = ? AND record = ? "
                            "ORDER BY seq DESC LIMIT 1", (kind_name, record)).fetchone()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        h = event_hash(prev, chain_key(kind_name, record), seq, action, at_s, rec_s, actor, body)
        cur = conn.execute(
            "INSERT INTO record_events(kind, record, seq, action, at, recorded_at, actor, payload, prev_hash, hash) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)", (kind_name, record, seq, action, at_s, rec_s, actor, body, prev, h))
        chain(conn, kind_name, cur.lastrowid, h)
        updated = conn.execute(f"UPDATE {k.table} SET event_count = ?, head_hash = ? WHERE {k.key} = ?",
                               (seq, h, record)).rowcount
        if updated != 1:
            raise ValueError(f"no {k.table} row {record!r} for its event; insert the row first")
    return Event(record, seq, action, _parse(at_s), _parse(rec_s), actor, payload, prev, h)


def _parse(text: str):
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return text


def record_events(conn: sqlite3.Connection, kind_name: str, record: str) -> list[Event]:
    """The events of one record of a non-case kind, oldest first."""
    return [Event(record, s, a, _parse(at), _parse(rec), actor, json.loads(p), prev, h)
            for s, a, at, rec, actor, p, prev, h in conn.execute(
                "SELECT seq, action, at, recorded_at, actor, payload, prev_hash, hash FROM record_events "
                "WHERE kind = ? AND record = ? ORDER BY seq", (kind_name, record))]


def backfill(conn: sqlite3.Connection) -> None:
    """Migration to version 2: chain the case events already written (in the order they were written),
    record each case's count and head, and give every existing user and setting a first event that states
    its value at the upgrade (they had no events before)."""
    chain_case_events_after(conn, 0)
    conn.execute("UPDATE cases SET event_count = (SELECT count(*) FROM events e WHERE e.case_id = cases.id), "
                 "head_hash = coalesce((SELECT hash FROM events e WHERE e.case_id = cases.id "
                 "ORDER BY seq DESC LIMIT 1), '')")
    now = datetime.now().replace(microsecond=0)
    for login, name, roles in conn.execute("SELECT login, name, roles FROM users ORDER BY login").fetchall():
        append(conn, "user", login, "baseline", now, now, "system", {"name": name, "roles": roles})
    for key, value in conn.execute("SELECT key, value FROM settings ORDER BY key").fetchall():
        append(conn, "setting", key, "baseline", now, now, "system", {"value": json.loads(value)})


BASELINE = "baseline"


def baseline_cases(conn: sqlite3.Connection) -> int:
    """Give each case whose 登记 event carries no `changes` a 建账 event with its whole projection as it is now
    (cases from before events recorded their effect); returns how many."""
    from . import projection
    ids = [r[0] for r in conn.execute(
        "SELECT c.id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.id AND e.seq = 1 "
        "AND instr(e.payload, '\"changes\": {') > 0) ORDER BY c.id")]
    if not ids:
        return 0
    now = _iso(datetime.now().replace(microsecond=0))
    for cid, state in projection.all_current(conn, ids):
        uuid, seq, prev = conn.execute("SELECT uuid, event_count, head_hash FROM cases WHERE id = ?", (cid,)).fetchone()
        seq, prev = seq + 1, prev or GENESIS
        body = payload_text({"changes": state, "note": "升级时的现状"})
        h = event_hash(prev, uuid, seq, BASELINE, now, now, "system", body)
        cur = conn.execute("INSERT INTO events(case_id, seq, action, at, recorded_at, actor, payload, prev_hash, hash) "
                           "VALUES (?,?,?,?,?,?,?,?,?)", (cid, seq, BASELINE, now, now, "system", body, prev, h))
        chain(conn, "case", cur.lastrowid, h)
        conn.execute("UPDATE cases SET event_count = ?, head_hash = ? WHERE id = ?", (seq, h, cid))
    return len(ids)

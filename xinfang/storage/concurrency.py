"""Many writers on one database (issue 12 §2): numbers from counter rows, and optimistic versions.

Both work inside the caller's transaction and are engine-neutral SQL. On SQLite the write lock of
`BEGIN IMMEDIATE` already serialises writers; on a server the counter's row lock (held to commit) keeps
numbers unique, and the version `UPDATE … WHERE version = ?` both checks and locks the record's row, so
of two actions on one record the later one finds the version moved and is refused."""
from __future__ import annotations

from typing import Any, Sequence

from ..domain.problems import StaleRecord

_NEXT = ("INSERT INTO number_counters(kind, scope, year, seq) VALUES (?, ?, ?, 1) "
         "ON CONFLICT(kind, scope, year) DO UPDATE SET seq = number_counters.seq + 1 RETURNING seq")

# the tables whose rows carry a version, and their key column
VERSIONED = {"cases": "id", "disputes": "id", "backlog_records": "id"}


def next_number(conn: Any, kind: str, scope: str, year: int, highest_used_sql: str, params: Sequence) -> int:
    """The next sequence number of (kind, scope, year), taken from its counter row. `highest_used_sql` reads the
    highest number the records themselves hold: rows written without the counter (a bulk demo load, a database
    copied in) must never make a registration fail on a duplicate, so the counter then jumps past them."""
    seq = conn.execute(_NEXT, (kind, scope, year)).fetchone()[0]
    used = conn.execute(highest_used_sql, params).fetchone()[0] or 0
    if used >= seq:
        seq = used + 1
        conn.execute("UPDATE number_counters SET seq = ? WHERE kind = ? AND scope = ? AND year = ?",
                     (seq, kind, scope, year))
    return seq


def claim(conn: Any, table: str, row: int, version: int) -> int:
    """Start changing a record that its user read at `version`: the version goes up by one, or, when someone
    else changed the record since, StaleRecord ("本件已被他人更新，请刷新后重试") and nothing is written.
    Returns the new version."""
    key = VERSIONED[table]
    if conn.execute(f"UPDATE {table} SET version = version + 1 WHERE {key} = ? AND version = ?",
                    (row, int(version))).rowcount != 1:
        raise StaleRecord()
    return int(version) + 1


def bump(conn: Any, table: str, row: int) -> None:
    """A change that needs no user's reading (a 期限重算 after a holiday import): the version goes up, so a
    user who read the record before is refused and sees the new state."""
    conn.execute(f"UPDATE {table} SET version = version + 1 WHERE {VERSIONED[table]} = ?", (row,))

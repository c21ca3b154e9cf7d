"""Removing demo cases from a database whose events are append-only and chained (清除演示数据, issue 11 §3).

The ledger is never touched: its entries for the removed events stay, and each removed event leaves its hash in
`purged_events` (which is itself append-only). So the global chain still verifies from its first entry, an anchor
written down before the removal still checks, and `check` can tell a sanctioned removal — recorded as a 清除
event of a `demo_loads` record, with a tombstone per event — from a deletion behind the program's back.

The append-only triggers on `events` and `record_events` are dropped and re-created (exactly as shipped) inside
the caller's transaction: nothing else can write in between, and a failure rolls the whole removal back. On a
PostgreSQL server they are disabled and enabled again inside the transaction (`ALTER TABLE … DISABLE TRIGGER`,
transactional there too; it holds the tables' lock until the commit, so no other seat writes or reads events
meanwhile, and it needs the tables' owner, which the program's own account is)."""
from __future__ import annotations

import json
import sqlite3
from typing import Iterable, Sequence

from . import bulk
from .dialect import dialect_of
from .verify import trigger_sql

# What a kept demo case is referenced by (rows the demo generator never writes), in the office's words.
_REFERENCES = (
    ("SELECT earlier_id FROM repeats WHERE earlier_id IN {_IDS} "
     "AND case_id NOT IN {_IDS}", "正式登记的信访件把它作为重复件的原件"),
    ("SELECT case_id FROM backlog_records WHERE case_id IN {_IDS}", "已列为积案"),
    ("SELECT case_id FROM backlog_dismissals WHERE case_id IN {_IDS}", "有“不列为积案”记录"),
    ("SELECT case_id FROM notices WHERE case_id IN {_IDS}", "已出具告知书或意见书"),
    ("SELECT petition FROM disputes WHERE petition IN {_IDS}", "人民调解纠纷引用了它"),
    ("SELECT case_id FROM attachments WHERE case_id IN {_IDS}", "有用户添加的附件"),
)


_IDS = "(SELECT value FROM json_each(:ids))"      # the id set, bound as one JSON array (no temp table: a
                                                    # read-only connection may look without writing anything)
_SERVER_IDS = "(SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST(:ids AS json)))"


def _ids_sql(conn) -> str:
    return _SERVER_IDS if dialect_of(conn).server else _IDS


def _ids(ids: Iterable[int]) -> dict:
    return {"ids": json.dumps([int(i) for i in ids])}


def cases_registered_by(conn: sqlite3.Connection, logins: Sequence[str]) -> list[int]:
    """Ids of the cases whose 登记 was recorded by one of `logins`, in id order."""
    if not logins:
        return []
    marks = ", ".join("?" * len(logins))
    return [r[0] for r in conn.execute(f"SELECT id FROM cases WHERE registered_by IN ({marks}) ORDER BY id",
                                       tuple(logins))]


def referenced(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    """Which of `ids` rows outside the set refer to (so removing them would damage real records): id → reasons."""
    out: dict[int, list[str]] = {}
    bound = _ids(ids)
    for sql, reason in _REFERENCES:
        for (cid,) in conn.execute(sql.format(_IDS=_ids_sql(conn)), bound):
            reasons = out.setdefault(cid, [])
            if reason not in reasons:
                reasons.append(reason)
    return out


def acted_on_by_others(conn: sqlite3.Connection, ids: Sequence[int], logins: Sequence[str]) -> int:
    """How many of `ids` have events by someone other than `logins` (a user practised on a demo case)."""
    marks = ", ".join(f":l{i}" for i in range(len(logins))) or "''"
    return conn.execute(f"SELECT count(DISTINCT case_id) FROM events WHERE case_id IN {_ids_sql(conn)} "
                        f"AND actor NOT IN ({marks})",
                        dict(_ids(ids), **{f"l{i}": x for i, x in enumerate(logins)})).fetchone()[0]


def numbers(conn: sqlite3.Connection, ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """(id, number, uuid) of `ids`, in id order."""
    return conn.execute(f"SELECT id, number, uuid FROM cases WHERE id IN {_ids_sql(conn)} ORDER BY id",
                        _ids(ids)).fetchall()


def unused_logins(conn: sqlite3.Connection, logins: Sequence[str]) -> list[str]:
    """Those of `logins` that nothing refers to any more: no event or record event by them (other than their
    own account's), no case registered by them, no password account, no 包案领导 linked to them."""
    out = []
    for login in logins:
        used = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM events WHERE actor = :l) "
            "OR EXISTS (SELECT 1 FROM record_events WHERE actor = :l AND NOT (kind = 'user' AND record = :l)) "
            "OR EXISTS (SELECT 1 FROM cases WHERE registered_by = :l) "
            "OR EXISTS (SELECT 1 FROM accounts WHERE login = :l) "
            "OR EXISTS (SELECT 1 FROM leaders WHERE login = :l)", {"l": login}).fetchone()[0]
        if not used and conn.execute("SELECT 1 FROM users WHERE login = ?", (login,)).fetchone():
            out.append(login)
    return out


def remove_cases(conn: sqlite3.Connection, ids: Sequence[int], purge: str, logins: Sequence[str] = ()) -> dict:
    """Remove the cases `ids` (with their events, petitioners, clocks and repeat links), then those user rows of
    `logins` that nothing refers to any more, leaving a tombstone (ledger kind, event id, hash, `purge`) for every
    removed event; then rebuild the search index. Runs inside the caller's transaction. Returns the counts
    removed and "logins" (the accounts removed)."""
    if not conn.in_transaction:
        raise RuntimeError("remove_cases must run inside a transaction")
    bound = _ids(ids)
    counts = {}
    server = dialect_of(conn).server
    id_set = _ids_sql(conn)
    names = ("events_no_delete", "record_events_no_delete")
    for name in names:
        conn.execute(f"ALTER TABLE {name.removesuffix('_no_delete')} DISABLE TRIGGER {name}" if server
                     else f"DROP TRIGGER {name}")
    conn.execute(f"INSERT INTO purged_events(kind, event_id, hash, purge) SELECT 'case', id, hash, :purge "
                 f"FROM events WHERE case_id IN {id_set} ORDER BY id", dict(bound, purge=purge))
    # a contentless FTS5 index cannot drop one document without its exact text, and a server's index rows
    # refer to their cases: empty it first, rebuild it from the rows kept at the end (the same on both engines)
    bulk.clear_search(conn)
    for key, sql in (("events", "DELETE FROM events WHERE case_id IN {}"),
                     ("petitioners", "DELETE FROM petitioners WHERE case_id IN {}"),
                     ("clocks", "DELETE FROM clocks WHERE case_id IN {}"),
                     ("repeats", "DELETE FROM repeats WHERE case_id IN {}"),
                     ("cases", "DELETE FROM cases WHERE id IN {}")):
        counts[key] = conn.execute(sql.format(id_set), bound).rowcount
    users = 0
    dropped = unused_logins(conn, logins)
    for login in dropped:
        conn.execute("INSERT INTO purged_events(kind, event_id, hash, purge) SELECT 'user', id, hash, ? "
                     "FROM record_events WHERE kind = 'user' AND record = ? ORDER BY id", (purge, login))
        conn.execute("DELETE FROM record_events WHERE kind = 'user' AND record = ?", (login,))
        users += conn.execute("DELETE FROM users WHERE login = ?", (login,)).rowcount
    counts["users"] = users
    counts["logins"] = dropped
    counts["tombstones"] = conn.execute("SELECT count(*) FROM purged_events WHERE purge = ?", (purge,)).fetchone()[0]
    for name in names:
        conn.execute(f"ALTER TABLE {name.removesuffix('_no_delete')} ENABLE TRIGGER {name}" if server
                     else trigger_sql(name))
    last = 0
    while True:
        rows = bulk.search_rows(conn, last, 10_000)
        if not rows:
            break
        bulk.index_cases(conn, rows)
        last = rows[-1][0]
    return counts


# ---- the generator's records (table demo_loads, ledger kind "demo_load") ----------------------------------
def clerk_rows(conn: sqlite3.Connection, logins: Sequence[str]) -> dict[str, tuple[str, bool]]:
    """login → (name, has a password account) for those of `logins` that are users."""
    out = {}
    for login in logins:
        row = conn.execute("SELECT u.name, a.login IS NOT NULL FROM users u LEFT JOIN accounts a ON a.login = u.login "
                           "WHERE u.login = ?", (login,)).fetchone()
        if row:
            out[login] = (row[0], bool(row[1]))
    return out


def loads(conn: sqlite3.Connection) -> list[tuple]:
    """(uuid, seed, first_case_id, last_case_id, cases, created_at, purged_at), oldest first."""
    # in the order written: SQLite's rowid; a server has none, and a later load starts at a higher case id
    then = "first_case_id" if dialect_of(conn).server else "rowid"
    return conn.execute("SELECT uuid, seed, first_case_id, last_case_id, cases, created_at, purged_at "
                        f"FROM demo_loads ORDER BY created_at, {then}").fetchall()


def insert_load(conn: sqlite3.Connection, key: str, seed: int | None, first_id: int, last_id: int, cases: int,
                created_at: str) -> None:
    conn.execute("INSERT INTO demo_loads(uuid, seed, first_case_id, last_case_id, cases, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)", (key, seed, first_id, last_id, cases, created_at))


def mark_purged(conn: sqlite3.Connection, at: str) -> int:
    return conn.execute("UPDATE demo_loads SET purged_at = ? WHERE purged_at IS NULL", (at,)).rowcount

"""Bulk loading: many cases at once (demo data, large imports). Storage is the only layer with SQL.

Rows arrive as plain tuples in the column orders below, already complete (ids, hash-chained events, clocks,
next_due). Callers wrap a load in `bulk_mode(conn)`; inside it every `insert_*` is one `executemany`, and the
caller commits with `commit_every` granularity via `begin()` / `commit()`.

`bulk_mode` on an EMPTY database (no cases yet) also drops the secondary indexes of the case tables and
recreates them at the end (one sorted build per index is much cheaper than a million random inserts) and turns
foreign-key checks off (the rows are generated consistent; `foreign_key_problems` checks them when wanted).
The journal stays WAL — a kill at any moment loses at most the batch being written, never the file — and only
`synchronous` is relaxed to NORMAL, which WAL makes safe against corruption (a power cut may lose the last
batches, not damage the file). All of it is restored on exit, also after an error. The index definitions
are kept in `meta` while they are dropped, so a load killed half-way gets them back the next time the
database is opened (`db.restore_pending_indexes`).

The search index (FTS5 table `case_search`) is built after the rows, in batches, with exactly the documents
`Store.index_case` writes (`search.document`): `search_rows` reads what the document needs, `documents` makes
the FTS rows (pure, so it may run in another process) and `insert_search` writes them.

Rows made in other processes travel through transport files (`transport_create` / `transport_insert` /
`transport_close` in the worker, `copy_transport` in the main process).
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from typing import Iterable, Iterator, Sequence

from . import ledger, search
from .db import PENDING_INDEXES_KEY as _PENDING_KEY, restore_pending_indexes
from .dialect import dialect_of
from .store import SEARCH_INSERT as _SQL_SEARCH

CASE_COLUMNS = (
    "id", "uuid", "number", "office", "year", "seq", "channel", "work_order_no", "received_at", "registered_at",
    "registered_by", "purpose", "category", "place", "place_code", "summary", "content", "demands", "headcount",
    "collective", "reception_leader", "public_reception", "caused_by", "accused_unit", "legal_status",
    "petitioner_names", "status", "disposition", "handling_unit", "restricted", "repeat_of", "no_longer_candidate",
    "outcome", "rating", "closure_reason", "closed_at", "next_due", "next_step", "route", "updated_at",
    "event_count", "head_hash", "reached_level", "irregular", "irregular_note",
)
PETITIONER_COLUMNS = ("case_id", "pos", "kind", "name", "id_number", "phone", "address", "role", "anonymous",
                      "sex", "birth")
CLOCK_COLUMNS = ("case_id", "step", "trigger", "days", "unit", "roll_forward", "extra_days", "tolled_days", "due",
                 "stopped_on")
EVENT_COLUMNS = ("case_id", "seq", "action", "at", "recorded_at", "actor", "payload", "prev_hash", "hash")
REPEAT_COLUMNS = ("case_id", "earlier_id", "person", "similarity")

BULK_TABLES = ("cases", "petitioners", "clocks", "events", "repeats")
# synchronous during a load: NORMAL is safe with WAL (bench/bench_bulk.py measures what OFF would gain)
BULK_SYNCHRONOUS = "NORMAL"


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table}({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


_SQL_CASES = _insert_sql("cases", CASE_COLUMNS)
_SQL_PETITIONERS = _insert_sql("petitioners", PETITIONER_COLUMNS)
_SQL_CLOCKS = _insert_sql("clocks", CLOCK_COLUMNS)
_SQL_EVENTS = _insert_sql("events", EVENT_COLUMNS)
_SQL_REPEATS = _insert_sql("repeats", REPEAT_COLUMNS)


# ---- reading what a load needs ----------------------------------------------------------------------
def case_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM cases").fetchone()[0]


def max_case_id(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(id), 0) FROM cases").fetchone()[0]


def max_seqs(conn: sqlite3.Connection, office: str) -> dict[int, int]:
    """Highest case sequence number per year for an office (numbers continue after existing cases)."""
    return dict(conn.execute("SELECT year, max(seq) FROM cases WHERE office = ? GROUP BY year", (office,)))


def known_users(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT login FROM users")}


# ---- bulk mode ---------------------------------------------------------------------------------------
def _secondary_indexes(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    marks = ",".join("?" * len(BULK_TABLES))
    return conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks}) "
        "ORDER BY name", BULK_TABLES).fetchall()


def _pragma(conn: sqlite3.Connection, name: str):
    return conn.execute(f"PRAGMA {name}").fetchone()[0]


@contextmanager
def bulk_mode(conn: sqlite3.Connection, drop_indexes: bool | None = None, cache_mb: int = 512) -> Iterator[dict]:
    """Fast settings for a bulk load; everything restored on exit. `drop_indexes=None`: only on an empty
    database. The journal mode is never changed.

    Yields a dict: {"dropped": [...index names], "journal": mode used, "seconds_indexes": set on exit}."""
    import time

    if conn.in_transaction:
        raise RuntimeError("bulk_mode must start outside a transaction")
    if _server(conn):
        # a server has no pragmas to relax and other seats may be working: its indexes stay; COPY is the speed
        yield {"dropped": [], "journal": "", "seconds_indexes": 0.0}
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        return
    restore_pending_indexes(conn)
    empty = case_count(conn) == 0
    if drop_indexes is None:
        drop_indexes = empty
    saved = {k: _pragma(conn, k) for k in ("synchronous", "foreign_keys", "cache_size", "journal_mode")}
    info: dict = {"dropped": [], "journal": saved["journal_mode"], "seconds_indexes": 0.0}
    if int(saved["synchronous"]) > 1:
        conn.execute(f"PRAGMA synchronous = {BULK_SYNCHRONOUS}")
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(f"PRAGMA cache_size = {-1024 * cache_mb}")
    dropped: list[tuple[str, str]] = []
    try:
        if drop_indexes:
            dropped = _secondary_indexes(conn)
            begin(conn)
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                         (_PENDING_KEY, json.dumps(dropped, ensure_ascii=False)))
            for name, _sql in dropped:
                conn.execute(f"DROP INDEX {name}")
            commit(conn)
            info["dropped"] = [n for n, _ in dropped]
        yield info
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        t0 = time.perf_counter()
        if dropped:
            restore_pending_indexes(conn)
        info["seconds_indexes"] = time.perf_counter() - t0
        conn.execute(f"PRAGMA cache_size = {saved['cache_size']}")
        conn.execute(f"PRAGMA foreign_keys = {saved['foreign_keys']}")
        conn.execute(f"PRAGMA synchronous = {saved['synchronous']}")


def begin(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")


def commit(conn: sqlite3.Connection) -> None:
    conn.execute("COMMIT")


def rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


# ---- inserting ---------------------------------------------------------------------------------------
def _server(conn) -> bool:
    return dialect_of(conn).server


def _insert(conn, table: str, columns: Sequence[str], sql: str, rows: Iterable[tuple]) -> None:
    """executemany on SQLite; COPY on a server (pg/copying.py)."""
    if _server(conn):
        from .pg import copying
        copying.copy_rows(conn.raw, table, columns, rows)
    else:
        conn.executemany(sql, rows)


def insert_cases(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    _insert(conn, "cases", CASE_COLUMNS, _SQL_CASES, rows)
    if _server(conn):         # the rows bring their ids: the identity continues after them (SQLite's max + 1)
        conn.execute("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))")


def insert_petitioners(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    _insert(conn, "petitioners", PETITIONER_COLUMNS, _SQL_PETITIONERS, rows)


def insert_clocks(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    _insert(conn, "clocks", CLOCK_COLUMNS, _SQL_CLOCKS, rows)


def insert_events(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """Insert case events and chain them into the ledger, in the caller's transaction."""
    ledger.serialise(conn)                 # a server: no other writer appends between the rows and their entries
    before = _max_event_id(conn)
    _insert(conn, "events", EVENT_COLUMNS, _SQL_EVENTS, rows)
    ledger.chain_case_events_after(conn, before)


def _max_event_id(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]


def insert_repeats(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    _insert(conn, "repeats", REPEAT_COLUMNS, _SQL_REPEATS, rows)


# ---- transport files: rows generated in other processes ------------------------------------------------
# A worker process writes its share into a small SQLite file of its own (the five tables without keys,
# indexes or constraints, no journal, no fsync); the main process copies it with `INSERT … SELECT` (C speed,
# no Python per row) and deletes it. Rows keep their order, so the rowids (`events.id`, `petitioners.id`)
# are the same as when inserting directly.
_TRANSPORT = (("cases", CASE_COLUMNS), ("petitioners", PETITIONER_COLUMNS), ("clocks", CLOCK_COLUMNS),
              ("events", EVENT_COLUMNS), ("repeats", REPEAT_COLUMNS))


def transport_create(path: str) -> sqlite3.Connection:
    """A new transport file at `path` (replaced if present), open in a transaction; fill it with
    `transport_insert`, finish with `transport_close`."""
    import os

    for suffix in ("", "-journal"):
        try:
            os.unlink(path + suffix)
        except FileNotFoundError:
            pass
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -65536")
    for table, columns in _TRANSPORT:
        conn.execute(f"CREATE TABLE {table}({', '.join(columns)})")
    conn.execute("BEGIN")
    return conn


def transport_insert(conn: sqlite3.Connection, cases: Iterable[tuple], petitioners: Iterable[tuple],
                     clocks: Iterable[tuple], events: Iterable[tuple], repeats: Iterable[tuple]) -> None:
    for (table, columns), rows in zip(_TRANSPORT, (cases, petitioners, clocks, events, repeats)):
        conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(columns))})", rows)


def transport_close(conn: sqlite3.Connection) -> None:
    conn.execute("COMMIT")
    conn.close()


def copy_transport(conn: sqlite3.Connection, path: str) -> None:
    """Append the rows of a transport file to the database, in their order, as one transaction
    (`conn` outside a transaction: ATTACH needs that); the file is deleted afterwards."""
    import os

    if _server(conn):
        _copy_transport_to_server(conn, path)
        os.unlink(path)
        return
    conn.execute("ATTACH DATABASE ? AS transport", (path,))
    try:
        begin(conn)
        try:
            before = _max_event_id(conn)
            for table, columns in _TRANSPORT:
                cols = ", ".join(columns)
                conn.execute(f"INSERT INTO main.{table}({cols}) SELECT {cols} FROM transport.{table} ORDER BY rowid")
            ledger.chain_case_events_after(conn, before)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        commit(conn)
    finally:
        conn.execute("DETACH DATABASE transport")
    os.unlink(path)


def _copy_transport_to_server(conn, path: str) -> None:
    """A transport file's rows into a server (COPY, table by table in row order), as one transaction."""
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        begin(conn)
        try:
            ledger.serialise(conn)
            before = _max_event_id(conn)
            for table, columns in _TRANSPORT:
                cursor = source.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid")
                rows = (row for chunk in iter(lambda: cursor.fetchmany(5_000), []) for row in chunk)
                if table == "cases":
                    insert_cases(conn, rows)
                else:
                    _insert(conn, table, columns, "", rows)
            ledger.chain_case_events_after(conn, before)
        except BaseException:
            rollback(conn)
            raise
        commit(conn)
    finally:
        source.close()


def insert_users(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, str, str]]) -> None:
    """(login, name, roles, created_at); existing logins are kept, a new one gets its first event."""
    for login, name, roles, created_at in rows:
        if conn.execute("INSERT OR IGNORE INTO users(login, name, roles, created_at) VALUES (?, ?, ?, ?)",
                        (login, name, roles, created_at)).rowcount:
            ledger.append(conn, "user", login, "create", created_at, created_at, login, {"name": name, "roles": roles})


# ---- search index ------------------------------------------------------------------------------------
def search_rows(conn: sqlite3.Connection, after_id: int, limit: int) -> list[tuple]:
    """What the search document of cases with id > after_id needs, in id order:
    (id, number, names, ids, body_parts) — the same inputs `Store.index_case` gives `search.document`."""
    cases = conn.execute(
        "SELECT id, number, work_order_no, summary, content, demands, place, category FROM cases "
        "WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit)).fetchall()
    if not cases:
        return []
    lo, hi = cases[0][0], cases[-1][0]
    people: dict[int, list[tuple[str, str, str]]] = {}
    for case_id, name, id_number, phone in conn.execute(
            "SELECT case_id, name, id_number, phone FROM petitioners WHERE case_id BETWEEN ? AND ? "
            "ORDER BY case_id, pos", (lo, hi)):
        people.setdefault(case_id, []).append((name, id_number, phone))
    out = []
    for cid, number, work_order, summary, content, demands, place, category in cases:
        ps = people.get(cid, [])
        out.append((cid, number, [p[0] for p in ps],
                    [x for p in ps for x in (p[1], p[2]) if x] + [work_order],
                    [summary, content, demands, place, category]))
    return out


def documents(rows: Sequence[tuple]) -> list[tuple]:
    """FTS rows (rowid, *search.COLUMNS) for `search_rows` output; pure."""
    return [(cid, *search.document(number, names, ids, body)) for cid, number, names, ids, body in rows]


def server_documents(rows: Sequence[tuple]):
    """The server's search rows for `search_rows` output (pg/copying.search_documents); pure."""
    from .pg import copying
    return copying.search_documents(rows)


def documents_for(conn):
    """The pure document maker of this connection's engine (`documents` or `server_documents`)."""
    return server_documents if _server(conn) else documents


def insert_search(conn: sqlite3.Connection, docs) -> None:
    """Write what `documents_for(conn)` made."""
    if _server(conn):
        from .pg import copying
        copying.copy_search(conn.raw, docs)
    else:
        conn.executemany(_SQL_SEARCH, docs)


def index_cases(conn, rows: Sequence[tuple]) -> None:
    """Index `search_rows` output on either engine, in the caller's transaction."""
    insert_search(conn, documents_for(conn)(rows))


def clear_search(conn: sqlite3.Connection) -> None:
    """Empty the search index (contentless FTS5: 'delete-all'), inside the caller's transaction."""
    if _server(conn):
        conn.execute("DELETE FROM case_search")
    else:
        conn.execute("INSERT INTO case_search(case_search) VALUES ('delete-all')")


def search_optimize(conn: sqlite3.Connection) -> None:
    """Merge the FTS segments into one (after a large build: fewer segments, faster queries); a server's
    indexes need nothing."""
    if not _server(conn):
        conn.execute("INSERT INTO case_search(case_search) VALUES ('optimize')")


def foreign_key_problems(conn: sqlite3.Connection, limit: int = 20) -> list[tuple]:
    return conn.execute(f"SELECT * FROM pragma_foreign_key_check LIMIT {int(limit)}").fetchall()

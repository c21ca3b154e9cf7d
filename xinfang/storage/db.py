"""Opening a database: pragmas, migrations, backups before upgrading, one transaction per action."""
from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from ..domain.problems import DomainError
from .dialect import dialect_of

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def migrations() -> list[tuple[int, Path]]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        found.append((int(path.name.split("_", 1)[0]), path))
    return found


LATEST_VERSION = migrations()[-1][0]


def connect(path: str | Path) -> sqlite3.Connection:
    """A connection with the pragmas every connection must have (legal records: synchronous=FULL)."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA cache_size = -32768")   # 32 MB page cache per connection (the GUI holds two)
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


def open_database(path: str | Path, read_only: bool | None = None,
                  connector=None, backup_before_migration: bool = True) -> tuple[sqlite3.Connection, bool]:
    """Open (creating if missing) and migrate a database; returns (connection, read_only).

    A file this user cannot write (a CD, a locked share) opens read-only, unmigrated, for viewing and
    printing (`read_only=True` asks for that on any file). A non-empty SQLite file that is not xinfang's is refused before anything touches it (setting
    WAL alone would change it)."""
    connector = connector or connect
    if str(path) == ":memory:":
        conn = connector(path)
        migrate(conn, path)
        return conn, False
    p = Path(path)
    if p.is_dir():
        raise DomainError(f"无法打开数据库文件“{p}”：这是一个文件夹，不是数据库文件")
    if read_only and not p.exists():
        raise DomainError(f"数据库文件“{p}”不存在，无法以只读方式打开")
    if p.exists() and p.stat().st_size > 0:
        _refuse_foreign(p)
        if read_only or (read_only is None and not _writable(p)):
            conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                   isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA query_only = ON")
            known = {v for v, _ in migrations()}
            if applied_migrations(conn) != known:
                conn.close()
                raise DomainError(f"只读数据库“{p.name}”的版本与本程序不同，无法在只读状态下升级；"
                                  "请先复制到可写的位置再打开")
            return conn, True
    conn = connector(p)
    migrate(conn, p if backup_before_migration else None)   # a verify's scratch copy needs no copy of itself
    restore_pending_indexes(conn)
    return conn, False


def _writable(p: Path) -> bool:
    # WAL needs to write the file and create -wal/-shm beside it
    return os.access(p, os.W_OK) and os.access(p.parent, os.W_OK)


def _refuse_foreign(p: Path) -> None:
    """Refuse a non-empty SQLite file without xinfang's meta table, opening it read-only to look."""
    try:
        probe = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return                      # not openable at all: the normal open reports it
    try:
        names = {r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        return                      # not SQLite: the normal open reports it
    finally:
        probe.close()
    if names and ("meta" not in names or "cases" not in names):
        raise DomainError(f"“{p.name}”不是本程序的数据库（其中已有 {len(names)} 张其他数据表），"
                          "为避免改动它，不予打开。请选择 xinfang 的数据库文件，或输入一个新文件名")


def schema_version(conn: sqlite3.Connection) -> int:
    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    if not has_meta:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return int(row[0]) if row else 0


def applied_migrations(conn: sqlite3.Connection) -> set[int]:
    """Which migrations this database has had. Recorded in meta since 0002; migrations are numbered per
    developer and land in any order, so a number below the highest may still be missing. For a database
    from before the record was kept, a migration counts as had when everything it creates is there."""
    current = schema_version(conn)
    if not current:
        return set()
    row = conn.execute("SELECT value FROM meta WHERE key = 'migrations'").fetchone()
    if row:
        return set(json.loads(row[0]))
    return {v for v, script in migrations() if v <= current and _objects_present(conn, script)}


_CREATES = re.compile(r"^CREATE\s+(?:VIRTUAL\s+)?(?:TABLE|INDEX|UNIQUE\s+INDEX|TRIGGER|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                      r"(\w+)", re.I)
_ADDS = re.compile(r"^ALTER\s+TABLE\s+(\w+)\s+ADD\s+(?:COLUMN\s+)?(\w+)", re.I)


def _objects_present(conn: sqlite3.Connection, script: Path) -> bool:
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    for statement in _split_sql(script.read_text(encoding="utf-8")):
        body = "\n".join(line for line in statement.splitlines() if not line.lstrip().startswith("--")).strip()
        m = _CREATES.match(body)
        if m and m.group(1) not in names:
            return False
        m = _ADDS.match(body)
        if m and m.group(2) not in {r[1] for r in conn.execute(f"PRAGMA table_info({m.group(1)})")}:
            return False
    return True


def migrate(conn: sqlite3.Connection, path: str | Path | None = None, now: datetime | None = None) -> int:
    """Apply every migration the database has not had; back the file up first; refuse a newer database.
    Safe when several processes open a new or old file at once: one migrates under the write lock, the
    others wait (busy timeout) and then find nothing left to do."""
    known = {v for v, _ in migrations()}
    applied = applied_migrations(conn)
    current = schema_version(conn)
    if current > LATEST_VERSION or applied - known:
        raise DomainError(f"数据库版本（{current}）比本程序支持的版本（{LATEST_VERSION}）新，请升级程序后再打开")
    if known <= applied:
        return current
    if applied and path and str(path) != ":memory:" and Path(path).exists():
        # a consistent copy (online backup API) with its manifest, in the backups folder
        from .backup import backup_folder, backup_name, write_backup
        at = now or datetime.now()
        folder = backup_folder(conn, path)
        write_backup(conn, path, folder / backup_name(path, at, f"premigrate-v{current}"), "premigrate", at)
    with transaction(conn):
        applied = applied_migrations(conn)          # again, under the lock: another process may have done it
        had_data = bool(applied)
        for version, script in migrations():
            if version in applied:
                continue
            for statement in _split_sql(script.read_text(encoding="utf-8")):
                conn.execute(statement)
            after = _AFTER_SCRIPT.get(version)
            if after is not None and had_data:
                after(conn)
            applied.add(version)
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(max(applied)),))
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('migrations', ?)",
                     (json.dumps(sorted(applied)),))
    return LATEST_VERSION


def _chain_existing_events(conn: sqlite3.Connection) -> None:
    """Version 2 on a database that already holds events: chain them into the new ledger in the order
    they were written, and record each row's count and head (storage/ledger.py)."""
    from . import ledger
    ledger.backfill(conn)


def _move_dispute_events(conn: sqlite3.Connection) -> None:
    """Version 18: the dispute events of version 8 (their own table) are appended through the ledger in the
    order they were written; version 28 then drops the old table."""
    from . import ledger
    rows = conn.execute("SELECT d.uuid, e.action, e.at, e.recorded_at, e.actor, e.payload FROM dispute_events e "
                        "JOIN disputes d ON d.id = e.dispute_id ORDER BY e.id").fetchall()
    for uid, action, at, recorded_at, actor, payload in rows:
        ledger.append(conn, "dispute", uid, action, at, recorded_at, actor, json.loads(payload))


def _baseline_old_cases(conn: sqlite3.Connection) -> None:
    """Version 12 on a database with cases registered before events carried `changes`."""
    from . import ledger
    ledger.baseline_cases(conn)


def _index_disputes(conn: sqlite3.Connection) -> None:
    """Version 38: the disputes registered before it get their search-index entries."""
    from . import mediation_store
    mediation_store.rebuild_search(conn)


def _seal_digests(conn: sqlite3.Connection) -> None:
    """Version 50: the state digest of every case, from the replay of its events (storage/digests.py)."""
    from . import digests
    digests.seal(conn, datetime.now())


def _baseline_records(conn: sqlite3.Connection) -> None:
    """Version 52: disputes, the small 积案 kinds and accounts from before their events stated their rows."""
    from . import record_projection
    record_projection.baseline(conn)


# Data steps that SQL alone cannot do, run in the same transaction right after a migration's script.
_AFTER_SCRIPT = {2: _chain_existing_events, 12: _baseline_old_cases, 18: _move_dispute_events, 38: _index_disputes,
                50: _seal_digests, 52: _baseline_records}


PENDING_INDEXES_KEY = "bulk_pending_indexes"


def restore_pending_indexes(conn: sqlite3.Connection) -> int:
    """Recreate the indexes a killed bulk load left dropped (their definitions wait in meta); returns how
    many were created. Run on every open, so no command ever meets a database without them."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone():
        return 0
    raw = conn.execute("SELECT value FROM meta WHERE key = ?", (PENDING_INDEXES_KEY,)).fetchone()
    if not raw:
        return 0
    pending = json.loads(raw[0])
    with transaction(conn):
        for _name, sql in pending:
            conn.execute(sql.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1)
                         .replace("CREATE UNIQUE INDEX", "CREATE UNIQUE INDEX IF NOT EXISTS", 1))
        conn.execute("DELETE FROM meta WHERE key = ?", (PENDING_INDEXES_KEY,))
    return len(pending)


def _split_sql(script: str) -> list[str]:
    """Split a script into statements (triggers contain ';' inside BEGIN … END)."""
    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--") and not buf.strip():
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error: nothing is half-written."""
    if conn.in_transaction:
        yield conn
        return
    begin_immediate(conn)
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def begin_immediate(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting for another writer at most the connection's busy timeout (5 s). SQLite's own
    wait sleeps up to 100 ms between tries, so a writer can lose the lock to busier ones every time: with four
    processes registering without pause, one waited past 5 s on a loaded machine. Trying again every few
    milliseconds takes the lock in the first gap between two other transactions. On a server: BEGIN (row locks
    and version checks do the rest)."""
    if dialect_of(conn).server:
        conn.execute("BEGIN")
        return
    wait_ms = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        deadline = time.monotonic() + wait_ms / 1000
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                busy = (getattr(exc, "sqlite_errorcode", 5) & 0xFF) == 5 and "locked" in str(exc).lower()
                if not busy or time.monotonic() >= deadline:
                    raise
            time.sleep(random.uniform(0.001, 0.004))
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")

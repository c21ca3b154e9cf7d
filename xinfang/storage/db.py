"""Opening a database: pragmas, migrations, backups before upgrading, one transaction per action."""
from __future__ import annotations

import shutil
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from ..domain.problems import DomainError

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


def schema_version(conn: sqlite3.Connection) -> int:
    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    if not has_meta:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: sqlite3.Connection, path: str | Path | None = None, now: datetime | None = None) -> int:
    """Bring the database to LATEST_VERSION; back the file up first; refuse a newer database."""
    current = schema_version(conn)
    if current > LATEST_VERSION:
        raise DomainError(f"数据库版本（{current}）比本程序支持的版本（{LATEST_VERSION}）新，请升级程序后再打开")
    if current == LATEST_VERSION:
        return current
    if current > 0 and path and str(path) != ":memory:" and Path(path).exists():
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        backup = Path(path).with_name(f"{Path(path).name}.v{current}-{stamp}.bak")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy2(path, backup)
    for version, script in migrations():
        if version <= current:
            continue
        with transaction(conn):
            for statement in _split_sql(script.read_text(encoding="utf-8")):
                conn.execute(statement)
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(version),))
    return LATEST_VERSION


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
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")

"""What `check` asks of the engine underneath rather than of the ledger: the snapshot every query reads, the
engine's own check of its files beside the walk, and the read-only connections of the case workers.

SQLite: one read transaction (WAL: writers go on); PRAGMA quick_check / integrity_check on a second read-only
connection in a thread; workers open the file read-only. PostgreSQL (storage/pg/verify.py): one REPEATABLE READ
READ ONLY transaction whose snapshot is exported to the workers; amcheck when installed, else the report says
the server looks after its files."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .dialect import dialect_of
from .errors import sqlite_message

# What the report's "integrity_kind" says was checked.
KINDS = {"quick": "快速检查（页面、B树、记录与约束；不逐条核对索引）",
         "deep": "深度检查（另逐条核对每个索引与数据行）", "anchor": "从锚点起"}


def is_server(conn) -> bool:
    return dialect_of(conn).server


@dataclass(frozen=True)
class Reader:
    """How a case worker opens its own read-only connection onto the same data (picklable: sent to a process)."""
    target: str                       # the SQLite file, or the server's conninfo (without password)
    immutable: bool = False           # SQLite: a file opened read-only (a CD)
    password: str | None = None       # server: the first connection's, kept in memory only
    snapshot: str | None = None       # server: the check's exported snapshot
    server: bool = False


@contextmanager
def snapshot(conn, path: str, immutable: bool = False) -> Iterator[Reader | None]:
    """One snapshot for every query of the check (nothing when the caller is already in a transaction);
    yields how workers read the same data, or None when they cannot (an in-memory database, or the caller's
    own transaction)."""
    if conn.in_transaction:
        yield None
        return
    server = is_server(conn)
    if server:
        from .pg import verify as pg_verify
        exported = pg_verify.begin_snapshot(conn)
        dsn, password = pg_verify.credentials(conn)
        reader = Reader(dsn, password=password, snapshot=exported, server=True)
    else:
        conn.execute("BEGIN")
        reader = None if path == ":memory:" else Reader(path, immutable)
    try:
        yield reader
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def stream(conn, sql: str, params=()):
    """`conn.execute`, except that a server hands the rows over a few thousand at a time (big reads)."""
    if is_server(conn):
        from .pg import verify as pg_verify
        return pg_verify.stream(conn, sql, params)
    return conn.execute(sql, params)


def open_reader(reader: Reader):
    """A case worker's connection (read-only, on the check's snapshot)."""
    if reader.server:
        from .pg import verify as pg_verify
        return pg_verify.open_reader(reader.target, reader.password, reader.snapshot)
    conn = open_file_reader(reader.target, reader.immutable)
    conn.execute("BEGIN")                    # one snapshot for the worker's range
    return conn


def background_check(conn, path: str, immutable: bool = False, deep: bool = False):
    """The engine's own check of its files, started beside the walk; `.get()` gives "ok" or the finding,
    `.kind` what was checked, `.cancel()` stops it."""
    if is_server(conn):
        from .pg import verify as pg_verify
        return ServerCheck(pg_verify.BackgroundAmcheck(conn, deep), deep)
    return BackgroundIntegrity(conn, path, immutable, deep)


def owned_by_server(result: str) -> bool:
    """Whether a check's integrity result says the server looks after its files (no finding, no check)."""
    from .pg.verify import SERVER_OWNS
    return result.startswith(SERVER_OWNS)


class ServerCheck:
    def __init__(self, check, deep: bool):
        self.check, self.deep = check, deep
        self.kind = None

    def get(self) -> str:
        from .pg.verify import KINDS as SERVER_KINDS
        result = self.check.get()
        self.kind = SERVER_KINDS["server" if owned_by_server(result) else "deep" if self.deep else "quick"]
        return result

    def cancel(self) -> None:
        self.check.cancel()

    @property
    def problem(self) -> str:
        return "服务器数据文件检查（amcheck）未通过："


def open_file_reader(path: str, immutable: bool = False) -> sqlite3.Connection:
    """A read-only connection to the database file (check's worker processes); `immutable` for a file opened
    read-only (a CD: nothing may appear beside it, not even -shm)."""
    conn = sqlite3.connect(Path(path).resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro"),
                           uri=True, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA cache_size = -32768")
    return conn


class BackgroundIntegrity:
    """SQLite's own check of the whole file on a second, read-only connection in a thread: SQLite runs it
    without holding Python's lock, so on a multi-core machine it costs no time of the chain walk beside it.
    `deep`: PRAGMA integrity_check, which also matches every index entry with its row (130 CPU-s on one
    core at 1M cases, more than the rest of check together); otherwise PRAGMA quick_check: every page,
    b-tree, record and NOT NULL/CHECK constraint, not the index contents. An in-memory database is checked
    in place."""

    def __init__(self, conn: sqlite3.Connection, path: str, immutable: bool = False, deep: bool = False):
        self.conn, self.result, self.error, self.cancelled = conn, None, None, False
        self.pragma = "PRAGMA integrity_check" if deep else "PRAGMA quick_check"
        self.kind = KINDS["deep" if deep else "quick"]
        self.problem = "SQLite 完整性检查未通过："
        self.worker: sqlite3.Connection | None = None
        self.thread = None
        if path == ":memory:" or not Path(path).exists():
            return
        import threading
        try:
            self.worker = open_file_reader(path, immutable)
        except sqlite3.Error:
            return                                       # checked in place by result()
        self.thread = threading.Thread(target=self._run, name="integrity_check", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            if self.cancelled:
                return
            self.result = self.worker.execute(self.pragma).fetchone()[0]
        except sqlite3.Error as exc:
            self.error = exc
        finally:
            self.worker.close()

    def get(self) -> str:
        """The first line of the check ("ok" when the file is sound); waits for the thread."""
        if self.thread is not None:
            self.thread.join()
        if self.result is None and self.error is not None and _damaged(self.error):
            self.result = sqlite_message(self.error)
        if self.result is None:                          # no second connection, or it failed: check here
            try:
                self.result = self.conn.execute(self.pragma).fetchone()[0]
            except sqlite3.DatabaseError as exc:
                if not _damaged(exc):
                    raise
                self.result = sqlite_message(exc)        # so damaged the check itself cannot finish
        return self.result

    def cancel(self) -> None:
        """Stop the background check (the user cancelled, or the walk failed)."""
        self.cancelled = True
        if self.thread is not None and self.thread.is_alive():
            try:
                self.worker.interrupt()
            except sqlite3.ProgrammingError:             # closed meanwhile: it finished
                pass
            self.thread.join()


def _damaged(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return (code is not None and code & 0xFF in (11, 26)) or "malformed" in str(exc).lower()



"""`check` on a PostgreSQL server: what storage/verify.py reads from SQLite's own catalogue, in the server's terms.

- The append-only triggers: read from pg_trigger (table, timing, the function and its message argument,
  enabled or not) and the shared function's body from pg_proc, against schema.postgres.sql.
- In place of SQLite's quick_check / integrity_check: amcheck, when the administrator installed it
  (`CREATE EXTENSION amcheck`, superuser; its functions are the superuser's unless granted). Quick: every
  B-tree index's structure (bt_index_check); deep: also that every table row is in each B-tree index
  (heapallindexed) and every table's pages (verify_heapam). Without amcheck the server's files are the
  server's to look after (its own checksums, backups): the report says so instead of claiming a check.
- The snapshot: one REPEATABLE READ READ ONLY transaction, exported so the case workers read the same."""
from __future__ import annotations

import itertools
import re
import threading

import psycopg

from ..errors import StorageError
from .connection import PgConnection, _errors

# The append-only triggers of schema.postgres.sql: name -> (table, tgtype, message). tgtype bits: ROW 1,
# BEFORE 2, DELETE 8, UPDATE 16, TRUNCATE 32.
_TABLES = {"events": "事件记录只能追加", "record_events": "事件记录只能追加", "ledger": "账本只能追加",
           "purged_events": "清除记录只能追加", "projection_digests": "摘要记录只能追加"}
SHIPPED_TRIGGERS: dict[str, tuple[str, int, str]] = {}
for _table, _words in _TABLES.items():
    SHIPPED_TRIGGERS[f"{_table}_no_update"] = (_table, 1 | 2 | 16, f"{_words}，不能修改")
    SHIPPED_TRIGGERS[f"{_table}_no_delete"] = (_table, 1 | 2 | 8, f"{_words}，不能删除")
    SHIPPED_TRIGGERS[f"{_table}_no_truncate"] = (_table, 2 | 32, f"{_words}，不能删除")
FUNCTION = "xinfang_append_only"
FUNCTION_BODY = "BEGIN RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation'; END"


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def trigger_problems(conn: PgConnection) -> list[str]:
    found = {name: (table, tgtype, enabled, func, bytes(args or b"").decode("utf-8").split("\x00")[:-1])
             for name, table, tgtype, enabled, func, args in conn.execute(
                 "SELECT t.tgname, c.relname, t.tgtype, t.tgenabled, p.proname, t.tgargs FROM pg_trigger t "
                 "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
                 "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace")}
    body = conn.execute("SELECT prosrc FROM pg_proc WHERE proname = ? "
                        "AND pronamespace = current_schema()::regnamespace", (FUNCTION,)).fetchall()
    out = []
    for name, (table, tgtype, message) in SHIPPED_TRIGGERS.items():
        have = found.get(name)
        if have is None:
            out.append(f"只追加保护触发器 {name} 不存在（被删除）")
        elif have[0] != table or have[1] != tgtype or have[3] != FUNCTION or have[4] != [message]:
            out.append(f"只追加保护触发器 {name} 与程序发布的不一致（被改动）")
        elif have[2] == "D":
            out.append(f"只追加保护触发器 {name} 已被停用（DISABLE TRIGGER）")
    if len(body) != 1 or _words(body[0][0]) != FUNCTION_BODY:
        out.append(f"只追加保护触发器的函数 {FUNCTION} 与程序发布的不一致（被改动）")
    return out


# ---- the server's own check of its files ----------------------------------------------------------------
SERVER_OWNS = "由服务器负责"
NO_AMCHECK = (f"{SERVER_OWNS}（服务器上未安装 amcheck 扩展，本程序无法核对数据文件；数据库管理员可执行 "
              "CREATE EXTENSION amcheck 后再检查，或依靠服务器的数据校验和与备份）")
NO_RIGHTS = (f"{SERVER_OWNS}（amcheck 已安装，但本账号无权执行其检查函数；数据库管理员可授予 "
             "bt_index_check、verify_heapam 的执行权限，或自行用 amcheck 检查）")
KINDS = {"quick": "服务器 amcheck 快速检查（每个 B 树索引的结构）",
         "deep": "服务器 amcheck 深度检查（另核对每张表的数据页，以及每个 B 树索引含全部数据行）",
         "server": "由数据库服务器负责（未做文件级检查）"}


def amcheck_available(conn: PgConnection) -> bool:
    return conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'amcheck'").fetchone() is not None


def amcheck(conn: PgConnection, deep: bool, cancelled=lambda: False) -> str:
    """"ok", the first finding (Chinese), or a SERVER_OWNS sentence; `conn` in no transaction (an amcheck
    error aborts the transaction it runs in)."""
    if not amcheck_available(conn):
        return NO_AMCHECK
    indexes = [r[0] for r in conn.execute(
        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' AND i.indisvalid "
        "AND c.relnamespace = current_schema()::regnamespace ORDER BY c.relname")]
    tables = [r[0] for r in conn.execute(
        "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace "
        "ORDER BY relname")] if deep else []
    heap = deep and conn.execute("SELECT 1 FROM pg_proc WHERE proname = 'verify_heapam'").fetchone() is not None
    try:
        for table in tables if heap else ():
            if cancelled():
                return "已取消"
            row = conn.execute("SELECT blkno, msg FROM verify_heapam(?::regclass) LIMIT 1", (table,)).fetchone()
            if row:
                return f"数据表 {table} 第 {row[0]} 页损坏：{row[1]}"
        for index in indexes:
            if cancelled():
                return "已取消"
            conn.execute("SELECT bt_index_check(?::regclass, ?::boolean)", (index, deep))
    except StorageError as exc:
        cause = exc.__cause__
        state = getattr(cause, "sqlstate", None) or ""
        if state == "42501":
            return NO_RIGHTS
        if state.startswith("XX") or state == "22000":
            return f"{_words(getattr(cause.diag, 'message_primary', '') or str(cause))}"
        raise
    return "ok"


class BackgroundAmcheck:
    """amcheck on a second connection in a thread, beside the walk (the server does the work: two cores)."""

    def __init__(self, conn: PgConnection, deep: bool):
        self.result: str | None = None
        self.error: BaseException | None = None
        self.cancelled = False
        self.deep = deep
        self.worker = reopen(conn)
        self.thread = threading.Thread(target=self._run, name="amcheck", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.result = amcheck(self.worker, self.deep, lambda: self.cancelled)
        except BaseException as exc:            # noqa: BLE001 - handed to get()
            self.error = exc
        finally:
            self.worker.close()

    def get(self) -> str:
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.result or NO_AMCHECK

    def cancel(self) -> None:
        self.cancelled = True
        try:
            self.worker.raw.cancel_safe()
        except (psycopg.Error, AttributeError):
            pass
        self.thread.join()


# ---- connections and the snapshot ------------------------------------------------------------------------
def credentials(conn: PgConnection) -> tuple[str, str | None]:
    """(conninfo without password, password) of an open connection: what a second connection needs (the
    password stays in memory, as the first connection's does)."""
    return conn.raw.info.dsn, conn.raw.info.password or None


def reopen(conn: PgConnection) -> PgConnection:
    from . import db as pg_db
    dsn, password = credentials(conn)
    return PgConnection(pg_db.connect(dsn, password))


def begin_snapshot(conn: PgConnection) -> str:
    """Start one read-only transaction whose snapshot every query of the check reads; returns its id for the
    case workers (SET TRANSACTION SNAPSHOT) — valid while this transaction stays open."""
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    return conn.execute("SELECT pg_export_snapshot()").fetchone()[0]


_CURSORS = itertools.count(1)


def stream(conn: PgConnection, sql: str, params=()):
    """A statement's rows read from a server-side cursor (a few thousand at a time) instead of all at once:
    the ledger walk and the sealed digests read millions of rows at 1M cases. Needs a transaction (the check's
    snapshot); outside one, the rows come as usual."""
    if not conn.in_transaction:
        return conn.execute(sql, params)
    text, _ = conn.translate(sql, isinstance(params, dict), single=False)
    name = f"xinfang_check_{next(_CURSORS)}"
    with _errors():
        conn.raw.execute(f"DECLARE {name} NO SCROLL CURSOR FOR {text}",
                         params if isinstance(params, dict) else tuple(params))
    return _Fetched(conn, name)


class _Fetched:
    """The rows of a declared cursor, with the cursor surface the check uses (fetchmany, iteration)."""

    def __init__(self, conn: PgConnection, name: str):
        self.conn, self.name, self.done = conn, name, False

    def fetchmany(self, size: int = 5000) -> list[tuple]:
        if self.done:
            return []
        with _errors():
            rows = self.conn.raw.execute(f"FETCH FORWARD {int(size)} FROM {self.name}").fetchall()
        if len(rows) < size:
            self.done = True
            with _errors():
                self.conn.raw.execute(f"CLOSE {self.name}")
        return rows

    def fetchall(self) -> list[tuple]:
        return [r for r in self]

    def __iter__(self):
        while True:
            rows = self.fetchmany(5000)
            if not rows:
                return
            yield from rows


def open_reader(dsn: str, password: str | None, snapshot: str | None) -> PgConnection:
    """A case worker's connection, inside a read-only transaction on the check's snapshot."""
    from . import db as pg_db
    conn = PgConnection(pg_db.connect(dsn, password))
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    if snapshot:
        conn.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
    return conn

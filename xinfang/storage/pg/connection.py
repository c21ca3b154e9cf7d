"""A psycopg connection that the stores can use like their sqlite3 connection (issue 12, port plan §8.3).

The stores keep one copy of their SQL, written for SQLite; `PgConnection.execute` rewrites a statement
once (cached) into PostgreSQL's form:
- `?` → `%s`, `:name` → `%(name)s` (with a dict), a literal `%` doubled (psycopg reads `%` as a parameter);
- `INSERT OR IGNORE` → `ON CONFLICT DO NOTHING`; `INSERT OR REPLACE` → `ON CONFLICT (primary key) DO
  UPDATE SET` every other column (the same end state, no delete);
- an `INSERT` into a table with an identity column gets `RETURNING` it, so `cursor.lastrowid` works;
- SQLite's planner hints (`INDEXED BY x`, `NOT INDEXED`) are dropped; `instr(` → `strpos(`;
  `BEGIN IMMEDIATE` → `BEGIN` (READ COMMITTED; the version checks and locks of docs/postgres.md §6 guard
  what SQLite's single writer guarded);
- `PRAGMA table_info(t)` is answered from the catalogue in SQLite's row shape.
Parameters are sent untyped, like SQLite's: an int bound where the column is text (or the reverse) is
converted by the server from the column's type instead of refused. Every psycopg error is raised as a
StorageError with a Chinese sentence chosen by SQLSTATE (the server's error stays as its cause)."""
from __future__ import annotations

import re
from typing import Any, Iterator, Sequence

import psycopg
from psycopg.adapt import Dumper, Loader

from ..dialect import POSTGRESQL
from ...domain.problems import DomainError
from ..errors import StorageError
from . import db as pg_db


class _Untyped(Dumper):
    """ints, floats and bools as untyped text parameters: the server gives them the column's type."""
    oid = 0

    def dump(self, obj: Any) -> bytes:
        return (str(int(obj)) if isinstance(obj, bool) else repr(obj) if isinstance(obj, float) else str(obj)).encode()


class _Number(Loader):
    """numeric results (a sum or avg of integer columns: the schema has no numeric column) as SQLite gives
    them: a whole number as int, anything else as float — never Decimal, which JSON and the reports refuse."""

    def load(self, data) -> int | float:
        text = bytes(data).decode()
        return float(text) if any(ch in text for ch in ".eEN") else int(text)


# ---- statements ------------------------------------------------------------------------------------------
_LITERAL = re.compile(r"('(?:[^']|'')*')")
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_HINT = re.compile(r"\s+(?:INDEXED\s+BY\s+\w+|NOT\s+INDEXED)\b", re.I)
_INSTR = re.compile(r"\binstr\s*\(", re.I)
_OR_IGNORE = re.compile(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO\b", re.I)
_OR_REPLACE = re.compile(r"^\s*INSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.I)
_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+(\w+)", re.I)
_BEGIN = re.compile(r"^\s*BEGIN(?:\s+(?:IMMEDIATE|DEFERRED|EXCLUSIVE))?(?:\s+TRANSACTION)?\s*;?\s*$", re.I)
_END = re.compile(r"^\s*(?:COMMIT|END|ROLLBACK)(?:\s+TRANSACTION)?\s*;?\s*$", re.I)
_ROLLBACK = re.compile(r"^\s*ROLLBACK", re.I)
_OPENS = re.compile(r"^\s*(?:BEGIN|START\s+TRANSACTION)\b", re.I)     # any BEGIN, with its isolation level
_RETRIED = re.compile(r"^\s*(?:BEGIN\b|SELECT\b)", re.I)
_TABLE_INFO = re.compile(r"^\s*PRAGMA\s+table_info\s*\(\s*['\"]?(\w+)['\"]?\s*\)\s*;?\s*$", re.I)


def _params(sql: str, named: bool) -> str:
    out = []
    for i, part in enumerate(_LITERAL.split(sql)):
        part = part.replace("%", "%%")
        if i % 2 == 0:                                  # outside string literals
            part = _HINT.sub("", part)
            part = _INSTR.sub("strpos(", part)
            part = _NAMED.sub(r"%(\1)s", part) if named else part.replace("?", "%s")
        out.append(part)
    return "".join(out)


class PgCursor:
    """The part of sqlite3.Cursor the stores use: iteration, fetchone/fetchall/fetchmany, rowcount,
    lastrowid, description."""

    def __init__(self, cur: psycopg.Cursor | None, lastrowid: int | None = None, rows: list | None = None):
        self._cur = cur
        self._rows = rows
        self.lastrowid = lastrowid
        self.rowcount = cur.rowcount if cur is not None else -1

    @property
    def description(self):
        return self._cur.description if self._cur is not None else None

    def fetchone(self):
        if self._rows is not None:
            return self._rows.pop(0) if self._rows else None
        if self._cur is None or self._cur.description is None:
            return None
        with _errors():
            return self._cur.fetchone()

    def fetchall(self) -> list[tuple]:
        if self._rows is not None:
            rows, self._rows = self._rows, []
            return rows
        if self._cur is None or self._cur.description is None:
            return []
        with _errors():
            return self._cur.fetchall()

    def fetchmany(self, size: int = 1) -> list[tuple]:
        if self._rows is not None:
            rows, self._rows = self._rows[:size], self._rows[size:]
            return rows
        if self._cur is None or self._cur.description is None:
            return []
        with _errors():
            return self._cur.fetchmany(size)

    def __iter__(self) -> Iterator[tuple]:
        while True:
            chunk = self.fetchmany(1000)
            if not chunk:
                return
            yield from chunk


class PgConnection:
    """A psycopg connection (autocommit; transactions are explicit, as on SQLite) with sqlite3's
    `execute`/`executemany`/`in_transaction`/`close`; see the module docstring for the rewrites."""

    dialect = POSTGRESQL

    def __init__(self, raw: psycopg.Connection):
        self.raw = self._adapted(raw)
        from psycopg.conninfo import make_conninfo
        # to connect again after a lost connection (the password only in memory, as psycopg holds it)
        self._login = (make_conninfo(**raw.info.get_parameters()), raw.info.password or None)
        self._begun = False                 # inside a transaction begun here (BEGIN … COMMIT/ROLLBACK)
        self._session: dict[str, None] = {} # SET statements a new connection repeats, oldest first
        self._identity: dict[str, str] | None = None
        self._keys: dict[str, list[str]] | None = None
        self._columns: dict[str, list[tuple]] = {}      # PRAGMA table_info answers, per table
        self._sql: dict[tuple[str, bool, bool], tuple[str, str | None]] = {}

    @classmethod
    def open(cls, target: str, password: str | None = None) -> "PgConnection":
        return cls(pg_db.connect(target, password))

    @staticmethod
    def _adapted(raw: psycopg.Connection) -> psycopg.Connection:
        for kind in (int, float, bool):
            raw.adapters.register_dumper(kind, _Untyped)
        raw.adapters.register_loader("numeric", _Number)
        return raw

    def another(self) -> "PgConnection":
        """A second connection to the same database with the same login (a helper thread's reads: the
        report counts on two server cores at once)."""
        return PgConnection(pg_db.connect(*self._login))

    def keep_session(self, sql: str) -> None:
        """Run a SET for this session and repeat it on any connection made after a lost one (read-only)."""
        self.execute(sql)
        self._session.pop(sql, None)
        self._session[sql] = None

    # ---- a lost connection ------------------------------------------------------------------------------
    # The server restarted, or the office network dropped: psycopg's connection is then broken for good.
    # What was inside a transaction begun here is gone with it (the server rolled it back), so the statements
    # left of that transaction fail, and its ROLLBACK succeeds; what starts anew — a BEGIN, or a statement on
    # its own — connects again first. A BEGIN or a SELECT on its own that meets the break is sent once more
    # on a new connection (neither has changed anything); a change on its own is never sent twice.
    def _ready_for(self, sql: str) -> bool:
        """False: the statement is the ROLLBACK of a transaction the break already ended (nothing to do)."""
        if not self.raw.broken:
            return True
        if self._begun:
            if _END.match(sql):
                self._begun = False
                if _ROLLBACK.match(sql):
                    return False
            raise StorageError(_LOST, environmental=True)
        self._reconnect()
        return True

    def _reconnect(self) -> None:
        try:
            raw = pg_db.connect(*self._login)
        except (psycopg.Error, DomainError) as exc:
            raise StorageError(_LOST, environmental=True) from exc
        self.raw = self._adapted(raw)
        for sql in self._session:
            with _errors():
                raw.execute(sql)

    def _run(self, send, sql: str):
        """send(cursor) on this connection: a BEGIN or a lone SELECT that meets a lost connection once more
        on a new one; the transaction state followed for `_ready_for`."""
        for attempt in (1, 2):
            try:
                with _errors():
                    result = send(self.raw.cursor())
                break
            except StorageError as exc:
                if not (attempt == 1 and self.raw.broken and not self._begun and _RETRIED.match(sql)):
                    if _END.match(sql):
                        self._begun = False
                    raise
                self._reconnect()
        if _OPENS.match(sql):
            self._begun = True
        elif _END.match(sql):
            self._begun = False
        return result

    # ---- the sqlite3.Connection surface ---------------------------------------------------------------
    @property
    def in_transaction(self) -> bool:
        if self.raw.broken:
            return self._begun
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()

    def execute(self, sql: str, params: Sequence | dict = ()) -> PgCursor:
        m = _TABLE_INFO.match(sql)
        if m:
            return PgCursor(None, rows=self.table_info(m.group(1)))
        if not self._ready_for(sql):
            return PgCursor(None)
        text, returning = self.translate(sql, isinstance(params, dict), single=True)
        values = params if isinstance(params, dict) else tuple(params)

        def send(cur):
            cur.execute(text, values)
            if returning is not None:
                row = cur.fetchone()
                return PgCursor(cur, lastrowid=row[0] if row else None, rows=[])
            return PgCursor(cur)
        return self._run(send, sql)

    def executemany(self, sql: str, rows) -> PgCursor:
        rows = list(rows)
        if not rows:
            return PgCursor(None)
        self._ready_for(sql)
        text, _ = self.translate(sql, isinstance(rows[0], dict), single=False)
        values = [r if isinstance(r, dict) else tuple(r) for r in rows]

        def send(cur):
            cur.executemany(text, values)
            return PgCursor(cur)
        return self._run(send, sql)

    def forget_schema(self) -> None:
        """After migrating: the tables' keys and columns are read again."""
        self._identity = self._keys = None
        self._columns.clear()
        self._sql.clear()

    # ---- rewriting ----------------------------------------------------------------------------------------
    def translate(self, sql: str, named: bool = False, single: bool = True) -> tuple[str, str | None]:
        """(PostgreSQL text, the identity column it returns or None) for a statement in SQLite's form."""
        key = (sql, named, single)
        hit = self._sql.get(key)
        if hit is None:
            hit = self._sql[key] = self._translate(sql, named, single)
        return hit

    def _translate(self, sql: str, named: bool, single: bool) -> tuple[str, str | None]:
        if _BEGIN.match(sql):
            return "BEGIN", None
        text = _params(sql, named).rstrip().rstrip(";")
        conflict = ""
        if _OR_IGNORE.match(text):
            text = re.sub(r"^\s*INSERT\s+OR\s+IGNORE\s+INTO", "INSERT INTO", text, count=1, flags=re.I)
            conflict = " ON CONFLICT DO NOTHING"
        else:
            m = _OR_REPLACE.match(text)
            if m:
                table = m.group(1)
                columns = [c.strip() for c in m.group(2).split(",")]
                keys = self.primary_key(table)
                others = [c for c in columns if c not in keys]
                sets = ", ".join(f"{c} = excluded.{c}" for c in others)
                conflict = (f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}" if others
                            else f" ON CONFLICT ({', '.join(keys)}) DO NOTHING")
                text = re.sub(r"^\s*INSERT\s+OR\s+REPLACE\s+INTO", "INSERT INTO", text, count=1, flags=re.I)
        returning = None
        m = _INSERT.match(text)
        if m and single and not re.search(r"\bRETURNING\b", text, re.I):
            returning = self.identity_columns().get(m.group(1).lower())
        text += conflict
        if returning:
            text += f" RETURNING {returning}"
        return text, returning

    # ---- the catalogue ------------------------------------------------------------------------------------
    def _catalogue(self, sql: str, params: tuple = ()) -> list[tuple]:
        """A catalogue read (psycopg's own placeholders), met by a lost connection like any lone SELECT."""
        self._ready_for(sql)
        return self._run(lambda cur: cur.execute(sql, params).fetchall(), sql)

    def identity_columns(self) -> dict[str, str]:
        if self._identity is None:
            self._identity = dict(self._catalogue(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND is_identity = 'YES'"))
        return self._identity

    def primary_key(self, table: str) -> list[str]:
        if self._keys is None:
            self._keys = {}
            for t, cols in self._catalogue(
                    "SELECT c.conrelid::regclass::text, array(SELECT a.attname FROM unnest(c.conkey) "
                    "WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n "
                    "ORDER BY k.i) FROM pg_constraint c WHERE c.contype = 'p' "
                    "AND c.connamespace = current_schema()::regnamespace"):
                self._keys[t] = list(cols)
        try:
            return self._keys[table.lower()]
        except KeyError:
            raise StorageError(f"数据表 {table} 没有主键，不能按主键替换（程序错误）") from None

    def table_info(self, table: str) -> list[tuple]:
        """SQLite's PRAGMA table_info rows (cid, name, type, notnull, default, pk) for a PostgreSQL table;
        defaults without PostgreSQL's casts ('本级'::text → '本级'), types in SQLite's words. Read from the
        catalogue once per table (every registration asks for the cases' columns; the catalogue query costs
        more than the registration's own statements); forget_schema() after a migration reads it again."""
        found = self._columns.get(table.lower())
        if found is None:
            found = self._columns[table.lower()] = self._table_info(table)
        return list(found)

    def _table_info(self, table: str) -> list[tuple]:
        keys = self.primary_key(table) if self._catalogue(
            "SELECT to_regclass(%s) IS NOT NULL", (table,))[0][0] else []
        rows = self._catalogue(
            "SELECT column_name, data_type, is_nullable = 'NO', column_default, is_identity = 'YES' "
            "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s "
            "ORDER BY ordinal_position", (table.lower(),))
        types = {"bigint": "INTEGER", "integer": "INTEGER", "text": "TEXT", "double precision": "REAL"}
        out = []
        for cid, (name, typ, notnull, default, identity) in enumerate(rows):
            if default is not None:
                default = re.sub(r"::(text|bigint|integer|double precision)$", "", default)
            pk = keys.index(name) + 1 if name in keys else 0
            out.append((cid, name, types.get(typ, typ.upper()), int(notnull and not pk),
                        None if identity else default, pk))
        return out


# ---- errors ------------------------------------------------------------------------------------------------
_CONFLICT = "数据与已有记录冲突（如编号重复），本次操作没有保存。"
_SCHEMA = "服务器上的数据库结构与本程序不符（可能不是 xinfang 的数据库，或被改动过），请联系管理员。"
_BY_STATE = {
    "23505": (_CONFLICT, False),
    "23503": ("要保存的记录引用了不存在的记录（或仍被其他记录引用），本次操作没有保存。", False),
    "40001": ("与其他用户的操作同时发生冲突，本次操作没有保存，请重试。", True),
    "40P01": ("与其他用户的操作同时发生冲突，本次操作没有保存，请重试。", True),
    "55P03": ("数据正被其他用户使用，等待后仍未释放，请稍后再试。", True),
    "57014": ("数据库服务器取消了这次操作（超时或被管理员中止），本次操作没有保存，请稍后再试。", True),
    "25006": ("服务器上的数据库是只读的（只读账号或只读副本），不能保存修改。", True),
    "42501": ("数据库账号没有这项操作的权限，请联系管理员。", True),
    "53100": ("数据库服务器的磁盘空间已满，本次操作没有保存，请联系管理员。", True),
    "53200": ("数据库服务器内存不足，本次操作没有保存，请稍后再试。", True),
    "53300": ("数据库服务器的连接数已满，请稍后再试或联系管理员。", True),
    "42P01": (_SCHEMA, False),
    "42703": (_SCHEMA, False),
}
_LOST = "与数据库服务器的连接中断，本次操作没有保存；请检查网络后重试。"


def storage_error(exc: psycopg.Error) -> StorageError:
    """The StorageError for a psycopg error: a Chinese sentence by SQLSTATE. A restrict violation is one of
    our own triggers (the append-only tables), whose message is Chinese already."""
    state = exc.sqlstate or ""
    if state == "23001" and exc.diag.message_primary:
        return StorageError(exc.diag.message_primary)
    if state in _BY_STATE:
        message, environmental = _BY_STATE[state]
        return StorageError(message, environmental)
    if state.startswith("23"):
        return StorageError(_CONFLICT)
    if state.startswith(("08", "57P")) or isinstance(exc, psycopg.OperationalError) and not state:
        return StorageError(_LOST, environmental=True)
    return StorageError(f"数据库操作失败（SQLSTATE {state or '未知'}），本次操作没有保存。")


class _errors:
    """Raise psycopg errors as StorageError (the psycopg error stays as its cause)."""

    def __enter__(self):
        return self

    def __exit__(self, typ, exc, tb):
        if isinstance(exc, psycopg.Error):
            raise storage_error(exc) from exc
        return False

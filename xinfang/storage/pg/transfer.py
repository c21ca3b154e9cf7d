"""Moving an office's SQLite file onto a PostgreSQL server (issue 12 §3, `xinfang migrate-to`): the copy.

The source is opened immutable (nothing is written beside it, not even -wal/-shm) after making sure no program
holds un-checkpointed changes in its -wal; its size and time are compared again after the copy, so a program
that wrote to it meanwhile is noticed. The target must have no tables at all.

Everything happens in ONE server transaction: the schema (pg/migrations), the rows of every table by COPY, the
search indexes rebuilt from the rows (FTS5 tables do not travel), the identity sequences. Inside it the
secondary indexes and foreign keys are dropped and made again after the rows (one sorted build instead of
millions of inserts; one validating join per key instead of a check per row) and the tables' own triggers are
off (the rows are copies: `events_ended` and `clocks_owner` must not rewrite them). A failure rolls all of it
back, DDL included: the target is left empty. Committed, the database carries `MOVE_STATE_KEY` in meta until
the caller's verification passes; `Store` refuses a database so marked (see `unfinished_move`)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Callable

from ...domain.problems import DomainError
from .. import bulk
from .. import db as lite_db
from . import copying
from . import db as pg_db

MOVE_STATE_KEY = "move_unverified"    # meta: a copy not (yet) verified; its value says where from
MOVED_FROM_KEY = "moved_from"         # meta: where a verified copy came from (kept: provenance)
OWN_META = (MOVE_STATE_KEY, MOVED_FROM_KEY)
# each engine's own record of its migrations (and SQLite's bulk-load bookkeeping): never copied
ENGINE_META = ("schema_version", "migrations", "bulk_pending_indexes")
_NOT_COUNTED = OWN_META + ENGINE_META
REBUILT = ("case_search", "dispute_search")    # FTS5 on SQLite: built again from the rows on the server
SEARCH_BATCH = 20_000
UNFINISHED_MOVE = ("服务器上的这个数据库是一次没有通过核验（或核验被中断）的迁移（migrate-to）结果，不能使用，"
                   "也不能在其上再迁移。请让管理员删除这个数据库、新建一个空数据库后，再迁移一次")

Progress = Callable[[str, int, int], object]    # (what, done, total)


# ---- the source ------------------------------------------------------------------------------------------
def _stamp(p: Path) -> tuple:
    wal = Path(f"{p}-wal")
    st = p.stat()
    return st.st_size, st.st_mtime_ns, wal.stat().st_size if wal.exists() else 0


def open_source(path: str | Path) -> tuple[sqlite3.Connection, tuple]:
    """(read-only connection, stamp) of a SQLite database to move. Refused in Chinese: a missing or foreign
    file, a file in use (a non-empty -wal), a file of another version than this program's."""
    p = Path(path)
    if not p.exists():
        raise DomainError(f"数据库文件“{p}”不存在")
    if p.is_dir():
        raise DomainError(f"“{p}”是文件夹，不是数据库文件")
    lite_db._refuse_foreign(p)
    stamp = _stamp(p)
    if stamp[2]:
        raise DomainError(f"数据库文件“{p.name}”旁有尚未写回的日志（{p.name}-wal），可能有程序正在使用它。"
                          "请先关闭所有使用这个数据库的程序（其他电脑上的也要关闭），再迁移")
    try:
        conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                               isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA query_only = ON")
        applied = lite_db.applied_migrations(conn)
    except sqlite3.DatabaseError as exc:
        raise DomainError(f"“{p.name}”不是可以读取的数据库文件（{exc}）") from None
    known = {v for v, _ in lite_db.migrations()}
    if applied != known:
        conn.close()
        if applied - known:
            raise DomainError(f"数据库文件“{p.name}”的版本（{max(applied)}）比本程序新，请用新版本的程序迁移")
        raise DomainError(f"数据库文件“{p.name}”的版本（{max(applied, default=0)}）比本程序（{lite_db.LATEST_VERSION}）"
                          "旧。迁移不改动源文件，所以不替它升级：请先用本版本的程序打开它一次（自动升级并备份），"
                          "关闭程序后再迁移")
    return conn, stamp


def source_unchanged(path: str | Path, stamp: tuple) -> bool:
    return _stamp(Path(path)) == stamp


def source_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables that travel as rows: every table except SQLite's own and the FTS5 tables with their shadows."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "ORDER BY name").fetchall()
    virtual = [n for n, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return [n for n, _ in rows if n not in virtual and not any(n.startswith(v + "_") for v in virtual)]


def counts(conn, tables: list[str]) -> dict[str, int]:
    """Rows per table (meta without this module's own keys). Works on both engines' connections."""
    out = {}
    for t in tables:
        sql = f"SELECT count(*) FROM {t}"
        if t == "meta":
            sql += f" WHERE key NOT IN ({', '.join(repr(k) for k in _NOT_COUNTED)})"
        out[t] = conn.execute(sql).fetchone()[0]
    return out


def head(conn) -> tuple[int, str]:
    """The ledger head (the anchor) on either engine."""
    from .. import ledger
    return ledger.head(conn)


def _lite_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


# ---- the target ------------------------------------------------------------------------------------------
def target_tables(raw) -> list[str]:
    return [r[0] for r in raw.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                      "ORDER BY tablename")]


def refuse_non_empty(raw) -> None:
    """The target must hold no table at all (checks its encoding and sort rules too)."""
    pg_db.check_database(raw)
    tables = target_tables(raw)
    if not tables:
        return
    if "meta" in tables and unfinished_move(raw):
        raise DomainError(UNFINISHED_MOVE)
    raise DomainError(f"目标数据库不是空的（已有 {len(tables)} 张数据表）：迁移只写入空数据库，以免覆盖或混入已有数据。"
                      "请让管理员新建一个空数据库（CREATE DATABASE 库名 TEMPLATE template0 ENCODING 'UTF8' "
                      "LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'）后再迁移")


def unfinished_move(raw) -> str | None:
    """The value of MOVE_STATE_KEY when this server database is a move not (yet) verified, else None."""
    if not raw.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0]:
        return None
    row = raw.execute("SELECT value FROM meta WHERE key = %s", (MOVE_STATE_KEY,)).fetchone()
    return row[0] if row else None


def mark_verified(raw, moved_from: dict) -> None:
    """The verification passed: the database becomes usable; where it came from stays in meta."""
    with pg_db.transaction(raw):
        raw.execute("DELETE FROM meta WHERE key = %s", (MOVE_STATE_KEY,))
        raw.execute("INSERT INTO meta(key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (MOVED_FROM_KEY, json.dumps(moved_from, ensure_ascii=False)))


def _deferred(raw) -> tuple[list[str], list[str]]:
    """(drop statements, create statements) for the foreign keys and the indexes that back no constraint."""
    drops, creates = [], []
    for table, name, definition in raw.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace ORDER BY conname"):
        drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        creates.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for name, definition in raw.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relnamespace = current_schema()::regnamespace "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname"):
        drops.append(f'DROP INDEX "{name}"')
        creates.insert(0, definition)          # indexes before the keys: a key's check may use them
    return drops, creates


def _triggered_tables(raw) -> list[str]:
    return [r[0] for r in raw.execute(
        "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace ORDER BY 1")]


def _identity(raw) -> list[tuple[str, str]]:
    return raw.execute("SELECT table_name, column_name FROM information_schema.columns "
                       "WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY 1").fetchall()


def _copy_table(src: sqlite3.Connection, raw, table: str, total: int, progress: Progress | None,
                batch: int) -> int:
    types = copying.column_types(raw, table)
    target_cols = list(types)
    source_cols = _lite_columns(src, table)
    if set(target_cols) != set(source_cols):
        raise DomainError(f"数据表 {table} 在两边的列不同（文件：{'、'.join(source_cols)}；服务器："
                          f"{'、'.join(target_cols)}），程序错误，未迁移")
    cols = ", ".join(target_cols)
    key = "rowid" if _has_rowid(src, table) else "1"
    done = 0
    if progress is not None:
        progress(table, 0, total)
    where = f" WHERE key NOT IN ({', '.join(repr(k) for k in _NOT_COUNTED)})" if table == "meta" else ""
    with raw.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        copy.set_types(list(types.values()))     # dumpers by column type: C speed, no per-value lookup
        cur = src.execute(f"SELECT {cols} FROM {table}{where} ORDER BY {key}")
        while True:
            rows = cur.fetchmany(batch)
            if not rows:
                break
            for row in rows:
                copy.write_row(row)
            done += len(rows)
            if progress is not None:
                progress(table, done, total)
    return done


def _has_rowid(src: sqlite3.Connection, table: str) -> bool:
    sql = src.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0] or ""
    return "WITHOUT ROWID" not in sql.upper()


def _copy_case_search(src: sqlite3.Connection, raw, total: int, progress: Progress | None) -> int:
    """The cases' search documents, read from the source rows exactly as `Store.index_case` makes them on a
    server, written by COPY."""
    done, last = 0, 0
    if progress is not None:
        progress("case_search", 0, total)
    while True:
        rows = bulk.search_rows(src, last, SEARCH_BATCH)
        if not rows:
            break
        copying.copy_search(raw, copying.search_documents(rows))
        last = rows[-1][0]
        done += len(rows)
        if progress is not None:
            progress("case_search", done, total)
    return done


def copy_all(src: sqlite3.Connection, raw, tables: list[str], source_counts: dict[str, int],
             moved_from: dict, progress: Progress | None = None, batch: int = 5_000) -> dict[str, float]:
    """Schema, rows, search indexes and sequences into the empty target `raw` (a psycopg connection) in one
    transaction, committed with MOVE_STATE_KEY set. Any error rolls everything back (the target stays empty).
    Returns the seconds each step took (tables by name, "indexes", "commit", "analyze" …)."""
    import time
    import psycopg
    from ..errors import StorageError, translated
    from .connection import storage_error
    step = ["schema"]
    seconds: dict[str, float] = {}
    clock = [time.monotonic()]

    def note(what, done, total):
        if what != step[0]:
            now = time.monotonic()
            seconds[step[0]] = round(now - clock[0], 1)
            clock[0] = now
        step[0] = what
        if progress is not None:
            progress(what, done, total)
    try:
        with translated():
            _copy_all(src, raw, tables, source_counts, moved_from, note, batch)
    except psycopg.Error as exc:
        detail = (exc.diag.message_primary or "").strip()
        error = storage_error(exc)
        raise StorageError(f"{error.message.rstrip('。')}（在“{step[0]}”这一步{'：' + detail if detail else ''}）",
                           error.environmental) from exc
    note("analyze", 0, 0)
    raw.execute("ANALYZE")
    note("done", 0, 0)
    return seconds


def _copy_all(src, raw, tables, source_counts, moved_from, progress, batch) -> None:
    from ..mediation_store import rebuild_search as rebuild_dispute_search
    from .connection import PgConnection
    with pg_db.transaction(raw):
        pg_db.migrate(raw)
        have = set(target_tables(raw))
        missing = [t for t in tables if t not in have]
        extra = sorted(have - set(tables) - set(REBUILT))
        if missing or extra:
            raise DomainError("文件与服务器的数据表不一致（" + "；".join(
                x for x in (f"服务器缺少：{'、'.join(missing)}" if missing else "",
                            f"文件缺少：{'、'.join(extra)}" if extra else "") if x) + "），程序错误，未迁移")
        drops, creates = _deferred(raw)
        for statement in drops:
            raw.execute(statement)
        triggered = _triggered_tables(raw)
        for table in triggered:
            raw.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for table in tables:
            _copy_table(src, raw, table, source_counts[table], progress, batch)
        _copy_case_search(src, raw, source_counts.get("cases", 0), progress)
        progress("dispute_search", 0, source_counts.get("disputes", 0))
        rebuild_dispute_search(PgConnection(raw))
        for i, statement in enumerate(creates):
            progress("indexes", i, len(creates))
            raw.execute(statement)
        for table in triggered:
            raw.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        for table, column in _identity(raw):
            # the next id continues after the highest copied (SQLite's rowid rule: max + 1)
            raw.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                        f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)")
        raw.execute("INSERT INTO meta(key, value) VALUES (%s, %s)",
                    (MOVE_STATE_KEY, json.dumps(moved_from, ensure_ascii=False)))
        progress("commit", 0, 1)

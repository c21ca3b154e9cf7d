"""Opening a PostgreSQL database: connection, the checks the data needs, migrations under a lock.

The server counterpart of storage/db.py. Migrations live in pg/migrations/ and carry the number of the
SQLite migration they mirror (0028 holds everything up to SQLite's 0028), so one number means one change
of the schema on both engines; `meta` records the applied set exactly as on SQLite."""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import psycopg

from ...domain.problems import DomainError
from ..engine import is_server_url  # noqa: F401  (re-exported)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
PASSWORD_VARIABLE = "XINFANG_DB_PASSWORD"
_MIGRATION_LOCK = 0x78696E66616E67   # pg_advisory_xact_lock key for migrations ("xinfang")


def migrations() -> list[tuple[int, Path]]:
    return sorted((int(p.name.split("_", 1)[0]), p) for p in MIGRATIONS_DIR.glob("*.sql"))


LATEST_VERSION = migrations()[-1][0]


def connect(target: str, password: str | None = None) -> psycopg.Connection:
    """A connection in autocommit mode (transactions are explicit, as on SQLite). `target` is a URL or a
    libpq key=value string; the password comes from the argument, XINFANG_DB_PASSWORD or libpq's own
    .pgpass lookup, and is never written anywhere by this program."""
    password = password if password is not None else os.environ.get(PASSWORD_VARIABLE) or None
    kwargs = {"password": password} if password else {}
    try:
        conn = psycopg.connect(target, autocommit=True, application_name="xinfang", **kwargs)
    except psycopg.OperationalError as exc:
        raise DomainError(f"无法连接数据库服务器：{_first_line(exc)}。请检查地址、端口、用户名和密码，"
                          "以及服务器的 pg_hba.conf 是否允许本机连接") from exc
    conn.execute("SET TIME ZONE 'UTC'")          # the program stores its own ISO times; never the server's
    return conn


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or ["未知错误"])[0]


def check_database(conn: psycopg.Connection) -> None:
    """Refuse a database whose text rules would give other answers than SQLite: it must be UTF-8, sort
    byte-wise (ISO dates, case numbers, names in code point order) and see Chinese characters as word
    characters (pg_trgm finds nothing for them otherwise). Checked by behaviour, not by locale name."""
    encoding = conn.execute("SELECT pg_encoding_to_char(encoding) FROM pg_database "
                            "WHERE datname = current_database()").fetchone()[0]
    byte_order = conn.execute("SELECT 'B' < 'a' AND '张' < '李' AND 'a-b' < 'a0' AND '2025-10' < '2025-9'"
                              ).fetchone()[0]
    if encoding != "UTF8" or not byte_order:
        raise DomainError("服务器上的这个数据库的编码或排序规则不适合本程序（需要 UTF8 编码、C 排序）。"
                          "请让管理员按说明重新建库：CREATE DATABASE 库名 TEMPLATE template0 ENCODING 'UTF8' "
                          "LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'")
    word = conn.execute("SELECT '中' ~ '^[[:alnum:]]$'").fetchone()[0]
    if not word:
        raise DomainError("服务器上的这个数据库的字符分类（LC_CTYPE）把汉字当作标点，全文检索会找不到汉字。"
                          "请让管理员按说明重新建库：LC_CTYPE 'C.UTF-8'")


def applied_migrations(conn: psycopg.Connection) -> set[int]:
    has_meta = conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0]
    if not has_meta:
        return set()
    row = conn.execute("SELECT value FROM meta WHERE key = 'migrations'").fetchone()
    return set(json.loads(row[0])) if row else set()


def schema_version(conn: psycopg.Connection) -> int:
    return max(applied_migrations(conn), default=0)


def migrate(conn: psycopg.Connection) -> int:
    """Apply every migration the database lacks, all in one transaction (DDL is transactional on
    PostgreSQL: a failed upgrade leaves the old schema whole). Seats that open a new server at the same
    moment queue on an advisory lock; the later ones find nothing left to do. A database that had a
    migration this program does not know is refused."""
    check_database(conn)
    known = {v for v, _ in migrations()}
    with transaction(conn):
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        applied = applied_migrations(conn)
        if applied - known:
            raise DomainError(f"数据库版本（{max(applied)}）比本程序支持的版本（{LATEST_VERSION}）新，"
                              "请升级程序后再连接")
        if not applied:
            stray = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()[0]
            if stray:
                raise DomainError(f"服务器上的这个数据库已有 {stray} 张其他数据表，不是本程序的数据库；"
                                  "为避免改动它，不予使用。请连接一个空数据库或 xinfang 的数据库")
        had_data = bool(applied)
        for version, script in migrations():
            if version in applied:
                continue
            conn.execute(script.read_text(encoding="utf-8"))
            after = _AFTER_SCRIPT.get(version)
            if after is not None and had_data:
                after(conn)
            applied.add(version)
        conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', %s), ('migrations', %s) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                     (str(max(applied)), json.dumps(sorted(applied))))
    return max(applied)


def _index_disputes(conn: psycopg.Connection) -> None:
    """Version 38: the disputes registered before it get their search text (the fields of
    mediation_store.search_documents on SQLite)."""
    from . import search
    people: dict[int, tuple[list, list]] = {}
    for did, name, agent, id_number, phone in conn.execute(
            "SELECT dispute_id, name, agent, id_number, phone FROM dispute_parties ORDER BY dispute_id, pos"):
        names, ids = people.setdefault(did, ([], []))
        names += [x for x in (name, agent) if x]
        ids += [x for x in (id_number, phone) if x]
    rows = []
    for did, number, mediators, referral_no, summary, requests in conn.execute(
            "SELECT id, number, mediator_names, referral_no, summary, requests FROM disputes ORDER BY id"):
        names, ids = people.get(did, ([], []))
        rows.append((did, *search.document(number, names + [x for x in mediators.split("、") if x],
                                           ids + ([referral_no] if referral_no else []), [summary, requests])))
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO dispute_search(dispute_id, doc, grams) VALUES (%s, %s, %s)", rows)


# Data steps that SQL alone cannot do, run in the same transaction right after a migration's script.
_AFTER_SCRIPT = {38: _index_disputes}


@contextmanager
def transaction(conn: psycopg.Connection) -> Iterator[psycopg.Connection]:
    """One transaction, rolled back on any error (the counterpart of db.transaction)."""
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        yield conn
        return
    with conn.transaction():
        yield conn

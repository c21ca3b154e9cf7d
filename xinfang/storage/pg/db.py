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
from ..errors import ServerLoginError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
PASSWORD_VARIABLE = "XINFANG_DB_PASSWORD"
_MIGRATION_LOCK = 0x78696E66616E67   # pg_advisory_xact_lock key for migrations ("xinfang")


def migrations() -> list[tuple[int, Path]]:
    return sorted((int(p.name.split("_", 1)[0]), p) for p in MIGRATIONS_DIR.glob("*.sql"))


LATEST_VERSION = migrations()[-1][0]


CONNECT_TIMEOUT = 5      # seconds: a server that is down or unreachable is told quickly, not after minutes


def connect(target: str, password: str | None = None) -> psycopg.Connection:
    """A connection in autocommit mode (transactions are explicit, as on SQLite). `target` is a URL or a
    libpq key=value string; the password comes from the argument, XINFANG_DB_PASSWORD or libpq's own
    .pgpass lookup, and is never written anywhere by this program. A failure is a ServerLoginError whose
    `reason` says what went wrong (the front ends ask for a password on "password_needed"/"password_wrong")."""
    password = password if password is not None else os.environ.get(PASSWORD_VARIABLE) or None
    kwargs: dict = {"password": password} if password else {}
    parts = _parts(target)
    if "connect_timeout" not in parts:
        kwargs["connect_timeout"] = CONNECT_TIMEOUT
    try:
        conn = psycopg.connect(target, autocommit=True, application_name="xinfang", **kwargs)
    except psycopg.Error as exc:
        raise login_error(exc, parts) from exc
    conn.execute("SET TIME ZONE 'UTC'")          # the program stores its own ISO times; never the server's
    # a search count's bitmap of up to a million rows stays exact: a lossy one would recompute the characters of
    # every row on its pages (pg/search.py); 32 MB per seat, only while a statement needs it
    conn.execute("SET work_mem = '32MB'")
    return conn


def _parts(target: str) -> dict:
    try:
        return psycopg.conninfo.conninfo_to_dict(target)
    except psycopg.Error:
        raise ServerLoginError("数据库服务器地址的写法不对，应为 postgresql://用户名@服务器地址[:端口]/数据库名",
                               "refused") from None


def describe_server(parts: dict) -> str:
    """"host:port" as a person reads it (a socket folder is shown as 本机)."""
    host = str(parts.get("host") or "本机")
    host = "本机" if host.startswith("/") else host
    return f"{host}:{parts.get('port') or 5432}"


_UNREACHABLE = ("connection refused", "could not connect", "timeout expired", "no such file or directory",
                "failed to resolve host", "could not translate host name", "name or service not known",
                "network is unreachable", "no route to host", "server closed the connection",
                "ssl negotiation", "is the server running")


def login_error(exc: Exception, parts: dict) -> ServerLoginError:
    """The Chinese sentence for a failed connection, by what libpq or the server said."""
    text = str(exc)
    low = text.lower()
    user = parts.get("user") or "（操作系统用户名）"
    database = parts.get("dbname") or user
    where = describe_server(parts)
    if "no password supplied" in low:
        return ServerLoginError(f"连接数据库服务器 {where} 需要用户“{user}”的密码。请输入密码，或用环境变量 "
                                f"{PASSWORD_VARIABLE}、.pgpass 文件提供（见 README）", "password_needed")
    if any(x in low for x in ("password authentication failed", "密码认证失败", "口令认证失败")):
        return ServerLoginError(f"数据库服务器 {where} 拒绝了用户“{user}”的密码：密码错误，或没有这个用户。"
                                "请核对后重试", "password_wrong")
    if "role" in low and "does not exist" in low:
        return ServerLoginError(f"数据库服务器 {where} 上没有用户“{user}”，请核对用户名，或请管理员建立", "no_role")
    if "database" in low and "does not exist" in low:
        return ServerLoginError(f"数据库服务器 {where} 上没有名为“{database}”的数据库。请核对数据库名，"
                                "或请管理员按 README 的说明建库", "no_database")
    if "pg_hba.conf" in low:
        return ServerLoginError(f"数据库服务器 {where} 不允许本机以用户“{user}”连接数据库“{database}”"
                                "（服务器的 pg_hba.conf 中没有本机地址）。请联系管理员", "not_allowed")
    if any(x in low for x in _UNREACHABLE):
        return ServerLoginError(f"无法连接数据库服务器 {where}：服务器没有运行、地址或端口有误，或网络、防火墙不通。"
                                "请检查后重试，或联系管理员", "unreachable")
    return ServerLoginError(f"无法连接数据库服务器 {where}：{_first_line(exc)}。请检查地址、端口、用户名和密码，"
                            "以及服务器的 pg_hba.conf 是否允许本机连接", "refused")


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
            raise DomainError(NEWER_DATABASE.format(v=max(applied)))
        if not applied:
            stray = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()[0]
            if stray:
                raise DomainError(FOREIGN_DATABASE.format(n=stray))
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


def open_read_only(conn: psycopg.Connection) -> int:
    """Read-only opening: nothing is created or upgraded, and every transaction of this session is READ
    ONLY (the server refuses any write, whatever the program does). The database must be xinfang's and
    already at this program's version."""
    check_database(conn)
    state = probe(conn)
    if state["state"] == "empty":
        raise DomainError("服务器上的这个数据库是空的：只读方式不能建库。请先以可写方式连接一次（会建立数据表）")
    if state["state"] == "foreign":
        raise DomainError(FOREIGN_DATABASE.format(n=state["tables"]))
    if state["state"] == "newer":
        raise DomainError(NEWER_DATABASE.format(v=state["version"]))
    if state["version"] < LATEST_VERSION:
        raise DomainError(f"服务器上的数据库需要升级（版本 {state['version']} → {LATEST_VERSION}），只读方式不能升级。"
                          "请先以可写方式连接一次（由有写权限的用户）")
    conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    conn.execute("SET default_transaction_read_only = on")
    return state["version"]


def may_write(conn: psycopg.Connection) -> bool:
    """Whether this login may change the data (a role given SELECT only is opened read-only)."""
    if not conn.execute("SELECT to_regclass('events') IS NOT NULL").fetchone()[0]:
        return True          # a new database: the migration needs (and tests) the right to create
    return bool(conn.execute("SELECT has_table_privilege('events', 'INSERT')").fetchone()[0])


FOREIGN_DATABASE = ("服务器上的这个数据库已有 {n} 张其他数据表，不是本程序的数据库；为避免改动它，不予使用。"
            "请连接一个空数据库或 xinfang 的数据库")
NEWER_DATABASE = "数据库版本（{v}）比本程序支持的版本（%d）新，请升级程序后再连接" % LATEST_VERSION


def probe(conn: psycopg.Connection) -> dict:
    """What a connection test tells the person, without changing anything: "empty" (a new database: the
    program will create its tables), "xinfang" (its version and case count), "newer" (a newer program's
    database) or "foreign" (someone else's tables: refused)."""
    applied = applied_migrations(conn)
    if not applied:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").fetchone()[0]
        return {"state": "foreign" if tables else "empty", "version": 0, "tables": tables, "cases": 0}
    version = max(applied)
    if applied - {v for v, _ in migrations()}:
        return {"state": "newer", "version": version, "tables": 0, "cases": 0}
    cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
    return {"state": "xinfang", "version": version, "tables": 0, "cases": cases}


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
        doc = search.document(number, names + [x for x in mediators.split("、") if x],
                              ids + ([referral_no] if referral_no else []), [summary, requests])
        rows.append((did, doc, search.grams_of(doc)))        # the table of 0038 still has `grams` (until 0066)
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

"""Backups of a server database with PostgreSQL's own client tools (issue 12 §3): `pg_dump -Fc` from an
exported snapshot (so the manifest's counts and ledger anchor describe exactly what the dump holds), reading
an archive back through `pg_restore` (every data block decoded, rows counted per table), and restoring an
archive into an empty database in one transaction."""
from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import psycopg

from ...domain.problems import DomainError

TOOLS_MISSING = ("本机没有 PostgreSQL 客户端工具（{tool}），无法备份或恢复服务器数据库。请安装与服务器同版本（或更新）"
                 "的 PostgreSQL 客户端：Debian、统信 UOS、麒麟上安装 postgresql-client，Windows 上安装 PostgreSQL "
                 "安装包中的“Command Line Tools”；也可由信息中心在服务器上用 pg_dump 做每日备份（见 README）。"
                 "如工具装在别处，可用环境变量 XINFANG_PG_BIN 指明其所在文件夹")
_COPY = re.compile(rb'^COPY (?:"?(\w+)"?\.)?"?(\w+)"? \(')


def client_tool(name: str) -> str:
    """The path of pg_dump / pg_restore: XINFANG_PG_BIN, the PATH, then the usual install folders (the
    newest version first: a newer pg_dump reads an older server, not the reverse)."""
    exe = name + (".exe" if os.name == "nt" else "")
    chosen = os.environ.get("XINFANG_PG_BIN")
    if chosen:
        path = Path(chosen) / exe
        if path.is_file():
            return str(path)
        raise DomainError(TOOLS_MISSING.format(tool=exe) + f"（XINFANG_PG_BIN 指向的“{chosen}”中没有 {exe}）")
    found = shutil.which(name)
    if found:
        return found
    patterns = ["/usr/lib/postgresql/*/bin/" + exe, "/usr/pgsql-*/bin/" + exe, "/opt/homebrew/opt/libpq/bin/" + exe,
                r"C:\Program Files\PostgreSQL\*\bin\\" + exe]

    def version(p: str) -> float:
        m = re.search(r"(\d+(?:\.\d+)?)", Path(p).parent.parent.name.replace("pgsql-", ""))
        return float(m.group(1)) if m else 0.0
    candidates = sorted((p for pattern in patterns for p in glob.glob(pattern)), key=version, reverse=True)
    if candidates:
        return candidates[0]
    raise DomainError(TOOLS_MISSING.format(tool=name))


def _environment(password: str | None) -> dict:
    env = {**os.environ, "PGAPPNAME": "xinfang-backup", "PGCONNECT_TIMEOUT": "15"}
    if password:
        env["PGPASSWORD"] = password          # given to the child only, never written anywhere
    return env


def _tool_error(tool: str, stderr: str) -> DomainError:
    text = stderr.strip()
    if "version mismatch" in text or "aborting because of server version mismatch" in text:
        return DomainError(f"本机的 {tool} 版本比服务器的 PostgreSQL 旧，不能备份它：请安装与服务器同版本或更新的 "
                           f"PostgreSQL 客户端。（{text.splitlines()[-1]}）")
    if "password authentication failed" in text or "no password supplied" in text:
        return DomainError(f"{tool} 无法登录数据库服务器（密码不对或未提供）：请用环境变量 XINFANG_DB_PASSWORD 或 "
                           ".pgpass 文件提供密码")
    detail = "；".join(line for line in text.splitlines()[:3] if line) or "没有输出"
    return DomainError(f"{tool} 未能完成：{detail}")


# ---- reading the live database -------------------------------------------------------------------------
def table_names(conn: psycopg.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                       "ORDER BY tablename")]


def table_counts(conn: psycopg.Connection) -> dict[str, int]:
    """Rows per table of the program's schema (read in the caller's transaction: the dump's snapshot)."""
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in table_names(conn)}


def relations(conn: psycopg.Connection) -> int:
    """Tables, views and sequences in the database's schema: 0 for a database nothing was put in yet."""
    return conn.execute("SELECT count(*) FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
                        "AND relkind IN ('r', 'p', 'v', 'm', 'S', 'f')").fetchone()[0]


@contextmanager
def exported_snapshot(conn: psycopg.Connection) -> Iterator[str]:
    """A read-only REPEATABLE READ transaction on `conn` whose snapshot pg_dump can share (--snapshot):
    what the caller reads inside it and what the dump holds are the same moment of the database."""
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    try:
        yield conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
    finally:
        conn.execute("ROLLBACK")


# ---- the archive -------------------------------------------------------------------------------------------
def dump(target: str, password: str | None, dest: Path, snapshot: str | None = None) -> None:
    """`pg_dump -Fc` of the database at `target` into `dest` (written as dest.partial, then renamed)."""
    tool = client_tool("pg_dump")
    partial = dest.with_name(dest.name + ".partial")
    args = [tool, "--format=custom", "--no-owner", "--no-privileges", "--file", str(partial)]
    if snapshot:
        args.append(f"--snapshot={snapshot}")
    try:
        done = subprocess.run(args + ["--dbname", target], env=_environment(password), capture_output=True,
                              text=True, encoding="utf-8", errors="replace")
        if done.returncode != 0:
            raise _tool_error("pg_dump", done.stderr)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)


def archive_counts(path: Path, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Rows per table that the archive holds, read by decoding all of it with pg_restore (a damaged or
    truncated archive fails here). A table with no rows may be absent from the answer."""
    tool = client_tool("pg_restore")
    proc = subprocess.Popen([tool, "--file=-", "--data-only", str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=_environment(None))
    counts: dict[str, int] = {}
    table, rows, lines = None, 0, 0
    assert proc.stdout is not None
    for line in proc.stdout:
        lines += 1
        if table is None:
            m = _COPY.match(line)
            if m:
                table, rows = m.group(2).decode(), 0
        elif line.startswith(b"\\.") and line.rstrip(b"\r\n") == b"\\.":
            counts[table] = counts.get(table, 0) + rows
            table = None
        else:
            rows += 1
        if progress and lines % 100_000 == 0:
            progress(lines)
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.wait() != 0 or table is not None:
        raise _tool_error("pg_restore", stderr or "备份文件在数据中间结束（被截断）")
    return counts


def restore(target: str, password: str | None, path: Path) -> None:
    """Load the archive into the (empty) database at `target` in one transaction: an error leaves it empty."""
    tool = client_tool("pg_restore")
    done = subprocess.run([tool, "--no-owner", "--no-privileges", "--no-comments", "--exit-on-error",
                           "--single-transaction", "--dbname", target, str(path)],
                          env=_environment(password), capture_output=True, text=True, encoding="utf-8",
                          errors="replace")
    if done.returncode != 0:
        raise _tool_error("pg_restore", done.stderr)


# ---- what the services call --------------------------------------------------------------------------------
def connection_target(conn: psycopg.Connection) -> tuple[str, str | None]:
    """(libpq connection string without the password, the password) of an open connection: the client
    tools reach the same database as the program, and the password goes to them in their environment."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo
    # only what every libpq since 10 knows: the client tools may be older than psycopg's own libpq
    keep = {k: v for k, v in conninfo_to_dict(conn.info.dsn).items() if k in _PORTABLE and v not in (None, "")}
    return make_conninfo(**keep), conn.info.password or None


_PORTABLE = ("host", "hostaddr", "port", "user", "dbname", "sslmode", "sslrootcert", "sslcert", "sslkey", "sslcrl",
             "connect_timeout", "target_session_attrs", "gssencmode", "krbsrvname", "requiressl")


def write_dump(conn: psycopg.Connection, dest: Path, extra: Callable[[], dict] | None = None) -> dict:
    """Dump the database of `conn` to `dest`; returns {"tables": rows per table, **extra()}, all read in the
    snapshot the dump was taken from."""
    target, password = connection_target(conn)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with exported_snapshot(conn) as snapshot:
        described = {"tables": table_counts(conn), **(extra() if extra else {})}
        dump(target, password, dest, snapshot)
    return described

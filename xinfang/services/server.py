"""Connecting to a database server (issue 12): the address a person types, the password, the connection
test of the start dialog. Front ends use this module, never storage.

The password is never stored by the program: it comes from XINFANG_DB_PASSWORD, libpq's .pgpass file or
the person (a prompt, the dialog's password field), and lives in this process's memory only (workers and
the processes of `check` inherit it from the process environment)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, unquote, urlsplit

from ..domain.problems import DomainError
from ..storage.engine import is_server_url
from ..storage.errors import ServerLoginError

__all__ = ["ServerAddress", "ServerLoginError", "is_server_url", "use_password", "check_target",
           "test_connection", "PASSWORD_VARIABLE", "DEFAULT_PORT"]

PASSWORD_VARIABLE = "XINFANG_DB_PASSWORD"
DEFAULT_PORT = 5432
PASSWORD_IN_URL = ("不要把密码写在数据库地址里（会留在命令历史和设置中）：请在提示时输入，或用环境变量 "
                   f"{PASSWORD_VARIABLE}、.pgpass 文件提供（见 README）")


@dataclass(frozen=True)
class ServerAddress:
    """What the start dialog asks for: 服务器地址, 端口, 数据库, 用户名 (never the password)."""
    host: str
    port: int = DEFAULT_PORT
    database: str = "xinfang"
    user: str = "xinfang"

    def url(self) -> str:
        if self.host.startswith("/"):         # a local socket folder (Linux): libpq takes it as a parameter
            return (f"postgresql:///{quote(self.database, safe='')}?host={quote(self.host, safe='')}"
                    f"&port={self.port}&user={quote(self.user, safe='')}")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"postgresql://{quote(self.user, safe='')}@{host}:{self.port}/{quote(self.database, safe='')}"

    @classmethod
    def from_fields(cls, host: str, port: str | int, database: str, user: str) -> "ServerAddress":
        """The dialog's fields, checked, with a Chinese message naming the field."""
        host, database, user = host.strip(), database.strip(), user.strip()
        if not host:
            raise DomainError("请填写服务器地址（如 10.1.2.3 或 db.xinfang.local）")
        if any(c in host for c in "@ ") or ("/" in host and not host.startswith("/")):
            raise DomainError("服务器地址只写主机名或 IP 地址，不要带 / @ 或空格")
        try:
            number = int(str(port).strip() or DEFAULT_PORT)
        except ValueError:
            raise DomainError("端口应为 1 至 65535 之间的整数（PostgreSQL 默认 5432）") from None
        if not 1 <= number <= 65535:
            raise DomainError("端口应为 1 至 65535 之间的整数（PostgreSQL 默认 5432）")
        if not database:
            raise DomainError("请填写数据库名（管理员建库时起的名字，如 xinfang）")
        if not user:
            raise DomainError("请填写数据库用户名（管理员分配的，如 xinfang）")
        return cls(host, number, database, user)

    @classmethod
    def parse(cls, url: str) -> "ServerAddress":
        """The fields of a postgresql:// URL (for the dialog to show what was remembered)."""
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        host = query.get("host") or parts.hostname or "localhost"
        port = int(query.get("port") or parts.port or DEFAULT_PORT)
        user = query.get("user") or unquote(parts.username or "")
        return cls(host, port, unquote(parts.path.lstrip("/")) or query.get("dbname", ""), user)


def check_target(target: str) -> None:
    """Refuse a server URL that carries its password (it would end up in shell history, scripts and the
    remembered settings)."""
    if not is_server_url(target):
        return
    parts = urlsplit(target)
    if parts.password is not None or "password" in parse_qs(parts.query):
        raise DomainError(PASSWORD_IN_URL)


def use_password(password: str | None) -> None:
    """Keep the password the person typed for this process (its own later connections, its workers and
    the worker processes of `check`); it is never written to a file."""
    if password:
        os.environ[PASSWORD_VARIABLE] = password


def test_connection(url: str, password: str | None = None) -> dict:
    """测试连接: connect, check the database's text rules and say what is there, changing nothing.
    Returns {"state": "empty"|"xinfang", "version", "cases", "message"}; a refusal (wrong password, server
    down, wrong encoding, someone else's database, a newer program's) raises with the Chinese reason."""
    check_target(url)
    from ..storage.pg import db as pg_db
    from ..storage.errors import translated
    conn = pg_db.connect(url, password)
    try:
        with translated():
            pg_db.check_database(conn)
            state = pg_db.probe(conn)
    finally:
        conn.close()
    if state["state"] == "foreign":
        raise DomainError(pg_db.FOREIGN_DATABASE.format(n=state["tables"]))
    if state["state"] == "newer":
        raise DomainError(pg_db.NEWER_DATABASE.format(v=state["version"]))
    if state["state"] == "empty":
        message = "连接成功。这是一个空数据库：打开时将建立本程序的数据表（新单位的第一次使用）。"
    else:
        upgrade = "" if state["version"] >= pg_db.LATEST_VERSION else "；打开时将升级到本程序的版本"
        message = f"连接成功。这是本程序的数据库，已有案件 {state['cases']:,} 件{upgrade}。"
    return {**state, "message": message}

"""A real PostgreSQL server for the tests (issue 12 §4): `.ci/pg` initdb's it into a temporary folder
as an unprivileged user, socket only, and stops it when the session ends. Each test that asks for
`pg_database` gets a new empty database on it (CREATE DATABASE from template0, about 0.1 s).

Import the fixtures into a conftest.py (`from tests.pg_server import pg_server, pg_database`)."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[1]


class PgServer:
    def __init__(self, folder: Path, conninfo: str):
        self.folder = folder
        self.conninfo = conninfo            # the maintenance database "postgres"

    def dsn(self, dbname: str) -> str:
        return self.conninfo.replace("dbname=postgres", f"dbname={dbname}")

    def create_database(self, collate: str = "C", ctype: str = "C.UTF-8") -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                         f"LC_COLLATE '{collate}' LC_CTYPE '{ctype}'")
        return name

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def server_url(conninfo: str) -> str:
    """The postgresql:// URL of a libpq "key=value" string (what `--db` and Store take)."""
    from urllib.parse import quote
    parts = dict(item.split("=", 1) for item in conninfo.split())
    query = "&".join(f"{k}={quote(parts[k], safe='')}" for k in ("host", "port", "user") if k in parts)
    return f"postgresql:///{parts['dbname']}?{query}"


@pytest.fixture
def engine(request):
    """Parametrise a test over both storage engines: `@pytest.mark.parametrize("engine", ENGINES,
    indirect=True)`; gives the `--db` target (":memory:" or a new server database's URL)."""
    return engine_target(request)


ENGINES = ["sqlite", "postgresql"]


def engine_target(request) -> str:
    """For a fixture of any scope parametrised with ENGINES: ":memory:", or the URL of a new server
    database dropped when the fixture's scope ends."""
    if request.param == "sqlite":
        return ":memory:"
    server = request.getfixturevalue("pg_server")
    name = server.create_database()
    request.addfinalizer(lambda: server.drop_database(name))
    return server_url(server.dsn(name))


@pytest.fixture(scope="session")
def pg_server():
    # mkdtemp gives a 0700 folder directly under /tmp, which the server's own user can be given
    folder = Path(tempfile.mkdtemp(prefix="xinfang-pg-"))
    env = {**os.environ, "XINFANG_PG_FAST": "1"}
    started = subprocess.run(["bash", str(ROOT / ".ci" / "pg"), "start", str(folder)], env=env,
                             capture_output=True, text=True)
    if started.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"PostgreSQL 测试服务器没有启动：{started.stderr.strip()}", pytrace=False)
    try:
        yield PgServer(folder, started.stdout.strip().splitlines()[-1])
    finally:
        subprocess.run(["bash", str(ROOT / ".ci" / "pg"), "stop", str(folder)], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_database(pg_server):
    """The libpq connection string of a new, empty database (C collation, C.UTF-8 character classes)."""
    name = pg_server.create_database()
    try:
        yield pg_server.dsn(name)
    finally:
        pg_server.drop_database(name)

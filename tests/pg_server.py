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
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[1]


class PgServer:
    def __init__(self, folder: Path, conninfo: str):
        self.folder = folder
        self.conninfo = conninfo            # the maintenance database "postgres"
        self._templates: dict[tuple, str] = {}

    def dsn(self, dbname: str) -> str:
        return self.conninfo.replace("dbname=postgres", f"dbname={dbname}")

    def create_database(self, collate: str = "C", ctype: str = "C.UTF-8") -> str:
        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                         f"LC_COLLATE '{collate}' LC_CTYPE '{ctype}'")
        return name

    def copy_database(self, template: str) -> str:
        """A new database copied from `template` (which nobody may be connected to): ~0.3 s for ours."""
        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        return name

    def workspace_database(self, now: datetime | None, seed_reference: bool = True, sample: bool = True) -> str:
        """A new database as `Workspace.on_store` leaves a new one: migrated and, unless told otherwise, seeded
        at `now` (the seed's 权责清单 carries its time). Each kind is built once per session as a template
        (migrating and seeding ~0.7 s) and copied per test (CREATE DATABASE … TEMPLATE)."""
        key = (now if seed_reference else None, seed_reference, sample if seed_reference else False)
        template = self._templates.get(key)
        if template is None:
            from xinfang.services import Workspace
            from xinfang.storage.store import Store
            template = self.create_database()
            Workspace.on_store(Store(server_url(self.dsn(template))), lambda: now, None, seed_reference,
                               sample).close()
            self._templates[key] = template
        return self.copy_database(template)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def server_url(conninfo: str) -> str:
    """The postgresql:// URL of a libpq "key=value" string (what `--db` and Store take)."""
    from urllib.parse import quote
    parts = dict(item.split("=", 1) for item in conninfo.split())
    query = "&".join(f"{k}={quote(parts[k], safe='')}" for k in ("host", "port", "user") if k in parts)
    return f"postgresql:///{parts['dbname']}?{query}"


# ---- whole folders of tests on both engines (tests/services, tests/mediation, …) ---------------------------
class _Engine:
    """The engine the running test module was parametrised with: its server, or None for SQLite."""
    server: PgServer | None = None
    made: list[str] = []


ENGINE = _Engine()


def new_target(now: datetime | None = None, seed_reference: bool = True, sample: bool = True) -> str:
    """A new database of the running test's engine: ":memory:", or the URL of a server database copied from
    a template migrated (and seeded at `now`) once per session. `tests.helpers.open_workspace` uses it."""
    if ENGINE.server is None:
        return ":memory:"
    name = ENGINE.server.workspace_database(now, seed_reference, sample)
    ENGINE.made.append(name)
    return server_url(ENGINE.server.dsn(name))


def on_a_server() -> bool:
    return ENGINE.server is not None


def parametrise_engines(metafunc) -> None:
    """`pytest_generate_tests` of a folder whose tests run on both engines: every test that uses the
    folder's autouse `db_engine` fixture runs once per engine (module-scoped, so a module's SQLite tests run,
    then its server tests). `@pytest.mark.sqlite_only(reason="…")` keeps a test on SQLite: the reason names
    why (a file on this PC, or the area that has not reached the server yet)."""
    if "db_engine" not in metafunc.fixturenames:
        return
    only = metafunc.definition.get_closest_marker("sqlite_only")
    if only is not None and not (only.kwargs.get("reason") or only.args):
        raise pytest.UsageError(f"{metafunc.definition.nodeid}: sqlite_only needs a reason")
    metafunc.parametrize("db_engine", ["sqlite"] if only else ENGINES, indirect=True, scope="module")


def engine_choice(request):
    """The body of a folder's autouse, module-scoped `db_engine` fixture (a generator: `yield from`)."""
    if request.param == "sqlite":
        yield "sqlite"
        return
    server = request.getfixturevalue("pg_server")
    ENGINE.server = server
    try:
        yield "postgresql"
    finally:
        ENGINE.server = None
        for name in ENGINE.made:
            server.drop_database(name)
        ENGINE.made.clear()


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
    # the server goes when this process goes, even killed (a watcher started by .ci/pg)
    env = {**os.environ, "XINFANG_PG_FAST": "1", "XINFANG_PG_OWNER_PID": str(os.getpid())}
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

"""A server login that needs a password (issue 12 §1), on the session's test server: for the CLI's prompt
and the start dialog's password field."""
import time
import uuid

import psycopg
import pytest

from tests.pg_server import server_url


@pytest.fixture
def password_db(pg_server, monkeypatch):
    """A role that must give a password (scram) and a database it owns: (url, password). Its pg_hba line
    names the role only, so every other test keeps the socket's trust."""
    role, password = "pw_" + uuid.uuid4().hex[:8], "Xf-" + uuid.uuid4().hex[:10]
    hba = pg_server.folder / "data" / "pg_hba.conf"
    hba.write_text(f"local all {role} scram-sha-256\n" + hba.read_text())
    name = pg_server.create_database()
    with psycopg.connect(pg_server.conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        conn.execute(f"ALTER DATABASE {name} OWNER TO {role}")
        conn.execute("SELECT pg_reload_conf()")
    _wait_for_reload(pg_server.dsn(name).replace("user=xinfang", f"user={role}"))
    monkeypatch.delenv("XINFANG_DB_PASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(pg_server.folder / "none.pgpass"))   # not the user's own
    url = server_url(pg_server.dsn(name)).replace("user=xinfang", f"user={role}")
    yield url, password
    pg_server.drop_database(name)


def _wait_for_reload(dsn: str) -> None:
    """pg_reload_conf only signals the server: wait until the role's new line is in force."""
    deadline = time.monotonic() + 10
    while True:
        try:
            psycopg.connect(dsn, password="", connect_timeout=5).close()
        except psycopg.OperationalError as exc:
            if "password" in str(exc):
                return
            raise
        assert time.monotonic() < deadline, "pg_hba.conf was not reloaded"
        time.sleep(0.05)

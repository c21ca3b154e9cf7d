"""schema.sql is canonical: a database built by the migrations has exactly that schema."""
import sqlite3
from pathlib import Path

import pytest

from xinfang.domain.problems import DomainError
from xinfang.storage.db import LATEST_VERSION, _split_sql, connect, migrate, schema_version

ROOT = Path(__file__).resolve().parents[2]


def schema_of(conn: sqlite3.Connection) -> list[tuple]:
    return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                               "WHERE name NOT LIKE 'sqlite_%'").fetchall())


def test_migrations_produce_schema_sql():
    migrated = connect(":memory:")
    migrate(migrated)
    canonical = connect(":memory:")
    for statement in _split_sql((ROOT / "schema.sql").read_text(encoding="utf-8")):
        canonical.execute(statement)
    assert schema_of(migrated) == schema_of(canonical)
    assert schema_version(migrated) == LATEST_VERSION


def test_refuses_a_newer_database(tmp_path):
    path = tmp_path / "x.db"
    conn = connect(path)
    migrate(conn, path)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(LATEST_VERSION + 1),))
    with pytest.raises(DomainError, match="请升级程序"):
        migrate(conn, path)


def test_pragmas(tmp_path):
    conn = connect(tmp_path / "p.db")
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2   # FULL


def test_a_lower_numbered_migration_landing_later_is_still_applied(tmp_path):
    """Migrations are numbered per developer and land in any order: a file made before the record of applied
    migrations, holding 0001 and 0009 only, still gets 0002 and every other one it lacks."""
    from xinfang.storage.db import MIGRATIONS_DIR, applied_migrations, transaction
    path = tmp_path / "v9.db"
    conn = connect(path)
    with transaction(conn):
        for name in ("0001_initial.sql", "0009_report_facts.sql"):
            for statement in _split_sql((MIGRATIONS_DIR / name).read_text(encoding="utf-8")):
                conn.execute(statement)
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', '9')")
    assert applied_migrations(conn) == {1, 9}
    migrate(conn, path)
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ledger'").fetchone()[0] == 1
    assert applied_migrations(conn) == {v for v, _ in __import__("xinfang.storage.db", fromlist=["x"]).migrations()}
    assert migrate(conn, path) == LATEST_VERSION          # nothing left to do

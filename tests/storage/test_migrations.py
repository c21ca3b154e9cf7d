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

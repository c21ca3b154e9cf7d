"""Opening files (issue 6 §4): read-only copies, foreign SQLite files, several processes creating one file."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from xinfang.domain.problems import DomainError
from xinfang.services.workspace import Workspace

from tests.helpers import register

NOW = datetime(2025, 9, 30, 10, 0)
ROOT = Path(__file__).resolve().parents[2]


def _read_only(path: Path) -> None:
    path.chmod(stat.S_IRUSR | stat.S_IRGRP)
    path.parent.chmod(stat.S_IRUSR | stat.S_IXUSR)


@pytest.fixture
def ro_dir(tmp_path):
    d = tmp_path / "cd"
    d.mkdir()
    yield d
    d.chmod(0o755)


@pytest.mark.parametrize("how", ["permissions", "asked"])
def test_a_read_only_copy_opens_for_viewing_and_printing_and_refuses_changes(tmp_path, ro_dir, how):
    """A copy on a CD: the file and its folder cannot be written (detected), or read-only is asked for
    (root, who may write anything, can only test the permission case through the asked one)."""
    if how == "permissions" and os.geteuid() == 0:
        how = "asked"
    src = tmp_path / "office.db"
    ws = Workspace.open(src, now=lambda: NOW)
    case = register(ws)
    ws.close()
    copy = ro_dir / "office.db"
    copy.write_bytes(src.read_bytes())
    _read_only(copy)
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    ws = Workspace.open(copy, now=lambda: NOW, read_only=True if how == "asked" else None)
    assert ws.read_only
    assert ws.count() == 1 and ws.case(case.number).number == case.number      # list and view
    assert ws.sheet_pdf(case.number, "clerk").startswith(b"%PDF")              # print
    assert ws.check()["ok"]
    with pytest.raises(DomainError, match="只读"):
        ws.act(case.number, "accept", "clerk")
    ws.close()
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in ro_dir.iterdir()) == ["office.db"]            # no -wal/-shm left behind


def test_a_writable_database_is_not_read_only(tmp_path):
    ws = Workspace.open(tmp_path / "x.db", now=lambda: NOW)
    assert not ws.read_only
    ws.close()


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers(name) VALUES ('甲')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DomainError, match="不是本程序的数据库"):
        Workspace.open(path, now=lambda: NOW)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


def test_an_empty_file_becomes_a_new_database(tmp_path):
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    ws = Workspace.open(path, now=lambda: NOW)
    assert ws.count() == 0 and ws.check()["ok"]
    ws.close()


def test_a_directory_is_refused_in_chinese(tmp_path):
    with pytest.raises(DomainError, match="文件夹"):
        Workspace.open(tmp_path, now=lambda: NOW)


def test_four_processes_starting_on_a_missing_file(tmp_path):
    """One creates and migrates, the others wait and open; every command succeeds; seeded once (a new
    database gets the national holidays; the two `init --sample` install the sample directory once)."""
    path = tmp_path / "new.db"
    cmd = [sys.executable, "-m", "xinfang", "--db", str(path), "--json"]
    procs = [subprocess.Popen(cmd + args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for args in (["init", "--sample"], ["case", "list"], ["check"], ["init", "--sample"])]
    results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in procs]
    assert [rc for rc, _ in results] == [0, 0, 0, 0], results
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM rule_sets").fetchone()[0] == 1
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    ws = Workspace.open(path, now=lambda: NOW)
    assert ws.check()["ok"]
    ws.close()

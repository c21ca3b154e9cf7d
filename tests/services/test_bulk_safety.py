"""The demo/bulk load never risks the file (issue 6 §1): WAL kept, indexes back at the next open whatever
happened, missing search entries reported by check and rebuilt by reindex, the same seed twice refused."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from xinfang.domain.problems import DomainError
from xinfang.services.demo import generate_demo
from xinfang.services.workspace import Workspace
from xinfang.storage.store import ListFilter

NOW = datetime(2026, 11, 22, 10, 30)
ROOT = Path(__file__).resolve().parents[2]

# A demo load that dies (os._exit, no cleanup) after its first batch of rows is committed.
KILLED_LOAD = """
import os, sys
from datetime import datetime
from xinfang.services.workspace import Workspace
from xinfang.services.demo import generate_demo
ws = Workspace.open(sys.argv[1], now=lambda: datetime(2026, 11, 22, 10, 30))
def progress(done, total):
    conn = ws.store.conn
    print(conn.execute("PRAGMA journal_mode").fetchone()[0], conn.execute("PRAGMA synchronous").fetchone()[0],
          conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'cases_channel'").fetchone()[0], flush=True)
    os._exit(9)
generate_demo(ws, 3000, seed=5, progress=progress, workers=2, chunk=1000)
"""


def test_a_load_killed_half_way_keeps_wal_and_gets_its_indexes_back(tmp_path):
    path = tmp_path / "d.db"
    Workspace.open(path, now=lambda: NOW).close()
    out = subprocess.run([sys.executable, "-c", KILLED_LOAD, str(path)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 9, out.stderr
    journal, synchronous, channel_index = out.stdout.split()
    assert journal == "wal" and synchronous == "1"       # WAL kept; only synchronous relaxed to NORMAL
    assert channel_index == "0"                          # the indexes were dropped for the load …
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert raw.execute("SELECT count(*) FROM meta WHERE key = 'bulk_pending_indexes'").fetchone()[0] == 1
    raw.close()
    ws = Workspace.open(path, now=lambda: NOW)           # … and are back at the next open
    names = {r[0] for r in ws.store.q("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"cases_channel", "cases_status", "petitioners_case", "cases_received"} <= names
    committed = ws.count()
    assert committed > 0
    assert ws.count(ListFilter(channel="来信")) > 0      # "no such index: cases_channel" before the fix
    report = ws.check()
    assert report["missing_from_search"] == committed   # the search index comes after the rows
    assert not report["ok"] and any("reindex" in p for p in report["problems"])
    assert ws.reindex() == committed
    report = ws.check()
    assert report["ok"], report["problems"]
    ws.close()


def test_the_same_seed_twice_is_refused_in_chinese_and_nothing_is_written(tmp_path):
    ws = Workspace.open(tmp_path / "d.db", now=lambda: NOW)
    generate_demo(ws, 200, seed=4)
    anchor = ws.anchor()
    with pytest.raises(DomainError, match="种子 4.*--seed 5"):
        generate_demo(ws, 200, seed=4)
    assert ws.anchor() == anchor and ws.count() == 200
    generate_demo(ws, 100, seed=5)                       # another seed continues the numbering
    assert ws.count() == 300 and ws.check()["ok"]
    ws.close()


def test_cli_demo_twice_and_reindex(tmp_path):
    db = str(tmp_path / "c.db")
    run = lambda *a: subprocess.run([sys.executable, "-m", "xinfang", "--db", db, *a], cwd=ROOT,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    assert run("demo", "--cases", "150").returncode == 0
    again = run("--json", "demo", "--cases", "150")
    assert again.returncode != 0 and "种子" in again.stderr and "Traceback" not in again.stderr
    done = run("--json", "reindex")
    assert done.returncode == 0 and '"cases": 150' in done.stdout


# on SQLite only where tests run on both engines (tests/pg_server.parametrise_engines)
pytestmark = pytest.mark.sqlite_only(reason="killed bulk loads of a SQLite file (WAL, dropped indexes); on a server: tests/pg/test_demo_on_server.py")

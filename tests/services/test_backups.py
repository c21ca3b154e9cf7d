"""Backups (issue 7 §3): consistent copies while another process writes, verification, restore, refusal of a
tampered or truncated copy, and the retention of automatic copies (7 daily + 4 weekly) with injected dates."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from xinfang.domain.problems import DomainError
from xinfang.services import Workspace
from xinfang.services.backups import Dated, retained, verify_copy

from tests.helpers import Clock, register

ROOT = Path(__file__).resolve().parents[2]

WRITER = """
import sys
from pathlib import Path
from xinfang.services import Workspace
from xinfang.services.intake import draft_from_dict
from tests.helpers import case_json
ws = Workspace.open(sys.argv[1])
stop = Path(sys.argv[2])
print("ready", flush=True)
n = 0
while not stop.exists():
    ws.register(draft_from_dict(case_json(name="并发", summary="写入进程 %d" % n)), "writer")
    n += 1
ws.close()
print(n, flush=True)
"""


@pytest.fixture
def file_ws(tmp_path):
    clock = Clock(datetime(2026, 11, 27, 9, 0))
    ws = Workspace.open(tmp_path / "office.db", now=clock)
    for i in range(5):
        register(ws, name=f"信访人{i}")
    yield ws, clock
    ws.close()


def _tamper_event(copy: Path) -> None:
    """Someone edits a recorded event in the copy with the sqlite3 shell (removing any guard triggers first)."""
    conn = sqlite3.connect(copy)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='events'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    row = conn.execute("SELECT id, payload FROM events ORDER BY id LIMIT 1").fetchone()
    payload = json.loads(row[1])
    payload["summary"] = "被改过的内容"
    conn.execute("UPDATE events SET payload = ? WHERE id = ?", (json.dumps(payload, ensure_ascii=False), row[0]))
    conn.commit()
    conn.close()


def _manifest(copy: Path) -> dict:
    return json.loads(copy.with_name(copy.name + ".json").read_text(encoding="utf-8"))


# ---- making and checking copies ---------------------------------------------------------------------------

def test_backup_has_a_manifest_and_verifies(file_ws):
    ws, _ = file_ws
    made = ws.backups.create()
    copy = Path(made["file"])
    assert copy.parent == Path(ws.store.path).resolve().parent / "backups"
    assert copy.name == "office-20261127-090000-manual.db"
    m = _manifest(copy)
    import hashlib
    assert m["sha256"] == hashlib.sha256(copy.read_bytes()).hexdigest()
    assert m["cases"] == 5 and m["source"] == str(Path(ws.store.path).resolve())
    assert m["created_at"] == "2026-11-27T09:00:00" and m["schema_version"] >= 1
    assert m["anchor"] == ws.anchor()          # the ledger head at the time of the copy (docs/ledger.md)
    report = ws.backups.verify(copy)
    assert report["ok"] and report["problems"] == [] and report["cases"] == 5
    (listed,) = ws.backups.list()
    assert listed["verified"]["ok"] is True and listed["kind_label"] == "手动"
    # the copy is a single self-contained file (not WAL)
    assert not [p for p in copy.parent.iterdir() if p.name.endswith(("-wal", "-shm"))]
    with open(copy, "rb") as fh:
        assert fh.read(20)[18:20] == b"\x01\x01"   # file format bytes: rollback journal, not WAL (2)


def test_backup_while_another_process_writes(file_ws, tmp_path):
    ws, _ = file_ws
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, ws.store.path, str(stop)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True)
    counts = []
    try:
        assert writer.stdout.readline().strip() == "ready"
        for i in range(3):
            before = ws.store.total_cases()
            deadline = time.monotonic() + 30
            while ws.store.total_cases() == before and time.monotonic() < deadline:
                time.sleep(0.05)                             # the writer has written since the last copy
            made = ws.backups.create(out=tmp_path / f"during-{i}.db")
            assert writer.poll() is None, "the writer was still running during the copy"
            report = verify_copy(made["file"])
            assert report["ok"], report["problems"]
            assert report["cases"] == made["cases"]
            counts.append(made["cases"])
    finally:
        stop.touch()
        out, _ = writer.communicate(timeout=60)
    written = int(out.strip())
    assert writer.returncode == 0 and written > 0
    assert counts == sorted(counts) and counts[0] > 5 and len(set(counts)) == 3
    assert ws.count() == 5 + written >= counts[-1]


def test_restore_replaces_the_database_and_keeps_the_current_one(file_ws):
    ws, clock = file_ws
    made = ws.backups.create()
    clock.advance(hours=1)
    for i in range(3):
        register(ws, name=f"后来{i}")
    assert ws.count() == 8
    result = ws.backups.restore(made["file"])
    assert result["ok"] and result["cases"] == 5
    assert ws.count() == 5 and ws.check()["ok"]
    register(ws, name="恢复后登记")                     # the restored database opens and takes writes
    assert ws.count() == 6
    previous = Path(result["previous_saved_as"])
    assert previous.name == "office-20261127-100000-prerestore.db"
    assert _manifest(previous)["cases"] == 8
    assert verify_copy(previous)["ok"]


def test_a_tampered_event_is_refused_even_with_a_rewritten_manifest(file_ws, tmp_path):
    ws, _ = file_ws
    made = ws.backups.create(out=tmp_path / "copy.db")
    copy = Path(made["file"])
    _tamper_event(copy)

    report = verify_copy(copy)
    assert not report["ok"]
    assert any("与备份清单不符" in p for p in report["problems"])   # sha256 or, if the file grew, its size
    first_case = ws.case_dict(ws.case(1))["number"]
    assert report["check"]["broken_chains"] == [first_case]
    assert any(first_case in p for p in report["problems"]), "the reason names the case"

    # the forger also rewrites the manifest: the chain check still refuses it
    m = _manifest(copy)
    import hashlib
    m["sha256"], m["size"] = hashlib.sha256(copy.read_bytes()).hexdigest(), copy.stat().st_size
    copy.with_name(copy.name + ".json").write_text(json.dumps(m), encoding="utf-8")
    report = verify_copy(copy)
    assert not report["ok"] and not any("清单不符" in p for p in report["problems"])
    assert report["check"]["broken_chains"] == [first_case]

    register(ws, name="恢复前的新件")
    with pytest.raises(DomainError) as refused:
        ws.backups.restore(copy)
    assert "未恢复" in refused.value.message
    assert ws.count() == 6, "nothing changed"
    assert not any(b["kind"] == "prerestore" for b in ws.backups.list())


def test_a_truncated_copy_is_refused(file_ws, tmp_path):
    ws, _ = file_ws
    copy = Path(ws.backups.create(out=tmp_path / "copy.db")["file"])
    size = copy.stat().st_size
    with open(copy, "r+b") as fh:
        fh.truncate(size // 2)
    report = verify_copy(copy)
    assert not report["ok"] and "截断" in report["problems"][0]
    # without its manifest the damage is still found by opening and checking the file
    copy.with_name(copy.name + ".json").unlink()
    report = verify_copy(copy)
    assert not report["ok"] and report["problems"]
    with pytest.raises(DomainError):
        ws.backups.restore(copy)
    assert ws.count() == 5


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"PK\x03\x04 not a database")
    report = verify_copy(junk)
    assert not report["ok"] and "不是 SQLite" in report["problems"][0]
    with pytest.raises(DomainError):
        verify_copy(tmp_path / "missing.db")


def test_restore_is_refused_while_another_connection_has_the_database_open(file_ws):
    ws, _ = file_ws
    made = ws.backups.create()
    register(ws, name="第六件")
    other = sqlite3.connect(ws.store.path)
    other.execute("SELECT count(*) FROM cases").fetchone()
    try:
        with pytest.raises(DomainError) as refused:
            ws.backups.restore(made["file"])
        assert "其他程序" in refused.value.message
    finally:
        other.close()
    assert ws.count() == 6 and ws.check()["ok"], "still open on the unchanged database"


def test_backup_folder_setting(file_ws, tmp_path):
    ws, _ = file_ws
    target = tmp_path / "usb" / "信访备份"
    assert ws.backups.set_folder(str(target), "admin") == target.resolve()
    made = ws.backups.create()
    assert Path(made["file"]).parent == target.resolve()
    with pytest.raises(DomainError):
        ws.backups.set_folder("relative/folder", "admin")
    assert ws.backups.set_folder("", "admin") == Path(ws.store.path).resolve().parent / "backups"


def test_memory_database_cannot_be_backed_up():
    ws = Workspace.open(":memory:")
    try:
        with pytest.raises(DomainError):
            ws.backups.create()
    finally:
        ws.close()


# ---- retention: 7 daily + 4 weekly ------------------------------------------------------------------------

def test_retention_keeps_seven_days_and_four_weeks_by_hand():
    # one copy every evening from Thu 2026-10-01 to Fri 2026-11-27, plus a morning copy on the last day
    days = [datetime(2026, 10, 1, 22, 0) + timedelta(days=i) for i in range(58)]
    assert days[-1].date().isoformat() == "2026-11-27"
    copies = [Dated(d, Path(d.strftime("%m%d-%H"))) for d in days] + [Dated(datetime(2026, 11, 27, 8, 0), Path("1127-08"))]
    keep = retained(copies)
    # last 7 days with a copy: 11-21 … 11-27 (the evening copy of 11-27, the newest that day);
    # last 4 ISO weeks: W48 (Mon 11-23) → 11-27, W47 → Sun 11-22, W46 → Sun 11-15, W45 → Sun 11-08
    expected = {f"11{d:02d}-22" for d in range(21, 28)} | {"1115-22", "1108-22"}
    assert {p.name for p in keep} == expected


def test_retention_counts_days_that_have_copies_not_calendar_days():
    at = [datetime(2026, 11, 2, 12), datetime(2026, 11, 5, 12), datetime(2026, 11, 9, 12), datetime(2026, 11, 20, 12)]
    keep = retained([Dated(a, Path(a.strftime("%m%d"))) for a in at], daily=2, weekly=1)
    assert {p.name for p in keep} == {"1120", "1109"}     # two newest days; the newest week is 11-20's (W47)
    assert {p.name for p in retained([Dated(a, Path(a.strftime("%m%d"))) for a in at])} == {"1102", "1105", "1109", "1120"}


def test_automatic_copies_once_a_day_and_pruned(tmp_path):
    clock = Clock(datetime(2026, 10, 1, 9, 0))
    ws = Workspace.open(tmp_path / "office.db", now=clock)
    try:
        register(ws)
        manual = ws.backups.create()
        while clock.now.date() <= datetime(2026, 11, 27).date():
            assert ws.backups.auto() is not None
            clock.advance(hours=2)
            assert ws.backups.auto() is None, "at most once a day while open"
            clock.advance(hours=11)                                 # 22:00: the app closes
            assert ws.backups.auto(closing=True) is not None
            clock.advance(hours=11)                                 # 09:00 next day
        autos = sorted(b["name"] for b in ws.backups.list() if b["kind"] == "auto")
        expected = sorted(f"office-202611{d:02d}-220000-auto.db" for d in (8, 15, 21, 22, 23, 24, 25, 26, 27))
        assert autos == expected
        assert Path(manual["file"]).exists(), "manual copies are never pruned"
    finally:
        ws.close()


def test_migration_makes_a_consistent_backup_with_a_manifest(tmp_path):
    from xinfang.storage.db import _split_sql, connect, migrations
    path = tmp_path / "old.db"
    conn = connect(path)
    for statement in _split_sql(migrations()[0][1].read_text(encoding="utf-8")):
        conn.execute(statement)
    conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', '1')")
    conn.close()
    assert len(migrations()) > 1
    ws = Workspace.open(path)
    ws.close()
    (copy,) = (tmp_path / "backups").glob("old-*-premigrate-v1.db")
    assert _manifest(copy)["schema_version"] == 1 and verify_copy(copy)["ok"]


# ---- who may (docs/permissions.md: 备份与恢复 `backup.run` is 管理员 only) -----------------------------------

PASSWORD = "Backup-Test-2026"
ROLE_OF = {"admin": "管理员", "clerk": "登记员", "boss": "领导", "jj": "纪检", "unit": "承办"}


@pytest.mark.parametrize("login", list(ROLE_OF))
def test_backup_and_restore_need_the_administrator(file_ws, tmp_path, login):
    from xinfang.domain.permissions import PermissionDenied
    ws, clock = file_ws
    made = ws.backups.create()                          # no accounts yet: the built-in user may
    ws.users.add("admin", ["管理员"], PASSWORD)
    ws.users.sign_in("admin", PASSWORD)
    for other, role in ROLE_OF.items():
        if other != "admin":
            ws.users.add(other, [role], PASSWORD, unit="420102-RSJ" if role == "承办" else "")
    ws.users.sign_in(login, PASSWORD)
    clock.advance(hours=1)
    actions = {
        "backup": lambda: ws.backups.create(),
        "list": lambda: ws.backups.list(),
        "verify": lambda: ws.backups.verify(made["file"]),
        "restore": lambda: ws.backups.restore(made["file"]),
        "folder": lambda: ws.backups.set_folder(str(tmp_path / "elsewhere"), login),
    }
    files_before = sorted(p.name for p in (tmp_path / "backups").iterdir())
    for name, action in actions.items():
        if login == "admin":
            action()
        else:
            with pytest.raises(PermissionDenied) as refused:
                action()
            assert "管理员" in refused.value.message, name
    if login != "admin":
        assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == files_before, "nothing was written"
        assert ws.store.total_cases() == 5
    # the automatic copy is the program's, whoever is logged in
    assert ws.backups.auto(closing=True)["kind"] == "auto"


def test_a_read_only_database_can_be_backed_up_elsewhere_and_verified_but_not_restored(file_ws, tmp_path):
    """A database opened read-only (a CD, a locked share): a copy to a writable place and verifying work; the
    automatic copy, restore and the folder setting are refused or skipped, and the file is never touched."""
    ws, clock = file_ws
    earlier = ws.backups.create()
    register(ws, name="之后登记")
    ws.close()
    db = Path(ws.store.path)
    before = db.read_bytes()
    ro = Workspace.open(db, now=clock, read_only=True)
    try:
        assert ro.read_only and ro.count() == 6
        assert ro.backups.auto(closing=True) is None                    # nothing new to keep
        made = ro.backups.create(out=tmp_path / "usb" / "ro-copy.db")
        assert made["cases"] == 6 and ro.backups.verify(made["file"])["ok"]
        assert ro.backups.verify(earlier["file"])["cases"] == 5
        with pytest.raises(DomainError, match="只读.*不能恢复"):
            ro.backups.restore(earlier["file"])
        with pytest.raises(DomainError, match="只读.*不能更改备份文件夹"):
            ro.backups.set_folder(str(tmp_path / "elsewhere"), "admin")
        assert [b["kind"] for b in ro.backups.list()] == ["manual"]     # no automatic or prerestore copy
    finally:
        ro.close()
    assert db.read_bytes() == before
    assert not (tmp_path / "elsewhere").exists()


def test_a_folder_that_cannot_take_the_copy_gives_a_chinese_reason_and_leaves_nothing(file_ws, tmp_path):
    ws, _ = file_ws
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("一个文件，不是文件夹")
    with pytest.raises(DomainError, match="无法写入备份.*--out"):
        ws.backups.create(out=blocked / "copy.db")
    with pytest.raises(DomainError, match="这是一个文件夹"):
        ws.backups.create(out=tmp_path)                                # a folder is no file name
    assert not list(tmp_path.parent.glob("*.partial"))
    left = {p.name for p in tmp_path.rglob("*")} - {"office.db-wal", "office.db-shm"}
    assert left == {"not-a-folder", "office.db"}, "no partial copy, no manifest, no folder made"


# on SQLite only where tests run on both engines (tests/pg_server.parametrise_engines)
pytestmark = pytest.mark.sqlite_only(reason="copies of a SQLite file and its daily automatic copies; a server's "
                                   "backups: tests/pg/test_pg_backup.py, tests/cli/test_cli_server_backup.py")

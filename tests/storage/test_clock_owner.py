"""`clocks.handling_unit` / `clocks.channel` (migration 0049): every duty clock carries its case's responsible
unit and 信访形式, kept equal to the case row by the database's triggers (new clocks, 交办, 异议退回), filled in
for existing clocks by the migration, and compared with the cases by `check`. The report's per-unit deadline
counts read them (StatsStore.clock_table)."""
import json
import re

from xinfang.services import Workspace
from xinfang.storage.db import MIGRATIONS_DIR, connect
from tests.helpers import make_workspace, register

FGJ = "420100-FGJ"


def owners(ws, row) -> set[tuple[str, str]]:
    return set(ws.store.conn.execute("SELECT handling_unit, channel FROM clocks WHERE case_id = ?", (row,)))


def story(ws, clock):
    """a: 来访, 交办 FGJ then 异议 (back to nobody); b: 12345, 交办 FGJ; c: 来信, registered only."""
    a = register(ws, name="张三", phone="13800000001", summary="拖欠工资")
    b = register(ws, name="李四", phone="13800000002", summary="道路积水", channel="12345", work_order_no="GD-1")
    c = register(ws, name="王五", phone="13800000003", summary="噪声扰民", channel="来信")
    clock.advance(days=1)
    ws.act(a.row, "assign", "clerk", data={"unit": FGJ})
    ws.act(b.row, "assign", "clerk", data={"unit": FGJ})
    return a, b, c


def test_clocks_follow_the_case_unit_and_channel():
    ws, clock = make_workspace()
    a, b, c = story(ws, clock)
    assert owners(ws, a.row) == {(FGJ, "来访")}          # the 处置 clock started before the 交办 moved too
    assert owners(ws, b.row) == {(FGJ, "12345")}
    assert owners(ws, c.row) == {("", "来信")}
    assert len(ws.store.clocks(a.row)) >= 3               # 处置, 告知, 异议
    clock.advance(days=1)
    ws.act(a.row, "object", "clerk", data={"reason": "不属于本单位职责"})
    assert owners(ws, a.row) == {("", "来访")}            # 异议退回: no unit any more, new 处置 clock too
    assert ws.check()["ok"]


def test_check_finds_a_changed_clock_unit():
    ws, clock = make_workspace()
    a, b, c = story(ws, clock)
    ws.store.conn.execute("UPDATE clocks SET handling_unit = '' WHERE case_id = ? AND step = 'dispose'", (a.row,))
    ws.store.conn.execute("UPDATE clocks SET channel = '来访' WHERE case_id = ?", (b.row,))
    report = ws.check()
    assert not report["ok"]
    assert sorted(report["broken_chains"]) == sorted([a.number, b.number])
    assert any(a.number in p and "期限（dispose）" in p and "承办单位" in p for p in report["problems"])
    assert any(b.number in p and "12345" in p for p in report["problems"])


def test_an_older_database_gets_them_from_its_cases(tmp_path):
    path = tmp_path / "old.db"
    ws, clock = make_workspace()
    a, b, c = story(ws, clock)
    ws.store.conn.execute(f"VACUUM INTO '{path}'")
    ws.close()
    conn = connect(path)       # make it a file from before 0049: no columns, triggers or index, not recorded
    script = (MIGRATIONS_DIR / "0049_clock_owner.sql").read_text(encoding="utf-8")
    for kind, name in re.findall(r"CREATE (INDEX|TRIGGER) (\w+)", script):
        conn.execute(f"DROP {kind} {name}")
    conn.execute("ALTER TABLE clocks DROP COLUMN handling_unit")
    conn.execute("ALTER TABLE clocks DROP COLUMN channel")
    applied = set(json.loads(conn.execute("SELECT value FROM meta WHERE key = 'migrations'").fetchone()[0]))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'migrations'", (json.dumps(sorted(applied - {49})),))
    conn.close()
    ws = Workspace.open(path, now=clock)
    assert owners(ws, a.row) == {(FGJ, "来访")} and owners(ws, b.row) == {(FGJ, "12345")}
    assert owners(ws, c.row) == {("", "来信")}
    assert list((tmp_path / "backups").glob("old-*-premigrate-v*.db")), "a backup is made before migrating"
    assert ws.check()["ok"]
    ws.close()

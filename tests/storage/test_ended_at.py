"""`cases.ended_at` (migration 0039): when a case ended (办结 = its first terminal step), kept by the database
when such an event is appended, filled in for existing cases by the migration, and compared with the events
by `check`. The statistics' open/closed counts read it (docs/reports.md)."""
import json
import re

from xinfang.services import Workspace
from xinfang.storage.db import MIGRATIONS_DIR, connect
from tests.helpers import make_workspace, register


def ended(ws, row) -> str | None:
    return ws.store.conn.execute("SELECT ended_at FROM cases WHERE id = ?", (row,)).fetchone()[0]


def story(ws, clock):
    """a: declined then 终结 (ends at the decline); b: accepted, still open; c: archived."""
    a, b, c = (register(ws, name=n, id_number="", phone=p, summary=s) for n, p, s in (
        ("张三", "13800000001", "拖欠工资"), ("李四", "13800000002", "道路积水"), ("王五", "13800000003", "噪声扰民")))
    clock.advance(days=1)
    ws.act(a.row, "decline", "clerk", data={"reason": "已经仲裁"})
    declined_at = ws.store.conn.execute("SELECT at FROM events WHERE case_id = ? AND action = 'decline'",
                                        (a.row,)).fetchone()[0]
    ws.act(b.row, "accept", "clerk")
    clock.advance(days=3)
    ws.act(a.row, "close", "clerk", data={"reason": "不予受理告知已送达"})
    ws.act(c.row, "archive", "clerk", data={"reason": "内容不清"})
    return a, b, c, declined_at


def test_the_first_terminal_step_sets_it_and_a_later_close_keeps_it():
    ws, clock = make_workspace()
    a, b, c, declined_at = story(ws, clock)
    assert ended(ws, a.row) == declined_at                 # 不予受理 ended it; 终结 later does not move it
    assert ended(ws, b.row) is None                         # 办理中: open
    archived = ws.store.conn.execute("SELECT at FROM events WHERE case_id = ? AND action = 'archive'",
                                     (c.row,)).fetchone()[0]
    assert ended(ws, c.row) == archived
    assert ws.check()["ok"]


def test_check_finds_a_changed_ended_at():
    ws, clock = make_workspace()
    a, b, _, _ = story(ws, clock)
    ws.store.conn.execute("UPDATE cases SET ended_at = NULL WHERE id = ?", (a.row,))
    ws.store.conn.execute("UPDATE cases SET ended_at = '2025-10-01 09:00:00' WHERE id = ?", (b.row,))
    report = ws.check()
    assert sorted(report["broken_chains"]) == sorted([a.number, b.number])
    assert any(a.number in p and "办结时间" in p for p in report["problems"])


def test_an_older_database_gets_it_from_its_events(tmp_path):
    path = tmp_path / "old.db"
    ws, clock = make_workspace()
    a, b, c, declined_at = story(ws, clock)
    ws.store.conn.execute(f"VACUUM INTO '{path}'")
    ws.close()
    conn = connect(path)       # make it a file from before 0039: no column, trigger or indexes, not recorded
    script = (MIGRATIONS_DIR / "0039_report_ended.sql").read_text(encoding="utf-8")
    for kind, name in re.findall(r"CREATE (INDEX|TRIGGER) (\w+)", script):
        conn.execute(f"DROP {kind} {name}")
    conn.execute("ALTER TABLE cases DROP COLUMN ended_at")
    applied = set(json.loads(conn.execute("SELECT value FROM meta WHERE key = 'migrations'").fetchone()[0]))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'migrations'", (json.dumps(sorted(applied - {39})),))
    conn.close()
    ws = Workspace.open(path, now=clock)
    assert ended(ws, a.row) == declined_at and ended(ws, b.row) is None and ended(ws, c.row) is not None
    assert list((tmp_path / "backups").glob("old-*-premigrate-v*.db")), "a backup is made before migrating"
    assert ws.check()["ok"]
    ws.close()

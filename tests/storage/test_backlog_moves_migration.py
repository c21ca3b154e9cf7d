"""Migration 0037 fills backlog_moves from the 积案 events already in a database, so that the numbers of an
upgraded office are the same as before the upgrade and `check` finds the copy equal to the events."""
import json
from datetime import date, datetime

from xinfang.services import Workspace

from tests.helpers import Clock, register


def test_an_upgraded_database_gets_its_moves_from_the_events(tmp_path):
    path = tmp_path / "office.db"
    clock = Clock(datetime(2026, 1, 5, 9))
    ws = Workspace.open(path, now=clock)
    case_a = register(ws, received_at="2026-01-05 08:30")
    case_b = register(ws, name="李四", id_number="", phone="13912345678", summary="另一件事情", received_at="2026-01-05 08:40")
    clock.set(datetime(2026, 3, 1, 9))
    bl = ws.backlog
    bl.add_leader("甲", "区委常委", "admin")
    bl.add_leader("乙", "副区长", "admin")
    b = bl.add_batch("第一批", "市信访联席办", "2026-01-01", "2026-02-28", "admin")["id"]
    a = bl.take_on(case_a.id, b, "上级交办", "clerk", leader="甲", unit="420102-RSJ", at="2026-01-10")["id"]
    bl.act(a, "progress", "甲", at="2026-01-20", data={"text": "约谈"})
    bl.act(a, "resolve", "甲", at="2026-02-10", data={"way": "解释疏导"})
    r = bl.take_on(case_b.id, b, "本级排查", "clerk", at="2026-01-12", due="2026-02-01")["id"]
    bl.act(r, "reassign", "甲", at="2026-01-15", data={"leader": "乙", "reason": "分工"})
    before = bl.stats(at=date(2026, 3, 1))
    # the database as it was before 0037: no backlog_moves, 37 not in the applied list
    ws.store.conn.execute("DROP TABLE backlog_moves")
    applied = [v for v in json.loads(ws.store.one("SELECT value FROM meta WHERE key = 'migrations'")) if v != 37]
    ws.store.conn.execute("UPDATE meta SET value = ? WHERE key = 'migrations'", (json.dumps(applied),))
    ws.close()

    ws = Workspace.open(path, now=clock)
    moves = ws.store.q("SELECT record_id, seq, action, day, batch_id, due, leader, unit FROM backlog_moves "
                       "ORDER BY record_id, seq")
    # written by hand from the actions above: the progress entry (seq 2 of record a) only writes the log
    assert moves == [(a, 1, "take", "2026-01-10", b, "2026-02-28", "甲", "420102-RSJ"),
                     (a, 3, "resolve", "2026-02-10", None, None, None, None),
                     (r, 1, "take", "2026-01-12", b, "2026-02-01", "", ""),
                     (r, 2, "reassign", "2026-01-15", None, None, "乙", None)]
    assert ws.backlog.stats(at=date(2026, 3, 1)) == before
    assert ws.check()["ok"]
    ws.close()


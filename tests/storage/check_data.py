"""The database `check`'s tampering tests run on, on both engines (issue 12: every tampering test on SQLite and
on a server), and the attacker who has the database: a SQLite file with the triggers dropped, or a server
connection as its superuser with the triggers off for the session (`session_replication_role = replica`).

Built once per engine through the services (cases registered and acted on, three disputes, the small 积案
kinds, accounts with passwords, a setting), then copied for each test: the file, or CREATE DATABASE … TEMPLATE."""
from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta

from xinfang.domain import passwords
from xinfang.services.workspace import Workspace
from xinfang.storage import ledger
from xinfang.storage.verify import SHIPPED_TRIGGERS, trigger_sql

from tests.helpers import Clock, register
from tests.mediation.conftest import COMMITTEE_A, dispute_json

NOW = datetime(2026, 11, 22, 10, 30)
CASES = 60
MIDDLE_DISPUTE = "（2026）樱园人调字第2号"


def open_workspace(target: str, clock=None) -> Workspace:
    clock = clock or (lambda: NOW)
    if target.startswith("postgresql:"):
        from xinfang.storage.store import Store
        return Workspace.on_store(Store(target), now=clock)
    return Workspace.open(target, now=clock)


def build(target: str) -> None:
    cost = passwords.COST
    passwords.COST = 2 ** 10                      # hashing at the real cost is slow and tests nothing here
    clock = Clock(datetime(2026, 11, 5, 9, 0))
    ws = open_workspace(target, clock)
    try:
        for i in range(CASES):
            case = register(ws, name=f"张{i}", phone=f"1381234{i:04d}", received_at=clock.now.strftime("%Y-%m-%d %H:%M"))
            clock.advance(minutes=30)
            if i % 2 == 0:
                ws.act(case.id, "accept", "clerk")
                if i % 4 == 0:
                    clock.advance(hours=1)
                    ws.act(case.id, "reply", "clerk", data={"outcome": "支持", "decision": "已答复"})
            else:
                ws.act(case.id, "forward", "clerk", data={"unit": "420102-RSJ"})
        ws.configure("warn_workdays", "5", "admin")
        med = ws.mediation
        med.add_committee(COMMITTEE_A, "420102001001", "admin", prefix="樱园")
        med.add_mediator("王调解", COMMITTEE_A, "admin")
        med.add_mediator("刘调解", COMMITTEE_A, "admin")
        rows = [med.register(dispute_json(received_at=f"2026-11-0{i} 09:00", mediators=["王调解", "刘调解"]),
                             "admin")["row"] for i in (1, 2, 3)]
        med.act(rows[1], "accept", "admin", datetime(2026, 11, 3, 10))
        bl = ws.backlog
        bl.add_leader("甲", "区委常委", "admin", login="jia")
        bl.add_leader("乙", "副区长", "admin")
        bl.update_leader("乙", "admin", post="区长")
        bl.add_batch("第一批", "市信访联席办", "2026-01-01", "2026-06-30", "admin", target_rate=0.9)
        bl.add_batch("第二批", "区委", "2026-07-01", "2026-12-31", "admin", target_rate="80%")
        bl.close_batch("第一批", "admin")
        bl.add_reception("2026-10-10", "甲", "区信访局接待大厅", "admin", units="区住建局")
        ws.users.add("admin", ["管理员"], "Admin-2026-pass")
        ws.users.sign_in("admin", "Admin-2026-pass")
        ws.users.add("li", ["登记员"], "Clerk-2026-pass", display="李登记")
        ws.users.set_display("li", "李四")
        ws.users.set_active("li", False)
        ws.users.add("wu", ["登记员"], "Clerk-2026-wu", display="吴登记")
        report = ws.check()
        assert report["ok"], report["problems"]
    finally:
        ws.close()
        passwords.COST = cost


class Database:
    """One test's copy of the built database on one engine."""

    def __init__(self, engine: str, target: str):
        self.engine, self.target = engine, target

    @property
    def server(self) -> bool:
        return self.engine == "postgresql"

    def workspace(self) -> Workspace:
        return open_workspace(self.target)

    def check(self, anchor=None, **kw) -> dict:
        ws = self.workspace()
        try:
            return ws.check(anchor=anchor, **kw)
        finally:
            ws.close()

    def register(self) -> tuple[int, str]:
        """A case registered through the program by the 登记员 wu: (row, number)."""
        ws = self.workspace()
        try:
            ws.users.sign_in("wu", "Clerk-2026-wu")
            case = register(ws, "wu")
            return case.row, case.number
        finally:
            ws.close()

    def anchor(self) -> str:
        ws = self.workspace()
        try:
            return ws.anchor()
        finally:
            ws.close()

    def reader(self):
        """A plain connection for reading (SQLite-form SQL on both engines)."""
        if self.server:
            from xinfang.storage.pg.connection import PgConnection
            return PgConnection.open(self.target)
        return sqlite3.connect(self.target)

    def q(self, sql, params=()):
        conn = self.reader()
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def tamper(self, restore_triggers: bool = True) -> "Attacker":
        return Attacker(self, restore_triggers)

    def superuser(self, sql: str) -> None:
        """A statement as the owner of the database (triggers' own DDL), autocommit."""
        conn = self.reader()
        try:
            conn.execute(sql)
            if not self.server:
                conn.commit()
        finally:
            conn.close()


class Attacker:
    """The triggers off while tampering, back on afterwards (unless the triggers themselves are the target:
    then on SQLite they stay dropped; on a server they are dropped by the test)."""

    def __init__(self, db: Database, restore: bool):
        self.db, self.restore = db, restore

    def __enter__(self):
        if self.db.server:
            from xinfang.storage.pg.connection import PgConnection
            self.conn = PgConnection.open(self.db.target)
            self.conn.execute("BEGIN")
            self.conn.execute("SET LOCAL session_replication_role = replica")
            if not self.restore:
                for name in _server_triggers():
                    table = name.rsplit("_no_", 1)[0]
                    self.conn.execute(f"DROP TRIGGER {name} ON {table}")
            return self.conn
        self.conn = sqlite3.connect(self.db.target, isolation_level=None)
        self.conn.execute("BEGIN")
        for name in SHIPPED_TRIGGERS:
            self.conn.execute(f"DROP TRIGGER {name}")
        return self.conn

    def __exit__(self, *exc):
        if not self.db.server and self.restore:
            for name in SHIPPED_TRIGGERS:
                self.conn.execute(trigger_sql(name))
        self.conn.execute("COMMIT" if exc[0] is None else "ROLLBACK")
        self.conn.close()


def _server_triggers():
    from xinfang.storage.pg.verify import SHIPPED_TRIGGERS as ON_SERVER
    return list(ON_SERVER)


def copy_of(engine: str, template: str, tmp_path, request) -> Database:
    if engine == "sqlite":
        path = tmp_path / "x.db"
        shutil.copy(template, path)
        return Database(engine, str(path))
    import psycopg
    from tests.pg_server import server_url
    server = request.getfixturevalue("pg_server")
    name = "c_" + __import__("uuid").uuid4().hex[:12]
    source = template.split("postgresql:///", 1)[1].split("?", 1)[0]
    with psycopg.connect(server.conninfo, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {source}")
    request.addfinalizer(lambda: server.drop_database(name))
    return Database(engine, server_url(server.dsn(name)))


def middle_case(db: Database, min_events: int = 3) -> tuple[int, str, str]:
    """(id, uuid, number) of a case in the middle of the range with at least `min_events` events."""
    rows = db.q("SELECT id, uuid, number FROM cases WHERE event_count >= ? ORDER BY id", (min_events,))
    assert rows
    return rows[len(rows) // 2]


def rechain_case(conn, case_id, case_uuid):
    """Recompute one case's chain from its current rows (what a careful forger does) and fix its row."""
    prev = ledger.GENESIS
    for eid, seq, action, at, rec, actor, payload in conn.execute(
            "SELECT id, seq, action, at, recorded_at, actor, payload FROM events WHERE case_id = ? ORDER BY seq",
            (case_id,)).fetchall():
        h = ledger.event_hash(prev, case_uuid, seq, action, at, rec, actor, payload)
        conn.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, eid))
        prev = h
    n = conn.execute("SELECT count(*) FROM events WHERE case_id = ?", (case_id,)).fetchone()[0]
    conn.execute("UPDATE cases SET event_count = ?, head_hash = ? WHERE id = ?", (n, prev, case_id))


def rebuild_ledger_from(conn, seq_from: int):
    """Recompute every ledger hash from entry `seq_from` on (and drop entries whose event is gone)."""
    prev = conn.execute("SELECT hash FROM ledger WHERE seq = ?", (seq_from - 1,)).fetchone()
    prev = prev[0] if prev else ledger.GENESIS
    rows = conn.execute("SELECT kind, event_id FROM ledger WHERE seq >= ? ORDER BY seq", (seq_from,)).fetchall()
    conn.execute("DELETE FROM ledger WHERE seq >= ?", (seq_from,))
    seq = seq_from
    for kind_name, eid in rows:
        table = "events" if kind_name == "case" else "record_events"
        found = conn.execute(f"SELECT hash FROM {table} WHERE id = ?", (eid,)).fetchone()
        if not found:
            continue
        prev = ledger.ledger_hash(prev, seq, kind_name, eid, found[0])
        conn.execute("INSERT INTO ledger(seq, kind, event_id, hash) VALUES (?,?,?,?)", (seq, kind_name, eid, prev))
        seq += 1

"""Shared test helpers: a movable clock and a workspace with a small category dictionary."""
from __future__ import annotations

from datetime import datetime, timedelta

from tests.pg_server import new_target
from xinfang.services import Workspace
from xinfang.services.intake import draft_from_dict


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> datetime:
        self.now += timedelta(**kw)
        return self.now

    def set(self, value: datetime) -> datetime:
        self.now = value
        return value


def open_workspace(now=datetime.now, target: str | None = None, seed_reference: bool = True,
                   sample: bool = True) -> Workspace:
    """A workspace on a new database. Without `target`: of the engine the test runs on (tests/services,
    tests/mediation … run each test on SQLite and on a server: tests/pg_server.parametrise_engines), i.e. in
    memory or a new server database copied from a migrated, seeded template. `target` ":memory:" or a server
    URL (the `engine` fixture's) chooses."""
    if target is None:
        target = new_target(now(), seed_reference, sample)
    if target == ":memory:":
        return Workspace.open(":memory:", now=now, seed_reference=seed_reference, sample=sample)
    from xinfang.storage.store import Store
    return Workspace.on_store(Store(target), now, None, seed_reference, sample)


def make_workspace(start: datetime = datetime(2025, 9, 30, 10, 0), target: str | None = None):
    """(workspace, its movable clock) on a new database: see `open_workspace`."""
    clock = Clock(start)
    return open_workspace(clock, target), clock


def database_text(ws: Workspace) -> str:
    """Everything stored in the workspace's database as text (SQLite's dump; every row of every table on a
    server), for tests that look for what must never be stored."""
    conn = ws.store.conn
    if not ws.store.dialect.server:
        return "\n".join(conn.iterdump())
    tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
    return "\n".join(r[0] for t in tables for r in conn.execute(f"SELECT x::text FROM {t} x"))


def case_json(name="张三", id_number="11010519491231002X", phone="13812345678", summary="某建筑公司拖欠农民工工资",
              category="劳动和社会保障/拖欠工资", channel="来访", received_at="2025-09-30 09:00", **extra) -> dict:
    data = {"channel": channel, "received_at": received_at, "purpose": "申诉求决", "category": category,
            "summary": summary, "content": "2025年5月至8月在工地务工，工资3万元未付", "demands": "要求支付拖欠工资",
            "petitioners": [{"name": name, "id_number": id_number, "phone": phone, "role": "信访人"}],
            "headcount": 1}
    data.update(extra)
    return data


def register(ws: Workspace, actor: str = "clerk", **kw):
    return ws.register(draft_from_dict(case_json(**kw)), actor).case



def tamper(ws: Workspace, sql: str, params: tuple = ()) -> None:
    """Change stored rows as an intruder with the file or the server's superuser would, past the append-only
    triggers: on SQLite they are dropped (an intruder can), on a server the session skips every trigger
    (`session_replication_role = replica`, superuser only; `check` still sees them enabled)."""
    conn = ws.store.conn
    if not ws.store.dialect.server:
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                                    "(name LIKE '%no_update' OR name LIKE '%no_delete')").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute(sql, params)
        return
    conn.execute("SET session_replication_role = replica")
    try:
        conn.execute(sql, params)
    finally:
        conn.execute("SET session_replication_role = origin")


def empty_search_index(ws: Workspace, table: str) -> None:
    """Empty a search index (`case_search`, `dispute_search`) as a damaged database would have it."""
    if ws.store.dialect.server:
        ws.store.conn.execute(f"DELETE FROM {table}")
    else:
        ws.store.conn.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")


def lasting_target(tmp_path, now: datetime, name: str = "office.db") -> str:
    """A database that outlives its workspace (reopened, or opened by the CLI): a SQLite file in `tmp_path`, or
    on a server test a new server database (seeded at `now`), as `Workspace.open` and `--db` take it."""
    from tests.pg_server import on_a_server
    return new_target(now) if on_a_server() else str(tmp_path / name)

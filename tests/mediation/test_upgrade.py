"""A database from before the ledger switch (migration 8 only): its dispute events move into the ledger."""
from __future__ import annotations

from datetime import datetime

from tests.helpers import Clock
from xinfang.services import Workspace
from xinfang.storage import db


def test_version_8_dispute_events_move_into_the_ledger(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    everything = db.migrations()
    monkeypatch.setattr(db, "migrations", lambda: [(v, p) for v, p in everything if v <= 9])
    conn = db.connect(path)
    db.migrate(conn, path)
    conn.execute("INSERT INTO units(code, name, kind, level) VALUES ('U1', '樱园社区居民委员会', '社区', 6)")
    conn.execute("INSERT INTO committees VALUES ('U1-TJ01', '樱园调委会', 'U1', '居', '樱园', '2026-09-01', 1)")
    conn.execute("INSERT INTO disputes(id, uuid, number, committee, year, seq, received_at, registered_at, source, type, "
                 "summary, status, updated_at) VALUES (1, 'u-1', '（2026）樱园人调字第1号', 'U1-TJ01', 2026, 1, "
                 "'2026-09-01T09:00:00', '2026-09-01T09:00:00', '当事人申请', '邻里', '漏水', 'mediating', "
                 "'2026-09-02T09:00:00')")
    for seq, action in ((1, "register"), (2, "accept")):
        conn.execute("INSERT INTO dispute_events(dispute_id, seq, action, at, recorded_at, actor, payload, prev_hash, "
                     "hash) VALUES (1, ?, ?, '2026-09-0%dT09:00:00', '2026-09-0%dT09:00:00', 'wang', '{}', 'p', 'h')"
                     % (seq, seq), (seq, action))
    conn.close()
    monkeypatch.setattr(db, "migrations", lambda: everything)
    ws = Workspace.open(path, now=Clock(datetime(2026, 10, 1, 9, 0)))
    try:
        names = {r[0] for r in ws.store.conn.execute("SELECT name FROM sqlite_master")}
        assert "dispute_events" not in names
        events = ws.mediation.db.events(1)
        # the moved events, then migration 52's 建账 event stating the row as it was at the upgrade
        assert [e["action"] for e in events] == ["register", "accept", "baseline"]
        assert events[1]["at"].startswith("2026-09-02")
        assert ws.store.conn.execute("SELECT event_count FROM disputes WHERE id = 1").fetchone()[0] == 3
        assert ws.check()["ok"]
    finally:
        ws.close()


# on SQLite only where tests run on both engines (tests/pg_server.parametrise_engines)
import pytest  # noqa: E402

pytestmark = pytest.mark.sqlite_only(reason='upgrades an old SQLite file')

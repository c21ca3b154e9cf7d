"""清除演示数据 on a server (issue 12): the same removal as on SQLite — the demo cases with their events,
petitioners, clocks and links, a tombstone per removed event, the ledger untouched (an anchor written before
still checks) — and the append-only protection back in force afterwards."""
from __future__ import annotations

from datetime import datetime

import psycopg
import pytest

from xinfang.services import ListFilter
from xinfang.services.demo import generate_demo
from xinfang.storage.errors import StorageError

from tests.helpers import case_json, make_workspace
from tests.pg_server import server_url

NOW = datetime(2026, 11, 27, 10, 0)


@pytest.fixture
def server(pg_server):
    name = pg_server.create_database()
    yield server_url(pg_server.dsn(name))
    pg_server.drop_database(name)


def _office(target):
    ws, _clock = make_workspace(NOW, target=target)
    assert generate_demo(ws, 40, seed=1)["cases"] == 40
    for name, summary in (("王真实", "小区噪声扰民问题多次反映"), ("赵真实", "某建筑公司拖欠农民工工资")):
        ws.register_input(case_json(name=name, id_number="", phone="13900000001", summary=summary,
                                    received_at="2026-11-26 09:00"), "zhou")
    return ws


def test_the_purge_on_a_server_removes_what_it_removes_on_sqlite(server):
    lite, pg = _office(":memory:"), _office(server)
    try:
        plans = [ws.demo_data.find() for ws in (lite, pg)]
        for plan in plans:
            for load in plan["loads"]:
                load.pop("uuid")           # random per load
        assert plans[0] == plans[1] and plans[1]["cases"] == 40
        events_before = pg.store.one("SELECT count(*) FROM events")
        demo_events = pg.store.one("SELECT count(*) FROM events WHERE case_id <= 40")
        anchor = pg.anchor()
        done = [ws.demo_data.purge("admin", backup=False) for ws in (lite, pg)]
        assert done[0]["removed"] == done[1]["removed"]
        removed = done[1]["removed"]
        # counted from the rows before: the 40 demo cases and all their events go, one tombstone each
        assert (removed["cases"], removed["events"]) == (40, demo_events)
        assert pg.store.one("SELECT count(*) FROM events") == events_before - demo_events
        assert pg.store.one("SELECT count(*) FROM purged_events WHERE kind = 'case'") == demo_events
        assert pg.store.one("SELECT count(*) FROM cases") == 2
        # the ledger is untouched: the anchor written before the purge is still an entry of it
        seq, h = anchor.split(":")
        assert pg.store.one("SELECT hash FROM ledger WHERE seq = ?", (int(seq),)) == h
        # the search index holds the two real cases only
        assert sorted(pg.list_ids(ListFilter(text="真实"))) == sorted(lite.list_ids(ListFilter(text="真实")))
        assert pg.store.one("SELECT count(*) FROM case_search") == 2
        assert pg.list_ids(ListFilter(text="拖欠")) and len(pg.list_ids(ListFilter())) == 2
    finally:
        lite.close()
        pg.close()


def test_after_the_purge_events_are_append_only_again(server):
    pg = _office(server)
    try:
        pg.demo_data.purge("admin", backup=False)
        with pytest.raises(StorageError, match="事件记录只能追加，不能删除"):
            with pg.store.transaction():
                pg.store.conn.execute("DELETE FROM events")
        dsn = server
        with psycopg.connect(dsn) as conn:
            enabled = dict(conn.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE tgname LIKE '%no_delete'"))
        assert enabled["events_no_delete"] == "O" and enabled["record_events_no_delete"] == "O"
    finally:
        pg.close()


def test_a_failed_purge_leaves_everything_and_the_protection(server, monkeypatch):
    from xinfang.storage import purge
    pg = _office(server)
    try:
        before = pg.store.one("SELECT count(*) FROM events")

        def broken(conn, rows):
            raise StorageError("模拟的故障")
        monkeypatch.setattr(purge.bulk, "index_cases", broken)
        with pytest.raises(StorageError, match="模拟的故障"):
            pg.demo_data.purge("admin", backup=False)
        assert pg.store.one("SELECT count(*) FROM events") == before
        assert pg.store.one("SELECT count(*) FROM cases") == 42
        with pytest.raises(StorageError, match="事件记录只能追加，不能删除"):
            with pg.store.transaction():
                pg.store.conn.execute("DELETE FROM events WHERE case_id = 1")
    finally:
        pg.close()

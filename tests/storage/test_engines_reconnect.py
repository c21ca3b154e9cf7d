"""A seat keeps working after its connection to the server was lost (the server restarted, the office network
dropped): the next action connects again. What a transaction had done when the break cut it is gone, and
nothing of it is sent again; a read-only seat stays read-only on its new connection."""
from __future__ import annotations

import time
from datetime import datetime

import psycopg
import pytest

from tests.helpers import Clock, case_json, open_workspace
from tests.pg_server import server_url
from xinfang.services.intake import draft_from_dict
from xinfang.storage.errors import StorageError
from xinfang.storage.store import Store

NOW = datetime(2025, 9, 30, 10)


def cut(server, conn) -> None:
    """End the server process serving `conn` as a restart would, and wait until it is gone."""
    pid = conn.raw.info.backend_pid
    with psycopg.connect(server.conninfo, autocommit=True) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone()[0]
        for _ in range(100):
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
                return
            time.sleep(0.05)
    raise AssertionError("the server process did not end")


@pytest.fixture
def seat(pg_server):
    name = pg_server.workspace_database(NOW)
    ws = open_workspace(Clock(NOW), server_url(pg_server.dsn(name)))
    yield ws, name
    ws.close()
    pg_server.drop_database(name)


def register(ws, name: str):
    return ws.register(draft_from_dict(case_json(name=name, id_number="", phone="")), "clerk").case


def test_the_next_read_and_the_next_action_after_a_break_connect_again(pg_server, seat):
    ws, _ = seat
    register(ws, "张三")
    before = ws.store.conn.raw
    cut(pg_server, ws.store.conn)
    assert ws.count() == 1                               # a read meets the break and is asked again
    assert ws.store.conn.raw is not before and not ws.store.conn.raw.broken
    cut(pg_server, ws.store.conn)
    second = register(ws, "李四")                        # the action's BEGIN meets it
    assert second.number == "2025-信-000002" and ws.count() == 2
    assert ws.check()["ok"]


def test_a_transaction_cut_by_the_break_saves_nothing_and_is_not_sent_again(pg_server, seat):
    ws, _ = seat
    store = ws.store
    with pytest.raises(StorageError, match="连接中断"):
        with store.transaction():
            store.conn.execute("INSERT INTO settings(key, value) VALUES ('cut', '1')")
            cut(pg_server, store.conn)
            store.conn.execute("INSERT INTO settings(key, value) VALUES ('after', '1')")
    assert store.one("SELECT count(*) FROM settings WHERE key IN ('cut', 'after')") == 0
    assert not store.conn.in_transaction
    register(ws, "张三")
    assert ws.count() == 1 and ws.check()["ok"]


def test_a_change_on_its_own_that_meets_the_break_fails_and_is_not_repeated(pg_server, seat):
    ws, _ = seat
    store = ws.store
    insert = "INSERT INTO settings(key, value) VALUES (?, '1')"
    store.conn.execute(insert, ("warm",))               # its translation is kept: the INSERT itself meets the cut
    cut(pg_server, store.conn)
    with pytest.raises(StorageError, match="连接中断"):
        store.conn.execute(insert, ("lone",))
    assert store.one("SELECT count(*) FROM settings WHERE key = 'lone'") == 0
    store.conn.execute(insert, ("again",))               # the next one connects again
    assert store.one("SELECT count(*) FROM settings WHERE key IN ('warm', 'again')") == 2


def test_a_read_only_seat_is_read_only_on_its_new_connection(pg_server, seat):
    _, name = seat
    store = Store(server_url(pg_server.dsn(name)), read_only=True)
    try:
        cut(pg_server, store.conn)
        assert store.one("SELECT count(*) FROM cases") == 0
        with pytest.raises(StorageError):
            store.conn.execute("INSERT INTO settings(key, value) VALUES ('ro', '1')")
        assert store.one("SELECT count(*) FROM settings WHERE key = 'ro'") == 0
    finally:
        store.close()


def test_while_the_server_stays_away_the_seat_says_so_in_chinese(pg_server, seat, monkeypatch):
    ws, _ = seat
    from xinfang.storage.pg import db as pg_db

    def unreachable(*args, **kwargs):
        raise psycopg.OperationalError("connection refused")
    monkeypatch.setattr(pg_db, "connect", unreachable)
    cut(pg_server, ws.store.conn)
    for _ in range(2):                                   # each try says it; none raises anything else
        with pytest.raises(StorageError, match="与数据库服务器的连接中断"):
            ws.count()
    monkeypatch.undo()
    assert ws.count() == 0


from tests.pg_server import pg_server  # noqa: E402,F401  (fixture)

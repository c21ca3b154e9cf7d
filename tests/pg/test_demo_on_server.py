"""Demo and bulk loads on a server (issue 12): `generate_demo` writes by COPY, in this process or from worker
transport files, and gives exactly the database it gives on SQLite — the same rows and the same ledger anchor
for the same seed and clock; the search index is the server's own."""
from __future__ import annotations

from datetime import datetime

import pytest

from xinfang.services.demo import generate_demo
from xinfang.storage.store import ListFilter

from tests.helpers import make_workspace
from tests.pg_server import server_url

NOW = datetime(2026, 3, 2, 9, 0)
TABLES = ("cases", "petitioners", "clocks", "events", "repeats", "users", "ledger")


@pytest.fixture
def server(pg_server):
    name = pg_server.create_database()
    yield server_url(pg_server.dsn(name))
    pg_server.drop_database(name)


def _rows(ws, table: str) -> list[tuple]:
    order = {"clocks": "case_id, step", "repeats": "case_id, earlier_id", "users": "login"}
    if table == "ledger":
        # which events in which order (the hashes also chain the reference data's setting events, stamped with
        # the real time when each workspace was made, and the load's record, whose key is a random uuid); SQLite
        # then seals the loaded cases' state digests (a digest batch), which a server does not
        return ws.store.q("SELECT seq, kind, event_id FROM ledger WHERE kind <> 'digest_batch' ORDER BY seq")
    return ws.store.q(f"SELECT * FROM {table} ORDER BY {order.get(table, 'id')}")


def _loads(ws):
    return ws.store.q("SELECT uuid, seed, first_case_id, last_case_id, cases FROM demo_loads")


@pytest.mark.parametrize("workers,chunk", [(1, None), (2, 100)])      # (2, 100): forked workers' transport files
def test_a_demo_on_a_server_is_the_same_database_as_on_sqlite(server, workers, chunk):
    lite, _ = make_workspace(NOW)
    pg, _ = make_workspace(NOW, target=server)
    try:
        a = generate_demo(lite, 300, seed=7, workers=workers, chunk=chunk)
        b = generate_demo(pg, 300, seed=7, workers=workers, chunk=chunk)
        assert a["cases"] == b["cases"] == 300
        assert {k: a[k] for k in ("events", "petitioners", "clocks", "repeats", "statuses")} == \
            {k: b[k] for k in ("events", "petitioners", "clocks", "repeats", "statuses")}
        for table in TABLES:
            assert _rows(lite, table) == _rows(pg, table), table
        assert [r[1:] for r in _loads(lite)] == [r[1:] for r in _loads(pg)] == [(7, 1, 300, 300)]
        # the server's own search index: the same hits as SQLite's for 1, 2 and 3+ characters
        for text in ("工", "工资", "拖欠工资", "2026"):
            assert sorted(lite.list_ids(ListFilter(text=text))) == sorted(pg.list_ids(ListFilter(text=text))), text
        assert pg.store.one("SELECT count(*) FROM case_search") == 300
        # registering after the load continues the numbers and ids
        from tests.helpers import register
        assert register(pg).row == register(lite).row == 301
    finally:
        lite.close()
        pg.close()


def test_the_demo_command_fills_a_server_database(server, capsys):
    import json
    from xinfang.cli.main import main
    assert main(["--db", server, "--now", "2026-03-02", "demo", "--cases", "30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cases"] == 30
    assert main(["--db", server, "case", "list", "--limit", "100", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 30

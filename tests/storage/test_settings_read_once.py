"""An action reads its settings in one query (a registration asks for 9; on a server each was a round trip):
inside `settings_read_once` every setting comes from one read of them all, a setting changed inside is read
again, and outside each is read when asked."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.helpers import make_workspace, register
from tests.pg_server import ENGINES, engine, pg_server  # noqa: F401  (fixtures)


@pytest.mark.parametrize("engine", ENGINES, indirect=True)
def test_one_read_inside_and_a_change_is_seen(engine, monkeypatch):
    ws, _ = make_workspace(datetime(2025, 9, 30, 10), target=engine)
    store = ws.store
    seen = []
    if store.dialect.server:
        real = type(store.conn).execute

        def execute(conn, sql, params=()):
            if "FROM settings" in sql:
                seen.append(sql)
            return real(conn, sql, params)
        monkeypatch.setattr(type(store.conn), "execute", execute)
    else:                                                       # sqlite3's own statement trace
        store.conn.set_trace_callback(lambda sql: seen.append(sql) if "FROM settings" in sql else None)
    with store.settings_read_once():
        assert store.setting("warn_workdays", 3) == 3 and store.setting("office") == "420102-XFJ"
        assert store.setting("nope", "默认") == "默认"
        assert len(seen) == 1                                   # all of them, once
        store.set_setting("warn_workdays", 5, "admin", datetime(2025, 9, 30, 10))
        assert store.setting("warn_workdays", 3) == 5            # changed inside: read again
    seen.clear()
    assert store.setting("warn_workdays") == 5 and store.setting("office") == "420102-XFJ"
    assert len(seen) == 2                                       # outside: one read each
    monkeypatch.undo()
    if not store.dialect.server:
        store.conn.set_trace_callback(None)
    case = register(ws)                                         # a registration uses it and still works
    assert case.number == "2025-信-000001"
    ws.close()

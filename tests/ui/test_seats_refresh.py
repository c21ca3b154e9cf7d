"""Other seats see new and changed cases without restarting (issue 12 §2): the 工作台 and the case list of an
open window follow what another Workspace saves — another seat on the same server database, or the CLI on the
same SQLite file — within a few seconds; the list re-reads its visible window only, a selected row stays on its
case, and the watcher stops with the window."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402

import pytest  # noqa: E402

from xinfang.services import Workspace  # noqa: E402
from xinfang.ui.case_list_model import COL_STATUS  # noqa: E402
from xinfang.ui.main_window import TAB_LIST, MainWindow  # noqa: E402

from tests.helpers import register  # noqa: E402
from tests.pg_server import ENGINES, engine_target, pg_server  # noqa: E402,F401  (fixtures)

NOW = datetime(2025, 9, 30, 10, 0)
SECONDS = 10_000          # "within a few seconds": the watcher asks every 3 s (200 ms in these tests)


def clock():
    return NOW


@pytest.fixture(params=ENGINES)
def target(request, tmp_path):
    """A database two seats open: a SQLite file, or a server database."""
    if request.param == "sqlite":
        return str(tmp_path / "office.db")
    return engine_target(request)


def _window(qtbot, ws, target):
    w = MainWindow(ws, "clerk", target)
    qtbot.addWidget(w)
    w.watcher._timer.setInterval(200)
    w.show()
    return w


def _shown_numbers(model) -> list[str]:
    return [model.data(model.index(r, 0)) for r in range(model.rowCount())]


def test_the_other_seats_new_and_changed_cases_show_up(qtbot, target):
    mine = Workspace.open(target, now=clock, sample=True)
    other = Workspace.open(target, now=clock)
    try:
        first = register(mine, "clerk", name="张三")
        register(mine, "clerk", name="李四")
        w = _window(qtbot, mine, target)
        w.tabs.setCurrentIndex(TAB_LIST)
        model = w.case_list.model
        qtbot.waitUntil(lambda: model.rowCount() == 2 and not model.loading, timeout=SECONDS)
        assert w.watcher.active
        w.case_list.view.selectRow(1)                   # the user is on 张三's case (the older one)
        assert model.case_id(1) == first.row
        tiles = w.dashboard.counts
        qtbot.waitUntil(lambda: tiles()["待处置"] == 2, timeout=SECONDS)

        new = register(other, "other-seat", name="王五")          # another seat registers …
        qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=SECONDS)
        assert model.case_id(0) == new.row                 # … newest first, on top
        assert _shown_numbers(model)[0] == new.number
        current = w.case_list.view.selectionModel().selectedRows()
        assert [model.case_id(i.row()) for i in current] == [first.row]      # the selection stayed on 张三
        qtbot.waitUntil(lambda: tiles()["待处置"] == 3, timeout=SECONDS)

        other.act(first.row, "accept", "other-seat")      # … and accepts 张三's case
        row = model.ids.tolist().index(first.row)
        qtbot.waitUntil(lambda: model.data(model.index(row, COL_STATUS)) == "办理中", timeout=SECONDS)
        assert model.rowCount() == 3
        qtbot.waitUntil(lambda: tiles()["待处置"] == 2 and tiles()["待答复"] == 1, timeout=SECONDS)

        w.close()
        assert not w.watcher.active                        # the timer stops with the window
    finally:
        other.close()
        mine.close()


def test_another_order_offers_f5_instead_of_reloading_a_large_list(qtbot, tmp_path):
    path = str(tmp_path / "office.db")
    mine = Workspace.open(path, now=clock, sample=True)
    other = Workspace.open(path, now=clock)
    try:
        register(mine, "clerk", name="张三")
        w = _window(qtbot, mine, path)
        w.tabs.setCurrentIndex(TAB_LIST)
        model = w.case_list.model
        qtbot.waitUntil(lambda: model.rowCount() == 1 and not model.loading, timeout=SECONDS)
        w.case_list.sort_by(0, 0)                          # 编号 ascending
        qtbot.waitUntil(lambda: not model.loading, timeout=SECONDS)
        ids_before = model.ids.tolist()
        register(other, "other-seat", name="王五")
        qtbot.waitUntil(lambda: "按 F5 刷新列表" in w.case_list.count_label.text(), timeout=SECONDS)
        assert "现为 2 件" in w.case_list.count_label.text()
        assert model.ids.tolist() == ids_before            # nothing reloaded under the user
        w.refresh()
        qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=SECONDS)
        w.close()
    finally:
        other.close()
        mine.close()


def test_after_its_connections_were_cut_the_window_follows_the_server_again(qtbot, pg_server):
    """The server restarted (every connection of the database ended): the window's reads connect again on
    their next tick, and this seat's next registration saves."""
    import psycopg

    from tests.pg_server import server_url
    name = pg_server.create_database()
    target = server_url(pg_server.dsn(name))
    mine = Workspace.open(target, now=clock, sample=True)
    other = Workspace.open(target, now=clock)
    try:
        register(mine, "clerk", name="张三")
        w = _window(qtbot, mine, target)
        w.tabs.setCurrentIndex(TAB_LIST)
        model = w.case_list.model
        qtbot.waitUntil(lambda: model.rowCount() == 1 and not model.loading, timeout=SECONDS)
        with psycopg.connect(pg_server.conninfo, autocommit=True) as admin:
            cut = [pid for pid, ended in admin.execute("SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
                                                       "WHERE datname = %s", (name,)) if ended]
            assert len(cut) >= 3                           # this seat, its window's reader, the other seat
            # gone (the window's next tick may already have connected again: a new process)
            qtbot.waitUntil(lambda: not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = ANY(%s)",
                                                      (cut,)).fetchone(), timeout=SECONDS)
        register(other, "other-seat", name="王五")
        # connecting again comes first: under a loaded CI (real writer processes beside it) 10 s was short
        qtbot.waitUntil(lambda: model.rowCount() == 2 and not model.loading, timeout=3 * SECONDS)
        register(mine, "clerk", name="李四")
        qtbot.waitUntil(lambda: model.rowCount() == 3 and not model.loading, timeout=3 * SECONDS)
        w.close()
    finally:
        other.close()
        mine.close()
        pg_server.drop_database(name)


def test_a_memory_database_has_no_watcher(qtbot):
    ws = Workspace.open(":memory:", now=clock)
    try:
        w = MainWindow(ws, "clerk", ":memory:")
        qtbot.addWidget(w)
        assert not w.watcher.active
        w.close()
    finally:
        ws.close()

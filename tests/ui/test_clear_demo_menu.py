"""文件 › 清除演示数据… : for the administrator (or a database without accounts), never in the demo database;
cancelling changes nothing; confirming removes the demo cases and refreshes the window."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402

import pytest  # noqa: E402

from tests.helpers import case_json  # noqa: E402
from tests.ui_teardown import close_windows_then  # noqa: E402
from xinfang.domain import passwords  # noqa: E402
from xinfang.services import Workspace  # noqa: E402
from xinfang.services.demo import generate_demo  # noqa: E402
from xinfang.ui.demo_purge import clear_demo  # noqa: E402
from xinfang.ui.main_window import MainWindow  # noqa: E402

NOW = datetime(2026, 11, 27, 10, 0)
pytestmark = pytest.mark.usefixtures("cjk_font")


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "COST", 2 ** 10)


@pytest.fixture
def office(tmp_path):
    ws = Workspace.open(tmp_path / "office.db", now=lambda: NOW)
    generate_demo(ws, 30, seed=1)
    ws.register_input(case_json(received_at="2026-11-26 09:00"), "zhou")
    yield ws
    close_windows_then(ws)


def window(qtbot, ws):
    w = MainWindow(ws, "zhou", str(ws.store.path))
    qtbot.addWidget(w)
    w.resize(1366, 768)
    return w


def test_cancel_changes_nothing_and_confirm_removes(qtbot, office):
    w = window(qtbot, office)
    assert w.clear_demo_action.isEnabled()
    asked, told = [], []
    assert clear_demo(w, ask=lambda parent, text: asked.append(text) or False,
                      tell=lambda parent, title, text: told.append(text)) is None
    assert office.count() == 31 and told == []
    assert "演示数据生成的信访件 30 件" in asked[0]
    done = clear_demo(w, ask=lambda parent, text: True, tell=lambda parent, title, text: told.append(text))
    assert done["removed"]["cases"] == 30 and office.count() == 1
    assert "已清除演示信访件 30 件" in told[-1] and done["backup"] in told[-1]
    assert clear_demo(w, ask=lambda parent, text: True, tell=lambda parent, title, text: told.append(text)) is None
    assert "没有可清除的演示数据" in told[-1]


def test_not_offered_to_a_clerk_nor_in_the_demo_database(qtbot, office, tmp_path):
    office.users.add("admin", ["管理员"], "admin-pass-1", display="王管理")
    office.users.sign_in("admin", "admin-pass-1")
    office.users.add("li", ["登记员"], "clerk-pass-1", display="李登记")
    office.users.sign_in("li", "clerk-pass-1")
    assert not window(qtbot, office).clear_demo_action.isEnabled()
    office.users.sign_in("admin", "admin-pass-1")
    assert window(qtbot, office).clear_demo_action.isEnabled()
    demo = Workspace.open(tmp_path / "demo.db", now=lambda: NOW)
    try:
        demo.set_setting("demo_database", True)
        assert not window(qtbot, demo).clear_demo_action.isEnabled()
    finally:
        close_windows_then(demo)

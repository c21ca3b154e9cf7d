"""Issue 11 §1: switching user and locking by hand ask 保存/放弃/取消 like closing does; the idle lock keeps the
input behind the lock, and closing from the lock screen keeps it in the draft file for its user."""
from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402

import pytest  # noqa: E402

from tests.ui_teardown import close_windows_then  # noqa: E402
from xinfang.domain import passwords  # noqa: E402
from xinfang.services import Workspace  # noqa: E402
from xinfang.ui.login import LoginDialog  # noqa: E402
from xinfang.ui.main_window import TAB_REGISTER, MainWindow  # noqa: E402
from xinfang.ui.qt import QTimer  # noqa: E402

NOW = datetime(2026, 11, 27, 10, 0)
ADMIN_PW, CLERK_PW = "admin-pass-1", "clerk-pass-1"
pytestmark = pytest.mark.usefixtures("cjk_font")


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "COST", 2 ** 10)


@pytest.fixture
def office(tmp_path):
    ws = Workspace.open(tmp_path / "office.db", now=lambda: NOW)
    ws.users.add("admin", ["管理员"], ADMIN_PW, display="王管理")
    ws.users.sign_in("admin", ADMIN_PW)
    ws.users.add("li", ["登记员"], CLERK_PW, display="李登记")
    ws.users.sign_in("li", CLERK_PW)
    yield ws
    close_windows_then(ws)


def typed_window(qtbot, ws, tmp_path):
    w = MainWindow(ws, "li", str(tmp_path / "office.db"))
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    w.new_registration()
    form = w.register_form
    form.channel.setCurrentIndex(form.channel.findData("来访"))
    form.set_category("劳动和社会保障/拖欠工资")
    form.summary.setText("拖欠工资")
    form.rows[0].name.setText("张三")
    form.rows[0].phone.setText("13812345678")
    form.refresh_preview()
    return w


def log_in_when_asked(w, login, password, seen):
    def answer():
        dlg = next((x for x in w.findChildren(LoginDialog) if x.isVisible()), None)
        if dlg is None:                 # not shown yet: try again shortly
            QTimer.singleShot(30, w, answer)
            return
        seen.append(dlg.windowTitle())
        dlg.login.setText(login)
        dlg.password.setText(password)
        dlg.submit()
    QTimer.singleShot(30, w, answer)


def reject_login_if_shown(w, shown):
    """A login dialog must not appear: if one does, note it and close it (the test fails instead of hanging).
    Every timer here has the window as its context, so one still pending when the test ends dies with the
    window instead of firing into the next test (seen in CI: "Internal C++ object (MainWindow) already deleted")."""
    def check():
        for dlg in w.findChildren(LoginDialog):
            if dlg.isVisible():
                shown.append(dlg.windowTitle())
                dlg.reject()
    QTimer.singleShot(300, w, check)


def test_switching_user_asks_first_and_cancel_keeps_user_and_input(qtbot, office, tmp_path):
    w = typed_window(qtbot, office, tmp_path)
    asked, shown = [], []
    w.ask_unsaved = lambda: asked.append("asked") or "cancel"
    reject_login_if_shown(w, shown)
    w.switch_user()                                       # 取消: no login dialog, nothing changes
    assert asked == ["asked"] and shown == [] and office.access.user.login == "li"
    assert w.register_form.summary.text() == "拖欠工资" and w.tabs.currentIndex() == TAB_REGISTER
    assert not [x for x in w.findChildren(LoginDialog) if x.isVisible()]


def test_switching_user_after_discard_drops_the_input_and_its_draft(qtbot, office, tmp_path):
    w = typed_window(qtbot, office, tmp_path)
    draft = tmp_path / "office.db.draft-li.json"
    assert json.loads(draft.read_text(encoding="utf-8"))["summary"] == "拖欠工资"
    w.ask_unsaved = lambda: "discard"
    seen = []
    log_in_when_asked(w, "admin", ADMIN_PW, seen)
    w.switch_user()
    assert seen == ["切换用户"] and office.access.user.login == "admin"
    assert not draft.exists() and office.count() == 0


def test_switching_user_after_save_registers_the_case_as_the_first_user(qtbot, office, tmp_path):
    w = typed_window(qtbot, office, tmp_path)
    w.ask_unsaved = lambda: "save"
    seen = []
    log_in_when_asked(w, "admin", ADMIN_PW, seen)
    w.switch_user()
    assert office.access.user.login == "admin" and office.count() == 1
    case = office.case(1)
    assert case.events[0].action == "register" and case.events[0].actor == "li"   # saved before the switch


def test_locking_by_hand_asks_and_cancel_does_not_lock(qtbot, office, tmp_path):
    w = typed_window(qtbot, office, tmp_path)
    w.ask_unsaved = lambda: "cancel"
    shown = []
    reject_login_if_shown(w, shown)
    w.lock_action.trigger()                               # Ctrl+L / 账户 › 锁定
    assert shown == [] and not w.locked and office.access.user.login == "li" and not w.centralWidget().isHidden()
    assert not [x for x in w.findChildren(LoginDialog) if x.isVisible()]
    assert w.register_form.summary.text() == "拖欠工资"


def test_locking_by_hand_after_discard_locks(qtbot, office, tmp_path):
    w = typed_window(qtbot, office, tmp_path)
    w.ask_unsaved = lambda: "discard"
    seen = []
    log_in_when_asked(w, "li", CLERK_PW, seen)
    w.lock_action.trigger()
    assert seen == ["已锁定"] and office.access.user.login == "li" and not w.locked
    assert not w.register_form.has_input()


def test_the_idle_lock_keeps_the_input_and_closing_from_it_keeps_the_draft(qtbot, office, tmp_path):
    w = typed_window(qtbot, office, tmp_path)
    draft = tmp_path / "office.db.draft-li.json"
    asked = []
    w.ask_unsaved = lambda: asked.append("asked") or "discard"
    states = []
    # the idle lock (nobody at the desk): no question; the lock screen is then left with 退出
    def leave():
        dlg = next((x for x in w.findChildren(LoginDialog) if x.isVisible()), None)
        if dlg is None:
            QTimer.singleShot(30, w, leave)
            return
        states.append((getattr(w, "locked", None), office.access.user.login))
        dlg.reject()
    QTimer.singleShot(30, w, leave)
    w.lock_now()
    assert states == [(True, "")]                         # locked, nobody acting
    assert asked == [] and not w.isVisible()             # closed without asking whoever sat down
    assert json.loads(draft.read_text(encoding="utf-8"))["summary"] == "拖欠工资"
    office.users.sign_in("li", CLERK_PW)                 # nobody acts after the lock: sign in to count
    assert office.count() == 0

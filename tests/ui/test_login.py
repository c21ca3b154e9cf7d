"""The GUI login flow (pytest-qt): first administrator, login refusals, title and status bar, 切换用户,
修改密码, idle lock, 用户管理 and 访问记录 for the administrator, unmasking recorded from the detail screen."""
import pytest

from xinfang.domain import passwords
from xinfang.services import ListFilter, Workspace
from xinfang.ui.login import ChangePasswordDialog, FirstAdminDialog, LoginDialog
from xinfang.ui.main_window import TAB_SETTINGS, MainWindow
from xinfang.ui.qt import QDialog, QTimer

from tests.ui.conftest import clock, close_windows_then, populate

ADMIN_PW, CLERK_PW = "admin-pass-1", "clerk-pass-1"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "COST", 2 ** 10)


@pytest.fixture
def office():
    ws = Workspace.open(":memory:", now=clock)
    populate(ws, 20, seed=3)
    yield ws
    close_windows_then(ws)


def test_first_administrator_then_login(qtbot, office):
    dlg = FirstAdminDialog(office)
    qtbot.addWidget(dlg)
    dlg.display.setText("王管理")
    dlg.password.setText(ADMIN_PW)
    dlg.again.setText("different-1")
    dlg.submit()
    assert dlg.error.isVisibleTo(dlg) and "不一致" in dlg.error.text()
    dlg.again.setText(ADMIN_PW)
    dlg.submit()
    assert dlg.result() == QDialog.DialogCode.Accepted and dlg.user.login == "admin"
    assert office.access.has_accounts() and office.access.user.name == "王管理"

    office.users.sign_out()
    login = LoginDialog(office)
    qtbot.addWidget(login)
    login.login.setText("admin")
    login.password.setText("wrong-pass")
    login.submit()
    assert login.error.isVisibleTo(login) and "用户名或密码错误" in login.error.text()
    assert login.password.text() == "" and login.result() != QDialog.DialogCode.Accepted
    login.password.setText(ADMIN_PW)
    login.submit()
    assert login.result() == QDialog.DialogCode.Accepted and office.access.user.login == "admin"


def _office_with_clerk(ws):
    ws.users.add("admin", ["管理员"], ADMIN_PW, display="王管理")
    ws.users.sign_in("admin", ADMIN_PW)
    ws.users.add("li", ["登记员"], CLERK_PW, display="李登记")
    ws.users.sign_in("li", CLERK_PW)


def test_title_status_switch_user_and_pages_by_role(qtbot, office, tmp_path):
    _office_with_clerk(office)
    w = MainWindow(office, "ignored", ":memory:")
    qtbot.addWidget(w)
    w.resize(1366, 768)
    assert "李登记" in w.windowTitle() and "李登记（登记员）" in w.user_label.text()
    assert w.switch_action.isEnabled() and w.password_action.isEnabled()
    w.tabs.setCurrentIndex(TAB_SETTINGS)
    assert w.settings.users is None                     # a clerk has no 用户管理
    w.grab().save(str(tmp_path / "clerk.png"))

    def answer():
        dlg = next(x for x in w.findChildren(LoginDialog) if x.isVisible())
        dlg.login.setText("admin")
        dlg.password.setText(ADMIN_PW)
        dlg.submit()
    QTimer.singleShot(50, w, answer)                    # dies with the window if never fired
    w.switch_user()
    assert office.access.user.login == "admin" and "王管理" in w.windowTitle()
    assert "王管理（管理员）" in w.user_label.text()
    w.tabs.setCurrentIndex(TAB_SETTINGS)
    assert w.settings.users is not None and w.settings.access_log is not None
    page = w.settings.users
    assert [u["login"] for u in page.users] == ["admin", "li"]
    page.select("li")
    assert page.edit_button.isEnabled() and not page.unlock_button.isEnabled()
    page.toggle_active()
    assert [u["active"] for u in page.users if u["login"] == "li"] == [False]


def test_change_password_and_idle_lock(qtbot, office):
    _office_with_clerk(office)
    w = MainWindow(office, "li", ":memory:")
    qtbot.addWidget(w)
    dlg = ChangePasswordDialog(office, w)
    qtbot.addWidget(dlg)
    dlg.old.setText(CLERK_PW)
    dlg.new.setText("clerk-pass-2")
    dlg.again.setText("clerk-pass-2")
    dlg.submit()
    assert dlg.result() == QDialog.DialogCode.Accepted

    seen = []

    def unlock():
        dlg = next(x for x in w.findChildren(LoginDialog) if x.isVisible())
        seen.append((dlg.login.isReadOnly(), dlg.login.text(), office.access.user.login, w.centralWidget().isHidden()))
        dlg.password.setText("clerk-pass-2")
        dlg.submit()
    QTimer.singleShot(200, w, unlock)
    w.idle_lock.timer.setInterval(10)                  # the idle minutes, shortened
    w.idle_lock.timer.start()
    qtbot.waitUntil(lambda: bool(seen) and office.access.user.login == "li", timeout=5000)
    assert seen == [(True, "li", "", True)]            # locked to li, nobody acting, the window content hidden
    assert not w.centralWidget().isHidden()


def test_unmasking_on_the_detail_screen_is_recorded(qtbot, office):
    _office_with_clerk(office)
    office.users.sign_in("admin", ADMIN_PW)
    office.users.add("boss", ["领导"], CLERK_PW, display="赵领导")
    office.users.sign_in("boss", CLERK_PW)
    w = MainWindow(office, "boss", ":memory:")
    qtbot.addWidget(w)
    row = office.first_page(ListFilter(), 1)[0]
    w.open_case(row)
    detail = w.tabs.currentWidget()
    detail.show_private.setChecked(True)               # 领导 may not: refused in the banner, still masked
    assert not detail.show_private.isChecked() and "查看完整的身份证号和电话" in detail.banner.text()
    office.users.sign_in("li", CLERK_PW)
    detail.reload()
    detail.show_private.setChecked(True)
    assert detail.show_private.isChecked()
    assert detail.case.events[-1].action == "unmask" and detail.case.events[-1].actor == "li"


def test_a_mediator_gets_the_mediation_section_and_no_petition_pages(qtbot, office):
    from xinfang.ui.main_window import TAB_DASHBOARD, TAB_LIST, TAB_MEDIATION, TAB_REGISTER
    _office_with_clerk(office)
    office.users.sign_in("admin", ADMIN_PW)
    office.users.add("tj", ["调解员"], CLERK_PW, unit="420102001001", display="调解员孙")
    office.users.sign_in("tj", CLERK_PW)
    w = MainWindow(office, "tj", ":memory:")
    qtbot.addWidget(w)
    assert [w.tabs.isTabEnabled(i) for i in (TAB_DASHBOARD, TAB_LIST, TAB_REGISTER)] == [False, False, False]
    assert w.tabs.currentIndex() == TAB_MEDIATION and "“登记员”" in w.tabs.tabToolTip(TAB_REGISTER)
    w.refresh_data()                                   # F5 reads nothing it may not read

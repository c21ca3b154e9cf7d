"""The start dialog (issue 12 §1): 本机数据库 / 连接服务器 with address, port, database, user, password and
测试连接; the choice is remembered, the password never; a server that refuses brings the dialog back with
the reason in Chinese."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from types import SimpleNamespace  # noqa: E402

import pytest  # noqa: E402

from xinfang.ui import app as gui_app  # noqa: E402
from xinfang.ui import connect_dialog  # noqa: E402
from xinfang.ui.connect_dialog import Choice, ConnectDialog, remember, remembered  # noqa: E402
from xinfang.ui.qt import QSettings  # noqa: E402

from tests.pg_login import password_db  # noqa: E402,F401  (fixture)
from tests.pg_server import pg_server, server_url  # noqa: E402,F401  (fixtures)


@pytest.fixture(autouse=True)
def inline(monkeypatch):
    monkeypatch.setattr(connect_dialog, "run_in_thread", lambda work: work())


@pytest.fixture
def settings(tmp_path, monkeypatch):
    path = tmp_path / "gui.ini"
    monkeypatch.setenv("XINFANG_SETTINGS", str(path))
    return QSettings(str(path), QSettings.Format.IniFormat)


def _fill(dialog: ConnectDialog, url: str, password: str = "") -> None:
    from xinfang.services.server import ServerAddress
    a = ServerAddress.parse(url)
    dialog.server_radio.setChecked(True)
    dialog.host.setText(a.host)
    dialog.port.setValue(a.port)
    dialog.database.setText(a.database)
    dialog.user.setText(a.user)
    dialog.password.setText(password)


def test_local_is_the_first_choice_and_server_fields_are_off_until_chosen(qtbot, tmp_path):
    d = ConnectDialog(tmp_path / "xinfang.db")
    qtbot.addWidget(d)
    assert d.local_radio.isChecked() and d.local_box.isEnabled() and not d.server_box.isEnabled()
    d.server_radio.setChecked(True)
    assert d.server_box.isEnabled() and not d.local_box.isEnabled()
    d.submit()                                           # nothing typed: the reason, not a crash
    assert d.choice is None and "服务器地址" in d.error.text()
    d.local_radio.setChecked(True)
    d.submit()
    assert d.choice == Choice(str(tmp_path / "xinfang.db"), None, False)


def test_the_connection_test_says_what_the_server_holds(qtbot, tmp_path, password_db):
    url, password = password_db
    d = ConnectDialog(tmp_path / "x.db")
    qtbot.addWidget(d)
    _fill(d, url, "wrong")
    d.test_button.click()
    assert "拒绝了用户" in d.result.text() and "密码错误" in d.result.text()
    d.password.setText(password)
    d.test_button.click()
    assert "连接成功" in d.result.text() and "空数据库" in d.result.text()
    d.host.setText("127.0.0.1")
    d.port.setValue(1)
    d.test_button.click()
    assert "无法连接数据库服务器 127.0.0.1:1" in d.result.text() and "服务器没有运行" in d.result.text()


def test_the_choice_is_remembered_but_never_the_password(qtbot, tmp_path, settings):
    d = ConnectDialog(tmp_path / "x.db")
    qtbot.addWidget(d)
    _fill(d, "postgresql://clerk@10.1.2.3:5433/xinfang", "S3cret-Pw")
    d.read_only.setChecked(True)
    d.submit()
    assert d.choice.password == "S3cret-Pw" and d.choice.read_only
    remember(settings, d.choice)
    text = open(settings.fileName(), encoding="utf-8").read()
    assert "10.1.2.3" in text and "S3cret-Pw" not in text
    again = remembered(settings)
    assert again == Choice("postgresql://clerk@10.1.2.3:5433/xinfang", None, True)
    shown = ConnectDialog(tmp_path / "x.db", again)
    qtbot.addWidget(shown)
    assert shown.server_radio.isChecked() and shown.host.text() == "10.1.2.3" and shown.port.value() == 5433
    assert shown.user.text() == "clerk" and shown.password.text() == "" and shown.read_only.isChecked()


def test_a_refusing_server_brings_the_dialog_back_with_the_reason(qtbot, tmp_path, settings, password_db,
                                                                   monkeypatch):
    """The remembered server asks for its password; a wrong one shows the dialog again saying so; the
    right one opens the database, and the workers of the window may connect (the password is in memory)."""
    url, password = password_db
    from xinfang.services.server import ServerAddress
    remember(settings, Choice(url))
    shown: list[str] = []
    answers = iter(["wrong", password])

    def fake_exec(dialog):
        shown.append(dialog.error.text() if dialog.error.isVisibleTo(dialog) else "")
        assert dialog.server_radio.isChecked()
        dialog.password.setText(next(answers))
        dialog.submit()
        return ConnectDialog.DialogCode.Accepted

    monkeypatch.setattr(ConnectDialog, "exec", fake_exec)
    monkeypatch.setattr(gui_app, "default_db_path", lambda: tmp_path / "never.db")
    args = SimpleNamespace(db=None, screenshot=None, read_only=False)
    opened = gui_app.open_chosen(args, demo=False)
    ws, target, new = opened
    try:
        assert target == url and not new and ws.on_server
        assert shown[0] == "" and "拒绝了用户" in shown[1]
        assert os.environ["XINFANG_DB_PASSWORD"] == password
        assert not (tmp_path / "never.db").exists()
    finally:
        ws.close()
        monkeypatch.delenv("XINFANG_DB_PASSWORD")


def test_a_remembered_local_database_opens_without_asking(qtbot, tmp_path, settings, monkeypatch):
    remember(settings, Choice(str(tmp_path / "office.db")))
    monkeypatch.setattr(ConnectDialog, "exec", lambda d: pytest.fail("no dialog for a remembered file"))
    ws, target, new = gui_app.open_chosen(SimpleNamespace(db=None, screenshot=None, read_only=False), demo=False)
    try:
        assert target == str(tmp_path / "office.db") and new and not ws.on_server
    finally:
        ws.close()

"""The app's demo database comes with the demo accounts (issue 7 §1, README “Demo accounts”): the first start
makes them, the login dialog lists them, and the unattended screenshot shows the demo clerk's view."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from xinfang.domain import passwords
from xinfang.services import Workspace
from xinfang.services.demo.accounts import login_hint
from xinfang.ui.login import LoginDialog
from xinfang.ui.qt import QDialog, QPixmap

from tests.ui_teardown import close_windows_then

ROOT = Path(__file__).resolve().parents[2]


def test_first_start_of_the_demo_makes_the_accounts_and_the_login_lists_them(qtbot, tmp_path, monkeypatch,
                                                                             cjk_font):
    db, png = tmp_path / "demo.db", tmp_path / "demo.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    code = ("import sys; from xinfang.domain import passwords; passwords.COST = 2 ** 10; "
            "from xinfang.ui.app import main; "
            f"sys.exit(main(['--db', {str(db)!r}, '--demo', '60', '--screenshot', {str(png)!r}]))")
    for run in (1, 2):                          # made the first time; the second start finds them
        proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=180)
        assert proc.returncode == 0, (run, proc.stderr)
    assert QPixmap(str(png)).width() > 0

    monkeypatch.setattr(passwords, "COST", 2 ** 10)
    ws = Workspace.open(db)
    try:
        assert ws.summary()["cases"] == 60
        login = LoginDialog(ws, hint=login_hint())
        qtbot.addWidget(login)
        login.show()
        for name in ("admin", "dengji", "chengban", "tiaojie", "lingdao", "jijian", "xinfang-demo"):
            assert name in login.hint.text()
        login.resize(520, login.sizeHint().height())
        qtbot.wait(50)
        assert login.grab().save(str(Path(os.environ.get("XF_SHOT_DIR", tmp_path)) / "demo-login.png"))
        login.login.setText("chengban")
        login.password.setText("xinfang-demo")
        login.submit()
        assert login.result() == QDialog.DialogCode.Accepted
        assert ws.access.user.roles == frozenset({"承办"}) and 0 < ws.count() < 60
    finally:
        close_windows_then(ws)



def test_the_window_counts_and_names_what_the_logged_in_user_sees(qtbot, monkeypatch):
    """The status bar's count is the user's own (a 承办 user: its unit's cases; a 调解员: none) and the dashboard
    names the logged-in login, not the operating-system user the window was started with."""
    from xinfang.services.demo.accounts import add_demo_accounts
    from xinfang.ui.main_window import MainWindow
    from tests.ui.conftest import clock, populate
    monkeypatch.setattr(passwords, "COST", 2 ** 10)
    ws = Workspace.open(":memory:", now=clock)
    try:
        populate(ws, 40, seed=3)
        made = {a["login"]: a for a in add_demo_accounts(ws)}
        ws.users.sign_in("chengban", "xinfang-demo")
        own = ws.store.one("SELECT count(*) FROM cases WHERE handling_unit = ?", (made["chengban"]["unit"],))
        assert 0 < own < 40
        w = MainWindow(ws, "os-user", ":memory:")
        qtbot.addWidget(w)
        assert w.count_label.text() == f"共 {own} 件信访件"
        assert "chengban" in w.dashboard.today_label.text() and "os-user" not in w.dashboard.today_label.text()
        w.close()
        ws.users.sign_in("tiaojie", "xinfang-demo")
        w = MainWindow(ws, "os-user", ":memory:")
        qtbot.addWidget(w)
        assert w.count_label.text() == ""                  # reads no petitions: no count of them either
        w.close()
    finally:
        close_windows_then(ws)

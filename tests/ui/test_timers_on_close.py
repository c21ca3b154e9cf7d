"""tech-notes F7: a debounce timer must not reach a closed Workspace — neither after its window closed
nor when the Workspace was closed first (the order a test or a crash may produce)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402

from xinfang.services import Workspace  # noqa: E402
from xinfang.ui.main_window import TAB_REGISTER, MainWindow  # noqa: E402
from xinfang.ui.register.form import DEBOUNCE_MS  # noqa: E402
from xinfang.ui.register_form import RegisterForm  # noqa: E402

NOW = datetime(2026, 11, 20, 10, 0)


def _type_into(form: RegisterForm, qtbot) -> None:
    form.summary.setText("拖欠工资")
    assert form._timer.isActive(), "typing must start the preview debounce"


def test_workspace_closed_before_the_debounce_fires_is_harmless(qtbot):
    ws = Workspace.open(":memory:", now=lambda: NOW)
    form = RegisterForm(ws, "张科员")
    qtbot.addWidget(form)
    form.show()
    _type_into(form, qtbot)
    ws.close()
    assert ws.closed
    qtbot.wait(DEBOUNCE_MS + 200)   # pytest-qt fails the test on any exception raised in the event loop
    assert form.last_preview is None
    ws.close()                      # a second close is harmless too


def test_closing_the_form_stops_its_timer(qtbot):
    ws = Workspace.open(":memory:", now=lambda: NOW)
    try:
        form = RegisterForm(ws, "张科员")
        qtbot.addWidget(form)
        form.show()
        _type_into(form, qtbot)
        form.close()
        assert not form._timer.isActive()
    finally:
        ws.close()


def test_closing_the_main_window_stops_the_register_forms_timer(qtbot, tmp_path):
    path = tmp_path / "w.db"
    ws = Workspace.open(path, now=lambda: NOW)
    try:
        w = MainWindow(ws, "张科员", str(path))
        qtbot.addWidget(w)
        w.show()
        w.tabs.setCurrentIndex(TAB_REGISTER)
        _type_into(w.register_form, qtbot)
        w.ask_unsaved = lambda: "discard"     # closing with typed input asks 保存/放弃/取消 (issue 11)
        w.close()
        assert not w.register_form._timer.isActive()
        assert not w.case_list._debounce.isActive()
    finally:
        from xinfang.ui.workers import wait_all
        wait_all()
        ws.close()
    qtbot.wait(DEBOUNCE_MS + 200)

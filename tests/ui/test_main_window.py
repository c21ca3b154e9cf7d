"""The main window: title and status bar, 工作台 tiles, navigation, shortcuts, 设置, the app entry point."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from xinfang.domain.problems import DomainError
from xinfang.services import ListFilter
from xinfang.ui.main_window import TAB_LIST, TAB_REGISTER, TAB_SETTINGS, MainWindow
from xinfang.ui.qt import QApplication, QMessageBox, Qt

ROOT = Path(__file__).resolve().parents[2]


def make_window(qtbot, ws, db_path, actor="zhangmh") -> MainWindow:
    w = MainWindow(ws, actor, db_path)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitUntil(lambda: bool(w.dashboard.data), timeout=10_000)   # counts come from the worker
    return w


def test_title_and_status_bar(qtbot, ws, db_path, actor):
    w = make_window(qtbot, ws, db_path)
    assert ws.setting("office_name") in w.windowTitle()
    assert db_path in w.windowTitle()
    assert f"{ws.count():,}" in w.count_label.text()
    assert ws.profile.name in w.profile_label.text()


def test_dashboard_counts_equal_the_service(qtbot, ws, db_path, actor):
    w = make_window(qtbot, ws, db_path)
    expected = ws.dashboard(actor)
    for name, tile in w.dashboard.tiles.items():
        assert tile.number.text() == f"{expected[name]['count']:,}", name
    assert w.dashboard.counts() == {name: expected[name]["count"] for name in w.dashboard.tiles}
    assert w.dashboard.mine_model.rowCount() == len(expected["我登记的"]["ids"])
    assert f"{expected['我登记的']['count']:,}" in w.dashboard.mine_title.text()


def test_clicking_a_tile_shows_that_list(qtbot, ws, db_path, actor):
    w = make_window(qtbot, ws, db_path)
    filters = ws.due_filters()
    for name in ("逾期", "待受理", "待答复"):
        qtbot.mouseClick(w.dashboard.tiles[name], Qt.LeftButton)
        assert w.tabs.currentIndex() == TAB_LIST
        qtbot.waitUntil(lambda: not w.case_list.model.loading, timeout=10_000)
        assert w.case_list.model.rowCount() == ws.count(filters[name]), name
    w.dashboard.showList.emit("我登记的")
    assert w.case_list.model.rowCount() == ws.count(ListFilter(registered_by=actor))


def test_shortcuts(qtbot, ws, db_path, actor):
    w = make_window(qtbot, ws, db_path)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    qtbot.keyClick(w, Qt.Key_N, Qt.ControlModifier)
    assert w.tabs.currentIndex() == TAB_REGISTER
    qtbot.keyClick(w, Qt.Key_F, Qt.ControlModifier)
    assert w.tabs.currentIndex() == TAB_LIST
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.case_list.search, timeout=2000)
    qtbot.keyClick(w, Qt.Key_F5)
    assert "刷新" in w.statusBar().currentMessage()


def test_open_case_from_list_by_enter(qtbot, ws, db_path, actor):
    w = make_window(qtbot, ws, db_path)
    w.show_list()
    view = w.case_list.view
    view.setFocus()
    view.setCurrentIndex(w.case_list.model.index(3, 0))
    n = w.tabs.count()
    qtbot.keyClick(view, Qt.Key_Return)
    assert w.tabs.count() == n + 1
    case = ws.case(int(w.case_list.model.ids[3]))
    assert w.tabs.tabText(w.tabs.currentIndex()) == case.number
    # opening it again switches to the same tab
    w.open_case(case.id)
    assert w.tabs.count() == n + 1
    w.close_current_case()
    assert w.tabs.count() == n


def test_open_case_from_dashboard(qtbot, ws, db_path, actor):
    w = make_window(qtbot, ws, db_path)
    view = w.dashboard.mine
    n = w.tabs.count()
    assert w.dashboard.mine_model.rowCount() > 0, w.dashboard.data
    view.activated.emit(w.dashboard.mine_model.index(0, 0))
    assert w.tabs.count() == n + 1
    assert w.tabs.currentIndex() == n


def test_settings_holiday_import_shows_errors(qtbot, scratch_ws):
    w = MainWindow(scratch_ws, "admin", ":memory:")
    qtbot.addWidget(w)
    w.tabs.setCurrentIndex(TAB_SETTINGS)
    page = w.settings.holidays
    assert "2004–2026" in page.coverage.text()
    assert page.warning.isVisibleTo(page) and "2027" in page.warning.text()
    page.text.setPlainText("date,kind,name\n2027-01-01,休,元旦\n2027-02-30,休,春节\n2027/2/6,放假,春节\n"
                           "2027-02-14,上课,调休\n")
    qtbot.mouseClick(page.check_btn, Qt.LeftButton)
    errors = [page.error_list.item(i).text() for i in range(page.error_list.count())]
    assert any(e.startswith("第3行") and "无效" in e for e in errors)
    assert any(e.startswith("第5行") for e in errors)
    assert page.table.rowCount() == 5
    assert page.table.item(2, 4).text() != "正确" and page.table.item(1, 4).text() == "正确"
    assert "2 条" in page.summary.text() and "2027" in page.summary.text()
    assert page.import_btn.isEnabled()
    before = scratch_ws.calendar.has_data(2027)
    assert before is False        # checking never writes


def test_settings_holiday_import_clean_file(qtbot, scratch_ws):
    w = MainWindow(scratch_ws, "admin", ":memory:")
    qtbot.addWidget(w)
    w.tabs.setCurrentIndex(TAB_SETTINGS)
    page = w.settings.holidays
    page.text.setPlainText("2027-01-01,休,元旦\n2027-02-06,休,春节\n2027-02-14,班,调休\n")
    page.preview()
    assert page.error_list.count() == 0
    page.do_import()
    assert scratch_ws.calendar.has_data(2027)
    assert "2027" in page.coverage.text() and "已导入 3 条" in page.result.text()


def test_settings_profiles_and_categories(qtbot, scratch_ws):
    w = MainWindow(scratch_ws, "admin", ":memory:")
    qtbot.addWidget(w)
    w.tabs.setCurrentIndex(TAB_SETTINGS)
    page = w.settings.profile
    profiles = scratch_ws.profiles()
    assert page.combo.count() == len(profiles)
    other = next(p for p in profiles if p.code != scratch_ws.profile.code)
    page.combo.setCurrentIndex(page.combo.findData(other.code))
    assert page.table.rowCount() == 8
    texts = {page.table.item(r, 1).text() for r in range(8)}
    assert {pol.describe for pol in other.policies.values()} == texts
    assert page.note.text() == (other.note or "（无说明）")
    qtbot.mouseClick(page.apply_btn, Qt.LeftButton)
    assert scratch_ws.profile.code == other.code
    assert other.name in w.profile_label.text()
    cats = w.settings.categories
    assert cats.tree.topLevelItemCount() == len({c[1] for c in scratch_ws.categories()})


def test_excepthook_shows_chinese_message(qtbot, ws, db_path, actor):
    from xinfang.ui.app import error_text, install_excepthook
    w = make_window(qtbot, ws, db_path)
    old = sys.excepthook
    try:
        install_excepthook()
        sys.excepthook(DomainError, DomainError("找不到案件“X”"), None)
        boxes = [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]
        assert boxes and boxes[-1].text() == "找不到案件“X”"
        for b in boxes:
            b.done(0)
    finally:
        sys.excepthook = old
    # Python's own text never reaches the clerk: "invalid literal…" is replaced by a Chinese sentence
    text = error_text(ValueError("invalid literal for int() with base 10: 'x'"))
    assert "程序内部错误" in text and "invalid" not in text
    assert w.isVisible()


def test_app_screenshot_and_exit(tmp_path, db_path):
    png = tmp_path / "main.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", "import sys; from xinfang.ui.app import main; "
                           f"sys.exit(main(['--db', {db_path!r}, '--user', 'zhangmh', '--page', 'list', "
                           f"'--screenshot', {str(png)!r}]))"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert png.stat().st_size > 20_000
    from xinfang.ui.qt import QPixmap
    pix = QPixmap(str(png))
    assert (pix.width(), pix.height()) == (1280, 800)


def test_registration_opens_the_case_behind_and_refreshes(qtbot, scratch_ws):
    from tests.helpers import case_json
    from xinfang.services.intake import draft_from_dict
    w = MainWindow(scratch_ws, "zhangmh", ":memory:")
    qtbot.addWidget(w)
    w.show()
    before = scratch_ws.count()
    qtbot.keyClick(w, Qt.Key_N, Qt.ControlModifier) if w.isActiveWindow() else w.new_registration()
    assert w.tabs.currentIndex() == TAB_REGISTER and w.register_form is not None
    case = scratch_ws.register(draft_from_dict(case_json(received_at="2026-11-19 09:00")), "zhangmh").case
    n = w.tabs.count()
    w.register_form.saved.emit(case.id)
    assert w.tabs.count() == n + 1 and w.tabs.tabText(n) == case.number
    # the clerk stays on the form, the cursor in its first field, ready for the next one
    assert w.tabs.currentIndex() == TAB_REGISTER
    assert w.focusWidget() is w.register_form.channel
    qtbot.waitUntil(lambda: f"{before + 1:,}" in w.count_label.text(), timeout=3000)
    assert w.dashboard.counts()["待处置"] == scratch_ws.dashboard("zhangmh")["待处置"]["count"]

"""The GUI's error boundary: an exception escaping a slot becomes a Chinese message box, its traceback goes
to the log file and nothing reaches stderr; usage errors of xinfang-gui are Chinese."""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from xinfang.ui.qt import QApplication, QMessageBox, QPushButton  # noqa: E402


def boundary_boxes():
    return [b for b in QApplication.topLevelWidgets()
            if isinstance(b, QMessageBox) and b.objectName() == "errorBoundary" and b.isVisible()]


def close_all():
    for b in boundary_boxes():
        b.done(0)
    QApplication.processEvents()


def test_exception_in_a_slot_is_a_chinese_box_and_a_log_entry(qtbot, capfd, _log_dir):
    from xinfang.ui import guard
    button = QPushButton("x")
    qtbot.addWidget(button)

    def slot():
        raise KeyError("internal detail: no such key 'unit'")
    button.clicked.connect(slot)
    old = sys.excepthook
    try:
        guard.install_excepthook()
        button.click()
        QApplication.processEvents()
        boxes = boundary_boxes()
        assert len(boxes) == 1
        text = boxes[0].text()
        assert "程序内部错误" in text and "internal detail" not in text and "KeyError" not in text
        # the log file on a line of its own (not wrapped inside the sentence), and a button to its folder
        assert str(_log_dir) not in text and str(_log_dir / "xinfang-errors.log") in boxes[0].informativeText()
        assert "打开日志所在文件夹" in [b.text() for b in boxes[0].buttons()]
        assert boxes[0].escapeButton() is boxes[0].button(QMessageBox.Ok)     # Esc closes it
    finally:
        sys.excepthook = old
        close_all()
    log = (_log_dir / "xinfang-errors.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "internal detail" in log
    assert "Traceback" not in capfd.readouterr().err


def test_guarded_slot_reports_and_drops_the_signal_argument(qtbot, tmp_path):
    from xinfang.domain.problems import DomainError
    from xinfang.ui.guard import guarded
    calls = []

    class Page(QPushButton):
        @guarded
        def act(self):
            calls.append(1)
            raise DomainError("承办单位“某局”不在单位目录中")
    page = Page("x")
    qtbot.addWidget(page)
    page.clicked.connect(page.act)       # clicked passes `checked`; act takes none
    try:
        page.click()
        assert calls == [1]
        boxes = boundary_boxes()
        assert boxes and boxes[0].text() == "承办单位“某局”不在单位目录中"
    finally:
        close_all()


def test_sqlite_error_in_a_slot_is_translated(qtbot):
    import sqlite3
    from xinfang.ui.guard import report
    try:
        text = report(sqlite3.OperationalError("database is locked"))
        assert "正被另一个程序" in text and "locked" not in text
    finally:
        close_all()


def test_gui_usage_errors_are_chinese(capsys):
    from xinfang.ui.app import main
    assert main(["--size", "huge"]) == 2
    err = capsys.readouterr().err
    assert "错误：参数 --size：窗口大小应写成 宽x高" in err and "usage" not in err and "error:" not in err
    assert main(["--demo", "x"]) == 2
    assert "演示案件数应为整数" in capsys.readouterr().err


def test_gui_screenshot_of_a_database_that_cannot_be_opened_exits_with_a_chinese_message(tmp_path):
    """--screenshot has nobody to close a modal box: it used to wait forever on 无法打开数据库."""
    import subprocess
    folder = tmp_path / "folder.db"
    folder.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XINFANG_LOG_DIR=str(tmp_path))
    run = subprocess.run([sys.executable, "-m", "xinfang.ui.app", "--db", str(folder), "--screenshot",
                          str(tmp_path / "x.png")], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 2 and not (tmp_path / "x.png").exists()
    assert run.stderr.startswith("错误：") and "文件夹" in run.stderr and str(folder) in run.stderr
    assert run.stderr.count(str(folder)) == 1 and "Traceback" not in run.stderr

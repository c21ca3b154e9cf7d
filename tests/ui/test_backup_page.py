"""设置 → 备份与恢复 (issue 7 §3): the list with date, size and verified state; 立即备份, 校验 and 恢复 with
confirmation run off the GUI thread; the main window reloads the restored database; a copy when it closes."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sqlite3  # noqa: E402
from datetime import datetime  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.helpers import Clock, register  # noqa: E402
from tests.ui_teardown import close_windows_then  # noqa: E402
from xinfang.services import Workspace  # noqa: E402
from xinfang.ui.backup_page import BackupPage  # noqa: E402
from xinfang.ui.main_window import TAB_SETTINGS, MainWindow  # noqa: E402
from xinfang.ui.qt import QMessageBox  # noqa: E402
from xinfang.ui.workers import wait_for  # noqa: E402


@pytest.fixture
def office(tmp_path):
    clock = Clock(datetime(2026, 11, 27, 9, 0))
    ws = Workspace.open(tmp_path / "office.db", now=clock)
    for i in range(3):
        register(ws, name=f"信访人{i}")
    yield ws, clock
    close_windows_then(ws)


def show(qtbot, w):
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_backup_now_verify_and_the_list(qtbot, office):
    ws, clock = office
    page = show(qtbot, BackupPage(ws, "admin"))
    assert page.table.rowCount() == 0
    assert page.folder.text() == str(Path(ws.store.path).resolve().parent / "backups")
    page.backup_now()
    wait_for(page.task)
    assert page.table.rowCount() == 1
    row = [page.table.item(0, c).text() for c in range(page.table.columnCount())]
    (made,) = ws.backups.list()     # the worker has its own Workspace and the real clock
    assert row[0] == made["created_at"].replace("T", " ") and len(row[0]) == 19
    assert row[1] == "手动" and row[3] == "3" and row[4] == "未校验"
    assert row[2].endswith(("KB", "MB"))
    assert "已备份" in page.banner.text()

    page.table.selectRow(0)
    page.verify_selected()
    wait_for(page.task)
    assert page.table.item(0, 4).text().startswith("通过")
    assert "校验通过" in page.banner.text()


def test_a_tampered_copy_shows_why_it_failed(qtbot, office):
    ws, _ = office
    made = ws.backups.create()
    conn = sqlite3.connect(made["file"])
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='events'").fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("UPDATE events SET actor = '冒名' WHERE id = (SELECT min(id) FROM events)")
    conn.commit()
    conn.close()
    page = show(qtbot, BackupPage(ws, "admin"))
    page.table.selectRow(0)
    page.verify_selected()
    wait_for(page.task)
    assert page.table.item(0, 4).text().startswith("未通过")
    assert "校验未通过" in page.banner.text() and "与备份清单不符" in page.banner.text()


def test_restore_asks_first_and_the_window_shows_the_restored_database(qtbot, office, monkeypatch):
    ws, clock = office
    window = show(qtbot, MainWindow(ws, "admin", ws.store.path))
    window.tabs.setCurrentIndex(TAB_SETTINGS)
    page = window.settings.backup
    page.backup_now()
    wait_for(page.task)
    clock.advance(hours=1)
    register(ws, name="备份之后")
    window.open_case(ws.first_page(ws.due_filters()["待处置"], 1)[0])
    assert window.tabs.count() == TAB_SETTINGS + 2

    page.refresh()
    page.table.selectRow(0)
    made = page.selected()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    page.restore_selected()
    assert page.task is None or page.task.isFinished()
    assert ws.count() == 4, "said no: nothing happens"

    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes)
    page.restore_selected()
    wait_for(page.task)
    assert made["created_at"].replace("T", " ") in asked[0] and "3 件" in asked[0] and made["file"] in asked[0]
    assert not ws.closed and ws.count() == 3
    assert "已恢复" in page.banner.text()
    assert window.tabs.count() == TAB_SETTINGS + 1, "the case tabs of the replaced database are closed"
    kinds = sorted(b["kind"] for b in ws.backups.list())
    assert kinds == ["manual", "prerestore"]
    qtbot.waitUntil(lambda: "共 3 件" in window.count_label.text(), timeout=5000)


def test_closing_the_window_makes_an_automatic_copy(qtbot, office):
    ws, _ = office
    window = show(qtbot, MainWindow(ws, "admin", ws.store.path, auto_backup=True))
    window.close()
    (copy,) = ws.backups.list()
    assert copy["kind"] == "auto" and copy["cases"] == 3


def test_screenshot_of_the_backup_page(qtbot, office, cjk_font, tmp_path):
    ws, clock = office
    good = ws.backups.create()
    ws.backups.verify(good["file"])
    clock.advance(days=1)
    ws.backups.create(kind="auto")
    clock.advance(hours=2)
    bad = ws.backups.create()
    with open(bad["file"], "r+b") as fh:
        fh.truncate(bad["size"] // 2)
    ws.backups.verify(bad["file"])
    window = show(qtbot, MainWindow(ws, "admin", ws.store.path))
    window.tabs.setCurrentIndex(TAB_SETTINGS)
    window.settings.tabs.setCurrentWidget(window.settings.backup)
    window.settings.backup.table.selectRow(0)
    qtbot.wait(50)
    out = Path(os.environ.get("XF_SHOT_DIR", tmp_path)) / "settings-backup.png"
    assert window.grab().save(str(out))


def test_a_read_only_database_backs_up_to_a_chosen_file_and_cannot_be_restored(qtbot, office, monkeypatch,
                                                                              tmp_path, cjk_font):
    """A database on a CD: 立即备份到… asks where, verifying works, restore and the folder are disabled with the
    reason, closing makes no automatic copy, and the file is not touched."""
    ws, clock = office
    ws.backups.create()
    db = Path(ws.store.path)
    ws.close()
    before = db.read_bytes()
    ro = Workspace.open(db, now=clock, read_only=True)
    window = show(qtbot, MainWindow(ro, "admin", str(db), auto_backup=True))
    window.tabs.setCurrentIndex(TAB_SETTINGS)
    window.settings.tabs.setCurrentWidget(window.settings.backup)
    page = window.settings.backup
    assert page.read_only_note.isVisible() and "不能恢复" in page.read_only_note.text()
    assert not page.change_btn.isEnabled() and not page.default_btn.isEnabled()
    assert not page.restore_file_btn.isEnabled()
    page.table.selectRow(0)
    assert page.verify_btn.isEnabled() and not page.restore_btn.isEnabled()
    qtbot.wait(50)
    out = Path(os.environ.get("XF_SHOT_DIR", tmp_path)) / "settings-backup-read-only.png"
    assert window.grab().save(str(out))

    target = tmp_path / "usb" / "copy.db"
    monkeypatch.setattr("xinfang.ui.backup_page.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), ""))
    assert page.backup_btn.text() == "立即备份到…"
    page.backup_now()
    wait_for(page.task)
    assert "已备份" in page.banner.text() and target.exists()
    page.verify(str(target))
    wait_for(page.task)
    assert "校验通过" in page.banner.text() and "（3 件" in page.banner.text()
    window.close()
    assert [b["kind"] for b in ro.backups.list()] == ["manual"], "no automatic copy of a read-only file"
    close_windows_then(ro)
    assert db.read_bytes() == before

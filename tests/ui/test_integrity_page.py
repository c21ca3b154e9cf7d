"""设置 › 数据完整性: anchor shown, the check runs in a worker with progress and shows what it found;
the title bar says when a database is open read-only."""
from __future__ import annotations

import sqlite3

from xinfang.services import Workspace
from xinfang.ui.integrity_page import IntegrityPage
from xinfang.ui.main_window import MainWindow

from tests.pg_server import pg_database, pg_server  # noqa: F401  (fixtures)

from datetime import datetime


def clock():
    return datetime(2026, 11, 20, 10, 0)


def _copy(src, dst) -> None:
    """A consistent copy (what the WAL holds included)."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)
    a.close()
    b.close()


def _page(qtbot, ws):
    page = IntegrityPage(ws)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_anchor_and_a_clean_check(qtbot, ws):
    page = _page(qtbot, ws)
    seq, h = page.anchor.text().split(":")
    assert int(seq) > 0 and len(h) == 64 and page.anchor.text() == ws.anchor()
    page.check_button.click()
    qtbot.waitUntil(lambda: page.last_report is not None, timeout=60_000)
    assert page.last_report["ok"] and page.result.text().startswith("全部完好")
    assert page.last_report["integrity_kind"].startswith("快速检查") and "快速检查" in page.result.text()
    qtbot.waitUntil(page.check_button.isEnabled, timeout=5_000)
    page.grab().save("/tmp/integrity-ok.png")
    page.deep.setChecked(True)                      # 深度检查: SQLite's integrity_check instead
    page.last_report = None
    page.check_button.click()
    qtbot.waitUntil(lambda: page.last_report is not None, timeout=60_000)
    assert page.last_report["ok"] and page.last_report["integrity_kind"].startswith("深度检查")
    qtbot.waitUntil(page.check_button.isEnabled, timeout=5_000)


def test_tampering_is_listed(qtbot, db_path, tmp_path):
    path = tmp_path / "t.db"
    _copy(db_path, path)
    raw = sqlite3.connect(path)
    raw.execute("UPDATE cases SET handling_unit = 'X-TAMPERED' WHERE id = 100")
    number = raw.execute("SELECT number FROM cases WHERE id = 100").fetchone()[0]
    raw.commit()
    raw.close()
    ws = Workspace.open(path, now=clock)
    try:
        page = _page(qtbot, ws)
        page.check_button.click()
        qtbot.waitUntil(lambda: page.last_report is not None, timeout=60_000)
        assert not page.last_report["ok"]
        assert "发现" in page.result.text() and number in page.problems.toPlainText()
        page.grab().save("/tmp/integrity-tampered.png")
    finally:
        ws.close()


def test_title_bar_says_read_only(qtbot, db_path, tmp_path):
    path = tmp_path / "ro.db"
    _copy(db_path, path)
    ws = Workspace.open(path, now=clock, read_only=True)
    try:
        w = MainWindow(ws, "zhangmh", str(path))
        qtbot.addWidget(w)
        assert "只读" in w.windowTitle()
        w.close()
    finally:
        ws.close()


def test_the_check_replays_cases_in_worker_processes_from_the_window(qtbot, db_path, tmp_path, monkeypatch):
    """At 1M cases the page's check replays cases in spawned worker processes (started from the window's
    worker thread, never forked from Qt): forced here on a small file, the tampering is found all the same."""
    from xinfang.services import integrity
    path = tmp_path / "w.db"
    _copy(db_path, path)
    raw = sqlite3.connect(path)
    raw.execute("UPDATE cases SET status = 'closed' WHERE id = 200 AND status <> 'closed'")
    raw.execute("UPDATE cases SET status = 'handling' WHERE id = 200 AND status = 'closed'")
    number = raw.execute("SELECT number FROM cases WHERE id = 200").fetchone()[0]
    raw.commit()
    raw.close()
    used = []
    monkeypatch.setattr(integrity, "_default_workers", lambda cases: used.append(cases) or 2)
    ws = Workspace.open(path, now=clock)
    try:
        page = _page(qtbot, ws)
        page.check_button.click()
        qtbot.waitUntil(lambda: page.last_report is not None, timeout=120_000)
        assert used and not page.last_report["ok"]
        assert page.last_report["broken_chains"] == [number] and number in page.problems.toPlainText()
    finally:
        ws.close()


def test_the_page_on_a_server(qtbot, pg_database):
    """设置 › 数据完整性 on a PostgreSQL database: a clean check names the server's part (no amcheck here: the
    server looks after its files), then a row changed by the server's superuser is listed."""
    from tests.pg_server import server_url
    from tests.storage.check_data import Database, build
    url = server_url(pg_database)
    build(url)
    ws = Workspace.open(url, now=clock)           # the page's worker opens its own the same way
    try:
        page = _page(qtbot, ws)
        page.check_button.click()
        qtbot.waitUntil(lambda: page.last_report is not None, timeout=60_000)
        assert page.last_report["ok"], page.last_report["problems"]
        assert page.result.text().startswith("全部完好：案件 60 件") and "数据库服务器：由服务器负责（服务器上未安装 amcheck" in page.result.text()
        page.grab().save("/tmp/integrity-server-ok.png")
        db = Database("postgresql", url)
        number = db.q("SELECT number FROM cases ORDER BY id LIMIT 1 OFFSET 20")[0][0]
        with db.tamper() as conn:
            conn.execute("UPDATE cases SET handling_unit = 'X-TAMPERED' WHERE number = ?", (number,))
        page.last_report = None
        qtbot.waitUntil(page.check_button.isEnabled, timeout=5_000)
        page.check_button.click()
        qtbot.waitUntil(lambda: page.last_report is not None, timeout=60_000)
        assert page.last_report["broken_chains"] == [number]
        assert f"案件 {number}：承办单位与事件记录不符" in page.problems.toPlainText()
        page.grab().save("/tmp/integrity-server-tampered.png")
    finally:
        ws.close()

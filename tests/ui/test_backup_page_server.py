"""设置 → 备份与恢复 on a server (issue 12 §3): it says who backs the server up, offers a manual dump to this
PC with its list, and no restore over the database in use or backups folder in the shared database."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402

import pytest  # noqa: E402

from tests.helpers import make_workspace, register  # noqa: E402
from tests.pg_server import pg_server, server_url  # noqa: E402,F401  (fixture)
from tests.ui_teardown import close_windows_then  # noqa: E402
from xinfang.ui.backup_page import BackupPage  # noqa: E402


@pytest.fixture
def server_office(pg_server, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))     # this user's manual backups folder
    name = pg_server.create_database()
    ws, clock = make_workspace(datetime(2026, 11, 27, 9, 0), target=server_url(pg_server.dsn(name)))
    for i in range(3):
        register(ws, name=f"信访人{i}", id_number="", phone=f"1390000111{i}", received_at="2026-11-27 08:00")
    yield ws
    close_windows_then(ws)
    pg_server.drop_database(name)


def test_the_page_on_a_server_says_who_backs_it_up(qtbot, server_office, tmp_path):
    ws = server_office
    made = ws.backups.create()
    assert made["file"].startswith(str(tmp_path / "data")) and made["file"].endswith("-manual.dump")
    page = BackupPage(ws, "admin")
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    assert page.server and page.server_note.isVisible() and "服务器管理员（信息中心）" in page.server_note.text()
    assert not page.restore_btn.isVisible() and not page.restore_file_btn.isVisible()
    assert not page.change_btn.isVisible() and page.backup_btn.isVisible()
    assert page.folder.text() == str(tmp_path / "data" / "xinfang" / "server-backups")
    assert page.table.rowCount() == 1
    row = [page.table.item(0, c).text() for c in range(page.table.columnCount())]
    assert row[1] == "手动" and row[3] == "3" and row[4].startswith("通过")
    page.grab().save(str(tmp_path / "backup-server.png"))
    if os.environ.get("XINFANG_GRAB"):
        page.grab().save(os.environ["XINFANG_GRAB"])

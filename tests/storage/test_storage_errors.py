"""Services see one storage error type (StorageError) whatever the engine says, with a Chinese message."""
from __future__ import annotations

import pytest

from xinfang.services import Workspace
from xinfang.services.errors import describe, is_fault, user_message
from xinfang.storage.errors import StorageError, as_storage_error


def test_a_file_that_is_not_a_database_is_a_damaged_storage_error(tmp_path):
    path = tmp_path / "x.db"
    path.write_bytes(b"this is not a database file, only text " * 200)
    with pytest.raises(StorageError) as caught:
        Workspace.open(path)
    err = caught.value
    assert err.damaged and err.environmental
    assert err.message == "这个文件不是数据库文件，请选择 xinfang 的数据库文件。"
    assert user_message(err) == err.message and not is_fault(err)
    message, problems = describe(err, "test", db=path)
    assert message.startswith("这个文件不是数据库文件") and str(path) in message and problems == []


def test_a_failed_statement_inside_an_action_rolls_back_and_is_a_storage_error():
    ws = Workspace.open(":memory:")
    before = ws.store.one("SELECT count(*) FROM units")
    with pytest.raises(StorageError) as caught:
        with ws.store.transaction():
            ws.store.conn.execute("INSERT INTO units(code, name, parent, kind, level, areas, contact, phone, active) "
                                  "VALUES ('X1', '甲', '', '党政部门', 3, '', '', '', 1)")
            ws.store.conn.execute("INSERT INTO units(code, name, parent, kind, level, areas, contact, phone, active) "
                                  "VALUES ('X1', '乙', '', '党政部门', 3, '', '', '', 1)")      # same code
    assert caught.value.message == "数据与已有记录冲突（如编号重复），本次操作没有保存。"
    assert not caught.value.environmental and not caught.value.damaged
    assert ws.store.one("SELECT count(*) FROM units") == before          # the first insert is gone too


def test_an_engine_error_that_escaped_storage_is_still_translated():
    import sqlite3
    raw = sqlite3.OperationalError("database is locked")
    stored = as_storage_error(raw)
    assert isinstance(stored, StorageError) and stored.environmental
    assert user_message(raw).startswith("数据库正被另一个程序或窗口使用") and not is_fault(raw)
    assert as_storage_error(ValueError("x")) is None


def test_a_writer_waits_for_another_writers_transaction_and_then_writes(tmp_path):
    import sqlite3
    import threading
    import time
    ws = Workspace.open(tmp_path / "x.db")
    holder = sqlite3.connect(tmp_path / "x.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    t0 = time.monotonic()
    ws.set_setting("warn_workdays", 4)                # waits for the other transaction, then saves
    assert time.monotonic() - t0 >= 0.25 and ws.setting("warn_workdays") == 4
    assert ws.store.one("PRAGMA busy_timeout") == 5000            # the wait limit is the connection's again
    release.join()
    holder.close()
    ws.close()

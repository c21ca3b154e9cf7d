"""`xinfang --db FILE migrate-to URL` (issue 12 §3): an office's file copied into an empty server database, then
verified (rows per table, the ledger anchor, `check` on both); the file never changes; a failed copy leaves
the server database empty; a copy that fails its verification is refused to every seat."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from xinfang.cli.main import main
from xinfang.domain.problems import DomainError
from xinfang.services import Workspace
from xinfang.storage.errors import StorageError
from xinfang.storage.pg import transfer
from xinfang.storage.store import ListFilter, Store

from tests.helpers import Clock, case_json, register
from tests.mediation.conftest import COMMITTEE_A, dispute_json
from tests.pg_server import server_url

START = datetime(2025, 9, 30, 10, 0)


def _office(path: Path) -> tuple[Clock, dict]:
    """A small office file built through the services: 3 cases (one accepted and replied, with a notice), one
    人民调解 dispute. Returns the clock and what the test knows by hand."""
    clock = Clock(START)
    ws = Workspace.open(path, now=clock)
    try:
        a = register(ws, name="王小明", phone="13900000001", summary="小区门口占道经营噪音扰民")
        register(ws, name="李四", id_number="", phone="13900000002", summary="拖欠工资")
        register(ws, name="赵六", id_number="", phone="13900000003", summary="噪音")
        ws.act(a.row, "accept", "clerk", data={"unit": "420100-FGJ"})
        clock.advance(days=3)
        ws.act(a.row, "reply", "clerk", data={"outcome": "支持", "facts": "经查属实", "decision": "限期整改",
                                              "basis": "《信访工作条例》第三十二条"})
        notice = ws.notices.issue(a.row, "受理告知书", "clerk").number
        scan = path.parent / "现场照片.pdf"
        scan.write_bytes(b"%PDF-1.4 scanned evidence " + bytes(range(256)))
        ws.add_attachments(a.row, [str(scan)], "clerk")
        scan.unlink()
        ws.mediation.add_committee(COMMITTEE_A, "420102001001", "admin", prefix="樱园")
        ws.mediation.add_mediator("王调解", COMMITTEE_A, "admin")
        ws.mediation.register(dispute_json(received_at="2025-09-30 09:00"), "clerk")
        known = {"case_a": a.row, "number_a": a.number, "notice": notice, "anchor": ws.anchor()}
    finally:
        ws.close()
    return clock, known


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]


@pytest.fixture
def target(pg_server):
    name = pg_server.create_database()
    yield server_url(pg_server.dsn(name))
    pg_server.drop_database(name)


def _move(path: Path, url: str, clock: Clock | None = None) -> dict:
    ws = Workspace.open(path, now=clock or Clock(START), read_only=True)
    try:
        return ws.moving.to(url)
    finally:
        ws.close()


def test_an_office_moves_and_the_server_continues_where_the_file_ended(tmp_path, target):
    path = tmp_path / "office.db"
    clock, known = _office(path)
    before = _sha(path)
    report = _move(path, target, clock)
    # the file is byte for byte the same, and nothing was created beside it
    assert _sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["office-files", "office.db"]
    assert report["usable"] is True and report["problems"] == []
    # counted by hand: 3 registrations + accept + reply + the notice issued + the attachment = 7 case events;
    # 1 dispute, 1 notice, 1 attachment (its file carried into the server database)
    assert report["tables"]["cases"] == {"source": 3, "target": 3, "ok": True}
    assert report["tables"]["events"] == {"source": 7, "target": 7, "ok": True}
    assert report["tables"]["attachments"] == {"source": 1, "target": 1, "ok": True}
    assert report["files"] == {"files": 1, "moved": 1, "bytes": 26 + 256, "problems": []}
    assert report["tables"]["disputes"] == {"source": 1, "target": 1, "ok": True}
    assert report["tables"]["notices"] == {"source": 1, "target": 1, "ok": True}
    assert all(t["ok"] for t in report["tables"].values())
    assert report["anchor"] == {"source": known["anchor"], "target": known["anchor"], "ok": True}
    assert report["check"]["source"]["ok"] is True
    target_check = report["check"]["target"]
    assert target_check["ok"] is target_check["ran"]          # when the server's check runs, it passes
    assert report["target"] == target and report["source"] == str(path)

    server = Workspace.on_store(Store(target), now=clock)
    try:
        a = server.case(known["case_a"])
        assert (a.number, a.status.value) == (known["number_a"], "replied")
        assert server.anchor() == known["anchor"]
        # the search index was rebuilt on the server: 1, 2 and 3+ characters, a phone fragment
        def found(text):
            return sorted(server.list_ids(ListFilter(text=text)))
        assert found("噪") == found("噪音") == [known["case_a"], 3]
        assert found("占道经营") == [known["case_a"]]
        assert found("0000002") == [2]
        assert len(server.mediation.list_ids(_dispute_filter("漏水"))) == 1
        # the next registration continues: case number 4 of 2025 and row 4 (identity sequence set)
        d = register(server, name="钱七", id_number="", phone="13900000004")
        assert (d.number, d.row) == ("2025-信-000004", 4)
        # the notice series continues too (its counter row travelled): 城信受〔2025〕1号 → 2号
        assert known["notice"].endswith("〔2025〕1号")
        server.act(d.row, "accept", "clerk", data={"unit": "420100-FGJ"})
        assert server.notices.issue(d.row, "受理告知书", "clerk").number == known["notice"].replace("1号", "2号")
        assert server.store.one("SELECT value FROM meta WHERE key = 'moved_from'") is not None
        # the attachment opens on the server, from the database: the same bytes
        attachment = server.case(known["case_a"]).attachments[0]
        assert server.attachment_path(attachment).read_bytes() == b"%PDF-1.4 scanned evidence " + bytes(range(256))
    finally:
        server.close()


def _dispute_filter(text: str):
    from xinfang.services.mediation import DisputeFilter
    return DisputeFilter(text=text)


def test_a_target_that_is_not_empty_is_refused_and_left_alone(tmp_path, target):
    path = tmp_path / "office.db"
    _office(path)
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("CREATE TABLE notes (x text)")
        conn.execute("INSERT INTO notes VALUES ('保留')")
    with pytest.raises(DomainError, match="目标数据库不是空的（已有 1 张数据表）"):
        _move(path, target)
    with psycopg.connect(target) as conn:
        assert conn.execute("SELECT x FROM notes").fetchall() == [("保留",)]
    assert _tables(target) == ["notes"]


def test_a_file_of_an_older_version_is_refused_without_touching_it(tmp_path, target):
    import sqlite3
    path = tmp_path / "old.db"
    _office(path)
    conn = sqlite3.connect(path)
    applied = json.loads(conn.execute("SELECT value FROM meta WHERE key = 'migrations'").fetchone()[0])
    conn.execute("UPDATE meta SET value = ? WHERE key = 'migrations'", (json.dumps(applied[:-1]),))
    conn.commit()
    conn.close()
    before = _sha(path)
    with pytest.raises(DomainError, match="比本程序.*旧.*先用本版本的程序打开它一次"):
        transfer.open_source(path)
    assert _sha(path) == before and _tables(target) == []


def test_a_file_in_use_is_refused(tmp_path, target):
    path = tmp_path / "office.db"
    _office(path)
    Path(f"{path}-wal").write_bytes(b"x" * 100)       # a program holding changes not yet written back
    with pytest.raises(DomainError, match="尚未写回的日志"):
        transfer.open_source(path)


def test_a_failed_copy_leaves_the_server_database_empty(tmp_path, target, monkeypatch):
    path = tmp_path / "office.db"
    clock, _known = _office(path)
    real = transfer._copy_table

    def failing(src, raw, table, *args):
        if table == "petitioners":          # after cases, clocks, events … were copied
            raise StorageError("模拟的故障")
        return real(src, raw, table, *args)
    monkeypatch.setattr(transfer, "_copy_table", failing)
    with pytest.raises(DomainError, match="迁移没有完成，服务器上的数据库已回到迁移前的空库.*模拟的故障"):
        _move(path, target, clock)
    assert _tables(target) == []                      # not even the schema stayed
    monkeypatch.setattr(transfer, "_copy_table", real)
    assert _move(path, target, clock)["usable"] is True   # and the same target takes the move afterwards


def test_a_copy_that_fails_verification_is_marked_and_refused_to_every_seat(tmp_path, target, monkeypatch):
    path = tmp_path / "office.db"
    clock, _known = _office(path)
    real = transfer.counts

    def short(conn, tables):
        found = real(conn, tables)
        if getattr(conn, "dialect", None) is not None and conn.dialect.server:
            found["events"] -= 1                       # as if a row had not arrived
        return found
    monkeypatch.setattr(transfer, "counts", short)
    report = _move(path, target, clock)
    assert report["usable"] is False and report["ok"] is False
    assert report["tables"]["events"] == {"source": 7, "target": 6, "ok": False}
    assert "数据表 events 的条数不同：源 7，服务器 6" in report["problems"]
    assert "已标记为不可用" in report["message"]
    with pytest.raises(DomainError, match="没有通过核验.*不能使用"):
        Store(target)
    with pytest.raises(DomainError, match="没有通过核验.*也不能在其上再迁移"):
        _move(path, target, clock)


def test_a_damaged_file_is_not_moved(tmp_path, target):
    import sqlite3
    path = tmp_path / "office.db"
    clock, _known = _office(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE cases SET summary = '被改过' WHERE id = 2")    # behind the program's back
    conn.commit()
    conn.close()
    with pytest.raises(DomainError, match="源数据库的完整性检查没有通过，没有迁移"):
        _move(path, target, clock)
    assert _tables(target) == []


def test_cli_reports_in_chinese_and_json(tmp_path, target, capsys):
    path = tmp_path / "office.db"
    _office(path)
    code = main(["--db", str(path), "migrate-to", target, "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == (0 if report["ok"] else 1)
    assert report["tables"]["cases"] == {"source": 3, "target": 3, "ok": True}
    assert report["anchor"]["ok"] is True and report["usable"] is True
    # again: the target is no longer empty
    code = main(["--db", str(path), "migrate-to", target, "--json"])
    err = json.loads(capsys.readouterr().err)
    assert code == 2 and "目标数据库不是空的" in err["error"]


def test_cli_text_report(tmp_path, target, capsys):
    path = tmp_path / "office.db"
    _office(path)
    main(["--db", str(path), "migrate-to", target])
    out = capsys.readouterr().out
    assert out.startswith("迁移完成：") and "cases: 3 / 3" in out and "（相同）" in out


def test_an_attachment_missing_from_the_folder_is_reported_not_hidden(tmp_path, target):
    path = tmp_path / "office.db"
    clock, _known = _office(path)
    for f in (tmp_path / "office-files").rglob("*.pdf"):
        f.unlink()
    report = _move(path, target, clock)
    assert report["usable"] is True and report["ok"] is False
    assert report["files"]["moved"] == 0 and report["files"]["files"] == 1
    assert "附件文件 1 个在附件文件夹中找不到，没有迁移" in report["files"]["problems"][0]
    assert "附件文件未全部迁移" in report["message"]

"""Backups of a server database (issue 12 §3) on a real server: a pg_dump archive with a manifest (rows per
table, the ledger anchor) verified by decoding it all; restore into an empty database only, checked after."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from tests.helpers import case_json, make_workspace, register
from tests.pg_server import server_url
from xinfang.domain.problems import DomainError
from xinfang.services.intake import draft_from_dict
from xinfang.services.server_backups import restore_to_server, verify_dump


@pytest.fixture
def office(pg_server, tmp_path, monkeypatch):
    """A server database with 3 cases (one with an attachment) and the URL of a second, empty database."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))     # opened attachments
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))       # manual backups of a server
    names = [pg_server.create_database(), pg_server.create_database()]
    ws, clock = make_workspace(datetime(2025, 9, 30, 10), target=server_url(pg_server.dsn(names[0])))
    scan = tmp_path / "来信.pdf"
    scan.write_bytes(b"%PDF-1.4 letter")
    ws.register(draft_from_dict(case_json(attachments=[str(scan)])), "clerk")
    register(ws, name="李四", id_number="", phone="13900001111")
    case = register(ws, name="王五", id_number="", phone="13900002222")
    ws.act(case.id, "accept", "clerk", at=datetime(2025, 9, 30, 10, 30))
    yield ws, server_url(pg_server.dsn(names[1]))
    ws.close()
    for name in names:
        pg_server.drop_database(name)


def test_backup_manifest_counts_and_anchor_then_restore_into_an_empty_database(office, tmp_path):
    ws, empty = office
    made = ws.backups.create(out=tmp_path / "office.dump")
    assert (tmp_path / "office.dump").read_bytes()[:5] == b"PGDMP"
    # the counts are those of the data set built above: 3 cases, 4 case events (3 registrations + 1 accept)
    assert made["cases"] == 3 and made["tables"]["cases"] == 3 and made["tables"]["events"] == 4
    assert made["tables"]["attachments"] == 1 and made["tables"]["file_contents"] == 1
    assert made["anchor"] == ws.anchor() and made["verified"]["ok"] is True
    assert made["engine"] == "postgresql" and made["schema_version"] == ws.store.schema_version()
    manifest = json.loads((tmp_path / "office.dump.json").read_text(encoding="utf-8"))
    assert manifest["tables"] == made["tables"]

    done = restore_to_server(empty, tmp_path / "office.dump")
    assert done["ok"] and done["cases"] == 3 and done["anchor"] == made["anchor"]
    assert done["tables"] == made["tables"]
    # the full check where it runs on a server; until then the result says it did not and why
    assert (done["check"] or {}).get("ok") or "完整性检查未能运行" in done["notes"][0]
    restored, _ = make_workspace(target=empty)
    try:
        (att,) = [a for c in restored.store.q("SELECT id FROM cases ORDER BY id")[:1]
                  for a in restored.case(c[0]).attachments]
        assert restored.attachment_path(att).read_bytes() == b"%PDF-1.4 letter"
        assert restored.anchor() == ws.anchor()
    finally:
        restored.close()
    # the database now holds the office: a second restore into it is refused, and nothing changes
    with pytest.raises(DomainError, match="不是空的"):
        restore_to_server(empty, tmp_path / "office.dump")
    with pytest.raises(DomainError, match="不是空的"):
        ws.backups.restore(tmp_path / "office.dump")


def test_a_changed_or_truncated_archive_is_found(office, tmp_path):
    ws, empty = office
    dump = tmp_path / "office.dump"
    ws.backups.create(out=dump)
    manifest_file = tmp_path / "office.dump.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    assert verify_dump(dump)["ok"]

    # a manifest that claims another count
    claimed = {**manifest, "tables": {**manifest["tables"], "cases": 4}}
    manifest_file.write_text(json.dumps(claimed), encoding="utf-8")
    report = verify_dump(dump)
    assert not report["ok"] and "cases（清单 4 行，备份中 3 行）" in report["problems"][0]

    # the bytes changed after the backup was made
    data = dump.read_bytes()
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    dump.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    assert "校验值" in verify_dump(dump)["problems"][0]

    # truncated, with a manifest made to match: the archive itself cannot be read to its end
    cut = data[: len(data) * 2 // 3]
    dump.write_bytes(cut)
    import hashlib
    manifest_file.write_text(json.dumps({**manifest, "size": len(cut), "sha256": hashlib.sha256(cut).hexdigest()}),
                             encoding="utf-8")
    report = verify_dump(dump)
    assert not report["ok"] and "无法完整读出" in report["problems"][0]
    with pytest.raises(DomainError, match="未通过校验，未恢复"):
        restore_to_server(empty, dump)


def test_no_automatic_copies_of_a_server_and_a_clear_message_without_client_tools(office, tmp_path, monkeypatch):
    ws, _ = office
    assert ws.backups.auto(closing=True) is None
    assert "服务器管理员" in ws.backups.who()
    with pytest.raises(DomainError, match="本机的文件夹"):
        ws.backups.set_folder(str(tmp_path), "admin")
    monkeypatch.setenv("XINFANG_PG_BIN", str(tmp_path / "nowhere"))
    with pytest.raises(DomainError, match="postgresql-client"):
        ws.backups.create(out=tmp_path / "x.dump")
    assert not (tmp_path / "x.dump").exists()


def test_a_plain_nightly_pg_dump_without_manifest_is_read_in_full_and_restores(office, tmp_path):
    """The IT department's cron dump (README) has no manifest: verify decodes it all and counts its rows;
    restore loads it and checks the ledger anchor is the live one's."""
    ws, empty = office
    made = ws.backups.create(out=tmp_path / "nightly.dump")
    (tmp_path / "nightly.dump.json").unlink()
    report = verify_dump(tmp_path / "nightly.dump")
    assert report["ok"] and "没有备份清单" in report["notes"][0]
    assert report["cases"] == 3 and report["tables"]["events"] == 4
    done = restore_to_server(empty, tmp_path / "nightly.dump")
    assert done["anchor"] == made["anchor"] and done["cases"] == 3

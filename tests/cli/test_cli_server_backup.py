"""`xinfang backup` / `backup verify` / `restore` on a server from the command line (issue 12 §3): a dump
with its manifest, verified; restore into an empty database only, with the password asked at a terminal."""
import json

import psycopg
import pytest

from xinfang.cli import commands

from tests.cli.test_cli_server import password_db, run, server_db  # noqa: F401  (fixtures)
from tests.helpers import case_json
from tests.pg_server import server_url


@pytest.fixture(autouse=True)
def private_folders(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def test_backup_verify_and_restore_from_the_command_line(capsys, server_db, pg_server, tmp_path):  # noqa: F811
    scan = tmp_path / "来信.pdf"
    scan.write_bytes(b"%PDF-1.4 letter")
    case = tmp_path / "case.json"
    case.write_text(json.dumps(case_json(attachments=[str(scan)]), ensure_ascii=False), encoding="utf-8")
    assert run(capsys, "--db", server_db, "init", "--sample", "--json")[0] == 0
    code, out, _ = run(capsys, "--db", server_db, "--now", "2025-09-30 10:00", "case", "add", str(case), "--json")
    assert code == 0, _
    dump = tmp_path / "office.dump"
    code, out, _ = run(capsys, "--db", server_db, "backup", "--out", str(dump), "--json")
    made = json.loads(out)
    assert code == 0 and made["cases"] == 1 and made["tables"]["file_contents"] == 1 and made["verified"]["ok"]
    code, out, _ = run(capsys, "--db", server_db, "backup", "verify", str(dump), "--json")
    assert code == 0 and json.loads(out)["ok"] and json.loads(out)["tables"]["attachments"] == 1
    code, out, _ = run(capsys, "--db", server_db, "backup", "list", "--json")
    assert code == 0 and json.loads(out)["backups"] == []        # --out put it elsewhere than the folder

    # the database in use is not empty: refused, in Chinese, before anything is loaded
    code, out, err = run(capsys, "--db", server_db, "restore", str(dump), "--json")
    assert code == 2 and "不是空的" in json.loads(err)["error"] and "新建的空数据库" in json.loads(err)["error"]
    empty = server_url(pg_server.dsn(pg_server.create_database()))
    code, out, err = run(capsys, "--db", empty, "restore", str(dump), "--json")
    done = json.loads(out)
    assert code == 0 and done["cases"] == 1 and done["anchor"] == made["anchor"], err
    code, out, _ = run(capsys, "--db", empty, "case", "show", "2025-信-000001", "--json")
    assert code == 0 and json.loads(out)["attachments"][0]["filename"] == "来信.pdf"


def test_restore_asks_for_the_password_at_a_terminal(capsys, server_db, password_db, monkeypatch, tmp_path):  # noqa: F811
    assert run(capsys, "--db", server_db, "init", "--sample", "--json")[0] == 0
    dump = tmp_path / "office.dump"
    assert run(capsys, "--db", server_db, "backup", "--out", str(dump), "--json")[0] == 0
    url, password = password_db
    asked = []
    monkeypatch.setattr(commands, "_interactive", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt, stream=None: asked.append(prompt) or password)
    code, out, err = run(capsys, "--db", url, "restore", str(dump), "--json")
    assert code == 0 and json.loads(out)["ok"] and len(asked) == 1, err
    with psycopg.connect(url, password=password) as conn:
        assert conn.execute("SELECT count(*) FROM ledger").fetchone()[0] > 0

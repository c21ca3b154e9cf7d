"""`--db postgresql://USER@HOST[:PORT]/DB` as a user meets it (issue 12 §1): the password from
XINFANG_DB_PASSWORD, a .pgpass file or a prompt, never in the URL; a Chinese sentence for a wrong
password, a server that is down, a database with the wrong text rules; read-only opening."""
import json
import uuid

import psycopg
import pytest

from xinfang.cli import commands
from xinfang.cli.main import main
from xinfang.domain.problems import DomainError
from xinfang.services import Workspace
from xinfang.services.server import ServerAddress, ServerLoginError, test_connection as probe_server

from tests.helpers import case_json
from tests.pg_login import password_db  # noqa: F401  (fixture)
from tests.pg_server import server_url


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def server_db(pg_server):
    """An empty database on the test server, as a --db URL."""
    name = pg_server.create_database()
    yield server_url(pg_server.dsn(name))
    pg_server.drop_database(name)


def test_every_command_reaches_a_server_database(capsys, server_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "--db", server_db, "init", "--sample", "--json")
    assert code == 0 and json.loads(out)["office"] == "420102-XFJ"
    case = tmp_path / "case.json"
    case.write_text(json.dumps(case_json(), ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "--db", server_db, "--now", "2025-09-30 10:00", "case", "add", str(case), "--json")
    assert code == 0 and json.loads(out)["number"] == "2025-信-000001"
    code, out, _ = run(capsys, "--db", server_db, "--now", "2025-09-30 11:00", "case", "act", "2025-信-000001",
                       "accept", "--json")
    assert code == 0 and json.loads(out)["status_label"] == "办理中"
    code, out, _ = run(capsys, "--db", server_db, "search", "张", "--json")
    assert code == 0 and json.loads(out)["total"] == 1
    assert list(tmp_path.iterdir()) == [case]        # nothing was written beside it: no "postgresql:" folder


def test_a_server_that_is_down_is_told_in_chinese_and_nothing_is_made(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--db", "postgresql://clerk@127.0.0.1:1/xinfang", "case", "list", "--json")
    message = json.loads(err)["error"]
    assert code == 2 and out == ""
    assert "无法连接数据库服务器 127.0.0.1:1" in message and "服务器没有运行" in message
    assert list(tmp_path.iterdir()) == []


def test_a_password_in_the_url_is_refused(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for url in ("postgresql://clerk:secret@10.0.0.5/xinfang", "postgresql://clerk@10.0.0.5/xinfang?password=x"):
        code, _, err = run(capsys, "--db", url, "case", "list", "--json")
        assert code == 2 and "不要把密码写在数据库地址里" in json.loads(err)["error"]
        with pytest.raises(DomainError, match="不要把密码写在数据库地址里"):
            Workspace.open(url)
    assert list(tmp_path.iterdir()) == []


def test_the_password_comes_from_the_environment(capsys, password_db, monkeypatch):
    url, password = password_db
    monkeypatch.setattr(commands, "_interactive", lambda: False)
    code, _, err = run(capsys, "--db", url, "case", "list", "--json")
    message = json.loads(err)["error"]
    assert code == 2 and "需要用户" in message and "XINFANG_DB_PASSWORD" in message and "不在终端中运行" in message
    monkeypatch.setenv("XINFANG_DB_PASSWORD", "wrong")
    code, _, err = run(capsys, "--db", url, "case", "list", "--json")
    assert code == 2 and "拒绝了用户" in json.loads(err)["error"] and "密码错误" in json.loads(err)["error"]
    monkeypatch.setenv("XINFANG_DB_PASSWORD", password)
    code, out, _ = run(capsys, "--db", url, "case", "list", "--json")
    assert code == 0 and json.loads(out)["total"] == 0


def test_the_password_comes_from_a_pgpass_file(capsys, password_db, monkeypatch, tmp_path):
    url, password = password_db
    role = url.rsplit("user=", 1)[1]
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:*:{role}:{password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    monkeypatch.setattr(commands, "_interactive", lambda: False)
    code, out, _ = run(capsys, "--db", url, "case", "list", "--json")
    assert code == 0 and json.loads(out)["total"] == 0


def test_at_a_terminal_the_password_is_asked_once(capsys, password_db, monkeypatch):
    url, password = password_db
    asked = []
    monkeypatch.setattr(commands, "_interactive", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt, stream=None: asked.append(prompt) or password)
    code, out, _ = run(capsys, "--db", url, "case", "list", "--json")
    assert code == 0 and json.loads(out)["total"] == 0 and len(asked) == 1 and "密码" in asked[0]
    monkeypatch.setattr("getpass.getpass", lambda prompt, stream=None: asked.append(prompt) or "wrong")
    monkeypatch.delenv("XINFANG_DB_PASSWORD")              # set by the first run for its own workers
    code, _, err = run(capsys, "--db", url, "case", "list", "--json")
    assert code == 2 and "拒绝了用户" in json.loads(err)["error"] and len(asked) == 2


def test_a_database_with_the_wrong_text_rules_is_refused(pg_server):
    name = pg_server.create_database(collate="C.UTF-8", ctype="C")      # Chinese would not be word characters
    try:
        url = server_url(pg_server.dsn(name))
        with pytest.raises(DomainError, match="LC_CTYPE"):
            Workspace.open(url)
        with pytest.raises(DomainError, match="LC_CTYPE"):
            probe_server(url)
    finally:
        pg_server.drop_database(name)


def test_the_connection_test_tells_an_empty_database_from_one_in_use(server_db, pg_server):
    first = probe_server(server_db)
    assert first["state"] == "empty" and "空数据库" in first["message"]
    ws = Workspace.open(server_db, sample=True)
    ws.close()
    second = probe_server(server_db)
    assert second["state"] == "xinfang" and "已有案件 0 件" in second["message"]
    name = pg_server.create_database()
    try:
        with psycopg.connect(pg_server.dsn(name), autocommit=True) as conn:
            conn.execute("CREATE TABLE payroll(id int)")
        with pytest.raises(DomainError, match="不是本程序的数据库"):
            probe_server(server_url(pg_server.dsn(name)))
    finally:
        pg_server.drop_database(name)
    with pytest.raises(ServerLoginError, match="没有名为“no_such_db”的数据库") as caught:
        probe_server(server_db.replace(server_db.split("?")[0].rsplit("/", 1)[1], "no_such_db"))
    assert caught.value.reason == "no_database"


def test_read_only_opening_on_a_server(server_db, pg_server):
    with pytest.raises(DomainError, match="空的：只读方式不能建库"):
        Workspace.open(server_db, read_only=True)
    ws = Workspace.open(server_db, sample=True)
    ws.close()
    ro = Workspace.open(server_db, read_only=True)
    try:
        assert ro.read_only and ro.count() == 0 and ro.setting("office_name")
        with pytest.raises(DomainError, match="只读方式打开"):
            ro.set_setting("office_name", "别的名字", "admin")
        from xinfang.storage.errors import StorageError
        with pytest.raises(StorageError, match="只读"):                     # the server itself refuses
            ro.store.conn.execute("UPDATE settings SET value = '\"x\"' WHERE key = 'office_name'")
    finally:
        ro.close()


def test_a_login_that_may_only_read_opens_read_only(server_db, pg_server):
    Workspace.open(server_db, sample=True).close()
    role = "ro_" + uuid.uuid4().hex[:8]
    dbname = server_db.split("?")[0].rsplit("/", 1)[1]
    with psycopg.connect(pg_server.dsn(dbname), autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    ws = Workspace.open(server_db.replace("user=xinfang", f"user={role}"))
    try:
        assert ws.read_only and ws.count() == 0
    finally:
        ws.close()


def test_the_dialog_fields_make_a_url_and_are_checked():
    address = ServerAddress.from_fields(" 10.1.2.3 ", "5433", "xinfang", "clerk")
    assert address.url() == "postgresql://clerk@10.1.2.3:5433/xinfang"
    assert ServerAddress.parse(address.url()) == address
    assert ServerAddress.from_fields("db", "", "xf", "u").port == 5432
    for fields, message in ((("", "5432", "x", "u"), "服务器地址"), (("db", "0", "x", "u"), "端口"),
                            (("db", "abc", "x", "u"), "端口"), (("db", "65536", "x", "u"), "端口"),
                            (("db", "5432", "", "u"), "数据库名"), (("db", "5432", "x", ""), "用户名"),
                            (("u@db", "5432", "x", "u"), "服务器地址")):
        with pytest.raises(DomainError, match=message):
            ServerAddress.from_fields(*fields)

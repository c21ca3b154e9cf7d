"""`xinfang --db postgresql://… check` and `reindex` (issue 12): the same report as on a file, the server's part
named as the server's; a row changed by the server's superuser is found (exit 1); a search gap is rebuilt."""
import json

from tests.pg_server import server_url
from tests.storage.check_data import Database, build

from xinfang.cli.main import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_and_reindex_on_a_server(capsys, pg_database, monkeypatch):
    url = server_url(pg_database)
    build(url)
    monkeypatch.setenv("XINFANG_PASSWORD", "Admin-2026-pass")
    code, out, _ = run(capsys, "--db", url, "--user", "admin", "check", "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["cases"] == 60
    assert report["integrity_of"] == "数据库服务器" and report["integrity"].startswith("由服务器负责")
    code, out, _ = run(capsys, "--db", url, "--user", "admin", "check")
    assert code == 0 and "服务器数据文件由服务器负责（服务器上未安装 amcheck" in out and "检查结果：全部完好" in out
    db = Database("postgresql", url)
    number = db.q("SELECT number FROM cases ORDER BY id LIMIT 1 OFFSET 7")[0][0]
    with db.tamper() as conn:
        conn.execute("UPDATE petitioners SET phone = '13900000000' WHERE case_id = "
                     "(SELECT id FROM cases WHERE number = ?)", (number,))
        conn.execute("DELETE FROM case_search WHERE case_id = (SELECT id FROM cases WHERE number = ?)", (number,))
    code, out, _ = run(capsys, "--db", url, "--user", "admin", "check", "--json")
    report = json.loads(out)
    assert code == 1 and report["broken_chains"] == [number] and report["missing_from_search"] == 1
    assert f"案件 {number}：信访人与事件记录不符（被绕过程序直接改动）" in report["problems"]
    code, out, _ = run(capsys, "--db", url, "--user", "admin", "reindex", "--json")
    assert code == 0 and json.loads(out)["cases"] == 60
    code, out, _ = run(capsys, "--db", url, "--user", "admin", "check", "--json")
    assert json.loads(out)["missing_from_search"] == 0

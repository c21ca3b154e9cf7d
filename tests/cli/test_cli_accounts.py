"""The CLI before and after the first administrator exists; `--user`, `user …`, refusals in Chinese JSON."""
import json

import pytest

from xinfang.cli.main import main
from xinfang.domain import passwords

from tests.cli_engines import stored_bytes
from tests.helpers import case_json

ADMIN_PW, CLERK_PW, UNIT_PW = "admin-pass-1", "clerk-pass-1", "unit-pass-11"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "COST", 2 ** 10)
    monkeypatch.delenv("XINFANG_PASSWORD", raising=False)
    monkeypatch.delenv("XINFANG_NEW_PASSWORD", raising=False)


@pytest.fixture
def db(cli_target, capsys):
    path = cli_target            # a file, and a server database (tests/cli/conftest.py)
    assert main(["init", "--sample", "--db", path]) == 0       # the sample unit directory (承办 accounts name units)
    capsys.readouterr()
    return path


def run(capsys, monkeypatch, *args, password=None, new=None):
    if password is None:
        monkeypatch.delenv("XINFANG_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("XINFANG_PASSWORD", password)
    if new is None:
        monkeypatch.delenv("XINFANG_NEW_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("XINFANG_NEW_PASSWORD", new)
    code = main([*args, "--now", "2025-09-30T10:00", "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), (json.loads(err) if err.strip() else None)


def add_case(capsys, monkeypatch, db, tmp_path, user=None, password=None, **kw):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_json(**kw), ensure_ascii=False), encoding="utf-8")
    extra = ["--user", user] if user else []
    return run(capsys, monkeypatch, "case", "add", str(path), "--db", db, *extra, password=password)


def test_before_any_account_the_cli_acts_as_today(capsys, monkeypatch, db, tmp_path):
    code, case, _ = add_case(capsys, monkeypatch, db, tmp_path)
    assert code == 0 and case["events"][0]["actor"] == "cli"
    code, shown, _ = run(capsys, monkeypatch, "case", "show", case["number"], "--db", db)
    assert code == 0 and shown["petitioners"][0]["id_number"] == "11010519491231002X"
    code, _, err = run(capsys, monkeypatch, "case", "show", case["number"], "--db", db, "--user", "admin",
                       password="x")
    assert code != 0 and "不需要 --user" in err["error"]


def test_after_the_first_admin_every_case_command_needs_a_valid_user(capsys, monkeypatch, db, tmp_path):
    code, case, _ = add_case(capsys, monkeypatch, db, tmp_path)
    code, _, err = run(capsys, monkeypatch, "user", "add", "li", "--role", "登记员", "--db", db, new=CLERK_PW)
    assert code != 0 and "第一个账户必须是“管理员”" in err["error"]
    code, admin, _ = run(capsys, monkeypatch, "user", "add", "admin", "--role", "管理员", "--display", "王管理",
                         "--db", db, new=ADMIN_PW)
    assert code == 0 and admin["roles"] == ["管理员"] and admin["display"] == "王管理"
    assert ADMIN_PW not in json.dumps(admin)
    for args in (("case", "show", case["number"]), ("case", "list"), ("search", "张三"),
                 ("case", "act", case["number"], "forward")):
        code, out, err = run(capsys, monkeypatch, *args, "--db", db)
        assert code != 0 and out is None and "--user" in err["error"] and "请先登录" in err["error"]
    code, _, err = run(capsys, monkeypatch, "case", "list", "--db", db, "--user", "admin", password="wrong")
    assert code != 0 and err["error"].startswith("用户名或密码错误")
    code, _, err = run(capsys, monkeypatch, "case", "list", "--db", db, "--user", "nobody", password=ADMIN_PW)
    assert code != 0 and err["error"] == "用户名或密码错误"
    # reference data needs no login
    code, due, _ = run(capsys, monkeypatch, "calendar", "due", "2025-09-30", "15", "--db", db)
    assert code == 0 and due["due"] == "2025-10-15"


def test_user_commands_and_roles_through_the_cli(capsys, monkeypatch, db, tmp_path):
    add_case(capsys, monkeypatch, db, tmp_path)
    run(capsys, monkeypatch, "user", "add", "admin", "--role", "管理员", "--db", db, new=ADMIN_PW)
    admin = dict(password=ADMIN_PW)
    code, li, _ = run(capsys, monkeypatch, "user", "add", "li", "--role", "登记员", "--role", "领导", "--display",
                      "李登记", "--db", db, "--user", "admin", new=CLERK_PW, **admin)
    assert code == 0 and li["roles"] == ["登记员", "领导"]
    code, _, err = run(capsys, monkeypatch, "user", "add", "rsj", "--role", "承办", "--db", db, "--user", "admin",
                       new=UNIT_PW, **admin)
    assert code != 0 and "须指定所属单位" in err["error"]
    code, rsj, _ = run(capsys, monkeypatch, "user", "add", "rsj", "--role", "承办", "--unit", "420102-RSJ",
                       "--db", db, "--user", "admin", new=UNIT_PW, **admin)
    assert code == 0 and rsj["unit_name"] == "城东区人力资源和社会保障局"
    code, listed, _ = run(capsys, monkeypatch, "user", "list", "--db", db, "--user", "admin", **admin)
    assert [u["login"] for u in listed["users"]] == ["admin", "li", "rsj"]
    # a clerk registers as himself; he may not manage users
    code, case, _ = add_case(capsys, monkeypatch, db, tmp_path, user="li", password=CLERK_PW)
    assert code == 0 and case["events"][0]["actor"] == "li"
    code, _, err = run(capsys, monkeypatch, "user", "list", "--db", db, "--user", "li", password=CLERK_PW)
    assert code != 0 and "需要“管理员”角色" in err["error"]
    # roles: show, then change
    code, shown, _ = run(capsys, monkeypatch, "user", "roles", "li", "--db", db, "--user", "admin", **admin)
    assert shown["roles"] == ["登记员", "领导"]
    code, changed, _ = run(capsys, monkeypatch, "user", "roles", "li", "--role", "领导", "--db", db,
                           "--user", "admin", **admin)
    assert changed["roles"] == ["领导"]
    code, _, err = add_case(capsys, monkeypatch, db, tmp_path, user="li", password=CLERK_PW)
    assert code != 0 and "需要“登记员”角色" in err["error"]
    # disable: the login is refused
    code, off, _ = run(capsys, monkeypatch, "user", "disable", "li", "--db", db, "--user", "admin", **admin)
    assert off["active"] is False
    code, _, err = run(capsys, monkeypatch, "case", "list", "--db", db, "--user", "li", password=CLERK_PW)
    assert code != 0 and "已停用" in err["error"]
    run(capsys, monkeypatch, "user", "enable", "li", "--db", db, "--user", "admin", **admin)
    code, _, _ = run(capsys, monkeypatch, "case", "list", "--db", db, "--user", "li", password=CLERK_PW)
    assert code == 0


def test_passwords_lockout_and_unlock_through_the_cli(capsys, monkeypatch, db, tmp_path):
    run(capsys, monkeypatch, "user", "add", "admin", "--role", "管理员", "--db", db, new=ADMIN_PW)
    run(capsys, monkeypatch, "user", "add", "li", "--role", "登记员", "--db", db, "--user", "admin",
        password=ADMIN_PW, new=CLERK_PW)
    # own password: the old one from XINFANG_PASSWORD, the new one from XINFANG_NEW_PASSWORD
    code, out, _ = run(capsys, monkeypatch, "user", "passwd", "--db", db, "--user", "li", password=CLERK_PW,
                       new="clerk-pass-2")
    assert code == 0 and out["changed"] is True
    for i in range(5):
        code, _, err = run(capsys, monkeypatch, "case", "list", "--db", db, "--user", "li", password=CLERK_PW)
        assert code != 0
    assert "已锁定" in err["error"]
    code, _, err = run(capsys, monkeypatch, "case", "list", "--db", db, "--user", "li", password="clerk-pass-2")
    assert code != 0 and "已锁定" in err["error"]                 # even the right password, while locked
    code, listed, _ = run(capsys, monkeypatch, "user", "list", "--db", db, "--user", "admin", password=ADMIN_PW)
    assert [u["locked"] for u in listed["users"] if u["login"] == "li"] == [True]
    run(capsys, monkeypatch, "user", "unlock", "li", "--db", db, "--user", "admin", password=ADMIN_PW)
    code, _, _ = run(capsys, monkeypatch, "case", "list", "--db", db, "--user", "li", password="clerk-pass-2")
    assert code == 0
    # an administrator resets a password
    code, _, _ = run(capsys, monkeypatch, "user", "passwd", "li", "--db", db, "--user", "admin",
                     password=ADMIN_PW, new="clerk-pass-3")
    assert code == 0
    code, _, _ = run(capsys, monkeypatch, "case", "list", "--db", db, "--user", "li", password="clerk-pass-3")
    assert code == 0
    raw = stored_bytes(db)
    assert b"clerk-pass" not in raw and ADMIN_PW.encode() not in raw


def test_unmasking_through_the_cli_is_recorded(capsys, monkeypatch, db, tmp_path):
    code, case, _ = add_case(capsys, monkeypatch, db, tmp_path)
    run(capsys, monkeypatch, "user", "add", "admin", "--role", "管理员", "--db", db, new=ADMIN_PW)
    run(capsys, monkeypatch, "user", "add", "li", "--role", "登记员", "--db", db, "--user", "admin",
        password=ADMIN_PW, new=CLERK_PW)
    code, shown, _ = run(capsys, monkeypatch, "case", "show", case["number"], "--db", db, "--user", "li",
                         password=CLERK_PW)
    assert shown["petitioners"][0]["id_number"] == "110105********002X"
    assert shown["petitioners"][0]["phone"] == "138****5678"
    code, full, _ = run(capsys, monkeypatch, "case", "show", case["number"], "--unmasked", "--db", db,
                        "--user", "li", password=CLERK_PW)
    assert full["petitioners"][0]["id_number"] == "11010519491231002X"
    assert [(e["action"], e["actor"]) for e in full["events"]][-1] == ("unmask", "li")
    code, _, err = run(capsys, monkeypatch, "case", "show", case["number"], "--unmasked", "--db", db,
                       "--user", "admin", password=ADMIN_PW)
    assert code != 0 and "查看完整的身份证号和电话" in err["error"]
    code, log, _ = run(capsys, monkeypatch, "access-log", "--db", db, "--user", "admin", password=ADMIN_PW)
    assert [(x["actor"], x["number"]) for x in log["items"]] == [("li", case["number"])]

"""Demo accounts for the demo database (issue 7 §1: "the demo database may come with demo accounts listed in
the README"): one per role of issue 7 §2, one published password, each seeing what its role allows."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from xinfang.domain import passwords
from xinfang.domain.permissions import PermissionDenied
from xinfang.domain.problems import DomainError
from xinfang.services import Workspace
from xinfang.services.demo import generate_demo
from xinfang.services.demo.accounts import add_demo_accounts, login_hint
from xinfang.services.intake import draft_from_dict

from tests.helpers import Clock, case_json, lasting_target

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "xinfang-demo"                      # the README's published demo password
# written from issue 7 §2's role list: one account per role (login → role); not read from the module
EXPECTED = {"admin": "管理员", "dengji": "登记员", "chengban": "承办", "tiaojie": "调解员", "lingdao": "领导",
            "jijian": "纪检"}


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "COST", 2 ** 10)   # the hash keeps its cost, so verification is unchanged


@pytest.fixture(scope="module")
def demo_db(db_engine, tmp_path_factory):
    """The demo database of this module's engine: a SQLite file, or a server database."""
    from datetime import datetime
    start = datetime(2026, 11, 27, 9, 0)
    path = lasting_target(tmp_path_factory.mktemp("demo"), start, "demo.db")
    ws = Workspace.open(path, now=Clock(start))
    generate_demo(ws, cases=300, seed=1)
    mp = pytest.MonkeyPatch()
    mp.setattr(passwords, "COST", 2 ** 10)
    made = add_demo_accounts(ws)
    mp.undo()
    ws.close()
    return path, made


def as_user(path, login):
    from datetime import datetime
    ws = Workspace.open(path, now=Clock(datetime(2026, 11, 27, 10, 0)))
    ws.users.sign_in(login, PASSWORD)
    return ws


def test_one_account_per_role_with_the_published_password(demo_db):
    path, made = demo_db
    assert {a["login"]: a["roles"] for a in made} == {k: [v] for k, v in EXPECTED.items()}
    for login, role in EXPECTED.items():
        ws = as_user(path, login)
        try:
            assert ws.access.user.roles == frozenset({role})
        finally:
            ws.close()


def test_each_demo_account_sees_what_its_role_allows(demo_db):
    path, made = demo_db
    units = {a["login"]: a["unit"] for a in made}
    ws = as_user(path, "lingdao")                                   # 领导 reads every case, registers none
    total = ws.count()
    assert total == 300
    with pytest.raises(PermissionDenied, match="登记员"):
        ws.register(draft_from_dict(case_json(received_at="2026-11-27 09:00")), "lingdao")
    ws.close()

    ws = as_user(path, "chengban")                                  # 承办: only the cases of its own unit
    own = ws.store.one("SELECT count(*) FROM cases WHERE handling_unit = ?", (units["chengban"],))
    assert 0 < ws.count() == own < total
    assert ws.store.one("SELECT kind FROM units WHERE code = ?", (units["chengban"],)) == "党政部门"
    ws.close()

    ws = as_user(path, "tiaojie")                                   # 调解员: disputes of its committee, no petitions
    assert ws.mediation.list_ids() == []
    assert [m["login"] for m in ws.mediation.mediators(units["tiaojie"])] == ["tiaojie"]
    with pytest.raises(PermissionDenied):
        ws.count()
    ws.close()

    ws = as_user(path, "dengji")                                    # 登记员: reads every case and registers
    assert ws.count() == total
    case = ws.register(draft_from_dict(case_json(received_at="2026-11-27 09:00")), "ignored").case
    assert ws.store.one("SELECT registered_by FROM cases WHERE uuid = ?", (case.id,)) == "dengji"
    ws.close()

    ws = as_user(path, "admin")
    logins = {u["login"] for u in ws.users.list()}
    assert set(EXPECTED) <= logins          # beside them, the generator's clerks (no password: not accounts to log in)
    with pytest.raises(DomainError, match="已有账户"):
        add_demo_accounts(ws)                                       # never twice, never on an office database
    ws.close()


def test_the_readme_lists_every_demo_account_and_the_password():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Demo accounts"):]
    section = section[:section.index("\n## ")]
    assert f"`{PASSWORD}`" in section
    rows = dict(re.findall(r"^\| `([a-z]+)` \| [^|]+ \| ([^| ]+) \|", section, re.M))
    assert rows == EXPECTED
    assert all(f"{login}（{role}）" in login_hint() for login, role in EXPECTED.items())
    assert PASSWORD in login_hint()


def test_cli_demo_with_accounts_then_every_command_needs_a_user(tmp_path, capsys, monkeypatch):
    from xinfang.cli.main import main
    from datetime import datetime
    db = lasting_target(tmp_path, datetime(2026, 11, 27, 9, 0), "d.db")
    monkeypatch.setattr(passwords, "COST", 2 ** 10)
    assert main(["--db", db, "demo", "--cases", "40", "--accounts", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {a["login"]: a["roles"] for a in out["accounts"]} == {k: [v] for k, v in EXPECTED.items()}
    assert main(["--db", db, "case", "list", "--json"]) != 0
    assert "--user" in json.loads(capsys.readouterr().err)["error"]
    monkeypatch.setenv("XINFANG_PASSWORD", PASSWORD)
    assert main(["--db", db, "--user", "lingdao", "case", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 40
    other = lasting_target(tmp_path, datetime(2026, 11, 27, 9, 0), "plain.db")   # without --accounts: as before
    assert main(["--db", other, "demo", "--cases", "10", "--json"]) == 0
    capsys.readouterr()
    assert main(["--db", other, "case", "list", "--json"]) == 0


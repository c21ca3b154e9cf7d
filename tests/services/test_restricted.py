"""A restricted accusation through every surface: list, search by name and by phone, detail, `case show`,
sheet, slip, export — for 纪检, the registering clerk, other users, and the accused unit's users (issue 7 §2)."""
import csv
import json
import subprocess
from datetime import datetime

import pytest

from xinfang.cli.main import main
from xinfang.domain import passwords
from xinfang.domain.problems import DomainError
from xinfang.services import ListFilter, Workspace
from xinfang.services.export import export_cases
from xinfang.services.intake import draft_from_dict

from tests.helpers import Clock, case_json, open_workspace
from tests.pg_server import new_target, on_a_server

PW = "secret-pass-1"
REPORTER, PHONE, ID_NUMBER, ADDRESS = "赵六", "13900003333", "11010519491231002X", "东湖街道樱园社区9栋"
CONTENT = "东湖街道某干部收受工程款好处费五万元"
ACCUSATION = dict(purpose="检举控告", category="纪检监察/违纪违法", summary="反映某干部收受好处", content=CONTENT,
                  accused_unit="东湖街道办事处", place="东湖街道", name=REPORTER, id_number=ID_NUMBER, phone=PHONE,
                  demands="要求查处")
USERS = {"admin": (["管理员"], ""), "li": (["登记员"], ""), "wang": (["登记员"], ""), "jw": (["纪检"], ""),
         "boss": (["领导"], ""), "street": (["领导", "承办"], "420102001"), "community": (["承办"], "420102001001")}
MARK = "【限制知悉】"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "COST", 2 ** 10)


@pytest.fixture
def office(tmp_path):
    clock = Clock(datetime(2025, 9, 30, 10, 0))
    # a file on SQLite (the command-line test opens it again), else a server database's URL
    db = new_target(clock()) if on_a_server() else str(tmp_path / "office.db")
    ws = open_workspace(clock, db) if on_a_server() else Workspace.open(db, now=clock)
    ws.users.add("admin", ["管理员"], PW)
    ws.users.sign_in("admin", PW)
    for login, (roles, unit) in USERS.items():
        if login != "admin":
            ws.users.add(login, roles, PW, unit=unit)
    ws.users.sign_in("li", PW)
    data = case_json(**ACCUSATION)
    data["petitioners"][0]["address"] = ADDRESS
    accused = ws.register(draft_from_dict(data), "li").case
    other = ws.register(draft_from_dict(case_json(name="钱七", phone="13900007777", id_number="")), "li").case
    ws.act(accused.id, "transfer", "li", data={"to": "纪检监察"})
    return ws, db, accused, other


def as_user(ws, login):
    ws.users.sign_in(login, PW)
    return ws


# random hex (ids, event hashes, state digests) may hold "3333" by chance (about 1 test run in 100 did)
_RANDOM_HEX = ("id", "uuid", "hash", "prev_hash", "state_digest")


def _without_random_hex(value):
    if isinstance(value, dict):
        return {k: _without_random_hex(v) for k, v in value.items() if k not in _RANDOM_HEX}
    if isinstance(value, list):
        return [_without_random_hex(v) for v in value]
    return value


def visible_text(ws, case) -> str:
    """What the detail screen and `case show` render, without the random hex strings."""
    return json.dumps(_without_random_hex(ws.case_dict(case)), ensure_ascii=False)


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout


IDENTITY = (REPORTER, PHONE, "3333", ID_NUMBER, ADDRESS, "收受工程款")


@pytest.mark.parametrize("login", ["jw", "li"])
def test_discipline_and_the_registering_clerk_see_everything(office, login, tmp_path):
    ws, _, case, _ = office
    as_user(ws, login)
    shown = ws.case(case.id)
    assert not shown.redacted and shown.draft.petitioners[0].name == REPORTER and shown.draft.content == CONTENT
    assert ws.count(ListFilter(text=REPORTER)) == 1 and ws.count(ListFilter(text=PHONE)) == 1
    rows = ws.list_rows(ws.first_page(ListFilter(), 10))
    assert REPORTER in [r[4] for r in rows.values()]


@pytest.mark.parametrize("login", ["wang", "boss", "admin"])
def test_everyone_else_sees_the_case_but_never_the_reporter(office, login, tmp_path):
    ws, db, case, other = office
    as_user(ws, login)
    # list and counts: the case is there, its reporter and summary are not
    assert ws.count() == 2
    rows = ws.list_rows(ws.first_page(ListFilter(), 10))
    row = rows[case.row]
    assert row[4] == MARK and row[6] == MARK
    assert rows[other.row][4] == "钱七"                               # unrestricted cases are untouched
    # search by name, by phone, by a fragment of either, by the content: not found
    for text in (REPORTER, "赵", PHONE, "0003333", ID_NUMBER[-6:], "收受工程款"):
        assert ws.count(ListFilter(text=text)) == 0, text
        assert case.row not in ws.first_page(ListFilter(text=text), 50), text
    assert ws.count(ListFilter(text=case.number)) == 1                # … found by its number
    # detail and case_dict (the detail screen and `case show` render this)
    shown = ws.case(case.id)
    assert shown.redacted
    text = visible_text(ws, shown)
    assert MARK in text and all(x not in text for x in IDENTITY), text
    # sheet (even asking for it unmasked cannot show more), slip, export
    if login == "wang":
        sheet = pdf_text(ws.sheet_pdf(case.id, login), tmp_path)
        assert MARK in sheet and all(x not in sheet for x in IDENTITY)
        slip = pdf_text(ws.slip_pdf(case.id, login), tmp_path)
        assert all(x not in slip for x in IDENTITY)
        with pytest.raises(DomainError):
            ws.sheet_pdf(case.id, login, mask=False)
    out = tmp_path / "list.csv"
    assert export_cases(ws, ListFilter(), out) == 2
    exported = out.read_text(encoding="utf-8-sig")
    assert MARK in exported and all(x not in exported for x in IDENTITY) and "钱七" in exported
    rows = list(csv.reader(exported.splitlines()))
    assert [r[3] for r in rows if r[0] == case.number] == [MARK]


@pytest.mark.parametrize("login", ["street", "community"])
def test_the_accused_units_users_never_see_the_case(office, login):
    ws, _, case, other = office
    as_user(ws, login)
    f = ListFilter()
    ids = ws.list_ids(f)
    assert case.row not in ids and ws.count(f) == len(ids)
    assert ws.count(ListFilter(text=case.number)) == 0
    with pytest.raises(DomainError, match="找不到案件"):
        ws.case(case.id)


def test_case_show_and_search_on_the_command_line(office, capsys, monkeypatch):
    ws, db, case, _ = office
    ws.close()
    monkeypatch.setenv("XINFANG_PASSWORD", PW)

    def cli(*args, user):
        code = main([*args, "--db", str(db), "--user", user, "--json"])
        out, err = capsys.readouterr()
        return code, json.loads(out) if out.strip() else json.loads(err)

    code, shown = cli("case", "show", case.number, user="boss")
    assert code == 0, shown                                          # the error object says why
    assert shown["redacted"] is True and shown["petitioners"][0]["name"] == MARK
    dumped = json.dumps(_without_random_hex(shown), ensure_ascii=False)
    assert all(x not in dumped for x in IDENTITY)
    for text in (REPORTER, PHONE):
        code, found = cli("search", text, user="boss")
        assert code == 0, found
        assert found["total"] == 0 and found["items"] == []
        code, found = cli("search", text, user="jw")
        assert code == 0, found
        assert found["total"] == 1
    code, shown = cli("case", "show", case.number, user="jw")
    assert shown["petitioners"][0]["name"] == REPORTER and shown["redacted"] is False


def test_an_administrator_marks_a_case_restricted(office):
    ws, _, _, other = office
    as_user(ws, "boss")
    with pytest.raises(DomainError, match="需要“管理员”角色"):
        ws.restrict(other.id, "举报人要求保密")
    as_user(ws, "admin")
    with pytest.raises(DomainError, match="请填写"):
        ws.restrict(other.id, "")
    marked = ws.restrict(other.id, "举报人要求保密")
    assert marked.restricted and marked.redacted                    # the administrator has no right to see it
    assert [e.action for e in marked.events][-1] == "restrict"
    as_user(ws, "boss")
    assert ws.count(ListFilter(text="钱七")) == 0
    as_user(ws, "li")                                               # the clerk who registered it still sees it
    assert ws.case(other.id).draft.petitioners[0].name == "钱七"


def test_unmasking_is_a_permission_and_every_unmasking_is_on_record(office):
    ws, _, _, other = office
    as_user(ws, "boss")
    assert ws.case(other.id).draft.petitioners[0].phone == "139****7777"
    assert "13900007777" not in visible_text(ws, ws.case(other.id))   # nor in the timeline's payloads
    with pytest.raises(DomainError, match="查看完整的身份证号和电话"):
        ws.unmask(other.id)
    as_user(ws, "wang")
    full = ws.unmask(other.id, "核对电话")
    assert full.draft.petitioners[0].phone == "13900007777"
    last = ws.case(other.id).events[-1]
    assert (last.action, last.actor, last.payload["purpose"]) == ("unmask", "wang", "核对电话")
    as_user(ws, "admin")
    log = ws.access_log()
    assert [(x["actor"], x["number"], x["purpose"]) for x in log] == [("wang", other.number, "核对电话")]

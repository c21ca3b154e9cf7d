"""Issue 10 §1: 越级情况 and 非正常上访 on the case; the reply's facts, decision and basis."""
import sqlite3

import pytest

from xinfang.domain.problems import DomainError
from xinfang.services import ListFilter, Workspace
from xinfang.services.intake import draft_from_dict
from xinfang.storage.db import _split_sql, connect, migrate, schema_version
from tests.helpers import case_json, make_workspace, register


def test_defaults_are_local_and_regular():
    ws, _ = make_workspace()
    d = ws.case_dict(register(ws))
    assert d["reached_level"] == "本级"
    assert d["irregular"] is False and d["irregular_note"] == ""


def test_level_and_irregular_round_trip_and_filter():
    ws, _ = make_workspace()
    register(ws, reached_level="进京", irregular="在天安门地区滞留", name="李四", id_number="", phone="13900000001")
    register(ws, reached_level="到市", irregular=True, irregular_note="缠访闹访", name="王五", phone="13900000002",
             id_number="", summary="小区物业乱收费")
    plain = register(ws, name="赵六", id_number="", phone="13900000003", summary="道路积水无人处理")
    assert ws.count(ListFilter(reached_level="进京")) == 1
    assert ws.count(ListFilter(irregular=True)) == 2
    assert ws.count(ListFilter(irregular=False)) == 1
    first = ws.case_dict(ws.case(1))
    assert (first["reached_level"], first["irregular"], first["irregular_note"]) == ("进京", True, "在天安门地区滞留")
    second = ws.case_dict(ws.case(2))
    assert (second["irregular"], second["irregular_note"]) == (True, "缠访闹访")
    assert ws.case_dict(plain)["irregular"] is False


def test_unknown_level_is_refused_in_chinese():
    with pytest.raises(DomainError, match="越级情况"):
        draft_from_dict(case_json(reached_level="到乡"))
    assert draft_from_dict(case_json(irregular="否")).irregular is False


def test_reply_keeps_facts_decision_and_basis():
    ws, clock = make_workspace()
    case = register(ws)
    ws.act(case.row, "accept", "clerk")
    clock.advance(days=10)
    done = ws.act(case.row, "reply", "clerk", data={"outcome": "支持", "facts": "经查，工资确未支付",
                                                     "decision": "责令公司十日内支付", "basis": "《保障农民工工资支付条例》第十五条"})
    reply = [e for e in done.case.events if e.action == "reply"][-1]
    assert reply.payload["facts"] == "经查，工资确未支付"
    assert reply.payload["decision"] == "责令公司十日内支付"
    assert reply.payload["basis"].startswith("《保障农民工工资支付条例》")


@pytest.mark.sqlite_only(reason='upgrades an old SQLite file')
def test_old_database_migrates_with_defaults(tmp_path):
    path = tmp_path / "old.db"
    conn = connect(path)
    script = (__import__("xinfang.storage.db", fromlist=["MIGRATIONS_DIR"]).MIGRATIONS_DIR / "0001_initial.sql")
    for statement in _split_sql(script.read_text(encoding="utf-8")):
        conn.execute(statement)
    conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', '1')")
    conn.close()
    ws = Workspace.open(path)
    old_row = register(ws)
    assert ws.case_dict(old_row)["reached_level"] == "本级"
    assert list((tmp_path / "backups").glob("old-*-premigrate-v1.db")), "a backup is made before migrating"
    ws.close()

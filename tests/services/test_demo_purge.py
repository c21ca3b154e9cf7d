"""清除演示数据 (issue 11 §3): an office database that got demo cases gets exactly those removed — by an
administrator, after a backup, recorded in the ledger — and keeps every real record, its checks and its anchors."""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime

import pytest

from tests.helpers import case_json
from xinfang.domain import passwords
from xinfang.domain.permissions import PermissionDenied
from xinfang.domain.problems import DomainError
from xinfang.services import ListFilter, Workspace
from xinfang.services.demo import generate_demo

NOW = datetime(2026, 11, 27, 10, 0)
DEMO_CASES = 40
# the generator's six fictitious clerks (services/demo/pools.py), written out here
DEMO_LOGINS = {"zhangmh", "liwj", "wangjg", "chenxy", "zhaolx", "sunlp"}


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "COST", 2 ** 10)


def office_with_demo(tmp_path, record_loads=True, monkeypatch=None) -> Workspace:
    """An office database as the old first run left it: the sample, 40 demo cases, then two real cases."""
    from xinfang.services import demo_data
    real = demo_data.record_load
    if not record_loads:      # the generator as it was before loads were recorded: the same rows, no record
        monkeypatch.setattr(demo_data, "record_load", lambda *a, **k: None)
    ws = Workspace.open(tmp_path / "office.db", now=lambda: NOW)
    assert generate_demo(ws, DEMO_CASES, seed=1)["cases"] == DEMO_CASES
    if not record_loads:
        monkeypatch.setattr(demo_data, "record_load", real)
    for name, summary in (("王真实", "小区噪声扰民问题多次反映"), ("赵真实", "某建筑公司拖欠农民工工资")):
        ws.register_input(case_json(name=name, id_number="", phone="13900000001", summary=summary,
                                    received_at="2026-11-26 09:00"), "zhou")
    return ws


def real_cases(ws) -> dict[str, dict]:
    out = {}
    for cid in ws.list_ids(ListFilter()):
        case = ws.case(cid)
        if case.registered_by not in DEMO_LOGINS:
            d = ws.case_dict(case)
            out[d["number"]] = {"events": [e["hash"] for e in d["events"]], "status": d["status"],
                                "names": [p["name"] for p in d["petitioners"]]}
    return out


def test_the_generator_records_each_run_in_the_ledger(tmp_path):
    ws = Workspace.open(tmp_path / "demo.db", now=lambda: NOW)
    generate_demo(ws, 12, seed=1)
    generate_demo(ws, 5, seed=2)
    loads = ws.demo_data.find()["loads"]
    assert [(x["seed"], x["first_case_id"], x["last_case_id"], x["cases"]) for x in loads] == [(1, 1, 12, 12),
                                                                                             (2, 13, 17, 5)]
    assert ws.check()["ok"]
    ws.close()


def test_purge_removes_exactly_the_demo_cases_and_keeps_every_real_record(tmp_path):
    ws = office_with_demo(tmp_path)
    demo_ids = sorted(c for c in ws.list_ids(ListFilter()) if ws.case(c).registered_by in DEMO_LOGINS)
    assert len(demo_ids) == DEMO_CASES
    attached, viewed = demo_ids[3], demo_ids[7]
    note = tmp_path / "来信.txt"
    note.write_text("信访人来信扫描件", encoding="utf-8")
    ws.add_attachments(attached, [str(note)], "zhou")         # a real record on a demo case: that case stays
    ws.unmask(viewed)                                           # a user looked at a demo case: it still goes
    kept_number = ws.case(attached).number
    before = real_cases(ws)
    assert len(before) == 2
    anchor = ws.anchor()

    plan = ws.demo_data.find()
    assert plan["cases"] == DEMO_CASES - 1 and plan["acted_on"] == 1
    assert plan["kept"] == [{"number": kept_number, "reasons": ["有用户添加的附件"]}]
    assert set(plan["clerks"]) <= DEMO_LOGINS and plan["real_logins"] == []
    assert ws.count() == DEMO_CASES + 2                       # finding changes nothing

    done = ws.demo_data.purge("admin")
    assert done["removed"]["cases"] == DEMO_CASES - 1 and done["anchor_before"] == anchor
    assert ws.count() == 3
    assert real_cases(ws) == before                            # numbers, statuses, names, every event hash
    assert {ws.case(c).number for c in ws.list_ids(ListFilter())} == set(before) | {kept_number}

    # the backup taken first holds everything as it was
    copy = sqlite3.connect(done["backup"])
    assert copy.execute("SELECT count(*) FROM cases").fetchone()[0] == DEMO_CASES + 2
    copy.close()

    # the ledger still verifies from its first entry and from the anchor written down before the purge
    report = ws.check()
    assert report["ok"], report["problems"]
    assert ws.check(anchor=anchor)["ok"]
    events = ws.demo_data.conn.execute("SELECT action, payload FROM record_events WHERE kind = 'demo_load' "
                                       "ORDER BY id").fetchall()
    assert [a for a, _ in events] == ["load", "purge"]
    purge_event = json.loads(events[-1][1])
    assert purge_event["cases"] == DEMO_CASES - 1 and purge_event["kept"] == [kept_number]
    assert demo_ids == list(range(1, 41)) and purge_event["case_ids"] == [[1, 3], [5, 40]]   # id 4 kept
    assert purge_event["backup"] == done["backup"]

    # search: the real cases are found, the removed demo people are not
    assert ws.count(ListFilter(text="王真实")) == 1
    assert ws.summary()["cases"] == 3
    with pytest.raises(DomainError, match="没有可清除的演示数据"):
        ws.demo_data.purge("admin")
    ws.close()


def test_a_load_made_before_loads_were_recorded_is_found_by_its_clerks(tmp_path, monkeypatch):
    ws = office_with_demo(tmp_path, record_loads=False, monkeypatch=monkeypatch)
    assert ws.demo_data.find()["loads"] == [] and ws.demo_data.find()["cases"] == DEMO_CASES
    done = ws.demo_data.purge("admin")
    assert done["removed"]["cases"] == DEMO_CASES and ws.count() == 2
    assert set(done["removed"]["logins"]) == set(done["clerks"])        # nothing refers to the clerks any more
    actions = [a for a, in ws.demo_data.conn.execute(
        "SELECT action FROM record_events WHERE kind = 'demo_load' ORDER BY id")]
    assert actions == ["found", "purge"]
    assert ws.check()["ok"]
    ws.close()


def test_a_real_account_with_a_demo_clerks_login_keeps_its_cases(tmp_path):
    ws = Workspace.open(tmp_path / "office.db", now=lambda: NOW)
    ws.users.add("admin", ["管理员"], "admin-pass-1", display="王管理")
    ws.users.sign_in("admin", "admin-pass-1")
    ws.users.add("zhangmh", ["登记员"], "clerk-pass-1", display="张明华")   # a real 张明华 with that login
    generate_demo(ws, DEMO_CASES, seed=1)
    theirs = ws.count(ListFilter(registered_by="zhangmh"))
    assert 0 < theirs < DEMO_CASES
    plan = ws.demo_data.find()
    assert plan["real_logins"] == ["zhangmh"] and "zhangmh" not in plan["clerks"]
    assert plan["cases"] == DEMO_CASES - theirs
    ws.demo_data.purge("admin")
    assert ws.count() == theirs and ws.check()["ok"]
    ws.close()


def test_only_an_administrator_may_purge(tmp_path):
    ws = Workspace.open(tmp_path / "office.db", now=lambda: NOW)
    generate_demo(ws, 5, seed=1)
    ws.users.add("admin", ["管理员"], "admin-pass-1", display="王管理")
    ws.users.sign_in("admin", "admin-pass-1")
    ws.users.add("li", ["登记员"], "clerk-pass-1", display="李登记")
    ws.users.sign_in("li", "clerk-pass-1")
    for call in (ws.demo_data.find, lambda: ws.demo_data.purge("li")):
        with pytest.raises(PermissionDenied, match="管理员"):
            call()
    ws.users.sign_in("admin", "admin-pass-1")
    assert ws.demo_data.purge("admin")["removed"]["cases"] == 5
    ws.close()


def test_a_deletion_behind_the_programs_back_cannot_pass_as_a_purge(tmp_path):
    ws = office_with_demo(tmp_path)
    ws.demo_data.purge("admin")
    conn = ws.demo_data.conn
    purge_key = conn.execute("SELECT uuid FROM demo_loads").fetchone()[0]
    real = conn.execute("SELECT id, hash, case_id FROM events ORDER BY id DESC LIMIT 1").fetchone()
    # someone drops the guard, deletes a real event and leaves a tombstone naming the recorded purge
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("DELETE FROM events WHERE id = ?", (real[0],))
    conn.execute("INSERT INTO purged_events(kind, event_id, hash, purge) VALUES ('case', ?, ?, ?)",
                 (real[0], real[1], purge_key))
    conn.commit()
    problems = " ".join(ws.check()["problems"])
    assert "events_no_delete 不存在" in problems
    assert "记载删除" in problems and "实有删除痕迹" in problems
    ws.close()


def test_a_tombstone_without_a_recorded_purge_is_reported(tmp_path):
    ws = Workspace.open(tmp_path / "office.db", now=lambda: NOW)
    ws.register_input(case_json(name="王真实", id_number="", phone="13900000001", summary="小区噪声扰民问题多次反映",
                                received_at="2026-11-26 09:00"), "zhou")
    conn = ws.demo_data.conn
    ev = conn.execute("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1").fetchone()
    conn.execute("INSERT INTO purged_events(kind, event_id, hash, purge) VALUES ('case', ?, ?, 'made-up')", ev)
    conn.commit()
    assert any("没有对应的“清除演示数据”记录" in p for p in ws.check()["problems"])
    ws.close()


# on SQLite only where tests run on both engines (tests/pg_server.parametrise_engines)
pytestmark = pytest.mark.sqlite_only(reason="the demo purge of SQLite files; on a server: tests/pg/test_demo_purge_on_server.py")

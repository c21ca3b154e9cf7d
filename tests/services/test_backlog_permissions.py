"""Who may do what with 积案 (docs/permissions.md rows backlog.*): written from the issue's roles — the leader
decides (销号, 更换包案领导), the clerk keeps the books, 承办 works on his own unit's records only, a mediator
has no part in it; the administrator changes settings only. Refusals write nothing and name the role."""
from datetime import datetime

import pytest

from xinfang.domain import passwords
from xinfang.domain.permissions import PermissionDenied

from tests.helpers import make_workspace, register

PASSWORD = "correct-horse-1"
OWN, OTHER = "420102-RSJ", "420102-ZJJ"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "COST", 2 ** 10)


@pytest.fixture
def world():
    ws, clock = make_workspace(datetime(2026, 3, 1, 9))
    c1 = register(ws, received_at="2026-02-01 09:00")
    c2 = register(ws, name="李四", id_number="", phone="13900000001", summary="小区噪声扰民问题多次反映",
                  received_at="2026-02-02 09:00")
    c3 = register(ws, name="王五", id_number="", phone="13900000002", summary="路灯不亮", received_at="2026-02-03 09:00")
    ws.backlog.add_leader("陈书记", "区委常委", "setup", login="boss")
    ws.backlog.add_leader("周区长", "副区长", "setup")
    b = ws.backlog.add_batch("第一批", "市信访联席办", "2026-01-01", "2026-06-30", "setup")
    own = ws.backlog.take_on(c1.id, b["id"], "上级交办", "setup", leader="陈书记", unit=OWN)
    other = ws.backlog.take_on(c2.id, b["id"], "上级交办", "setup", leader="陈书记", unit=OTHER)
    ws.users.add("admin", ["管理员"], PASSWORD)
    ws.users.sign_in("admin", PASSWORD)
    for login, roles, unit in (("li", ["登记员"], ""), ("rsj", ["承办"], OWN), ("tj", ["调解员"], "420102-SFJ"),
                               ("boss", ["领导"], "")):
        ws.users.add(login, roles, PASSWORD, unit=unit)
    yield ws, clock, {"own": own["id"], "other": other["id"], "free": c3.id, "batch": b["id"]}
    ws.close()


def as_user(ws, login):
    ws.users.sign_out()
    ws.users.sign_in(login, PASSWORD)


def events(ws):
    return ws.store.one("SELECT count(*) FROM record_events")


def test_leader_decides_and_is_recorded_as_the_actor(world):
    ws, clock, ids = world
    as_user(ws, "boss")
    assert [x["id"] for x in ws.backlog.workbench("boss")["mine"]] == [ids["own"], ids["other"]]
    ws.backlog.act(ids["own"], "resolve", "whoever", data={"way": "解释疏导"})
    r = ws.backlog.act(ids["own"], "delist", "", data={"approver": "陈书记"})
    assert r["delisted"] and [e["actor"] for e in r["events"]][-2:] == ["boss", "boss"]
    r = ws.backlog.act(ids["other"], "reassign", "", data={"leader": "周区长", "reason": "分工调整"})
    assert r["leader"] == "周区长"
    assert ws.backlog.stats()["total"]["assigned"] == 2


def test_clerk_keeps_the_books_but_does_not_delist(world):
    ws, clock, ids = world
    as_user(ws, "li")
    r = ws.backlog.take_on(ids["free"], ids["batch"], "本级排查", "")
    assert r["events"][0]["actor"] == "li"
    ws.backlog.act(ids["own"], "progress", "", data={"text": "约谈"})
    r = ws.backlog.act(ids["own"], "resolve", "", data={"way": "依法解决"})
    assert r["allowed_actions"] == ["progress", "close", "reopen"]         # 销号 and 更换包案领导 are not offered
    before = events(ws)
    with pytest.raises(PermissionDenied, match="领导"):
        ws.backlog.act(ids["own"], "delist", "", data={"approver": "王"})
    with pytest.raises(PermissionDenied, match="领导"):
        ws.backlog.act(ids["own"], "reassign", "", data={"leader": "周区长", "reason": "x"})
    with pytest.raises(PermissionDenied):
        ws.backlog.configure("backlog_open_days", "200", "")
    assert events(ws) == before


def test_handler_sees_and_works_on_his_own_units_records_only(world):
    ws, clock, ids = world
    as_user(ws, "rsj")
    assert [r["id"] for r in ws.backlog.records()] == [ids["own"]]
    assert ws.backlog.records(unit=OTHER) == []
    ws.backlog.act(ids["own"], "progress", "", data={"text": "已协调用人单位"})
    before = events(ws)
    with pytest.raises(PermissionDenied):
        ws.backlog.act(ids["other"], "progress", "", data={"text": "x"})
    with pytest.raises(PermissionDenied):
        ws.backlog.record(ids["other"])
    with pytest.raises(PermissionDenied):
        ws.backlog.take_on(ids["free"], ids["batch"], "本级排查", "")
    with pytest.raises(PermissionDenied):
        ws.backlog.stats()
    assert events(ws) == before
    assert ws.backlog.workbench("rsj")["counts"]["未化解"] == 1            # his unit's only


def test_mediator_and_administrator(world):
    ws, clock, ids = world
    as_user(ws, "tj")
    with pytest.raises(PermissionDenied):
        ws.backlog.records()
    with pytest.raises(PermissionDenied):
        ws.backlog.candidates()
    assert ws.backlog.workbench("tj")["visible"] is False
    as_user(ws, "admin")
    assert ws.backlog.configure("backlog_open_days", "200", "") == 200
    assert ws.backlog.stats()["total"]["assigned"] == 2
    with pytest.raises(PermissionDenied, match="维护积案台账"):
        ws.backlog.add_batch("第二批", "区委", "2026-01-01", "2026-06-30", "")

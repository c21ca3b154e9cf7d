"""Optimistic concurrency on 人民调解 disputes and 积案 records (issue 12 §2), like cases': an action on the
version its user saw; when another seat changed the record since, "本件已被他人更新，请刷新后重试" and nothing
is saved. Viewing and printing do not move the version."""
from __future__ import annotations

from datetime import datetime

import pytest

from xinfang.domain.problems import STALE_MESSAGE, StaleRecord
from xinfang.services import Workspace
from tests.helpers import Clock, lasting_target, register
from tests.mediation.conftest import COMMITTEE_A, dispute_json


@pytest.fixture
def two_seats(tmp_path):
    clock = Clock(datetime(2026, 12, 1, 10, 0))
    target = lasting_target(tmp_path, clock())
    a = Workspace.open(target, now=clock)
    b = Workspace.open(target, now=clock)
    a.mediation.add_committee(COMMITTEE_A, "420102001001", "admin", prefix="樱园")
    a.mediation.add_mediator("王调解", COMMITTEE_A, "admin", login="wang")
    yield a, b, clock
    a.close()
    b.close()


def _ledger(ws):
    return ws.store.one("SELECT count(*) FROM ledger")


def test_a_dispute_action_on_an_older_version_is_refused_and_saves_nothing(two_seats, tmp_path):
    a, b, _ = two_seats
    row = a.mediation.register(dispute_json(), "clerk")["row"]
    seen = a.mediation.show(row)
    assert seen["version"] == 0
    b.mediation.act(row, "accept", "wang", version=b.mediation.show(row)["version"])   # the other seat first
    before, ledger = b.mediation.show(row), _ledger(a)
    assert before["version"] == 1 and before["status"] == "mediating"
    with pytest.raises(StaleRecord) as refused:
        a.mediation.act(row, "refuse", "wang", data={"reason": "不属于调解范围"}, version=seen["version"])
    assert refused.value.message == STALE_MESSAGE
    paper = tmp_path / "申请书.txt"
    paper.write_text("申请", encoding="utf-8")
    with pytest.raises(StaleRecord):
        a.mediation.attach(row, "申请书", [str(paper)], "wang", version=seen["version"])
    after = a.mediation.show(row)
    assert (after["status"], after["version"], after["events"], after["documents"], _ledger(a)) == (
        before["status"], 1, before["events"], before["documents"], ledger)
    # on the version now shown it goes through
    a.mediation.attach(row, "申请书", [str(paper)], "wang", version=after["version"])
    assert a.mediation.show(row)["version"] == 2


def test_a_backlog_action_on_an_older_version_is_refused_and_saves_nothing(two_seats):
    a, b, clock = two_seats
    case = register(a, received_at="2026-11-05 08:30")
    a.backlog.add_leader("甲", "区委常委", "admin")
    batch = a.backlog.add_batch("第一批", "市信访联席办", "2026-11-01", "2027-06-30", "admin")
    rid = a.backlog.take_on(case.number, batch["id"], "上级交办", "clerk", leader="甲", unit="420102-RSJ")["id"]
    seen = a.backlog.record(rid)
    assert seen["version"] == 0
    b.backlog.act(rid, "progress", "甲", data={"text": "已约谈信访人"}, version=0)
    before, ledger = a.backlog.record(rid), _ledger(a)
    with pytest.raises(StaleRecord):
        a.backlog.act(rid, "resolve", "甲", data={"way": "解释疏导"}, version=seen["version"])
    after = a.backlog.record(rid)
    assert (after["status"], after["version"], after["events"], _ledger(a)) == (
        "未化解", 1, before["events"], ledger)
    a.backlog.act(rid, "resolve", "甲", data={"way": "解释疏导"}, version=after["version"])
    assert a.backlog.record(rid)["status"] == "已化解" and a.backlog.record(rid)["version"] == 2
    assert a.check()["ok"]


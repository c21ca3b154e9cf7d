"""Who may do what with disputes (docs/permissions.md): a 调解员 acts on the disputes of their own committee."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.helpers import Clock, open_workspace
from xinfang.domain import passwords
from xinfang.domain.permissions import PermissionDenied
from xinfang.services.mediation import DisputeFilter

from .conftest import COMMITTEE_A, COMMITTEE_B, at, dispute_json, session

PASSWORD = "correct-horse-1"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "COST", 2 ** 10)


@pytest.fixture
def world():
    ws = open_workspace(Clock(datetime(2026, 12, 1, 10, 0)))
    med = ws.mediation
    a = med.add_committee(COMMITTEE_A, "420102001001", "admin", prefix="樱园")["code"]
    b = med.add_committee(COMMITTEE_B, "420102001", "admin", prefix="东湖")["code"]
    med.add_mediator("王调解", COMMITTEE_A, "admin", login="wang")
    med.add_mediator("陈调解", COMMITTEE_B, "admin", login="chen")
    row_a = med.register(dispute_json(), "clerk")["row"]
    row_b = med.register(dispute_json(committee=COMMITTEE_B, mediators=["陈调解"]), "clerk")["row"]
    ws.users.add("admin", ["管理员"], PASSWORD)
    ws.users.sign_in("admin", PASSWORD)
    ws.users.add("wang", ["调解员"], PASSWORD, unit=a)
    ws.users.add("li", ["登记员"], PASSWORD)
    ws.users.add("boss", ["领导"], PASSWORD)
    yield ws, row_a, row_b
    ws.close()


def as_user(ws, login):
    ws.users.sign_in(login, PASSWORD)


def test_mediator_acts_on_own_committee_only(world):
    ws, row_a, row_b = world
    as_user(ws, "wang")
    d, _ = ws.mediation.act(row_a, "accept", "someone-else", at("2026-09-02"))
    assert d["status"] == "mediating" and d["events"][-1]["actor"] == "wang"     # the logged-in login is recorded
    with pytest.raises(PermissionDenied, match="调解员"):
        ws.mediation.act(row_b, "accept", "wang", at("2026-09-02"))
    assert ws.mediation.dispute(row_b)["status"] == "registered"
    with pytest.raises(PermissionDenied):
        ws.mediation.show(row_b)
    assert ws.mediation.count() == 1 and ws.mediation.first_page(DisputeFilter()) == [row_a]
    assert ws.mediation.count(DisputeFilter(committee=ws.mediation.committee(COMMITTEE_B)["code"])) == 0
    with pytest.raises(PermissionDenied):
        ws.mediation.add_committee("新调委会", "420102001002", "wang")
    with pytest.raises(PermissionDenied):
        ws.mediation.stats(datetime(2026, 9, 1).date(), datetime(2026, 9, 30).date())     # all committees
    s = ws.mediation.stats(datetime(2026, 9, 1).date(), datetime(2026, 9, 30).date(), COMMITTEE_A)
    assert s["accepted"] == 1


def test_registrar_registers_but_does_not_mediate(world):
    ws, row_a, _ = world
    as_user(ws, "li")
    assert ws.mediation.register(dispute_json(), "li")["events"][0]["actor"] == "li"
    with pytest.raises(PermissionDenied, match="需要"):
        ws.mediation.act(row_a, "accept", "li", at("2026-09-02"))


def test_leader_reads_and_counts_but_does_not_act(world):
    ws, row_a, row_b = world
    as_user(ws, "boss")
    assert ws.mediation.count() == 2 and ws.mediation.show(row_b)["number"]
    assert ws.mediation.stats(datetime(2026, 9, 1).date(), datetime(2026, 9, 30).date())["accepted"] == 0
    with pytest.raises(PermissionDenied):
        ws.mediation.act(row_a, "session", "boss", at("2026-09-02"), session("x")[2])

"""A workspace with two committees and their mediators, and builders that walk a dispute through its life.
Every test here runs on SQLite and on a PostgreSQL server (tests/pg_server.parametrise_engines)."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.helpers import Clock, open_workspace
from tests.pg_server import engine_choice, parametrise_engines, pg_server  # noqa: F401  (fixtures)

COMMITTEE_A = "樱园社区人民调解委员会"
COMMITTEE_B = "东湖街道人民调解委员会"


def dispute_json(**extra) -> dict:
    data = {"received_at": "2026-09-01 09:00", "source": "当事人申请", "type": "邻里", "committee": COMMITTEE_A,
            "mediators": ["王调解"], "summary": "楼上漏水致楼下天花板受损", "requests": "赔偿维修费用",
            "parties": [{"name": "张三", "kind": "个人", "id_number": "11010519491231002X", "phone": "13912345678",
                         "address": "樱园小区1栋101", "side": "申请人"},
                        {"name": "李四", "kind": "个人", "phone": "13812345678", "address": "樱园小区1栋201",
                         "side": "被申请人"}],
            "amount": 5000, "headcount": 2}
    data.update(extra)
    return data


def pytest_generate_tests(metafunc):
    parametrise_engines(metafunc)


@pytest.fixture(scope="module", autouse=True)
def db_engine(request):
    yield from engine_choice(request)


@pytest.fixture
def env():
    clock = Clock(datetime(2026, 12, 1, 10, 0))
    ws = open_workspace(clock)
    med = ws.mediation
    med.add_committee(COMMITTEE_A, "420102001001", "admin", prefix="樱园")
    med.add_committee(COMMITTEE_B, "420102001", "admin", prefix="东湖")
    med.add_mediator("王调解", COMMITTEE_A, "admin", login="wang")
    med.add_mediator("刘调解", COMMITTEE_A, "admin")
    med.add_mediator("陈调解", COMMITTEE_B, "admin")
    yield ws, clock
    ws.close()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text if " " in text else text + " 10:00")


def walk(ws, steps, **reg) -> int:
    """Register a dispute and take (action, date, data) steps; returns its row."""
    row = ws.mediation.register(dispute_json(**reg), "clerk")["row"]
    for action, day, data in steps:
        ws.mediation.act(row, action, "wang", at(day), data)
    return row


def session(day: str):
    return ("session", day, {"place": "社区调解室", "participants": ["张三", "李四"], "record": "双方陈述，调解员释法说理"})


def succeed(day: str, amount=1000, form="书面", due=None, effective=None):
    data = {"form": form, "terms": "李四赔偿张三维修费", "performance": {"manner": "现金", "place": "社区调解室",
                                                                    "due": due or day}, "amount": amount}
    if effective:
        data["effective"] = effective
    return ("succeed", day, data)

"""Shared test helpers: a movable clock and a workspace with a small category dictionary."""
from __future__ import annotations

from datetime import datetime, timedelta

from xinfang.services import Workspace
from xinfang.services.intake import draft_from_dict


class Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> datetime:
        self.now += timedelta(**kw)
        return self.now

    def set(self, value: datetime) -> datetime:
        self.now = value
        return value


def make_workspace(start: datetime = datetime(2025, 9, 30, 10, 0), target: str = ":memory:"):
    """A workspace on a new database: in memory, or on a PostgreSQL server database (`target` a URL from
    the `engine` fixture; Workspace.open refuses servers until the port is complete)."""
    clock = Clock(start)
    if target == ":memory:":
        ws = Workspace.open(":memory:", now=clock)
    else:
        from xinfang.storage.store import Store
        ws = Workspace.on_store(Store(target), now=clock)
    return ws, clock


def case_json(name="张三", id_number="11010519491231002X", phone="13812345678", summary="某建筑公司拖欠农民工工资",
              category="劳动和社会保障/拖欠工资", channel="来访", received_at="2025-09-30 09:00", **extra) -> dict:
    data = {"channel": channel, "received_at": received_at, "purpose": "申诉求决", "category": category,
            "summary": summary, "content": "2025年5月至8月在工地务工，工资3万元未付", "demands": "要求支付拖欠工资",
            "petitioners": [{"name": name, "id_number": id_number, "phone": phone, "role": "信访人"}],
            "headcount": 1}
    data.update(extra)
    return data


def register(ws: Workspace, actor: str = "clerk", **kw):
    return ws.register(draft_from_dict(case_json(**kw)), actor).case


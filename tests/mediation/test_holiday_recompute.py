"""A holiday import moves the disputes' stored earliest running clock (`next_due`, which the list's 逾期/临期
filter and the 工作台 read) and says so on the dispute's timeline; disputes it cannot touch are left alone."""
from __future__ import annotations

from datetime import date

import pytest

from tests.mediation.conftest import at, walk
from xinfang.services.mediation import DisputeFilter

# 2027 has no holiday data in the seed: these rows stand for a State Council notice imported by the admin.
CSV = "date,kind,name\n2027-01-04,休,假日\n2027-01-05,休,假日\n2027-01-06,休,假日\n"


def test_holiday_import_moves_a_running_mediation_period(env):
    ws, clock = env
    clock.set(at("2026-12-16 10:00"))
    # accepted 2026-12-06: 30 days → 2027-01-05, a Tuesday (a workday before the import)
    moving = walk(ws, [("accept", "2026-12-06", {})])
    # accepted 2026-11-20: 30 days → 2026-12-20, a Sunday, moved to Monday 2026-12-21; before the new days
    early = walk(ws, [("accept", "2026-11-20", {})])
    # accepted 2026-12-15: 30 days → 2027-01-14, a Thursday, after the new days: it does not move
    late = walk(ws, [("accept", "2026-12-15", {})])
    assert [ws.mediation.db.dispute_row(r)["next_due"] for r in (moving, early, late)] == \
        ["2027-01-05", "2026-12-21", "2027-01-14"]
    n, problems = ws.import_holidays(CSV, "admin")
    assert (n, problems) == (3, [])
    # 2027-01-05 is now a rest day, as is 01-06: the last day moves to Thursday 2027-01-07
    assert [ws.mediation.db.dispute_row(r)["next_due"] for r in (moving, early, late)] == \
        ["2027-01-07", "2026-12-21", "2027-01-14"]
    events = ws.mediation.db.events(moving)
    assert events[-1]["action"] == "recompute" and events[-1]["payload"]["old_due"] == "2027-01-05"
    assert events[-1]["payload"]["new_due"] == "2027-01-07"
    shown = ws.mediation.show(moving)
    assert shown["events"][-1]["label"] == "期限重算"
    assert [e["action"] for e in ws.mediation.db.events(early)] == ["register", "accept"]
    assert [e["action"] for e in ws.mediation.db.events(late)] == ["register", "accept"]
    # the list's due filter reads the stored date: due on or before 2027-01-06 is no longer this dispute
    assert moving not in ws.mediation.list_ids(DisputeFilter(due_before=date(2027, 1, 6)))
    assert moving in ws.mediation.list_ids(DisputeFilter(due_before=date(2027, 1, 7)))
    # the same file again changes no day: nothing is recomputed, no event is added
    assert ws.import_holidays(CSV, "admin") == (3, [])
    assert [e["action"] for e in ws.mediation.db.events(moving)] == ["register", "accept", "recompute"]
    assert ws.check()["ok"]

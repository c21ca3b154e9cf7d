"""The 承办 scope and the office's unit filters are answered from indexes (migration 0035), and the rewritten
accused-unit exclusion hides exactly what the old expression hid (issue 7 §2)."""
from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest

from xinfang.services import ListFilter, Workspace
from xinfang.services.intake import draft_from_dict

from tests.helpers import Clock, case_json

UNIT = "420102-RSJ"
STREET = "420102001"            # 东湖街道办事处 of the sample directory


@pytest.fixture
def ws():
    w = Workspace.open(":memory:", now=Clock(datetime(2026, 11, 27, 9, 0)))
    yield w
    w.close()


def _plan(ws, f: ListFilter, sql: str) -> str:
    where, params = ws.store._where(f)
    return " | ".join(r[3] for r in ws.store.q("EXPLAIN QUERY PLAN " + sql.format(where=where), params))


@pytest.mark.parametrize("f, index", [
    (ListFilter(only_unit=UNIT, hide_accused=(STREET, "东湖街道办事处")), "COVERING INDEX cases_unit_status"),
    (ListFilter(only_unit=UNIT, status=("handling",), hide_accused=(STREET,)), "COVERING INDEX cases_unit_status"),
    (ListFilter(unit=UNIT, status=("registered",)), "COVERING INDEX cases_unit_status"),
    (ListFilter(only_unit=UNIT, due_before=datetime(2026, 11, 26).date(), hide_accused=(STREET,)),
     "COVERING INDEX cases_unit_due"),
])
def test_scoped_counts_and_first_screens_read_an_index_only(ws, f, index):
    for sql in ("SELECT count(*) FROM cases{where}", "SELECT id FROM cases{where} ORDER BY id DESC LIMIT 50"):
        plan = _plan(ws, f, sql)
        assert index in plan, plan
        if f.hide_accused:
            assert "cases_restricted_accused" in plan, plan       # the exclusion reads the few restricted rows


def test_the_accused_unit_exclusion_hides_exactly_the_restricted_accusations_against_it(ws):
    """Hand-built: four cases of one unit — restricted or not, accusing the street or another — and the
    expected visibility written from issue 7 §2: only the restricted accusation against the street is hidden."""
    made = {}
    for key, restricted, accused in [("plain", False, ""), ("accuses street, open", False, "东湖街道办事处"),
                                     ("restricted, other unit", True, "临江街道办事处"),
                                     ("restricted, accuses street", True, "东湖街道办事处")]:
        case = ws.register(draft_from_dict(case_json(name=f"人{len(made)}", received_at="2026-11-20 09:00")),
                           "clerk").case
        row = ws.store.one("SELECT id FROM cases WHERE uuid = ?", (case.id,))
        ws.store.conn.execute("UPDATE cases SET handling_unit = ?, restricted = ?, accused_unit = ? WHERE id = ?",
                              (UNIT, int(restricted), accused, row))
        made[key] = row
    f = ListFilter(only_unit=UNIT, hide_accused=(STREET, "东湖街道办事处"))
    expected = sorted(v for k, v in made.items() if k != "restricted, accuses street")
    assert sorted(ws.store.list_ids(f)) == expected
    assert ws.store.count(f) == 3 and sorted(ws.store.first_page(f, 50)) == expected
    # the old expression, evaluated by SQLite on the same rows, agrees
    old = ws.store.q("SELECT id FROM cases WHERE handling_unit = ? AND NOT (restricted AND accused_unit IN (?, ?))",
                     (UNIT, STREET, "东湖街道办事处"))
    assert sorted(r[0] for r in old) == expected

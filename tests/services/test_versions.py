"""Optimistic concurrency on cases and numbers from counter rows (issue 12 §2), in one process: two seats
are two workspaces on one database (a SQLite file, or a server database). A user acts on the version their
screen shows; when another seat changed the case since, nothing is saved and the refusal is exactly
"本件已被他人更新，请刷新后重试"."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from xinfang.cli.main import main
from xinfang.domain.problems import STALE_MESSAGE, StaleRecord
from xinfang.services import Workspace
from xinfang.services.intake import draft_from_dict
from tests.helpers import Clock, case_json, lasting_target


@pytest.fixture
def seats(tmp_path):
    clock = Clock(datetime(2025, 9, 30, 10, 0))
    path = lasting_target(tmp_path, clock())
    a = Workspace.open(path, now=clock)
    b = Workspace.open(path, now=clock)
    yield a, b, clock
    a.close()
    b.close()


def _register(ws, **kw):
    return ws.register(draft_from_dict(case_json(**kw)), "clerk").case


def _unit(ws) -> str:
    return next(code for code, _n, _p, kind, *_ in ws.store.unit_rows() if kind == "党政部门")


def _snapshot(ws, row):
    case = ws.store.load_case(row)
    ledger = ws.store.one("SELECT count(*) FROM ledger")
    return case.status, case.clocks, len(case.events), case.version, case.attachments, case.restricted, ledger


def test_an_action_on_an_older_version_is_refused_and_saves_nothing(seats):
    a, b, _ = seats
    case = _register(a)
    assert case.version == 0 and a.case_dict(a.case(case.row))["version"] == 0
    seen_by_a = a.case(case.row).version
    b.act(case.row, "accept", "user-b", version=b.case(case.row).version)          # the other seat acts first
    before = _snapshot(a, case.row)
    assert before[3] == seen_by_a + 1
    with pytest.raises(StaleRecord) as refused:
        a.act(case.row, "forward", "user-a", data={"unit": _unit(a)}, version=seen_by_a)
    assert refused.value.message == STALE_MESSAGE == "本件已被他人更新，请刷新后重试"
    assert _snapshot(a, case.row) == before                  # no event, no clock, no ledger entry, same version
    # after reloading, the user decides again on what is there now
    fresh = a.case(case.row)
    assert fresh.status.value == "handling"
    a.act(case.row, "reply", "user-a", data={"outcome": "支持"}, version=fresh.version)
    assert a.case(case.row).version == fresh.version + 1


def test_every_changing_action_checks_the_version(seats, tmp_path):
    a, b, _ = seats
    case = _register(a)
    old = a.case(case.row).version
    b.restrict(case.row, "涉及检举", version=old)
    with pytest.raises(StaleRecord):
        a.restrict(case.row, "涉及检举", version=old)
    attachment = tmp_path / "信访件.txt"
    attachment.write_text("材料", encoding="utf-8")
    with pytest.raises(StaleRecord):
        a.add_attachments(case.row, [str(attachment)], "user-a", version=old)
    assert a.case(case.row).attachments == ()
    if a.store.dialect.server:                       # a server keeps the bytes in the database
        assert a.store.one("SELECT count(*) FROM file_contents") == 0
    else:
        kept = a.data_dir / "attachments" / case.id
        assert not kept.exists() or not any(kept.iterdir())
    with pytest.raises(StaleRecord):
        a.route_case(case.row, "user-a", version=old)
    with pytest.raises(StaleRecord):
        a.mediation.refer_from_petition(case.row, {}, "user-a", version=old)
    assert a.mediation.links_for_case(case.row) == []
    current = a.case(case.row).version
    a.add_attachments(case.row, [str(attachment)], "user-a", version=current)
    assert [x.filename for x in a.case(case.row).attachments] == ["信访件.txt"]


def test_viewing_and_printing_do_not_move_the_version(seats):
    a, b, _ = seats
    case = _register(a)
    seen = a.case(case.row).version
    b.unmask(case.row, "核对身份")          # recorded on the timeline (访问记录), but the case did not change
    assert b.case(case.row).version == seen
    a.act(case.row, "accept", "user-a", version=seen)        # so the other seat's action still goes through


def test_an_action_without_a_given_version_uses_the_one_read_at_its_start(seats):
    a, _b, _ = seats
    case = _register(a)
    a.act(case.row, "accept", "user-a")
    assert a.case(case.row).version == 1


def test_the_counter_continues_after_numbers_written_without_it(seats):
    """Rows written without the counter (a bulk demo load, an older copy) never make a registration fail."""
    a, b, _ = seats
    first = _register(a)
    assert first.number == "2025-信-000001"
    assert a.store.q("SELECT kind, scope, year, seq FROM number_counters") == [("case", a.office, 2025, 1)]
    with a.store.transaction():
        a.store.conn.execute("UPDATE number_counters SET seq = 0")      # as if two cases came in unseen
    second = _register(b, name="李四", id_number="", phone="13900000002")
    assert second.number == "2025-信-000002"
    assert b.store.one("SELECT seq FROM number_counters WHERE kind = 'case'") == 2
    other_year = _register(a, name="王五", id_number="", phone="13900000003", received_at="2024-12-31 09:00")
    assert other_year.number == "2024-信-000001"                          # per office and year


def test_the_cli_refuses_a_stale_version_with_the_sentence(tmp_path, capsys):
    db = lasting_target(tmp_path, datetime(2025, 9, 30, 10, 0), "cli.db")
    assert main(["init", "--sample", "--db", db]) == 0
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_json(), ensure_ascii=False), encoding="utf-8")
    now = ["--now", "2025-09-30 10:00", "--db", db, "--json"]
    capsys.readouterr()
    assert main(["case", "add", str(path), *now]) == 0
    added = json.loads(capsys.readouterr().out)
    assert added["version"] == 0
    assert main(["case", "act", added["number"], "accept", "--version", "0", *now]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == 1
    code = main(["case", "act", added["number"], "reply", "--data", '{"outcome": "支持"}', "--version", "0", *now])
    err = json.loads(capsys.readouterr().err)
    assert code != 0 and err["error"] == "本件已被他人更新，请刷新后重试"


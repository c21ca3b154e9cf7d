"""Demo data: deterministic, consistent with the lifecycle, hash chains and search."""
from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pytest

from xinfang.domain import lifecycle
from xinfang.domain.enums import ClosureReason, Status, Step
from xinfang.domain.validation import check_id_number, check_uscc, make_id_number
from xinfang.services import clocks as clockwork
from xinfang.services import demo
from xinfang.services.demo import generate_demo
from xinfang.services.workspace import Workspace
from xinfang.storage import bulk
from xinfang.storage.store import ListFilter, event_hash

NOW = datetime(2026, 11, 22, 10, 30)
N = 3000


def _open(path=":memory:") -> Workspace:
    return Workspace.open(path, now=lambda: NOW)


@pytest.fixture(scope="module")
def ws():
    w = _open()
    w.stats = generate_demo(w, N, seed=7)
    yield w
    w.close()


def _snapshot(w: Workspace) -> list[tuple]:
    return w.store.q("SELECT c.number, c.summary, c.petitioner_names, c.status, c.next_due, "
                     "(SELECT group_concat(hash) FROM events e WHERE e.case_id = c.id) FROM cases c ORDER BY c.id")


def test_same_seed_same_data_different_seed_different():
    a, b, c, d = _open(), _open(), _open(), _open()
    generate_demo(a, 800, seed=3)
    generate_demo(b, 800, seed=3, chunk=300)        # batch size does not matter
    generate_demo(c, 800, seed=4)
    st = generate_demo(d, 800, seed=3, chunk=300, workers=2)   # nor worker processes with transport files
    sa = _snapshot(a)
    assert sa == _snapshot(b) == _snapshot(d)
    assert sa != _snapshot(c)
    assert len(sa) == 800
    assert st["seconds_copy"] > 0 and st["cases"] == 800
    ids = "SELECT group_concat(id) FROM (SELECT id FROM {} ORDER BY id)"
    for table in ("events", "petitioners"):                  # same rowids as a single-process load
        assert a.store.one(ids.format(table)) == d.store.one(ids.format(table))
    assert d.check()["ok"]


def test_check_ok_and_stats_match_db(ws):
    check = ws.check()
    assert check["ok"], check
    st = ws.stats
    q = ws.store.one
    assert st["cases"] == q("SELECT count(*) FROM cases") == N
    assert st["events"] == q("SELECT count(*) FROM events")
    assert st["petitioners"] == q("SELECT count(*) FROM petitioners")
    assert st["repeats"] == q("SELECT count(*) FROM repeats")
    assert st["seconds_insert"] > 0 and st["seconds_index"] > 0 and st["rate_per_s"] > 0
    assert sum(st["statuses"].values()) == N


def test_every_status_reachable(ws):
    seen = {s for (s,) in ws.store.q("SELECT DISTINCT status FROM cases")}
    assert seen == {s.value for s in Status}


def test_counts_consistent(ws):
    q = ws.store.one
    cases = q("SELECT count(*) FROM cases")
    assert q("SELECT count(*) FROM petitioners") >= cases
    assert q("SELECT count(*) FROM events") >= cases
    assert q("SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM petitioners p WHERE p.case_id = c.id)") == 0
    assert q("SELECT count(*) FROM cases c WHERE NOT EXISTS "
             "(SELECT 1 FROM events e WHERE e.case_id = c.id AND e.seq = 1 AND e.action = 'register')") == 0
    closed_like = [s.value for s in Status if s not in lifecycle.OPEN_STATES]
    marks = ",".join("?" * len(closed_like))
    assert q(f"SELECT count(*) FROM cases WHERE next_due IS NOT NULL AND status IN ({marks})", closed_like) == 0
    # open duty states always have a running duty clock
    assert q("SELECT count(*) FROM cases WHERE status IN ('registered','pending_acceptance','handling',"
             "'review_requested','recheck_requested') AND next_due IS NULL") == 0
    assert q("SELECT count(*) FROM cases WHERE status = 'closed' AND (closed_at IS NULL OR closure_reason = '')") == 0
    # ids follow the received time; numbers are unique per office and year
    assert q("SELECT count(*) FROM cases a JOIN cases b ON b.id = a.id + 1 WHERE b.received_at < a.received_at") == 0
    assert q("SELECT max(received_at) FROM cases") <= NOW.isoformat()
    assert q("SELECT min(received_at) FROM cases") >= "2023-11-01"
    # 12345 work orders and collective visits
    assert q("SELECT count(*) FROM cases WHERE channel = '12345' AND work_order_no NOT GLOB 'GD[0-9]*'") == 0
    assert q("SELECT count(*) FROM cases WHERE collective = 1 AND (headcount < 5 OR headcount > 40)") == 0
    assert q("SELECT max(n) FROM (SELECT count(*) n FROM petitioners WHERE role = '代表' GROUP BY case_id)") <= 5
    assert q("SELECT count(*) FROM cases WHERE purpose = '检举控告' AND (restricted = 0 OR accused_unit = '')") == 0
    share = q("SELECT avg(channel = '来访') FROM cases")
    assert 0.28 < share < 0.42
    assert 0.04 < q("SELECT avg(purpose = '检举控告') FROM cases") < 0.10
    # recent cases are denser than old ones
    assert q("SELECT count(*) FROM cases WHERE received_at >= '2026-05-22'") > \
        1.8 * q("SELECT count(*) FROM cases WHERE received_at < '2024-05-22'")


def test_petitioner_identities_valid(ws):
    rows = ws.store.q("SELECT kind, name, id_number, sex, birth, anonymous FROM petitioners")
    persons = orgs = 0
    for kind, name, idn, sex, birth, anon in rows:
        if anon:
            assert not name and not idn
            continue
        assert 2 <= len(name) <= 3 or kind == "单位"
        if kind == "单位":
            assert check_uscc(idn).valid
            orgs += 1
        elif idn:
            chk = check_id_number(idn, NOW.date())
            assert chk.valid and chk.sex == sex and chk.birth.isoformat() == birth
            assert 1940 <= chk.birth.year <= 2004
            persons += 1
    assert persons > N * 0.7 and orgs > 10
    assert demo._id_number("420102", date(1975, 3, 9), 123) == make_id_number("420102", date(1975, 3, 9), 123)


def test_fast_event_hash_equals_store_hash(ws):
    for row in (1, N // 2, N):
        for e in ws.store.events(row):
            assert e.hash == event_hash(e.prev_hash, e.case_id, e.seq, e.action, e.at.isoformat(),
                                        e.recorded_at.isoformat(), e.actor,
                                        ws.store.one("SELECT payload FROM events WHERE case_id = ? AND seq = ?",
                                                     (row, e.seq)))


def test_replay_through_lifecycle_plan(ws):
    """Every generated case = registering it and acting its events through lifecycle.plan + apply_ops."""
    store, profile, cal = ws.store, ws.profile, ws.calendar
    max_ext = profile.policy(Step.HANDLE).max_extension or 30
    for row in range(1, N + 1):
        case = store.load_case(row)
        received = case.draft.received_at
        clocks = {Step.DISPOSE: clockwork.start_clock(Step.DISPOSE, received.date(), profile, cal)}
        status, last_at = Status.REGISTERED, received
        fields = {}
        assert case.events[0].action == lifecycle.REGISTER
        assert case.events[0].payload["number"] == case.number
        for e in case.events[1:]:
            data = {k: v for k, v in e.payload.items() if k not in ("clocks", "unit_name", "warnings", "changes")}
            t = lifecycle.plan(status, clocks, e.action, e.at, data, received_at=received, last_at=last_at,
                               max_extension=max_ext)
            changed = clockwork.apply_ops(clocks, t.clock_ops, e.at.date(), profile, cal)
            expect = dict(t.payload)
            if expect.get("unit"):
                expect["unit_name"] = store.unit_name(expect["unit"]) or expect["unit"]
            for c in changed.values():
                expect.setdefault("clocks", {})[c.step.value] = (
                    f"stopped {c.stopped_on.isoformat()}" if c.stopped_on else f"due {c.due.isoformat()}")
            # `changes` (the projection's difference) is checked by replaying it in ws.check()
            assert {k: v for k, v in e.payload.items() if k != "changes"} == expect, (case.number, e.action)
            clocks.update(changed)
            status, last_at = t.to, e.at
            fields.update(t.updates)
        assert case.status == status, case.number
        assert {c.step: c for c in case.clocks} == clocks, case.number
        due, step = clockwork.next_due(clocks.values())
        assert store.q("SELECT next_due, next_step FROM cases WHERE id = ?", (row,))[0] == \
            (due.isoformat() if due else None, step.value if step else None)
        for key in ("disposition", "handling_unit", "outcome", "rating", "closure_reason"):
            if key in fields:
                assert getattr(case, key) == fields[key], (case.number, key)
        if "closed_at" in fields:
            assert case.closed_at == fields["closed_at"]


def test_repeats_linked_and_found_again(ws):
    store = ws.store
    rows = store.q("SELECT r.case_id, r.earlier_id, c.repeat_of, e.uuid, c.category, e.category "
                   "FROM repeats r JOIN cases c ON c.id = r.case_id JOIN cases e ON e.id = r.earlier_id")
    assert 0.05 * N < len(rows) < 0.11 * N
    for case_id, earlier, repeat_of, earlier_uuid, cat, ecat in rows:
        assert earlier < case_id and repeat_of == earlier_uuid and cat == ecat
    for case_id, earlier, *_ in rows[:60]:
        draft = store.load_case(case_id).draft            # the clerk types the same petition again
        found = {m.row for m in ws.preview(draft).repeats}
        assert earlier in found, case_id
    # some repeats came after the earlier case was closed after 复核: 不再受理 candidates
    cands = store.q("SELECT c.id, e.status, e.closure_reason FROM cases c JOIN repeats r ON r.case_id = c.id "
                    "JOIN cases e ON e.id = r.earlier_id WHERE c.no_longer_candidate = 1")
    assert cands
    assert all(st == "rechecked" or why == ClosureReason.RECHECK_SERVED.value for _, st, why in cands)


def test_search_finds_names_ids_phones_numbers(ws):
    name, idn, phone, case_id = ws.store.q(
        "SELECT name, id_number, phone, case_id FROM petitioners WHERE kind = '个人' AND id_number <> '' "
        "AND phone <> '' AND anonymous = 0 ORDER BY case_id DESC LIMIT 1")[0]
    number = ws.store.one("SELECT number FROM cases WHERE id = ?", (case_id,))
    for text in (name, idn[-6:], idn[6:14], phone[-4:], phone[3:9], number, number[-6:], "拖欠", "物业"):
        ids = ws.list_ids(ListFilter(text=text))
        assert ws.count(ListFilter(text=text)) == len(ids) > 0, text
        if text not in ("拖欠", "物业"):
            assert case_id in ids, text
    assert ws.count(ListFilter(text="拖欠工资")) > 20


def test_file_db_bulk_mode_restores_settings_and_appends(tmp_path):
    path = tmp_path / "demo.db"
    w = _open(path)
    before = sorted(r[0] for r in w.store.q("SELECT name FROM sqlite_master WHERE type = 'index'"))
    st = generate_demo(w, 700, seed=2)
    assert st["cases"] == 700
    conn = w.store.conn
    assert sorted(r[0] for r in w.store.q("SELECT name FROM sqlite_master WHERE type = 'index'")) == before
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert bulk.foreign_key_problems(conn) == []
    assert w.store.one("SELECT count(*) FROM meta WHERE key = 'bulk_pending_indexes'") == 0
    # a second load appends: ids and per-year numbers continue
    generate_demo(w, 300, seed=9)
    assert w.store.total_cases() == 1000
    assert w.store.one("SELECT count(*) FROM (SELECT office, year, seq FROM cases GROUP BY 1, 2, 3)") == 1000
    assert w.check()["ok"]
    assert w.count(ListFilter(text=w.store.one("SELECT name FROM petitioners WHERE case_id = 1000 AND name <> ''")
                              or "王")) > 0
    w.close()
    # the file opens normally afterwards
    c = sqlite3.connect(path)
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    c.close()


def test_progress_and_cancel():
    w = _open()
    calls = []

    def progress(done, total):
        calls.append((done, total))
        return False if done >= 400 else None

    st = generate_demo(w, 1000, seed=5, progress=progress, chunk=200)
    assert st["cancelled"] and st["cases"] == 400 == w.store.total_cases()
    assert calls[0] == (200, 2000) and calls[1] == (400, 2000)
    assert calls[-1] == (2000, 2000)             # the index of the 400 cases fills the rest of the bar
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert w.check()["ok"]
    assert w.count(ListFilter(text=w.store.one("SELECT number FROM cases WHERE id = 400"))) == 1


def test_dashboard_sees_overdue_and_due_soon(ws):
    board = ws.dashboard("zhangmh")
    assert board["逾期"]["count"] > 0
    assert board["我登记的"]["count"] > 0
    assert board["待处置"]["count"] > 0 and board["待受理"]["count"] > 0 and board["待答复"]["count"] > 0


def test_some_cases_went_higher_and_some_visits_were_irregular(ws):
    """越级/非正常上访 marks (issue 10 §1) so the report has something to show; only visits are irregular,
    each with its description; the marks are part of the registration the ledger replays (check above)."""
    levels = dict(ws.store.q("SELECT reached_level, count(*) FROM cases GROUP BY 1"))
    assert set(levels) == {"本级", "到区", "到市", "到省", "进京"} and levels["本级"] > N * 0.8
    irregular = ws.store.q("SELECT channel, irregular_note FROM cases WHERE irregular = 1")
    assert irregular and {ch for ch, _ in irregular} == {"来访"} and all(note for _, note in irregular)
    assert ws.store.one("SELECT count(*) FROM cases WHERE irregular = 0 AND irregular_note <> ''") == 0
    # every ended case has the time of its first terminal step (migration 0039's trigger), open cases none
    assert ws.store.one("SELECT count(*) FROM cases WHERE (ended_at IS NULL) <> (status IN "
                        "('handling', 'pending_acceptance', 'rated', 'recheck_requested', 'rechecked', 'registered', "
                        "'replied', 'review_requested', 'reviewed', 'served'))") == 0


# on SQLite only where tests run on both engines (tests/pg_server.parametrise_engines)
pytestmark = pytest.mark.sqlite_only(reason="demo loads into SQLite files (bulk mode, WAL); on a server: tests/pg/test_demo_on_server.py")

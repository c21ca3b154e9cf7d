"""The case core on both storage engines (issue 12, port plan §8.3): open and migrate, register, act, clocks,
events and the ledger, the list and its orders. The same actions give the same answers on SQLite and on a
PostgreSQL server; the chains are recomputed here by their published formulas (docs/ledger.md)."""
from __future__ import annotations

import json
from datetime import date, datetime

import psycopg
import pytest

from xinfang.domain.problems import DomainError
from xinfang.storage import ledger, projection
from xinfang.storage.errors import StorageError
from xinfang.storage.store import ListFilter, Store

from tests.helpers import make_workspace, register
from tests.pg_server import ENGINES

both = pytest.mark.parametrize("engine", ENGINES, indirect=True)

# test_workspace's lifecycle: every step of 信访工作条例 from 登记 to 终结 after 复核
PLAN = [
    ("forward", {"unit": "420102-RSJ"}, datetime(2025, 9, 30, 11)),
    ("accept", {}, datetime(2025, 10, 9, 9)),
    ("extend", {"days": 30, "approver": "王局长", "reason": "涉及多家单位"}, datetime(2025, 11, 20, 9)),
    ("reply", {"outcome": "不予支持"}, datetime(2025, 12, 1, 9)),
    ("serve", {"served_on": "2025-12-02"}, datetime(2025, 12, 2, 15)),
    ("rate", {"rating": "不满意"}, datetime(2025, 12, 3, 9)),
    ("review-request", {"body": "区人民政府"}, datetime(2025, 12, 20, 9)),
    ("review-decision", {"outcome": "维持", "served_on": "2026-01-10"}, datetime(2026, 1, 10, 9)),
    ("recheck-request", {}, datetime(2026, 1, 20, 9)),
    ("hearing", {"days": 5}, datetime(2026, 2, 1, 9)),
    ("recheck-decision", {"outcome": "维持"}, datetime(2026, 2, 20, 9)),
    ("close", {"reason": "复核意见已送达"}, datetime(2026, 2, 25, 9)),
]


def lifecycle(ws, clock):
    case = register(ws)
    for action, data, at in PLAN:
        clock.set(at)
        case = ws.act(case.id, action, "clerk", at, data).case
    return case


def chains_recomputed(store: Store) -> tuple[int, int]:
    """Walk every case chain and the ledger, recomputing each hash; returns (events, ledger entries)."""
    events = {}
    for row, (uid,) in [(r, (u,)) for r, u in store.q("SELECT id, uuid FROM cases ORDER BY id")]:
        prev = ledger.GENESIS
        rows = store.q("SELECT id, seq, action, at, recorded_at, actor, payload, prev_hash, hash FROM events "
                       "WHERE case_id = ? ORDER BY seq", (row,))
        for n, (eid, seq, action, at, rec, actor, payload, prev_hash, h) in enumerate(rows, 1):
            assert seq == n and prev_hash == prev
            assert h == ledger.event_hash(prev, uid, seq, action, at, rec, actor, payload)
            events[eid] = h
            prev = h
        assert store.q("SELECT event_count, head_hash FROM cases WHERE id = ?", (row,)) == [(len(rows), prev)]
    prev, n = ledger.GENESIS, 0
    for seq, kind, event_id, h in store.q("SELECT seq, kind, event_id, hash FROM ledger ORDER BY seq"):
        n += 1
        assert seq == n
        if kind == "case":
            ev_hash = events.pop(event_id)
        else:
            ev_hash = store.one("SELECT hash FROM record_events WHERE id = ?", (event_id,))
        assert h == ledger.ledger_hash(prev, seq, kind, event_id, ev_hash)
        prev = h
    assert events == {}                       # every case event is in the ledger
    return store.one("SELECT count(*) FROM events"), n


@both
def test_the_whole_lifecycle_gives_the_regulations_due_dates(engine):
    ws, clock = make_workspace(target=engine)
    case = lifecycle(ws, clock)
    assert case.status.value == "closed" and case.closure_reason == "复核意见已送达"
    due = {d.step.value: d for d in ws.deadlines(ws.case(case.id))}
    assert due["handle"].due == date(2026, 1, 7)                 # 2025-10-09 + 60 + 30 days
    assert due["object"].due == date(2025, 10, 14)               # 5 working days over National Day
    assert due["recheck"].due == date(2026, 2, 24)               # 30 days + 5 hearing days, rolled past 春节
    assert [e.action for e in case.events] == ["register"] + [a for a, _, _ in PLAN]


@both
def test_events_and_the_ledger_stay_one_chain_each(engine):
    ws, clock = make_workspace(target=engine)
    lifecycle(ws, clock)
    clock.set(datetime(2026, 3, 1, 9))
    register(ws, name="李四", id_number="440524188001010014", phone="13900001111", summary="小区垃圾清运不及时",
             category="城乡建设/城市管理")
    events, entries = chains_recomputed(ws.store)
    assert events == 1 + len(PLAN) + 1
    # the other entries are the seeded settings/users of a new database, each its own record kind
    assert entries == events + ws.store.one("SELECT count(*) FROM record_events")


@both
def test_every_case_projection_replays_from_its_events(engine):
    """Each event records its whole effect (`changes`): folding them gives the rows, on both engines."""
    ws, clock = make_workspace(target=engine)
    case = lifecycle(ws, clock)
    other = register(ws, name="王五", id_number="", phone="13700002222")
    for row in (case.row, other.row):
        payloads = [json.loads(p) for p, in ws.store.q("SELECT payload FROM events WHERE case_id = ? ORDER BY seq",
                                                        (row,))]
        assert projection.replay(payloads) == projection.current(ws.store.conn, row)


def test_both_engines_give_the_same_case_and_the_same_lists(pg_database):
    """The same actions on SQLite and on the server: the same case as the front ends see it, the same
    numbers, the same list orders (a case with no running clock has no next_due: first when ascending)."""
    from tests.pg_server import server_url
    seen = []
    for target in (":memory:", server_url(pg_database)):
        ws, clock = make_workspace(target=target)
        done = lifecycle(ws, clock)
        clock.set(datetime(2026, 3, 5, 9))
        rows = [done.row] + [register(ws, name=f"用户{i}", id_number="", phone=f"1390000{i:04d}",
                                      received_at=f"2026-03-0{i + 1} 09:00").row for i in range(3)]
        ws.act(rows[1], "accept", "clerk", datetime(2026, 3, 5, 10))
        view = ws.case_dict(ws.case(done.id))
        for event in view["events"]:            # the hashes cover the case's random uuid
            for key in ("hash", "prev_hash", "prev"):
                event.pop(key, None)
            # so does the state digest (storage/digests.py)
            event["payload"].pop("state_digest", None)
        lists = {(order, desc): list(ws.list_ids(ListFilter(status=("registered", "accepted", "closed")),
                                                 order=order, descending=desc))
                 for order in ("next_due", "received_at", "number", "status") for desc in (True, False)}
        seen.append((json.dumps(view, ensure_ascii=False, sort_keys=True, default=str).replace(done.id, "<uuid>"), lists,
                     [ws.case(r).number for r in rows], ws.count(ListFilter(text="拖欠")),
                     ws.first_page(ListFilter(text="1390000"), 2)))
        ws.close()
    assert seen[0] == seen[1]
    numbers = seen[0][2]
    # numbered per office and year: the 2025 case is the year's first, the three of 2026 are 1, 2, 3
    assert numbers == ["2025-信-000001", "2026-信-000001", "2026-信-000002", "2026-信-000003"]
    asc = seen[0][1][("next_due", False)]
    assert asc[0] == rows[0] and seen[0][1][("next_due", True)][-1] == rows[0]   # the closed case: no next_due


@both
def test_a_refused_action_writes_nothing(engine):
    ws, _ = make_workspace(target=engine)
    case = register(ws)
    before = (ws.store.one("SELECT count(*) FROM events"), ws.store.one("SELECT count(*) FROM ledger"))
    with pytest.raises(DomainError, match="当前状态“待处置”下不能“答复”"):
        ws.act(case.id, "reply", "clerk", data={"outcome": "支持"})
    assert (ws.store.one("SELECT count(*) FROM events"), ws.store.one("SELECT count(*) FROM ledger")) == before


@both
def test_a_failing_statement_rolls_the_whole_transaction_back(engine):
    ws, _ = make_workspace(target=engine)
    store = ws.store
    with pytest.raises(StorageError, match="冲突"):
        with store.transaction():
            store.conn.execute("INSERT INTO places(code, name) VALUES (?, ?)", ("990001", "测试地"))
            store.conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', 'x')")   # exists: refused
    assert store.places().get("990001") is None and not store.conn.in_transaction


# ---- the server side only --------------------------------------------------------------------------------

def test_opening_a_server_database_again_migrates_nothing(pg_database):
    from tests.pg_server import server_url
    url = server_url(pg_database)
    first = Store(url)
    applied = first.one("SELECT value FROM meta WHERE key = 'migrations'")
    first.close()
    again = Store(url)
    assert again.one("SELECT value FROM meta WHERE key = 'migrations'") == applied
    assert again.dialect.server and again.read_only is False
    again.close()


def test_a_lost_connection_is_a_chinese_storage_error_that_the_person_can_act_on(pg_database):
    from tests.pg_server import server_url
    store = Store(server_url(pg_database))
    pid = store.one("SELECT pg_backend_pid()")
    # inside an action's transaction (a statement on its own connects again: test_engines_reconnect.py)
    with pytest.raises(StorageError, match="连接中断") as caught:
        with store.transaction():
            with psycopg.connect(pg_database, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            store.one("SELECT count(*) FROM cases")
    assert caught.value.environmental


def test_sqlite_form_statements_are_rewritten_for_the_server(pg_database):
    from tests.pg_server import server_url
    conn = Store(server_url(pg_database)).conn
    t = conn.translate
    # parameters outside literals only; a literal % doubled for psycopg
    assert t("SELECT id FROM cases WHERE number LIKE '%?%' AND id = ?")[0] == \
        "SELECT id FROM cases WHERE number LIKE '%%?%%' AND id = %s"
    assert t("DELETE FROM cases WHERE id IN (SELECT value FROM x WHERE k = :k)", named=True)[0].endswith("k = %(k)s)")
    assert t("SELECT '2025-01-01'::date")[0] == "SELECT '2025-01-01'::date"
    # upserts on the table's primary key, every other listed column replaced
    assert t("INSERT OR REPLACE INTO clocks(case_id, step, due) VALUES (?, ?, ?)")[0] == (
        "INSERT INTO clocks(case_id, step, due) VALUES (%s, %s, %s) "
        "ON CONFLICT (case_id, step) DO UPDATE SET due = excluded.due")
    assert t("INSERT OR IGNORE INTO users(login, name) VALUES (?, ?)")[0].endswith(" ON CONFLICT DO NOTHING")
    # lastrowid: an identity column is returned; a table without one returns nothing
    assert t("INSERT INTO events(case_id) VALUES (?)") == ("INSERT INTO events(case_id) VALUES (%s) RETURNING id", "id")
    assert t("INSERT INTO places(code, name) VALUES (?, ?)")[1] is None
    assert t("SELECT id FROM cases INDEXED BY cases_channel WHERE instr(summary, ?) > 0")[0] == \
        "SELECT id FROM cases WHERE strpos(summary, %s) > 0"
    assert t("BEGIN IMMEDIATE")[0] == "BEGIN"
    # SQLite's row shape for table_info; defaults without PostgreSQL's casts
    info = {r[1]: r for r in conn.execute("PRAGMA table_info(cases)").fetchall()}
    assert info["id"][5] == 1 and info["reached_level"][4] == "'本级'" and info["restricted"][4] == "0"
    # read from the catalogue once (every registration asks); a column added later is seen after forget_schema
    conn.raw.execute("ALTER TABLE cases ADD COLUMN later text")
    assert "later" not in [r[1] for r in conn.execute("PRAGMA table_info(cases)")]
    conn.forget_schema()
    assert [r[1] for r in conn.execute("PRAGMA table_info(cases)")][-1] == "later"
    conn.close()


# ---- further modules on both engines: accounts, notices, 积案 (tests/services/test_backlog_numbers.py) -------

@both
def test_accounts_lock_after_five_failures_for_15_minutes(engine, monkeypatch):
    from xinfang.domain import passwords
    monkeypatch.setattr(passwords, "COST", 2 ** 10)
    ws, clock = make_workspace(datetime(2025, 9, 30, 9, 0), target=engine)
    ws.users.add("admin", ["管理员"], "admin-pass-1")
    ws.users.sign_in("admin", "admin-pass-1")
    ws.users.add("li", ["登记员"], "right-pass-1", display="李登记")
    ws.users.sign_out()
    for _ in range(4):
        with pytest.raises(DomainError):
            ws.users.sign_in("li", "wrong-pass")
    assert ws.users.sign_in("li", "right-pass-1").login == "li"     # 4 < 5: still open, the count restarts
    ws.users.sign_out()
    for _ in range(4):
        with pytest.raises(DomainError):
            ws.users.sign_in("li", "wrong-pass")
    with pytest.raises(DomainError, match="已锁定至 09:15"):
        ws.users.sign_in("li", "wrong-pass")
    clock.set(datetime(2025, 9, 30, 9, 15))
    assert ws.users.sign_in("li", "right-pass-1").login == "li"
    assert ws.store.one("SELECT password_hash FROM accounts WHERE login = 'li'").startswith("scrypt")


@both
def test_notices_are_numbered_per_kind_and_year_and_reprints_keep_the_number(engine):
    ws, clock = make_workspace(datetime(2026, 3, 2, 9, 0), target=engine)

    def replied(name, phone):
        case = register(ws, name=name, id_number="", phone=phone, summary=f"{name}反映工地拖欠工资")
        ws.act(case.row, "accept", "clerk", data={"unit": "420100-FGJ"})
        clock.advance(days=5)
        ws.act(case.row, "reply", "clerk", data={"outcome": "支持", "facts": "经查属实", "decision": "责令支付",
                                                  "basis": "《保障农民工工资支付条例》第三条"})
        return case

    a, b = replied("甲", "13900000101"), replied("乙", "13900000102")
    assert ws.notices.issue(a.row, "受理告知书", "clerk").number == "城信受〔2026〕1号"
    assert ws.notices.issue(b.row, "受理告知书", "clerk").number == "城信受〔2026〕2号"
    assert ws.notices.issue(a.row, "处理意见书", "clerk").number == "城信处〔2026〕1号"     # its own series
    again = ws.notices.issue(a.row, "受理告知书", "clerk")
    assert (again.number, again.reprint) == ("城信受〔2026〕1号", True)
    clock.set(datetime(2027, 1, 4, 9, 0))
    assert ws.notices.issue(replied("丙", "13900000103").row, "受理告知书", "clerk").number == "城信受〔2027〕1号"
    chains_recomputed(ws.store)


WRITER = """
import sys
from datetime import datetime
from xinfang.storage.store import Store
store = Store(sys.argv[1])
for i in range(int(sys.argv[3])):
    with store.transaction():
        store.set_setting(f"{sys.argv[2]}-{i}", i, actor=sys.argv[2], now=datetime(2026, 1, 1, 9))
store.close()
"""


def test_concurrent_writers_on_a_server_keep_one_unbroken_ledger(pg_database):
    """4 processes appending at once: the ledger stays gapless and chained, event ids in ledger order,
    nothing lost (without the ledger lock two transactions read the same head)."""
    import subprocess
    import sys
    from tests.pg_server import server_url
    url = server_url(pg_database)
    Store(url).close()                         # migrated once, before the writers start
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, url, f"w{n}", "40"], stderr=subprocess.PIPE,
                                text=True) for n in range(4)]
    for w in writers:
        assert w.wait(timeout=300) == 0, w.stderr.read()
    store = Store(url)
    _, entries = chains_recomputed(store)
    assert store.one("SELECT count(*) FROM record_events WHERE kind = 'setting' AND actor LIKE 'w%'") == 160
    ids = [r[0] for r in store.q("SELECT event_id FROM ledger WHERE kind = 'setting' ORDER BY seq")]
    assert ids == sorted(ids) and entries == store.one("SELECT count(*) FROM ledger")
    store.close()

"""The global ledger: appends from every record kind, the migration of an old database, and the
check finding each kind of tampering in a case in the MIDDLE of a many-case database.

The attacker in these tests has the file: drops the triggers, changes rows, recomputes hashes with the
published formulas and puts the triggers back (except where the triggers themselves are the tampering)."""
from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from datetime import datetime

import pytest

from xinfang.services.demo import generate_demo
from xinfang.services.workspace import Workspace
from xinfang.storage import ledger
from xinfang.storage.db import connect, migrate
from xinfang.storage.verify import SHIPPED_TRIGGERS, trigger_sql

from tests.helpers import Clock, make_workspace, register

NOW = datetime(2026, 11, 22, 10, 30)
CASES = 400
TRIGGERS = tuple(SHIPPED_TRIGGERS)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A file with 400 demo cases plus two registered and acted on through the services."""
    path = tmp_path_factory.mktemp("ledger") / "template.db"
    ws = Workspace.open(path, now=lambda: NOW)
    generate_demo(ws, CASES, seed=3)
    ws.close()
    return path


@pytest.fixture
def db(template, tmp_path):
    path = tmp_path / "x.db"
    shutil.copy(template, path)
    return path


def check(path, anchor=None) -> dict:
    ws = Workspace.open(path, now=lambda: NOW)
    try:
        return ws.check(anchor=anchor)
    finally:
        ws.close()


def anchor_of(path) -> str:
    ws = Workspace.open(path, now=lambda: NOW)
    try:
        return ws.anchor()
    finally:
        ws.close()


class Attacker:
    """Raw SQLite on the file, triggers off while tampering, back on afterwards."""

    def __init__(self, path, restore_triggers=True):
        self.conn = sqlite3.connect(str(path), isolation_level=None)
        self.restore = restore_triggers

    def __enter__(self):
        self.conn.execute("BEGIN")
        for name in TRIGGERS:
            self.conn.execute(f"DROP TRIGGER {name}")
        return self.conn

    def __exit__(self, *exc):
        if self.restore:
            for name in TRIGGERS:
                self.conn.execute(trigger_sql(name))
        self.conn.execute("COMMIT")
        self.conn.close()


def middle_case(path, min_events=4) -> tuple[int, str, str]:
    """(id, uuid, number) of a case in the middle of the range with at least `min_events` events."""
    conn = sqlite3.connect(str(path))
    row = conn.execute("SELECT id, uuid, number FROM cases WHERE id >= ? AND event_count >= ? ORDER BY id LIMIT 1",
                       (CASES // 2, min_events)).fetchone()
    conn.close()
    assert row is not None
    return row


def rechain_case(conn, case_id, case_uuid):
    """Recompute one case's chain from its current rows (what a careful forger does) and fix its row."""
    prev = ledger.GENESIS
    for eid, seq, action, at, rec, actor, payload in conn.execute(
            "SELECT id, seq, action, at, recorded_at, actor, payload FROM events WHERE case_id = ? ORDER BY seq",
            (case_id,)).fetchall():
        h = ledger.event_hash(prev, case_uuid, seq, action, at, rec, actor, payload)
        conn.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, eid))
        prev = h
    n = conn.execute("SELECT count(*) FROM events WHERE case_id = ?", (case_id,)).fetchone()[0]
    conn.execute("UPDATE cases SET event_count = ?, head_hash = ? WHERE id = ?", (n, prev, case_id))


def renumber_case(conn, case_id):
    for i, (eid,) in enumerate(conn.execute("SELECT id FROM events WHERE case_id = ? ORDER BY seq",
                                            (case_id,)).fetchall(), start=1):
        conn.execute("UPDATE events SET seq = -? WHERE id = ?", (i, eid))
    conn.execute("UPDATE events SET seq = -seq WHERE case_id = ?", (case_id,))


def rebuild_ledger_from(conn, seq_from: int):
    """Recompute every ledger hash from entry `seq_from` on (and drop entries whose event is gone)."""
    prev = conn.execute("SELECT hash FROM ledger WHERE seq = ?", (seq_from - 1,)).fetchone()
    prev = prev[0] if prev else ledger.GENESIS
    rows = conn.execute("SELECT kind, event_id FROM ledger WHERE seq >= ? ORDER BY seq", (seq_from,)).fetchall()
    conn.execute("DELETE FROM ledger WHERE seq >= ?", (seq_from,))
    seq = seq_from
    for kind_name, eid in rows:
        table = "events" if kind_name == "case" else "record_events"
        found = conn.execute(f"SELECT hash FROM {table} WHERE id = ?", (eid,)).fetchone()
        if not found:
            continue
        prev = ledger.ledger_hash(prev, seq, kind_name, eid, found[0])
        conn.execute("INSERT INTO ledger(seq, kind, event_id, hash) VALUES (?,?,?,?)", (seq, kind_name, eid, prev))
        seq += 1


def first_ledger_seq_of(conn, case_id) -> int:
    return conn.execute("SELECT min(l.seq) FROM ledger l JOIN events e ON l.kind = 'case' AND e.id = l.event_id "
                        "WHERE e.case_id = ?", (case_id,)).fetchone()[0]


# ---- the untouched database ------------------------------------------------------------------------------
def test_untouched_database_checks_ok_and_anchor_is_the_ledger_head(db):
    report = check(db)
    assert report["ok"], report["problems"]
    conn = sqlite3.connect(str(db))
    events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    others = conn.execute("SELECT count(*) FROM record_events").fetchone()[0]
    seq, h = conn.execute("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
    assert seq == events + others           # every event of every kind is one ledger entry
    assert report["anchor"] == f"{seq}:{h}"
    assert check(db, anchor=report["anchor"])["ok"]


def test_ledger_hash_follows_the_published_formula(db):
    conn = sqlite3.connect(str(db))
    prev = ledger.GENESIS
    for seq, kind_name, eid, h in conn.execute("SELECT seq, kind, event_id, hash FROM ledger ORDER BY seq LIMIT 50"):
        table = "events" if kind_name == "case" else "record_events"
        ev = conn.execute(f"SELECT hash FROM {table} WHERE id = ?", (eid,)).fetchone()[0]
        expected = hashlib.sha256(f"{prev}|{seq}|{kind_name}|{eid}|{ev}".encode()).hexdigest()
        assert h == expected
        prev = h


def test_every_kind_appends_through_the_ledger():
    ws, clock = make_workspace()
    before = ledger.head(ws.store.conn)[0]
    case = register(ws, "clerk1")                       # a user (new) + a case event
    clock.advance(hours=1)
    ws.configure("warn_workdays", "5", "admin")            # a setting event
    seq, _ = ledger.head(ws.store.conn)
    kinds = [k for (k,) in ws.store.q("SELECT kind FROM ledger WHERE seq > ? ORDER BY seq", (before,))]
    assert kinds == ["user", "case", "setting"]
    assert seq == before + 3
    row = ws.store.q("SELECT event_count, head_hash FROM cases WHERE id = ?", (case.row,))[0]
    assert row == (1, case.events[-1].hash)
    assert ws.store.q("SELECT event_count FROM users WHERE login = 'clerk1'")[0][0] == 1
    assert ws.check()["ok"]
    ws.configure("warn_workdays", "5", "admin")            # unchanged value: no event
    assert ledger.head(ws.store.conn)[0] == seq


def test_a_new_kind_gets_chained_and_checked(monkeypatch):
    """What docs/ledger.md tells another module to do: a table with the two columns, one line in KINDS."""
    monkeypatch.setitem(ledger.KINDS, "widget", ledger.Kind("widget", "widgets", "uuid", "测试记录"))
    ws, clock = make_workspace()
    conn = ws.store.conn
    conn.execute("CREATE TABLE widgets (uuid TEXT PRIMARY KEY, name TEXT, event_count INTEGER NOT NULL DEFAULT 0, "
                 "head_hash TEXT NOT NULL DEFAULT '')")
    with ws.store.transaction():
        conn.execute("INSERT INTO widgets(uuid, name) VALUES ('w1', '甲')")
        ledger.append(conn, "widget", "w1", "create", clock.now, clock.now, "clerk", {"name": "甲"})
        ledger.append(conn, "widget", "w1", "rename", clock.now, clock.now, "clerk", {"name": "乙"})
    assert [e.action for e in ledger.record_events(conn, "widget", "w1")] == ["create", "rename"]
    assert ws.check()["ok"]
    conn.execute("DROP TRIGGER record_events_no_delete")
    conn.execute("DELETE FROM record_events WHERE kind = 'widget' AND seq = 2")
    problems = ws.check()["problems"]
    assert any("测试记录 w1" in p for p in problems)
    assert any("record_events_no_delete" in p for p in problems)


def test_migrating_a_version_1_database_chains_its_events(tmp_path):
    path = tmp_path / "old.db"
    conn = connect(path)
    from xinfang.storage.db import _split_sql, transaction, MIGRATIONS_DIR
    with transaction(conn):                                  # build a version-1 file by hand
        for statement in _split_sql((MIGRATIONS_DIR / "0001_initial.sql").read_text(encoding="utf-8")):
            conn.execute(statement)
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', '1')")
        conn.execute("INSERT INTO users(login, name, roles, created_at) VALUES ('a', '甲', '', '2025-01-01T00:00:00')")
        conn.execute("INSERT INTO settings(key, value) VALUES ('office_name', '\"本单位\"')")
        conn.execute("INSERT INTO cases(id, uuid, number, office, year, seq, channel, received_at, registered_at, "
                     "purpose, category, summary, status, updated_at) VALUES (1, 'u1', '2025-信-000001', '0', 2025, 1, "
                     "'来信', '2025-01-01T09:00:00', '2025-01-01T09:00:00', '申诉求决', 'x', 's', 'registered', "
                     "'2025-01-01T09:00:00')")
        prev = ledger.GENESIS
        for seq in (1, 2):
            h = ledger.event_hash(prev, "u1", seq, "a", "t", "t", "a", "{}")
            conn.execute("INSERT INTO events(case_id, seq, action, at, recorded_at, actor, payload, prev_hash, hash) "
                         "VALUES (1, ?, 'a', 't', 't', 'a', '{}', ?, ?)", (seq, prev, h))
            prev = h
    migrate(conn, path)
    assert conn.execute("SELECT event_count FROM cases").fetchone() == (3,)
    # the two old events, the user's and the setting's first events, the case's 建账 event (version 12), then the
    # batch that seals the case's state digest (version 50)
    assert [k for (k,) in conn.execute("SELECT kind FROM ledger ORDER BY seq")] == \
        ["case", "case", "user", "setting", "case", "digest_batch"]
    assert conn.execute("SELECT action FROM events WHERE seq = 3").fetchone() == ("baseline",)
    assert conn.execute("SELECT case_id, seq FROM projection_digests").fetchall() == [(1, 3)]
    conn.close()
    ws = Workspace.open(path, now=lambda: NOW, seed_reference=False)
    problems = ws.check()["problems"]
    ws.close()
    assert problems == ["有 1 件案件不在搜索索引中（如 2025-信-000001），请运行 xinfang reindex 重建"]


# ---- tampering: one test per kind (issue 6 §2, issue 11 §5) ------------------------------------------------
def test_event_payload_edited(db):
    cid, _, number = middle_case(db)
    with Attacker(db) as conn:
        conn.execute("UPDATE events SET payload = '{\"reason\": \"改过\"}' WHERE case_id = ? AND seq = 2", (cid,))
    report = check(db)
    assert not report["ok"] and report["broken_chains"] == [number]


@pytest.mark.parametrize("column, value, label", [("status", "handling", "状态"),
                                                  ("handling_unit", "420102-JW", "承办单位")])
def test_case_row_status_or_unit_changed(db, column, value, label):
    cid, _, number = middle_case(db)
    with Attacker(db) as conn:
        conn.execute(f"UPDATE cases SET {column} = ? WHERE id = ?", (value, cid))
    report = check(db)
    assert report["broken_chains"] == [number]
    assert any(number in p and label in p and "与事件记录不符" in p for p in report["problems"])


@pytest.mark.parametrize("column, value", [("name", "王冒名"), ("id_number", "420102198001010011"),
                                           ("phone", "13900000000")])
def test_petitioner_changed(db, column, value):
    cid, _, number = middle_case(db)
    with Attacker(db) as conn:
        conn.execute(f"UPDATE petitioners SET {column} = ? WHERE case_id = ? AND pos = 0", (value, cid))
    report = check(db)
    assert report["broken_chains"] == [number]
    assert any(number in p and "信访人" in p for p in report["problems"])


def test_clock_due_date_moved(db):
    cid, _, number = middle_case(db)
    with Attacker(db) as conn:
        conn.execute("UPDATE clocks SET due = '2099-01-01' WHERE case_id = ? AND step = 'dispose'", (cid,))
    assert check(db)["broken_chains"] == [number]


def test_services_keep_every_projection_derivable_from_events(tmp_path):
    """Register, act, re-route, holiday import moving running clocks: the replay equals the rows."""
    ws, clock = make_workspace()
    a = register(ws)
    b = register(ws, name="李四", id_number="440524188001010014", phone="13900001111")
    clock.advance(hours=2)
    ws.act(a.id, "accept", "clerk")
    ws.act(b.id, "forward", "clerk", data={"unit": "420102-RSJ"})
    due = next(c.due for c in ws.case(a.id).clocks if c.step.value == "handle")
    while due.weekday() >= 5:                      # a workday that becomes a holiday moves the due date
        due = due.replace(day=due.day - 1)
    n, problems = ws.import_holidays(f"date,kind,name\n{due.isoformat()},休,测试假日\n", "admin")
    assert n == 1, problems
    assert any(e.action == "recompute" for e in ws.case(a.id).events)     # the moved due date has its event
    report = ws.check()
    assert report["ok"], report["problems"]
    ws.store.conn.execute("UPDATE cases SET next_due = '2030-01-01' WHERE id = ?", (a.row,))
    assert ws.check()["broken_chains"] == [a.number]


def test_two_events_swapped(db):
    cid, _, number = middle_case(db)
    with Attacker(db) as conn:
        conn.execute("UPDATE events SET seq = -1 WHERE case_id = ? AND seq = 2", (cid,))
        conn.execute("UPDATE events SET seq = 2 WHERE case_id = ? AND seq = 3", (cid,))
        conn.execute("UPDATE events SET seq = 3 WHERE case_id = ? AND seq = -1", (cid,))
    report = check(db)
    assert not report["ok"] and number in report["broken_chains"]


def test_last_event_of_a_case_deleted(db):
    cid, _, number = middle_case(db)
    with Attacker(db) as conn:
        conn.execute("DELETE FROM events WHERE case_id = ? AND seq = (SELECT max(seq) FROM events WHERE case_id = ?)",
                     (cid, cid))
    report = check(db)
    assert not report["ok"] and report["broken_chains"] == [number]
    assert any("不存在" in p for p in report["problems"])          # the ledger lists the deleted event


def test_all_events_of_a_case_deleted(db):
    cid, _, number = middle_case(db)
    with Attacker(db) as conn:
        conn.execute("DELETE FROM events WHERE case_id = ?", (cid,))
    report = check(db)
    assert not report["ok"] and report["broken_chains"] == [number]
    assert any(f"案件 {number}：没有任何事件" in p for p in report["problems"])


def test_event_altered_and_the_whole_case_chain_recomputed(db):
    cid, uuid, number = middle_case(db)
    with Attacker(db) as conn:
        conn.execute("UPDATE events SET at = '2020-01-01T09:00:00' WHERE case_id = ? AND seq = 2", (cid,))
        rechain_case(conn, cid, uuid)
    report = check(db)
    assert not report["ok"]
    assert any("账本第" in p and "哈希不符" in p for p in report["problems"])


def test_middle_event_deleted_and_the_chain_rebuilt(db):
    cid, uuid, number = middle_case(db)
    with Attacker(db) as conn:
        conn.execute("DELETE FROM events WHERE case_id = ? AND seq = 2", (cid,))
        renumber_case(conn, cid)
        rechain_case(conn, cid, uuid)
    report = check(db)
    assert not report["ok"]
    assert any("不存在" in p for p in report["problems"])


def test_whole_case_deleted(db):
    cid, _, number = middle_case(db)
    with Attacker(db) as conn:
        for table in ("events", "petitioners", "clocks", "repeats", "attachments"):
            conn.execute(f"DELETE FROM {table} WHERE case_id = ?", (cid,))
        conn.execute("DELETE FROM repeats WHERE earlier_id = ?", (cid,))
        conn.execute("DELETE FROM cases WHERE id = ?", (cid,))
    report = check(db)
    assert not report["ok"]
    assert any("不存在（被删除）" in p for p in report["problems"])


def test_last_event_actor_changed_with_hash_recomputed(db):
    cid, uuid, number = middle_case(db)
    with Attacker(db) as conn:
        conn.execute("UPDATE events SET actor = '别人' WHERE case_id = ? AND seq = "
                     "(SELECT max(seq) FROM events WHERE case_id = ?)", (cid, cid))
        rechain_case(conn, cid, uuid)
    report = check(db)
    assert not report["ok"]
    assert any("哈希不符" in p for p in report["problems"])


def test_triggers_dropped(db):
    with Attacker(db, restore_triggers=False):
        pass
    report = check(db)
    assert not report["ok"]
    assert sum("触发器" in p for p in report["problems"]) == len(TRIGGERS)


def test_trigger_replaced_by_a_harmless_one(db):
    conn = sqlite3.connect(str(db))
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute("CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT 1; END")
    conn.commit()
    conn.close()
    assert any("events_no_delete 与程序发布的不一致" in p for p in check(db)["problems"])


def test_events_inserted_behind_the_ledger(db):
    cid, uuid, _ = middle_case(db)
    with Attacker(db) as conn:
        seq, prev = conn.execute("SELECT event_count, head_hash FROM cases WHERE id = ?", (cid,)).fetchone()
        h = ledger.event_hash(prev, uuid, seq + 1, "close", "t", "t", "x", "{}")
        conn.execute("INSERT INTO events(case_id, seq, action, at, recorded_at, actor, payload, prev_hash, hash) "
                     "VALUES (?, ?, 'close', 't', 't', 'x', '{}', ?, ?)", (cid, seq + 1, prev, h))
        conn.execute("UPDATE cases SET event_count = ?, head_hash = ? WHERE id = ?", (seq + 1, h, cid))
    assert any("不在账本中" in p for p in check(db)["problems"])


# ---- what only an anchor shows ---------------------------------------------------------------------------
def test_full_rewrite_from_a_point_on_is_invisible_without_anchor_but_not_with_one(db):
    anchor = anchor_of(db)
    cid, uuid, number = middle_case(db)
    with Attacker(db) as conn:
        conn.execute("UPDATE events SET actor = '别人' WHERE case_id = ? AND seq = 2", (cid,))
        rechain_case(conn, cid, uuid)
        rebuild_ledger_from(conn, first_ledger_seq_of(conn, cid))
    assert check(db)["ok"]                                   # the stated limit: a full recomputation
    report = check(db, anchor=anchor)
    assert not report["ok"]
    assert any("不是锚点记下的内容" in p for p in report["problems"])


def test_newest_events_deleted_with_their_ledger_entries(db):
    anchor = anchor_of(db)
    with Attacker(db) as conn:
        last = conn.execute("SELECT case_id FROM events ORDER BY id DESC LIMIT 1").fetchone()[0]
        conn.execute("DELETE FROM events WHERE id = (SELECT max(id) FROM events)")
        conn.execute("DELETE FROM ledger WHERE seq = (SELECT max(seq) FROM ledger)")
        number = conn.execute("SELECT number FROM cases WHERE id = ?", (last,)).fetchone()[0]
    report = check(db)
    assert report["broken_chains"] == [number]              # the row's count and head still say more
    report = check(db, anchor=anchor)
    assert any("已不在账本中" in p for p in report["problems"])


def test_anchor_check_sees_tampering_after_the_anchor(db, template):
    ws = Workspace.open(db, now=lambda: NOW)
    anchor = ws.anchor()
    case = register(ws, "clerk9")
    ws.close()
    assert check(db, anchor=anchor)["ok"]
    with Attacker(db) as conn:
        conn.execute("UPDATE events SET actor = '别人' WHERE case_id = ?", (case.row,))
    report = check(db, anchor=anchor)
    assert report["broken_chains"] == [case.number]


def test_bad_anchor_text_is_refused_in_chinese(db):
    from xinfang.domain.problems import DomainError
    with pytest.raises(DomainError, match="锚点"):
        check(db, anchor="12:xyz")


def test_worker_processes_find_the_same_as_one_process(db):
    """A full check of many cases replays them in worker processes over ranges of ids: tampering in three
    ranges (a row changed, a petitioner changed, the last event deleted) is found exactly as in-process."""
    conn = sqlite3.connect(str(db))
    ids = [r[0] for r in conn.execute("SELECT id FROM cases WHERE event_count >= 3 ORDER BY id")]
    conn.close()
    first, middle, last = ids[5], ids[len(ids) // 2], ids[-5]
    with Attacker(db) as conn:
        conn.execute("UPDATE cases SET status = 'handling' WHERE id = ? AND status <> 'handling'", (first,))
        conn.execute("UPDATE cases SET handling_unit = '420102-JW' WHERE id = ? AND handling_unit <> '420102-JW'",
                     (first,))
        conn.execute("UPDATE petitioners SET name = '王冒名' WHERE case_id = ? AND pos = 0", (middle,))
        conn.execute("DELETE FROM events WHERE case_id = ? AND seq = (SELECT max(seq) FROM events "
                     "WHERE case_id = ?)", (last, last))
        numbers = [conn.execute("SELECT number FROM cases WHERE id = ?", (i,)).fetchone()[0]
                   for i in (first, middle, last)]
    ws = Workspace.open(db, now=lambda: NOW)
    try:
        alone = ws.check(workers=1)
        spread = ws.check(workers=2)
    finally:
        ws.close()
    assert alone["broken_chains"] == numbers
    assert spread["broken_chains"] == numbers
    assert spread["problems"] == alone["problems"] and not spread["ok"]


def test_a_damaged_file_is_reported_by_the_integrity_check_beside_the_walk(db):
    """SQLite's own check runs on a second connection beside the walk; its finding is the first problem."""
    conn = sqlite3.connect(str(db))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cases_status'").fetchone()[0]
    conn.close()
    with open(db, "r+b") as f:                   # one index page overwritten: the table rows stay readable
        f.seek((root - 1) * page_size)
        f.write(b"\x0a" + b"\xff" * (page_size - 1))
    ws = Workspace.open(db, now=lambda: NOW)
    try:
        report = ws.check()
    finally:
        ws.close()
    assert not report["ok"] and report["integrity"] != "ok"
    assert report["problems"][0].startswith("SQLite 完整性检查未通过")


@pytest.fixture
def accounts_db(tmp_path, monkeypatch):
    """A file with cases, two accounts (one 登记员 later disabled and renamed) and a changed setting."""
    from xinfang.domain import passwords
    monkeypatch.setattr(passwords, "COST", 2 ** 10)
    path = tmp_path / "a.db"
    ws = Workspace.open(path, now=lambda: NOW)
    generate_demo(ws, 50, seed=2)
    ws.users.add("admin", ["管理员"], "Admin-2026-pass")
    ws.users.sign_in("admin", "Admin-2026-pass")
    ws.users.add("li", ["登记员"], "Clerk-2026-pass", display="李登记")
    ws.users.set_display("li", "李四")
    ws.users.set_active("li", False)
    ws.configure("warn_workdays", "5", "admin")
    assert ws.check()["ok"]
    ws.close()
    return path


@pytest.mark.parametrize("sql, words", [
    ("UPDATE users SET roles = '管理员' WHERE login = 'li'", ("用户 li", "角色")),
    ("UPDATE users SET name = '王五' WHERE login = 'li'", ("用户 li", "姓名")),
    ("UPDATE accounts SET active = 1 WHERE login = 'li'", ("用户 li", "启用状态")),
    ("UPDATE accounts SET unit = '420102-ZJJ' WHERE login = 'admin'", ("用户 admin", "所属单位")),
    ("UPDATE settings SET value = '9' WHERE key = 'warn_workdays'", ("设置 warn_workdays", "取值")),
])
def test_user_or_setting_row_changed_behind_the_program(accounts_db, sql, words):
    """Users and settings are records with events too: their rows must equal what their events say (an
    account quietly given the 管理员 role, a disabled clerk enabled again, a setting changed)."""
    with Attacker(accounts_db) as conn:
        assert conn.execute(sql).rowcount == 1
    report = check(accounts_db)
    assert not report["ok"]
    assert any(all(w in p for w in words) and "与事件记录不符" in p for p in report["problems"]), report["problems"]


def test_index_contents_are_matched_with_their_rows_only_by_the_deep_check(db):
    """quick_check (the default) reads every page and record but not whether an index holds its rows; the
    deep check (integrity_check) does. An index declared over another column than its entries were built
    from is sound page by page, and only the deep check finds it."""
    conn = sqlite3.connect(str(db))
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'cases_status'").fetchone()[0]
    assert "(status" in sql
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = replace(sql, '(status', '(channel') WHERE name = 'cases_status'")
    conn.commit()
    conn.close()
    ws = Workspace.open(db, now=lambda: NOW)
    try:
        quick = ws.check()
        deep = ws.check(deep=True)
    finally:
        ws.close()
    assert quick["integrity"] == "ok" and quick["integrity_kind"].startswith("快速检查")
    assert not deep["ok"] and deep["integrity"] != "ok" and deep["integrity_kind"].startswith("深度检查")
    assert deep["problems"][0].startswith("SQLite 完整性检查未通过")

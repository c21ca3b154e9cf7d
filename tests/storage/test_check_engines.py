"""`check` finds every kind of tampering on both engines (issue 12: the same checks on a server as on one PC),
with the same Chinese findings: a case's events and rows, the ledger, the triggers, an anchor, the case workers.
The attacker has the database (tests/storage/check_data.py): on SQLite the file with its triggers dropped, on a
server its superuser with the triggers off for the session; both recompute hashes with the published formulas
where a careful forger would."""
from __future__ import annotations

import pytest

from xinfang.storage import ledger
from xinfang.storage.verify import shipped_triggers

from tests.pg_server import ENGINES, engine_target
from tests.storage.check_data import Database, build, copy_of, middle_case, rebuild_ledger_from, rechain_case


@pytest.fixture(scope="module", params=ENGINES)
def template(request):
    target = engine_target(request) if request.param == "postgresql" else \
        str(request.getfixturevalue("tmp_path_factory").mktemp("check") / "template.db")
    build(target)
    return request.param, target


@pytest.fixture
def db(template, tmp_path, request) -> Database:
    return copy_of(*template, tmp_path, request)


# ---- the untouched database ------------------------------------------------------------------------------
def test_untouched_database_checks_ok_and_the_anchor_is_the_ledger_head(db):
    report = db.check()
    assert report["ok"], report["problems"]
    events = db.q("SELECT count(*) FROM events")[0][0] + db.q("SELECT count(*) FROM record_events")[0][0]
    seq, h = db.q("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1")[0]
    assert seq == events                          # every event of every kind is one ledger entry
    assert report["anchor"] == f"{seq}:{h}" and report["cases"] == 60 and report["missing_from_search"] == 0
    assert db.check(anchor=report["anchor"])["ok"]


def test_the_engine_check_of_the_files(db):
    """SQLite: quick_check beside the walk. A server without amcheck: the result says the server looks after
    its files, and that is no finding."""
    report = db.check()
    if db.server:
        assert report["integrity"].startswith("由服务器负责") and "amcheck" in report["integrity"]
        assert report["integrity_kind"].startswith("由数据库服务器负责")
    else:
        assert report["integrity"] == "ok" and report["integrity_kind"].startswith("快速检查")
    assert report["ok"]


# ---- one case tampered with ------------------------------------------------------------------------------
def test_event_payload_edited(db):
    cid, _, number = middle_case(db)
    with db.tamper() as conn:
        conn.execute("UPDATE events SET payload = '{\"reason\": \"改过\"}' WHERE case_id = ? AND seq = 2", (cid,))
    report = db.check()
    assert not report["ok"] and report["broken_chains"] == [number]
    assert any(f"案件 {number}：第 2 条事件与其哈希不符" in p for p in report["problems"])


@pytest.mark.parametrize("column, value, label", [("status", "closed", "状态"),
                                                  ("handling_unit", "420102-JW", "承办单位"),
                                                  ("summary", "无诉求", "主要诉求")])
def test_case_row_changed(db, column, value, label):
    cid, _, number = middle_case(db)
    with db.tamper() as conn:
        assert conn.execute(f"UPDATE cases SET {column} = ? WHERE id = ?", (value, cid)).rowcount == 1
    report = db.check()
    assert report["broken_chains"] == [number]
    assert any(p.startswith(f"案件 {number}：") and label in p and "与事件记录不符" in p for p in report["problems"])


@pytest.mark.parametrize("column, value", [("name", "王冒名"), ("id_number", "420102198001010011"),
                                           ("phone", "13900000000")])
def test_petitioner_changed(db, column, value):
    cid, _, number = middle_case(db)
    with db.tamper() as conn:
        conn.execute(f"UPDATE petitioners SET {column} = ? WHERE case_id = ? AND pos = 0", (value, cid))
    report = db.check()
    assert report["broken_chains"] == [number]
    assert any(number in p and "信访人" in p for p in report["problems"])


def test_clock_due_date_moved(db):
    cid, _, number = middle_case(db)
    with db.tamper() as conn:
        assert conn.execute("UPDATE clocks SET due = '2099-01-01' WHERE case_id = ?", (cid,)).rowcount >= 1
    report = db.check()
    assert report["broken_chains"] == [number]
    assert any(number in p and "期限" in p for p in report["problems"])


def test_two_events_swapped(db):
    cid, _, number = middle_case(db)
    with db.tamper() as conn:
        conn.execute("UPDATE events SET seq = -1 WHERE case_id = ? AND seq = 2", (cid,))
        conn.execute("UPDATE events SET seq = 2 WHERE case_id = ? AND seq = 3", (cid,))
        conn.execute("UPDATE events SET seq = 3 WHERE case_id = ? AND seq = -1", (cid,))
    report = db.check()
    assert not report["ok"] and number in report["broken_chains"]


def test_last_event_of_a_case_deleted(db):
    cid, _, number = middle_case(db)
    with db.tamper() as conn:
        conn.execute("DELETE FROM events WHERE case_id = ? AND seq = (SELECT max(seq) FROM events WHERE case_id = ?)",
                     (cid, cid))
    report = db.check()
    assert not report["ok"] and report["broken_chains"] == [number]
    assert any("不存在（被删除）" in p for p in report["problems"])        # the ledger lists the deleted event


def test_all_events_of_a_case_deleted(db):
    cid, _, number = middle_case(db)
    with db.tamper() as conn:
        conn.execute("DELETE FROM events WHERE case_id = ?", (cid,))
    report = db.check()
    assert report["broken_chains"] == [number]
    assert any(f"案件 {number}：没有任何事件" in p for p in report["problems"])


def test_event_altered_and_the_whole_case_chain_recomputed(db):
    cid, uuid, _ = middle_case(db)
    with db.tamper() as conn:
        conn.execute("UPDATE events SET at = '2020-01-01T09:00:00' WHERE case_id = ? AND seq = 2", (cid,))
        rechain_case(conn, cid, uuid)
    report = db.check()
    assert any("账本第" in p and "哈希不符" in p for p in report["problems"])


def test_whole_case_deleted(db):
    cid, _, number = middle_case(db)
    with db.tamper() as conn:
        for table in ("events", "petitioners", "clocks", "repeats", "attachments"):
            conn.execute(f"DELETE FROM {table} WHERE case_id = ?", (cid,))
        conn.execute("DELETE FROM cases WHERE id = ?", (cid,))
    report = db.check()
    assert not report["ok"] and any("不存在（被删除）" in p for p in report["problems"])


def test_events_inserted_behind_the_ledger(db):
    cid, uuid, _ = middle_case(db)
    with db.tamper() as conn:
        seq, prev = conn.execute("SELECT event_count, head_hash FROM cases WHERE id = ?", (cid,)).fetchone()
        h = ledger.event_hash(prev, uuid, seq + 1, "close", "t", "t", "x", "{}")
        conn.execute("INSERT INTO events(case_id, seq, action, at, recorded_at, actor, payload, prev_hash, hash) "
                     "VALUES (?, ?, 'close', 't', 't', 'x', '{}', ?, ?)", (cid, seq + 1, prev, h))
        conn.execute("UPDATE cases SET event_count = ?, head_hash = ? WHERE id = ?", (seq + 1, h, cid))
    assert "信访件的事件有 1 条不在账本中（绕过程序写入）" in db.check()["problems"]


def test_a_ledger_entry_deleted_from_the_middle(db):
    with db.tamper() as conn:
        conn.execute("DELETE FROM ledger WHERE seq = 40")
    problems = db.check()["problems"]
    assert "账本第 40 至 40 条缺失（记录被删除）" in problems


# ---- the triggers -----------------------------------------------------------------------------------------
def test_triggers_dropped(db):
    with db.tamper(restore_triggers=False):
        pass
    report = db.check()
    found = [p for p in report["problems"] if "触发器" in p]
    names = shipped_triggers(db.reader())
    assert len(found) == len(names) == (15 if db.server else 10)
    assert all(f"只追加保护触发器 {n} 不存在（被删除）" in found for n in names)


def test_trigger_replaced_by_a_harmless_one(db):
    if db.server:
        db.superuser("CREATE FUNCTION harmless() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$")
        db.superuser("DROP TRIGGER events_no_delete ON events")
        db.superuser("CREATE TRIGGER events_no_delete BEFORE DELETE ON events FOR EACH ROW EXECUTE FUNCTION harmless()")
    else:
        db.superuser("DROP TRIGGER events_no_delete")
        db.superuser("CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT 1; END")
    assert "只追加保护触发器 events_no_delete 与程序发布的不一致（被改动）" in db.check()["problems"]


@pytest.mark.parametrize("template", ["postgresql"], indirect=True)
def test_server_trigger_disabled_or_its_function_replaced(db):
    """Only a server can switch a trigger off without dropping it, or replace the one function they share."""
    db.superuser("ALTER TABLE ledger DISABLE TRIGGER ledger_no_delete")
    assert db.check()["problems"] == ["只追加保护触发器 ledger_no_delete 已被停用（DISABLE TRIGGER）"]
    db.superuser("ALTER TABLE ledger ENABLE TRIGGER ledger_no_delete")
    db.superuser("CREATE OR REPLACE FUNCTION xinfang_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                 "$$ BEGIN RETURN OLD; END $$")
    assert db.check()["problems"] == ["只追加保护触发器的函数 xinfang_append_only 与程序发布的不一致（被改动）"]


# ---- what only an anchor shows ---------------------------------------------------------------------------
def test_full_rewrite_from_a_point_on_is_invisible_without_anchor_but_not_with_one(db):
    anchor = db.anchor()
    cid, uuid, _ = middle_case(db)
    with db.tamper() as conn:
        conn.execute("UPDATE events SET actor = '别人' WHERE case_id = ? AND seq = 2", (cid,))
        rechain_case(conn, cid, uuid)
        first = conn.execute("SELECT min(l.seq) FROM ledger l JOIN events e ON l.kind = 'case' AND e.id = l.event_id "
                             "WHERE e.case_id = ?", (cid,)).fetchone()[0]
        rebuild_ledger_from(conn, first)
    assert db.check()["ok"]                                   # the stated limit: a full recomputation
    report = db.check(anchor=anchor)
    assert not report["ok"] and any("不是锚点记下的内容" in p for p in report["problems"])


def test_newest_events_deleted_with_their_ledger_entries(db):
    _row, number = db.register()
    anchor = db.anchor()
    with db.tamper() as conn:
        assert conn.execute("SELECT kind FROM ledger ORDER BY seq DESC LIMIT 1").fetchone() == ("case",)
        conn.execute("DELETE FROM events WHERE id = (SELECT max(id) FROM events)")
        conn.execute("DELETE FROM ledger WHERE seq = (SELECT max(seq) FROM ledger)")
    report = db.check()
    assert report["broken_chains"] == [number]              # the row's count and head still say more
    report = db.check(anchor=anchor)
    assert any("已不在账本中" in p for p in report["problems"])


def test_an_anchored_check_sees_tampering_after_the_anchor(db):
    anchor = db.anchor()
    row, number = db.register()
    assert db.check(anchor=anchor)["ok"]
    with db.tamper() as conn:
        conn.execute("UPDATE events SET actor = '别人' WHERE case_id = ?", (row,))
    report = db.check(anchor=anchor)
    assert report["broken_chains"] == [number] and report["checked_from"] == int(anchor.split(":")[0])


# ---- the case workers -----------------------------------------------------------------------------------
def test_worker_processes_find_the_same_as_one_process(db):
    """A full check can replay cases in worker processes over ranges of ids, each on its own connection to the
    same snapshot (a server's exported snapshot): tampering in three ranges is found exactly as in-process."""
    ids = [r[0] for r in db.q("SELECT id FROM cases WHERE event_count >= 3 ORDER BY id")]
    first, middle, last = ids[1], ids[len(ids) // 2], ids[-2]
    with db.tamper() as conn:
        conn.execute("UPDATE cases SET status = 'closed' WHERE id = ?", (first,))
        conn.execute("UPDATE petitioners SET name = '王冒名' WHERE case_id = ? AND pos = 0", (middle,))
        conn.execute("DELETE FROM events WHERE case_id = ? AND seq = (SELECT max(seq) FROM events "
                     "WHERE case_id = ?)", (last, last))
    numbers = [db.q("SELECT number FROM cases WHERE id = ?", (i,))[0][0] for i in (first, middle, last)]
    ws = db.workspace()
    try:
        alone = ws.check(workers=1)
        spread = ws.check(workers=2)
    finally:
        ws.close()
    assert alone["broken_chains"] == numbers
    assert spread["broken_chains"] == numbers
    assert spread["problems"] == alone["problems"] and not spread["ok"]

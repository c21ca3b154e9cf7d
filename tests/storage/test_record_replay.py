"""`check` compares the rows of disputes and of the four small 积案 kinds (交办批次, 包案领导, 公开接访日,
不列为积案) with the replay of their events, and each account's password hash with the digest its events name
(issue 6 §2: "the same for every other record that has events").

The attacker has the file: drops the append-only triggers, changes one row of a record in the MIDDLE of a
database with many cases and several records of each kind, puts the triggers back. Every chain and the ledger
still verify, so only the replay can find the change."""
from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime

import pytest

from xinfang.domain import passwords
from xinfang.services.demo import generate_demo
from xinfang.services.workspace import Workspace
from xinfang.storage import db as sqlite_db
from xinfang.storage import ledger
from xinfang.storage.verify import SHIPPED_TRIGGERS, trigger_sql

from tests.mediation.conftest import COMMITTEE_A, dispute_json

NOW = datetime(2026, 11, 22, 10, 30)
MIDDLE = "（2026）樱园人调字第2号"          # the dispute tampered with: the second of three
TARGET = "MIDDLE"


def build(path, tmp_path, verify: bool = True) -> None:
    """Demo cases; three disputes (the middle one accepted, with a 卷宗 document); two batches (one closed),
    two leaders (one post changed), two 公开接访日, two 不列为积案 decisions; two accounts with passwords."""
    cost = passwords.COST
    passwords.COST = 2 ** 10                      # hashing at the real cost is slow and tests nothing here
    try:
        ws = Workspace.open(path, now=lambda: NOW)
        generate_demo(ws, 120, seed=5)
        med = ws.mediation
        med.add_committee(COMMITTEE_A, "420102001001", "admin", prefix="樱园")
        med.add_mediator("王调解", COMMITTEE_A, "admin")
        med.add_mediator("刘调解", COMMITTEE_A, "admin")
        rows = [med.register(dispute_json(received_at=f"2026-11-0{i} 09:00", mediators=["王调解", "刘调解"]),
                             "admin")["row"] for i in (1, 2, 3)]
        med.act(rows[1], "accept", "admin", datetime(2026, 11, 3, 10))
        doc = tmp_path / "申请书.txt"
        doc.write_text("申请调解", encoding="utf-8")
        med.attach(rows[1], "申请书", [str(doc)], "admin")
        bl = ws.backlog
        bl.add_leader("甲", "区委常委", "admin", login="jia")
        bl.add_leader("乙", "副区长", "admin")
        bl.update_leader("乙", "admin", post="区长")
        bl.add_batch("第一批", "市信访联席办", "2026-01-01", "2026-06-30", "admin", target_rate=0.9)
        bl.add_batch("第二批", "区委", "2026-07-01", "2026-12-31", "admin", target_rate="80%")
        bl.close_batch("第一批", "admin")
        bl.add_reception("2026-10-10", "甲", "区信访局接待大厅", "admin", units="区住建局")
        bl.add_reception("2026-10-20", "乙", "街道会议室", "admin")
        cases = [r[0] for r in ws.store.q("SELECT number FROM cases ORDER BY id LIMIT 60")]
        bl.dismiss_candidate(cases[10], "已在诉讼程序中", "admin")
        bl.dismiss_candidate(cases[50], "已息诉罢访", "admin")
        ws.users.add("admin", ["管理员"], "Admin-2026-pass")
        ws.users.sign_in("admin", "Admin-2026-pass")
        ws.users.add("li", ["登记员"], "Clerk-2026-pass", display="李登记")
        ws.users.add("wang", ["调解员"], "Mediator-2026-pass", unit=med.committees()[0]["code"])
        if verify:
            report = ws.check()
            assert report["ok"], report["problems"]
        ws.close()
    finally:
        passwords.COST = cost


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("records")
    path = folder / "template.db"
    build(path, folder)
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


def tamper(path, *statements) -> None:
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("BEGIN")
    for name in SHIPPED_TRIGGERS:
        conn.execute(f"DROP TRIGGER {name}")
    for sql in statements:
        assert conn.execute(sql.replace(TARGET, f"(SELECT id FROM disputes WHERE number = '{MIDDLE}')")).rowcount >= 1, sql
    for name in SHIPPED_TRIGGERS:
        conn.execute(trigger_sql(name))
    conn.execute("COMMIT")
    conn.close()


def other_hash() -> str:
    return passwords.hash_password("Forger-knows-2026", cost=2 ** 10)


DISPUTE = f"人民调解纠纷 {MIDDLE}"
CASES = [
    # disputes: the row, its parties, mediators and 卷宗 documents
    ("UPDATE disputes SET status = 'succeeded' WHERE id = MIDDLE", DISPUTE, "状态"),
    ("UPDATE disputes SET summary = '无纠纷' WHERE id = MIDDLE", DISPUTE, "纠纷简要情况"),
    ("UPDATE disputes SET amount_cents = 1 WHERE id = MIDDLE", DISPUTE, "涉及金额"),
    ("UPDATE disputes SET accepted_on = '2026-10-01' WHERE id = MIDDLE", DISPUTE, "受理日期"),
    ("UPDATE disputes SET next_due = '2027-03-01' WHERE id = MIDDLE", DISPUTE, "下一到期日"),
    ("UPDATE disputes SET registered_by = 'li' WHERE id = MIDDLE", DISPUTE, "登记人"),
    ("UPDATE disputes SET party_names = '王五、李四' WHERE id = MIDDLE", DISPUTE, "当事人姓名"),
    ("UPDATE dispute_parties SET id_number = '110105194912310038' WHERE dispute_id = MIDDLE AND pos = 0",
     DISPUTE, "当事人"),
    ("UPDATE dispute_parties SET phone = '13000000000' WHERE dispute_id = MIDDLE AND pos = 1", DISPUTE, "当事人"),
    ("DELETE FROM dispute_parties WHERE dispute_id = MIDDLE AND pos = 1", DISPUTE, "当事人"),
    ("INSERT INTO dispute_parties(dispute_id, pos, side, name) VALUES (MIDDLE, 7, '第三人', '王五')", DISPUTE, "当事人"),
    ("DELETE FROM dispute_mediators WHERE dispute_id = MIDDLE AND pos = 1", DISPUTE, "调解员"),
    ("UPDATE dispute_documents SET sha256 = 'f00d' WHERE dispute_id = MIDDLE", DISPUTE, "卷宗材料"),
    ("DELETE FROM dispute_documents WHERE dispute_id = MIDDLE", DISPUTE, "卷宗材料"),
    # 交办批次
    ("UPDATE backlog_batches SET target_rate = 0.5 WHERE name = '第二批'", "交办批次 第二批", "目标化解率"),
    ("UPDATE backlog_batches SET issuer = '省信访局' WHERE name = '第二批'", "交办批次 第二批", "交办机关"),
    ("UPDATE backlog_batches SET target_on = '2027-06-30' WHERE name = '第二批'", "交办批次 第二批", "目标日期"),
    ("UPDATE backlog_batches SET closed_on = NULL WHERE name = '第一批'", "交办批次 第一批", "关闭日期"),
    # 包案领导
    ("UPDATE leaders SET post = '区委书记' WHERE name = '乙'", "包案领导 乙", "职务"),
    ("UPDATE leaders SET login = 'yi' WHERE name = '乙'", "包案领导 乙", "登录名"),
    ("UPDATE leaders SET active = 0 WHERE name = '甲'", "包案领导 甲", "启用状态"),
    # 公开接访日
    ("UPDATE receptions SET day = '2026-10-11' WHERE place = '区信访局接待大厅'", "公开接访日 2026-10-11", "接访日期"),
    ("UPDATE receptions SET leader = '乙' WHERE place = '区信访局接待大厅'", "公开接访日 2026-10-10", "接访领导"),
    ("UPDATE receptions SET place = '别处' WHERE day = '2026-10-20'", "公开接访日 2026-10-20", "接访地点"),
    # 不列为积案
    ("UPDATE backlog_dismissals SET reason = '无' WHERE reason = '已息诉罢访'", "不列为积案记录", "理由"),
    ("UPDATE backlog_dismissals SET dismissed_by = 'li' WHERE reason = '已息诉罢访'", "不列为积案记录", "决定人"),
    ("UPDATE backlog_dismissals SET case_id = case_id + 1 WHERE reason = '已息诉罢访'", "不列为积案记录", "信访件"),
]


@pytest.mark.parametrize("sql, record, field", CASES, ids=[f"{c[1]}-{c[2]}" for c in CASES])
def test_a_field_changed_in_a_row_alone_is_found(db, sql, record, field):
    tamper(db, sql)
    report = check(db)
    assert not report["ok"]
    found = [p for p in report["problems"] if "与事件记录不符" in p]
    # exactly the tampered record, naming the field; every chain and the ledger still verify
    assert len(found) == 1 and found[0].startswith(record) and field in found[0].split("：", 1)[1], report["problems"]
    assert report["problems"] == found


@pytest.mark.parametrize("new_hash", [other_hash, lambda: ""], ids=["forger's own hash", "cleared"])
def test_a_password_hash_replaced_in_the_file_is_found(db, new_hash):
    """A forger who replaces li's hash with one of a password he knows can log in as li: check says so."""
    tamper(db, f"UPDATE accounts SET password_hash = '{new_hash()}' WHERE login = 'li'")
    report = check(db)
    assert not report["ok"]
    assert report["problems"] == ["用户 li：密码与事件记录不符（密码哈希被绕过程序替换）"]


def test_a_password_changed_through_the_program_stays_consistent(db, monkeypatch):
    monkeypatch.setattr(passwords, "COST", 2 ** 10)
    ws = Workspace.open(db, now=lambda: NOW)
    try:
        ws.users.sign_in("admin", "Admin-2026-pass")
        ws.users.reset_password("li", "Clerk-2027-pass")
        assert ws.check()["ok"]
    finally:
        ws.close()


def test_an_anchored_check_compares_what_it_must(db, monkeypatch):
    """After an anchor: a dispute acted on since is compared; the small kinds and the passwords always are."""
    monkeypatch.setattr(passwords, "COST", 2 ** 10)
    ws = Workspace.open(db, now=lambda: NOW)
    try:
        ws.users.sign_in("wang", "Mediator-2026-pass")
        anchor = ws.anchor()
        ws.mediation.act(MIDDLE, "session", "wang", datetime(2026, 11, 5, 10),
                         {"place": "调解室", "participants": ["张三"], "record": "陈述"})
    finally:
        ws.close()
    assert check(db, anchor)["ok"]
    tamper(db, "UPDATE disputes SET sessions = 5 WHERE id = MIDDLE",
           "UPDATE leaders SET post = '区委书记' WHERE name = '乙'",
           f"UPDATE accounts SET password_hash = '{other_hash()}' WHERE login = 'li'")
    problems = check(db, anchor)["problems"]
    assert any(p.startswith(DISPUTE) and "调解次数" in p for p in problems), problems
    assert any(p.startswith("包案领导 乙") for p in problems) and any(p.startswith("用户 li：密码") for p in problems)


def test_the_timeline_does_not_show_changes(db, monkeypatch):
    monkeypatch.setattr(passwords, "COST", 2 ** 10)
    ws = Workspace.open(db, now=lambda: NOW)
    try:
        ws.users.sign_in("wang", "Mediator-2026-pass")
        shown = ws.mediation.show(MIDDLE)
        assert [e["action"] for e in shown["events"]] == ["register", "accept", "attach"]
        assert all("changes" not in e["payload"] for e in shown["events"])
        # but the stored events carry them: the register event states the whole dispute, parties included
        payload = json.loads(ws.store.one("SELECT payload FROM record_events WHERE kind = 'dispute' AND record = ? "
                                          "AND seq = 1", (shown["id"],)))
        assert payload["changes"]["number"] == MIDDLE and len(payload["changes"]["parties"]) == 2
    finally:
        ws.close()


def test_upgrade_gives_older_records_a_baseline_and_then_finds_a_change(tmp_path, monkeypatch):
    """A file written before migration 52 (events without `changes`, user events without a password digest)
    is upgraded: each such record gets a 建账 event stating its rows, each account one naming its password;
    check is then clean, and a later change in a row or a replaced hash is found."""
    plain = ledger.append

    def old_append(conn, kind_name, record, action, at, recorded_at, actor, payload):
        if kind_name != "case":
            payload = {k: v for k, v in payload.items() if k not in ("changes", "password")}
        return plain(conn, kind_name, record, action, at, recorded_at, actor, payload)

    path = tmp_path / "old.db"
    monkeypatch.setattr(ledger, "append", old_append)
    build(path, tmp_path, verify=False)
    monkeypatch.setattr(ledger, "append", plain)
    conn = sqlite_db.connect(path)
    applied = sorted(v for v in sqlite_db.applied_migrations(conn) if v != 52)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'migrations'", (json.dumps(applied),))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(max(applied)),))
    before = conn.execute("SELECT count(*) FROM record_events WHERE action = 'baseline'").fetchone()[0]
    conn.close()

    report = check(path)                        # opening migrates
    assert report["ok"], report["problems"]
    conn = sqlite3.connect(str(path))
    made = dict(conn.execute("SELECT kind, count(*) FROM record_events WHERE action = 'baseline' GROUP BY kind"))
    conn.close()
    assert before == 0
    # 3 disputes, 2 batches, 2 leaders, 2 receptions, 2 dismissals, 3 accounts
    assert made == {"dispute": 3, "backlog_batch": 2, "leader": 2, "reception": 2, "backlog_dismissal": 2, "user": 3}
    tamper(path, "UPDATE receptions SET units = '区人社局' WHERE day = '2026-10-10'",
           f"UPDATE accounts SET password_hash = '{other_hash()}' WHERE login = 'admin'")
    problems = check(path)["problems"]
    assert problems == ["公开接访日 2026-10-10：参加单位与事件记录不符（被绕过程序直接改动）",
                        "用户 admin：密码与事件记录不符（密码哈希被绕过程序替换）"], problems

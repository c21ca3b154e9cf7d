"""State digests (storage/digests.py, storage/verify_fast.py): the full check hashes each case's rows once
instead of replaying its events, and nothing it used to find gets through.

"Replay forbidden" below means projection.replay raises: the check then passes only if every case was vouched
for by a digest (the fast path), which is what makes it fast at 1,000,000 cases."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import datetime

import pytest

from xinfang.services.demo import generate_demo
from xinfang.services.workspace import Workspace
from xinfang.storage import digests, projection

from tests.helpers import make_workspace, register
from tests.storage.test_ledger import Attacker, middle_case

NOW = datetime(2026, 11, 22, 10, 30)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("digests") / "template.db"
    ws = Workspace.open(path, now=lambda: NOW)
    generate_demo(ws, 400, seed=5)
    ws.close()
    return path


@pytest.fixture
def db(template, tmp_path):
    path = tmp_path / "x.db"
    shutil.copy(template, path)
    return path


def forbid_replay(monkeypatch):
    def refuse(_payloads):
        raise AssertionError("a case was replayed")
    monkeypatch.setattr(projection, "replay", refuse)


@pytest.fixture
def no_replay(monkeypatch):
    forbid_replay(monkeypatch)


def check(path) -> dict:
    ws = Workspace.open(path, now=lambda: NOW)
    try:
        return ws.check()
    finally:
        ws.close()


def test_a_demo_load_seals_every_case_and_the_check_replays_none(db, no_replay):
    conn = sqlite3.connect(str(db))
    assert conn.execute("SELECT count(*) FROM projection_digests").fetchone() == (400,)
    # one batch, its event stating the count and the hash over its rows "case_id|seq|digest\n" in id order
    (batch,) = conn.execute("SELECT DISTINCT batch FROM projection_digests").fetchone()
    root = hashlib.sha256()
    for cid, seq, d in conn.execute("SELECT case_id, seq, digest FROM projection_digests ORDER BY case_id"):
        root.update(f"{cid}|{seq}|{d}\n".encode())
    payload = conn.execute("SELECT payload FROM record_events WHERE kind = 'digest_batch' AND record = ?",
                           (batch,)).fetchone()[0]
    conn.close()
    assert f'"root": "{root.hexdigest()}"' in payload and '"cases": 400' in payload
    report = check(db)
    assert report["ok"], report["problems"]


def test_actions_carry_the_digest_of_the_state_after_them(monkeypatch):
    """Text that JSON must escape (quotes, backslash, line breaks, tab, an emoji, U+2028) is hashed by the fast
    path exactly as the event hash is defined (json.dumps), or the check would have to replay."""
    ws, clock = make_workspace()
    a = register(ws, summary='拖欠"工资"\\二期', content="第一行\n第二行\t😀\u2028完")
    b = register(ws, name="李四", id_number="440524188001010014", phone="13900001111")
    clock.advance(hours=2)
    ws.act(a.id, "accept", "clerk")
    ws.act(b.id, "forward", "clerk", data={"unit": "420102-RSJ"})
    payloads = [e.payload for e in ws.case(a.id).events]
    assert all(len(p["state_digest"]) == 64 for p in payloads)
    assert payloads[0]["state_digest"] != payloads[1]["state_digest"]          # the state changed
    assert payloads[1]["state_digest"] == digests.row_digest(ws.store.conn, a.row)
    forbid_replay(monkeypatch)
    report = ws.check()
    assert report["ok"], report["problems"]


def test_a_row_changed_is_still_named_field_by_field(db):
    cid, _, number = middle_case(db)
    with Attacker(db) as conn:
        conn.execute("UPDATE cases SET outcome = '全部支持' WHERE id = ?", (cid,))
    report = check(db)
    assert report["broken_chains"] == [number]
    assert any(number in p and "答复意见与事件记录不符" in p for p in report["problems"])


def test_a_sealed_digest_forged_to_match_changed_rows_is_found(db):
    """The forger changes a case's status and adds a sealed digest of the changed rows to the batch (inserting
    is not blocked by the triggers): the batch no longer matches its event, so every case is replayed and the
    changed case is named."""
    cid, _, number = middle_case(db)
    with Attacker(db) as conn:
        conn.execute("UPDATE cases SET status = 'handling' WHERE id = ?", (cid,))
        seq, batch = conn.execute("SELECT seq, batch FROM projection_digests WHERE case_id = ?", (cid,)).fetchone()
        conn.execute("DELETE FROM projection_digests WHERE case_id = ?", (cid,))
        conn.execute("INSERT INTO projection_digests(case_id, seq, batch, digest) VALUES (?, ?, ?, ?)",
                     (cid, seq, batch, digests.row_digest(conn, cid)))
    report = check(db)
    assert report["broken_chains"] == [number]
    assert any("投影摘要批次" in p and "不符" in p for p in report["problems"])
    assert any(number in p and "状态与事件记录不符" in p for p in report["problems"])


def test_sealed_digests_added_outside_any_batch_are_found(db):
    with Attacker(db) as conn:
        conn.execute("INSERT INTO projection_digests(case_id, seq, batch, digest) VALUES (1, 99, 'x', ?)", ("0" * 64,))
    report = check(db)
    assert not report["ok"]
    assert any("不属于任何摘要批次" in p for p in report["problems"])


def test_sealing_never_vouches_for_rows_that_differ_from_the_events(db):
    """What the upgrade to version 50 does (digests.seal): a case whose rows were already changed behind the
    program's back before it stays unsealed, so the check still replays it and names it."""
    cid, _, number = middle_case(db)
    with Attacker(db) as conn:
        conn.execute("UPDATE petitioners SET name = '王冒名' WHERE case_id = ? AND pos = 0", (cid,))
    conn = sqlite3.connect(str(db), isolation_level=None)
    assert digests.seal(conn, NOW) == 0                 # every other case already has its digest
    conn.close()
    report = check(db)
    assert report["broken_chains"] == [number]
    assert any(number in p and "信访人" in p for p in report["problems"])


def test_sealing_an_unsealed_case_lets_the_check_skip_its_replay(tmp_path, monkeypatch):
    ws = Workspace.open(tmp_path / "a.db", now=lambda: NOW)
    generate_demo(ws, 30, seed=2)
    ws.close()
    # cases from before version 50 (no digest in their events, none sealed): the same file without the batch
    conn = sqlite3.connect(str(tmp_path / "a.db"), isolation_level=None)
    with Attacker(tmp_path / "a.db") as att:
        att.execute("DELETE FROM projection_digests")
    with Attacker(tmp_path / "a.db", restore_triggers=True) as att:
        # drop the batch with its ledger entry: the file as an older version left it
        (batch,) = att.execute("SELECT uuid FROM digest_batches").fetchone()
        eid, seq = att.execute("SELECT e.id, l.seq FROM record_events e JOIN ledger l ON l.kind = 'digest_batch' "
                               "AND l.event_id = e.id WHERE e.record = ?", (batch,)).fetchone()
        assert seq == att.execute("SELECT max(seq) FROM ledger").fetchone()[0]
        att.execute("DELETE FROM ledger WHERE seq = ?", (seq,))
        att.execute("DELETE FROM record_events WHERE id = ?", (eid,))
        att.execute("DELETE FROM digest_batches")
    assert check(tmp_path / "a.db")["ok"]             # replayed, and right
    assert digests.seal(conn, NOW) == 30
    conn.close()
    forbid_replay(monkeypatch)
    report = check(tmp_path / "a.db")
    assert report["ok"], report["problems"]

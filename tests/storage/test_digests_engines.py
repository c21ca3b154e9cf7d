"""State digests on a server (issue 12): SQLite builds a case's digest text with its JSON functions; a server's
write other text, so there Python builds the same text from the rows. Equal texts mean a database moved from
SQLite keeps its digests (carried in events, sealed in projection_digests) and a server's check hashes each
case's rows instead of replaying its events, finding tampering all the same."""
from __future__ import annotations

import sqlite3

import pytest

from xinfang.storage import digests, projection

from tests.pg_server import engine_target
from tests.storage.check_data import NOW, Database, build, copy_of


def test_a_real_in_sqlites_json_text():
    """SQLite writes a real with 15 significant digits and always a decimal point (hand-written expectations)."""
    cases = {0.85: "0.85", 1.0: "1.0", 0.1 + 0.2: "0.3", 1e-05: "1.0e-05", 1e20: "1.0e+20", 100.0: "100.0",
             1 / 3: "0.333333333333333", 2.5e-07: "2.5e-07", -2.0: "-2.0", 123456789012345678.0: "1.23456789012346e+17"}
    conn = sqlite3.connect(":memory:")
    for value, text in cases.items():
        assert digests._json_value(value) == text
        assert conn.execute("SELECT json_array(?)", (value,)).fetchone()[0] == f"[{text}]"
    assert digests._array(['a"\\\x01\x7f中\n', None, -3, 7]) == \
        conn.execute("SELECT json_array(?, ?, ?, ?)", ('a"\\\x01\x7f中\n', None, -3, 7)).fetchone()[0]


def test_the_text_built_in_python_is_the_one_sqlite_builds(tmp_path):
    path = str(tmp_path / "d.db")
    build(path)
    conn = sqlite3.connect(path)
    with_repeats = conn.execute("SELECT count(DISTINCT case_id) FROM repeats").fetchone()[0]
    assert with_repeats > 0 and conn.execute("SELECT count(*) FROM clocks").fetchone()[0] > 0
    by_sqlite = list(digests.row_digests(conn))
    by_python = list(digests._built_here(conn, None, None))
    assert len(by_sqlite) == 60 and by_python == by_sqlite
    conn.close()


@pytest.fixture(params=["postgresql"])
def server_db(request, tmp_path):
    target = engine_target(request)
    build(target)
    return copy_of("postgresql", target, tmp_path, request)


def test_on_a_server_the_digests_spare_the_replay_and_still_find_tampering(server_db, monkeypatch):
    """Events written on a server carry their case's digest (one query per event), the same one the check
    computes over a whole range of cases: no case is replayed until one is changed behind the program's back."""
    db: Database = server_db
    ws = db.workspace()
    try:
        conn = ws.store.conn
        ranged = list(digests.row_digests(conn))
        assert len(ranged) == 60 and ranged == [(cid, digests.row_digest(conn, cid)) for cid, _ in ranged]
        carried = [digests.in_payload(p) for (p,) in conn.execute(
            "SELECT payload FROM events e WHERE seq = (SELECT max(seq) FROM events WHERE case_id = e.case_id) "
            "ORDER BY case_id")]
        assert carried == [d for _cid, d in ranged]
        with ws.store.transaction():
            assert digests.seal(conn, NOW) == 0                    # nothing left to seal
    finally:
        ws.close()
    replays = []
    plain = projection.replay
    monkeypatch.setattr(projection, "replay", lambda payloads: replays.append(1) or plain(payloads))
    report = db.check()
    assert report["ok"], report["problems"]
    assert replays == []                                           # every case confirmed by its digest
    number = db.q("SELECT number FROM cases ORDER BY id LIMIT 1 OFFSET 30")[0][0]
    with db.tamper() as conn:
        conn.execute("UPDATE cases SET status = 'closed' WHERE number = ?", (number,))
    report = db.check()
    assert report["broken_chains"] == [number] and len(replays) == 1
    assert any(p.startswith(f"案件 {number}：状态与事件记录不符") for p in report["problems"])

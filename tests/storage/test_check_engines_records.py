"""`check` on both engines, the other records (issue 12): disputes, the small 积案 kinds, users and settings
against the replay of their events; password hashes; the sealed state digests; the search indexes; and the
engine's own check of its files (SQLite's quick_check, a server's amcheck or "由服务器负责")."""
from __future__ import annotations

import pytest

from xinfang.domain import passwords

from tests.pg_server import ENGINES, engine_target
from tests.storage.check_data import MIDDLE_DISPUTE, Database, build, copy_of

MIDDLE = f"(SELECT id FROM disputes WHERE number = '{MIDDLE_DISPUTE}')"
DISPUTE = f"人民调解纠纷 {MIDDLE_DISPUTE}"


@pytest.fixture(scope="module", params=ENGINES)
def template(request):
    target = engine_target(request) if request.param == "postgresql" else \
        str(request.getfixturevalue("tmp_path_factory").mktemp("records") / "template.db")
    build(target)
    return request.param, target


@pytest.fixture
def db(template, tmp_path, request) -> Database:
    return copy_of(*template, tmp_path, request)


CHANGES = [
    (f"UPDATE disputes SET status = 'succeeded' WHERE id = {MIDDLE}", DISPUTE, "状态"),
    (f"UPDATE disputes SET amount_cents = 1 WHERE id = {MIDDLE}", DISPUTE, "涉及金额"),
    (f"UPDATE disputes SET accepted_on = '2026-10-01' WHERE id = {MIDDLE}", DISPUTE, "受理日期"),
    (f"UPDATE dispute_parties SET phone = '13000000000' WHERE dispute_id = {MIDDLE} AND pos = 1", DISPUTE, "当事人"),
    (f"DELETE FROM dispute_mediators WHERE dispute_id = {MIDDLE} AND pos = 1", DISPUTE, "调解员"),
    ("UPDATE backlog_batches SET target_rate = 0.5 WHERE name = '第二批'", "交办批次 第二批", "目标化解率"),
    ("UPDATE backlog_batches SET closed_on = NULL WHERE name = '第一批'", "交办批次 第一批", "关闭日期"),
    ("UPDATE leaders SET post = '区委书记' WHERE name = '乙'", "包案领导 乙", "职务"),
    ("UPDATE leaders SET active = 0 WHERE name = '甲'", "包案领导 甲", "启用状态"),
    ("UPDATE receptions SET place = '别处' WHERE day = '2026-10-10'", "公开接访日 2026-10-10", "接访地点"),
    ("UPDATE users SET roles = '管理员' WHERE login = 'li'", "用户 li", "角色"),
    ("UPDATE users SET name = '王五' WHERE login = 'li'", "用户 li", "姓名"),
    ("UPDATE accounts SET active = 1 WHERE login = 'li'", "用户 li", "启用状态"),
    ("UPDATE settings SET value = '9' WHERE key = 'warn_workdays'", "设置 warn_workdays", "取值"),
]


@pytest.mark.parametrize("sql, record, field", CHANGES, ids=[f"{c[1]}-{c[2]}" for c in CHANGES])
def test_a_field_changed_in_a_row_alone_is_found(db, sql, record, field):
    with db.tamper() as conn:
        assert conn.execute(sql).rowcount == 1
    report = db.check()
    # exactly the tampered record, naming the field: every chain and the ledger still verify
    assert len(report["problems"]) == 1, report["problems"]
    found = report["problems"][0]
    assert found.startswith(record) and field in found.split("：", 1)[1] and found.endswith("与事件记录不符（被绕过程序直接改动）")


@pytest.mark.parametrize("new_hash", [lambda: passwords.hash_password("Forger-knows-2026", cost=2 ** 10), lambda: ""],
                         ids=["forger's own hash", "cleared"])
def test_a_password_hash_replaced_is_found(db, new_hash):
    with db.tamper() as conn:
        conn.execute("UPDATE accounts SET password_hash = ? WHERE login = 'li'", (new_hash(),))
    assert db.check()["problems"] == ["用户 li：密码与事件记录不符（密码哈希被绕过程序替换）"]


def test_a_dispute_event_edited(db):
    with db.tamper() as conn:
        assert conn.execute(f"UPDATE record_events SET actor = '别人' WHERE kind = 'dispute' AND record = "
                            f"(SELECT uuid FROM disputes WHERE number = '{MIDDLE_DISPUTE}') AND seq = 1").rowcount == 1
    problems = db.check()["problems"]
    uuid = db.q(f"SELECT uuid FROM disputes WHERE number = '{MIDDLE_DISPUTE}'")[0][0]
    assert f"人民调解纠纷 {uuid}：第 1 条事件与其哈希不符（被改动或调换）" in problems


def test_a_sealed_digest_added_behind_the_program(db):
    """A forged digest row (vouching for rows changed with it) belongs to no batch: the check says so and then
    trusts no digest, replaying every case."""
    cid, number = db.q("SELECT id, number FROM cases ORDER BY id LIMIT 1 OFFSET 30")[0]
    with db.tamper() as conn:
        conn.execute("UPDATE cases SET status = 'closed' WHERE id = ?", (cid,))
        conn.execute("INSERT INTO projection_digests(case_id, seq, batch, digest) VALUES (?, 1, 'forged', ?)",
                     (cid, "0" * 64))
    report = db.check()
    assert "投影摘要表中有 1 条不属于任何摘要批次的记录（forged，被绕过程序写入）" in report["problems"]
    assert report["broken_chains"] == [number]


def test_cases_missing_from_the_search_index(db):
    ids = [r[0] for r in db.q("SELECT id FROM cases ORDER BY id LIMIT 2 OFFSET 10")]
    numbers = [db.q("SELECT number FROM cases WHERE id = ?", (i,))[0][0] for i in ids]
    with db.tamper() as conn:
        for cid in ids:
            if db.server:
                conn.execute("DELETE FROM case_search WHERE case_id = ?", (cid,))
            else:                              # a contentless FTS5 table deletes by its rows' tokens
                conn.execute("DELETE FROM case_search_docsize WHERE id = ?", (cid,))
    report = db.check()
    assert report["missing_from_search"] == 2
    assert report["problems"] == [f"有 2 件案件不在搜索索引中（如 {'、'.join(numbers)}），请运行 xinfang reindex 重建"]
    ws = db.workspace()
    try:
        ws.integrity.reindex()
        assert ws.check()["ok"]
    finally:
        ws.close()


def test_a_dispute_missing_from_the_search_index(db):
    with db.tamper() as conn:
        if db.server:
            conn.execute(f"DELETE FROM dispute_search WHERE dispute_id = {MIDDLE}")
        else:
            conn.execute(f"DELETE FROM dispute_search_docsize WHERE id = {MIDDLE}")
    assert db.check()["problems"] == ["有 1 件矛盾纠纷不在搜索索引中，请运行 xinfang reindex 重建"]


# ---- the server's own check of its files -------------------------------------------------------------------
@pytest.mark.parametrize("template", ["postgresql"], indirect=True)
@pytest.mark.parametrize("deep", [False, True], ids=["quick", "deep"])
def test_amcheck_when_the_administrator_installed_it(db, deep):
    db.superuser("CREATE EXTENSION amcheck")
    report = db.check(deep=deep)
    assert report["ok"] and report["integrity"] == "ok"
    assert report["integrity_kind"].startswith("服务器 amcheck " + ("深度检查" if deep else "快速检查"))


@pytest.mark.parametrize("template", ["postgresql"], indirect=True)
def test_amcheck_without_the_right_to_run_it(db, template, request):
    """amcheck's functions are the superuser's unless granted: an ordinary account's check says the server
    looks after its files (not a finding), and every other part still runs."""
    from tests.pg_server import server_url
    db.superuser("CREATE EXTENSION amcheck")
    name = db.target.split("postgresql:///", 1)[1].split("?", 1)[0]
    role = "clerk_" + name[-8:]
    db.superuser(f"CREATE ROLE {role} LOGIN")
    request.addfinalizer(lambda: _drop_role(request, db, role))
    db.superuser(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
    db.superuser(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
    server = request.getfixturevalue("pg_server")
    plain = Database("postgresql", server_url(server.dsn(name).replace("user=xinfang", f"user={role}")))
    report = plain.check()
    assert report["ok"], report["problems"]
    assert report["integrity"].startswith("由服务器负责（amcheck 已安装，但本账号无权执行")


def _drop_role(request, db, role):
    import psycopg
    db.superuser(f"DROP OWNED BY {role}")
    server = request.getfixturevalue("pg_server")
    with psycopg.connect(server.conninfo, autocommit=True) as conn:
        conn.execute(f"DROP ROLE IF EXISTS {role}")

"""schema.postgres.sql is canonical on PostgreSQL: the PG migrations end there, and it holds the same
tables, columns, keys and index names as SQLite's schema.sql (issue 12 §1), on a real server."""
from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from xinfang.domain.problems import DomainError
from xinfang.storage import db as sqlite_db
from xinfang.storage.pg import db as pg_db

ROOT = Path(__file__).resolve().parents[2]
PG_SCHEMA = ROOT / "schema.postgres.sql"

# SQLite's FTS5 tables (and their shadow tables) and PG's case_search/dispute_search tables are each engine's
# own search index (docs/postgres.md §5); search results are compared, not their storage.
SEARCH_TABLES = re.compile(r"^(case|dispute)_search(_\w+)?$")


def pg_catalogue(conn: psycopg.Connection) -> dict[str, list]:
    """Everything that makes up the schema, as comparable rows."""
    q = {
        "columns": """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid), a.attidentity,
                   row_number() OVER (PARTITION BY c.relname ORDER BY a.attnum)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
              AND a.attnum > 0 AND NOT a.attisdropped""",
        "constraints": """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                          WHERE connamespace = current_schema()::regnamespace""",
        "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()",
        "triggers": "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
        "functions": """SELECT proname, prosrc FROM pg_proc p WHERE pronamespace = current_schema()::regnamespace
                        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')""",
        "extensions": "SELECT extname FROM pg_extension",
    }
    return {k: sorted(conn.execute(sql).fetchall()) for k, sql in q.items()}


def test_migrations_produce_schema_postgres_sql(pg_server):
    migrated_name, canonical_name = pg_server.create_database(), pg_server.create_database()
    try:
        migrated = pg_db.connect(pg_server.dsn(migrated_name))
        assert pg_db.migrate(migrated) == pg_db.LATEST_VERSION
        canonical = pg_db.connect(pg_server.dsn(canonical_name))
        canonical.execute(PG_SCHEMA.read_text(encoding="utf-8"))
        got, want = pg_catalogue(migrated), pg_catalogue(canonical)
        # meta is the same table on both; only its rows differ
        for part in want:
            assert got[part] == want[part], part
        assert pg_db.applied_migrations(migrated) == {v for v, _ in pg_db.migrations()}
        migrated.close()
        canonical.close()
    finally:
        pg_server.drop_database(migrated_name)
        pg_server.drop_database(canonical_name)


# ---- the two engines agree -------------------------------------------------------------------------

def test_every_sqlite_migration_has_its_postgresql_counterpart():
    """One number, one change on both engines: each SQLite migration after 0028 (the first PG file holds
    everything up to it) has a PG file of the same number, and PG has no migration SQLite lacks. A SQLite
    migration landed without its PG file fails here, so the server schema never falls behind."""
    lite = [v for v, _ in sqlite_db.migrations()]
    pg = [v for v, _ in pg_db.migrations()]
    assert pg[0] == 28
    missing = [v for v in lite if v > pg[0] and v not in pg]
    assert not missing, f"SQLite migrations without a PostgreSQL counterpart in storage/pg/migrations: {missing}"
    assert set(pg) <= set(lite)
    assert pg_db.LATEST_VERSION == sqlite_db.LATEST_VERSION


def sqlite_migrated() -> sqlite3.Connection:
    """A SQLite database with every SQLite migration applied (the canonical schema's tables and more)."""
    conn = sqlite3.connect(":memory:")
    for _, script in sqlite_db.migrations():
        for statement in sqlite_db._split_sql(script.read_text(encoding="utf-8")):
            conn.execute(statement)
    return conn


_TYPES = {"INTEGER": "bigint", "TEXT": "text", "REAL": "double precision", "BLOB": "bytea"}


def _default(value: str | None) -> str | None:
    # PG writes the literal with its cast ('本级'::text); SQLite keeps the literal as written
    return None if value is None else re.sub(r"::(text|bigint|integer|double precision)$", "", value)


def sqlite_shape(conn: sqlite3.Connection) -> dict:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'sqlite_%' ORDER BY name")
              if not SEARCH_TABLES.match(r[0])]
    shape = {"tables": tables, "columns": {}, "keys": {}, "unique": {}, "foreign": {}}
    for t in tables:
        info = conn.execute(f"PRAGMA table_info({t})").fetchall()
        pk = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
        shape["columns"][t] = [(name, _TYPES[typ.upper()], bool(notnull) or name in pk, _default(dflt))
                               for _, name, typ, notnull, dflt, _ in info]
        shape["keys"][t] = pk
        shape["unique"][t] = sorted(
            tuple(r[2] for r in conn.execute(f"PRAGMA index_info({ix[1]})"))
            for ix in conn.execute(f"PRAGMA index_list({t})") if ix[3] == "u")
        shape["foreign"][t] = sorted((r[3], r[2], r[4]) for r in conn.execute(f"PRAGMA foreign_key_list({t})"))
    shape["indexes"] = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                                         "AND sql IS NOT NULL") if not SEARCH_TABLES.match(r[0]))
    shape["triggers"] = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    return shape


def pg_shape(conn: psycopg.Connection) -> dict:
    tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                         "ORDER BY tablename") if not SEARCH_TABLES.match(r[0])]
    shape = {"tables": tables, "columns": {}, "keys": {}, "unique": {}, "foreign": {}}

    def constraint_columns(table: str, kind: str) -> list[tuple]:
        return [tuple(r[0]) for r in conn.execute(
            "SELECT array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i) "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) "
            "FROM pg_constraint c WHERE c.conrelid = %s::regclass AND c.contype = %s", (table, kind))]

    for t in tables:
        shape["columns"][t] = [(r[0], r[1], r[2], _default(r[3])) for r in conn.execute(
            "SELECT column_name, data_type, is_nullable = 'NO', column_default FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position", (t,))]
        shape["keys"][t] = list((constraint_columns(t, "p") or [()])[0])
        # a UNIQUE constraint, or a unique index that is not the primary key (SQLite lists both as 'u')
        unique = set(constraint_columns(t, "u"))
        unique |= {tuple(r[0]) for r in conn.execute(
            "SELECT array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(n, o) "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o) "
            "FROM pg_index i WHERE i.indrelid = %s::regclass AND i.indisunique AND NOT i.indisprimary "
            "AND i.indpred IS NULL", (t,))}
        shape["unique"][t] = sorted(unique)
        shape["foreign"][t] = sorted(
            (src, r[1], dst) for r in conn.execute(
                "SELECT array(SELECT a.attname FROM unnest(c.conkey) k(n) JOIN pg_attribute a "
                "ON a.attrelid = c.conrelid AND a.attnum = k.n), confrelid::regclass::text, "
                "array(SELECT a.attname FROM unnest(c.confkey) k(n) JOIN pg_attribute a "
                "ON a.attrelid = c.confrelid AND a.attnum = k.n) "
                "FROM pg_constraint c WHERE c.conrelid = %s::regclass AND c.contype = 'f'", (t,))
            for src, dst in zip(r[0], r[2]))
    constraint_indexes = {r[0] for r in conn.execute("SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u') "
                                                     "AND connamespace = current_schema()::regnamespace")}
    shape["indexes"] = sorted(r[0] for r in conn.execute("SELECT indexname FROM pg_indexes WHERE schemaname = "
                                                         "current_schema()")
                              if r[0] not in constraint_indexes and not SEARCH_TABLES.match(r[0]))
    shape["triggers"] = sorted(r[0] for r in conn.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
    return shape


def test_both_canonical_schemas_have_the_same_tables_columns_and_keys(pg_database):
    conn = pg_db.connect(pg_database)
    conn.execute(PG_SCHEMA.read_text(encoding="utf-8"))
    lite, pg = sqlite_shape(sqlite_migrated()), pg_shape(conn)
    assert pg["tables"] == lite["tables"]
    for t in lite["tables"]:
        assert pg["columns"][t] == lite["columns"][t], t
        assert pg["keys"][t] == lite["keys"][t], t
        assert pg["unique"][t] == lite["unique"][t], t
        assert pg["foreign"][t] == lite["foreign"][t], t
    assert pg["indexes"] == lite["indexes"]
    # PG adds a TRUNCATE guard beside each UPDATE/DELETE guard (TRUNCATE skips row triggers)
    assert set(lite["triggers"]) <= set(pg["triggers"])
    assert {t.replace("_no_truncate", "_no_delete") for t in pg["triggers"]} == set(lite["triggers"])
    conn.close()


def test_the_comparison_covers_every_sqlite_migration():
    """The comparison above is not vacuous: it sees the tables and columns of the first and the latest
    migrations."""
    lite = sqlite_shape(sqlite_migrated())
    assert {"cases", "events", "ledger", "record_events", "disputes", "backlog_records", "accounts",
            "backlog_moves", "demo_loads"} <= set(lite["tables"])
    assert ("reached_level", "text", True, "'本级'") in lite["columns"]["cases"]   # from 0009
    assert "ended_at" in [c[0] for c in lite["columns"]["cases"]]                     # from 0039
    assert "clocks_unit_due" in lite["indexes"]                                       # from 0049


# ---- what the migration runner refuses or survives ------------------------------------------------

def test_append_only_tables_refuse_update_delete_and_truncate_in_chinese(pg_database):
    conn = pg_db.connect(pg_database)
    pg_db.migrate(conn)
    conn.execute("INSERT INTO ledger(seq, kind, event_id, hash) VALUES (1, 'case', 1, 'h')")
    for sql, words in (("UPDATE ledger SET hash = 'x'", "账本只能追加，不能修改"),
                       ("DELETE FROM ledger", "账本只能追加，不能删除"),
                       ("TRUNCATE ledger", "账本只能追加，不能删除")):
        with pytest.raises(psycopg.errors.RestrictViolation, match=words):
            conn.execute(sql)
    assert conn.execute("SELECT hash FROM ledger").fetchall() == [("h",)]


def test_refuses_a_database_migrated_by_a_newer_program(pg_database):
    conn = pg_db.connect(pg_database)
    pg_db.migrate(conn)
    newer = pg_db.LATEST_VERSION + 1
    conn.execute("UPDATE meta SET value = %s WHERE key = 'migrations'",
                 (f"[{', '.join(str(v) for v, _ in pg_db.migrations())}, {newer}]",))
    with pytest.raises(DomainError, match="请升级程序"):
        pg_db.migrate(conn)


def test_refuses_a_database_holding_other_tables(pg_database):
    conn = pg_db.connect(pg_database)
    conn.execute("CREATE TABLE payroll (id int)")
    with pytest.raises(DomainError, match="不是本程序的数据库"):
        pg_db.migrate(conn)
    assert conn.execute("SELECT to_regclass('meta')").fetchone()[0] is None   # nothing was added


@pytest.mark.parametrize("collate, ctype, words", [
    ("C", "C", "把汉字当作标点"),           # pg_trgm and [[:alnum:]] drop Chinese characters
    ("C", "C.UTF-8", None),               # the setting the README asks for
    ("C.UTF-8", "C.UTF-8", None),         # glibc's C.UTF-8 also sorts by code point
])
def test_the_database_must_sort_by_code_point_and_see_chinese_as_words(pg_server, collate, ctype, words):
    name = pg_server.create_database(collate=collate, ctype=ctype)
    try:
        conn = pg_db.connect(pg_server.dsn(name))
        if words:
            with pytest.raises(DomainError, match=words):
                pg_db.migrate(conn)
            assert conn.execute("SELECT to_regclass('meta')").fetchone()[0] is None
        else:
            assert pg_db.migrate(conn) == pg_db.LATEST_VERSION
            # the search text of the schema finds Chinese through pg_trgm on such a database
            assert conn.execute("SELECT show_trgm('拆迁补偿') <> '{}'").fetchone()[0]
        conn.close()
    finally:
        pg_server.drop_database(name)


def test_seats_opening_a_new_server_at_once_migrate_it_once(pg_database):
    """Four processes migrate the same empty database at the same moment: the advisory lock lets one do
    it; the others wait and find nothing left (no 'already exists' error, one meta record)."""
    code = ("import sys; from xinfang.storage.pg import db; c = db.connect(sys.argv[1]); "
            "print(db.migrate(c))")
    procs = [subprocess.Popen([sys.executable, "-c", code, pg_database], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in results]
    assert [out.strip() for out, _ in results] == [str(pg_db.LATEST_VERSION)] * 4
    conn = pg_db.connect(pg_database)
    assert conn.execute("SELECT count(*) FROM meta WHERE key = 'migrations'").fetchone()[0] == 1


def test_an_unreachable_server_is_a_chinese_message(tmp_path):
    with pytest.raises(DomainError, match="无法连接数据库服务器"):
        pg_db.connect(f"host={tmp_path} port=1 user=nobody dbname=none connect_timeout=2")


def test_server_urls_are_told_from_file_paths():
    assert pg_db.is_server_url("postgresql://clerk@10.0.0.5/xinfang")
    assert pg_db.is_server_url("postgres://clerk@db:5433/xinfang")
    assert not pg_db.is_server_url("/home/clerk/xinfang.db")
    assert not pg_db.is_server_url("postgresql.db")


def made_at(conn, before: int) -> None:
    """The database a program whose newest PG migration was below `before` would have made."""
    versions = [v for v, _ in pg_db.migrations() if v < before]
    for version, script in pg_db.migrations():
        if version in versions:
            conn.execute(script.read_text(encoding="utf-8"))
    conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', %s), ('migrations', %s)",
                 (str(max(versions)), json.dumps(versions)))


def test_0037_backfills_the_backlog_moves_of_a_server_database_from_before_it(pg_database):
    """A server database made by the first PG migration (0028) with 积案 events gets their narrow rows."""
    conn = pg_db.connect(pg_database)
    first = pg_db.migrations()[0][1]
    conn.execute(first.read_text(encoding="utf-8"))
    conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', '28'), ('migrations', '[28]')")
    conn.execute("INSERT INTO cases(id, uuid, number, office, year, seq, channel, received_at, registered_at, purpose, "
                 "category, summary, status, updated_at) VALUES (7, 'c7', '2026-信-000007', '本级', 2026, 7, '来信', "
                 "'2026-01-05', '2026-01-05', '投诉', '其他', '', 'handling', '2026-01-05')")
    conn.execute("INSERT INTO backlog_batches(id, name, issuer, issued_on, target_on, target_rate, created_at, "
                 "created_by) VALUES (3, '2026年第一批', '市信访局', '2026-03-01', '2026-06-30', 0.9, '2026-03-01', 'admin')")
    conn.execute("INSERT INTO backlog_records(id, uuid, case_id, batch_id, source, taken_on, due, status, updated_at) "
                 "VALUES (5, 'r5', 7, 3, '上级交办', '2026-03-02', '2026-06-30', '已化解', '2026-04-01')")
    events = [(1, "take", "2026-03-02T09:00:00", '{"batch": 3, "due": "2026-06-30", "leader": "王局长", "unit": "住建局"}'),
              (2, "note", "2026-03-10T10:00:00", '{"text": "约谈"}'),
              (3, "reassign", "2026-03-15T11:00:00", '{"leader": "李局长"}'),
              (4, "resolve", "2026-04-01T16:30:00", '{"way": "解释疏导"}')]
    for seq, action, at, payload in events:
        conn.execute("INSERT INTO record_events(kind, record, seq, action, at, recorded_at, actor, payload, prev_hash, "
                     "hash) VALUES ('backlog', 'r5', %s, %s, %s, %s, 'clerk', %s, '', '')", (seq, action, at, at, payload))
    pg_db.migrate(conn)
    assert conn.execute("SELECT record_id, seq, action, day, batch_id, due, leader, unit FROM backlog_moves "
                        "ORDER BY seq").fetchall() == [
        (5, 1, "take", "2026-03-02", 3, "2026-06-30", "王局长", "住建局"),
        (5, 3, "reassign", "2026-03-15", None, None, "李局长", None),
        (5, 4, "resolve", "2026-04-01", None, None, None, None),
    ]


def test_0039_backfills_ended_at_and_its_trigger_keeps_the_first_terminal_event(pg_database):
    conn = pg_db.connect(pg_database)
    made_at(conn, 39)
    for cid in (1, 2, 3):
        conn.execute("INSERT INTO cases(id, uuid, number, office, year, seq, channel, received_at, registered_at, "
                     "purpose, category, summary, status, updated_at) VALUES (%s, %s, %s, '本级', 2026, %s, '来信', "
                     "'2026-01-05', '2026-01-05', '投诉', '其他', '', 'handling', '2026-01-05')",
                     (cid, f"c{cid}", f"2026-信-00000{cid}", cid))

    def event(cid: int, seq: int, action: str, at: str) -> None:
        conn.execute("INSERT INTO events(case_id, seq, action, at, recorded_at, actor, payload, prev_hash, hash) "
                     "VALUES (%s, %s, %s, %s, %s, 'clerk', '{}', '', '')", (cid, seq, action, at, at))

    # case 1: 告知 then 存档 → ended at the first; case 2: still being handled; case 3: 终结 only
    event(1, 1, "register", "2026-01-05T09:00:00")
    event(1, 2, "inform", "2026-01-12T10:00:00")
    event(1, 3, "archive", "2026-02-01T10:00:00")
    event(2, 1, "register", "2026-01-05T09:00:00")
    event(2, 2, "accept", "2026-01-08T09:00:00")
    event(3, 1, "close", "2026-03-03T15:00:00")
    pg_db.migrate(conn)
    ended = "SELECT id, ended_at FROM cases ORDER BY id"
    assert conn.execute(ended).fetchall() == [(1, "2026-01-12T10:00:00"), (2, None), (3, "2026-03-03T15:00:00")]
    # after the migration the trigger keeps it: a terminal event sets it once, a later one leaves it
    event(2, 3, "transfer", "2026-04-01T11:00:00")
    event(2, 4, "close", "2026-05-01T11:00:00")
    event(1, 4, "close", "2026-06-01T11:00:00")
    assert conn.execute(ended).fetchall() == [(1, "2026-01-12T10:00:00"), (2, "2026-04-01T11:00:00"),
                                              (3, "2026-03-03T15:00:00")]


def test_0038_gives_disputes_registered_before_it_their_search_text(pg_database):
    from xinfang.storage.pg import search as pg_search
    conn = pg_db.connect(pg_database)
    made_at(conn, 38)
    conn.execute("INSERT INTO committees(code, name, host, category, prefix, created_at) VALUES "
                 "('JD01-TJ', '东街人民调解委员会', 'JD01', '街道', '东调', '2026-01-01')")
    conn.execute("INSERT INTO disputes(id, uuid, number, committee, year, seq, received_at, registered_at, source, type, "
                 "summary, requests, referral_no, mediator_names, status, updated_at) VALUES (4, 'd4', '东调〔2026〕4号', "
                 "'JD01-TJ', 2026, 4, '2026-02-01', '2026-02-01', '当事人申请', '邻里纠纷', '楼上漏水，损坏吊顶', "
                 "'赔偿维修费', 'ZJ-0099', '周敏、吴强', 'accepted', '2026-02-01')")
    conn.execute("INSERT INTO dispute_parties(dispute_id, pos, side, name, agent, id_number, phone) VALUES "
                 "(4, 0, '申请人', '孙丽', '孙小明', '', '13900001111'), (4, 1, '被申请人', '钱进', '', '', '')")
    pg_db.migrate(conn)

    def found(q: str) -> list[int]:
        cond, params = pg_search.condition(q)
        return [r[0] for r in conn.execute(f"SELECT dispute_id FROM dispute_search WHERE {cond}", params)]
    # a party, an agent, a mediator, a phone fragment, the referral number, the text; 1, 2 and 3+ characters
    for q in ("孙丽", "孙小明", "吴强", "0001111", "zj0099", "漏水", "损坏吊顶", "钱", "〔2026〕4"):
        assert found(q) == [4], q
    assert found("漏水损坏") == []          # a comma stands between them


def test_0066_keeps_the_search_text_of_a_server_database_from_before_it_and_drops_the_stored_grams(pg_database):
    """Rows written with the `grams` column (before 0066) are found by 1–2 and 3+ characters afterwards,
    through the index on the server's xinfang_grams(doc); the column is gone."""
    from xinfang.storage.pg import search as pg_search
    conn = pg_db.connect(pg_database)
    made_at(conn, 66)
    texts = {1: "2025信000123|张三|拆迁补偿|未到位", 2: "2026访000124|李四|物业公司拖欠维修资金", 3: "2026网000001|补|偿"}
    for cid, doc in texts.items():
        conn.execute("INSERT INTO cases(id, uuid, number, office, year, seq, channel, received_at, registered_at, "
                     "purpose, category, summary, status, updated_at) VALUES (%s, %s, %s, '本级', 2026, %s, '来信', "
                     "'2026-01-05', '2026-01-05', '投诉', '其他', '', 'handling', '2026-01-05')",
                     (cid, f"c{cid}", f"2026-信-00000{cid}", cid))
        conn.execute("INSERT INTO case_search(case_id, doc, grams) VALUES (%s, %s, %s)",
                     (cid, doc, pg_search.grams_of(doc)))
    pg_db.migrate(conn)
    assert [r[0] for r in conn.execute("SELECT column_name FROM information_schema.columns WHERE table_name = "
                                       "'case_search' ORDER BY ordinal_position")] == ["case_id", "doc"]

    def found(q: str) -> list[int]:
        cond, params = pg_search.condition(q)
        return [r[0] for r in conn.execute(f"SELECT case_id FROM case_search WHERE {cond} ORDER BY case_id", params)]
    # by hand from the texts above: 补 in 1 (补偿) and 3; 补偿 only in 1 (3's are split); 拖欠 only in 2
    assert (found("补"), found("补偿"), found("拖欠"), found("维修资金"), found("000"), found("欧")) == (
        [1, 3], [1], [2], [2], [1, 2, 3], [])
    conn.execute("SET enable_seqscan = off")
    plan = "\n".join(r[0] for r in conn.execute("EXPLAIN SELECT case_id FROM case_search WHERE "
                                               "xinfang_grams(doc) @> ARRAY['补']::text[]"))
    assert "case_search_grams" in plan


def test_the_search_indexes_keep_10_000_common_characters_and_pairs_in_their_statistics(pg_database):
    """Pg migration 0067 (and the canonical schema): statistics target 1000 on both grams indexes, so the
    planner knows a rare character from a common one (docs/postgres.md §5)."""
    conn = pg_db.connect(pg_database)
    pg_db.migrate(conn)
    target = ("SELECT attstattarget FROM pg_attribute WHERE attrelid = %s::regclass AND attnum = 1")
    assert [conn.execute(target, (ix,)).fetchone()[0] for ix in ("case_search_grams", "dispute_search_grams")] == [1000, 1000]

"""Search on PostgreSQL finds any substring of 1+ characters, with the same answers as SQLite's FTS5
index (issue 12 §1). A small hand-built set of cases; every expected answer is written out by hand."""
from __future__ import annotations

import sqlite3

import pytest

from xinfang.storage import search as lite_search
from xinfang.storage.pg import db as pg_db
from xinfang.storage.pg import search as pg_search

# (case id, number, names, ids (ID numbers, phones, work order), text parts)
CASES = [
    (1, "2025-信-000123", ["张三丰"], ["110101199003077777", "010-1234 5678"],
     ["拆迁补偿，未到位。", "要求补偿 3000 元"]),
    (2, "2025-访-000124", ["李四", "王五"], ["13812345678"], ["物业公司拖欠维修资金", "噪音扰民"]),
    (3, "2026-网-000001", ["欧阳娜娜"], ["GD20260001"], ["小区电梯坏了，物业不修", "Ａｂｃ 公司"]),
    (4, "2026-信-000002", ["赵六"], [""], ["补，偿", "拖欠工资"]),      # 补 and 偿 split by a comma
]

# query → the case ids a user expects (written from the texts above, not from either index)
EXPECTED = {
    "张": [1], "补": [1, 4], "物": [2, 3], "欠": [2, 4], "5": [1, 2], "a": [3],
    "补偿": [1],                          # case 4's 补，偿 is split by punctuation
    "物业": [2, 3], "拖欠": [2, 4], "欧阳": [3], "GD": [3], "ab": [3], "ＡＢ": [3],
    "拆迁补偿": [1], "物业公司拖欠": [2], "欧阳娜娜": [3], "电梯坏了": [3], "拖欠工资": [4],
    "3000": [1], "000123": [1], "2025-信-000123": [1], "信-000123": [1], "1234": [1, 2],
    "19900307": [1], "13812345678": [2], "gd2026": [3], "abc": [3],
    "abc公司": [],                        # the text has a space between them: no match spans it
    "偿，未": [],                         # punctuation in a query is dropped (偿未) …
    "补偿未": [],                         # … and a match never spans the comma in the text
    "丰李": [],                           # never across two fields
    "拆迁补偿要求": [],
    "，": [],                             # nothing searchable
}


def sqlite_index() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE case_search USING fts5({', '.join(lite_search.COLUMNS)}, content = '', "
                 "tokenize = 'unicode61 remove_diacritics 0')")
    for cid, number, names, ids, text in CASES:
        conn.execute(f"INSERT INTO case_search(rowid, {', '.join(lite_search.COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?)",
                     (cid, *lite_search.document(number, names, ids, text)))
    return conn


def sqlite_ids(conn: sqlite3.Connection, q: str) -> list[int]:
    expr = lite_search.match_expression(q)
    return [] if expr is None else [r[0] for r in conn.execute(
        "SELECT rowid FROM case_search WHERE case_search MATCH ? ORDER BY rowid", (expr,))]


@pytest.fixture
def pg_index(pg_database):
    conn = pg_db.connect(pg_database)
    pg_db.migrate(conn)
    for cid, number, names, ids, text in CASES:
        conn.execute("INSERT INTO cases(id, uuid, number, office, year, seq, channel, received_at, registered_at, "
                     "purpose, category, summary, status, updated_at) VALUES (%s, %s, %s, '本级', 2025, %s, '来信', "
                     "'2025-01-01', '2025-01-01', '投诉', '其他', '', 'registered', '2025-01-01')",
                     (cid, f"u{cid}", number, cid))
        sql, params = pg_search.index_statement(cid, number, names, ids, text)
        conn.execute(sql.replace("?", "%s"), params)
    yield conn
    conn.close()


def pg_ids(conn, q: str) -> list[int]:
    cond = pg_search.condition(q)
    return [] if cond is None else [r[0] for r in conn.execute(
        f"SELECT case_id FROM case_search WHERE {cond[0]} ORDER BY case_id", cond[1])]


def test_sqlite_finds_what_a_user_expects():
    conn = sqlite_index()
    assert {q: sqlite_ids(conn, q) for q in EXPECTED} == EXPECTED


def test_postgres_finds_the_same(pg_index):
    assert {q: pg_ids(pg_index, q) for q in EXPECTED} == EXPECTED


def test_short_queries_use_the_character_index_and_long_ones_trigrams(pg_index):
    pg_index.execute("SET enable_seqscan = off")      # 4 rows: show which index each form can use
    for q, index in (("补", "case_search_grams"), ("补偿", "case_search_grams"), ("拆迁补偿", "case_search_doc")):
        for walk in (False, True):
            cond, params = pg_search.condition(q, walk)
            plan = "\n".join(r[0] for r in pg_index.execute(f"EXPLAIN SELECT case_id FROM case_search WHERE {cond}",
                                                             params))
            assert index in plan, (q, plan)


def test_the_newest_first_statement_tests_rows_by_the_cheap_equivalent_too(pg_index):
    """A first page may walk the rows newest first: beside the index condition it gets `strpos`, which the
    server tests before the costly xinfang_grams(doc); both find the same rows, for 1–2 characters only."""
    for q in ("补", "物业", "补偿", "5", "ab", "ＡＢ", "，"):
        walked = pg_search.newest_statement(q, 0, descending=False)
        if walked is None:
            assert pg_search.condition(q) is None
            continue
        sql, params = walked
        assert "strpos(doc, ?)" in sql
        assert [r[0] for r in pg_index.execute(sql.replace("?", "%s"), params)] == EXPECTED[q], q
    assert "strpos" not in pg_search.count_statement("补")[0] and "strpos" not in pg_search.newest_statement("物业公司", 5)[0]


def test_a_first_page_is_the_newest_matches_on_both_sides_of_the_probe(pg_index, monkeypatch):
    """A 1–2 character first page asks the index for at most PROBE matches first: fewer are the whole answer,
    that many or more go to the newest-first walk. Either way: the newest `limit` matches, newest first."""
    monkeypatch.setattr(pg_search, "PROBE", 3)
    # 补 is in cases 1 and 4 (2 < 3); add cases 5… with 补 so that it is in 3, then 4 cases
    for extra, expected in ((0, [4, 1]), (1, [5, 4]), (2, [6, 5])):
        for cid in range(5, 5 + extra):
            if pg_index.execute("SELECT 1 FROM cases WHERE id = %s", (cid,)).fetchone():
                continue
            pg_index.execute("INSERT INTO cases(id, uuid, number, office, year, seq, channel, received_at, "
                             "registered_at, purpose, category, summary, status, updated_at) VALUES (%s, %s, %s, "
                             "'本级', 2026, %s, '来信', '2026-01-01', '2026-01-01', '投诉', '其他', '', 'registered', "
                             "'2026-01-01')", (cid, f"u{cid}", f"2026-信-00001{cid}", 10 + cid))
            pg_index.execute("INSERT INTO case_search(case_id, doc) VALUES (%s, '补')", (cid,))
        sql, params = pg_search.newest_statement("补", 2)
        assert "few" in sql
        assert [r[0] for r in pg_index.execute(sql.replace("?", "%s"), params)] == expected, extra
        sql, params = pg_search.newest_statement("补", 2, descending=False)
        assert [r[0] for r in pg_index.execute(sql.replace("?", "%s"), params)] == [1, 4], extra
    sql, params = pg_search.newest_statement("鑫", 50)              # no case has it
    assert list(pg_index.execute(sql.replace("?", "%s"), params)) == []
    assert "few" not in pg_search.newest_statement("拆迁补偿", 5)[0]     # 3+ characters: the trigram index


def test_the_search_text_of_a_case():
    doc = pg_search.document("2025-信-000123", ["张三", "Ａｂ公司"], ["010-1234", ""], ["补偿，未到位。", "a_b"])
    assert doc == "2025信000123|张三|ab公司|0101234|补偿|未到位|a|b"
    grams = pg_search.grams_of(doc)
    assert {"张", "三", "张三", "补偿", "未到", "到位", "5信", "信0", "ab", "b公"} <= set(grams)
    assert not {"三a", "偿未", "|", "张|"} & set(grams)      # no pair spans a field or a comma
    assert len(grams) == len(set(grams))


# the server's xinfang_grams(doc) is the index's rule; grams_of is the same rule in Python
GRAM_DOCS = ["", "a", "ab", "|", "||", "a|b", "|ab|", "张三|ab公司|0101234", "2025信000123|张三|补偿|未到位|a|b",
             "𠀀𠀁|é̂x", "aaaa|aa|a", "拆迁补偿|要求补偿3000元"]


def test_the_servers_grams_are_the_characters_and_pairs_of_each_field(pg_index):
    by_hand = {"": set(), "a": {"a"}, "ab": {"a", "b", "ab"}, "|": set(), "||": set(), "a|b": {"a", "b"},
               "|ab|": {"a", "b", "ab"}, "aaaa|aa|a": {"a", "aa"}}
    for doc in GRAM_DOCS:
        server = set(pg_index.execute("SELECT xinfang_grams(%s)", (doc,)).fetchone()[0])
        assert server == set(pg_search.grams_of(doc)), doc
        if doc in by_hand:
            assert server == by_hand[doc], doc
    case_docs = [r[0] for r in pg_index.execute("SELECT doc FROM case_search ORDER BY case_id")]
    assert len(case_docs) == len(CASES)
    for doc in case_docs:
        assert set(pg_index.execute("SELECT xinfang_grams(%s)", (doc,)).fetchone()[0]) == set(pg_search.grams_of(doc))


def test_queries_are_folded_and_never_hold_the_separator():
    assert pg_search.condition("ＡＢＣ") == ("doc LIKE %s", ("%abc%",))
    assert pg_search.condition(" 补，偿 ") == ("xinfang_grams(doc) @> ARRAY[%s]::text[]", ("补偿",))
    assert pg_search.condition(" 补，偿 ", walk=True) == (
        "xinfang_grams(doc) @> ARRAY[%s]::text[] AND strpos(doc, %s) > 0", ("补偿", "补偿"))
    assert pg_search.condition("|") is None and pg_search.condition("%_") is None
    assert pg_search.condition("a%b_c") == ("doc LIKE %s", ("%abc%",))


def test_the_folding_splits_text_where_sqlites_tokenizer_does_on_every_code_point():
    """pg/search uses one regular expression where search.char_tokens looks at each character: over every
    code point (in runs that mix letters, digits, ideographs, marks and punctuation) the split is the same."""
    every = "".join(chr(c) for c in range(0x20, 0x30000) if not 0xD800 <= c < 0xE000)
    for start in range(0, len(every), 4096):
        text = every[start:start + 4096]
        tokens = lite_search.char_tokens(text).split(" ")
        expected = "".join("|" if t == lite_search.SEPARATOR else t for t in tokens if t).strip("|")
        assert pg_search._text(text) == expected, start

"""The many-writers design of storage/concurrency.py on a real PostgreSQL server (issue 12 §2), before the
dialect runs the whole storage layer there: the same SQL, with psycopg's placeholders. Concurrent
registrations of one office and year get consecutive unique numbers from the counter row (its row lock lasts
to commit), and of two transactions claiming one case at the same version the later one is refused."""
from __future__ import annotations

import threading

import pytest

from xinfang.domain.problems import StaleRecord
from xinfang.storage import concurrency
from xinfang.storage.pg import db as pg_db

WRITERS, EACH = 4, 150


class Placeholders:
    """`?` → `%s`: what the storage connection wrapper does for PostgreSQL."""

    def __init__(self, conn):
        self.conn = conn

    def execute(self, sql: str, params=()):
        return self.conn.execute(sql.replace("?", "%s"), params)


def _insert_case(conn, office: str, year: int, seq: int) -> int:
    """A case row with only what the table requires (the columns without a default)."""
    required = [name for name, in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'cases' AND is_nullable = 'NO' "
        "AND column_default IS NULL AND is_identity = 'NO' ORDER BY ordinal_position")]
    given = {"uuid": f"u-{office}-{year}-{seq}", "number": f"{year}-信-{seq:06d}", "office": office, "year": year,
             "seq": seq}
    values = [given.get(c, "x") for c in required]
    return conn.execute(f"INSERT INTO cases({', '.join(required)}) VALUES ({', '.join(['%s'] * len(required))}) "
                        "RETURNING id", values).fetchone()[0]


@pytest.fixture
def server_db(pg_database):
    conn = pg_db.connect(pg_database)
    pg_db.migrate(conn)
    conn.close()
    return pg_database


def test_concurrent_registrations_get_consecutive_unique_numbers(server_db):
    errors, numbers = [], []
    start = threading.Barrier(WRITERS)

    def writer():
        conn = pg_db.connect(server_db)
        try:
            start.wait()
            for _ in range(EACH):
                with conn.transaction():
                    seq = concurrency.next_number(Placeholders(conn), "case", "420102", 2026,
                                                  "SELECT max(seq) FROM cases WHERE office = ? AND year = ?",
                                                  ("420102", 2026))
                    _insert_case(conn, "420102", 2026, seq)
                numbers.append(seq)
        except Exception as exc:      # noqa: BLE001 - the test fails with it
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    assert sorted(numbers) == list(range(1, WRITERS * EACH + 1))         # unique and without a gap
    conn = pg_db.connect(server_db)
    assert conn.execute("SELECT seq FROM number_counters WHERE kind = 'case'").fetchone()[0] == WRITERS * EACH
    # rows written without the counter (a copy, a bulk load): the next number continues after them
    with conn.transaction():
        _insert_case(conn, "420102", 2026, WRITERS * EACH + 5)
    with conn.transaction():
        assert concurrency.next_number(Placeholders(conn), "case", "420102", 2026,
                                       "SELECT max(seq) FROM cases WHERE office = ? AND year = ?",
                                       ("420102", 2026)) == WRITERS * EACH + 6
    conn.close()


def test_the_later_of_two_claims_on_one_version_waits_and_is_refused(server_db):
    first, second = pg_db.connect(server_db), pg_db.connect(server_db)
    with first.transaction():
        row = _insert_case(first, "420102", 2026, 1)
    outcome = []
    claimed = threading.Event()

    def later():
        claimed.wait()
        try:
            with second.transaction():
                concurrency.claim(Placeholders(second), "cases", row, 0)     # blocks on the first's row lock
                outcome.append("ok")
        except StaleRecord as exc:
            outcome.append(exc.message)

    t = threading.Thread(target=later)
    t.start()
    with first.transaction():
        assert concurrency.claim(Placeholders(first), "cases", row, 0) == 1
        claimed.set()
        t.join(timeout=1)
        assert t.is_alive() and outcome == []        # still waiting while the first action is uncommitted
    t.join(timeout=60)
    assert outcome == ["本件已被他人更新，请刷新后重试"]
    assert first.execute("SELECT version FROM cases WHERE id = %s", (row,)).fetchone()[0] == 1
    first.close()
    second.close()

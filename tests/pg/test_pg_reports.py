"""The report on a PostgreSQL server (issue 12): the same story (tests/report_story.py) built in memory and
in a server database gives the same datasets, number for number and case list for case list, for months,
a quarter, the year so far and one unit; the server counts part of them on a second connection (as a
SQLite file does), which cannot write. The hand-computed answers themselves are checked on both engines by
tests/services/test_report_dataset.py; this test adds that nothing differs anywhere in the dataset."""
import pytest

from tests.pg_server import server_url
from tests.report_story import FGJ, build_story
from xinfang.storage.errors import StorageError
from xinfang.storage.stats_store import StatsStore


@pytest.fixture(scope="module")
def pair(pg_server):
    name = pg_server.create_database()
    memory, _, _ = build_story(":memory:")
    server, _, _ = build_story(server_url(pg_server.dsn(name)))
    yield memory, server
    memory.close()
    server.close()
    pg_server.drop_database(name)


def comparable(d: dict) -> dict:
    # the time it took, and the ledger anchor (its hash covers each case's random uuid), differ by nature
    return {k: v for k, v in d.items() if k not in ("seconds", "anchor")}


PERIODS = [("month", "2025-12"), ("month", "2026-01"), ("month", "2026-02"), ("month", "2026-03"),
           ("month", "2026-04"), ("quarter", (2026, 1)), ("cumulative", (2026, 4))]


@pytest.mark.parametrize("kind, arg", PERIODS)
@pytest.mark.parametrize("unit", [None, FGJ])
def test_the_same_dataset_on_both_engines(pair, kind, arg, unit):
    memory, server = pair
    period = lambda ws: getattr(ws.reports, kind)(*(arg if isinstance(arg, tuple) else (arg,)))   # noqa: E731
    a = memory.reports.dataset(period(memory), unit)
    b = server.reports.dataset(period(server), unit)
    assert comparable(b) == comparable(a)
    assert a["queries"]
    for key, query in a["queries"].items():
        which = "dispute_ids" if query.get("kind") == "disputes" else "case_ids"
        assert getattr(server.reports, which)(query) == getattr(memory.reports, which)(query), key


def test_the_summary_and_tables_read_alike(pair):
    memory, server = pair
    a = memory.reports.dataset(memory.reports.month("2026-03"))
    b = server.reports.dataset(server.reports.month("2026-03"))
    assert server.reports.summary(b) == memory.reports.summary(a)
    assert server.reports.tables(b) == memory.reports.tables(a)
    assert server.reports.overdue_items(b) == memory.reports.overdue_items(a)


def test_the_server_counts_on_a_second_connection_that_cannot_write(pair):
    memory, server = pair
    assert StatsStore(memory.store.conn).second() is None            # in memory: one connection
    second = StatsStore(server.store.conn).second()
    assert second is not None and second.conn is not server.store.conn
    try:
        assert second.count({"kind": "received", "from": "2026-01-01", "to": "2026-01-31"}) == 4
        with pytest.raises(StorageError, match="只读"):
            second.conn.execute("DELETE FROM holidays")
    finally:
        second.close()

"""A dataset of a database file reads some counts on a second connection in a helper thread (ratings, 办结,
存量, 超期: Builder.AHEAD); the numbers must be exactly those of the one-connection way, which the hand-computed
tests check (tests/services/test_report_dataset.py runs on an in-memory database: no second connection)."""
import sqlite3

import pytest

from tests.report_story import FGJ, build_story
from xinfang.services import Workspace
from xinfang.storage.stats_store import StatsStore


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    ws, rows, _ = build_story()
    path = tmp_path_factory.mktemp("ahead") / "story.db"
    target = sqlite3.connect(path)
    ws.store.conn.backup(target)
    target.close()
    on_file = Workspace.open(str(path), now=ws.now)
    yield ws, on_file
    on_file.close()
    ws.close()


def without_timing(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "seconds"}


@pytest.mark.parametrize("month, unit", [("2026-01", None), ("2026-02", None), ("2026-03", None), ("2026-04", None),
                                         ("2026-03", FGJ)])
def test_the_same_dataset_with_a_helper_connection(pair, month, unit):
    memory, on_file = pair
    assert StatsStore(memory.store.conn).second() is None            # in memory: one connection, no helper
    second = StatsStore(on_file.store.conn).second()
    assert second is not None
    second.close()
    a = memory.reports.dataset(memory.reports.month(month), unit)
    b = on_file.reports.dataset(on_file.reports.month(month), unit)
    assert without_timing(b) == without_timing(a)


def test_the_helper_connection_cannot_write(pair):
    _, on_file = pair
    second = StatsStore(on_file.store.conn).second()
    with pytest.raises(sqlite3.OperationalError):
        second.conn.execute("DELETE FROM cases")
    second.close()


# on SQLite only where tests run on both engines (tests/pg_server.parametrise_engines)
pytestmark = pytest.mark.sqlite_only(reason="the helper connection of a SQLite file; a server's: tests/pg/test_pg_reports.py")

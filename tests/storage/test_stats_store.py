"""StatsStore.received_summary: the received counts of a period from index ranges (office) or one unit's
rows, against four cases counted by hand; a value the caller does not list is still counted."""
import pytest

from tests.helpers import make_workspace, register
from tests.pg_server import engine_choice, parametrise_engines, pg_server  # noqa: F401  (fixtures)
from xinfang.storage.stats_store import StatsStore

REPS = [{"name": n, "id_number": "", "phone": p, "role": "代表"} for n, p in (("甲", "13800000011"), ("乙", "13800000012"))]


# on SQLite and on a PostgreSQL server (tests/pg_server.parametrise_engines)
pytest_generate_tests = parametrise_engines


@pytest.fixture(scope="module", autouse=True)
def db_engine(request):
    yield from engine_choice(request)


def four_cases():
    ws, clock = make_workspace()
    a = register(ws, name="张三", id_number="", phone="13800000001", irregular="在机关门前滞留", reached_level="到市")
    b = register(ws, summary="六人反映小区停车收费", headcount=6, petitioners=REPS)
    register(ws, name="王五", id_number="", phone="13800000003", channel="来信", headcount=3, summary="联名反映噪声")
    register(ws, name="赵六", id_number="", phone="13800000004", channel="来电", summary="路灯不亮")
    for case in (a, b):
        ws.act(case.row, "forward", "clerk", data={"unit": "420102-RSJ"})
    return ws, StatsStore(ws.store.conn)


VALUES = {"channel": ["来访", "来信", "来电", "网上", "12345"], "reached_level": ["本级", "到区", "到市", "到省", "进京"],
          "handling_unit": ["", "420102-RSJ"]}


def test_office_counts_by_hand():
    _, s = four_cases()
    got = s.received_summary("2025-09-01", "2025-09-30", 5, VALUES)
    assert got["count"] == 4
    assert got["persons"] == 1 + 6 + 3 + 1
    assert got["visits"] == (2, 7)
    assert got["collective"] == (1, 6, 6)
    assert got["irregular"] == (1, 1)
    assert got["repeat"] == 0
    assert got["by"]["channel"] == {"来访": 2, "来信": 1, "来电": 1}
    assert got["by"]["reached_level"] == {"本级": 3, "到市": 1}
    assert got["by"]["handling_unit"] == {"": 2, "420102-RSJ": 2}
    # a threshold of 7 makes the six-person visit an ordinary one
    assert s.received_summary("2025-09-01", "2025-09-30", 7, {})["collective"] == (0, 0, 0)
    # the day after the period counts nothing
    assert s.received_summary("2025-10-01", "2025-10-31", 5, VALUES)["count"] == 0


def test_one_unit_by_hand():
    _, s = four_cases()
    got = s.received_summary("2025-09-01", "2025-09-30", 5, VALUES, unit="420102-RSJ")
    assert (got["count"], got["persons"], got["visits"], got["collective"], got["irregular"]) == (2, 7, (2, 7), (1, 6, 6), (1, 1))
    assert got["by"]["channel"] == {"来访": 2}
    assert got["by"]["handling_unit"] == {"420102-RSJ": 2}


def test_a_value_nobody_listed_is_still_counted():
    _, s = four_cases()
    got = s.received_summary("2025-09-01", "2025-09-30", 5, {"channel": ["来访"]})
    assert got["by"]["channel"] == {"来访": 2, "来信": 1, "来电": 1}

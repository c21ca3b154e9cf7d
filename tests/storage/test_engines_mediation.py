"""人民调解 on a PostgreSQL server (issue 12): the dispute search tests of tests/mediation/test_search.py on a
server database (imported by name, so each runs here a second time with this module's `env`), and the
search index rebuilt and checked for missing disputes."""
from datetime import datetime

import pytest

from xinfang.storage import mediation_store

from tests.helpers import Clock
from tests.mediation.conftest import COMMITTEE_A, COMMITTEE_B
from tests.mediation.test_search import (  # noqa: F401  (collected here again)
    _three, hits, test_every_field_is_found_by_any_substring, test_search_with_other_filters_and_nothing_searchable)
from tests.pg_server import engine_target


@pytest.fixture(params=["postgresql"])
def env(request):
    """tests/mediation/conftest.py's two committees and three mediators, in a server database."""
    from xinfang.services import Workspace
    from xinfang.storage.store import Store
    clock = Clock(datetime(2026, 12, 1, 10, 0))
    ws = Workspace.on_store(Store(engine_target(request)), now=clock)
    med = ws.mediation
    med.add_committee(COMMITTEE_A, "420102001001", "admin", prefix="樱园")
    med.add_committee(COMMITTEE_B, "420102001", "admin", prefix="东湖")
    med.add_mediator("王调解", COMMITTEE_A, "admin", login="wang")
    med.add_mediator("刘调解", COMMITTEE_A, "admin")
    med.add_mediator("陈调解", COMMITTEE_B, "admin")
    yield ws, clock
    ws.close()


def test_the_dispute_index_is_rebuilt_and_its_gaps_counted_on_a_server(env):
    ws, _ = env
    a, b, c = _three(ws)
    conn = ws.store.conn
    assert mediation_store.missing_from_search(conn) == 0
    conn.execute("DELETE FROM dispute_search WHERE dispute_id <> ?", (a,))       # as a damaged index
    assert mediation_store.missing_from_search(conn) == 2 and hits(ws, "王伟") == []
    with ws.store.transaction():
        assert mediation_store.rebuild_search(conn) == 3
    assert mediation_store.missing_from_search(conn) == 0
    assert hits(ws, "漏水") == [a] and hits(ws, "王伟") == [b] and hits(ws, "王") == [c, b, a]

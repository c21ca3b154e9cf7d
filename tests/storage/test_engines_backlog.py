"""积案 on a PostgreSQL server (issue 12): the hand-counted numbers of tests/services/test_backlog_numbers.py,
on the same records built in a server database. The tests are imported by name, so each runs here a second
time with this module's `ws`."""
import pytest

from tests.pg_server import engine_target
from tests.services.test_backlog_numbers import (  # noqa: F401  (collected here again)
    office_with_records, test_as_of_april_5_reopened_counts_again_as_unresolved, test_as_of_june_30,
    test_as_of_march_5, test_before_any_batch_and_the_leader_on_a_date, test_board_rows_agree_with_the_numbers,
    test_fast_count_equals_the_reference_replay, test_one_batch)


@pytest.fixture(scope="module", params=["postgresql"])
def ws(request):
    ws = office_with_records(engine_target(request))
    yield ws
    ws.close()

"""Every test here runs on SQLite and on a PostgreSQL server (issue 12 §4): tests/pg_server.parametrise_engines;
`@pytest.mark.sqlite_only(reason=…)` keeps one on SQLite."""
import pytest

from tests.pg_server import engine_choice, parametrise_engines, pg_server  # noqa: F401  (fixtures)


def pytest_generate_tests(metafunc):
    parametrise_engines(metafunc)


@pytest.fixture(scope="module", autouse=True)
def db_engine(request):
    yield from engine_choice(request)

"""The CLI tests on both engines (issue 12 §4): the `cli_target` fixture and what differs between a file
and a server database."""
import pytest

from tests.pg_server import ENGINES, engine_target


@pytest.fixture(params=ENGINES)
def cli_target(request, tmp_path):
    """The --db of a CLI test on both engines (issue 12 §4): a new file, or a new server database's URL."""
    if request.param == "sqlite":
        return str(tmp_path / "cli.db")
    return engine_target(request)


def on_server(target: str) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def check_is_clean(run_check) -> dict:
    """`xinfang check --json` (either engine) passes: its report."""
    import json

    code, out, err = run_check()
    assert code == 0 and json.loads(out)["ok"] is True, (out, err)
    return json.loads(out)


def stored_bytes(target: str) -> bytes:
    """Everything the database holds, to look for a text in it: the file's bytes, or every row of every table
    of a server database as text."""
    if not on_server(target):
        return open(target, "rb").read()
    import psycopg
    with psycopg.connect(target) as conn:
        tables = [t for t, in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return "\n".join(str(row[0]) for t in tables
                         for row in conn.execute(f'SELECT t::text FROM "{t}" t')).encode("utf-8")

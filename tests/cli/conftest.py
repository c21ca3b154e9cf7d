from tests.cli_engines import cli_target  # noqa: F401  (fixtures)
from tests.pg_server import pg_database, pg_server  # noqa: F401  (fixtures)

from tests.pg_server import pg_database, pg_server  # noqa: F401  (fixtures)

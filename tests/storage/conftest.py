from tests.pg_server import engine, pg_database, pg_server  # noqa: F401  (fixtures)

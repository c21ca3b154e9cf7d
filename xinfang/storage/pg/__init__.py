"""PostgreSQL storage (issue 12): opening a server database, its migrations, its search text.

Groundwork only so far: the application still runs on SQLite; docs/postgres.md is the port plan."""

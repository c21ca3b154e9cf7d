"""What differs between the two engines in the SQL the stores write (issue 12, docs/postgres.md §4).

The stores write their SQL once, in SQLite's form (`?` parameters, `INSERT OR REPLACE`, `INDEXED BY`, …);
on PostgreSQL the connection wrapper (pg/connection.py) rewrites each statement once and caches it. What a
mechanical rewrite cannot do — an integer column used as a condition, which SQLite's partial indexes need
written bare and PostgreSQL refuses — the stores ask the dialect for."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    name: str                       # "sqlite" or "postgresql"

    @property
    def server(self) -> bool:
        return self.name == "postgresql"

    def true(self, column: str) -> str:
        """`column` (a 0/1 flag) as a condition: bare on SQLite (its partial indexes are written `WHERE
        restricted` and only a bare term uses them), `<> 0` on PostgreSQL (no integer-as-boolean)."""
        return f"{column} <> 0" if self.server else column

    def false(self, column: str) -> str:
        return f"{column} = 0" if self.server else f"NOT {column}"

    def count_if(self, condition: str) -> str:
        """The number of rows where `condition` holds, as an aggregate: SQLite's `sum(<comparison>)` (a 0/1
        per row, the form the report's covering-index counts were measured with; NULL over no rows), and
        `count(*) FILTER (WHERE …)` on PostgreSQL, which has no boolean sum (0 over no rows). Callers read
        a missing count as 0."""
        return f"count(*) FILTER (WHERE {condition})" if self.server else f"sum({condition})"


SQLITE = Dialect("sqlite")
POSTGRESQL = Dialect("postgresql")


def dialect_of(conn) -> Dialect:
    """The dialect of a connection: the PostgreSQL wrapper carries its own; anything else is sqlite3."""
    return getattr(conn, "dialect", SQLITE)

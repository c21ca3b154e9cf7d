"""COPY into a PostgreSQL server: rows of a table (bulk/demo loads, migrate-to) and the cases' search documents.

COPY is the server's bulk path (one statement streams any number of rows; no per-row round trip or plan).
Values are dumped by the column's type (`set_types`), so psycopg's C dumpers run instead of a per-value lookup."""
from __future__ import annotations

import re
from typing import Iterable, Sequence

_PLAIN_LIST = re.compile(r"(?:[^\s{}\",\\]+(?:,|$))*")


def column_types(raw, table: str) -> dict[str, str]:
    """column → type name, in table order."""
    return dict(raw.execute("SELECT attname, format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = %s::regclass "
                            "AND attnum > 0 AND NOT attisdropped ORDER BY attnum", (table,)).fetchall())


def copy_rows(raw, table: str, columns: Sequence[str], rows: Iterable[Sequence], types: dict | None = None) -> int:
    """COPY `rows` (tuples in `columns` order) into `table`; returns how many."""
    types = types or column_types(raw, table)
    n = 0
    with raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.set_types([types[c] for c in columns])
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def array_literal(items: list[str]) -> str:
    """A text[] in COPY's text form. Search grams are word characters only (no quote, brace, comma, backslash
    or space) and never NULL, so they go as they are (one check for the whole list); anything else is quoted."""
    joined = ",".join(items)
    if all(items) and _PLAIN_LIST.fullmatch(joined) and "NULL" not in joined.upper():
        return "{" + joined + "}"
    return "{" + ",".join('"' + x.replace("\\", "\\\\").replace('"', '\\"') + '"' for x in items) + "}"


def search_documents(rows: Sequence[tuple]) -> tuple[list[str], list[tuple]]:
    """(columns, rows) of case_search for `bulk.search_rows` output, exactly as `Store.index_case` writes them on a
    server (pg/search.index_statement); arrays as COPY text. Pure: may run in another process."""
    from . import search as pg_search
    columns: list[str] = []
    out = []
    for cid, number, names, ids, body in rows:
        sql, params = pg_search.index_statement(cid, number, names, ids, body)
        if not columns:
            columns = [c.strip() for c in sql[sql.index("(") + 1:sql.index(")")].split(",")]
        out.append(tuple(array_literal(v) if isinstance(v, list) else v for v in params))
    return columns, out


def copy_search(raw, documents: tuple[list[str], list[tuple]]) -> int:
    """COPY the output of `search_documents` into case_search."""
    columns, rows = documents
    if not rows:
        return 0
    # arrays travel as their text form (array_literal), so they are dumped as text
    types = {c: ("bigint" if isinstance(v, int) else "text") for c, v in zip(columns, rows[0])}
    return copy_rows(raw, "case_search", columns, rows, types)

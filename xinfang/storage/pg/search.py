"""Substring search on PostgreSQL (issue 12 §1): the counterpart of storage/search.py's FTS5 index.

A case's searchable text is folded exactly as on SQLite (NFKC, lower case) into one `doc`:
- names and text (summary, content, demands, place, category): every run of punctuation or spaces
  becomes one '|', so a match never spans a comma — like the separator token of the FTS5 columns;
- identifiers (case number, ID numbers, phones, work-order number): punctuation inside is dropped
  ("2025-信-000123" → "2025信000123"), so "信000123" finds it, as on SQLite;
- fields are joined by '|'. A query is folded by search.normalise_query, which keeps word characters
  only, so it never contains '|'.

The table holds only (id, doc): narrow rows (about 0.5 KB), so a count's heap visits and a LIKE recheck
stay cheap at 1,000,000 cases. Two GIN indexes on it (pg migration 0066):
- pg_trgm on `doc` answers `doc LIKE '%q%'` for 3 or more characters;
- pg_trgm extracts no trigram from 1–2 characters, so a second index holds `xinfang_grams(doc)`: the
  characters and adjacent character pairs of `doc` (none spanning a '|'), computed by the server from
  `doc` (grams_of below is the same rule in Python). `xinfang_grams(doc) @> ARRAY[q]` is one exact GIN
  lookup. Its rows are not stored: a wide array column made every row ~1.8 KB (docs/postgres.md §5).

Because `xinfang_grams` is costly per row, a statement that may test rows one by one (the newest-first
walk of a first page) puts the cheap equivalent `strpos(doc, q) > 0` beside it; the server tests the
cheaper condition first. Counts use the index condition alone (no row is read but for visibility).
"""
from __future__ import annotations

import re

from .. import search as lite

SEPARATOR = "|"
# `\w` is exactly str.isalnum() plus '_' (search._is_word_char's rule), so `[\W_]` is every other character
_NOT_WORD = re.compile(r"[\W_]+")


def _text(value: str) -> str:
    """Word characters as they are, every other run as one separator (search.char_tokens' rule)."""
    return _NOT_WORD.sub(SEPARATOR, lite._fold(value)).strip(SEPARATOR)


def _identifier(value: str) -> str:
    return _NOT_WORD.sub("", lite._fold(value))


def document(number: str, names: list[str], ids: list[str], body_parts: list[str]) -> str:
    """The doc of a case; the same arguments as search.document on SQLite."""
    fields = [_identifier(number), *(_text(n) for n in names), *(_identifier(v) for v in ids),
              *(_text(p) for p in body_parts)]
    return SEPARATOR.join(f for f in fields if f)


def grams_of(doc: str) -> list[str]:
    """What the server's xinfang_grams(doc) indexes (as a set): every character and adjacent pair of a
    field, none spanning the separator. Migration 0038's data step still writes it (its table had a
    `grams` column until 0066)."""
    found: set[str] = set()
    for piece in doc.split(SEPARATOR):
        found.update(piece)
        found.update(map(str.__add__, piece, piece[1:]))
    return list(found)                    # order does not matter to the array index


def _like_pattern(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


GRAMS = "xinfang_grams(doc)"       # the expression of the *_grams indexes, written exactly as indexed


def condition(text: str, walk: bool = False) -> tuple[str, tuple] | None:
    """The WHERE condition on case_search for a substring query, or None when nothing is searchable.
    `walk`: the statement may test rows one by one, so give the server the cheap equivalent test too."""
    q = lite.normalise_query(text)
    if not q:
        return None
    if len(q) <= 2:
        if walk:
            return f"{GRAMS} @> ARRAY[%s]::text[] AND strpos(doc, %s) > 0", (q, q)
        return f"{GRAMS} @> ARRAY[%s]::text[]", (q,)
    return "doc LIKE %s", (_like_pattern(q),)


# ---- the statements the stores run, in their SQLite form (`?`; pg/connection.py rewrites them) -----------
_KEY = {"case_search": "case_id", "dispute_search": "dispute_id"}


def index_statement(row: int, number: str, names: list[str], ids: list[str], body_parts: list[str],
                    table: str = "case_search") -> tuple[str, tuple]:
    return f"INSERT INTO {table}({_KEY[table]}, doc) VALUES (?, ?)", (row, document(number, names, ids, body_parts))


def _condition(text: str, walk: bool = False) -> tuple[str, tuple] | None:
    found = condition(text, walk)
    return None if found is None else (found[0].replace("%s", "?"), found[1])


def ids_condition(text: str, table: str = "case_search", column: str = "id") -> tuple[str, tuple] | None:
    # beside other filters the server may test search rows one by one: the cheap test too
    found = _condition(text, walk=True)
    return None if found is None else (
        f"{column} IN (SELECT {_KEY[table]} FROM {table} WHERE {found[0]})", found[1])


# A first page of a character or pair: the fast plan depends on how many cases have it, and the planner's guess
# for one outside its statistics is off by thousands (at 1M it walked all rows newest-first for a character no
# case has: 0.75 s). So the index is asked first for at most PROBE of them: fewer are the whole answer, sorted
# here (~15 ms at 1M); PROBE or more, and the newest-first walk fills the page soon (~35 ms with the probe).
PROBE = 1000


def newest_statement(text: str, limit: int, table: str = "case_search", descending: bool = True
                     ) -> tuple[str, tuple] | None:
    found = _condition(text, walk=True)
    if found is None:
        return None
    key, tail = _KEY[table], " LIMIT ?" if limit else ""
    order = f"ORDER BY {key} {'DESC' if descending else 'ASC'}"
    walk = f"SELECT {key} FROM {table} WHERE {found[0]} {order}{tail}"
    probe = _condition(text)
    if not limit or not probe[0].startswith(GRAMS):
        return walk, (*found[1], limit) if limit else found[1]
    return (f"WITH few AS MATERIALIZED (SELECT {key} FROM {table} WHERE {probe[0]} LIMIT ?), "
            f"n AS MATERIALIZED (SELECT count(*) AS n FROM few) "
            f"SELECT {key} FROM ((SELECT {key} FROM few WHERE (SELECT n FROM n) < ? {order} LIMIT ?) UNION ALL "
            f"(SELECT {key} FROM {table} WHERE (SELECT n FROM n) >= ? AND {found[0]} {order} LIMIT ?)) page {order}",
            (*probe[1], PROBE, PROBE, limit, PROBE, *found[1], limit))


def count_statement(text: str, table: str = "case_search") -> tuple[str, tuple] | None:
    found = _condition(text)
    return None if found is None else (f"SELECT count(*) FROM {table} WHERE {found[0]}", found[1])


def clear_statement(table: str) -> str:
    return f"DELETE FROM {table}"

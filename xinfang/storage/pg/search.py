"""Substring search on PostgreSQL (issue 12 §1): the counterpart of storage/search.py's FTS5 index.

A case's searchable text is folded exactly as on SQLite (NFKC, lower case) into one `doc`:
- names and text (summary, content, demands, place, category): every run of punctuation or spaces
  becomes one '|', so a match never spans a comma — like the separator token of the FTS5 columns;
- identifiers (case number, ID numbers, phones, work-order number): punctuation inside is dropped
  ("2025-信-000123" → "2025信000123"), so "信000123" finds it, as on SQLite;
- fields are joined by '|'. A query is folded by search.normalise_query, which keeps word characters
  only, so it never contains '|'.

pg_trgm's GIN index answers `doc LIKE '%q%'` for 3 or more characters but extracts no trigram from
1–2 (it then reads the whole index). `grams` holds the distinct characters and adjacent character pairs
of `doc` (none spanning a '|'), so a 1–2-character query is one GIN array lookup with no recheck.
bench/bench_pg_search.py measures both at 1,000,000 cases.
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


def document(number: str, names: list[str], ids: list[str], body_parts: list[str]) -> tuple[str, list[str]]:
    """(doc, grams) of a case; the same arguments as search.document on SQLite."""
    fields = [_identifier(number), *(_text(n) for n in names), *(_identifier(v) for v in ids),
              *(_text(p) for p in body_parts)]
    doc = SEPARATOR.join(f for f in fields if f)
    return doc, grams_of(doc)


def grams_of(doc: str) -> list[str]:
    found: set[str] = set()
    for piece in doc.split(SEPARATOR):
        found.update(piece)
        found.update(map(str.__add__, piece, piece[1:]))
    return list(found)                    # order does not matter to the array index


def _like_pattern(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def condition(text: str) -> tuple[str, tuple] | None:
    """The WHERE condition on case_search for a substring query, or None when nothing is searchable."""
    q = lite.normalise_query(text)
    if not q:
        return None
    if len(q) <= 2:
        return "grams @> ARRAY[%s]::text[]", (q,)
    return "doc LIKE %s", (_like_pattern(q),)


# ---- the statements the stores run, in their SQLite form (`?`; pg/connection.py rewrites them) -----------
_KEY = {"case_search": "case_id", "dispute_search": "dispute_id"}


def index_statement(row: int, number: str, names: list[str], ids: list[str], body_parts: list[str],
                    table: str = "case_search") -> tuple[str, tuple]:
    doc, grams = document(number, names, ids, body_parts)
    return f"INSERT INTO {table}({_KEY[table]}, doc, grams) VALUES (?, ?, ?)", (row, doc, grams)


def _condition(text: str) -> tuple[str, tuple] | None:
    found = condition(text)
    return None if found is None else (found[0].replace("%s", "?"), found[1])


def ids_condition(text: str, table: str = "case_search", column: str = "id") -> tuple[str, tuple] | None:
    found = _condition(text)
    return None if found is None else (
        f"{column} IN (SELECT {_KEY[table]} FROM {table} WHERE {found[0]})", found[1])


def newest_statement(text: str, limit: int, table: str = "case_search", descending: bool = True
                     ) -> tuple[str, tuple] | None:
    found = _condition(text)
    if found is None:
        return None
    key, tail = _KEY[table], " LIMIT ?" if limit else ""
    return (f"SELECT {key} FROM {table} WHERE {found[0]} ORDER BY {key} {'DESC' if descending else 'ASC'}{tail}",
            (*found[1], limit) if limit else found[1])


def count_statement(text: str, table: str = "case_search") -> tuple[str, tuple] | None:
    found = _condition(text)
    return None if found is None else (f"SELECT count(*) FROM {table} WHERE {found[0]}", found[1])


def clear_statement(table: str) -> str:
    return f"DELETE FROM {table}"

"""Substring search on FTS5 without trigrams (which miss 1–2 character queries on SQLite 3.40).

Text columns (names, body) index one token per character, so any substring is a phrase query.
Number columns (case number, ID numbers, phones) index 4-grams of every letter/digit run, plus the
run's last 1–3 characters in `tails`, so a digit query never walks a posting list as long as the table.
Punctuation becomes a separator token that no query produces, so a phrase never spans a comma.
"""
from __future__ import annotations

import re
import unicodedata

SEPARATOR = "zz"     # never produced by a query: letters are indexed one per token
_ALNUM = re.compile(r"[0-9A-Za-z]+")
GRAM = 4


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def char_tokens(text: str) -> str:
    """One token per letter/digit/ideograph; runs of anything else become one separator."""
    out: list[str] = []
    for ch in _fold(text):
        if _is_word_char(ch):
            out.append(ch)
        elif out and out[-1] != SEPARATOR:
            out.append(SEPARATOR)
    return " ".join(out)


def _grams(run: str) -> list[str]:
    if len(run) < GRAM:
        return [run]
    return [run[i:i + GRAM] for i in range(len(run) - GRAM + 1)]


def code_tokens(text: str) -> tuple[str, str]:
    """(grams, tails) for identifiers: 4-grams of alnum runs, ideographs as themselves."""
    grams: list[str] = []
    tails: list[str] = []
    for piece in re.findall(r"[0-9a-z]+|[^\W\d_a-z]|[\W_]+", _fold(text)):
        if _ALNUM.fullmatch(piece):
            grams.extend(_grams(piece))
            tails.extend(piece[-k:] for k in range(1, min(3, len(piece) - 1) + 1))
        elif _is_word_char(piece):
            grams.append(piece)
        # punctuation inside one identifier (2025-信-000123, 010-1234) is dropped, not a separator
    return " ".join(grams), " ".join(tails)


COLUMNS = ("number", "names", "ids", "codes", "body")


def _grams_and_tails(values: list[str]) -> str:
    """4-grams of every letter/digit run, runs apart; their 1–3 character tails at the end (behind a
    separator, so the grams of one run stay adjacent for phrase queries)."""
    grams, tails = [], []
    for value in values:
        for run in _ALNUM.findall(_fold(value)):
            grams.append(" ".join(_grams(run)))
            tails.extend(run[-k:] for k in range(1, min(3, len(run) - 1) + 1))
    return f" {SEPARATOR} ".join(grams) + (f" {SEPARATOR} {' '.join(tails)}" if tails else "")


def document(number: str, names: list[str], ids: list[str], body_parts: list[str]) -> tuple[str, ...]:
    """The indexed columns of a case, in COLUMNS order.

    `codes` repeats the letter/digit runs of names and text as 4-grams, so an all-digit query
    ("2025", "3000", "13812") never walks the one-token-per-digit posting lists of `body`."""
    num_grams, num_tails = code_tokens(number)
    id_grams, id_tails = [], []
    for value in ids:
        g, t = code_tokens(value)
        if g:
            id_grams.append(g)
            id_tails.append(t)
    tails = " ".join(x for x in [num_tails, *id_tails] if x)
    return (
        num_grams,
        f" {SEPARATOR} ".join(char_tokens(n) for n in names if n),
        f" {SEPARATOR} ".join(id_grams) + (f" {SEPARATOR} {tails}" if tails else ""),
        _grams_and_tails([*names, *body_parts]),
        f" {SEPARATOR} ".join(char_tokens(p) for p in body_parts if p),
    )


def normalise_query(text: str) -> str:
    return "".join(ch for ch in _fold(text) if _is_word_char(ch))


def match_expression(text: str) -> str | None:
    """The FTS5 MATCH expression for a substring query, or None when nothing is searchable."""
    q = normalise_query(text)
    if not q:
        return None
    if _ALNUM.fullmatch(q):
        # letters/digits only: a match lies inside one run, which every column indexes as 4-grams
        if len(q) >= GRAM:
            return f'{{number ids codes}} : "{" ".join(_grams(q))}"'
        return f"{{number ids codes}} : {q}*"
    text_match = f'{{names body}} : "{" ".join(q)}"'
    runs = [r for r in _ALNUM.findall(q) if len(r) >= GRAM]
    if runs:
        # a digit/letter run of the query lies inside one run of the text, which `codes` indexes as
        # 4-grams: requiring it lets FTS5 skip ahead instead of walking every per-digit posting list
        longest = max(runs, key=len)
        text_match = f'{text_match} AND {{codes}} : "{" ".join(_grams(longest))}"'
    parts = [text_match]
    grams, _ = code_tokens(q)          # e.g. "信-000123": ideographs and digits of a case number
    if grams:
        parts.append(f'{{number ids}} : "{grams}"')
    return " OR ".join(f"({p})" for p in parts)


# ---- the statements the stores run (pg/search.py has the same four for PostgreSQL) ---------------------
# `table`: case_search (rowid = cases.id) or dispute_search (rowid = disputes.id); `column`: the id it matches.
def index_statement(row: int, number: str, names: list[str], ids: list[str], body_parts: list[str],
                    table: str = "case_search") -> tuple[str, tuple]:
    return (f"INSERT INTO {table}(rowid, {', '.join(COLUMNS)}) VALUES (?, {', '.join('?' * len(COLUMNS))})",
            (row, *document(number, names, ids, body_parts)))


def ids_condition(text: str, table: str = "case_search", column: str = "id") -> tuple[str, tuple] | None:
    """A condition on `column` for the rows whose text holds `text`; None when nothing is searchable."""
    expr = match_expression(text)
    return None if expr is None else (f"{column} IN (SELECT rowid FROM {table} WHERE {table} MATCH ?)", (expr,))


def newest_statement(text: str, limit: int, table: str = "case_search", descending: bool = True
                     ) -> tuple[str, tuple] | None:
    # straight from the index, which FTS5 walks in rowid order; limit 0: all
    expr = match_expression(text)
    tail = " LIMIT ?" if limit else ""
    return None if expr is None else (
        f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid {'DESC' if descending else 'ASC'}{tail}",
        (expr, limit) if limit else (expr,))


def count_statement(text: str, table: str = "case_search") -> tuple[str, tuple] | None:
    expr = match_expression(text)
    return None if expr is None else (f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (expr,))


def clear_statement(table: str) -> str:
    return f"INSERT INTO {table}({table}) VALUES ('delete-all')"

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


def document(number: str, names: list[str], ids: list[str], body_parts: list[str]) -> dict[str, str]:
    """The four indexed columns of a case (plus tails folded into `ids`)."""
    num_grams, num_tails = code_tokens(number)
    id_grams, id_tails = [], []
    for value in ids:
        g, t = code_tokens(value)
        if g:
            id_grams.append(g)
            id_tails.append(t)
    tails = " ".join(x for x in [num_tails, *id_tails] if x)
    return {
        "number": num_grams,
        "names": f" {SEPARATOR} ".join(char_tokens(n) for n in names if n),
        # tails live at the end of the ids column, behind a separator, so grams stay adjacent
        "ids": f" {SEPARATOR} ".join(id_grams) + (f" {SEPARATOR} {tails}" if tails else ""),
        "body": f" {SEPARATOR} ".join(char_tokens(p) for p in body_parts if p),
    }


def normalise_query(text: str) -> str:
    return "".join(ch for ch in _fold(text) if _is_word_char(ch))


def match_expression(text: str) -> str | None:
    """The FTS5 MATCH expression for a substring query, or None when nothing is searchable."""
    q = normalise_query(text)
    if not q:
        return None
    chars = " ".join(q)
    parts = [f'{{names body}} : "{chars}"']
    if _ALNUM.fullmatch(q):
        if len(q) >= GRAM:
            parts.append(f'{{number ids}} : "{" ".join(_grams(q))}"')
        else:
            parts.append(f"{{number ids}} : {q}*")
    else:
        grams, _ = code_tokens(q)
        if grams:
            parts.append(f'{{number ids}} : "{grams}"')
    return " OR ".join(f"({p})" for p in parts)

"""The full check's fast path over a range of cases (issue 6 §2: ≤ 120 s at 1,000,000 cases).

SQLite builds, for every case event, most of the text its hash is taken over (`json_array` writes what
`ledger.event_hash` writes for text and integers; Python puts the previous hash and the case uuid in front)
and picks the state digest out of the payload; Python hashes. A case passes here when its chain verifies, its
row's count and head are its newest event's, and its rows' digest is the one that event carries or that was
sealed for it (storage/digests.py). Anything else is
not judged here: the caller checks that case the slow, exact way (verify.chain_problems and the replay), which
also words the finding. So this path can only ever be too cautious, never too lenient."""
from __future__ import annotations

import hashlib
import sqlite3
from json.encoder import encode_basestring as _quote   # what json.dumps quotes with
from itertools import islice
from typing import Iterator

from . import digests, projection
from .ledger import GENESIS

_KEY = '"state_digest": "'

# (case id, seq, action, at, prev_hash, hash, the hashed text after its first two items, digest carried or NULL)
_EVENTS = ("SELECT case_id, seq, action, at, prev_hash, hash, "
           "json_array(seq, action, at, recorded_at, actor, payload), "
           f"CASE WHEN instr(payload, '{_KEY}') > 0 "
           f"THEN substr(payload, instr(payload, '{_KEY}') + {len(_KEY)}, 64) END "
           "FROM events WHERE case_id BETWEEN ? AND ? ORDER BY case_id, seq")


# The same on a server, whose JSON functions write other text: Python builds it from the columns.
_PLAIN = ("SELECT case_id, seq, action, at, prev_hash, hash, recorded_at, actor, payload "
          "FROM events WHERE case_id BETWEEN ? AND ? ORDER BY case_id, seq")


def case_events(conn: sqlite3.Connection, between: tuple[int, int]) -> Iterator[tuple[int, list[tuple]]]:
    """(case id, its events as (seq, action, at, prev_hash, hash, text, carried)) for every case id in the range
    that has events, in id order."""
    if not isinstance(conn, sqlite3.Connection):
        return projection.grouped(_Rows(_built_here(conn.execute(_PLAIN, between))))
    return projection.grouped(conn.execute(_EVENTS, between))


def _built_here(cur) -> Iterator[tuple]:
    for cid, seq, action, at, prev, h, rec, actor, payload in cur:
        try:
            if type(seq) is not int:
                raise TypeError
            rest = f"[{seq},{_quote(action)},{_quote(at)},{_quote(rec)},{_quote(actor)},{_quote(payload)}]"
        except TypeError:                  # not all text: the hash will not match, the exact way words it
            yield cid, seq, action, at, prev, h, "", None
            continue
        yield cid, seq, action, at, prev, h, rest, digests.in_payload(payload)


class _Rows:
    """An iterator of rows with the cursor's fetchmany (projection.grouped reads in chunks)."""

    def __init__(self, rows: Iterator[tuple]):
        self.rows = rows

    def fetchmany(self, size: int) -> list[tuple]:
        return list(islice(self.rows, size))


def passes(events: list[tuple], uuid: str, count: int, head_hash: str, rows_digest: str | None,
           sealed: list[tuple[int, str]] | None) -> bool:
    """Whether one case verifies on the fast path (see the module text)."""
    sha = hashlib.sha256
    expect_prev, expect_seq = GENESIS, 1
    key = _quote(uuid)
    for seq, _action, _at, prev, h, rest, _carried in events:
        if seq != expect_seq or prev != expect_prev or \
                sha(f"[{_quote(prev)},{key},{rest[1:]}".encode("utf-8")).hexdigest() != h:
            return False
        expect_prev, expect_seq = h, seq + 1
    if not events or count != len(events) or head_hash != expect_prev or rows_digest is None:
        return False
    last = events[-1]
    return last[6] == rows_digest or any(s == last[0] and d == rows_digest for s, d in sealed or ())

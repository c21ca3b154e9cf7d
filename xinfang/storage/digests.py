"""State digests: what lets the full check at 1,000,000 cases hash each case's rows once instead of replaying
every event (issue 6 §2).

A case's state digest is the sha256 of its projection (storage/projection.py) in one canonical JSON text,
leaving out the parts that hold their default (so a column added by a later migration changes nothing).
`Store.append_event` writes the digest of the projection after the event into the event's payload
(`state_digest`), where the event's hash covers it. A case whose newest event carries none (written before
migration 0050, or by a bulk load) gets its digest sealed in `projection_digests`: computed from the replay of
its events, never from its rows, in a batch vouched for by a `digest_batch` record whose event states the
batch's row count and a hash over its rows (so the rows are a tamper target the check covers too).

A digest only ever confirms: when the rows' digest equals the one vouched for, the rows are what the events
say; when it differs, or none is known, the check replays the events as before and names what differs."""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import uuid as uuidlib
from datetime import datetime
from json.encoder import encode_basestring as _quote   # what json.dumps and SQLite's json_array quote with
from typing import Any, Callable, Iterator

from . import ledger, projection
from .db import transaction
from .verify_engine import stream

KIND = "digest_batch"
Progress = Callable[[int, int], Any]

# json.dumps(sort_keys=True) writes top-level keys in order; a quote inside any text value is escaped, so this
# can only match the payload's own key.
_IN_PAYLOAD = re.compile(r'"state_digest": "([0-9a-f]{64})"')


_TEXT: dict[tuple, str] = {}


def _text_sql(conn: sqlite3.Connection) -> str:
    """The SQL expression (over `cases c`) of a case's projection as one JSON text, built by SQLite itself (at
    1M cases that is most of the saving): the projected columns in table order, then petitioners (by
    position), clocks (by step), repeat links (by the earlier case's uuid) and attachments (by id). A column
    added by a later migration changes every case's text: such a migration seals the digests anew (`seal`);
    until then the check replays, which is slower but as sure."""
    cols = tuple(c for c, _ in projection.case_columns(conn))
    hit = _TEXT.get(cols)
    if hit is None:
        def group(select: str) -> str:
            return f"coalesce((SELECT json_group_array(json(x)) FROM ({select}) ), '[]')"
        hit = " || '|' || ".join([
            f"json_array({', '.join('c.' + c for c in cols)})",
            group(f"SELECT json_array({projection.PETITIONER_COLS}) AS x FROM petitioners "
                  "WHERE case_id = c.id ORDER BY pos"),
            group(f"SELECT json_array({projection.CLOCK_COLS}) AS x FROM clocks WHERE case_id = c.id ORDER BY step"),
            group("SELECT json_array(e.uuid, r.person, r.similarity) AS x FROM repeats r "
                  "JOIN cases e ON e.id = r.earlier_id WHERE r.case_id = c.id ORDER BY e.uuid"),
            group("SELECT json_array(filename, stored_path, sha256, size, added_at) AS x FROM attachments "
                  "WHERE case_id = c.id ORDER BY id")])
        _TEXT.clear()
        _TEXT[cols] = hit
    return hit


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def row_digest(conn: sqlite3.Connection, case_id: int) -> str | None:
    """The state digest of one case as its rows hold it now (None: no such case). SQLite builds the text with its
    JSON functions; a server's write other text, so there Python builds the same text from the rows."""
    if not isinstance(conn, sqlite3.Connection):
        return _one_built_here(conn, case_id)
    row = conn.execute(f"SELECT {_text_sql(conn)} FROM cases c WHERE c.id = ?", (case_id,)).fetchone()
    return _sha(row[0]) if row else None


def row_digests(conn: sqlite3.Connection, ids: list[int] | None = None,
                between: tuple[int, int] | None = None) -> Iterator[tuple[int, str]]:
    """(case id, state digest of its rows) in id order: every case, the cases `ids`, or ids in `between`."""
    if not isinstance(conn, sqlite3.Connection):
        yield from _built_here(conn, ids, between)
        return
    expr = _text_sql(conn)
    if ids is not None:
        for cid in sorted(set(ids)):
            d = row_digest(conn, cid)
            if d is not None:
                yield cid, d
        return
    lo, hi = between or (-(2 ** 63), 2 ** 63 - 1)
    cur = conn.execute(f"SELECT c.id, {expr} FROM cases c WHERE c.id BETWEEN ? AND ? ORDER BY c.id", (lo, hi))
    sha = hashlib.sha256
    while True:
        rows = cur.fetchmany(2000)
        if not rows:
            return
        for cid, text in rows:
            yield cid, sha(text.encode("utf-8")).hexdigest()


# ---- the same text built in Python from the rows (a server: its JSON functions write other text) -------------
def _json_value(v) -> str:
    """A value as SQLite 3's json_array writes it: text quoted like json.dumps(ensure_ascii=False), a real with
    15 significant digits and always a decimal point ("%!.15g")."""
    if v is None:
        return "null"
    if isinstance(v, str):
        return _quote(v)
    if isinstance(v, float):
        text = "%.15g" % v
        mantissa, e, exponent = text.partition("e")
        if "." not in mantissa and mantissa.lstrip("-").isdigit():
            mantissa += ".0"
        return mantissa + e + exponent
    return str(int(v))


def _array(values) -> str:
    return "[" + ",".join(map(_json_value, values)) + "]"


def projection_text(cols: list[str], state: dict) -> str:
    """The text `_text_sql` has SQLite build, from a projection (storage/projection.all_current)."""
    clocks = [[step, *rest] for step, rest in sorted(state["clocks"].items())]
    groups = [state["petitioners"], clocks, state["repeats"], state["attachments"]]
    return "|".join([_array(state[c] for c in cols),
                     *("[" + ",".join(_array(r) for r in rows) + "]" for rows in groups)])


def _built_here(conn, ids: list[int] | None, between: tuple[int, int] | None) -> Iterator[tuple[int, str]]:
    cols = [c for c, _ in projection.case_columns(conn)]
    for cid, state in projection.all_current(conn, ids, between):
        yield cid, _sha(projection_text(cols, state))


_ONE: dict[tuple, str] = {}


def _one_built_here(conn, case_id: int) -> str | None:
    """`row_digest` on a server in one round trip (every registration and action asks): the parts come as
    JSON the driver parses, Python writes SQLite's text from them."""
    cols = tuple(c for c, _ in projection.case_columns(conn))
    sql = _ONE.get(cols)
    if sql is None:
        def group(fields: str, rest: str, order: str) -> str:
            return f"(SELECT coalesce(json_agg(json_build_array({fields}) ORDER BY {order}), '[]'::json) {rest})"
        sql = (f"SELECT json_build_array({', '.join('c.' + c for c in cols)}), "
               + ", ".join([
                   group(projection.PETITIONER_COLS, "FROM petitioners WHERE case_id = c.id", "pos"),
                   group(projection.CLOCK_COLS, "FROM clocks WHERE case_id = c.id", "step"),
                   group("e.uuid, r.person, r.similarity", "FROM repeats r JOIN cases e ON e.id = r.earlier_id "
                         "WHERE r.case_id = c.id", "e.uuid"),
                   group("filename, stored_path, sha256, size, added_at", "FROM attachments WHERE case_id = c.id",
                         "id")])
               + " FROM cases c WHERE c.id = ?")
        _ONE.clear()
        _ONE[cols] = sql
    row = conn.execute(sql, (case_id,)).fetchone()
    if row is None:
        return None
    case, petitioners, clocks, repeats, attachments = row
    # JSON has no real type: a similarity of 1.0 comes back as 1, which SQLite writes as 1.0
    repeats = [[u, p, None if s is None else float(s)] for u, p, s in repeats]
    state = dict(zip(cols, case), petitioners=petitioners, clocks={c[0]: c[1:] for c in clocks},
                 repeats=repeats, attachments=attachments)
    return _sha(projection_text(list(cols), state))


def in_payload(payload: str) -> str | None:
    """The state digest an event's payload text carries, or None (events from before version 50)."""
    m = _IN_PAYLOAD.search(payload)
    return m.group(1) if m else None


def sealed(conn: sqlite3.Connection, ids: list[int] | None = None,
           between: tuple[int, int] | None = None) -> dict[int, list[tuple[int, str]]]:
    """{case id: [(seq, digest), …]} of the sealed digests of the given cases."""
    out: dict[int, list[tuple[int, str]]] = {}
    if ids is not None:
        rows: Iterator = (r for cid in sorted(set(ids)) for r in conn.execute(
            "SELECT case_id, seq, digest FROM projection_digests WHERE case_id = ?", (cid,)))
    else:
        lo, hi = between or (-(2 ** 63), 2 ** 63 - 1)
        rows = conn.execute("SELECT case_id, seq, digest FROM projection_digests WHERE case_id BETWEEN ? AND ?",
                            (lo, hi))
    for cid, seq, digest in rows:
        out.setdefault(cid, []).append((seq, digest))
    return out


def _row_line(case_id: int, seq: int, digest: str) -> bytes:
    return f"{case_id}|{seq}|{digest}\n".encode()


def seal(conn: sqlite3.Connection, now: datetime, first_id: int | None = None,
         progress: Progress | None = None, batch_size: int = 5000) -> int:
    """Seal the digest of every case (with id ≥ `first_id` when given) whose newest event carries none and which
    has no sealed digest for it yet, computed from the replay of its events; one batch record for all of them,
    in the caller's transaction (or one of its own). Returns how many were sealed."""
    from . import verify
    defaults = dict(projection.case_columns(conn))
    lo = first_id if first_id is not None else -(2 ** 63)
    total = conn.execute("SELECT count(*) FROM cases WHERE id >= ?", (lo,)).fetchone()[0]
    if not total:
        return 0
    batch = str(uuidlib.uuid4())
    root = hashlib.sha256()
    rows: list[tuple] = []
    n = done = 0
    with transaction(conn):
        have = set(conn.execute("SELECT case_id, seq, digest FROM projection_digests WHERE case_id >= ?", (lo,)))
        span = (lo, 2 ** 63 - 1)
        current = Peek(projection.all_current(conn, None, span))
        texts = Peek(row_digests(conn, None, span))
        for row, cid, events in verify.case_chains(conn, between=span):
            done += 1
            if row is None or not events:
                continue
            actual, d = current.get(cid), texts.get(cid)
            if d is None or in_payload(events[-1][5]) == d or (cid, events[-1][0], d) in have:
                continue
            # vouch only for rows that are what the events say (a case already changed behind the program's
            # back stays unsealed, so the check replays it and reports it)
            if actual is None or projection.mismatches(projection.replay([payload_dict(e[5]) for e in events]),
                                                       actual, defaults):
                continue
            rows.append((cid, events[-1][0], batch, d))
            root.update(_row_line(cid, events[-1][0], d))
            n += 1
            if len(rows) >= batch_size:
                conn.executemany("INSERT INTO projection_digests(case_id, seq, batch, digest) VALUES (?,?,?,?)", rows)
                rows.clear()
                if progress is not None:
                    progress(done, total)
        if rows:
            conn.executemany("INSERT INTO projection_digests(case_id, seq, batch, digest) VALUES (?,?,?,?)", rows)
        if n:
            at = now.replace(microsecond=0).isoformat()
            conn.execute("INSERT INTO digest_batches(uuid, cases, created_at) VALUES (?, ?, ?)", (batch, n, at))
            ledger.append(conn, KIND, batch, "seal", at, at, "system", {"cases": n, "root": root.hexdigest()})
    return n


def batch_problems(conn: sqlite3.Connection) -> list[str]:
    """Every sealed digest belongs to a batch whose event states its row count and hash: a row changed, added or
    removed behind the program's back is reported here (the per-case comparison then cannot trust any)."""
    stated: dict[str, tuple[int, str]] = {}
    for record, payload in conn.execute("SELECT record, payload FROM record_events WHERE kind = ? ORDER BY record, seq",
                                        (KIND,)):
        data = payload_dict(payload)
        stated[record] = (data.get("cases"), data.get("root"))
    found: dict[str, list] = {}
    # in (case_id, seq, batch) order: each batch's rows come in the order its hash was taken
    for cid, seq, batch, digest in stream(conn, "SELECT case_id, seq, batch, digest FROM projection_digests "
                                                "ORDER BY case_id, seq, batch"):
        acc = found.get(batch)
        if acc is None:
            acc = found[batch] = [0, hashlib.sha256()]
        acc[0] += 1
        acc[1].update(_row_line(cid, seq, digest))
    out = []
    for batch in sorted(set(found) | set(stated)):
        n, root = found.get(batch, (0, None))
        if batch not in stated:
            out.append(f"投影摘要表中有 {n} 条不属于任何摘要批次的记录（{batch}，被绕过程序写入）")
        elif stated[batch] != (n, root.hexdigest() if root else hashlib.sha256().hexdigest()):
            out.append(f"投影摘要批次 {batch} 的记录与其事件所记不符（摘要记录被增删或改动）")
    return out


class Peek:
    """An id-ordered iterator of (id, value), asked for ids in increasing order."""

    def __init__(self, it: Iterator[tuple[int, Any]]):
        self.it, self.head = it, next(it, None)

    def get(self, cid: int) -> Any:
        while self.head is not None and self.head[0] < cid:
            self.head = next(self.it, None)
        return self.head[1] if self.head is not None and self.head[0] == cid else None


def payload_dict(text: str) -> dict:
    """An event's payload text as a dict ({} when it is not a JSON object)."""
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}

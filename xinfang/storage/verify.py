"""Verifying what storage/ledger.py wrote: the global ledger, each record's chain against its row's count and
head, the append-only triggers, the search index. Findings are Chinese sentences; the walk over the whole
database reports progress as (done, total) in ledger entries or rows."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from .dialect import dialect_of
from .verify_engine import stream
from .ledger import GENESIS, KINDS, chain_key, event_hash, ledger_hash

Progress = Callable[[int, int], Any]

# The append-only triggers as shipped (migrations 0001, 0002, 0036 and 0050; a test compares them with schema.sql).
SHIPPED_TRIGGERS = {
    "events_no_update": ("events", "BEFORE UPDATE", "事件记录只能追加，不能修改"),
    "events_no_delete": ("events", "BEFORE DELETE", "事件记录只能追加，不能删除"),
    "record_events_no_update": ("record_events", "BEFORE UPDATE", "事件记录只能追加，不能修改"),
    "record_events_no_delete": ("record_events", "BEFORE DELETE", "事件记录只能追加，不能删除"),
    "ledger_no_update": ("ledger", "BEFORE UPDATE", "账本只能追加，不能修改"),
    "ledger_no_delete": ("ledger", "BEFORE DELETE", "账本只能追加，不能删除"),
    "purged_events_no_update": ("purged_events", "BEFORE UPDATE", "清除记录只能追加，不能修改"),
    "purged_events_no_delete": ("purged_events", "BEFORE DELETE", "清除记录只能追加，不能删除"),
    "projection_digests_no_update": ("projection_digests", "BEFORE UPDATE", "摘要记录只能追加，不能修改"),
    "projection_digests_no_delete": ("projection_digests", "BEFORE DELETE", "摘要记录只能追加，不能删除"),
}


def trigger_sql(name: str) -> str:
    table, when, message = SHIPPED_TRIGGERS[name]
    return f"CREATE TRIGGER {name} {when} ON {table}\nBEGIN SELECT RAISE(ABORT, '{message}'); END"


@dataclass
class LedgerWalk:
    problems: list[str]
    head: tuple[int, str]          # the last entry walked (or the starting point when none)
    entries: int                   # entries walked
    kinds: dict[str, int]          # entries walked per record kind


def shipped_triggers(conn) -> list[str]:
    """The names of the append-only triggers this engine's schema ships (a server adds TRUNCATE ones)."""
    if dialect_of(conn).server:
        from .pg.verify import SHIPPED_TRIGGERS as ON_SERVER
        return list(ON_SERVER)
    return list(SHIPPED_TRIGGERS)


def trigger_problems(conn: sqlite3.Connection) -> list[str]:
    if dialect_of(conn).server:
        from .pg import verify as pg_verify
        return pg_verify.trigger_problems(conn)
    found = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    out = []
    for name in SHIPPED_TRIGGERS:
        if name not in found:
            out.append(f"只追加保护触发器 {name} 不存在（被删除）")
        elif found[name] != trigger_sql(name):
            out.append(f"只追加保护触发器 {name} 与程序发布的不一致（被改动）")
    return out


def entry_at(conn: sqlite3.Connection, seq: int) -> str | None:
    return conn.execute("SELECT hash FROM ledger WHERE seq = ?", (seq,)).fetchone()[0] \
        if conn.execute("SELECT 1 FROM ledger WHERE seq = ?", (seq,)).fetchone() else None


def ledger_count(conn: sqlite3.Connection, after_seq: int = 0) -> int:
    last = conn.execute("SELECT coalesce(max(seq), 0) FROM ledger").fetchone()[0]
    return max(0, last - after_seq)


def walk_ledger(conn: sqlite3.Connection, after_seq: int = 0, after_hash: str = GENESIS,
                progress: Progress | None = None, limit: int = 100) -> LedgerWalk:
    """Walk the ledger after `after_seq` (whose hash must be `after_hash`): sequence without gaps, every hash
    recomputed from the previous one and the event's stored hash, every event present, event ids of a kind
    increasing (so none is listed twice). Event contents are checked against their hashes by `walk_records`."""
    total = ledger_count(conn, after_seq)
    problems: list[str] = []
    seq_expect, prev = after_seq + 1, after_hash
    last_id: dict[str, int] = {}
    kinds: dict[str, int] = {}
    done = 0
    cur = stream(
        conn,
        "SELECT l.seq, l.kind, l.event_id, l.hash, "
        "coalesce(CASE WHEN l.kind = 'case' THEN (SELECT hash FROM events WHERE id = l.event_id) "
        "ELSE (SELECT hash FROM record_events WHERE id = l.event_id AND kind = l.kind) END, "
        # an event removed by a recorded 清除 (storage/purge.py) left its hash here
        "(SELECT hash FROM purged_events p WHERE p.kind = l.kind AND p.event_id = l.event_id)) "
        "FROM ledger l WHERE l.seq > ? ORDER BY l.seq", (after_seq,))
    while True:
        rows = cur.fetchmany(20_000)
        if not rows:
            break
        for seq, kind_name, event_id, h, ev_hash in rows:
            if len(problems) >= limit:
                break
            if seq != seq_expect:
                problems.append(f"账本第 {seq_expect} 至 {seq - 1} 条缺失（记录被删除）")
            if ev_hash is None:
                problems.append(f"账本第 {seq} 条记载的事件（{_kind_label(kind_name)}，事件 {event_id}）不存在（被删除）")
            elif ledger_hash(prev, seq, kind_name, event_id, ev_hash) != h:
                problems.append(f"账本第 {seq} 条的哈希不符（该条或其事件被改动）")
            if event_id <= last_id.get(kind_name, 0):
                problems.append(f"账本第 {seq} 条重复或乱序地记载了事件 {event_id}")
            last_id[kind_name] = event_id
            kinds[kind_name] = kinds.get(kind_name, 0) + 1
            seq_expect, prev = seq + 1, h
        done += len(rows)
        if progress is not None:
            progress(min(done, total), total)
    return LedgerWalk(problems, (seq_expect - 1, prev), done, kinds)


def unledgered_events(conn: sqlite3.Connection, since: dict[str, int], walked: dict[str, int]) -> list[str]:
    """Events not listed in the ledger (written behind its back) or listed but gone: the events of each kind
    newer than `since[kind]` (the newest event id the ledger listed at the walk's starting point) against the
    ledger entries the walk saw for that kind."""
    out = []
    stored = {"case": conn.execute("SELECT count(*) FROM events WHERE id > ?", (since.get("case", 0),)).fetchone()[0]}
    for name, n in conn.execute("SELECT kind, count(*) FROM record_events GROUP BY kind"):
        after = since.get(name, 0)
        stored[name] = n if not after else conn.execute(
            "SELECT count(*) FROM record_events WHERE kind = ? AND id > ?", (name, after)).fetchone()[0]
    for name, n in conn.execute("SELECT kind, count(*) FROM purged_events GROUP BY kind").fetchall():
        if since.get(name):
            n = conn.execute("SELECT count(*) FROM purged_events WHERE kind = ? AND event_id > ?",
                             (name, since[name])).fetchone()[0]
        stored[name] = stored.get(name, 0) + n          # removed by a recorded 清除: still accounted for
    for name in sorted(set(walked) | set(stored)):
        a, b = stored.get(name, 0), walked.get(name, 0)
        if a > b:
            out.append(f"{_kind_label(name)}的事件有 {a - b} 条不在账本中（绕过程序写入）")
        elif a < b:
            out.append(f"{_kind_label(name)}的事件比账本记载的少 {b - a} 条（被删除）")
    return out


def purge_problems(conn: sqlite3.Connection) -> list[str]:
    """Every tombstone in purged_events belongs to a 清除 recorded in the ledger (a demo_load record's purge
    event that counts exactly that many removed events): a deletion behind the program's back cannot pass as one."""
    import json
    counted: dict[str, int] = {}
    for record, payload in conn.execute("SELECT record, payload FROM record_events "
                                        "WHERE kind = 'demo_load' AND action = 'purge'"):
        try:
            n = int(json.loads(payload).get("tombstones", -1))
        except (ValueError, TypeError, AttributeError):
            n = -1
        counted[record] = counted.get(record, 0) + n
    out = []
    for purge, n in conn.execute("SELECT purge, count(*) FROM purged_events GROUP BY purge"):
        if purge not in counted:
            out.append(f"有 {n} 条事件被删除，只留下了哈希，但账本中没有对应的“清除演示数据”记录（{purge}）")
        elif counted[purge] != n:
            out.append(f"“清除演示数据”记录 {purge} 记载删除 {counted[purge]} 条事件，实有删除痕迹 {n} 条")
    return out


def event_ids_at(conn: sqlite3.Connection, seq: int) -> dict[str, int]:
    """For each kind, the newest event id the ledger had listed up to entry `seq` (ids grow with seq)."""
    if seq <= 0:
        return {}
    out = {}
    row = conn.execute("SELECT event_id FROM ledger WHERE kind = 'case' AND seq <= ? ORDER BY seq DESC LIMIT 1",
                       (seq,)).fetchone()
    out["case"] = row[0] if row else 0
    for name, top in conn.execute("SELECT kind, max(event_id) FROM ledger "
                                  "WHERE kind <> 'case' AND seq <= ? GROUP BY kind", (seq,)):
        out[name] = top
    return out


def _kind_label(name: str) -> str:
    k = KINDS.get(name)
    return k.label if k else name


# ---- per-record chains ---------------------------------------------------------------------------------------
def chain_problems(label: str, record: str, kind_name: str, events: list[tuple], count: int | None,
                   head_hash: str | None) -> list[str]:
    """Problems of one record's chain. `events`: (seq, action, at, recorded_at, actor, payload, prev, hash)
    in seq order; `count`/`head_hash` from the record row (None: the row is missing)."""
    out = []
    if count is None:
        return [f"{label}：记录本身不存在，但有 {len(events)} 条事件（记录被删除）"]
    expect_prev, expect_seq = GENESIS, 1
    key = chain_key(kind_name, record)
    for seq, action, at, rec, actor, payload, prev, h in events:
        if seq != expect_seq:
            out.append(f"{label}：缺少第 {expect_seq} 条事件（被删除）")
            expect_seq = seq
        if prev != expect_prev or event_hash(prev, key, seq, action, at, rec, actor, payload) != h:
            out.append(f"{label}：第 {seq} 条事件与其哈希不符（被改动或调换）")
            break
        expect_prev, expect_seq = h, seq + 1
    if not events:
        out.append(f"{label}：没有任何事件（事件被删除）")
    elif count != len(events) or head_hash != events[-1][7]:
        out.append(f"{label}：记录上登记有 {count} 条事件，实有 {len(events)} 条，最新事件不符（事件被删除或改动）")
    return out


CASE_ROW = ("id", "uuid", "number", "event_count", "head_hash", "ended_at")
END_ACTIONS = ("decline", "inform", "transfer", "archive", "close")     # the steps that end a case (办结)


def ended_problem(label: str, ended_at: str | None, events: list) -> list[str]:
    """`ended_at` (kept by the trigger events_ended) must be the time of the case's first terminal event."""
    first = next((e[2] for e in events if e[1] in END_ACTIONS), None)
    return [] if first == ended_at else [f"{label}：办结时间（{ended_at or '未办结'}）与事件记录（{first or '未办结'}）不符"]


def clock_owner_problems(conn: sqlite3.Connection, ids: list[int] | None = None) -> list[tuple[str, str]]:
    """(case number, problem) for each clock whose unit or 信访形式 (kept by the triggers of migration 0049)
    differs from its case's; only the cases `ids` when given."""
    sql = ("SELECT c.number, k.step, k.handling_unit, k.channel, c.handling_unit, c.channel "
           "FROM clocks k JOIN cases c ON c.id = k.case_id "
           "WHERE (k.handling_unit <> c.handling_unit OR k.channel <> c.channel)")
    if ids is None:
        rows = conn.execute(sql + " ORDER BY c.id, k.step").fetchall()
    else:
        rows = [r for cid in sorted(set(ids)) for r in conn.execute(sql + " AND c.id = ? ORDER BY k.step", (cid,))]
    return [(number, f"案件 {number}：期限（{step}）上的承办单位/信访形式（{ku or '未分派'}/{kc}）与案件（{cu or '未分派'}/{cc}）"
                     "不符（被绕过程序直接改动）") for number, step, ku, kc, cu, cc in rows]


EVENT_FIELDS = "seq, action, at, recorded_at, actor, payload, prev_hash, hash"


def case_chains(conn: sqlite3.Connection, ids: list[int] | None = None,
                between: tuple[int, int] | None = None) -> Iterator[tuple[tuple | None, int, list]]:
    """(case row or None, case id, events) for every case id having a row or events, in id order; only
    `ids`, or ids in the closed range `between`, when given. The case row is (id, uuid, number,
    event_count, head_hash, ended_at)."""
    if ids is not None:
        for cid in sorted(set(ids)):
            row = conn.execute(f"SELECT {', '.join(CASE_ROW)} FROM cases WHERE id = ?", (cid,)).fetchone()
            evs = conn.execute(f"SELECT {EVENT_FIELDS} FROM events WHERE case_id = ? ORDER BY seq", (cid,)).fetchall()
            yield row, cid, evs
        return
    lo, hi = between or (-(2 ** 63), 2 ** 63 - 1)
    rows = _batched(conn.execute(f"SELECT {', '.join(CASE_ROW)} FROM cases WHERE id BETWEEN ? AND ? ORDER BY id",
                                 (lo, hi)))
    evs = _batched(conn.execute(f"SELECT case_id, {EVENT_FIELDS} FROM events WHERE case_id BETWEEN ? AND ? "
                                "ORDER BY case_id, seq", (lo, hi)))
    row = next(rows, None)
    ev = next(evs, None)
    while row is not None or ev is not None:
        cid = min(x for x in (row[0] if row else None, ev[0] if ev else None) if x is not None)
        bucket = []
        while ev is not None and ev[0] == cid:
            bucket.append(ev[1:])
            ev = next(evs, None)
        if row is not None and row[0] == cid:
            yield row, cid, bucket
            row = next(rows, None)
        else:
            yield None, cid, bucket


def case_id_span(conn: sqlite3.Connection) -> tuple[int, int] | None:
    """(lowest, highest) case id among case rows and events (a deleted case still has events), or None."""
    lo, hi = conn.execute("SELECT min(x), max(y) FROM (SELECT min(id) AS x, max(id) AS y FROM cases "
                          "UNION ALL SELECT min(case_id), max(case_id) FROM events) AS spans").fetchone()
    return None if lo is None else (lo, hi)


def _batched(cur: sqlite3.Cursor, size: int = 5000) -> Iterator[tuple]:
    while True:
        rows = cur.fetchmany(size)
        if not rows:
            return
        yield from rows


def record_chains(conn: sqlite3.Connection, kind_name: str) -> Iterator[tuple[str, int | None, str | None, list]]:
    """(record key, row event_count or None, row head_hash, events) for a non-case kind."""
    k = KINDS[kind_name]
    rows = {key: (n, h) for key, n, h in conn.execute(f"SELECT {k.key}, event_count, head_hash FROM {k.table}")}
    events: dict[str, list] = {}
    for record, *rest in conn.execute(f"SELECT record, {EVENT_FIELDS} FROM record_events WHERE kind = ? "
                                      "ORDER BY record, seq", (kind_name,)):
        events.setdefault(record, []).append(tuple(rest))
    for key in sorted(set(rows) | set(events), key=str):
        n, h = rows.get(key, (None, None))
        yield str(key), n, h, events.get(key, [])


def _unindexed(conn) -> str:
    """The condition on `cases c` of a case without a search-index entry (FTS5's docsize rows on SQLite, a
    case_search row on a server: storage/pg/search.py)."""
    if dialect_of(conn).server:
        return "NOT EXISTS (SELECT 1 FROM case_search d WHERE d.case_id = c.id)"
    return "NOT EXISTS (SELECT 1 FROM case_search_docsize d WHERE d.id = c.id)"


def missing_from_search(conn: sqlite3.Connection, limit: int = 20) -> tuple[int, list[str]]:
    """Cases without a search-index entry: (how many, the first case numbers)."""
    sql = f"FROM cases c WHERE {_unindexed(conn)}"
    n = conn.execute(f"SELECT count(*) {sql}").fetchone()[0]
    numbers = [r[0] for r in conn.execute(f"SELECT c.number {sql} ORDER BY c.id LIMIT ?", (limit,))] if n else []
    return n, numbers


def missing_from_search_among(conn: sqlite3.Connection, ids: list[int], limit: int = 20) -> tuple[int, list[str]]:
    """Like `missing_from_search`, for the given case ids only (an anchored check)."""
    numbers = []
    sql = f"SELECT c.number FROM cases c WHERE c.id = ? AND {_unindexed(conn)}"
    for cid in sorted(set(ids)):
        row = conn.execute(sql, (cid,)).fetchone()
        if row:
            numbers.append(row[0])
    return len(numbers), numbers[:limit]


def touched_since(conn, since: dict[str, int]) -> tuple[list[int], dict[str, list[str]]]:
    """(case ids, kind -> record keys) with events newer than `since[kind]`: what an anchored check looks at."""
    # no DISTINCT, and `+kind` keeps SQLite off the kind index: it would scan a whole index instead of the id range
    kind = "kind" if dialect_of(conn).server else "+kind"
    case_ids = sorted({r[0] for r in conn.execute("SELECT case_id FROM events WHERE id > ?", (since.get("case", 0),))})
    records = {k: sorted({r[0] for r in conn.execute(f"SELECT record FROM record_events WHERE id > ? AND {kind} = ?",
                                                     (since.get(k, 0), k))})
               for k in KINDS if k != "case"}
    return case_ids, records


# ---- users and settings: their rows against the fold of their events ------------------------------------
USER_FIELDS = {"name": "姓名", "roles": "角色", "unit": "所属单位", "active": "启用状态"}


def _folded(conn: sqlite3.Connection, kind_name: str, keys: tuple[str, ...]) -> dict[str, dict]:
    """For each record of a kind: the newest value of each of `keys` its events' payloads set."""
    out: dict[str, dict] = {}
    for record, payload in conn.execute("SELECT record, payload FROM record_events WHERE kind = ? "
                                        "ORDER BY record, seq", (kind_name,)):
        try:
            data = json.loads(payload)
        except ValueError:
            continue                                   # a broken payload is the chain's finding
        if isinstance(data, dict):
            state = out.setdefault(record, {})
            state.update({k: data[k] for k in keys if k in data})
    return out


def projection_problems(conn: sqlite3.Connection, limit: int = 50) -> list[str]:
    """Users (name, roles; unit and active of their account) and settings (value) whose rows differ from
    what their events say: changed behind the program's back (an account given the 管理员 role …)."""
    out: list[str] = []
    users = _folded(conn, "user", tuple(USER_FIELDS))
    for login, name, roles, unit, active in conn.execute(
            "SELECT u.login, u.name, u.roles, a.unit, a.active FROM users u LEFT JOIN accounts a ON a.login = u.login"):
        state = users.get(login)
        if state is None:
            continue                                   # no events at all: the chain check says so
        row = {"name": name, "roles": roles, "unit": unit, "active": None if active is None else bool(active)}
        wrong = [label for key, label in USER_FIELDS.items()
                 if key in state and (bool(state[key]) if key == "active" else state[key]) != row[key]]
        if wrong:
            out.append(f"用户 {login}：{'、'.join(wrong)}与事件记录不符（被绕过程序直接改动）")
    settings = _folded(conn, "setting", ("value",))
    for key, text in conn.execute("SELECT key, value FROM settings"):
        state = settings.get(key)
        try:
            value = json.loads(text)
        except ValueError:
            value = text
        if state is not None and "value" in state and state["value"] != value:
            out.append(f"设置 {key}：取值与事件记录不符（被绕过程序直接改动）")
    return out[:limit]

"""积案 tables: leaders, batches, records (projection), their hash-chained events, candidates, receptions.

Like `Store`, methods never commit: the backlog service wraps each user action in one transaction.
Every event goes through `append_event`, into the database-wide ledger (docs/ledger.md)."""
from __future__ import annotations

import heapq
import uuid
from datetime import date, datetime, timedelta
from typing import Iterator, Sequence

from ..domain.backlog import move_of
from . import concurrency, ledger, record_projection
from .store import Store, _iso

RECORD_COLUMNS = ("id", "uuid", "case_id", "batch_id", "source", "taken_on", "leader", "unit", "plan", "due",
                  "status", "way", "resolved_on", "closed_on", "delisted_on", "approver", "updated_at", "version")
OPEN_CASE_STATES = ("registered", "pending_acceptance", "handling", "replied", "served", "rated",
                    "review_requested", "reviewed", "recheck_requested", "rechecked")


class BacklogStore:
    def __init__(self, store: Store):
        self.store = store
        self.conn = store.conn

    def q(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence | dict = ()):
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def claim_record(self, record_id: int, version: int) -> int:
        """Inside an action's transaction: refused (StaleRecord) when the record moved past `version`."""
        return concurrency.claim(self.conn, "backlog_records", record_id, version)

    def record_ids_and_keys(self) -> list[tuple[int, str]]:
        """(id, uuid) of every 积案 record, by id."""
        return self.q("SELECT id, uuid FROM backlog_records ORDER BY id")

    def record_states(self, unit: str | None = None) -> list[tuple[str, str, str | None, str | None]]:
        """(status, due, resolved_on, delisted_on) of every record, or of one unit's."""
        if unit:
            return self.q("SELECT status, due, resolved_on, delisted_on FROM backlog_records WHERE unit = ?", (unit,))
        return self.q("SELECT status, due, resolved_on, delisted_on FROM backlog_records")

    # ---- events (the database-wide ledger, docs/ledger.md) -----------------------------------------
    def append_event(self, kind: str, key: str, action: str, at: datetime, recorded_at: datetime, actor: str,
                     payload: dict) -> str:
        """Append one event to a record's chain (kinds: backlog, backlog_batch, leader, reception,
        backlog_dismissal; after the row was written). The small kinds' payloads get `changes`, what the action
        changed in the row (storage/record_projection.py), so `check` can compare the row with its events;
        returns the event's hash."""
        payload = record_projection.with_changes(self.conn, kind, key, payload)
        return ledger.append(self.conn, kind, key, action, at, recorded_at, actor, payload).hash

    def record_events(self, record_uuid: str) -> list[tuple]:
        """(seq, action, at, recorded_at, actor, payload dict, hash) of a 积案 record, in order."""
        return [(e.seq, e.action, e.at, e.recorded_at, e.actor, e.payload, e.hash)
                for e in ledger.record_events(self.conn, "backlog", record_uuid)]

    def all_record_events(self, up_to: date | None = None) -> Iterator[tuple[str, int, str, str, str]]:
        """(record uuid, seq, action, at, payload JSON) of every 积案 record, in record then seq order."""
        sql = "SELECT record, seq, action, at, payload FROM record_events WHERE kind = 'backlog'"
        params: tuple = ()
        if up_to is not None:
            sql += " AND at < ?"
            params = ((up_to + timedelta(days=1)).isoformat(),)
        yield from self.conn.execute(sql + " ORDER BY record, seq", params)

    def append_record_event(self, record_id: int, record_uuid: str, action: str, at: datetime,
                            recorded_at: datetime, actor: str, payload: dict) -> str:
        """Append one event to a 积案 record's chain and, when it moves the numbers, its narrow copy in
        backlog_moves (same transaction); returns the event's hash."""
        event = ledger.append(self.conn, "backlog", record_uuid, action, at, recorded_at, actor, payload)
        move = move_of(action, payload)
        if move is not None:
            self.conn.execute("INSERT INTO backlog_moves(record_id, seq, action, day, batch_id, due, leader, unit) "
                              "VALUES (?,?,?,?,?,?,?,?)", (record_id, event.seq, action, _iso(at)[:10], *move))
        return event.hash

    def counted_events(self, up_to: date) -> Iterator[tuple]:
        """(record id, action, day, batch, due, leader, unit) of every event that moves the numbers, up to the
        end of `up_to`, in record then seq order (backlog_moves: batch/due/unit are a take's, leader a take's
        or a reassign's, None otherwise)."""
        yield from self.conn.execute("SELECT record_id, action, day, batch_id, due, leader, unit FROM backlog_moves "
                                     "WHERE day <= ? ORDER BY record_id, seq", (_iso(up_to),))

    def moves(self) -> dict[int, list[tuple]]:
        """record id -> its backlog_moves rows (seq, action, day, batch, due, leader, unit), for the check."""
        out: dict[int, list[tuple]] = {}
        for rid, *rest in self.q("SELECT record_id, seq, action, day, batch_id, due, leader, unit FROM backlog_moves "
                                 "ORDER BY record_id, seq"):
            out.setdefault(rid, []).append(tuple(rest))
        return out

    def last_event_at(self, record_uuid: str) -> datetime | None:
        raw = self.one("SELECT at FROM record_events WHERE kind = 'backlog' AND record = ? ORDER BY seq DESC LIMIT 1",
                       (record_uuid,))
        return datetime.fromisoformat(raw) if raw else None

    def unit_names(self) -> dict[str, str]:
        """code -> name of the whole unit directory (one read instead of one per row)."""
        return dict(self.q("SELECT code, name FROM units"))

    # ---- leaders ---------------------------------------------------------------------------------
    def insert_leader(self, name: str, post: str, login: str, now: datetime) -> int:
        return self.conn.execute("INSERT INTO leaders(name, post, login, active, created_at) VALUES (?,?,?,1,?)",
                                 (name, post, login, _iso(now))).lastrowid

    def leaders(self, active_only: bool = True) -> list[tuple]:
        where = f" WHERE {self.store.dialect.true('active')}" if active_only else ""
        return self.q(f"SELECT id, name, post, login, active FROM leaders{where} ORDER BY id")

    def leader(self, name: str) -> tuple | None:
        return self.conn.execute("SELECT id, name, post, login, active FROM leaders WHERE name = ?",
                                 (name,)).fetchone()

    def update_leader(self, name: str, changes: dict) -> None:
        fields = {k: (int(v) if k == "active" else v) for k, v in changes.items() if k in ("post", "login", "active")}
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.conn.execute(f"UPDATE leaders SET {sets} WHERE name = ?", (*fields.values(), name))

    def open_records_of_leader(self, name: str) -> int:
        return self.one("SELECT count(*) FROM backlog_records WHERE leader = ? AND status = '未化解'", (name,)) or 0

    # ---- batches ---------------------------------------------------------------------------------
    def insert_batch(self, name: str, issuer: str, issued_on: date, target_on: date, target_rate: float,
                     note: str, now: datetime, actor: str) -> int:
        return self.conn.execute(
            "INSERT INTO backlog_batches(name, issuer, issued_on, target_on, target_rate, note, created_at, "
            "created_by) VALUES (?,?,?,?,?,?,?,?)",
            (name, issuer, _iso(issued_on), _iso(target_on), target_rate, note, _iso(now), actor)).lastrowid

    BATCH_COLUMNS = "id, name, issuer, issued_on, target_on, target_rate, note, closed_on"

    def batches(self) -> list[tuple]:
        return self.q(f"SELECT {self.BATCH_COLUMNS} FROM backlog_batches ORDER BY issued_on, id")

    def batch(self, key: str) -> tuple | None:
        key = str(key).strip()
        if key.isdigit():
            hit = self.conn.execute(f"SELECT {self.BATCH_COLUMNS} FROM backlog_batches WHERE id = ?",
                                    (int(key),)).fetchone()
            if hit:
                return hit
        return self.conn.execute(f"SELECT {self.BATCH_COLUMNS} FROM backlog_batches WHERE name = ?", (key,)).fetchone()

    def close_batch(self, batch_id: int, on: date) -> None:
        self.conn.execute("UPDATE backlog_batches SET closed_on = ? WHERE id = ?", (_iso(on), batch_id))

    def batch_sizes(self) -> dict[int, int]:
        return dict(self.q("SELECT batch_id, count(*) FROM backlog_records GROUP BY batch_id"))

    # ---- records ---------------------------------------------------------------------------------
    def insert_record(self, *, case_id: int, batch_id: int, source: str, taken_on: date, leader: str, unit: str,
                      plan: str, due: date, now: datetime) -> tuple[int, str]:
        record_uuid = str(uuid.uuid4())
        rid = self.conn.execute(
            "INSERT INTO backlog_records(uuid, case_id, batch_id, source, taken_on, leader, unit, plan, due, status, "
            "updated_at) VALUES (?,?,?,?,?,?,?,?,?,'未化解',?)",
            (record_uuid, case_id, batch_id, source, _iso(taken_on), leader, unit, plan, _iso(due),
             _iso(now))).lastrowid
        return rid, record_uuid

    def update_record(self, record_id: int, fields: dict, now: datetime) -> None:
        fields = {k: (_iso(v) if isinstance(v, (date, datetime)) else v) for k, v in fields.items()}
        fields["updated_at"] = _iso(now)
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.conn.execute(f"UPDATE backlog_records SET {sets} WHERE id = ?", (*fields.values(), record_id))

    def record(self, record_id: int) -> dict | None:
        r = self.conn.execute(f"SELECT {', '.join(RECORD_COLUMNS)} FROM backlog_records WHERE id = ?",
                              (record_id,)).fetchone()
        return dict(zip(RECORD_COLUMNS, r)) if r else None

    def find_record(self, key: str) -> int | None:
        key = str(key).strip()
        if key.isdigit():
            hit = self.one("SELECT id FROM backlog_records WHERE id = ?", (int(key),))
            if hit:
                return hit
        return self.one("SELECT id FROM backlog_records WHERE uuid = ?", (key,))

    def open_record_of_case(self, case_id: int) -> int | None:
        return self.one("SELECT id FROM backlog_records WHERE case_id = ? AND delisted_on IS NULL", (case_id,))

    def records_of_case(self, case_id: int) -> list[int]:
        return [r[0] for r in self.q("SELECT id FROM backlog_records WHERE case_id = ? ORDER BY id", (case_id,))]

    LIST_COLUMNS = ("r.id", "r.uuid", "r.case_id", "c.number", "c.summary", "c.petitioner_names", "r.batch_id",
                    "b.name", "r.source", "r.taken_on", "r.leader", "r.unit", "r.due", "r.status", "r.resolved_on",
                    "r.delisted_on", "c.restricted", "c.registered_by")

    def list_keys(self, *, batch_id: int | None = None, leader: str = "", unit: str = "",
                  status: Sequence[str] = (), overdue_before: date | None = None,
                  include_delisted: bool = True, today: date | None = None) -> list[tuple[int, int]]:
        """(id, 1 when still open and past its due date on `today`) of the records that pass the filters, by
        due date then id: the record table only, so the board knows its rows and overdue count without
        touching the cases."""
        clauses, params = [], []
        if batch_id is not None:
            clauses.append("batch_id = ?"); params.append(batch_id)
        if leader:
            clauses.append("leader = ?"); params.append(leader)
        if unit:
            clauses.append("unit = ?"); params.append(unit)
        if status:
            clauses.append(f"status IN ({','.join('?' * len(status))})"); params += list(status)
        if overdue_before is not None:
            clauses.append("status = '未化解' AND due < ?"); params.append(_iso(overdue_before))
        if not include_delisted:
            clauses.append("delisted_on IS NULL")
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        late = "status = '未化解' AND due < ?" if today else "0"
        return self.q(f"SELECT id, {late} FROM backlog_records{where} ORDER BY due, id",
                      ([_iso(today)] if today else []) + params)

    def list_rows(self, ids: Sequence[int]) -> list[tuple]:
        """LIST_COLUMNS of these records (with their case and batch), in the order of `ids`."""
        found: dict[int, tuple] = {}
        for i in range(0, len(ids), 500):
            part = list(ids[i:i + 500])
            for row in self.q(f"SELECT {', '.join(self.LIST_COLUMNS)} FROM backlog_records r "
                              f"JOIN cases c ON c.id = r.case_id JOIN backlog_batches b ON b.id = r.batch_id "
                              f"WHERE r.id IN ({','.join('?' * len(part))})", part):
                found[row[0]] = row
        return [found[i] for i in ids if i in found]

    # ---- candidates ------------------------------------------------------------------------------
    def long_open_cases(self, received_before: date, limit: int) -> list[tuple]:
        """The `limit` oldest cases still open and received before the date: one ordered index range per open
        state (cases_status_received), merged — instead of sorting every old open case (0.5 s at 1M)."""
        ranges = [self.q("SELECT received_at, id FROM cases INDEXED BY cases_status_received WHERE status = ? "
                         "AND received_at < ? ORDER BY received_at, id LIMIT ?", (state, _iso(received_before), limit))
                  for state in OPEN_CASE_STATES]
        return [(cid,) for _, cid in heapq.merge(*ranges)][:limit]

    def repeat_groups(self, since: date, min_count: int, limit: int) -> list[tuple[int, int]]:
        """(newest case, petitions in the window) for chains with min_count+ petitions received since `since`;
        the newest case is one no later case links to as its earlier petition. Only a case with a repeat_of
        has repeat links (registration writes both), so the scan reads that column from the covering
        cases_stats index and looks up links only for repeats."""
        return self.q(
            "SELECT r.case_id, 1 + count(*) AS n FROM cases c INDEXED BY cases_stats "
            "JOIN repeats r ON r.case_id = c.id JOIN cases e ON e.id = r.earlier_id "
            "WHERE c.received_at >= ? AND c.repeat_of <> '' AND e.received_at >= ? "
            "AND NOT EXISTS (SELECT 1 FROM repeats later WHERE later.earlier_id = r.case_id) "
            "GROUP BY r.case_id HAVING 1 + count(*) >= ? ORDER BY n DESC, r.case_id DESC LIMIT ?",   # no alias: PG
            (_iso(since), _iso(since), min_count, limit))

    def petitioned_after_recheck(self, limit: int) -> list[tuple]:
        marks = ",".join("?" * len(OPEN_CASE_STATES))
        return self.q(f"SELECT id FROM cases INDEXED BY cases_after_recheck WHERE no_longer_candidate = 1 "
                      f"AND status IN ({marks}) ORDER BY id DESC LIMIT ?", (*OPEN_CASE_STATES, limit))

    def case_brief(self, ids: Sequence[int]) -> dict[int, tuple]:
        out = {}
        for i in range(0, len(ids), 500):
            part = list(ids[i:i + 500])
            for r in self.q(f"SELECT id, number, summary, received_at, status, petitioner_names, category, "
                            f"handling_unit, restricted, registered_by FROM cases WHERE id IN ({','.join('?' * len(part))})", part):
                out[r[0]] = r
        return out

    def cases_with_open_records(self, ids: Sequence[int]) -> set[int]:
        out: set[int] = set()
        for i in range(0, len(ids), 500):
            part = list(ids[i:i + 500])
            out |= {r[0] for r in self.q(f"SELECT case_id FROM backlog_records WHERE delisted_on IS NULL AND "
                                         f"case_id IN ({','.join('?' * len(part))})", part)}
        return out

    def fingerprint(self, case_id: int) -> tuple[int, int]:
        """What 'something new' is measured against: the case's newest event and its later repeat links."""
        last = self.one("SELECT max(id) FROM events WHERE case_id = ?", (case_id,)) or 0
        links = self.one("SELECT count(*) FROM repeats WHERE earlier_id = ?", (case_id,)) or 0
        return last, links

    def add_dismissal(self, case_id: int, reason: str, now: datetime, actor: str) -> tuple[int, str]:
        last, links = self.fingerprint(case_id)
        key = str(uuid.uuid4())
        did = self.conn.execute(
            "INSERT INTO backlog_dismissals(uuid, case_id, reason, dismissed_at, dismissed_by, last_event, "
            "repeat_links) VALUES (?,?,?,?,?,?,?)", (key, case_id, reason, _iso(now), actor, last, links)).lastrowid
        return did, key

    def dismissals(self) -> dict[int, tuple[int, int, str, str]]:
        """case id -> (last event, repeat links, reason, dismissed_at) of its latest dismissal."""
        return {c: (e, n, r, a) for c, e, n, r, a in self.q(
            "SELECT case_id, last_event, repeat_links, reason, dismissed_at FROM backlog_dismissals ORDER BY id")}

    # ---- receptions ------------------------------------------------------------------------------
    def insert_reception(self, day: date, leader: str, place: str, units: str, note: str, now: datetime,
                         actor: str) -> tuple[int, str]:
        key = str(uuid.uuid4())
        rid = self.conn.execute(
            "INSERT INTO receptions(uuid, day, leader, place, units, note, created_at, created_by) "
            "VALUES (?,?,?,?,?,?,?,?)", (key, _iso(day), leader, place, units, note, _iso(now), actor)).lastrowid
        return rid, key

    def receptions(self) -> list[tuple]:
        return self.q("SELECT id, day, leader, place, units, note FROM receptions ORDER BY day DESC, id DESC")

    def reception(self, rid: int) -> tuple | None:
        return self.conn.execute("SELECT id, day, leader, place, units, note FROM receptions WHERE id = ?",
                                 (rid,)).fetchone()

    def reception_cases(self, day: date) -> list[tuple]:
        """Cases registered as received at a 公开接访 on that day: (id, number, names, summary, reception_leader)."""
        return self.q("SELECT id, number, petitioner_names, summary, reception_leader, status, restricted, "
                      "registered_by FROM cases "
                      "INDEXED BY cases_received WHERE received_at >= ? AND received_at < ? AND public_reception = 1 "
                      "ORDER BY received_at, id", (_iso(day), _iso(day + timedelta(days=1))))

"""Tables of 人民调解: committees, mediators, disputes, parties, 卷宗 documents and dispute events.

Methods never commit; the mediation service wraps each user action in `Store.transaction()`.
Every dispute event goes through `append_event` (one place to change when the global ledger takes over).
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Sequence

from . import concurrency, ledger, record_projection, search
from .dialect import dialect_of
from .store import Store, _iso

LIST_COLUMNS = ("d.id", "d.number", "d.received_at", "c.name", "d.type", "d.source", "d.party_names",
                "d.mediator_names", "d.status", "d.next_due", "d.next_step", "d.summary")
ORDERS = {"id": "d.id", "number": "d.id", "received_at": "d.received_at", "status": "d.status",
          "next_due": "d.next_due", "type": "d.type", "committee": "d.committee"}
NO_COMMITTEE = "（其他调委会）"      # a committee filter that matches nothing (a mediator asking for another committee)
SUCCESS = "d.agreement_form <> ''"   # the condition of the covering index disputes_agreements
SEARCH_INSERT = (f"INSERT INTO dispute_search(rowid, {', '.join(search.COLUMNS)}) "
                 f"VALUES (?, {', '.join('?' * len(search.COLUMNS))})")


@dataclass(frozen=True)
class DisputeFilter:
    committee: str = ""            # committee code
    mediator: int = 0              # mediator id
    type: str = ""
    source: str = ""
    status: tuple[str, ...] = ()
    due_before: date | None = None  # next running clock due on or before
    due_after: date | None = None
    text: str = ""
    received_from: date | None = None
    received_to: date | None = None
    petition: int = 0


class MediationStore:
    def __init__(self, store: Store):
        self.store = store
        self.conn = store.conn

    def q(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence | dict = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    # ---- committees and mediators --------------------------------------------------------------
    def add_committee(self, code: str, name: str, host: str, category: str, prefix: str, now: datetime) -> None:
        self.store.save_unit((code, name, host, "人民调解委员会", 6 if category in ("村", "居") else 5, "", "", ""))
        self.conn.execute("INSERT INTO committees(code, name, host, category, prefix, created_at) VALUES (?,?,?,?,?,?)",
                          (code, name, host, category, prefix, _iso(now)))

    def committees(self) -> list[dict]:
        true = self.store.dialect.true
        rows = self.q("SELECT c.code, c.name, c.host, coalesce(u.name, ''), c.category, c.prefix, "
                      f"(SELECT count(*) FROM mediators m WHERE m.committee = c.code AND {true('m.active')}) "
                      f"FROM committees c LEFT JOIN units u ON u.code = c.host WHERE {true('c.active')} ORDER BY c.code")
        return [dict(zip(("code", "name", "host", "host_name", "category", "prefix", "mediators"), r)) for r in rows]

    def find_committee(self, key: str) -> dict | None:
        for c in self.committees():
            if key in (c["code"], c["name"]):
                return c
        return None

    def committee_codes_with_prefix(self, host: str) -> list[str]:
        return [r[0] for r in self.q("SELECT code FROM committees WHERE code LIKE ?", (f"{host}-TJ%",))]

    def add_mediator(self, committee: str, name: str, phone: str, login: str) -> int:
        cur = self.conn.execute("INSERT INTO mediators(committee, name, phone, login) VALUES (?, ?, ?, ?)",
                                (committee, name, phone, login))
        return cur.lastrowid

    def mediators(self, committee: str = "") -> list[dict]:
        sql = ("SELECT m.id, m.name, m.committee, c.name, m.phone, m.login FROM mediators m "
               f"JOIN committees c ON c.code = m.committee WHERE {self.store.dialect.true('m.active')}")
        rows = self.q(sql + (" AND m.committee = ?" if committee else "") + " ORDER BY m.committee, m.id",
                      (committee,) if committee else ())
        return [dict(zip(("id", "name", "committee", "committee_name", "phone", "login"), r)) for r in rows]

    # ---- disputes ------------------------------------------------------------------------------
    def next_seq(self, committee: str, year: int) -> int:
        return concurrency.next_number(self.conn, "dispute", committee, year,
                                       "SELECT max(seq) FROM disputes WHERE committee = ? AND year = ?",
                                       (committee, year))

    def insert_dispute(self, fields: dict, parties: list[dict], mediator_ids: list[int]) -> tuple[int, str]:
        uid = str(uuid.uuid4())
        fields = dict(fields, uuid=uid)
        cols = list(fields)
        cur = self.conn.execute(f"INSERT INTO disputes({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                [_value(fields[c]) for c in cols])
        row = cur.lastrowid
        for pos, p in enumerate(parties):
            self.conn.execute(
                "INSERT INTO dispute_parties(dispute_id, pos, side, kind, name, id_number, phone, address, sex, birth, "
                "agent) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (row, pos, p["side"], p["kind"], p["name"], p["id_number"], p["phone"], p["address"], p.get("sex", ""),
                 p.get("birth"), p.get("agent", "")))
        for pos, mid in enumerate(mediator_ids):
            self.conn.execute("INSERT INTO dispute_mediators(dispute_id, mediator_id, pos) VALUES (?, ?, ?)",
                              (row, mid, pos))
        for fields in search_fields(self.conn, row, row):
            self.conn.execute(*self.store.text_index.index_statement(*fields, table="dispute_search"))
        return row, uid

    def update_dispute(self, row: int, fields: dict, now: datetime) -> None:
        fields = dict(fields, updated_at=_iso(now))
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.conn.execute(f"UPDATE disputes SET {sets} WHERE id = ?", [_value(v) for v in fields.values()] + [row])

    def find_row(self, key: str | int) -> int | None:
        text = str(key).strip()
        if text.isdigit():
            hit = self.one("SELECT id FROM disputes WHERE id = ?", (int(text),))
            if hit:
                return hit
        return self.one("SELECT id FROM disputes WHERE uuid = ? OR number = ?", (text, text))

    def claim_dispute(self, row: int, version: int) -> int:
        """Inside an action's transaction: refused (StaleRecord) when the dispute moved past `version`."""
        return concurrency.claim(self.conn, "disputes", row, version)

    def bump_dispute(self, row: int) -> None:
        concurrency.bump(self.conn, "disputes", row)

    def dispute_uuid(self, row: int) -> str | None:
        return self.one("SELECT uuid FROM disputes WHERE id = ?", (row,))

    def disputes_due_since(self, since: date) -> list[int]:
        """The disputes whose stored earliest running clock is due on or after ``since``, by id."""
        return [r for r, in self.q("SELECT id FROM disputes WHERE next_due >= ? ORDER BY id", (since.isoformat(),))]

    def dispute_row(self, row: int) -> dict:
        cur = self.conn.execute("SELECT d.*, c.name AS committee_name, c.prefix AS committee_prefix, "
                                "c.category AS committee_category FROM disputes d "
                                "JOIN committees c ON c.code = d.committee WHERE d.id = ?", (row,))
        names = [c[0] for c in cur.description]
        return dict(zip(names, cur.fetchone()))

    def parties(self, row: int) -> list[dict]:
        cols = ("side", "kind", "name", "id_number", "phone", "address", "sex", "birth", "agent")
        return [dict(zip(cols, r)) for r in self.q(
            f"SELECT {', '.join(cols)} FROM dispute_parties WHERE dispute_id = ? ORDER BY pos", (row,))]

    def dispute_mediators(self, row: int) -> list[dict]:
        rows = self.q("SELECT m.id, m.name, m.login FROM dispute_mediators dm JOIN mediators m ON m.id = dm.mediator_id "
                      "WHERE dm.dispute_id = ? ORDER BY dm.pos", (row,))
        return [{"id": i, "name": n, "login": lg} for i, n, lg in rows]

    def disputes_of_petition(self, case_row: int) -> list[tuple[int, str, str]]:
        return self.q("SELECT id, number, status FROM disputes WHERE petition = ? ORDER BY id", (case_row,))

    # ---- documents -----------------------------------------------------------------------------
    def add_document(self, row: int, kind: str, origin: str, now: datetime, filename: str = "", stored_path: str = "",
                     sha256: str = "", size: int = 0) -> None:
        self.conn.execute("INSERT INTO dispute_documents(dispute_id, kind, origin, filename, stored_path, sha256, size, "
                          "added_at) VALUES (?,?,?,?,?,?,?,?)",
                          (row, kind, origin, filename, stored_path, sha256, size, _iso(now)))

    def documents(self, row: int) -> list[dict]:
        cols = ("kind", "origin", "filename", "stored_path", "sha256", "size", "added_at")
        return [dict(zip(cols, r)) for r in self.q(
            f"SELECT {', '.join(cols)} FROM dispute_documents WHERE dispute_id = ? ORDER BY id", (row,))]

    # ---- events: hash-chained per dispute and in the database-wide ledger (docs/ledger.md) ------------
    def append_event(self, row: int, dispute_uuid: str, action: str, at: datetime, now: datetime, actor: str,
                     payload: dict) -> str:
        """Append an event of a dispute after its rows were changed in the same transaction; the payload gets
        `changes`, what the action changed in the dispute's projection (storage/record_projection.py)."""
        body = json.loads(json.dumps(payload, ensure_ascii=False, default=str))
        return ledger.append(self.conn, "dispute", dispute_uuid, action, at, now, actor,
                             record_projection.with_changes(self.conn, "dispute", dispute_uuid, body)).hash

    def events(self, row: int) -> list[dict]:
        uid = self.one("SELECT uuid FROM disputes WHERE id = ?", (row,))
        return [{"seq": e.seq, "action": e.action, "at": _iso(e.at), "recorded_at": _iso(e.recorded_at),
                 "actor": e.actor, "payload": _shown(e.payload), "hash": e.hash}
                for e in ledger.record_events(self.conn, "dispute", uid)]

    # ---- lists ---------------------------------------------------------------------------------
    def _where(self, f: DisputeFilter) -> tuple[str, list]:
        w, p = [], []
        if f.committee == NO_COMMITTEE:
            w.append("1 = 0")
        elif f.committee:
            w.append("d.committee = ?"); p.append(f.committee)
        if f.mediator:
            w.append("d.id IN (SELECT dispute_id FROM dispute_mediators WHERE mediator_id = ?)"); p.append(f.mediator)
        if f.type:
            w.append("d.type = ?"); p.append(f.type)
        if f.source:
            w.append("d.source = ?"); p.append(f.source)
        if f.status:
            w.append(f"d.status IN ({', '.join('?' * len(f.status))})"); p.extend(f.status)
        if f.due_before:
            w.append("d.next_due <= ?"); p.append(f.due_before.isoformat())
        if f.due_after:
            w.append("d.next_due > ?"); p.append(f.due_after.isoformat())
        if f.received_from:
            w.append("d.received_at >= ?"); p.append(f.received_from.isoformat())
        if f.received_to:
            w.append("d.received_at < ?"); p.append(date.fromordinal(f.received_to.toordinal() + 1).isoformat())
        if f.petition:
            w.append("d.petition = ?"); p.append(f.petition)
        if f.text:
            found = self.store.text_index.ids_condition(f.text, "dispute_search", "d.id")
            if found is None:
                w.append("1 = 0")   # nothing searchable (only punctuation): nothing matches
            else:
                # with an indexed filter beside it, walk that filter's rows and look each up in the matches ("+"
                # keeps SQLite from seeking every match in the filter's index instead)
                narrow = f.committee or f.mediator or f.type or f.source or f.status or f.petition
                w.append(("+" if narrow else "") + found[0])
                p.extend(found[1])
        return (" WHERE " + " AND ".join(w)) if w else "", p

    def count(self, f: DisputeFilter) -> int:
        if f.text and f == DisputeFilter(text=f.text):
            found = self.store.text_index.count_statement(f.text, "dispute_search")
            return self.one(*found) if found else 0
        where, p = self._where(f)
        return self.one(f"SELECT count(*) FROM disputes d{where}", p)

    def list_ids(self, f: DisputeFilter, order: str = "id", descending: bool = True, limit: int = 0) -> list[int]:
        if f.text and f == DisputeFilter(text=f.text) and order in ("id", "number"):
            # text only, newest first: straight from the search index
            found = self.store.text_index.newest_statement(f.text, int(limit), "dispute_search", descending)
            return [r[0] for r in self.q(*found)] if found else []
        where, p = self._where(f)
        col = ORDERS.get(order, "d.id")
        direction = "DESC" if descending else "ASC"
        tail = f" LIMIT {int(limit)}" if limit else ""
        return [r[0] for r in self.q(f"SELECT d.id FROM disputes d{where} ORDER BY {col} {direction}, d.id {direction}"
                                     f"{tail}", p)]

    def list_rows(self, ids: Iterable[int]) -> dict[int, tuple]:
        ids = list(ids)
        out: dict[int, tuple] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for r in self.q(f"SELECT {', '.join(LIST_COLUMNS)} FROM disputes d JOIN committees c ON c.code = d.committee "
                            f"WHERE d.id IN ({', '.join('?' * len(chunk))})", chunk):
                out[r[0]] = r
        return out

    # ---- statistics ------------------------------------------------------------------------------
    def accepted_counts(self, start: date, end: date, committee: str = "") -> list[tuple[str, str, int]]:
        """(source, type, count) of disputes accepted in [start, end]."""
        # up to a quarter, or for one committee, the rows of the period are few: read them by date and sort;
        # a longer period of every committee holds most rows: read them already in (source, type) order
        by_kind = not committee and (end - start).days + 1 > 92
        sql = ("SELECT source, type, count(*) FROM disputes d"
               + (" INDEXED BY disputes_accepted_by_kind" if by_kind else "") + " WHERE accepted_on BETWEEN ? AND ?"
               + (" AND committee = ?" if committee else "") + " GROUP BY source, type")
        return self.q(sql, [start.isoformat(), end.isoformat()] + ([committee] if committee else []))

    def success_figures(self, start: date, end: date, committee: str = "") -> dict:
        """Agreements reached in [start, end] and what became of them."""
        count_if = self.store.dialect.count_if
        criminal, group = "instr(risk_reasons, '可能激化为刑事案件') > 0", "instr(risk_reasons, '可能引发群体性上访') > 0"
        confirmed, performed = "confirm_result = '确认有效'", "performance IN ('即时履行', '按期履行')"
        written = "agreement_form = '书面'"
        sql = ("SELECT count(*), coalesce(sum(agreement_cents), 0), "
               f"coalesce({count_if(confirmed)}, 0), "
               f"coalesce({count_if(performed)}, 0), "
               f"coalesce({count_if(criminal)}, 0), "
               f"coalesce(sum(CASE WHEN {criminal} THEN headcount END), 0), "
               f"coalesce({count_if(group)}, 0), "
               f"coalesce(sum(CASE WHEN {group} THEN headcount END), 0), "
               f"coalesce({count_if(written)}, 0) "
               f"FROM disputes d WHERE outcome_on BETWEEN ? AND ? AND {SUCCESS}" + (" AND committee = ?" if committee else ""))
        r = self.conn.execute(sql, [start.isoformat(), end.isoformat()] + ([committee] if committee else [])).fetchone()
        keys = ("succeeded", "amount_cents", "confirmed", "performed", "criminal", "criminal_people", "group",
                "group_people", "written")
        return dict(zip(keys, r))

    def successes_with_mediators(self, start: date, end: date, committee: str = "") -> list[tuple]:
        """(dispute id, number, type, risk, mediator id, mediator name, committee name) per mediator of each
        agreement reached in [start, end]."""
        sql = ("SELECT d.id, d.number, d.type, d.risk, m.id, m.name, c.name FROM disputes d "
               "JOIN dispute_mediators dm ON dm.dispute_id = d.id JOIN mediators m ON m.id = dm.mediator_id "
               "JOIN committees c ON c.code = d.committee "
               f"WHERE d.outcome_on BETWEEN ? AND ? AND {SUCCESS}" + (" AND d.committee = ?" if committee else "")
               + " ORDER BY c.code, m.id, d.id")
        return self.q(sql, [start.isoformat(), end.isoformat()] + ([committee] if committee else []))

    def type_usage(self) -> dict[str, int]:
        """How many disputes were registered under each type."""
        return dict(self.q("SELECT type, count(*) FROM disputes GROUP BY type"))

    def total(self) -> int:
        return self.one("SELECT count(*) FROM disputes")


def search_documents(conn, first: int, last: int) -> list[tuple]:
    """SQLite's FTS rows (rowid, *search.COLUMNS) of the disputes with ids first..last."""
    return [(did, *search.document(*fields)) for did, *fields in search_fields(conn, first, last)]


def search_fields(conn, first: int, last: int) -> list[tuple]:
    """(id, number, names, ids, text) of the disputes with ids first..last, as both engines' search documents
    take them: number; names of the parties, their agents and the mediators; ID numbers, phones and the
    referral number; summary and requests."""
    people: dict[int, tuple[list, list]] = {}
    for did, name, agent, id_number, phone in conn.execute(
            "SELECT dispute_id, name, agent, id_number, phone FROM dispute_parties WHERE dispute_id BETWEEN ? AND ? "
            "ORDER BY dispute_id, pos", (first, last)):
        names, ids = people.setdefault(did, ([], []))
        names += [x for x in (name, agent) if x]
        ids += [x for x in (id_number, phone) if x]
    out = []
    for did, number, mediators, referral_no, summary, requests in conn.execute(
            "SELECT id, number, mediator_names, referral_no, summary, requests FROM disputes "
            "WHERE id BETWEEN ? AND ? ORDER BY id", (first, last)):
        names, ids = people.get(did, ([], []))
        out.append((did, number, names + [x for x in mediators.split("、") if x],
                    ids + ([referral_no] if referral_no else []), [summary, requests]))
    return out


def rebuild_search(conn, batch: int = 5_000) -> int:
    """Fill dispute_search from the rows (inside the caller's transaction); returns how many disputes."""
    server = dialect_of(conn).server
    conn.execute("DELETE FROM dispute_search" if server else
                 "INSERT INTO dispute_search(dispute_search) VALUES ('delete-all')")
    done, last = 0, 0
    top = conn.execute("SELECT coalesce(max(id), 0) FROM disputes").fetchone()[0]
    while last < top:
        if server:
            from .pg import search as pg_search
            docs = [(did, pg_search.document(*fields)) for did, *fields in search_fields(conn, last + 1, last + batch)]
            conn.executemany("INSERT INTO dispute_search(dispute_id, doc) VALUES (?, ?)", docs)
        else:
            docs = search_documents(conn, last + 1, last + batch)
            conn.executemany(SEARCH_INSERT, docs)
        done += len(docs)
        last += batch
    if done > batch and not server:
        conn.execute("INSERT INTO dispute_search(dispute_search) VALUES ('optimize')")
    return done


def missing_from_search(conn) -> int:
    """Disputes without a search-index entry (a database written by an older program, say)."""
    if dialect_of(conn).server:
        return conn.execute("SELECT count(*) FROM disputes d WHERE NOT EXISTS "
                            "(SELECT 1 FROM dispute_search s WHERE s.dispute_id = d.id)").fetchone()[0]
    return conn.execute("SELECT count(*) FROM disputes d WHERE NOT EXISTS "
                        "(SELECT 1 FROM dispute_search_docsize s WHERE s.id = d.id)").fetchone()[0]


def _shown(payload: dict) -> dict:
    """An event's payload for the timeline and `dispute show`: without `changes` (the rows shown beside it)."""
    return {k: v for k, v in payload.items() if k != "changes"}


def _value(v: Any) -> Any:
    if isinstance(v, (date, datetime)):
        return _iso(v)
    if isinstance(v, bool):
        return int(v)
    return v

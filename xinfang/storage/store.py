"""The repository: the only code that knows the tables. Methods never commit on their own —
services wrap each user action in `transaction()`."""
from __future__ import annotations

import json
import sqlite3
import uuid
from array import array
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import sqlite_utils

from ..domain.enums import Channel, PartyKind, PetitionerRole, Purpose, Status, Step
from ..domain.model import Attachment, Case, CaseDraft, Clock, Event, Petitioner
from ..domain.problems import DomainError
from . import concurrency, digests, ledger, projection, search
from .ledger import GENESIS, event_hash  # noqa: F401  (re-exported for the demo generator and tests)
from .accounts import AccountsStore
from .case_lookups import CaseLookups
from .db import connect, open_database, transaction
from .dialect import SQLITE
from .engine import is_server_url
from .errors import translated

SEARCH_INSERT = (f"INSERT INTO case_search(rowid, {', '.join(search.COLUMNS)}) "   # SQLite's (bulk loads)
                 f"VALUES (?, {', '.join('?' * len(search.COLUMNS))})")


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class ListFilter:
    status: tuple[str, ...] = ()
    channel: str = ""
    category: str = ""          # prefix match on "一级" or exact "一级/二级"
    unit: str = ""
    received_from: date | None = None
    received_to: date | None = None
    due_before: date | None = None   # running duty clock due on or before this date
    due_after: date | None = None    # … and after this date
    text: str = ""
    office: str = ""
    restricted: bool | None = None
    registered_by: str = ""
    reached_level: str = ""          # 越级情况 (本级/到区/到市/到省/进京)
    irregular: bool | None = None    # 非正常上访
    # who is looking (set by services/access.py, never by a front end):
    only_unit: str = ""                 # a 承办 user sees the cases of their own unit only
    hide_accused: tuple[str, ...] = ()  # restricted cases accusing these units are never shown
    text_reader: str | None = None      # text finds restricted cases only by number or for their registrar


class Store(AccountsStore, CaseLookups):
    def __init__(self, path: str | Path = ":memory:", read_only: bool | None = None,
                 backup_before_migration: bool = True, password: str | None = None,
                 unverified_move: bool = False):
        """`unverified_move`: open a server database that `migrate-to` copied but has not verified yet (only
        the verification itself does; everyone else is refused, pg/transfer.py)."""
        self.path = str(path)
        self.dialect = SQLITE
        self.text_index = search             # the case search index's statements (pg/search.py on a server)
        if is_server_url(self.path):
            self._open_server(read_only, password, unverified_move)
            return
        if self.path != ":memory:" and not read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        with translated():
            self.conn, self.read_only = open_database(self.path, read_only, connector=lambda p: connect(p),
                                                      backup_before_migration=backup_before_migration)
        self.db = sqlite_utils.Database(self.conn)

    def _open_server(self, read_only: bool | None, password: str | None, unverified_move: bool = False) -> None:
        """A PostgreSQL database (issue 12): connect, check its text rules, migrate under the server's lock.
        `read_only=True`, or None with a login that may only read: nothing is created or upgraded and the
        server runs every transaction of this session READ ONLY. A database that `migrate-to` left unverified
        is refused."""
        from .pg import db as pg_db
        from .pg import transfer
        from .pg.connection import PgConnection
        self.conn = PgConnection.open(self.path, password)
        try:
            with translated():
                if not unverified_move and transfer.unfinished_move(self.conn.raw) is not None:
                    raise DomainError(transfer.UNFINISHED_MOVE)
        except BaseException:
            self.conn.close()
            raise
        self.dialect = self.conn.dialect
        from .pg import search as pg_search
        self.text_index = pg_search
        try:
            with translated():
                if read_only is None:
                    read_only = not pg_db.may_write(self.conn.raw)
                if read_only:
                    pg_db.open_read_only(self.conn.raw)
                    self.conn.keep_session("SET default_transaction_read_only = on")   # after a reconnect too
                else:
                    pg_db.migrate(self.conn.raw)
        except BaseException:
            self.conn.close()
            raise
        self.conn.forget_schema()
        self.read_only = bool(read_only)
        self.db = None

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise DomainError("数据库以只读方式打开（服务器上的这个用户只有查看权限，或连接时选择了只读），只能查看和打印，不能修改"
                              if self.dialect.server else
                              "数据库以只读方式打开（文件或所在文件夹不可写），只能查看和打印，不能修改")
        with translated(), transaction(self.conn) as conn:
            yield conn

    def q(self, sql: str, params: Sequence | dict = ()) -> list[tuple]:
        with translated():
            return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: Sequence | dict = ()) -> Any:
        with translated():
            row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    # ---- settings, users -------------------------------------------------------------------
    def setting(self, key: str, default: Any = None) -> Any:
        read = getattr(self, "_settings_read", None)
        if read is not None:
            if not read:
                read.update(self.q("SELECT key, value FROM settings"))
                read.setdefault("", None)          # loaded (a database may have no settings at all)
            raw = read.get(key)
        else:
            raw = self.one("SELECT value FROM settings WHERE key = ?", (key,))
        return default if raw is None else json.loads(raw)

    @contextmanager
    def settings_read_once(self) -> Iterator[None]:
        """Inside: the settings are read in one query, at the first one asked for. A registration asks for 9;
        on a server each was a round trip. A setting changed inside is read again."""
        if getattr(self, "_settings_read", None) is not None:
            yield
            return
        self._settings_read: dict | None = {}
        try:
            yield
        finally:
            self._settings_read = None

    def set_setting(self, key: str, value: Any, actor: str = "system", now: datetime | None = None) -> None:
        """Store a setting; a changed value is an event of the setting (kind "setting" in the ledger)."""
        text = json.dumps(value, ensure_ascii=False)
        if self.one("SELECT value FROM settings WHERE key = ?", (key,)) == text:
            return
        now = now or datetime.now()
        if getattr(self, "_settings_read", None):
            self._settings_read.clear()            # read again at the next one asked for
        self.conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, text))
        ledger.append(self.conn, "setting", key, "set", now, now, actor, {"value": value})

    def ensure_user(self, login: str, name: str = "", roles: str = "", now: datetime | None = None) -> None:
        """Add a user on first sight; the creation is the user's first event."""
        now = now or datetime.now()
        if self.dialect.server and self.conn.in_transaction:
            # On a server the ledger's lock must be the last lock an action takes (after its number counters and
            # record versions), or two actions deadlock: one holding the ledger for its new user's event, the
            # other a counter row the first one needs next. So a new user is written at once, in a short
            # transaction of its own on a second connection (it stays even if the action is then refused).
            if self.one("SELECT 1 FROM users WHERE login = ?", (login,)) is None:
                side = self.conn.another()
                try:
                    with transaction(side):
                        _add_user(side, login, name, roles, now)
                finally:
                    side.close()
            return
        _add_user(self.conn, login, name, roles, now)

    def users(self) -> list[tuple]:
        return self.q("SELECT login, name, roles FROM users ORDER BY login")

    # ---- holidays ----------------------------------------------------------------------------
    def holiday_rows(self) -> list[tuple[date, str, str]]:
        return [(date.fromisoformat(d), k, n) for d, k, n in self.q("SELECT day, kind, name FROM holidays ORDER BY day")]

    def upsert_holidays(self, rows: Iterable[tuple[date, str, str]], source: str) -> int:
        rows = [(_iso(d), k, n, source) for d, k, n in rows]
        self.conn.executemany("INSERT OR REPLACE INTO holidays(day, kind, name, source) VALUES (?, ?, ?, ?)", rows)
        return len(rows)

    def holiday_count(self) -> int:
        return self.one("SELECT count(*) FROM holidays")

    # ---- categories, units, places ---------------------------------------------------------------
    def categories(self) -> list[tuple[str, str, str, bool]]:
        return [(p, l1, l2, bool(lit)) for p, l1, l2, lit in
                self.q(f"SELECT path, level1, level2, litigation FROM categories WHERE {self.dialect.true('active')} "
                       "ORDER BY sort, path")]

    def categories_in_use(self) -> set[str]:
        return {r[0] for r in self.q("SELECT DISTINCT category FROM cases WHERE category <> ''")}

    def replace_categories(self, rows: Iterable[tuple[str, str, bool]]) -> int:
        self.conn.execute("UPDATE categories SET active = 0")
        n = 0
        for i, (l1, l2, lit) in enumerate(rows):
            path = f"{l1}/{l2}" if l2 else l1
            self.conn.execute(
                "INSERT INTO categories(path, level1, level2, litigation, sort, active) VALUES (?, ?, ?, ?, ?, 1) "
                "ON CONFLICT(path) DO UPDATE SET litigation = excluded.litigation, sort = excluded.sort, active = 1",
                (path, l1, l2, int(bool(lit)), i))
            n += 1
        return n

    def unit_rows(self) -> list[tuple]:
        return self.q("SELECT code, name, parent, kind, level, areas, contact, phone FROM units "
                      f"WHERE {self.dialect.true('active')} ORDER BY code")

    def replace_units(self, rows: Iterable[tuple]) -> int:
        rows = list(rows)
        self.conn.execute("UPDATE units SET active = 0")
        self.replace_units_rows(rows)
        return len(rows)

    def save_unit(self, row: tuple) -> None:
        self.replace_units_rows([row])

    def replace_units_rows(self, rows: Iterable[tuple]) -> None:
        for code, name, parent, kind, level, areas, contact, phone in rows:
            self.conn.execute(
                "INSERT INTO units(code, name, parent, kind, level, areas, contact, phone, active) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT(code) DO UPDATE SET name=excluded.name, "
                "parent=excluded.parent, kind=excluded.kind, level=excluded.level, areas=excluded.areas, "
                "contact=excluded.contact, phone=excluded.phone, active=1",
                (code, name, parent or "", kind, int(level), areas, contact or "", phone or ""))

    def deactivate_unit(self, code: str) -> None:
        self.conn.execute("UPDATE units SET active = 0 WHERE code = ?", (code,))

    def unit_name(self, code: str) -> str:
        return self.one("SELECT name FROM units WHERE code = ?", (code,)) or ""

    def places(self) -> dict[str, str]:
        return dict(self.q("SELECT code, name FROM places"))

    def upsert_places(self, rows: Iterable[tuple[str, str]]) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO places(code, name) VALUES (?, ?)", list(rows))

    # ---- rules ---------------------------------------------------------------------------------
    def active_rule_version(self) -> int:
        return self.one(f"SELECT version FROM rule_sets WHERE {self.dialect.true('active')}") or 0

    def rule_rows(self, version: int) -> list[tuple]:
        return self.q("SELECT row, category, keywords, area, unit, priority, basis, valid_from, valid_to "
                      "FROM rules WHERE version = ? ORDER BY row", (version,))

    def add_rule_set(self, rows: Iterable[tuple], actor: str, note: str, now: datetime) -> int:
        version = (self.one("SELECT max(version) FROM rule_sets") or 0) + 1
        self.conn.execute("UPDATE rule_sets SET active = 0")
        self.conn.execute("INSERT INTO rule_sets(version, imported_at, imported_by, note, active) VALUES (?, ?, ?, ?, 1)",
                          (version, _iso(now), actor, note))
        self.conn.executemany(
            "INSERT INTO rules(version, row, category, keywords, area, unit, priority, basis, valid_from, valid_to) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [(version, *r) for r in rows])
        return version

    def rule_sets(self) -> list[tuple]:
        return self.q("SELECT version, imported_at, imported_by, note, active, "
                      "(SELECT count(*) FROM rules r WHERE r.version = s.version) FROM rule_sets s ORDER BY version DESC")

    # ---- cases ---------------------------------------------------------------------------------
    def next_seq(self, office: str, year: int) -> int:
        """The next case number of an office and year (call inside the registering transaction)."""
        return concurrency.next_number(self.conn, "case", office, year,
                                       "SELECT max(seq) FROM cases WHERE office = ? AND year = ?", (office, year))

    def claim_case(self, row: int, version: int) -> int:
        """Inside an action's transaction, before changing the case: refused (StaleRecord) when the case is no
        longer at the version its user read; returns the new version."""
        return concurrency.claim(self.conn, "cases", row, version)

    def bump_case(self, row: int) -> None:
        concurrency.bump(self.conn, "cases", row)

    def insert_case(self, *, number: str, office: str, year: int, seq: int, draft: CaseDraft, status: Status,
                    registered_at: datetime, restricted: bool, repeat_of: str, no_longer_candidate: bool,
                    route: dict, handling_unit: str = "", registered_by: str = "") -> tuple[int, str]:
        case_uuid = str(uuid.uuid4())
        names = "、".join(p.display_name for p in draft.petitioners if p.display_name)
        cur = self.conn.execute(
            "INSERT INTO cases(uuid, number, office, year, seq, channel, work_order_no, received_at, registered_at, "
            "purpose, category, place, place_code, summary, content, demands, headcount, collective, "
            "reception_leader, public_reception, caused_by, accused_unit, legal_status, petitioner_names, status, "
            "handling_unit, restricted, repeat_of, no_longer_candidate, route, updated_at, registered_by, "
            "reached_level, irregular, irregular_note) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (case_uuid, number, office, year, seq, draft.channel.value, draft.work_order_no,
             _iso(draft.received_at), _iso(registered_at), draft.purpose.value, draft.category, draft.place,
             draft.place_code, draft.summary, draft.content, draft.demands, draft.headcount,
             int(draft.is_collective), draft.reception_leader, int(draft.public_reception), draft.caused_by,
             draft.accused_unit, draft.legal_status, names, status.value, handling_unit, int(restricted),
             repeat_of, int(no_longer_candidate), json.dumps(route, ensure_ascii=False), _iso(registered_at),
             registered_by, draft.reached_level, int(draft.irregular), draft.irregular_note))
        row = cur.lastrowid
        self.conn.executemany(
            "INSERT INTO petitioners(case_id, pos, kind, name, id_number, phone, address, role, anonymous, sex, birth) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(row, i, p.kind.value, p.name, p.id_number, p.phone, p.address, p.role.value, int(p.anonymous),
              p.sex, _iso(p.birth)) for i, p in enumerate(draft.petitioners)])
        self.index_case(row, number, draft)
        return row, case_uuid

    def index_case(self, row: int, number: str, draft: CaseDraft) -> None:
        self.conn.execute(*self.text_index.index_statement(
            row, number,
            [p.name for p in draft.petitioners],
            [x for p in draft.petitioners for x in (p.id_number, p.phone) if x] + [draft.work_order_no],
            [draft.summary, draft.content, draft.demands, draft.place, draft.category]))

    def update_case(self, row: int, fields: dict, now: datetime) -> None:
        fields = {k: (_iso(v) if isinstance(v, (date, datetime)) else v) for k, v in fields.items()}
        fields["updated_at"] = _iso(now)
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.conn.execute(f"UPDATE cases SET {sets} WHERE id = ?", (*fields.values(), row))

    def find_row(self, key: str | int) -> int | None:
        key = str(key).strip()
        if key.isdigit():
            hit = self.one("SELECT id FROM cases WHERE id = ?", (int(key),))
            if hit:
                return hit
        return self.one("SELECT id FROM cases WHERE uuid = ? OR number = ? ORDER BY id LIMIT 1", (key, key))

    def load_case(self, row: int, with_events: bool = True) -> Case:
        r = self.conn.execute(
            "SELECT id, uuid, number, office, channel, work_order_no, received_at, registered_at, purpose, category, "
            "place, place_code, summary, content, demands, headcount, reception_leader, public_reception, caused_by, "
            "accused_unit, legal_status, status, disposition, handling_unit, restricted, repeat_of, "
            "no_longer_candidate, outcome, rating, closure_reason, closed_at, route, "
            "reached_level, irregular, irregular_note, registered_by, version "
            "FROM cases WHERE id = ?", (row,)).fetchone()
        if r is None:
            raise KeyError(row)
        petitioners = tuple(
            Petitioner(name=n, kind=PartyKind(k), id_number=i, phone=ph, address=a, role=PetitionerRole(ro),
                       anonymous=bool(an), sex=s, birth=_d(b))
            for k, n, i, ph, a, ro, an, s, b in self.q(
                "SELECT kind, name, id_number, phone, address, role, anonymous, sex, birth FROM petitioners "
                "WHERE case_id = ? ORDER BY pos", (row,)))
        draft = CaseDraft(
            channel=Channel(r[4]), work_order_no=r[5], received_at=_dt(r[6]), purpose=Purpose(r[8]),
            category=r[9], place=r[10], place_code=r[11], summary=r[12], content=r[13], demands=r[14],
            headcount=r[15], reception_leader=r[16], public_reception=bool(r[17]), caused_by=r[18],
            accused_unit=r[19], legal_status=r[20], petitioners=petitioners, unit=r[23],
            reached_level=r[32], irregular=bool(r[33]), irregular_note=r[34])
        repeats = self.q("SELECT c.uuid, c.number FROM repeats r JOIN cases c ON c.id = r.earlier_id "
                         "WHERE r.case_id = ? ORDER BY c.id", (row,))
        return Case(
            id=r[1], row=r[0], number=r[2], office=r[3], draft=draft, status=Status(r[21]),
            registered_at=_dt(r[7]), disposition=r[22], handling_unit=r[23],
            handling_unit_name=self.unit_name(r[23]) if r[23] else "", restricted=bool(r[24]), repeat_of=r[25],
            repeat_ids=tuple(u for u, _ in repeats), repeat_numbers=tuple(n for _, n in repeats),
            no_longer_accept_candidate=bool(r[26]), outcome=r[27], rating=r[28],
            closure_reason=r[29], closed_at=_dt(r[30]), clocks=tuple(self.clocks(row)),
            events=tuple(self.events(row)) if with_events else (), attachments=tuple(self.attachments(row)),
            route=json.loads(r[31] or "{}"), registered_by=r[35], version=r[36])

    # ---- clocks --------------------------------------------------------------------------------
    def clocks(self, row: int) -> list[Clock]:
        order = {s.value: i for i, s in enumerate(Step)}
        rows = self.q("SELECT step, trigger, days, unit, roll_forward, due, extra_days, tolled_days, stopped_on "
                      "FROM clocks WHERE case_id = ?", (row,))
        rows.sort(key=lambda r: order[r[0]])
        return [Clock(Step(s), date.fromisoformat(t), d, u, bool(rf), date.fromisoformat(due), x, tl, _d(st))
                for s, t, d, u, rf, due, x, tl, st in rows]

    def save_clock(self, row: int, c: Clock) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO clocks(case_id, step, trigger, days, unit, roll_forward, extra_days, tolled_days, "
            "due, stopped_on) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (row, c.step.value, _iso(c.trigger), c.days, c.unit, int(c.roll_forward), c.extra_days, c.tolled_days,
             _iso(c.due), _iso(c.stopped_on)))

    def running_clocks(self) -> Iterator[tuple[int, Clock]]:
        for (case_id,) in self.q("SELECT DISTINCT case_id FROM clocks WHERE stopped_on IS NULL"):
            for c in self.clocks(case_id):
                if c.running:
                    yield case_id, c

    # ---- events --------------------------------------------------------------------------------
    def append_event(self, row: int, case_uuid: str, action: str, at: datetime, recorded_at: datetime,
                     actor: str, payload: dict) -> Event:
        """Append an event of a case, after its rows were changed in the same transaction: the payload gets
        `changes`, what this action changed in the case's projection (storage/projection.py), so the
        projection can be replayed from the events; then the case chain, the ledger and the row's head."""
        earlier = self.q("SELECT seq, hash, payload FROM events WHERE case_id = ? ORDER BY seq", (row,))
        seq, prev = (earlier[-1][0] + 1, earlier[-1][1]) if earlier else (1, GENESIS)
        before = projection.replay([json.loads(p) for _s, _h, p in earlier])
        payload = dict(payload, changes=projection.diff(before, projection.current(self.conn, row)))
        # the digest of the state after this event: check hashes the rows instead of replaying (storage/digests.py)
        digest = digests.row_digest(self.conn, row)
        if digest is not None:
            payload["state_digest"] = digest
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        at_s, rec_s = _iso(at), _iso(recorded_at)
        h = event_hash(prev, case_uuid, seq, action, at_s, rec_s, actor, body)
        with transaction(self.conn):
            ledger.serialise(self.conn)
            cur = self.conn.execute(
                "INSERT INTO events(case_id, seq, action, at, recorded_at, actor, payload, prev_hash, hash) "
                "VALUES (?,?,?,?,?,?,?,?,?)", (row, seq, action, at_s, rec_s, actor, body, prev, h))
            ledger.chain(self.conn, "case", cur.lastrowid, h)
            self.conn.execute("UPDATE cases SET event_count = ?, head_hash = ? WHERE id = ?", (seq, h, row))
        return Event(case_uuid, seq, action, at, recorded_at, actor, payload, prev, h)

    def events(self, row: int) -> list[Event]:
        case_uuid = self.one("SELECT uuid FROM cases WHERE id = ?", (row,))
        return [Event(case_uuid, s, a, _dt(at), _dt(rec), actor, json.loads(p), prev, h)
                for s, a, at, rec, actor, p, prev, h in self.q(
                    "SELECT seq, action, at, recorded_at, actor, payload, prev_hash, hash FROM events "
                    "WHERE case_id = ? ORDER BY seq", (row,))]

    def last_event_at(self, row: int) -> datetime | None:
        """When the last step of the lifecycle happened (attachments, re-routing notes, notices do not count)."""
        return _dt(self.one("SELECT at FROM events WHERE case_id = ? "
                            "AND action NOT IN ('attach', 'route', 'recompute', 'baseline', 'notice') "
                            "ORDER BY seq DESC LIMIT 1", (row,)))

    # ---- attachments -------------------------------------------------------------------------------
    def add_attachment(self, row: int, filename: str, stored_path: str, sha256: str, size: int, now: datetime) -> None:
        self.conn.execute("INSERT INTO attachments(case_id, filename, stored_path, sha256, size, added_at) "
                          "VALUES (?,?,?,?,?,?)", (row, filename, stored_path, sha256, size, _iso(now)))

    def attachments(self, row: int) -> list[Attachment]:
        return [Attachment(f, h, s, p, _dt(a)) for f, p, h, s, a in self.q(
            "SELECT filename, stored_path, sha256, size, added_at FROM attachments WHERE case_id = ? ORDER BY id", (row,))]

    # ---- repeats -------------------------------------------------------------------------------------
    def same_person_cases(self, id_numbers: Sequence[str], name_phones: Sequence[tuple[str, str]],
                          exclude_row: int | None = None, limit: int = 200) -> list[tuple]:
        """Earlier cases sharing a petitioner: (row, uuid, number, category, summary, demands, status,
        closure_reason, how-matched)."""
        hits: dict[int, str] = {}
        for idn in id_numbers:
            # the "<> ''" lets SQLite use the partial index petitioners_id_number
            for (cid,) in self.q("SELECT case_id FROM petitioners WHERE id_number = ? AND id_number <> '' LIMIT ?",
                                 (idn, limit)):
                hits.setdefault(cid, f"身份证号 {idn}")
        for name, phone in name_phones:
            for (cid,) in self.q("SELECT case_id FROM petitioners WHERE name = ? AND phone = ? AND phone <> '' "
                                 "LIMIT ?", (name, phone, limit)):
                hits.setdefault(cid, f"姓名+电话 {name}")
        hits.pop(exclude_row, None)
        if not hits:
            return []
        marks = ",".join("?" * len(hits))
        rows = self.q(f"SELECT id, uuid, number, category, summary, demands, status, closure_reason, received_at "
                      f"FROM cases WHERE id IN ({marks}) ORDER BY id", list(hits))
        return [(*r, hits[r[0]]) for r in rows]

    def add_repeat(self, row: int, earlier: int, person: str, similarity: float) -> None:
        self.conn.execute("INSERT OR REPLACE INTO repeats(case_id, earlier_id, person, similarity) VALUES (?,?,?,?)",
                          (row, earlier, person, similarity))

    # ---- lists, search, counts ---------------------------------------------------------------------
    def _where(self, f: ListFilter) -> tuple[str, list]:
        clauses, params = [], []
        if f.status:
            clauses.append(f"status IN ({','.join('?' * len(f.status))})")
            params += list(f.status)
        if f.channel:
            clauses.append("channel = ?"); params.append(f.channel)
        if f.category:
            if "/" in f.category:
                clauses.append("category = ?"); params.append(f.category)
            else:
                clauses.append("(category = ? OR category >= ? AND category < ?)")
                params += [f.category, f.category + "/", f.category + "0"]
        if f.unit:
            clauses.append("handling_unit = ?"); params.append(f.unit)
        if f.office:
            clauses.append("office = ?"); params.append(f.office)
        if f.received_from:
            clauses.append("received_at >= ?"); params.append(f.received_from.isoformat())
        if f.received_to:
            clauses.append("received_at < ?"); params.append(date.fromordinal(f.received_to.toordinal() + 1).isoformat())
        if f.due_before:
            clauses.append("next_due <= ?"); params.append(f.due_before.isoformat())
        if f.due_after:
            clauses.append("next_due > ?"); params.append(f.due_after.isoformat())
        if f.registered_by:
            clauses.append("registered_by = ?"); params.append(f.registered_by)
        if f.restricted is not None:
            clauses.append("restricted = ?"); params.append(int(f.restricted))
        if f.reached_level:
            clauses.append("reached_level = ?"); params.append(f.reached_level)
        if f.irregular is not None:
            clauses.append("irregular = ?"); params.append(int(f.irregular))
        if f.only_unit:
            clauses.append("handling_unit = ?"); params.append(f.only_unit)
        if f.hide_accused:
            # the few restricted rows from their partial index, so the rest of the query can stay index-only
            clauses.append(f"id NOT IN (SELECT id FROM cases WHERE {self.dialect.true('restricted')} AND accused_unit IN "
                           f"({','.join('?' * len(f.hide_accused))}))")
            params += list(f.hide_accused)
        if f.text:
            found = self.text_index.ids_condition(f.text)
            if found is None:
                clauses.append("1 = 0")
            else:
                clauses.append(found[0])
                params += found[1]
            if f.text_reader is not None:
                clauses.append(f"({self.dialect.false('restricted')} OR registered_by = ? OR number = ?)")
                params += [f.text_reader, f.text.strip()]
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def list_ids(self, f: ListFilter = ListFilter(), order: str = "id", descending: bool = True) -> array:
        if order == "id" and f == ListFilter():
            # all ids: read the smallest index (not the 1.5 GB table at 1M rows) and sort here
            ids = array("q", sorted((r[0] for r in self.conn.execute(
                "SELECT id FROM cases INDEXED BY cases_channel")), reverse=descending))
            return ids
        column = {"id": "id", "received_at": "received_at", "next_due": "next_due", "number": "number",
                  "status": "status", "category": "category", "handling_unit": "handling_unit",
                  "channel": "channel", "petitioner_names": "petitioner_names"}.get(order, "id")
        where, params = self._where(f)
        direction = "DESC" if descending else "ASC"
        # SQLite puts NULLs (a case with no running clock has no next_due) first when ascending; ask the same
        nulls = (" NULLS FIRST" if direction == "ASC" else " NULLS LAST") if self.dialect.server else ""
        sql = f"SELECT id FROM cases{where} ORDER BY {column} {direction}{nulls}, id {direction}"
        ids = array("q")
        cur = self.conn.execute(sql, params)
        while True:
            chunk = cur.fetchmany(65536)
            if not chunk:
                break
            ids.extend(r[0] for r in chunk)
        return ids

    def first_page(self, f: ListFilter, limit: int = 50) -> list[int]:
        if f.text and f == ListFilter(text=f.text):
            # text only: newest matches straight from the search index
            found = self.text_index.newest_statement(f.text, limit)
            return [r[0] for r in self.q(*found)] if found else []
        where, params = self._where(f)
        return [r[0] for r in self.q(f"SELECT id FROM cases{where} ORDER BY id DESC LIMIT ?", (*params, limit))]

    def count(self, f: ListFilter = ListFilter()) -> int:
        if f.text and f == ListFilter(text=f.text):
            found = self.text_index.count_statement(f.text)
            return self.one(*found) if found else 0
        where, params = self._where(f)
        return self.one(f"SELECT count(*) FROM cases{where}", params)

    LIST_COLUMNS = ("id", "number", "received_at", "channel", "petitioner_names", "category", "summary", "status",
                    "handling_unit", "next_due", "next_step", "restricted", "repeat_of")

    def list_rows(self, ids: Sequence[int]) -> dict[int, tuple]:
        if not ids:
            return {}
        cols = ", ".join(self.LIST_COLUMNS)
        out: dict[int, tuple] = {}
        for i in range(0, len(ids), 500):
            part = list(ids[i:i + 500])
            for r in self.q(f"SELECT {cols} FROM cases WHERE id IN ({','.join('?' * len(part))})", part):
                out[r[0]] = r
        return out

    def total_cases(self) -> int:
        return self.one("SELECT count(*) FROM cases")

    def integrity(self) -> str:
        return self.one("PRAGMA integrity_check")


def _add_user(conn, login: str, name: str, roles: str, now: datetime) -> None:
    added = conn.execute("INSERT OR IGNORE INTO users(login, name, roles, created_at) VALUES (?, ?, ?, ?)",
                         (login, name or login, roles, _iso(now))).rowcount
    if added:
        ledger.append(conn, "user", login, "create", now, now, login, {"name": name or login, "roles": roles})

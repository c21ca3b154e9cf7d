"""Statistics SQL: every count of the report, read from covering indexes (migration 0009).

Each number of a dataset comes from a *query*, a small JSON-able dict; the same dict gives the count
(here) and the list of cases behind it (`case_ids`). Kinds:

- ``received``  cases received in [from, to]; filters channel, purpose, category (一级 prefix or
  一级/二级), level, irregular, min_headcount (with channel 来访 for 集体访), repeat
- ``clock``     clocks of ``steps`` whose due date (after extension) is in [from, to]; ``met``: stopped
  on or before the due date
- ``rated``     ratings recorded in [from, to]; ``ratings`` limits the values
- ``served``    replies served in [from, to] (the 复查申请期 clock starts on the service date);
  ``rated_by``: with a rating other than 未评价 recorded by that date
- ``ended``     cases whose first terminal step (不予受理/告知/转政法纪检/存档/终结, the column ``ended_at``
  kept by the trigger of migration 0039) is in [from, to]; ``first_time``: "denominator" (not a repeat) or
  "numerator" (… and no 复查 request, no later repeat)
- ``open``      cases open at the start of day ``at``
- ``overdue``   cases with a duty clock due on or before ``at`` and not done by the end of that day

Every kind takes ``unit`` (the responsible unit) to narrow the scope.

Speed at 1,000,000 cases (bench/bench_reports.py): every query walks one index range; clocks carry their
case's unit and channel (migration 0049, index ``clocks_unit_due``); where a query needs the case's rating it
looks it up in the narrow index ``cases_row_stats``, never in the wide case rows.
A case has at most one 评价 (rating is allowed from 已送达 only, and nothing leads back there), so the rating a
rate event recorded is the case's ``rating`` column.
"""
from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Iterable, Mapping

from ..domain.problems import DomainError
from .dialect import dialect_of
from .errors import StorageError
from .mediation_store import SUCCESS
from .verify import END_ACTIONS  # noqa: F401  (the steps that end a case; ended_at)
DUTY_STEPS = ("dispose", "notice", "handle", "review", "recheck")
_MET = "k.stopped_on IS NOT NULL AND k.stopped_on <= k.due"


def _next_day(d: str) -> str:
    return (date.fromisoformat(d) + timedelta(days=1)).isoformat()


def _in(column: str, values: Iterable[str]) -> tuple[str, list]:
    values = list(values)
    return f"{column} IN ({','.join('?' * len(values))})", values


VISIT = "来访"
_CASE = "cases c INDEXED BY cases_row_stats"      # (id, handling_unit, rating, channel)


class StatsStore:
    """Read-only statistics over one connection (the GUI gives it its own, off the GUI thread)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.dialect = dialect_of(conn)

    def second(self) -> "StatsStore | None":
        """Another StatsStore on its own read-only connection to the same database, for a helper thread
        (SQLite runs a query without Python's lock, so two connections use two cores; a server runs each
        connection's query in its own process); None for an in-memory database or when it cannot be opened
        so. The caller closes it (`close`)."""
        if self.dialect.server:
            try:
                conn = self.conn.another()
                conn.keep_session("SET default_transaction_read_only = on")
                return StatsStore(conn)
            except (StorageError, DomainError):
                return None
        try:
            path = self.conn.execute("PRAGMA database_list").fetchone()[2]
            if not path:
                return None
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA cache_size = -32768")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()     # fails here if it cannot read
            return StatsStore(conn)
        except sqlite3.Error:
            return None

    def close(self) -> None:
        self.conn.close()

    def _rows(self, sql: str, params: list) -> list[tuple]:
        return self.conn.execute(sql, params).fetchall()

    # ---- the WHERE of each query kind --------------------------------------------------------
    def _received(self, q: Mapping) -> tuple[str, list]:
        where = ["c.received_at >= ?", "c.received_at < ?"]
        params: list = [q["from"], _next_day(q["to"])]
        for key, column in (("channel", "c.channel"), ("purpose", "c.purpose"), ("level", "c.reached_level"),
                            ("unit", "c.handling_unit")):
            if q.get(key):
                where.append(f"{column} = ?"); params.append(q[key])
        if q.get("category"):
            cat = q["category"]
            if "/" in cat:
                where.append("c.category = ?"); params.append(cat)
            else:
                where.append("(c.category = ? OR (c.category >= ? AND c.category < ?))")
                params += [cat, cat + "/", cat + "0"]
        if q.get("irregular") is not None:
            where.append("c.irregular = ?"); params.append(int(bool(q["irregular"])))
        if q.get("min_headcount"):
            where.append("c.headcount >= ?"); params.append(int(q["min_headcount"]))
        if q.get("repeat") is not None:
            where.append("c.repeat_of <> ''" if q["repeat"] else "c.repeat_of = ''")
        return "FROM cases c INDEXED BY cases_stats WHERE " + " AND ".join(where), params

    def _clock(self, q: Mapping) -> tuple[str, list]:
        steps, params = _in("k.step", q["steps"])
        where = [steps, "k.due >= ?", "k.due <= ?"]
        params += [q["from"], q["to"]]
        if q.get("met"):
            where.append(_MET)
        for key, column in (("unit", "k.handling_unit"), ("channel", "k.channel")):
            if q.get(key):
                where.append(f"{column} = ?"); params.append(q[key])
        index = "clocks_unit_due" if q.get("unit") else "clocks_step_due"
        return f"FROM clocks k INDEXED BY {index} WHERE " + " AND ".join(where), params

    def _rated(self, q: Mapping) -> tuple[str, list]:
        where = ["e.action = 'rate'", "e.at >= ?", "e.at < ?"]
        params: list = [q["from"], _next_day(q["to"])]
        if q.get("ratings"):
            clause, values = _in("c.rating", q["ratings"])
            where.append(clause); params += values
        if q.get("unit"):
            where.append("c.handling_unit = ?"); params.append(q["unit"])
        return (f"FROM events e INDEXED BY events_action_at JOIN {_CASE} ON c.id = e.case_id WHERE "
                + " AND ".join(where)), params

    def _served(self, q: Mapping) -> tuple[str, list]:
        where = ["k.step = 'review_request'", "k.trigger >= ?", "k.trigger <= ?"]
        params: list = [q["from"], q["to"]]
        join = ""
        if q.get("rated_by") or q.get("unit"):
            join = f" JOIN {_CASE} ON c.id = k.case_id"
        if q.get("rated_by"):
            where.append("c.rating NOT IN ('', '未评价')")
            if self._rated_after(_next_day(q["rated_by"])):     # else every rating so far was recorded by then
                where.append("EXISTS (SELECT 1 FROM events r INDEXED BY events_rate WHERE r.case_id = k.case_id "
                             "AND r.action = 'rate' AND r.at < ?)")
                params.append(_next_day(q["rated_by"]))
        if q.get("unit"):
            where.append("c.handling_unit = ?"); params.append(q["unit"])
        return f"FROM clocks k INDEXED BY clocks_step_trigger{join} WHERE " + " AND ".join(where), params

    def _rated_after(self, day: str) -> bool:
        """Is any rating recorded on or after `day`? (the last entry of the rate range of events_action_at)"""
        return bool(self._rows("SELECT 1 FROM events INDEXED BY events_action_at WHERE action = 'rate' AND at >= ? "
                               "LIMIT 1", [day]))

    def _ended(self, q: Mapping) -> tuple[str, list]:
        where = ["c.ended_at >= ?", "c.ended_at < ?"]
        params: list = [q["from"], _next_day(q["to"])]
        if q.get("unit"):
            where.append("c.handling_unit = ?"); params.append(q["unit"])
        if q.get("first_time"):
            where.append("c.repeat_of = ''")
        if q.get("first_time") == "numerator":
            where.append("c.id NOT IN (SELECT case_id FROM clocks INDEXED BY clocks_step_due WHERE step = 'review')")
            where.append("NOT EXISTS (SELECT 1 FROM repeats x WHERE x.earlier_id = c.id)")
        return "FROM cases c INDEXED BY cases_ended WHERE " + " AND ".join(where), params

    # ---- counting and listing ------------------------------------------------------------------
    def count(self, q: Mapping) -> int:
        kind = q["kind"]
        if kind == "received":
            frm, params = self._received(q)
            return self._rows(f"SELECT count(*) {frm}", params)[0][0]
        if kind in ("clock", "served"):
            frm, params = (self._clock if kind == "clock" else self._served)(q)
            return self._rows(f"SELECT count(*) {frm}", params)[0][0]
        if kind in ("rated", "ended"):
            frm, params = (self._rated if kind == "rated" else self._ended)(q)
            return self._rows(f"SELECT count(*) {frm}", params)[0][0]
        if kind == "open":
            return self._open_count(q["at"], q.get("unit"))
        if kind == "overdue":
            return len(self._overdue_ids(q["at"], q.get("unit")))
        raise ValueError(kind)

    def case_ids(self, q: Mapping) -> list[int]:
        """The cases behind a number, oldest first."""
        kind = q["kind"]
        if kind == "received":
            frm, params = self._received(q)
            return [r[0] for r in self._rows(f"SELECT c.id {frm}", params)]
        if kind in ("clock", "served"):
            frm, params = (self._clock if kind == "clock" else self._served)(q)
            ids = [r[0] for r in self._rows(f"SELECT k.case_id {frm}", params)]
        elif kind == "rated":
            frm, params = self._rated(q)
            ids = [r[0] for r in self._rows(f"SELECT e.case_id {frm}", params)]
        elif kind == "ended":
            frm, params = self._ended(q)
            ids = [r[0] for r in self._rows(f"SELECT c.id {frm}", params)]
        elif kind == "open":
            ids = self._open_ids(q["at"], q.get("unit"))
        elif kind == "overdue":
            ids = list(self._overdue_ids(q["at"], q.get("unit")))
        else:
            raise ValueError(kind)
        return sorted(set(ids))

    # ---- received cases: every count of the period from narrow index ranges -------------------------
    _DIMENSION_INDEX = {"channel": "cases_channel", "purpose": "cases_purpose", "category": "cases_category",
                        "reached_level": "cases_level", "handling_unit": "cases_unit"}

    def received_summary(self, start: str, end: str, collective: int, values: Mapping[str, Iterable[str]],
                         unit: str | None = None) -> dict:
        """The received cases of [start, end] counted every way the report needs:
        {"count", "persons", "by": {dimension: {value: count}}, "irregular": (cases, persons), "repeat": cases,
         "visits": (cases, persons), "collective": (cases, persons, largest)}.
        `values` lists the known values of each dimension wanted (channel, purpose, category, reached_level,
        handling_unit). For the whole office each number is a count(*) of an index range (no row is read;
        headcounts above 1 come from the small partial index cases_many); a dimension whose counts do not add
        up to the total (a value not listed) is counted again with GROUP BY. One unit: one pass of its rows."""
        hi = _next_day(end)
        if unit:
            return self._unit_summary(start, hi, collective, values, unit)
        count = lambda sql, params: self._rows(sql, params)[0][0]   # noqa: E731
        total = count("SELECT count(*) FROM cases INDEXED BY cases_received WHERE received_at >= ? AND received_at < ?",
                      [start, hi])
        by: dict[str, dict[str, int]] = {}
        for dim, known in values.items():
            index = self._DIMENSION_INDEX[dim]
            found = {v: count(f"SELECT count(*) FROM cases INDEXED BY {index} WHERE {dim} = ? AND received_at >= ? "
                              "AND received_at < ?", [v, start, hi]) for v in known}
            if sum(found.values()) != total:        # a value the lists do not know: count them all
                found = dict(self._rows(f"SELECT {dim}, count(*) FROM cases INDEXED BY cases_stats WHERE "
                                        f"received_at >= ? AND received_at < ? GROUP BY 1", [start, hi]))
            by[dim] = {v: n for v, n in found.items() if n}
        irregular = count("SELECT count(*) FROM cases INDEXED BY cases_irregular WHERE irregular = 1 AND "
                          "received_at >= ? AND received_at < ?", [start, hi])
        repeat = count("SELECT count(*) FROM cases INDEXED BY cases_repeat WHERE repeat_of <> '' AND "
                       "received_at >= ? AND received_at < ?", [start, hi])
        many = self._rows("SELECT channel, headcount, irregular FROM cases INDEXED BY cases_many WHERE headcount > 1 "
                          "AND received_at >= ? AND received_at < ?", [start, hi])
        visits = by.get("channel", {}).get(VISIT)
        if visits is None:
            visits = count("SELECT count(*) FROM cases INDEXED BY cases_channel WHERE channel = ? AND received_at >= ? "
                           "AND received_at < ?", [VISIT, start, hi])
        extra = lambda keep: sum(h - 1 for ch, h, irr in many if keep(ch, irr))   # noqa: E731
        big = [h for ch, h, _ in many if ch == VISIT and h >= collective]
        if collective <= 1:                         # every visit is collective
            big = [h for ch, h, _ in many if ch == VISIT] + [1] * (visits - sum(1 for ch, _, _ in many if ch == VISIT))
        return {"count": total, "persons": total + extra(lambda ch, irr: True), "by": by,
                "irregular": (irregular, irregular + extra(lambda ch, irr: irr)), "repeat": repeat,
                "visits": (visits, visits + extra(lambda ch, irr: ch == VISIT)),
                "collective": (len(big), sum(big), max(big, default=0))}

    def _unit_summary(self, start: str, hi: str, collective: int, values: Mapping, unit: str) -> dict:
        rows = self._rows("SELECT channel, purpose, category, reached_level, irregular, repeat_of <> '', headcount "
                          "FROM cases INDEXED BY cases_unit_stats WHERE handling_unit = ? AND received_at >= ? "
                          "AND received_at < ?", [unit, start, hi])
        columns = {"channel": 0, "purpose": 1, "category": 2, "reached_level": 3}
        by: dict[str, dict[str, int]] = {}
        for dim in values:
            counts: dict[str, int] = {}
            if dim == "handling_unit":
                counts = {unit: len(rows)} if rows else {}
            else:
                for r in rows:
                    counts[r[columns[dim]]] = counts.get(r[columns[dim]], 0) + 1
            by[dim] = counts
        irregular = [r[6] for r in rows if r[4]]
        visits = [r[6] for r in rows if r[0] == VISIT]
        big = [h for h in visits if h >= collective]
        return {"count": len(rows), "persons": sum(r[6] for r in rows), "by": by,
                "irregular": (len(irregular), sum(irregular)), "repeat": sum(1 for r in rows if r[5]),
                "visits": (len(visits), sum(visits)), "collective": (len(big), sum(big), max(big, default=0))}

    def received_count(self, start: str, end: str, unit: str | None = None) -> int:
        """Cases received in [start, end] (the trend and 环比 need only the count)."""
        if unit:
            return self._rows("SELECT count(*) FROM cases INDEXED BY cases_unit WHERE handling_unit = ? "
                              "AND received_at >= ? AND received_at < ?", [unit, start, _next_day(end)])[0][0]
        return self._rows("SELECT count(*) FROM cases INDEXED BY cases_received WHERE received_at >= ? "
                          "AND received_at < ?", [start, _next_day(end)])[0][0]

    def clock_table(self, q: Mapping, channel: str) -> list[tuple[str, str, bool, int, int]]:
        """(step, unit, of `channel`, denominator, numerator) of the clock query `q`: every clock rate of the
        office, of each unit and of one channel (12345). Each (step, unit) is one range of clocks_unit_due,
        which carries the case's unit and channel (migration 0049): no join to the cases, no sort."""
        extra, extra_params = "", []
        if q.get("channel"):
            extra, extra_params = " AND k.channel = ?", [q["channel"]]
        count_if = self.dialect.count_if
        sql = (f"SELECT count(*), {count_if(_MET)}, {count_if('k.channel = ?')}, {count_if(f'k.channel = ? AND {_MET}')} "
               "FROM clocks k INDEXED BY clocks_unit_due WHERE k.step = ? AND k.handling_unit = ? "
               f"AND k.due >= ? AND k.due <= ?{extra}")
        out = []
        for step in dict.fromkeys(q["steps"]):
            for unit in ([q["unit"]] if q.get("unit") else self._clock_units(step)):
                d, n, dc, nc = self._rows(sql, [channel, channel, step, unit, q["from"], q["to"]] + extra_params)[0]
                if d - (dc or 0):
                    out.append((step, unit, False, d - (dc or 0), (n or 0) - (nc or 0)))
                if dc:
                    out.append((step, unit, True, dc, nc or 0))
        return out

    def _clock_units(self, step: str) -> list[str]:
        """The units having clocks of `step`: one seek each in clocks_unit_due (not a scan of the step)."""
        units: list[str] = []
        sql = "SELECT min(handling_unit) FROM clocks INDEXED BY clocks_unit_due WHERE step = ?"
        unit = self._rows(sql, [step])[0][0]
        while unit is not None:
            units.append(unit)
            unit = self._rows(sql + " AND handling_unit > ?", [step, unit])[0][0]
        return units

    def rating_counts(self, q: Mapping, by_unit: bool = False) -> dict[str, dict[str, int]]:
        """{unit or '': {rating: count}} of ratings recorded in the period."""
        frm, params = self._rated(dict(q, ratings=None))
        rating = "c.rating"
        out: dict[str, dict[str, int]] = {}
        if by_unit:
            rows = self._rows(f"SELECT c.handling_unit, {rating}, count(*) {frm} GROUP BY 1, 2", params)
        else:
            rows = [("", r, n) for r, n in self._rows(f"SELECT {rating}, count(*) {frm} GROUP BY 1", params)]
        for unit, value, n in rows:
            out.setdefault(unit, {})[value] = n
        return out

    def overdue_by_unit(self, at: str) -> dict[str, int]:
        ids = self._overdue_ids(at, None)
        out: dict[str, int] = {}
        for i in range(0, len(ids), 900):
            part = ids[i:i + 900]
            for unit, n in self._rows(f"SELECT handling_unit, count(*) FROM cases INDEXED BY cases_row_stats WHERE id IN "
                                      f"({','.join('?' * len(part))}) GROUP BY handling_unit", part):
                out[unit] = out.get(unit, 0) + n
        return out

    # ---- open / overdue at a date ----------------------------------------------------------------
    def _open_parts(self, at: str, unit: str | None, select: str) -> list[tuple[str, list]]:
        """Received before `at` and not ended before it: two ranges of cases_ended (not ended yet; ended later)."""
        unit_clause = " AND c.handling_unit = ?" if unit else ""
        unit_param = [unit] if unit else []
        frm = f"SELECT {select} FROM cases c INDEXED BY cases_ended WHERE "
        still_open = (f"{frm}c.ended_at IS NULL AND c.received_at < ?{unit_clause}", [at] + unit_param)
        ended_later = (f"{frm}c.ended_at >= ? AND c.received_at < ?{unit_clause}", [at, at] + unit_param)
        return [still_open, ended_later]

    def _open_count(self, at: str, unit: str | None) -> int:
        return sum(self._rows(sql, params)[0][0] for sql, params in self._open_parts(at, unit, "count(*)"))

    def _open_ids(self, at: str, unit: str | None) -> list[int]:
        return [r[0] for sql, params in self._open_parts(at, unit, "c.id") for r in self._rows(sql, params)]

    def _overdue_ids(self, at: str, unit: str | None) -> list[int]:
        """Cases with a duty clock due on or before `at` and not stopped by the end of that day."""
        steps, sp = _in("k.step", DUTY_STEPS)
        ids: set[int] = set()
        for stopped, params in (("k.stopped_on IS NULL", []), ("k.stopped_on > ?", [at])):
            sql = (f"SELECT k.case_id FROM clocks k INDEXED BY clocks_stopped_due WHERE {stopped} AND k.due <= ? "
                   f"AND {steps}")
            ids.update(r[0] for r in self._rows(sql, params + [at] + sp))
        if unit and ids:
            keep: set[int] = set()
            part_ids = sorted(ids)
            for i in range(0, len(part_ids), 900):
                part = part_ids[i:i + 900]
                keep.update(r[0] for r in self._rows(
                    f"SELECT id FROM cases INDEXED BY cases_row_stats WHERE handling_unit = ? "
                    f"AND id IN ({','.join('?' * len(part))})",
                    [unit] + part))
            ids = keep
        return sorted(ids)

    def overdue_items(self, at: str, unit: str | None, limit: int = 200) -> list[tuple]:
        """(case id, number, received_at, summary, unit name, step, due) of the clocks overdue at the end of
        `at`, longest overdue first, one row per case."""
        ids = set(self._overdue_ids(at, unit))
        steps, sp = _in("k.step", DUTY_STEPS)
        rows = []
        for stopped, params in (("k.stopped_on IS NULL", []), ("k.stopped_on > ?", [at])):
            rows += self._rows(f"SELECT k.case_id, k.step, k.due FROM clocks k INDEXED BY clocks_stopped_due "
                               f"WHERE {stopped} AND k.due <= ? AND {steps}", params + [at] + sp)
        first: dict[int, tuple] = {}
        for case_id, step, due in sorted(rows, key=lambda r: (r[2], r[0])):
            if case_id in ids and case_id not in first:
                first[case_id] = (step, due)
        chosen = list(first.items())[:limit]
        out = []
        for i in range(0, len(chosen), 500):
            part = chosen[i:i + 500]
            found = {r[0]: r for r in self._rows(
                "SELECT c.id, c.number, c.received_at, c.summary, coalesce(u.name, c.handling_unit) FROM cases c "
                f"LEFT JOIN units u ON u.code = c.handling_unit WHERE c.id IN ({','.join('?' * len(part))})",
                [cid for cid, _ in part])}
            out += [(*found[cid], step, due) for cid, (step, due) in part if cid in found]
        return out

    # ---- the disputes behind a mediation number (issue 9's figures, MediationStore.success_figures) ----------
    _DISPUTE_OUTCOMES = {
        "succeeded": "1 = 1", "confirmed": "d.confirm_result = '确认有效'",
        "performed": "d.performance IN ('即时履行', '按期履行')",
        "criminal": "instr(d.risk_reasons, '可能激化为刑事案件') > 0",
        "group_petition": "instr(d.risk_reasons, '可能引发群体性上访') > 0",
    }

    def dispute_ids(self, q: Mapping) -> list[int]:
        """``{"kind": "disputes", "what", "from", "to"}``: "accepted" (受理 in the period; ``source``/``type``
        narrow it) or an agreement reached in the period that was "succeeded", "confirmed" (司法确认有效),
        "performed" (即时/按期履行), "criminal" / "group_petition" (the risk it prevented)."""
        what, params = q.get("what"), [q["from"], q["to"]]
        if what == "accepted":
            where = ["d.accepted_on BETWEEN ? AND ?"]
            for key in ("source", "type"):
                if q.get(key):
                    where.append(f"d.{key} = ?"); params.append(q[key])
        elif what in self._DISPUTE_OUTCOMES:
            where = ["d.outcome_on BETWEEN ? AND ?", SUCCESS, self._DISPUTE_OUTCOMES[what]]
        else:
            raise ValueError(what)
        if q.get("committee"):
            where.append("d.committee = ?"); params.append(q["committee"])
        return [r[0] for r in self._rows(f"SELECT d.id FROM disputes d WHERE {' AND '.join(where)} ORDER BY d.id",
                                         params)]

    # ---- names ------------------------------------------------------------------------------
    def unit_names(self) -> dict[str, str]:
        return dict(self._rows("SELECT code, name FROM units", []))

    def category_paths(self) -> list[str]:
        """Every category path, retired ones included (old cases keep them)."""
        return [r[0] for r in self._rows("SELECT path FROM categories", [])]

"""The numbers of one dataset (issue 10 §2), section by section, from StatsStore queries.

Each method fills one part of the dataset and records, for every count, numerator and denominator, the
query that lists its cases (``out["queries"][path]``)."""
from __future__ import annotations

import threading
from datetime import date

from ..domain.enums import Channel, Purpose, ReachedLevel
from ..domain.periods import Period
from ..storage.stats_store import StatsStore

CLOCK_RATES = {
    "acceptance_on_time_rate": ("dispose", "notice"),
    "reply_on_time_rate": ("handle",),
    "review_on_time_rate": ("review", "recheck"),
}
RATING_GOOD = ("满意", "基本满意")


def rate(numerator: int, denominator: int) -> dict:
    return {"numerator": numerator, "denominator": denominator,
            "value": (numerator / denominator) if denominator else None}


def change(current: int, base: int) -> dict:
    return {"current": current, "base": base, "change": ((current - base) / base) if base else None}


class Builder:
    """Fills one dataset; each method is one section (and one progress step)."""

    # the counts a helper thread can read on its own connection while the main thread does the sections before
    # them, in the order the main thread needs them; the helper starts from the last, the main thread counts any
    # the helper has not started when it gets there (so a year, where these weigh more, still splits evenly)
    AHEAD = ("ratings", "served", "first_time", "control", "overdue")

    def __init__(self, s: StatsStore, period: Period, unit: str, as_of: date, collective: int):
        self.s, self.p, self.unit, self.as_of, self.collective = s, period, unit, as_of, collective
        self.out: dict = {"queries": {}}
        self.q = self.out["queries"]
        self.helper: threading.Thread | None = None
        self.lock = threading.Lock()
        self.claimed: set[str] = set()
        self.ahead: dict[str, threading.Event] = {name: threading.Event() for name in self.AHEAD}
        self.results: dict = {}

    def read_ahead(self, second: StatsStore) -> None:
        """Count AHEAD numbers on `second` (its own connection) in a thread; `second` is closed after."""
        def run():
            try:
                for name in reversed(self.AHEAD):
                    if not self._claim(name):
                        break                   # the main thread got here: it counts the rest itself
                    try:
                        self.results[name] = self._count(second, name)
                    except Exception:           # noqa: BLE001 — the main thread counts it again and sees why
                        pass
                    finally:
                        self.ahead[name].set()
            finally:
                second.close()
        self.helper = threading.Thread(target=run, name="report-read-ahead", daemon=True)
        self.helper.start()

    def _claim(self, name: str) -> bool:
        with self.lock:
            if name in self.claimed:
                return False
            self.claimed.add(name)
            return True

    def _ahead(self, name: str):
        if self.helper is not None and not self._claim(name):
            self.ahead[name].wait()
            if name in self.results:
                return self.results[name]
        return self._count(self.s, name)

    def _control_queries(self) -> tuple[dict, dict, dict]:
        start = {"kind": "open", "at": self.p.start.isoformat()}
        end = {"kind": "open", "at": date.fromordinal(self.p.end.toordinal() + 1).isoformat()}
        if self.unit:
            start["unit"] = end["unit"] = self.unit
        return start, self._query("ended"), end

    def _count(self, s: StatsStore, name: str):
        if name == "ratings":
            return s.rating_counts(self._query("rated"), by_unit=True)
        if name == "served":
            sq = self._query("served")
            return s.count(sq), s.count(dict(sq, rated_by=self.as_of.isoformat()))
        if name == "first_time":
            dq = self._query("ended", first_time="denominator")
            return s.count(dict(dq, first_time="numerator")), s.count(dq)
        if name == "control":
            return tuple(s.count(q) for q in self._control_queries())
        if name == "overdue":
            return s.overdue_by_unit(self.p.end.isoformat())
        raise ValueError(name)

    def _query(self, kind: str, period: Period | None = None, **kw) -> dict:
        p = period or self.p
        q = {"kind": kind, "from": p.start.isoformat(), "to": p.end.isoformat()}
        if self.unit:
            q["unit"] = self.unit
        q.update({k: v for k, v in kw.items() if v is not None})
        return q

    def _received(self, period: Period | None = None, **kw) -> dict:
        return self._query("received", period, **kw)

    def _summary(self, period: Period, values: dict) -> dict:
        return self.s.received_summary(period.start.isoformat(), period.end.isoformat(), self.collective, values,
                                       self.unit or None)

    # The period's received cases counted every way in one call (index ranges; StatsStore.received_summary),
    # the same days a year earlier without the breakdowns; each number still gets its own query, which lists
    # its cases when clicked.
    def totals(self) -> None:
        q = self._received()
        values = {"channel": [c.value for c in Channel], "purpose": [p.value for p in Purpose],
                  "category": self.s.category_paths(), "reached_level": [lv.value for lv in ReachedLevel],
                  "handling_unit": ["", *self.s.unit_names()]}
        self.sum = self._summary(self.p, values)
        self.year_sum = self._summary(self.p.year_earlier(), {})
        yq = self._received(self.p.year_earlier())
        prev = self.p.previous()
        mq = self._received(prev)
        n, persons = self.sum["count"], self.sum["persons"]
        yn, ypersons = self.year_sum["count"], self.year_sum["persons"]
        mn = self.s.received_count(prev.start.isoformat(), prev.end.isoformat(), self.unit or None)
        self.total = n
        self.out["total"] = {"count": n, "yoy": change(n, yn), "mom": change(n, mn)}
        self.out["persons"] = {"count": persons, "yoy": change(persons, ypersons)}
        self.q.update({"total.count": q, "total.yoy.base": yq, "total.mom.base": mq,
                       "persons.count": q, "persons.yoy.base": yq})

    def _groups(self, dim: str) -> dict[str, int]:
        return self.sum["by"].get(dim, {})

    def channels(self) -> None:
        q = self._received()
        groups = self._groups("channel")
        self.out["by_channel"] = {c.value: groups.get(c.value, 0) for c in Channel}
        for c in Channel:
            self.q[f"by_channel.{c.value}"] = dict(q, channel=c.value)
        visit = Channel.VISIT.value
        (n, persons), (yn, ypersons) = self.sum["visits"], self.year_sum["visits"]
        vq, yvq = self._received(channel=visit), self._received(self.p.year_earlier(), channel=visit)
        self.out["visits"] = {"batches": n, "persons": persons, "yoy": change(n, yn),
                              "persons_yoy": change(persons, ypersons)}
        self.q.update({"visits.batches": vq, "visits.persons": vq, "visits.yoy.base": yvq})
        (n, persons, largest), (yn, ypersons, _) = self.sum["collective"], self.year_sum["collective"]
        cq = self._received(channel=visit, min_headcount=self.collective)
        ycq = self._received(self.p.year_earlier(), channel=visit, min_headcount=self.collective)
        self.out["collective"] = {"batches": n, "persons": persons, "largest": largest, "yoy": change(n, yn),
                                  "persons_yoy": change(persons, ypersons)}
        self.q.update({"collective.batches": cq, "collective.persons": cq, "collective.yoy.base": ycq})

    def levels(self) -> None:
        (n, persons), (yn, _) = self.sum["irregular"], self.year_sum["irregular"]
        iq, yiq = self._received(irregular=True), self._received(self.p.year_earlier(), irregular=True)
        self.out["irregular"] = {"count": n, "persons": persons, "yoy": change(n, yn)}
        self.q.update({"irregular.count": iq, "irregular.persons": iq, "irregular.yoy.base": yiq})
        q = self._received()
        groups = self._groups("reached_level")
        self.out["by_level"] = {lv.value: groups.get(lv.value, 0) for lv in ReachedLevel}
        for lv in ReachedLevel:
            self.q[f"by_level.{lv.value}"] = dict(q, level=lv.value)

    def categories(self) -> None:
        q = self._received()
        groups = self._groups("category")
        total = sum(groups.values())
        tree: dict[str, dict] = {}
        for path, n in sorted(groups.items(), key=lambda kv: (-kv[1], kv[0])):
            l1, _, l2 = path.partition("/")
            node = tree.setdefault(l1, {"count": 0, "sub": {}})
            node["count"] += n
            if l2:
                node["sub"][l2] = node["sub"].get(l2, 0) + n
        out = {}
        for l1, node in sorted(tree.items(), key=lambda kv: (-kv[1]["count"], kv[0])):
            out[l1] = {"count": node["count"], "share": rate(node["count"], total), "sub": {
                l2: {"count": n, "share": rate(n, node["count"])}
                for l2, n in sorted(node["sub"].items(), key=lambda kv: (-kv[1], kv[0]))}}
            self.q[f"by_category.{l1}"] = dict(q, category=l1)
            for l2 in node["sub"]:
                self.q[f"by_category.{l1}.{l2}"] = dict(q, category=f"{l1}/{l2}")
        self.out["by_category"] = out
        groups = self._groups("purpose")
        self.out["by_purpose"] = {pu.value: groups.get(pu.value, 0) for pu in Purpose}
        for pu in Purpose:
            self.q[f"by_purpose.{pu.value}"] = dict(q, purpose=pu.value)

    def _clock_sum(self, steps, keep=lambda unit, hotline: True) -> tuple[int, int]:
        rows = [r for r in self.clocks if r[0] in steps and keep(r[1], r[2])]
        return sum(r[3] for r in rows), sum(r[4] for r in rows)

    def clock_rates(self) -> None:
        # one pass over the period's duty clocks, by step, unit and 12345: the office's, each unit's and the
        # 12345 rates all come from it
        steps = [s for group in CLOCK_RATES.values() for s in group]
        self.clocks = self.s.clock_table(self._query("clock", steps=steps), Channel.HOTLINE_12345.value)
        for key, steps in CLOCK_RATES.items():
            q = self._query("clock", steps=list(steps))
            d, n = self._clock_sum(steps)
            self.out[key] = rate(n, d)
            self.q[f"{key}.denominator"] = q
            self.q[f"{key}.numerator"] = dict(q, met=True)

    def satisfaction(self) -> None:
        q = self._query("rated")
        self.ratings = self._ahead("ratings")
        counts: dict[str, int] = {}
        for by_rating in self.ratings.values():
            for value, n in by_rating.items():
                counts[value] = counts.get(value, 0) + n
        good, sat = sum(counts.get(r, 0) for r in RATING_GOOD), counts.get("满意", 0)
        rated = good + counts.get("不满意", 0)
        self.out["satisfaction_rate"] = rate(good, rated)
        self.out["satisfied_only_rate"] = rate(sat, rated)
        denominator = dict(q, ratings=["满意", "基本满意", "不满意"])
        self.q.update({"satisfaction_rate.numerator": dict(q, ratings=list(RATING_GOOD)),
                       "satisfaction_rate.denominator": denominator,
                       "satisfied_only_rate.numerator": dict(q, ratings=["满意"]),
                       "satisfied_only_rate.denominator": denominator})
        sq = self._query("served")
        served, rated = self._ahead("served")
        rq = dict(sq, rated_by=self.as_of.isoformat())
        self.out["rating_rate"] = rate(rated, served)
        self.q.update({"rating_rate.numerator": rq, "rating_rate.denominator": sq})

    def repeats(self) -> None:
        n = self.sum["repeat"]
        q = self._received(repeat=True)
        self.out["repeat_rate"] = rate(n, self.total)
        self.q.update({"repeat_rate.numerator": q, "repeat_rate.denominator": self.q["total.count"]})
        dq = self._query("ended", first_time="denominator")
        nq = dict(dq, first_time="numerator")
        self.out["first_time_resolution_rate"] = rate(*self._ahead("first_time"))
        self.q.update({"first_time_resolution_rate.numerator": nq, "first_time_resolution_rate.denominator": dq})

    def control(self) -> None:
        start, closed, end = self._control_queries()
        carried, n_closed, open_at_end = self._ahead("control")
        self.out["control"] = {"new": self.total, "carried_over": carried, "closed": n_closed,
                               "open_at_end": open_at_end}
        self.q.update({"control.new": self.q["total.count"], "control.carried_over": start,
                       "control.closed": closed, "control.open_at_end": end})

    def units(self, threshold: float) -> None:
        names = self.s.unit_names()
        base = {"kind": "received", "from": self.p.start.isoformat(), "to": self.p.end.isoformat()}
        if self.unit:
            base["unit"] = self.unit
        received = self._groups("handling_unit")
        clock: dict[str, dict[str, tuple[int, int]]] = {}
        for key, steps in CLOCK_RATES.items():
            for unit in {r[1] for r in self.clocks if r[0] in steps}:
                clock.setdefault(key, {})[unit] = self._clock_sum(steps, lambda u, _h, unit=unit: u == unit)
        clock = {key: clock.get(key, {}) for key in CLOCK_RATES}
        ratings = self.ratings
        end = self.p.end.isoformat()
        overdue = self._ahead("overdue")
        codes = set(received) | {u for c in clock.values() for u in c} | set(ratings) | set(overdue)
        if self.unit:
            codes &= {self.unit}
        rows = []
        for code in codes:
            row = {"unit": code, "name": names.get(code, code) if code else "（未分派）",
                   "received": received.get(code, 0), "overdue_at_end": overdue.get(code, 0)}
            for key in CLOCK_RATES:
                d, n = clock[key].get(code, (0, 0))
                row[key] = rate(n, d)
            r = ratings.get(code, {})
            good = sum(r.get(x, 0) for x in RATING_GOOD)
            row["satisfaction_rate"] = rate(good, good + r.get("不满意", 0))
            row["below"] = [k for k in (*CLOCK_RATES, "satisfaction_rate")
                            if row[k]["value"] is not None and row[k]["value"] < threshold]
            rows.append(row)

        def rank_key(row):
            values = [row[k]["value"] for k in (*CLOCK_RATES, "satisfaction_rate") if row[k]["value"] is not None]
            return (-(sum(values) / len(values)) if values else 1, row["overdue_at_end"], -row["received"], row["unit"])
        rows.sort(key=rank_key)
        for i, row in enumerate(rows, 1):
            row["rank"] = i
            u = {"unit": row["unit"]}
            self.q[f"units.{row['unit']}.received"] = dict(base, **u)
            self.q[f"units.{row['unit']}.overdue_at_end"] = {"kind": "overdue", "at": end, **u}
            for key, steps in CLOCK_RATES.items():
                q = dict(self._query("clock", steps=list(steps)), **u)
                self.q[f"units.{row['unit']}.{key}.denominator"] = q
                self.q[f"units.{row['unit']}.{key}.numerator"] = dict(q, met=True)
            rq = dict(self._query("rated"), **u)
            self.q[f"units.{row['unit']}.satisfaction_rate.numerator"] = dict(rq, ratings=list(RATING_GOOD))
            self.q[f"units.{row['unit']}.satisfaction_rate.denominator"] = dict(rq, ratings=["满意", "基本满意", "不满意"])
        self.out["units"] = rows

    def work_orders(self) -> None:
        n = self._groups("channel").get(Channel.HOTLINE_12345.value, 0)
        q = self._received(channel=Channel.HOTLINE_12345.value)
        cq = self._query("clock", steps=["handle"], channel=Channel.HOTLINE_12345.value)
        d, met = self._clock_sum(("handle",), lambda _u, hotline: hotline)
        self.out["work_orders_12345"] = {"count": n, "reply_on_time_rate": rate(met, d)}
        self.q.update({"work_orders_12345.count": q,
                       "work_orders_12345.reply_on_time_rate.denominator": cq,
                       "work_orders_12345.reply_on_time_rate.numerator": dict(cq, met=True)})

    def trend(self) -> None:
        rows = []
        for m in self.p.trailing_months(12):
            q = self._received(m)
            n = self.total if (m.start, m.end) == (self.p.start, self.p.end) else \
                self.s.received_count(q["from"], q["to"], self.unit or None)
            key = f"{m.start.year}-{m.start.month:02d}"
            rows.append({"month": key, "count": n})
            self.q[f"trend.{key}"] = q
        self.out["trend"] = rows

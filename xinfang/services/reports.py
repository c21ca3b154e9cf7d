"""The leader's statistics (issue 10 §2): pure datasets computed from cases, clocks and events.

`ws.reports.dataset(period, unit)` returns a JSON-able dict with the key names of the issue. Every
rate is ``{"numerator", "denominator", "value"}``, every change ``{"current", "base", "change"}``.
``dataset["queries"]`` maps the path of each count, numerator and denominator (e.g.
``"by_channel.来访"``, ``"reply_on_time_rate.numerator"``) to the query that lists its cases;
``ws.reports.case_ids(query)`` lists them.
"""
from __future__ import annotations

import time
from datetime import date
from typing import TYPE_CHECKING, Callable, Mapping

from ..domain import report_tables, report_text
from ..domain.enums import Channel, Purpose, ReachedLevel, Step
from ..domain.periods import Period, cumulative, parse_month, parse_period, quarter
from ..domain.problems import DomainError
from ..storage.stats_store import StatsStore

if TYPE_CHECKING:
    from .workspace import Workspace

CLOCK_RATES = {
    "acceptance_on_time_rate": ("dispose", "notice"),
    "reply_on_time_rate": ("handle",),
    "review_on_time_rate": ("review", "recheck"),
}
RATING_GOOD = ("满意", "基本满意")
Progress = Callable[[int, str], None]


def rate(numerator: int, denominator: int) -> dict:
    return {"numerator": numerator, "denominator": denominator,
            "value": (numerator / denominator) if denominator else None}


def change(current: int, base: int) -> dict:
    return {"current": current, "base": base, "change": ((current - base) / base) if base else None}


class Reports:
    """Handed out as `ws.reports`."""

    def __init__(self, ws: "Workspace"):
        self.ws = ws
        self.services: dict = {}        # area name -> service, overriding the workspace's (tests)

    # ---- periods -----------------------------------------------------------------------------
    @staticmethod
    def month(text: str) -> Period:
        return parse_month(text)

    @staticmethod
    def period(start: str, end: str) -> Period:
        return parse_period(start, end)

    @staticmethod
    def quarter(year: int, q: int) -> Period:
        return quarter(year, q)

    @staticmethod
    def cumulative(year: int, month: int) -> Period:
        return cumulative(year, month)

    def threshold(self) -> float:
        return float(self.ws.setting("report_threshold")) / 100

    def set_threshold(self, percent, actor: str) -> int:
        """报表标红阈值 (percent, 1–100)."""
        return int(self.ws.configure("report_threshold", str(percent), actor))

    FONT_ROLES = {"body": "正文（仿宋）", "title": "标题（小标宋）", "heading": "一级标题（黑体）", "kai": "二级标题（楷体）"}

    def fonts(self) -> dict[str, dict]:
        """{role: {"label", "file" (the administrator's choice or ''), "used" (the file printing uses now)}}."""
        from ..reports.fonts import font_sources, use_font_files
        chosen = self.ws.setting("font_files") or {}
        use_font_files(chosen)
        used = font_sources()
        return {role: {"label": label, "file": chosen.get(role, ""), "used": used.get(role, "")}
                for role, label in self.FONT_ROLES.items()}

    def set_font_file(self, role: str, path: str, actor: str) -> None:
        """Point a print role to a TrueType font file ('' = back to the automatic choice)."""
        from ..reports.fonts import check_font_file
        if role not in self.FONT_ROLES:
            raise DomainError(f"未知的字体用途“{role}”，可选：{'、'.join(self.FONT_ROLES)}")
        path = str(path or "").strip()
        if path:
            problem = check_font_file(path)
            if problem:
                raise DomainError(problem)
        files = dict(self.ws.setting("font_files") or {})
        if path:
            files[role] = path
        else:
            files.pop(role, None)
        self.ws.set_setting("font_files", files)

    def check_scope(self, unit: str | None) -> str:
        if not unit:
            return ""
        found = self.ws.directory.find(unit)
        if found is None:
            raise DomainError(f"单位“{unit}”不在单位目录中")
        return found.code

    # ---- the dataset ----------------------------------------------------------------------------
    def dataset(self, period: Period, unit: str | None = None, progress: Progress | None = None,
                stats: StatsStore | None = None) -> dict:
        started = time.perf_counter()
        unit = self.check_scope(unit)
        s = stats or StatsStore(self.ws.store.conn)
        as_of = self.ws.now()
        b = _Builder(s, period, unit, as_of.date(), int(self.ws.setting("collective_threshold")))
        steps: list[tuple[str, Callable[[], None]]] = [
            ("收案总量", b.totals), ("信访形式", b.channels), ("越级与集体访", b.levels),
            ("问题类别", b.categories), ("时效指标", b.clock_rates), ("满意度", b.satisfaction),
            ("重复与一次性化解", b.repeats), ("控增量减存量", b.control), ("承办单位排名", lambda: b.units(self.threshold())),
            ("12345工单", b.work_orders), ("12个月趋势", b.trend),
        ]
        for i, (label, step) in enumerate(steps):
            if progress:
                progress(int(100 * i / (len(steps) + 2)), label)
            step()
        if progress:
            progress(int(100 * len(steps) / (len(steps) + 2)), "积案与调解")
        b.out["backlog"] = self._backlog(period, unit)
        if b.out["backlog"]:
            b.q.update(self._backlog_queries(b.out["backlog"], period, unit))
        b.out["mediation"] = self._mediation(period, unit)
        names = s.unit_names()
        b.out.update(
            period=dict(period.to_dict(), previous=period.previous().to_dict(),
                        year_earlier=period.year_earlier().to_dict()),
            scope={"unit": unit, "name": names.get(unit, unit) if unit else self.ws.setting("office_name")},
            office_name=self.ws.setting("office_name"), as_of=as_of.isoformat(sep=" "),
            threshold=self.threshold(), collective_threshold=b.collective,
            anchor=self._anchor(), seconds=round(time.perf_counter() - started, 3))
        if progress:
            progress(100, "完成")
        return b.out

    def case_ids(self, query: Mapping) -> list[int]:
        """The cases behind one number of a dataset (`dataset["queries"][path]`)."""
        if isinstance(query, Mapping) and query.get("kind") == "backlog":
            return self._backlog_case_ids(query)
        if not isinstance(query, Mapping) or query.get("kind") not in (
                "received", "clock", "rated", "served", "ended", "open", "overdue"):
            raise DomainError("无法识别的统计口径")
        return StatsStore(self.ws.store.conn).case_ids(query)

    def _backlog_queries(self, b: dict, period: Period, unit: str) -> dict:
        out, at = {}, period.end.isoformat()
        groups = [("backlog.total", {})]
        groups += [(f"backlog.batch.{x.get('id')}", {"batch": x.get("id")}) for x in b["batches"]]
        groups += [(f"backlog.leader.{x.get('leader')}", {"leader": x.get("leader")}) for x in b["leaders"]]
        groups += [(f"backlog.unit.{x.get('unit')}", {"unit": x.get("unit")}) for x in b["units"]]
        for path, where in groups:
            if unit and "unit" not in where:
                where = dict(where, unit=unit)
            for what in ("assigned", "resolved", "overdue"):
                out[f"{path}.{what}"] = {"kind": "backlog", "at": at, "what": what, **where}
        return out

    def _backlog_case_ids(self, q: Mapping) -> list[int]:
        """The cases of the backlog records a backlog number counts (from the backlog area's board)."""
        fn = getattr(self._service("backlog"), "records", None)
        if not callable(fn):
            raise DomainError("积案模块不可用")
        kw = {k: q[k] for k in ("batch", "leader", "unit") if q.get(k)}
        rows = fn(today=date.fromisoformat(q["at"]), **kw)
        what = q.get("what")
        keep = [r for r in rows if what == "assigned" or (what == "resolved" and r.get("status") != "未化解")
                or (what == "overdue" and r.get("due_state") == "逾期")]
        return sorted({r["case_row"] for r in keep if r.get("case_row")})

    # ---- what the report prints -------------------------------------------------------------------
    @staticmethod
    def summary(dataset: dict) -> list[str]:
        return report_text.summary(dataset)

    @staticmethod
    def tables(dataset: dict) -> list[dict]:
        return report_tables.tables(dataset)

    @staticmethod
    def chart_svg(name: str, dataset: dict) -> str:
        """'trend', 'by_category' or 'units' as SVG text (the 报表 screen shows what the PDF prints)."""
        from ..reports.charts import chart_svg   # reportlab loads only when drawing
        return chart_svg(name, dataset)

    def overdue_items(self, dataset: dict, limit: int = 200) -> list[dict]:
        end = date.fromisoformat(dataset["period"]["to"])
        rows = StatsStore(self.ws.store.conn).overdue_items(end.isoformat(), dataset["scope"]["unit"] or None, limit)
        return [{"id": r[0], "number": r[1], "received": r[2][:10], "summary": r[3], "unit": r[4] or "（未分派）",
                 "step": Step(r[5]).label, "due": r[6], "days": (end - date.fromisoformat(r[6])).days}
                for r in rows]

    def pdf(self, dataset: dict, actor: str) -> bytes:
        from ..reports.monthly import render_monthly
        self._use_fonts()
        return render_monthly(dataset, self.tables(dataset), self.summary(dataset),
                              overdue=self.overdue_items(dataset), leader_items=self.leader_items(dataset),
                              printed_by=actor)

    def xlsx(self, dataset: dict) -> bytes:
        from ..tabular.report_xlsx import write_report
        return write_report(dataset, self.tables(dataset), self.summary(dataset), self.overdue_items(dataset))

    def _use_fonts(self) -> None:
        from ..reports.fonts import use_font_files
        use_font_files(self.ws.setting("font_files") or {})

    # ---- sections owned by other areas (issue 8 积案, issue 9 调解) ----------------------------------
    def _service(self, name: str):
        """`ws.backlog` / `ws.mediation` when that area is installed (tests may hand in their own)."""
        if name in self.services:
            return self.services[name]
        try:
            return getattr(self.ws, name, None)
        except DomainError:
            return None

    def _backlog(self, period: Period, unit: str) -> dict | None:
        """积案 numbers as of the period's end: total, by batch, by 包案领导, by unit (rates as rate objects)."""
        fn = getattr(self._service("backlog"), "stats", None)
        if not callable(fn):
            return None
        raw = fn(at=period.end)

        def norm(row: dict) -> dict:
            out = {k: v for k, v in row.items() if k not in ("rate", "leader_rate")}
            out["resolution_rate"] = rate(row.get("resolved", 0), row.get("assigned", 0))
            out["leader_rate"] = rate(row.get("leader_resolved", 0), row.get("leader_assigned", 0))
            return out
        units = [norm(u) for u in raw.get("units", []) if not unit or u.get("unit") == unit]
        return {"as_of": raw.get("as_of", period.end.isoformat()), "total": norm(raw.get("total", {})),
                "batches": [norm(b) for b in raw.get("batches", [])],
                "leaders": [norm(x) for x in raw.get("leaders", [])], "units": units}

    def _mediation(self, period: Period, unit: str) -> dict | None:
        """调解 numbers for the period (all committees: they are not responsible units of petitions)."""
        fn = getattr(self._service("mediation"), "stats", None)
        return fn(period.start, period.end) if callable(fn) else None

    def leader_items(self, dataset: dict) -> list[dict] | None:
        """包案 items by leader as of the period's end (None when the backlog area is not available)."""
        fn = getattr(self._service("backlog"), "records", None)
        if not callable(fn):
            return None
        end = date.fromisoformat(dataset["period"]["to"])
        unit = dataset["scope"]["unit"] or ""
        rows = fn(today=end, unit=unit) if unit else fn(today=end)
        items = [{"leader": r.get("leader", ""), "number": r.get("case", ""), "summary": r.get("summary", ""),
                  "unit": r.get("unit_name") or r.get("unit", ""), "status": r.get("status", ""),
                  "due": r.get("due", ""), "overdue": r.get("due_state") == "逾期", "case_row": r.get("case_row")}
                 for r in rows if r.get("leader") and not r.get("delisted")]
        return sorted(items, key=lambda r: (r["leader"], not r["overdue"], r["due"]))

    def _anchor(self) -> dict | None:
        fn = getattr(self.ws, "anchor", None)
        try:
            return fn() if callable(fn) else None
        except DomainError:
            return None


class _Builder:
    """Fills one dataset; each method is one section (and one progress step)."""

    def __init__(self, s: StatsStore, period: Period, unit: str, as_of: date, collective: int):
        self.s, self.p, self.unit, self.as_of, self.collective = s, period, unit, as_of, collective
        self.out: dict = {"queries": {}}
        self.q = self.out["queries"]

    def _query(self, kind: str, period: Period | None = None, **kw) -> dict:
        p = period or self.p
        q = {"kind": kind, "from": p.start.isoformat(), "to": p.end.isoformat()}
        if self.unit:
            q["unit"] = self.unit
        q.update({k: v for k, v in kw.items() if v is not None})
        return q

    def _received(self, period: Period | None = None, **kw) -> tuple[int, int, int, dict]:
        q = self._query("received", period, **kw)
        n, persons, largest = self.s.received_totals(q)
        return n, persons, largest, q

    def totals(self) -> None:
        n, persons, _, q = self._received()
        yn, ypersons, _, yq = self._received(self.p.year_earlier())
        mn, _, _, mq = self._received(self.p.previous())
        self.total = n
        self.out["total"] = {"count": n, "yoy": change(n, yn), "mom": change(n, mn)}
        self.out["persons"] = {"count": persons, "yoy": change(persons, ypersons)}
        self.q.update({"total.count": q, "total.yoy.base": yq, "total.mom.base": mq,
                       "persons.count": q, "persons.yoy.base": yq})

    def channels(self) -> None:
        q = self._query("received")
        groups = self.s.received_groups(q, "channel")
        self.out["by_channel"] = {c.value: groups.get(c.value, (0, 0))[0] for c in Channel}
        for c in Channel:
            self.q[f"by_channel.{c.value}"] = dict(q, channel=c.value)
        n, persons, _, vq = self._received(channel=Channel.VISIT.value)
        yn, ypersons, _, yvq = self._received(self.p.year_earlier(), channel=Channel.VISIT.value)
        self.out["visits"] = {"batches": n, "persons": persons, "yoy": change(n, yn),
                              "persons_yoy": change(persons, ypersons)}
        self.q.update({"visits.batches": vq, "visits.persons": vq, "visits.yoy.base": yvq})
        n, persons, largest, cq = self._received(channel=Channel.VISIT.value, min_headcount=self.collective)
        yn, ypersons, _, ycq = self._received(self.p.year_earlier(), channel=Channel.VISIT.value,
                                              min_headcount=self.collective)
        self.out["collective"] = {"batches": n, "persons": persons, "largest": largest, "yoy": change(n, yn),
                                  "persons_yoy": change(persons, ypersons)}
        self.q.update({"collective.batches": cq, "collective.persons": cq, "collective.yoy.base": ycq})

    def levels(self) -> None:
        n, persons, _, iq = self._received(irregular=True)
        yn, _, _, yiq = self._received(self.p.year_earlier(), irregular=True)
        self.out["irregular"] = {"count": n, "persons": persons, "yoy": change(n, yn)}
        self.q.update({"irregular.count": iq, "irregular.persons": iq, "irregular.yoy.base": yiq})
        q = self._query("received")
        groups = self.s.received_groups(q, "reached_level")
        self.out["by_level"] = {lv.value: groups.get(lv.value, (0, 0))[0] for lv in ReachedLevel}
        for lv in ReachedLevel:
            self.q[f"by_level.{lv.value}"] = dict(q, level=lv.value)

    def categories(self) -> None:
        q = self._query("received")
        groups = self.s.received_groups(q, "category")
        total = sum(n for n, _ in groups.values())
        tree: dict[str, dict] = {}
        for path, (n, _) in sorted(groups.items(), key=lambda kv: (-kv[1][0], kv[0])):
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
        groups = self.s.received_groups(q, "purpose")
        self.out["by_purpose"] = {pu.value: groups.get(pu.value, (0, 0))[0] for pu in Purpose}
        for pu in Purpose:
            self.q[f"by_purpose.{pu.value}"] = dict(q, purpose=pu.value)

    def clock_rates(self) -> None:
        for key, steps in CLOCK_RATES.items():
            q = self._query("clock", steps=list(steps))
            d, n = self.s.clock_counts(q)[""]
            self.out[key] = rate(n, d)
            self.q[f"{key}.denominator"] = q
            self.q[f"{key}.numerator"] = dict(q, met=True)

    def satisfaction(self) -> None:
        q = self._query("rated")
        counts = self.s.rating_counts(q).get("", {})
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
        served = self.s.count(sq)
        rq = dict(sq, rated_by=self.as_of.isoformat())
        self.out["rating_rate"] = rate(self.s.count(rq), served)
        self.q.update({"rating_rate.numerator": rq, "rating_rate.denominator": sq})

    def repeats(self) -> None:
        n, _, _, q = self._received(repeat=True)
        self.out["repeat_rate"] = rate(n, self.total)
        self.q.update({"repeat_rate.numerator": q, "repeat_rate.denominator": self.q["total.count"]})
        dq = self._query("ended", first_time="denominator")
        nq = dict(dq, first_time="numerator")
        self.out["first_time_resolution_rate"] = rate(self.s.count(nq), self.s.count(dq))
        self.q.update({"first_time_resolution_rate.numerator": nq, "first_time_resolution_rate.denominator": dq})

    def control(self) -> None:
        start = {"kind": "open", "at": self.p.start.isoformat()}
        end = {"kind": "open", "at": date.fromordinal(self.p.end.toordinal() + 1).isoformat()}
        if self.unit:
            start["unit"] = end["unit"] = self.unit
        closed = self._query("ended")
        self.out["control"] = {"new": self.total, "carried_over": self.s.count(start),
                               "closed": self.s.count(closed), "open_at_end": self.s.count(end)}
        self.q.update({"control.new": self.q["total.count"], "control.carried_over": start,
                       "control.closed": closed, "control.open_at_end": end})

    def units(self, threshold: float) -> None:
        names = self.s.unit_names()
        base = {"kind": "received", "from": self.p.start.isoformat(), "to": self.p.end.isoformat()}
        if self.unit:
            base["unit"] = self.unit
        received = self.s.received_by_unit(base)
        clock = {key: self.s.clock_counts(self._query("clock", steps=list(steps)), by_unit=True)
                 for key, steps in CLOCK_RATES.items()}
        ratings = self.s.rating_counts(self._query("rated"), by_unit=True)
        end = self.p.end.isoformat()
        overdue = self.s.overdue_by_unit(end)
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
        n, _, _, q = self._received(channel=Channel.HOTLINE_12345.value)
        cq = self._query("clock", steps=["handle"], channel=Channel.HOTLINE_12345.value)
        d, met = self.s.clock_counts(cq)[""]
        self.out["work_orders_12345"] = {"count": n, "reply_on_time_rate": rate(met, d)}
        self.q.update({"work_orders_12345.count": q,
                       "work_orders_12345.reply_on_time_rate.denominator": cq,
                       "work_orders_12345.reply_on_time_rate.numerator": dict(cq, met=True)})

    def trend(self) -> None:
        rows = []
        for m in self.p.trailing_months(12):
            n, _, _, q = self._received(m)
            key = f"{m.start.year}-{m.start.month:02d}"
            rows.append({"month": key, "count": n})
            self.q[f"trend.{key}"] = q
        self.out["trend"] = rows

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
from ..domain.enums import Step
from ..domain.permissions import ADMIN, LEADER, REGISTRAR, permission
from ..domain.periods import Period, cumulative, parse_month, parse_period, quarter
from ..domain.problems import DomainError
from ..storage.stats_store import StatsStore
from .report_numbers import CLOCK_RATES, Builder, change, rate  # noqa: F401  (rate, change: the API)

if TYPE_CHECKING:
    from .workspace import Workspace

Progress = Callable[[int, str], None]

# 领导 read the report; 登记员 prepare it for them; 管理员 checks it (docs/permissions.md)
READ_REPORTS = permission("report.read", "查看和导出统计报表", LEADER, REGISTRAR, ADMIN)


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

    def check_access(self) -> None:
        """Refuse (PermissionDenied, in Chinese) a user who may not read reports."""
        self.ws.access.require(READ_REPORTS)

    def threshold(self) -> float:
        return float(self.ws.setting("report_threshold")) / 100

    def set_threshold(self, percent, actor: str) -> int:
        """报表标红阈值 (percent, 1–100)."""
        from .access import SETTINGS
        self.ws.access.require(SETTINGS)
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
        from .access import SETTINGS
        self.ws.access.require(SETTINGS)
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
        with self.ws.store.transaction():
            self.ws.store.set_setting("font_files", files, self.ws.access.actor(actor), self.ws.now())

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
        self.ws.access.require(READ_REPORTS)
        unit = self.check_scope(unit)
        s = stats or StatsStore(self.ws.store.conn)
        as_of = self.ws.now()
        b = Builder(s, period, unit, as_of.date(), int(self.ws.setting("collective_threshold")))
        second = s.second()
        if second is not None:
            b.read_ahead(second)         # a second core counts ratings, 办结, 存量 and 超期 meanwhile
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
        if b.out["mediation"]:
            b.q.update(self._mediation_queries(b.out["mediation"], period))
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
        self.ws.access.require(READ_REPORTS)
        if isinstance(query, Mapping) and query.get("kind") == "backlog":
            return self._backlog_case_ids(query)
        if not isinstance(query, Mapping) or query.get("kind") not in (
                "received", "clock", "rated", "served", "ended", "open", "overdue"):
            raise DomainError("无法识别的统计口径")
        return StatsStore(self.ws.store.conn).case_ids(query)

    def dispute_ids(self, query: Mapping) -> list[int]:
        """The disputes behind one mediation number (``dataset["queries"]["mediation.…"]``); listing them shows
        the parties, so the reader also needs the right to read disputes."""
        self.ws.access.require(READ_REPORTS)
        if not isinstance(query, Mapping) or query.get("kind") != "disputes":
            raise DomainError("无法识别的统计口径")
        from .mediation import READ as READ_DISPUTES
        self.ws.access.require(READ_DISPUTES)
        return StatsStore(self.ws.store.conn).dispute_ids(query)

    @staticmethod
    def _mediation_queries(m: dict, period: Period) -> dict:
        base = {"kind": "disputes", "from": period.start.isoformat(), "to": period.end.isoformat()}
        accepted, succeeded = dict(base, what="accepted"), dict(base, what="succeeded")
        out = {"mediation.accepted": accepted, "mediation.succeeded": succeeded, "mediation.agreements": succeeded,
               "mediation.success_rate.numerator": succeeded, "mediation.success_rate.denominator": accepted}
        for what, rate_key in (("confirmed", "confirmation_rate"), ("performed", "performance_rate")):
            out[f"mediation.{what}"] = out[f"mediation.{rate_key}.numerator"] = dict(base, what=what)
            out[f"mediation.{rate_key}.denominator"] = succeeded
        for what in ("criminal", "group_petition"):
            out[f"mediation.prevented.{what}"] = dict(base, what=what)
        for key in ("source", "type"):
            for name in m.get(f"by_{key}") or {}:
                out[f"mediation.by_{key}.{name}"] = dict(accepted, **{key: name})
        return out

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
                              overdue=self.overdue_items(dataset), leaders=self.leader_items(dataset),
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
        service = self._service("mediation")
        fn = getattr(service, "figures", None) or getattr(service, "stats", None)
        return fn(period.start, period.end) if callable(fn) else None

    def leader_items(self, dataset: dict) -> list[dict] | None:
        """附件2: per 包案领导 the counts at the period's end and the records open then or resolved in the period
        (`ws.backlog.leader_items`); None when the backlog area is not available."""
        fn = getattr(self._service("backlog"), "leader_items", None)
        if not callable(fn):
            return None
        period = dataset["period"]
        return fn(date.fromisoformat(period["from"]), date.fromisoformat(period["to"]), dataset["scope"]["unit"] or "")

    def _anchor(self) -> dict | None:
        fn = getattr(self.ws, "anchor", None)
        try:
            return fn() if callable(fn) else None
        except DomainError:
            return None

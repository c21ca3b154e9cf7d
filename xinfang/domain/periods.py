"""Report periods: a month, a quarter, a year, 1–N月 cumulative, or any span of days (pure)."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .problems import DomainError


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _shift_months(d: date, months: int) -> tuple[int, int]:
    index = d.year * 12 + d.month - 1 + months
    return index // 12, index % 12 + 1


@dataclass(frozen=True)
class Period:
    start: date
    end: date          # inclusive

    @property
    def whole_months(self) -> int:
        """Number of whole calendar months covered, or 0 when the period is not made of months."""
        if self.start.day != 1 or self.end != month_end(self.end.year, self.end.month):
            return 0
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def label(self) -> str:
        n, s, e = self.whole_months, self.start, self.end
        if n == 1:
            return f"{s.year}年{s.month}月"
        if n == 12 and s.month == 1:
            return f"{s.year}年"
        if n == 3 and s.month in (1, 4, 7, 10):
            return f"{s.year}年第{'一二三四'[(s.month - 1) // 3]}季度"
        if n and s.month == 1 and s.year == e.year:
            return f"{s.year}年1—{e.month}月"
        if n and s.year == e.year:
            return f"{s.year}年{s.month}—{e.month}月"
        if n:
            return f"{s.year}年{s.month}月—{e.year}年{e.month}月"
        return f"{s.year}年{s.month}月{s.day}日—{e.year}年{e.month}月{e.day}日"

    def year_earlier(self) -> "Period":
        def back(d: date, last: bool) -> date:
            if last and d == month_end(d.year, d.month):
                return month_end(d.year - 1, d.month)
            return date(d.year - 1, d.month, min(d.day, calendar.monthrange(d.year - 1, d.month)[1]))
        return Period(back(self.start, False), back(self.end, True))

    def previous(self) -> "Period":
        """The period of the same length just before (环比)."""
        n = self.whole_months
        if n:
            y, m = _shift_months(self.start, -n)
            ey, em = _shift_months(self.start, -1)
            return Period(date(y, m, 1), month_end(ey, em))
        days = (self.end - self.start).days + 1
        return Period(self.start - timedelta(days=days), self.start - timedelta(days=1))

    def months(self) -> list["Period"]:
        out, y, m = [], self.start.year, self.start.month
        while date(y, m, 1) <= self.end:
            out.append(Period(max(date(y, m, 1), self.start), min(month_end(y, m), self.end)))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def trailing_months(self, n: int = 12) -> list["Period"]:
        """The n calendar months ending with the period's last month (for the trend chart)."""
        y, m = _shift_months(self.end, -(n - 1))
        return Period(date(y, m, 1), month_end(self.end.year, self.end.month)).months()

    def to_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "label": self.label}


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_month(text: str) -> Period:
    m = _MONTH.match(str(text).strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise DomainError(f"月份“{text}”无效，请按 YYYY-MM 填写，如 2026-03")
    y, mo = int(m.group(1)), int(m.group(2))
    return Period(date(y, mo, 1), month_end(y, mo))


def parse_bound(text: str, end: bool) -> date:
    t = str(text).strip()
    if _MONTH.match(t):
        p = parse_month(t)
        return p.end if end else p.start
    m = _DAY.match(t)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    raise DomainError(f"日期“{text}”无效，请按 YYYY-MM-DD 或 YYYY-MM 填写")


def parse_period(start: str, end: str) -> Period:
    p = Period(parse_bound(start, False), parse_bound(end, True))
    if p.end < p.start:
        raise DomainError("结束日期早于开始日期，请核对")
    if (p.end - p.start).days > 366 * 5:
        raise DomainError("统计期间不能超过五年")
    return p


def quarter(year: int, q: int) -> Period:
    if not 1 <= q <= 4:
        raise DomainError("季度应为 1 至 4")
    return Period(date(year, 3 * q - 2, 1), month_end(year, 3 * q))


def cumulative(year: int, month: int) -> Period:
    """1—N月累计."""
    return Period(date(year, 1, 1), month_end(year, month))

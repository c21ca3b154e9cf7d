"""Statutory work calendar: weekends, 法定节假日 and 调休 make-up working days.

The table is a list of rows ``(date, kind, name)``:

* ``kind == "休"``: a rest day because of a holiday (also holiday days that fall on a weekend, so the name is known);
* ``kind == "班"``: a weekend day that is a working day (调休上班).

Any date not in the table follows the weekend rule (Saturday and Sunday rest, Monday–Friday work). A year is
*covered* when the table has at least one row for it; for uncovered years results are weekend-only and callers
(xinfang.calendar.deadlines) warn the user.

Speed: all day arithmetic goes through a sorted array of workday ordinals (2000–2080, widened to every year in the
table) and ``bisect``; outside that span a closed-form weekday count is used, so every operation is O(log n).

This module imports only the standard library (layer rule: no chinese_calendar at run time).
"""
from __future__ import annotations

import csv
import io
import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date

REST = "休"
WORK = "班"

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

_SPAN_FIRST_YEAR = 2000
_SPAN_LAST_YEAR = 2080

Row = tuple[date, str, str]


def weekday_name(d: date) -> str:
    return WEEKDAY_NAMES[d.weekday()]


def _weekdays_upto(o: int) -> int:
    """Number of Monday–Friday ordinals in [1, o] (ordinal 1 = 0001-01-01 is a Monday)."""
    q, r = divmod(o, 7)
    return q * 5 + min(r, 5)


def _weekday_ordinal(k: int) -> int:
    """Smallest ordinal o with _weekdays_upto(o) == k (k >= 1): the k-th Monday–Friday day."""
    q, r = divmod(k - 1, 5)
    return q * 7 + r + 1


class WorkCalendar:
    """Work/rest calendar built from holiday rows. Immutable after construction."""

    __slots__ = ("_rest", "_work", "_years", "_lo", "_hi", "_ords", "_base", "_after",
                 "_rest_ords", "_work_ords", "_runs", "_run_starts")

    def __init__(self, rows: Iterable[Row] = ()):
        rest: dict[date, str] = {}
        work: dict[date, str] = {}
        for i, row in enumerate(rows, start=1):
            d, kind, name = row
            if not isinstance(d, date):
                raise TypeError(f"row {i}: {d!r} is not a date")
            name = (name or "").strip()
            if kind == REST:
                if d in work:
                    raise ValueError(f"日期 {d.isoformat()} 同时标为“休”和“班”")
                rest[d] = name
            elif kind == WORK:
                if d in rest:
                    raise ValueError(f"日期 {d.isoformat()} 同时标为“休”和“班”")
                work[d] = name
            else:
                raise ValueError(f"日期 {d.isoformat()} 的类型“{kind}”无效，应为“休”或“班”")
        self._rest = rest
        self._work = work
        self._years = frozenset(d.year for d in (*rest, *work))

        first = min([_SPAN_FIRST_YEAR, *self._years])
        last = max([_SPAN_LAST_YEAR, *self._years])
        self._lo = date(first, 1, 1).toordinal()
        self._hi = date(last, 12, 31).toordinal()
        rest_o = {d.toordinal() for d in rest}
        work_o = {d.toordinal() for d in work}
        ords = array("l")
        for o in range(self._lo, self._hi + 1):
            wd = (o + 6) % 7  # 0 = Monday
            if o in work_o or (wd < 5 and o not in rest_o):
                ords.append(o)
        self._ords = ords
        # count_upto(o) = number of workdays with ordinal <= o, piecewise:
        #   o < lo: weekday rule; lo <= o <= hi: table; o > hi: weekday rule again.
        self._base = _weekdays_upto(self._lo - 1)
        self._after = self._base + len(ords) - _weekdays_upto(self._hi)
        self._rest_ords = sorted(rest_o)
        self._work_ords = sorted(work_o)
        self._runs = self._build_runs()
        self._run_starts = [r[0] for r in self._runs]

    # ---------------------------------------------------------------- construction

    @classmethod
    def from_rows(cls, rows: Iterable[Row]) -> WorkCalendar:
        return cls(rows)

    @classmethod
    def default(cls) -> WorkCalendar:
        """The shipped seed table (resources/calendars/holidays-cn.csv, 2004–2026)."""
        from xinfang.resources import resource_path

        text = resource_path("calendars", "holidays-cn.csv").read_text(encoding="utf-8-sig")
        rows, errors = parse_holiday_csv(text)
        if errors:
            raise ValueError("节假日种子表有误：" + "；".join(errors))
        return cls(rows)

    def rows(self) -> list[Row]:
        """All rows, sorted by date (for saving / exporting)."""
        out = [(d, REST, n) for d, n in self._rest.items()] + [(d, WORK, n) for d, n in self._work.items()]
        out.sort()
        return out

    def with_rows(self, rows: Iterable[Row], *, replace_years: bool = True) -> WorkCalendar:
        """A new calendar with ``rows`` added. Rows for a date already in the table replace it. With
        ``replace_years`` (default), every year that occurs in ``rows`` is first removed entirely, so that an
        imported year is authoritative (a corrected 放假安排 drops a wrong 调休 day)."""
        new = list(rows)
        new_dates = {r[0] for r in new}
        new_years = {d.year for d in new_dates}
        kept = [r for r in self.rows()
                if r[0] not in new_dates and not (replace_years and r[0].year in new_years)]
        return WorkCalendar(kept + new)

    def _build_runs(self) -> list[tuple[int, int, str]]:
        """Maximal runs of consecutive rest days that contain at least one 休 row: (first, last, label)."""
        runs: list[tuple[int, int, str]] = []
        done_until = -1
        for o in self._rest_ords:
            if o <= done_until:
                continue
            a = o
            while not self._is_work_ord(a - 1):
                a -= 1
            b = o
            while not self._is_work_ord(b + 1):
                b += 1
            names: list[str] = []
            for x in self._rest_ords[bisect_left(self._rest_ords, a):bisect_right(self._rest_ords, b)]:
                n = self._rest[date.fromordinal(x)] or "节假日"
                if n not in names:
                    names.append(n)
            runs.append((a, b, "、".join(names)))
            done_until = b
        return runs

    # ---------------------------------------------------------------- core counting

    def _count_upto(self, o: int) -> int:
        if o < self._lo:
            return _weekdays_upto(o)
        if o <= self._hi:
            return self._base + bisect_right(self._ords, o)
        return self._after + _weekdays_upto(o)

    def _kth(self, k: int) -> int:
        """Ordinal of the workday with _count_upto == k (the k-th workday from 0001-01-01)."""
        if k <= self._base:
            return _weekday_ordinal(k)
        i = k - self._base - 1
        if i < len(self._ords):
            return self._ords[i]
        return _weekday_ordinal(k - self._after)

    def _is_work_ord(self, o: int) -> bool:
        if self._lo <= o <= self._hi:
            i = bisect_left(self._ords, o)
            return i < len(self._ords) and self._ords[i] == o
        return (o + 6) % 7 < 5

    # ---------------------------------------------------------------- public queries

    def is_workday(self, d: date) -> bool:
        return self._is_work_ord(d.toordinal())

    def is_rest_day(self, d: date) -> bool:
        return not self._is_work_ord(d.toordinal())

    def is_holiday(self, d: date) -> bool:
        """A 休 row of the table (a named holiday day, possibly on a weekend)."""
        return d in self._rest

    def is_makeup_workday(self, d: date) -> bool:
        """A 班 row of the table (调休上班 on a weekend)."""
        return d in self._work

    def holiday_name(self, d: date) -> str:
        return self._rest.get(d, "")

    def day_note(self, d: date) -> str:
        """"国庆节", "国庆节调休上班", "周六", "周日", or "" for a plain workday."""
        if d in self._work:
            n = self._work[d]
            if not n:
                return "调休上班"
            return n if n.endswith("班") else n + "调休上班"
        if d in self._rest:
            return self._rest[d] or ("节假日" if d.weekday() < 5 else WEEKDAY_NAMES[d.weekday()])
        wd = d.weekday()
        return WEEKDAY_NAMES[wd] if wd >= 5 else ""

    def has_data(self, year: int) -> bool:
        return year in self._years

    def covered_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._years))

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th workday strictly after ``start`` (n >= 1). ``start`` itself never counts."""
        if n < 1:
            raise ValueError("n must be >= 1")
        return date.fromordinal(self._kth(self._count_upto(start.toordinal()) + n))

    def next_workday_on_or_after(self, d: date) -> date:
        o = d.toordinal()
        return date.fromordinal(self._kth(self._count_upto(o - 1) + 1))

    def working_days_between(self, a: date, b: date) -> int:
        """Number of workdays in (a, b]. Antisymmetric: negative when b < a; 0 when a == b."""
        return self._count_upto(b.toordinal()) - self._count_upto(a.toordinal())

    # ---------------------------------------------------------------- helpers for explanations

    def holidays_between(self, a: date, b: date) -> int:
        """Number of 休 rows (named holiday days, weekends included) in (a, b]."""
        ao, bo = a.toordinal(), b.toordinal()
        return max(0, bisect_right(self._rest_ords, bo) - bisect_right(self._rest_ords, ao))

    def makeup_days_between(self, a: date, b: date) -> list[date]:
        """The 班 rows (调休上班) in (a, b], in order."""
        ao, bo = a.toordinal(), b.toordinal()
        w = self._work_ords
        return [date.fromordinal(o) for o in w[bisect_right(w, ao):bisect_right(w, bo)]]

    def holiday_runs_between(self, a: date, b: date) -> list[tuple[date, date, str]]:
        """Holiday periods (maximal runs of rest days with a 休 row; label = holiday names joined by “、”)
        that overlap (a, b]."""
        ao, bo = a.toordinal(), b.toordinal()
        runs = self._runs
        i = bisect_right(self._run_starts, ao)
        if i > 0 and runs[i - 1][1] > ao:
            i -= 1
        out = []
        while i < len(runs) and runs[i][0] <= bo:
            s, e, label = runs[i]
            if e > ao:
                out.append((date.fromordinal(s), date.fromordinal(e), label))
            i += 1
        return out

    def holiday_run_containing(self, d: date) -> tuple[date, date, str] | None:
        o = d.toordinal()
        i = bisect_right(self._run_starts, o) - 1
        if i >= 0 and self._runs[i][0] <= o <= self._runs[i][1]:
            s, e, label = self._runs[i]
            return date.fromordinal(s), date.fromordinal(e), label
        return None

    def __repr__(self) -> str:
        ys = self.covered_years()
        span = f"{ys[0]}–{ys[-1]}" if ys else "none"
        return f"<WorkCalendar years={span} rest={len(self._rest)} work={len(self._work)}>"


# -------------------------------------------------------------------- CSV import / export

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_REST_WORDS = {"休", "休息", "假", "放假", "节假日"}
_WORK_WORDS = {"班", "上班", "补班", "调休上班"}
_HEADER_WORDS = {"date", "日期"}
IMPORT_FIRST_YEAR = 1990
IMPORT_LAST_YEAR = 2100


def parse_date(text: str) -> date | None | str:
    """Parse ``YYYY-MM-DD``, ``YYYY/M/D``, ``YYYY.M.D``, ``YYYY年M月D日`` or ``YYYYMMDD``.

    Returns the date, ``None`` if the text is not in a date shape, or ``"invalid"`` if it has the shape but is not
    a real calendar day (e.g. 2027-02-30)."""
    s = text.strip()
    m = _DATE_RE.match(s) or _COMPACT_RE.match(s)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return "invalid"


def parse_holiday_csv(text: str) -> tuple[list[Row], list[str]]:
    """Parse an admin's holiday CSV: columns ``date,kind,name`` (kind 休 or 班; name optional).

    Accepts a header line (``date,kind,name`` or ``日期,…``) or none, a UTF-8 BOM, dates as YYYY-MM-DD, YYYY/M/D
    (also YYYY.M.D, YYYY年M月D日, YYYYMMDD), and a few synonyms for kind (休息/放假 → 休, 上班/补班 → 班).
    Blank lines are skipped. Every other line is either returned as a row or reported as an error
    ``第N行：…`` (N = line number in the file, header included); nothing is dropped silently. A date listed twice
    is reported on its second line.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    # CR LF, LF and CR-only line ends (old Mac / some exports) are all line ends
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    rows: list[Row] = []
    errors: list[str] = []
    seen: dict[date, int] = {}
    reader = csv.reader(io.StringIO(text))
    first = True
    line_no = 0
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error:
            errors.append(f"第{reader.line_num}行：无法解析（单元格超过 {csv.field_size_limit() // 1024} KB "
                          "或引号不成对），整个文件未读取，请检查该行")
            return [], errors
        line_no_start = line_no + 1
        line_no = reader.line_num
        n = line_no_start
        cells = [c.strip() for c in rec]
        while cells and cells[-1] == "":
            cells.pop()
        if not cells:
            continue
        if first:
            first = False
            if cells[0].lstrip("\ufeff").strip().lower() in _HEADER_WORDS:
                continue
        if len(cells) > 3:
            errors.append(f"第{n}行：多于三列（日期,类型,名称），请检查是否有多余的逗号")
            continue
        raw_date = cells[0]
        kind_raw = cells[1] if len(cells) > 1 else ""
        name = cells[2] if len(cells) > 2 else ""
        if len(name) > 50 or any(ord(ch) < 32 for ch in name):
            errors.append(f"第{n}行：名称过长（最多 50 字）或含有控制字符")
            continue
        d = parse_date(raw_date)
        if d is None:
            errors.append(f"第{n}行：日期“{raw_date[:40]}”格式无法识别，应为 YYYY-MM-DD 或 YYYY/M/D")
            continue
        if d == "invalid":
            errors.append(f"第{n}行：日期“{raw_date[:40]}”无效")
            continue
        assert isinstance(d, date)
        if not IMPORT_FIRST_YEAR <= d.year <= IMPORT_LAST_YEAR:
            errors.append(f"第{n}行：年份 {d.year} 超出范围（{IMPORT_FIRST_YEAR}–{IMPORT_LAST_YEAR} 年），请核对日期")
            continue
        if kind_raw in _REST_WORDS:
            kind = REST
        elif kind_raw in _WORK_WORDS:
            kind = WORK
        elif not kind_raw:
            errors.append(f"第{n}行：缺少类型，应为“休”或“班”")
            continue
        else:
            errors.append(f"第{n}行：类型“{kind_raw[:20]}”无效，应为“休”或“班”")
            continue
        if kind == WORK and d.weekday() < 5:
            errors.append(f"第{n}行：{d.isoformat()} 是{weekday_name(d)}，本来就上班；“班”只用于调休上班的周六、周日，请核对日期")
            continue
        if kind == REST and d.weekday() >= 5 and not name:
            # a weekend 休 only names the holiday that falls on it (2015-09-27 中秋节, a Sunday, had no 补休)
            errors.append(f"第{n}行：{d.isoformat()} 是{weekday_name(d)}，本来就休息；周末的“休”只用于注明节日名称"
                          "（如“中秋节”），请填写名称或删去该行")
            continue
        if d in seen:
            errors.append(f"第{n}行：日期 {d.isoformat()} 与第{seen[d]}行重复")
            continue
        seen[d] = n
        rows.append((d, kind, name))
    return rows, errors


def format_holiday_csv(rows: Iterable[Row]) -> str:
    """Render rows as the CSV that parse_holiday_csv reads (header ``date,kind,name``)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("date", "kind", "name"))
    for d, kind, name in sorted(rows):
        w.writerow((d.isoformat(), kind, name))
    return buf.getvalue()

"""Generate holidays-cn.csv (the shipped statutory holiday / 调休 table) from the `chinese-calendar` package.

Provenance
----------
* Source: PyPI package ``chinese-calendar`` (MIT licence), version printed into the run log below; the table
  shipped in the repository was generated with 1.11.0. Its data is the State Council's yearly 放假安排 notices,
  2004–2026 (``chinese_calendar.constants.holidays`` / ``workdays``).
* Every date in ``holidays`` becomes a ``休`` row (also when it falls on a weekend, so that its name is known).
* Every date in ``workdays`` (weekend days that are 调休 make-up working days) becomes a ``班`` row named
  ``<节日>调休上班``.
* English names are mapped to Chinese with ``NAMES`` below (our own short forms, not the package's ``.chinese``).

The app never imports chinese_calendar at run time; it reads the CSV (xinfang.calendar.workcalendar). Admins
extend the table for later years through the settings import. Re-run with:

    .venv/bin/python resources/calendars/make_seed.py
"""
from __future__ import annotations

import csv
import io
import sys
from importlib import metadata
from pathlib import Path

from chinese_calendar.constants import holidays, workdays

FIRST_YEAR, LAST_YEAR = 2004, 2026

NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def build_rows() -> list[tuple[str, str, str]]:
    rows = []
    for d, english in holidays.items():
        if FIRST_YEAR <= d.year <= LAST_YEAR:
            rows.append((d.isoformat(), "休", NAMES[english]))
    for d, english in workdays.items():
        if FIRST_YEAR <= d.year <= LAST_YEAR:
            if d.weekday() < 5:  # never happens in 1.11.0; a weekday is a workday anyway
                continue
            rows.append((d.isoformat(), "班", NAMES[english] + "调休上班"))
    rows.sort()
    return rows


def render(rows: list[tuple[str, str, str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("date", "kind", "name"))
    w.writerows(rows)
    return buf.getvalue()


def main() -> int:
    out = Path(__file__).resolve().parent / "holidays-cn.csv"
    rows = build_rows()
    out.write_text(render(rows), encoding="utf-8")
    print(f"chinese-calendar {metadata.version('chinese-calendar')}: wrote {len(rows)} rows to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The shipped seed table agrees with chinese_calendar (the only place chinese_calendar is used)."""
from __future__ import annotations

import csv
from datetime import date, timedelta

import chinese_calendar
import pytest

from xinfang.calendar.workcalendar import REST, WORK
from xinfang.resources import resource_path


def _all_days(first: int, last: int):
    d = date(first, 1, 1)
    while d.year <= last:
        yield d
        d += timedelta(days=1)


def test_seed_file_has_header_and_utf8():
    text = resource_path("calendars", "holidays-cn.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "date,kind,name"


def test_seed_matches_chinese_calendar_every_day_2004_2026(cal):
    disagreements = [d for d in _all_days(2004, 2026) if cal.is_workday(d) != chinese_calendar.is_workday(d)]
    assert disagreements == []


def test_seed_covers_2004_to_2026(cal):
    assert cal.covered_years() == tuple(range(2004, 2027))
    assert not cal.has_data(2003) and not cal.has_data(2027)


def test_seed_kinds_and_names():
    with resource_path("calendars", "holidays-cn.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    allowed = {"元旦", "春节", "清明节", "劳动节", "端午节", "国庆节", "中秋节", "抗战胜利纪念日"}
    for r in rows:
        d = date.fromisoformat(r["date"])
        assert r["kind"] in (REST, WORK)
        if r["kind"] == WORK:
            assert d.weekday() >= 5
            assert r["name"].endswith("调休上班") and r["name"][: -len("调休上班")] in allowed
        else:
            assert r["name"] in allowed
            assert chinese_calendar.is_holiday(d)


@pytest.mark.parametrize(
    "day, workday",
    [
        (date(2025, 9, 28), True),    # Sunday, 国庆 调休上班
        (date(2025, 10, 11), True),   # Saturday, 国庆 调休上班
        (date(2025, 10, 1), False),
        (date(2025, 10, 8), False),
        (date(2026, 2, 14), True),    # Saturday, 春节 调休上班
        (date(2026, 2, 28), True),    # Saturday, 春节 调休上班
        (date(2026, 2, 15), False),
        (date(2026, 2, 23), False),
        (date(2026, 2, 24), True),
    ],
)
def test_2025_national_day_and_2026_spring_festival_against_chinese_calendar(cal, day, workday):
    assert chinese_calendar.is_workday(day) is workday
    assert cal.is_workday(day) is workday


def test_2026_spring_festival_block_from_chinese_calendar(cal):
    """The 2026 春节 block as chinese_calendar has it: rest 02-15..02-23, make-up Saturdays 02-14 and 02-28."""
    days = [date(2026, 2, 10) + timedelta(days=i) for i in range(25)]
    rest = [d for d in days if not chinese_calendar.is_workday(d)]
    assert rest[0] == date(2026, 2, 15) and date(2026, 2, 23) in rest
    assert all(date(2026, 2, 15) + timedelta(days=i) in rest for i in range(9))
    makeup = [d for d in days if d.weekday() >= 5 and chinese_calendar.is_workday(d)]
    assert makeup == [date(2026, 2, 14), date(2026, 2, 28)]
    assert [d for d in days if cal.is_rest_day(d)] == rest
    for d in makeup:
        assert cal.day_note(d) == "春节调休上班"

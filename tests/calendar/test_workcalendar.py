from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.calendar.workcalendar import WorkCalendar, format_holiday_csv, parse_holiday_csv

D = date


def test_day_notes(cal):
    assert cal.day_note(D(2025, 10, 1)) == "国庆节"
    assert cal.day_note(D(2025, 10, 6)) == "中秋节"
    assert cal.day_note(D(2025, 9, 28)) == "国庆节调休上班"
    assert cal.day_note(D(2025, 10, 11)) == "国庆节调休上班"
    assert cal.day_note(D(2025, 10, 18)) == "周六"
    assert cal.day_note(D(2025, 10, 19)) == "周日"
    assert cal.day_note(D(2025, 10, 20)) == ""
    assert cal.day_note(D(2027, 1, 1)) == ""        # no data: plain Friday
    assert cal.day_note(D(2015, 9, 3)) == "抗战胜利纪念日"


def test_add_working_days_over_national_day(cal):
    # Fri 2025-09-26: Sun 09-28 (调休) =1, 09-29 =2, 09-30 =3, [10-01..10-08 holiday], 10-09 =4, 10-10 =5
    assert cal.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert cal.add_working_days(D(2025, 9, 26), 5) == D(2025, 10, 10)
    # Start on a rest day: strictly after, so the 调休 Sunday is the 1st workday after Sat 09-27.
    assert cal.add_working_days(D(2025, 9, 27), 1) == D(2025, 9, 28)
    # Fri 10-10 -> Sat 10-11 is a 调休 workday
    assert cal.add_working_days(D(2025, 10, 10), 1) == D(2025, 10, 11)
    with pytest.raises(ValueError):
        cal.add_working_days(D(2025, 10, 10), 0)


def test_next_workday_on_or_after(cal):
    assert cal.next_workday_on_or_after(D(2025, 10, 9)) == D(2025, 10, 9)
    assert cal.next_workday_on_or_after(D(2025, 10, 1)) == D(2025, 10, 9)
    assert cal.next_workday_on_or_after(D(2025, 9, 27)) == D(2025, 9, 28)
    assert cal.next_workday_on_or_after(D(2026, 2, 15)) == D(2026, 2, 24)


def test_working_days_between(cal):
    assert cal.working_days_between(D(2025, 9, 26), D(2025, 10, 10)) == 5
    assert cal.working_days_between(D(2025, 9, 30), D(2025, 10, 8)) == 0
    assert cal.working_days_between(D(2025, 10, 1), D(2025, 10, 1)) == 0
    assert cal.working_days_between(D(2025, 10, 10), D(2025, 9, 26)) == -5


def test_missing_year_weekends_only(cal):
    assert not cal.has_data(2027)
    assert cal.is_rest_day(D(2027, 1, 2)) and cal.is_rest_day(D(2027, 1, 3))   # Sat, Sun
    assert cal.is_workday(D(2027, 1, 1))                                       # Friday, no data
    assert cal.add_working_days(D(2027, 1, 1), 1) == D(2027, 1, 4)


def test_far_outside_precomputed_span_uses_weekend_rule(cal):
    for start in (D(1990, 3, 7), D(2099, 6, 5), D(1999, 12, 30), D(2080, 12, 29)):
        d, n = start, 0
        while n < 12:
            d += timedelta(days=1)
            if d.weekday() < 5 and not cal.has_data(d.year):
                n += 1
        assert cal.add_working_days(start, 12) == d


def _naive_is_workday(rows, d):
    table = {r[0]: r[1] for r in rows}
    if d in table:
        return table[d] == "班"
    return d.weekday() < 5


@settings(max_examples=200, deadline=None)
@given(st.dates(D(1995, 1, 1), D(2090, 12, 31)), st.integers(1, 400))
def test_add_working_days_matches_naive_walk(cal, start, n):
    rows = cal.rows()
    d, k = start, 0
    while k < n:
        d += timedelta(days=1)
        if _naive_is_workday(rows, d):
            k += 1
    assert cal.add_working_days(start, n) == d
    assert cal.working_days_between(start, d) == n


@settings(max_examples=200, deadline=None)
@given(st.dates(D(1995, 1, 1), D(2090, 12, 31)), st.integers(0, 800))
def test_working_days_between_counts_workdays(cal, a, span):
    b = a + timedelta(days=span)
    expected = sum(cal.is_workday(a + timedelta(days=i)) for i in range(1, span + 1))
    assert cal.working_days_between(a, b) == expected


def test_from_rows_and_with_rows():
    cal = WorkCalendar.from_rows([(D(2027, 2, 10), "休", "春节"), (D(2027, 2, 20), "班", "春节")])
    assert cal.covered_years() == (2027,)
    assert cal.is_rest_day(D(2027, 2, 10)) and cal.day_note(D(2027, 2, 10)) == "春节"
    assert cal.is_workday(D(2027, 2, 20)) and cal.day_note(D(2027, 2, 20)) == "春节调休上班"
    # A re-import of 2027 replaces the whole year; other years stay.
    cal2 = cal.with_rows([(D(2027, 2, 11), "休", "春节")]).with_rows([(D(2028, 1, 1), "休", "元旦")])
    assert cal2.is_workday(D(2027, 2, 10)) and cal2.is_rest_day(D(2027, 2, 11))
    assert cal2.covered_years() == (2027, 2028)
    with pytest.raises(ValueError):
        WorkCalendar.from_rows([(D(2027, 2, 10), "休", ""), (D(2027, 2, 10), "班", "")])
    with pytest.raises(ValueError):
        WorkCalendar.from_rows([(D(2027, 2, 10), "X", "")])


def test_default_extended_with_import(cal):
    rows, errors = parse_holiday_csv("2027-01-01,休,元旦\n")
    assert errors == []
    ext = cal.with_rows(rows)
    assert ext.has_data(2027) and ext.has_data(2026)
    assert ext.is_rest_day(D(2027, 1, 1))
    assert ext.is_workday(D(2025, 9, 28))


# ---------------------------------------------------------------- CSV import


def test_parse_csv_header_bom_and_date_formats():
    text = "\ufeffdate,kind,name\n2027-01-01,休,元旦\n2027/2/6,班,春节\n\n2027/02/07,休,春节\n"
    rows, errors = parse_holiday_csv(text)
    assert errors == []
    assert rows == [(D(2027, 1, 1), "休", "元旦"), (D(2027, 2, 6), "班", "春节"), (D(2027, 2, 7), "休", "春节")]


def test_parse_csv_headerless_and_no_name():
    rows, errors = parse_holiday_csv("2027-10-01,休\r\n2027-10-09,班,国庆节\r\n")
    assert errors == []
    assert rows == [(D(2027, 10, 1), "休", ""), (D(2027, 10, 9), "班", "国庆节")]


def test_parse_csv_reports_bad_rows_by_line_number():
    text = (
        "date,kind,name\n"          # 1
        "2027-01-01,休,元旦\n"       # 2
        "2027-02-30,休,春节\n"       # 3 invalid date
        "2027-13-01,休,春节\n"       # 4 invalid date
        "明天,休,春节\n"             # 5 unparseable
        "2027-02-06,上下班,春节\n"   # 6 bad kind
        "2027-02-07\n"              # 7 kind missing
        "\n"                        # 8 blank: skipped, but still counts as a line
        "2027-01-01,休,元旦\n"       # 9 duplicate of line 2
        "2027-02-08,休,春节,多余\n"  # 10 too many columns
        "2027-02-09,休,春节\n"       # 11 good
    )
    rows, errors = parse_holiday_csv(text)
    assert rows == [(D(2027, 1, 1), "休", "元旦"), (D(2027, 2, 9), "休", "春节")]
    assert errors[0] == "第3行：日期“2027-02-30”无效"
    assert [e.split("：")[0] for e in errors] == ["第3行", "第4行", "第5行", "第6行", "第7行", "第9行", "第10行"]
    assert "第2行" in errors[5]
    # Nothing is dropped silently: every non-blank data line is a row or an error.
    assert len(rows) + len(errors) == 9


def test_parse_csv_first_line_garbage_is_an_error_not_a_header():
    rows, errors = parse_holiday_csv("hello,world\n2027-01-01,休,元旦\n")
    assert rows == [(D(2027, 1, 1), "休", "元旦")]
    assert errors and errors[0].startswith("第1行")


def test_csv_roundtrip(cal):
    rows = cal.rows()
    back, errors = parse_holiday_csv(format_holiday_csv(rows))
    assert errors == [] and back == rows

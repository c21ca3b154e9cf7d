from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.calendar.deadlines import DueDate, compute_due, due_date, due_state
from xinfang.domain.enums import DueState

D = date


# ---------------------------------------------------------------- worked examples: 2025 National Day


def test_five_working_days_from_2025_09_26(cal):
    r = compute_due(D(2025, 9, 26), 5, "working", cal)
    assert r.due == D(2025, 10, 10)
    assert r.missing_years == ()
    text = "\n".join(r.explain)
    assert "期限：5个工作日" in text
    assert "跳过休息日 9 天，其中法定节假日 8 天" in text
    assert "2025-10-01至10-08 国庆节、中秋节" in text
    assert "2025-09-28（周日） 国庆节调休上班" in text
    assert r.explain[-1] == "到期：2025-10-10"


def test_calendar_15_days_landing_in_holiday_rolls_forward(cal):
    # 2025-09-19 + 15 = Sat 2025-10-04, inside 国庆 → first workday after the holiday, Thu 10-09.
    r = compute_due(D(2025, 9, 19), 15, "calendar", cal, event="收到")
    assert r.due == D(2025, 10, 9)
    assert r.explain[0] == "起算：2025-09-19 收到，次日起算"
    assert "期限：15日（自然日）" in r.explain
    assert "第15日为 2025-10-04（周六）" in r.explain
    assert any(line.startswith("末日 2025-10-04 为国庆节") and line.endswith("顺延至 2025-10-09（周四）")
               for line in r.explain)
    assert r.explain[-1] == "到期：2025-10-09"


def test_calendar_landing_on_weekday_holiday_rolls_forward(cal):
    assert compute_due(D(2025, 9, 16), 15, "calendar", cal).due == D(2025, 10, 9)   # Wed 10-01
    assert compute_due(D(2025, 9, 21), 15, "calendar", cal).due == D(2025, 10, 9)   # Mon 10-06 中秋节


def test_calendar_no_roll_forward_keeps_holiday(cal):
    r = compute_due(D(2025, 9, 19), 15, "calendar", cal, roll_forward=False)
    assert r.due == D(2025, 10, 4)
    assert any("不顺延" in line for line in r.explain)


def test_calendar_landing_on_makeup_saturday_does_not_roll(cal):
    # 2025-09-26 + 15 = Sat 2025-10-11, a 调休 working day.
    r = compute_due(D(2025, 9, 26), 15, "calendar", cal)
    assert r.due == D(2025, 10, 11)
    assert "末日 2025-10-11 为国庆节调休上班日，不顺延" in r.explain
    assert "2025-10-01至10-08 为国庆节、中秋节假期，自然日照常计算" in r.explain


def test_calendar_landing_on_plain_weekend_rolls_to_monday(cal):
    r = compute_due(D(2025, 10, 3), 15, "calendar", cal)   # 10-18 is a Saturday
    assert r.due == D(2025, 10, 20)
    assert "末日 2025-10-18 为周六，顺延至 2025-10-20（周一）" in r.explain


def test_calendar_15_days_after_holiday_start(cal):
    r = compute_due(D(2025, 9, 30), 15, "calendar", cal, event="收到")
    assert r.due == D(2025, 10, 15)
    assert "第15日为 2025-10-15（周三）" in r.explain


# ---------------------------------------------------------------- worked examples: 2026 Spring Festival


def test_60_days_over_spring_festival_lands_on_makeup_saturday(cal):
    # 2025-12-30 + 60 = Sat 2026-02-28, a 春节 调休 working day: no roll.
    r = compute_due(D(2025, 12, 30), 60, "calendar", cal)
    assert r.due == D(2026, 2, 28)
    assert "2026-02-15至02-23 为春节假期，自然日照常计算" in r.explain
    assert "2026-01-01至01-03 为元旦假期，自然日照常计算" in r.explain


def test_60_days_landing_in_spring_festival_rolls_to_0224(cal):
    # 2025-12-19 + 60 = Tue 2026-02-17 (初一) → Tue 2026-02-24.
    r = compute_due(D(2025, 12, 19), 60, "calendar", cal)
    assert r.due == D(2026, 2, 24)
    assert any("末日 2026-02-17 为春节" in line and "顺延至 2026-02-24（周二）" in line for line in r.explain)


def test_60_plus_30_extension_and_tolling(cal):
    r = compute_due(D(2025, 11, 20), 60, "calendar", cal, extra_days=30, tolled_days=5)
    assert r.due == compute_due(D(2025, 11, 20), 95, "calendar", cal).due
    assert "延期：+30日（已批准）" in r.explain
    assert "听证等不计入期限：+5日" in r.explain


def test_working_days_over_spring_festival(cal):
    # Fri 2026-02-13: Sat 02-14 (调休)=1, [02-15..02-23 off], 02-24..02-27 = 2..5, Sat 02-28 (调休) = 6
    assert compute_due(D(2026, 2, 13), 6, "working", cal).due == D(2026, 2, 28)
    r = compute_due(D(2026, 2, 13), 5, "working", cal)
    assert r.due == D(2026, 2, 27)
    assert any("其中法定节假日 9 天" in line for line in r.explain)


# ---------------------------------------------------------------- missing years


def test_missing_year_2027_weekends_only_with_warning(cal):
    r = compute_due(D(2026, 12, 20), 15, "working", cal)
    assert r.due == D(2027, 1, 8)           # weekends only: 2027-01-01 (a Friday) counts as a workday
    assert r.missing_years == (2027,)
    assert "注意：2027年无节假日数据，按周末计算，请在设置中导入该年节假日" in r.explain
    c = compute_due(D(2027, 3, 1), 30, "calendar", cal)
    assert c.missing_years == (2027,) and c.explain[-1].startswith("注意：2027年")
    assert compute_due(D(2025, 3, 1), 30, "calendar", cal).missing_years == ()


def test_missing_years_multiple(cal):
    r = compute_due(D(2026, 12, 1), 400, "calendar", cal)
    assert r.missing_years == (2027, 2028)
    assert sum(line.startswith("注意：") for line in r.explain) == 2


def test_imported_year_removes_warning(cal):
    ext = cal.with_rows([(D(2027, 1, 1), "休", "元旦")])
    r = compute_due(D(2026, 12, 20), 15, "working", ext)
    assert r.missing_years == () and r.due == D(2027, 1, 11)


def test_explain_false_and_due_date_fast_path_agree(cal):
    for trig in (D(2025, 9, 19), D(2026, 12, 20), D(2025, 12, 30)):
        for unit in ("calendar", "working"):
            full = compute_due(trig, 15, unit, cal)
            fast = compute_due(trig, 15, unit, cal, explain=False)
            assert fast == DueDate(full.due, (), full.missing_years)
            assert due_date(trig, 15, unit, cal) == full.due


def test_bad_arguments(cal):
    with pytest.raises(ValueError):
        compute_due(D(2025, 1, 1), 15, "weeks", cal)
    with pytest.raises(ValueError):
        compute_due(D(2025, 1, 1), -1, "calendar", cal)


# ---------------------------------------------------------------- properties

triggers = st.dates(D(2003, 6, 1), D(2030, 12, 31))
periods = st.integers(1, 120)


@settings(max_examples=300, deadline=None)
@given(triggers, periods)
def test_working_due_is_a_workday(cal, trig, n):
    assert cal.is_workday(compute_due(trig, n, "working", cal).due)


@settings(max_examples=300, deadline=None)
@given(triggers, periods, st.booleans())
def test_calendar_due_at_least_trigger_plus_days(cal, trig, n, roll):
    r = compute_due(trig, n, "calendar", cal, roll_forward=roll)
    assert r.due >= trig + timedelta(days=n)
    if roll:
        assert cal.is_workday(r.due)
        # nothing between the last day and the due day is a workday
        d = trig + timedelta(days=n)
        while d < r.due:
            assert cal.is_rest_day(d)
            d += timedelta(days=1)
    else:
        assert r.due == trig + timedelta(days=n)


@settings(max_examples=300, deadline=None)
@given(triggers, st.integers(0, 40), periods, st.sampled_from(["calendar", "working"]))
def test_later_trigger_never_earlier_due(cal, trig, shift, n, unit):
    a = compute_due(trig, n, unit, cal).due
    b = compute_due(trig + timedelta(days=shift), n, unit, cal).due
    assert b >= a


@settings(max_examples=200, deadline=None)
@given(triggers, periods, st.sampled_from(["calendar", "working"]))
def test_explanation_ends_with_due_line(cal, trig, n, unit):
    r = compute_due(trig, n, unit, cal)
    due_lines = [line for line in r.explain if line.startswith("到期：")]
    assert due_lines == [f"到期：{r.due.isoformat()}"]
    assert len(r.missing_years) == sum(line.startswith("注意：") for line in r.explain)


# ---------------------------------------------------------------- due_state


def test_due_state_done(cal):
    due = D(2025, 10, 9)
    assert due_state(due, D(2030, 1, 1), cal, done_on=D(2025, 10, 9)) is DueState.DONE_ON_TIME
    assert due_state(due, D(2030, 1, 1), cal, done_on=D(2025, 10, 10)) is DueState.DONE_LATE


def test_due_state_running(cal):
    due = D(2025, 10, 9)                     # Thu after the National Day holiday
    assert due_state(due, D(2025, 10, 10), cal) is DueState.OVERDUE
    assert due_state(due, due, cal) is DueState.NEAR
    # 09-30 → (09-30, 10-09] holds one workday (10-09): near
    assert due_state(due, D(2025, 9, 30), cal) is DueState.NEAR
    # 09-26 → 09-28, 09-29, 09-30, 10-09: 4 workdays > 3: normal; 09-27 → 4 as well (09-28 counts)
    assert due_state(due, D(2025, 9, 26), cal) is DueState.NORMAL
    assert due_state(due, D(2025, 9, 27), cal) is DueState.NORMAL
    assert due_state(due, D(2025, 9, 28), cal) is DueState.NEAR
    assert due_state(due, D(2025, 9, 26), cal, warn_workdays=4) is DueState.NEAR
    assert due_state(due, D(2025, 9, 30), cal, warn_workdays=0) is DueState.NORMAL


def test_no_roll_forward_in_the_fast_paths(cal):
    # 2025-09-19 + 15 calendar days = Sat 2025-10-04 (国庆节).  A step set to 不顺延 keeps that day in the
    # fast paths too (due_date, explain=False, and a clock started from a profile); with 顺延 it is Thu 10-09.
    from dataclasses import replace

    from xinfang.calendar.policies import get_profile
    from xinfang.domain.enums import Step
    from xinfang.services.clocks import start_clock
    assert due_date(D(2025, 9, 19), 15, "calendar", cal, roll_forward=False) == D(2025, 10, 4)
    assert compute_due(D(2025, 9, 19), 15, "calendar", cal, roll_forward=False, explain=False).due == D(2025, 10, 4)
    assert due_date(D(2025, 9, 19), 15, "calendar", cal, roll_forward=True) == D(2025, 10, 9)
    national = get_profile("national")
    policy = replace(national.policy(Step.DISPOSE), days=15, unit="calendar", roll_forward=False)
    profile = replace(national, policies={**national.policies, Step.DISPOSE: policy})
    c = start_clock(Step.DISPOSE, D(2025, 9, 19), profile, cal)
    assert c.due == D(2025, 10, 4) and not c.roll_forward

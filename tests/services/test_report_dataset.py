"""Issue 10 §2: every number of the dataset on a small hand-built data set, computed by hand below.

The story (all dates are weekdays outside holidays unless said; 60/15/30 calendar days):
  2025-01  E 来访, F 来信 (both 存档 the next day)                 → 同比 base of 2026-01
  2025-12  D 来访, 2 persons (存档 the next day)                   → 环比 base of 2026-01
  2026-01  P 来访 6 persons 到市 非正常上访, 直接受理 by FGJ 01-05: 处置 due 01-20 (met);
             办理 due 01-05+60 = 03-06 Fri; 答复 03-04 (met), 送达 03-05, 满意 04-08, 终结 04-09
           Q 来信, 受理 by ZRGH 01-06: 办理 due 03-07 Sat → 03-09 Mon; 答复 03-10 (late), 送达 03-11,
             不满意 03-12, 申请复查 03-20 (复查 due 04-19 Sun → 04-20), 复查意见 03-30 (met)
           R 12345, 受理 by FGJ 01-12: 办理 due 03-13, 延期 30 days on 03-02 → 04-12 Sun → 04-13 Mon
             (the extension moves it into April); 答复 04-10 (met), 送达 04-10, never rated
           J 来访, the same person and matter as P (重复件) 01-14, 存档 01-15
  2026-02  nothing received, nothing due: every denominator is zero
  2026-03  S 网上 03-02, 转送 FGJ 03-03 (处置 due 03-17 met; 告知 due 03-18), 不予受理 03-10 (met)
  2026-04  T 网上 04-15, the same person and matter as S (a later repeat of S), 处置 due 04-30, still open
"""
import pytest

from tests.report_story import FGJ, ZRGH, build_story, change, rate


@pytest.fixture(scope="module")
def story():
    return build_story()


def ds(ws, month, unit=None):
    return ws.reports.dataset(ws.reports.month(month), unit)


def ids(ws, d, path):
    return sorted(ws.reports.case_ids(d["queries"][path]))


def test_story_has_the_dates_the_hand_computation_assumes(story):
    ws, rows, _ = story
    due = {(r, c.step.value): c.due.isoformat() for r in ("P", "Q", "R") for c in ws.case(rows[r]).clocks}
    assert due[("P", "handle")] == "2026-03-06"
    assert due[("Q", "handle")] == "2026-03-09"
    assert due[("R", "handle")] == "2026-04-13"
    assert due[("Q", "review")] == "2026-04-20"
    assert ws.case(rows["J"]).repeat_of and ws.case(rows["T"]).repeat_of


def test_january_counts_yoy_across_the_year_and_mom_from_december(story):
    ws, rows, _ = story
    d = ds(ws, "2026-01")
    assert d["total"] == {"count": 4, "yoy": change(4, 2), "mom": change(4, 1)}
    assert d["total"]["yoy"]["change"] == 1.0 and d["total"]["mom"]["change"] == 3.0
    assert d["persons"] == {"count": 9, "yoy": change(9, 2)}          # 6 + 1 + 1 + 1 against 1 + 1
    assert d["by_channel"] == {"来信": 1, "来访": 2, "网上": 0, "来电": 0, "传真": 0, "12345": 1, "部门转入": 0, "其他": 0}
    assert {k: d["visits"][k] for k in ("batches", "persons", "yoy")} == {"batches": 2, "persons": 7, "yoy": change(2, 1)}
    assert {k: d["collective"][k] for k in ("batches", "persons", "largest", "yoy")} == \
        {"batches": 1, "persons": 6, "largest": 6, "yoy": change(1, 0)}
    assert d["collective"]["yoy"]["change"] is None
    assert d["irregular"] == {"count": 1, "persons": 6, "yoy": change(1, 0)}
    assert d["by_level"] == {"本级": 3, "到区": 0, "到市": 1, "到省": 0, "进京": 0}
    assert d["by_purpose"] == {"建议意见": 0, "检举控告": 0, "申诉求决": 4}
    assert d["by_category"] == {
        "劳动和社会保障": {"count": 2, "share": rate(2, 4), "sub": {"拖欠工资": {"count": 2, "share": rate(2, 2)}}},
        "城乡建设": {"count": 2, "share": rate(2, 4), "sub": {"物业管理": {"count": 1, "share": rate(1, 2)},
                                                          "征地拆迁": {"count": 1, "share": rate(1, 2)}}}}
    assert d["acceptance_on_time_rate"] == rate(4, 4)      # 处置 of P, Q, R, J all due and met in January
    assert d["reply_on_time_rate"] == rate(0, 0) and d["review_on_time_rate"] == rate(0, 0)
    assert d["satisfaction_rate"] == rate(0, 0) and d["rating_rate"] == rate(0, 0)
    assert d["repeat_rate"] == rate(1, 4)                  # J
    assert d["first_time_resolution_rate"] == rate(0, 0)  # J ended but is a repeat
    assert d["control"] == {"new": 4, "carried_over": 0, "closed": 1, "open_at_end": 3}
    assert d["work_orders_12345"] == {"count": 1, "reply_on_time_rate": rate(0, 0)}
    units = {u["unit"]: u for u in d["units"]}
    assert (units[FGJ]["received"], units[ZRGH]["received"], units[""]["received"]) == (2, 1, 1)
    assert units[FGJ]["acceptance_on_time_rate"] == rate(2, 2)
    assert ids(ws, d, "by_channel.来访") == sorted([rows["P"], rows["J"]])
    assert ids(ws, d, "control.open_at_end") == sorted([rows["P"], rows["Q"], rows["R"]])
    assert ids(ws, d, "total.yoy.base") == sorted([rows["E"], rows["F"]])


def test_february_every_denominator_is_zero(story):
    ws, rows, _ = story
    d = ds(ws, "2026-02")
    assert d["total"] == {"count": 0, "yoy": change(0, 0), "mom": change(0, 4)}
    assert d["total"]["mom"]["change"] == -1.0
    for key in ("acceptance_on_time_rate", "reply_on_time_rate", "review_on_time_rate", "satisfaction_rate",
                "satisfied_only_rate", "rating_rate", "repeat_rate", "first_time_resolution_rate"):
        assert d[key] == rate(0, 0), key
        assert d[key]["value"] is None
    assert d["control"] == {"new": 0, "carried_over": 3, "closed": 0, "open_at_end": 3}
    assert d["units"] == []


def test_march_clock_rates_the_extension_and_late_rating(story):
    ws, rows, early = story
    d = ds(ws, "2026-03")
    assert d["total"] == {"count": 1, "yoy": change(1, 0), "mom": change(1, 0)}
    assert d["acceptance_on_time_rate"] == rate(2, 2)      # S: 处置 due 03-17, 告知 due 03-18, both met
    assert d["reply_on_time_rate"] == rate(1, 2)           # P met, Q late; R moved into April by the extension
    assert d["review_on_time_rate"] == rate(0, 0)          # Q's 复查 falls due in April
    assert d["satisfaction_rate"] == rate(0, 1) and d["satisfied_only_rate"] == rate(0, 1)   # Q 不满意
    assert d["rating_rate"] == rate(2, 2)                  # P and Q served in March; P rated in April
    assert early["rating_rate"] == rate(1, 2)              # … which the 1 April report could not know yet
    assert d["first_time_resolution_rate"] == rate(0, 1)   # S declined, but T repeated it in April
    assert early["first_time_resolution_rate"] == rate(1, 1)
    assert d["repeat_rate"] == rate(0, 1)
    assert d["control"] == {"new": 1, "carried_over": 3, "closed": 1, "open_at_end": 3}
    units = {u["unit"]: u for u in d["units"]}
    assert units[FGJ]["reply_on_time_rate"] == rate(1, 1) and units[FGJ]["below"] == []
    assert units[ZRGH]["reply_on_time_rate"] == rate(0, 1)
    assert units[ZRGH]["below"] == ["reply_on_time_rate", "satisfaction_rate"]
    assert [u["unit"] for u in d["units"]] == [FGJ, ZRGH] and units[FGJ]["rank"] == 1
    assert ids(ws, d, "reply_on_time_rate.numerator") == [rows["P"]]
    assert ids(ws, d, "reply_on_time_rate.denominator") == sorted([rows["P"], rows["Q"]])
    assert ids(ws, d, "rating_rate.denominator") == sorted([rows["P"], rows["Q"]])
    assert ids(ws, d, "control.closed") == [rows["S"]]


def test_april_gets_the_extended_clock_and_the_late_rating(story):
    ws, rows, _ = story
    d = ds(ws, "2026-04")
    assert d["total"] == {"count": 1, "yoy": change(1, 0), "mom": change(1, 1)}
    assert d["acceptance_on_time_rate"] == rate(0, 1)      # T's 处置 due 04-30, not done
    assert d["reply_on_time_rate"] == rate(1, 1)           # R, extended to 04-13, answered 04-10
    assert d["review_on_time_rate"] == rate(1, 1)          # Q's 复查 due 04-20, decided 03-30
    assert d["satisfaction_rate"] == rate(1, 1) and d["satisfied_only_rate"] == rate(1, 1)   # P 满意 on 04-08
    assert d["rating_rate"] == rate(0, 1)                  # R served in April, never rated
    assert d["repeat_rate"] == rate(1, 1)                  # T
    assert d["first_time_resolution_rate"] == rate(0, 1)   # P closed, no 复查, but J repeated it in January
    assert d["control"] == {"new": 1, "carried_over": 3, "closed": 1, "open_at_end": 3}
    assert d["work_orders_12345"] == {"count": 0, "reply_on_time_rate": rate(1, 1)}
    units = {u["unit"]: u for u in d["units"]}
    assert units[""]["overdue_at_end"] == 1               # T, 处置 due 04-30 and not done by its end
    assert ids(ws, d, "units..overdue_at_end") == [rows["T"]]


def test_scope_one_unit(story):
    ws, rows, _ = story
    d = ds(ws, "2026-03", FGJ)
    assert d["scope"]["unit"] == FGJ
    assert d["total"]["count"] == 1
    assert d["reply_on_time_rate"] == rate(1, 1)
    assert d["control"] == {"new": 1, "carried_over": 2, "closed": 1, "open_at_end": 2}   # P, R; + S − S
    assert [u["unit"] for u in d["units"]] == [FGJ]


def test_an_empty_month(story):
    ws, _, _ = story
    d = ds(ws, "2024-06")
    assert d["total"] == {"count": 0, "yoy": change(0, 0), "mom": change(0, 0)}
    assert d["persons"] == {"count": 0, "yoy": change(0, 0)}
    assert set(d["by_channel"].values()) == {0} and d["by_category"] == {}
    assert d["control"] == {"new": 0, "carried_over": 0, "closed": 0, "open_at_end": 0}
    assert d["units"] == [] and d["collective"]["largest"] == 0


def test_quarter_and_cumulative_periods(story):
    ws, _, _ = story
    q1 = ws.reports.dataset(ws.reports.quarter(2026, 1))
    assert q1["period"]["label"] == "2026年第一季度"
    assert q1["total"] == {"count": 5, "yoy": change(5, 2), "mom": change(5, 1)}   # P Q R J S; 2025-Q4: D
    assert q1["reply_on_time_rate"] == rate(1, 2)
    ytd = ws.reports.dataset(ws.reports.period("2026-01", "2026-04"))
    assert ytd["period"]["label"] == "2026年1—4月"
    assert ytd["control"] == {"new": 6, "carried_over": 0, "closed": 3, "open_at_end": 3}   # J S P closed

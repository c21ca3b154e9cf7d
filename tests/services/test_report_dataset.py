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
from datetime import datetime

import pytest

from xinfang.services.intake import draft_from_dict
from tests.helpers import case_json, make_workspace

FGJ, ZRGH = "420100-FGJ", "420100-ZRGH"


def rate(n, d):
    return {"numerator": n, "denominator": d, "value": (n / d) if d else None}


def change(cur, base):
    return {"current": cur, "base": base, "change": ((cur - base) / base) if base else None}


def _person(name, phone):
    return {"name": name, "id_number": "", "phone": phone}


def _reg(ws, clock, when, **kw):
    clock.set(datetime.fromisoformat(when))
    data = case_json(received_at=when, **{k: v for k, v in kw.items() if k not in ("person",)})
    if "person" in kw:
        data["petitioners"] = [kw["person"]]
    return ws.register(draft_from_dict(data), "clerk").case.row


def _act(ws, clock, row, action, when, **data):
    clock.set(datetime.fromisoformat(when))
    ws.act(row, action, "clerk", data=data)


@pytest.fixture(scope="module")
def story():
    ws, clock = make_workspace(datetime(2025, 1, 1, 8, 0))
    rows = {}
    rows["E"] = _reg(ws, clock, "2025-01-08 09:00", channel="来访", person=_person("甲一", "13900000011"),
                     summary="老旧小区加装电梯意见不一")
    _act(ws, clock, rows["E"], "archive", "2025-01-09 09:00", reason="已自行协商")
    rows["F"] = _reg(ws, clock, "2025-01-09 10:00", channel="来信", person=_person("甲二", "13900000012"),
                     summary="菜市场占道经营")
    _act(ws, clock, rows["F"], "archive", "2025-01-10 09:00", reason="已处理")
    rows["D"] = _reg(ws, clock, "2025-12-10 09:00", channel="来访", headcount=2,
                     person=_person("甲三", "13900000013"), summary="学校门口交通拥堵")
    _act(ws, clock, rows["D"], "archive", "2025-12-11 09:00", reason="已处理")

    rows["P"] = _reg(ws, clock, "2026-01-05 09:00", channel="来访", headcount=6, reached_level="到市",
                     irregular="在市政府门前聚集", person=_person("王建国", "13900000021"),
                     petitioners=None, summary="某建筑公司拖欠农民工工资")
    _act(ws, clock, rows["P"], "accept", "2026-01-05 10:00", unit=FGJ)
    rows["Q"] = _reg(ws, clock, "2026-01-06 09:00", channel="来信", category="城乡建设/物业管理",
                     person=_person("李秀英", "13900000022"), summary="物业公司擅自涨价")
    _act(ws, clock, rows["Q"], "accept", "2026-01-06 10:00", unit=ZRGH)
    rows["R"] = _reg(ws, clock, "2026-01-12 09:00", channel="12345", category="城乡建设/征地拆迁",
                     person=_person("赵德才", "13900000023"), summary="征收补偿款未到位")
    _act(ws, clock, rows["R"], "accept", "2026-01-12 10:00", unit=FGJ)
    rows["J"] = _reg(ws, clock, "2026-01-14 09:00", channel="来访", person=_person("王建国", "13900000021"),
                     summary="某建筑公司拖欠农民工工资")
    _act(ws, clock, rows["J"], "archive", "2026-01-15 09:00", reason="已在办理中")

    _act(ws, clock, rows["R"], "extend", "2026-03-02 09:00", days=30, approver="局长", reason="涉及多部门")
    rows["S"] = _reg(ws, clock, "2026-03-02 10:00", channel="网上", summary="小区噪声扰民")
    _act(ws, clock, rows["S"], "forward", "2026-03-03 09:00", unit=FGJ)
    _act(ws, clock, rows["P"], "reply", "2026-03-04 09:00", outcome="支持")
    _act(ws, clock, rows["P"], "serve", "2026-03-05 09:00")
    _act(ws, clock, rows["Q"], "reply", "2026-03-10 09:00", outcome="不予支持")
    _act(ws, clock, rows["S"], "decline", "2026-03-10 10:00", reason="不属于本机关职责")
    _act(ws, clock, rows["Q"], "serve", "2026-03-11 09:00")
    _act(ws, clock, rows["Q"], "rate", "2026-03-12 09:00", rating="不满意")
    _act(ws, clock, rows["Q"], "review-request", "2026-03-20 09:00")
    _act(ws, clock, rows["Q"], "review-decision", "2026-03-30 09:00", outcome="维持")

    clock.set(datetime(2026, 4, 1, 9, 0))
    early_march = ws.reports.dataset(ws.reports.month("2026-03"))

    _act(ws, clock, rows["P"], "rate", "2026-04-08 09:00", rating="满意")
    _act(ws, clock, rows["P"], "close", "2026-04-09 09:00", reason="答复后息诉罢访")
    _act(ws, clock, rows["R"], "reply", "2026-04-10 09:00", outcome="支持")
    _act(ws, clock, rows["R"], "serve", "2026-04-10 10:00")
    rows["T"] = _reg(ws, clock, "2026-04-15 09:00", channel="网上", summary="小区噪声扰民")
    clock.set(datetime(2026, 6, 1, 9, 0))
    return ws, rows, early_march


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

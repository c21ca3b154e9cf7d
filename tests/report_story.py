"""The hand-built data set of the report tests (issue 10 §7).

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


def build_story(target: str | None = None):
    ws, clock = make_workspace(datetime(2025, 1, 1, 8, 0), target)
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

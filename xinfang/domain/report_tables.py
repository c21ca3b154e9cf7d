"""The report's tables as values (pure): the PDF, the XLSX and the 报表 screen draw the same tables.

A table is ``{"key", "title", "columns", "rows", "landscape", "note"}``; a row is
``{"cells": [...], "level": 0|1, "highlight": bool}``; a cell is ``{"v": value, "fmt": "text" | "int" |
"pct" | "change", "q": path}`` where ``q`` (when set) is the key of ``dataset["queries"]`` that lists
the cases behind the number.
"""
from __future__ import annotations

from .report_text import RATE_NAMES

CHANNEL_ORDER = ("来信", "来访", "网上", "来电", "传真", "12345", "部门转入", "其他")


def text(v) -> dict:
    return {"v": v, "fmt": "text", "q": None}


def count(v, q: str | None = None) -> dict:
    return {"v": v, "fmt": "int", "q": q}


def ratio(v, q: str | None = None) -> dict:
    return {"v": v, "fmt": "pct", "q": q}


def delta(ch: dict) -> dict:
    return {"v": ch.get("change"), "fmt": "change", "q": None}


def _row(*cells, level: int = 0, highlight: bool = False) -> dict:
    return {"cells": list(cells), "level": level, "highlight": highlight}


def _table(key, title, columns, rows, landscape=False, note="") -> dict:
    return {"key": key, "title": title, "columns": columns, "rows": rows, "landscape": landscape, "note": note}


def _share(n: int, total: int):
    return (n / total) if total else None


def tables(d: dict) -> list[dict]:
    out = [_totals(d), _channels(d), _visits(d), _levels(d), _categories(d), _purposes(d), _rates(d),
           _control(d), _units(d)]
    if d.get("backlog"):
        out += _generic("backlog", "积案化解情况", d["backlog"])
    if d.get("mediation"):
        out += _generic("mediation", "矛盾纠纷排查化解情况", d["mediation"])
    return out


def _totals(d):
    t, p = d["total"], d["persons"]
    return _table("total", "信访总量", ["项目", "本期", "去年同期", "同比", "上期", "环比"], [
        _row(text("件次"), count(t["count"], "total.count"), count(t["yoy"]["base"], "total.yoy.base"),
             delta(t["yoy"]), count(t["mom"]["base"], "total.mom.base"), delta(t["mom"])),
        _row(text("人次"), count(p["count"], "persons.count"), count(p["yoy"]["base"], "persons.yoy.base"),
             delta(p["yoy"]), text(""), text("")),
    ])


def _channels(d):
    total = d["total"]["count"]
    rows = [_row(text(ch), count(n, f"by_channel.{ch}"), ratio(_share(n, total)))
            for ch, n in d["by_channel"].items()]
    rows.append(_row(text("合计"), count(total, "total.count"), ratio(1.0 if total else None)))
    return _table("by_channel", "信访形式", ["信访形式", "件次", "占比"], rows)


def _visits(d):
    v, c, i = d["visits"], d["collective"], d["irregular"]
    rows = [
        _row(text("来访"), count(v["batches"], "visits.batches"), count(v["persons"], "visits.persons"),
             count(v["yoy"]["base"], "visits.yoy.base"), delta(v["yoy"])),
        _row(text(f"集体访（{d.get('collective_threshold', 5)}人以上）"), count(c["batches"], "collective.batches"),
             count(c["persons"], "collective.persons"), count(c["yoy"]["base"], "collective.yoy.base"),
             delta(c["yoy"])),
        _row(text("非正常上访"), count(i["count"], "irregular.count"), count(i["persons"], "irregular.persons"),
             count(i["yoy"]["base"], "irregular.yoy.base"), delta(i["yoy"])),
    ]
    note = f"集体访最大一批 {c['largest']} 人。" if c["batches"] else ""
    return _table("visits", "来访、集体访与非正常上访", ["项目", "批次（起）", "人次", "去年同期批次", "同比"], rows,
                  note=note)


def _levels(d):
    total = d["total"]["count"]
    rows = [_row(text(lv), count(n, f"by_level.{lv}"), ratio(_share(n, total))) for lv, n in d["by_level"].items()]
    return _table("by_level", "越级情况", ["到达层级", "件次", "占比"], rows)


def _categories(d):
    rows = []
    for l1, node in d["by_category"].items():
        rows.append(_row(text(l1), text(""), count(node["count"], f"by_category.{l1}"),
                         ratio(node["share"]["value"])))
        for l2, sub in node["sub"].items():
            rows.append(_row(text(""), text(l2), count(sub["count"], f"by_category.{l1}.{l2}"),
                             ratio(sub["share"]["value"]), level=1))
    return _table("by_category", "问题类别", ["一级类别", "二级类别", "件次", "占比"], rows,
                  note="一级类别的占比为占信访总量的比例，二级类别的占比为占所属一级类别的比例。")


def _purposes(d):
    total = d["total"]["count"]
    rows = [_row(text(p), count(n, f"by_purpose.{p}"), ratio(_share(n, total))) for p, n in d["by_purpose"].items()]
    return _table("by_purpose", "信访目的", ["信访目的", "件次", "占比"], rows)


RATE_NOTES = {
    "acceptance_on_time_rate": "处置、受理告知期限届满在本期的，按期完成的比例",
    "reply_on_time_rate": "办理期限（含批准延期）届满在本期的，按期答复的比例",
    "review_on_time_rate": "复查、复核期限届满在本期的，按期作出意见的比例",
    "satisfaction_rate": "本期评价中“满意”“基本满意”占（满意＋基本满意＋不满意）的比例",
    "satisfied_only_rate": "本期评价中“满意”的比例",
    "rating_rate": "本期送达答复的事项中，至制表日已评价的比例",
    "repeat_rate": "本期受理的重复件占信访总量的比例",
    "first_time_resolution_rate": "本期办结的初次信访中，未申请复查、此后未重复信访的比例",
}


def _rates(d):
    rows = []
    for key, name in RATE_NAMES.items():
        r = d[key]
        rows.append(_row(text(name), count(r["numerator"], f"{key}.numerator"),
                         count(r["denominator"], f"{key}.denominator"), ratio(r["value"]), text(RATE_NOTES[key])))
    wo = d["work_orders_12345"]["reply_on_time_rate"]
    rows.append(_row(text("12345工单按期办结率"), count(wo["numerator"], "work_orders_12345.reply_on_time_rate.numerator"),
                     count(wo["denominator"], "work_orders_12345.reply_on_time_rate.denominator"),
                     ratio(wo["value"]), text(f"12345工单 {d['work_orders_12345']['count']} 件")))
    return _table("rates", "办理时效与群众评价", ["指标", "分子", "分母", "比率", "口径"], rows)


def _control(d):
    c = d["control"]
    return _table("control", "控增量、减存量", ["期初在办", "本期新增", "本期办结", "期末在办"], [
        _row(count(c["carried_over"], "control.carried_over"), count(c["new"], "control.new"),
             count(c["closed"], "control.closed"), count(c["open_at_end"], "control.open_at_end"))],
        note="办结：作出不予受理、告知、转政法纪检、存档或终结；期末在办 = 期初在办 + 本期新增 − 本期办结。")


def _units(d):
    rows = []
    for u in d["units"]:
        p = f"units.{u['unit']}"
        cells = [count(u["rank"]), text(u["name"]), count(u["received"], f"{p}.received")]
        for key in ("acceptance_on_time_rate", "reply_on_time_rate", "review_on_time_rate"):
            r = u[key]
            cells += [count(r["numerator"], f"{p}.{key}.numerator"), count(r["denominator"], f"{p}.{key}.denominator"),
                      ratio(r["value"])]
        cells += [count(u["overdue_at_end"], f"{p}.overdue_at_end"), ratio(u["satisfaction_rate"]["value"])]
        rows.append(_row(*cells, highlight=bool(u["below"])))
    threshold = round(d.get("threshold", 0.9) * 100)
    return _table("units", "承办单位排名", [
        "排名", "承办单位", "收件", "按期受理", "应受理", "按期受理率", "按期办结", "应办结", "按期办结率",
        "按期复查复核", "应复查复核", "复查复核按期率", "期末逾期", "满意率"], rows, landscape=True,
        note=f"按各项比率的平均值排序；任一比率低于{threshold}%的单位标红。")


def _generic(key: str, title: str, section: dict) -> list[dict]:
    """A section owned by another area (积案, 调解): its scalar numbers and its {name: number} groups."""
    out, scalars = [], []
    for name, value in section.items():
        if name in ("queries", "labels"):
            continue
        label = section.get("labels", {}).get(name, name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            scalars.append(_row(text(label), count(value, f"{key}.{name}")))
        elif isinstance(value, dict) and set(value) >= {"numerator", "denominator", "value"}:
            scalars.append(_row(text(label), ratio(value["value"], f"{key}.{name}.numerator")))
        elif isinstance(value, dict) and value and all(isinstance(v, (int, float)) for v in value.values()):
            out.append(_table(f"{key}.{name}", f"{title}：{label}", [label, "数量"],
                              [_row(text(k), count(v, f"{key}.{name}.{k}")) for k, v in value.items()]))
    if scalars:
        out.insert(0, _table(key, title, ["项目", "数值"], scalars))
    return out

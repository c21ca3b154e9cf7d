"""The report's tables as values (pure): the PDF, the XLSX and the 报表 screen draw the same tables.

A table is ``{"key", "title", "columns", "rows", "landscape", "note"}``; a row is
``{"cells": [...], "level": 0|1, "highlight": bool}``; a cell is ``{"v": value, "fmt": "text" | "int" | "num" |
"pct" | "change", "q": path}`` where ``q`` (when set) is the key of ``dataset["queries"]`` that lists
the cases behind the number.
"""
from __future__ import annotations

from .report_text import RATE_NAMES

CHANNEL_ORDER = ("来信", "来访", "网上", "来电", "传真", "12345", "部门转入", "其他")


def text(v, q: str | None = None) -> dict:
    return {"v": v, "fmt": "text", "q": q}


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
        out += _backlog(d["backlog"])
    if d.get("mediation"):
        out += _mediation(d["mediation"])
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


def _backlog(b: dict) -> list[dict]:
    """积案 as of the period's end (issue 8's numbers): total and batches, 包案领导, responsible units."""
    def cells(row: dict, path: str) -> list:
        r, lr = row["resolution_rate"], row["leader_rate"]
        return [count(row.get("assigned", 0), f"{path}.assigned"), count(row.get("resolved", 0), f"{path}.resolved"),
                ratio(r["value"]), count(row.get("overdue", 0), f"{path}.overdue"),
                count(row.get("leader_assigned", 0)), count(row.get("leader_resolved", 0)), ratio(lr["value"])]
    head = ["交办", "已化解", "化解率", "逾期未化解", "领导包案", "包案已化解", "包案化解率"]
    rows = [_row(text("合计"), *cells(b["total"], "backlog.total"))]
    for x in b["batches"]:
        low = x.get("target_met") is False
        rows.append(_row(text(x.get("name", "")), *cells(x, f"backlog.batch.{x.get('id')}"), highlight=low))
    out = [_table("backlog", f"积案化解情况（截至{b['as_of']}）", ["交办批次"] + head, rows,
                  note="批次化解率未达目标的标红。")]
    if b["leaders"]:
        out.append(_table("backlog.leaders", "包案领导化解情况", ["包案领导", "职务"] + head, [
            _row(text(x.get("leader", "")), text(x.get("post", "")), *cells(x, f"backlog.leader.{x.get('leader')}"),
                 highlight=bool(x.get("overdue"))) for x in b["leaders"]]))
    if b["units"]:
        out.append(_table("backlog.units", "责任单位积案化解情况", ["责任单位"] + head, [
            _row(text(x.get("unit_name") or x.get("unit", "")), *cells(x, f"backlog.unit.{x.get('unit')}"),
                 highlight=bool(x.get("overdue"))) for x in b["units"]]))
    return out


def _mediation(m: dict) -> list[dict]:
    """矛盾纠纷排查化解 for the period (issue 9's numbers)."""
    prevented, people = m.get("prevented", {}), m.get("prevented_people", {})
    rows = [
        _row(text("受理纠纷（件）"), count(m.get("accepted", 0), "mediation.accepted")),
        _row(text("调解成功（件）"), count(m.get("succeeded", 0), "mediation.succeeded")),
        _row(text("调解成功率"), ratio((m.get("success_rate") or {}).get("value"))),
        _row(text("协议涉及金额（万元）"), {"v": round(m.get("amount", 0) / 10000, 2), "fmt": "num",
                                           "q": "mediation.succeeded"}),
        _row(text("司法确认（件）"), count(m.get("confirmed", 0), "mediation.confirmed")),
        _row(text("司法确认率"), ratio((m.get("confirmation_rate") or {}).get("value"))),
        _row(text("协议履行（件）"), count(m.get("performed", 0), "mediation.performed")),
        _row(text("协议履行率"), ratio((m.get("performance_rate") or {}).get("value"))),
        _row(text("防止民间纠纷转化为刑事案件（件/人）"),
             text(f"{prevented.get('criminal', 0)}/{people.get('criminal', 0)}", "mediation.prevented.criminal")),
        _row(text("防止群体性上访（件/人）"),
             text(f"{prevented.get('group_petition', 0)}/{people.get('group_petition', 0)}",
                  "mediation.prevented.group_petition")),
    ]
    out = [_table("mediation", "矛盾纠纷排查化解情况", ["项目", "数值"], rows)]
    for key, title, head in (("by_source", "纠纷来源", "来源"), ("by_type", "纠纷类型", "类型")):
        groups = m.get(key) or {}
        if groups:
            out.append(_table(f"mediation.{key}", f"矛盾纠纷：按{title}", [head, "件", "占比"], [
                _row(text(name), count(g.get("count", 0), f"mediation.{key}.{name}"),
                     ratio((g.get("share") or {}).get("value")))
                for name, g in groups.items()]))
    return out

"""The report's summary in plain official Chinese, written from the numbers of a dataset (pure).

A sentence is written only when its numbers exist: a rate whose denominator is 0 and a change whose
base is 0 are left out rather than printed as "—".
"""
from __future__ import annotations

RATE_NAMES = {
    "acceptance_on_time_rate": "按期受理率",
    "reply_on_time_rate": "按期办结率",
    "review_on_time_rate": "复查复核按期率",
    "satisfaction_rate": "群众满意率",
    "satisfied_only_rate": "“满意”占比",
    "rating_rate": "参评率",
    "repeat_rate": "重复信访率",
    "first_time_resolution_rate": "初次信访一次性化解率",
}


def pct(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    text = f"{value * 100:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "%"


def trend(ch: dict, what: str) -> str:
    """'同比上升12.5%' / '同比持平'; '' when there is no base to compare with."""
    if not ch or ch.get("change") is None:
        return ""
    c = ch["change"]
    if c == 0:
        return f"{what}持平"
    return f"{what}{'上升' if c > 0 else '下降'}{pct(abs(c))}"


def _join(parts: list[str]) -> str:
    return "，".join(p for p in parts if p)


def _rate_text(name: str, r: dict | None) -> str:
    if not r or r.get("value") is None:
        return ""
    return f"{name}{pct(r['value'])}（{r['numerator']}/{r['denominator']}）"


def _below_text(unit: dict) -> str:
    return "、".join(RATE_NAMES[k] + pct(unit[k]["value"]) for k in unit["below"])


def summary(d: dict) -> list[str]:
    """The summary paragraphs of a dataset, in order."""
    out: list[str] = []
    label, scope = d["period"]["label"], d["scope"]["name"]
    total, persons = d["total"], d["persons"]
    head = f"{label}，{scope}共受理信访事项{total['count']}件、{persons['count']}人次"
    out.append(_join([head, trend(total["yoy"], "件次同比"), trend(total["mom"], "环比"),
                      trend(persons["yoy"], "人次同比")]) + "。")
    if total["count"]:
        names = {"来信": "来信{}件", "来访": "来访{}批", "网上": "网上信访{}件", "来电": "来电{}件",
                 "传真": "传真{}件", "12345": "12345热线转办{}件", "部门转入": "部门转入{}件", "其他": "其他渠道{}件"}
        parts = []
        for ch, n in d["by_channel"].items():
            if n:
                text = names.get(ch, ch + "{}件").format(n)
                if ch == "来访":
                    text += f"{d['visits']['persons']}人次"
                parts.append(text)
        out.append("其中" + "、".join(parts) + "。")
    col = d["collective"]
    if col["batches"]:
        out.append(_join([f"集体访{col['batches']}批{col['persons']}人次，最大一批{col['largest']}人",
                          trend(col["yoy"], "批次同比")]) + "。")
    elif col["yoy"]["base"]:
        out.append(f"本期未发生集体访（去年同期{col['yoy']['base']}批）。")
    irr = d["irregular"]
    if irr["count"]:
        out.append(_join([f"非正常上访{irr['count']}起{irr['persons']}人次", trend(irr["yoy"], "同比")]) + "。")
    elif irr["yoy"]["base"]:
        out.append(f"本期未发生非正常上访（去年同期{irr['yoy']['base']}起）。")
    higher = [f"{lv}{n}件" for lv, n in d["by_level"].items() if lv != "本级" and n]
    if higher:
        out.append("越级情况：" + "、".join(higher) + "。")
    cats = list(d["by_category"].items())[:3]
    if cats:
        out.append("从问题类别看，居前的是" + "、".join(
            f"{name}（{c['count']}件，占{pct(c['share']['value'])}）" for name, c in cats) + "。")
    rates = [_rate_text(RATE_NAMES[k], d.get(k)) for k in
             ("acceptance_on_time_rate", "reply_on_time_rate", "review_on_time_rate")]
    if any(rates):
        out.append("办理时效方面，" + _join(rates) + "。")
    sat = [_rate_text(RATE_NAMES[k], d.get(k)) for k in ("satisfaction_rate", "rating_rate")]
    if any(sat):
        out.append("群众评价方面，" + _join(sat) + "。")
    rep = [_rate_text(RATE_NAMES[k], d.get(k)) for k in ("repeat_rate", "first_time_resolution_rate")]
    if any(rep):
        out.append(_join(rep) + "。")
    c = d["control"]
    out.append(f"控增量、减存量方面，期初在办{c['carried_over']}件，本期新增{c['new']}件、办结{c['closed']}件，"
               f"期末在办{c['open_at_end']}件" + ("，存量有所减少。" if c["open_at_end"] < c["carried_over"]
                                                 else "，存量有所增加。" if c["open_at_end"] > c["carried_over"]
                                                 else "，存量持平。"))
    wo = d["work_orders_12345"]
    if wo["count"] or wo["reply_on_time_rate"]["value"] is not None:
        out.append(_join([f"12345热线工单{wo['count']}件",
                          _rate_text("按期办结率", wo["reply_on_time_rate"])]) + "。")
    below = [u for u in d["units"] if u["below"]]
    if below:
        names = "、".join(f"{u['name']}（{_below_text(u)}）" for u in below[:8])
        more = f"等{len(below)}个单位" if len(below) > 8 else ""
        out.append(f"{names}{more}的指标低于{pct(d['threshold'])}，请予督促。")
    overdue = sum(u["overdue_at_end"] for u in d["units"])
    if overdue:
        out.append(f"截至期末，逾期未办结事项{overdue}件（见附件1）。")
    out += backlog_sentences(d.get("backlog")) + mediation_sentences(d.get("mediation"))
    return out


def backlog_sentences(b: dict | None) -> list[str]:
    if not b or not b["total"].get("assigned"):
        return []
    t = b["total"]
    parts = [f"积案化解方面，截至{b['as_of']}，交办积案{t['assigned']}件，已化解{t.get('resolved', 0)}件"]
    if t["resolution_rate"]["value"] is not None:
        parts.append(f"化解率{pct(t['resolution_rate']['value'])}")
    if t.get("overdue"):
        parts.append(f"逾期未化解{t['overdue']}件")
    if t["leader_rate"]["value"] is not None:
        parts.append(f"领导包案{t['leader_assigned']}件，包案化解率{pct(t['leader_rate']['value'])}")
    missed = [x.get("name", "") for x in b.get("batches", []) if x.get("target_met") is False]
    text = "，".join(parts) + "。"
    if missed:
        text += "、".join(missed) + "未达到化解目标。"
    return [text]


def mediation_sentences(m: dict | None) -> list[str]:
    if not m or not m.get("accepted") and not m.get("succeeded"):
        return []
    parts = [f"人民调解方面，受理矛盾纠纷{m.get('accepted', 0)}件，调解成功{m.get('succeeded', 0)}件"]
    r = m.get("success_rate") or {}
    if r.get("value") is not None:
        parts.append(f"调解成功率{pct(r['value'])}")
    if m.get("amount"):
        parts.append(f"协议涉及金额{m['amount'] / 10000:.2f}万元")
    prevented = m.get("prevented") or {}
    if prevented.get("criminal") or prevented.get("group_petition"):
        parts.append(f"防止民间纠纷转化为刑事案件{prevented.get('criminal', 0)}件、"
                     f"防止群体性上访{prevented.get('group_petition', 0)}件")
    return ["，".join(parts) + "。"]

"""人民调解 printouts (domain.md §6.6–6.7): 申请书, 受理登记表, 权利义务告知书, 调解记录, 协议书 (one copy per
party plus one for the committee), 回访记录, 司法确认申请书, 卷宗封面, and the 以奖代补 claim sheet.

Input is the dispute as the service shows it (a plain dict); personal data is masked by the caller's choice
on forms that do not need it (the agreement and the court application carry full identities).
"""
from __future__ import annotations

from datetime import date, datetime

from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer

from xinfang.domain.masking import mask_id_number, mask_phone, mask_phones_in

from .layout import FRAME_WIDTH, Form, L, V, build_pdf, fmt_date, meta_line, para, styles

_W4 = (24 * mm, 54 * mm, 24 * mm, 54 * mm)
_W2 = (24 * mm, 132 * mm)
_W_PARTY = (17 * mm, 40 * mm, 10 * mm, 41 * mm, 30 * mm, 18 * mm)
_GAP = "\u00a0" * 14
assert abs(sum(_W4) - FRAME_WIDTH) < 0.01 and abs(sum(_W_PARTY) - FRAME_WIDTH) < 0.01

TITLES = {"申请书": "人民调解申请书", "受理登记表": "人民调解受理登记表", "告知书": "当事人权利义务告知书",
          "调解记录": "人民调解记录", "协议书": "人民调解协议书", "回访记录": "人民调解回访记录",
          "司法确认申请书": "司法确认申请书", "卷宗封面": "人民调解卷宗"}

RIGHTS = ("选择或者接受人民调解员；", "接受调解、拒绝调解或者要求终止调解；", "要求调解公开进行或者不公开进行；",
          "自主表达意愿、自愿达成调解协议。")
DUTIES = ("如实陈述纠纷事实；", "遵守调解现场秩序，尊重人民调解员；", "尊重对方当事人行使权利。")


def _day(value) -> str:
    if not value:
        return ""
    return fmt_date(date.fromisoformat(str(value)[:10]))


def _id(p: dict, mask: bool) -> str:
    if not p["id_number"] or p["kind"] == "单位":
        return p["id_number"]
    return mask_id_number(p["id_number"]) if mask else p["id_number"]


def _phone(p: dict, mask: bool) -> str:
    return (mask_phone(p["phone"]) if mask else p["phone"]) if p["phone"] else ""


def _age(p: dict, on: str) -> str:
    if not p.get("birth"):
        return ""
    b, d = date.fromisoformat(p["birth"]), date.fromisoformat(on[:10])
    return str(d.year - b.year - ((d.month, d.day) < (b.month, b.day)))


def _parties(d: dict, mask: bool, title: str = "当事人情况") -> Form:
    f = Form(_W_PARTY)
    f.section(title)
    f.add([L("身份"), L("姓名／名称"), L("性别"), L("身份证号／信用代码"), L("联系电话"), L("年龄")])
    for p in d["parties"]:
        f.add([V(p["side"], align="CENTER"), V(p["name"]), V(p["sex"], align="CENTER"), V(_id(p, mask), align="CENTER"),
               V(_phone(p, mask), align="CENTER"), V(_age(p, d["received_at"]), align="CENTER")])
        agent = mask_phones_in(p["agent"]) if mask else p["agent"]
        extra = p["address"] + (f"；代理人：{agent}" if agent else "")
        f.add([L("住址"), V(extra, 5)])
    return f


def _head(kind: str, d: dict, right: str = "") -> list:
    st = styles()
    return [Paragraph(TITLES[kind], st.title), Spacer(1, 1.5 * mm),
            meta_line(f"编号：{d['number']}", right or d["committee_name"])]


def _signatures(lines: list[str]) -> list:
    st = styles()
    out = [Spacer(1, 6 * mm)]
    out += [Paragraph(x, st.body) for x in lines]
    return out


def _mediators(d: dict) -> str:
    return "、".join(x["name"] for x in d["mediators"])


def application(d: dict, mask: bool) -> list:
    f = Form(_W2)
    f.wide("纠纷简要情况", d["summary"], min_height=30 * mm, style=styles().value_indent)
    f.wide("申请事项", d["requests"], min_height=20 * mm)
    f.wide("声明", "本人自愿申请人民调解委员会调解上述纠纷，保证所述情况属实，并愿意遵守人民调解的有关规定。", min_height=12 * mm)
    applicants = [p["name"] for p in d["parties"] if p["side"] == "申请人"]
    return _head("申请书", d) + [_parties(d, mask).table(), f.table()] + _signatures(
        [f"申请人（签名或按指印）：{'、'.join(applicants)}{_GAP}",
         f"申请日期：{_day(d['received_at'])}"])


def _source_boxes(d: dict) -> str:
    out = []
    for s in ("当事人申请", "调委会主动调解", "委托移送"):
        mark = "■" if d["source"] == s else "□"
        label = s + (f"（{d['referred_by']}，{d['referral_no']}）" if s == "委托移送" and d["source"] == s else "")
        out.append(f"{mark}{label}")
    return "　".join(out)


def registration(d: dict, mask: bool) -> list:
    f = Form(_W4)
    f.add([L("登记日期"), V(_day(d["registered_at"])), L("受理日期"), V(_day(d["accepted_on"]))])
    f.add([L("纠纷类型"), V(d["type"]), L("调解类别"), V(d["kind"])])
    f.wide("案件来源", _source_boxes(d))
    f.add([L("涉及人数"), V(f"{d['headcount']} 人"), L("涉及金额"), V(f"{d['amount']:.2f} 元" if d["amount"] else "")])
    risk = d["risk"] + (f"（{'、'.join(d['risk_reasons'])}）" if d["risk_reasons"] else "")
    f.add([L("风险等级"), V(risk), L("网格员"), V(d["grid_worker"])])
    f.add([L("调解员"), V(_mediators(d)), L("记录人"), V(d["recorder"])])
    f.wide("纠纷简要情况", d["summary"], min_height=26 * mm, style=styles().value_indent)
    f.wide("当事人请求", d["requests"], min_height=14 * mm)
    return _head("受理登记表", d) + [_parties(d, mask).table(), f.table()] + _signatures(
        [f"当事人（签名）：{_GAP}　　登记人（签名）：{_GAP}", "人民调解委员会（盖章）", f"{_day(d['registered_at'])}"])


def notice(d: dict, mask: bool) -> list:
    st = styles()
    story = _head("告知书", d)
    story.append(Paragraph(f"各方当事人：{'、'.join(p['name'] for p in d['parties'])}", st.body))
    story.append(Paragraph("根据《中华人民共和国人民调解法》，人民调解委员会调解民间纠纷不收取任何费用。"
                           "调解应当在当事人自愿、平等的基础上进行，不违背法律、法规和国家政策，"
                           "不阻止当事人依法通过仲裁、行政、司法等途径维护自己的权利。在调解活动中，当事人享有以下权利：",
                           st.body))
    story += [Paragraph(f"{i}. {x}", st.body) for i, x in enumerate(RIGHTS, 1)]
    story.append(Paragraph("当事人应当履行以下义务：", st.body))
    story += [Paragraph(f"{i}. {x}", st.body) for i, x in enumerate(DUTIES, 1)]
    story.append(Paragraph("经调解达成的调解协议具有法律约束力，当事人应当按照约定履行。双方当事人认为有必要的，"
                           "可以自调解协议生效之日起三十日内共同向人民法院申请司法确认。", st.body))
    return story + _signatures(["以上内容已告知，本人已知悉。",
                                *[f"当事人（签名）：{p['name']}{_GAP}日期：{_GAP}" for p in d["parties"]],
                                "人民调解委员会（盖章）"])


def sessions(d: dict, mask: bool) -> list:
    story = _head("调解记录", d)
    rows = [e for e in d["events"] if e["action"] == "session"]
    for i, e in enumerate(rows, 1):
        p = e["payload"]
        f = Form(_W4)
        f.section(f"第 {i} 次调解")
        f.add([L("时间"), V(e["at"][:16].replace("T", " ")), L("地点"), V(p.get("place", ""))])
        f.add([L("调解事项"), V(d["type"] + "纠纷"), L("调解员"), V("、".join(p.get("mediators") or []) or _mediators(d))])
        f.add([L("参加人"), V("、".join(p.get("participants") or [])), L("记录人"), V(p.get("recorder") or d["recorder"])])
        f.wide("调解情况", p.get("record", ""), min_height=40 * mm, style=styles().value_indent)
        story.append(f.table())
        story.append(Spacer(1, 3 * mm))
    outcome = {"succeeded": "调解成功，达成调解协议。", "failed": "调解不成。", "withdrawn": "当事人撤回调解申请。"}
    result = next((e for e in reversed(d["events"]) if e["action"] in ("succeed", "fail", "withdraw")), None)
    tail = Form(_W2)
    text = ""
    if result:
        text = outcome.get({"succeed": "succeeded", "fail": "failed", "withdraw": "withdrawn"}[result["action"]], "")
        if result["action"] == "fail":
            text += f"原因：{result['payload'].get('reason', '')}；已告知当事人可通过" \
                    f"{'、'.join(result['payload'].get('channels', []))}等途径解决。"
    tail.wide("调解结果", text or "（调解进行中）", min_height=14 * mm)
    story.append(tail.table())
    return story + _signatures([f"当事人（签名）：{_GAP}{_GAP}", f"调解员（签名）：{_GAP}　记录人（签名）：{_GAP}",
                                "人民调解委员会（盖章）"])


def agreement(d: dict, mask: bool) -> list:
    a = d["agreement"] or {}
    perf = a.get("performance") or {}
    copies = len(d["parties"]) + 1
    holders = [f"当事人 {p['name']}" for p in d["parties"]] + ["人民调解委员会存档"]
    story: list = []
    for i, holder in enumerate(holders, 1):
        if i > 1:
            story.append(PageBreak())
        story += _head("协议书", d, f"第 {i} 份 共 {copies} 份（{holder}）")
        story.append(_parties(d, mask=False).table())
        f = Form(_W2)
        f.wide("纠纷主要事实、争议事项及各方责任", d["summary"], min_height=24 * mm, style=styles().value_indent, label_span=1)
        f.wide("协议内容", a.get("terms", ""), min_height=24 * mm, style=styles().value_indent)
        f.wide("履行方式", perf.get("manner", ""))
        f.wide("履行地点", perf.get("place", ""))
        f.wide("履行期限", _day(perf.get("due")))
        f.wide("协议金额", f"{a.get('amount', 0):.2f} 元" if a.get("amount") else "")
        f.wide("说明", f"本协议为{a.get('form', '书面')}协议，自各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章"
                     f"之日起生效，具有法律约束力。本协议一式 {copies} 份，当事人各执一份，人民调解委员会留存一份。"
                     "双方当事人可以自本协议生效之日起三十日内共同向人民法院申请司法确认。")
        story.append(f.table())
        story += _signatures([f"当事人（签名、盖章或按指印）：{_GAP}{_GAP}", f"人民调解员（签名）：{_mediators(d)}",
                              "人民调解委员会（盖章）", f"{_day(a.get('effective'))}"])
    return story


def followups(d: dict, mask: bool) -> list:
    story = _head("回访记录", d)
    rows = [e for e in d["events"] if e["action"] == "followup"]
    perf = next((e["payload"] for e in reversed(d["events"]) if e["action"] == "perform"), {})
    if not rows:
        rows = [{"at": "", "actor": "", "payload": {}}]
    for e in rows:
        p = e["payload"]
        f = Form(_W4)
        f.add([L("回访日期"), V(_day(e["at"])), L("协议编号"), V(d["number"])])
        f.add([L("受访人"), V(p.get("visited", "")), L("满意度"), V(p.get("satisfaction", ""))])
        f.wide("纠纷事项", d["summary"])
        f.wide("履行情况", p.get("performance_seen") or perf.get("status", d["performance"]))
        f.wide("回访情况", p.get("note", ""), min_height=18 * mm)
        f.wide("新的隐患", p.get("risks", "") or "无")
        f.add([L("回访人"), V(e["actor"]), L("签名"), V("")])
        story += [f.table(), Spacer(1, 3 * mm)]
    return story


def court_application(d: dict, mask: bool, court: str) -> list:
    st = styles()
    a = d["agreement"] or {}
    story = _head("司法确认申请书", d, "")
    story.append(_parties(d, mask=False, title="申请人（双方当事人）").table())
    f = Form(_W2)
    f.wide("请求事项", f"请求确认申请人于{_day(a.get('effective'))}经{d['committee_name']}调解达成的"
                      f"人民调解协议（{d['number']}）有效。", min_height=14 * mm)
    f.wide("事实和理由", f"{d['summary']}\n经{d['committee_name']}调解，双方自愿达成调解协议：{a.get('terms', '')}。"
                        "该协议系双方真实意思表示，不违反法律、行政法规的强制性规定，不损害国家利益、社会公共利益和他人合法权益。"
                        "申请人在协议生效之日起三十日内共同申请司法确认，并承诺提交的材料真实、合法。",
           min_height=40 * mm, style=st.value_indent)
    f.wide("附件", "1. 人民调解协议书；2. 当事人身份证明；3. 与纠纷有关的证明材料；4. 授权委托书（委托代理人的）")
    story.append(f.table())
    return story + _signatures([f"此致　{court or '人民法院'}", *[f"申请人（签名）：{p['name']}{_GAP}" for p in d["parties"]],
                                f"日期：{_GAP}"])


def cover(d: dict, mask: bool) -> list:
    st = styles()
    story = [Spacer(1, 20 * mm), Paragraph(TITLES["卷宗封面"], st.title), Spacer(1, 10 * mm)]
    archive = next((e["payload"] for e in reversed(d["events"]) if e["action"] == "archive"), {})
    f = Form(_W4)
    f.wide("卷名", f"{'、'.join(p['name'] for p in d['parties'])} {d['type']}纠纷")
    f.add([L("卷号"), V(archive.get("volume_no") or d["number"]), L("调解员"), V(_mediators(d))])
    f.add([L("调解起止日期"), V(f"{_day(d['accepted_on'])} 至 {_day(d['outcome_on'])}"), L("调解结果"), V(d["status_label"])])
    f.add([L("立卷人"), V(archive.get("filed_by", "")), L("立卷日期"), V(_day(d["archived_on"]))])
    f.add([L("保管期限"), V(archive.get("retention", "")), L("调解委员会"), V(d["committee_name"])])
    story.append(f.table())
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph("卷内材料目录", st.subtitle))
    c = Form((14 * mm, 82 * mm, 30 * mm, 30 * mm))
    c.add([L("序号"), L("材料名称"), L("是否必备"), L("情况")])
    for i, item in enumerate(d["file"], 1):
        c.add([V(str(i), align="CENTER"), V(item["name"]), V("必备" if item["required"] else "如有", align="CENTER"),
               V("已有" if item["present"] else ("缺" if item["required"] else "无"), align="CENTER")])
    story.append(c.table())
    return story


def render(kind: str, d: dict, *, office_name: str, printed_at: datetime, printed_by: str = "", mask: bool = True,
           court: str = "") -> bytes:
    builders = {"申请书": application, "受理登记表": registration, "告知书": notice, "调解记录": sessions,
                "协议书": agreement, "回访记录": followups, "卷宗封面": cover}
    story = court_application(d, mask, court) if kind == "司法确认申请书" else builders[kind](d, mask)
    mid = f"打印时间：{printed_at:%Y-%m-%d %H:%M}" + (f"　打印人：{printed_by}" if printed_by else "")
    return build_pdf(story, title=f"{TITLES[kind]} {d['number']}", footer_left=d["committee_name"] or office_name,
                     footer_mid=mid)


def render_rewards(data: dict, *, office_name: str, printed_at: datetime, printed_by: str = "") -> bytes:
    """以奖代补申领表: per mediator the disputes mediated to an agreement in the period and the amounts."""
    st = styles()
    story = [Paragraph("人民调解“以奖代补”申领表", st.title), Spacer(1, 1.5 * mm),
             meta_line(f"统计期间：{_day(data['from'])} 至 {_day(data['to'])}", office_name)]
    f = Form((12 * mm, 26 * mm, 52 * mm, 20 * mm, 46 * mm))
    f.add([L("序号"), L("调解员"), L("调解委员会"), L("成功件数"), L("补助金额（元）")])
    for i, x in enumerate(data["items"], 1):
        f.add([V(str(i), align="CENTER"), V(x["mediator"]), V(x["committee"]), V(str(x["count"]), align="CENTER"),
               V(f"{x['amount']:.2f}", align="CENTER")])
    f.add([L("合计", 3), V(str(data["disputes"]) + " 件", align="CENTER"), V(f"{data['total']:.2f}", align="CENTER")])
    story.append(f.table())
    story.append(Spacer(1, 4 * mm))
    story.append(Paragraph("明细", st.subtitle))
    g = Form((26 * mm, 52 * mm, 24 * mm, 14 * mm, 20 * mm, 20 * mm))
    g.add([L("调解员"), L("案号"), L("类型"), L("难度"), L("标准（元）"), L("分得（元）")])
    for x in data["items"]:
        for dd in x["disputes"]:
            share = f"{dd['share']:.2f}" + (f"（{dd['mediators']}人）" if dd["mediators"] > 1 else "")
            g.add([V(x["mediator"]), V(dd["number"]), V(dd["type"], align="CENTER"), V(dd["difficulty"], align="CENTER"),
                   V(f"{dd['full']:.2f}", align="CENTER"), V(share, align="CENTER")])
    story.append(g.table())
    rates = data["rates"]
    lines = ["标准：" + "，".join(f"{k} {v} 元" for k, v in rates.get("default", {}).items())]
    lines += [f"{t}：" + "，".join(f"{k} {v} 元" for k, v in row.items()) for t, row in (rates.get("by_type") or {}).items()]
    story.append(Spacer(1, 3 * mm))
    story += [para(x, st.small) for x in lines]
    story += _signatures([f"填表人：{printed_by}{_GAP}　审核人：{_GAP}", "司法所（盖章）"])
    mid = f"打印时间：{printed_at:%Y-%m-%d %H:%M}"
    return build_pdf(story, title="以奖代补申领表", footer_left=office_name, footer_mid=mid)

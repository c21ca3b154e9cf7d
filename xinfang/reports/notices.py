"""The official notices as GB/T 9704 letters (domain.md §6.2, §6.3, §6.5, §6.8): issuing unit, document
number, title, addressee, body in 3号 仿宋, the issuer and date with room for the seal, then a 送达回执
page. Input: the dict from services/notices.py `Notices.content`."""
from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from . import official
from .fonts import font_for

RED = colors.Color(0.8, 0.0, 0.0)
BLANK = "＿" * 12

TITLES = {
    "受理告知书": "信访事项受理告知书",
    "不予受理告知书": "信访事项不予受理告知书",
    "延期告知书": "信访事项延期办理告知书",
    "处理意见书": "信访事项处理意见书",
    "复查意见书": "信访事项复查意见书",
    "复核意见书": "信访事项复核意见书",
}


def cn_date(iso: str) -> str:
    if not iso:
        return BLANK
    d = date.fromisoformat(iso[:10])
    return f"{d.year}年{d.month}月{d.day}日"


def _how(c: dict) -> str:
    via = f"经{c['forwarded_by']}转送，" if c.get("forwarded_by") and c.get("forwarded_by") != c.get("issuer") else ""
    return f"你（们）于{cn_date(c['received_on'])}以{c['channel']}方式{via}反映的“{c['summary']}”信访事项"


def _or_blank(text: str) -> str:
    return text or BLANK


def body(c: dict) -> list[str]:
    """The body paragraphs of a notice, in order."""
    kind = c["kind"]
    if kind == "受理告知书":
        return [f"{_how(c)}，本机关已于{cn_date(c['accepted_on'])}依法受理。",
                "本机关将依照《信访工作条例》的规定，自受理之日起六十日内办结，并书面答复你（们）"
                + (f"，预计于{cn_date(c['due'])}前答复" if c.get("due") else "") + "。情况复杂的，经本机关负责人批准，"
                "可以适当延长办理期限，延长期限不超过三十日，并告知你（们）延期理由。",
                f"你（们）可凭查询码{c['case_number']}查询办理进展。", "特此告知。"]
    if kind == "不予受理告知书":
        basis = c.get("basis") or "《信访工作条例》的有关规定"
        out = [f"{_how(c)}，经审查，{_or_blank(c.get('reason', ''))}。根据{basis}，本机关决定不予受理。"]
        if c.get("where"):
            out.append(f"请你（们）依照有关规定向{c['where']}提出。")
        return out + ["特此告知。"]
    if kind == "延期告知书":
        return [f"你（们）反映的“{c['summary']}”信访事项，本机关已于{cn_date(c.get('accepted_on', ''))}受理。"
                f"因{_or_blank(c.get('reason', ''))}，经{_or_blank(c.get('approver', ''))}批准，办理期限延长"
                f"{c.get('days') or BLANK}日，本机关将于{cn_date(c.get('due', ''))}前办结并书面答复你（们）。",
                "特此告知。"]
    upper = c.get("upper") or "本机关的上一级机关"
    if kind == "处理意见书":
        out = [f"{_how(c)}收悉。" + (f"你（们）的请求是：{c['demands']}。" if c.get("demands") else "")]
        out.append(f"经查：{_or_blank(c.get('facts', ''))}")
        out.append(f"处理意见：{c.get('decision') or BLANK}" + ("" if (c.get("decision") or "").endswith("。") else "。"))
        if c.get("basis"):
            out.append(f"依据：{c['basis']}" + ("" if c["basis"].endswith("。") else "。"))
        out.append(f"答复结论：{c.get('outcome') or BLANK}。")
        out.append(f"如对本处理意见不服，可以自收到本意见书之日起三十日内，向{upper}请求复查。")
        return out
    step, nxt = ("复查", "复核") if kind == "复查意见书" else ("复核", "")
    out = [f"申请人{c['addressee']}对{c.get('original') or '原办理机关'}就“{c['summary']}”作出的"
           f"{'处理意见' if step == '复查' else '复查意见'}不服，于{cn_date(c.get('requested_on', ''))}向本机关提出{step}请求。",
           f"经{step}查明：{_or_blank(c.get('facts', ''))}"]
    out.append(f"{step}意见：{c.get('decision') or BLANK}" + ("" if (c.get("decision") or "").endswith("。") else "。")
               + f"本机关决定{c.get('outcome') or BLANK}原意见。".replace("决定撤销重办原意见", "决定撤销原意见并责成重新办理"))
    if c.get("basis"):
        out.append(f"依据：{c['basis']}" + ("" if c["basis"].endswith("。") else "。"))
    if nxt:
        out.append(f"如对本复查意见不服，可以自收到本意见书之日起三十日内，向{upper}请求复核。")
    else:
        out.append("本复核意见为终结意见。你（们）以同一事实和理由再次提出信访请求的，各级信访工作机构和其他行政机关不再受理。")
    return out


def _p(text: str, style) -> Paragraph:
    return official.OfficialParagraph(escape(text), style)


def render_notice(c: dict) -> bytes:
    st = official.styles()
    width = official.A4[0] - official.LEFT - official.RIGHT
    head = official.style("nt-head", "title", official.SIZE_2, 34, official.TA_CENTER, textColor=RED)
    story: list = [_p(c["issuer"], head), Spacer(1, 4), _p(c["number"], st["docno"]),
                   HRFlowable(width="100%", thickness=1.2, color=RED, spaceBefore=4, spaceAfter=14),
                   _p(TITLES[c["kind"]], st["title"]), _p(f"{c['addressee']}：", st["plain"])]
    story += [_p(text, st["body"]) for text in body(c)]
    contact, phone = c.get("contact") or ("", "")
    if c["kind"] == "受理告知书" and (contact or phone):
        story.append(_p(f"联系人：{contact or BLANK}　联系电话：{phone or BLANK}", st["body"]))
    seal = official.style("nt-seal", "body", 9, 12, official.TA_CENTER, textColor=colors.Color(0.6, 0.6, 0.6))
    story.append(KeepTogether([
        Spacer(1, official.LINE_PITCH * 1.5),
        _p("（印章）", seal),
        Spacer(1, official.LINE_PITCH * 0.8),
        _p(c["issuer"], st["right"]),
        _p(cn_date(c["issued_on"]), st["right"]),
    ]))
    story += [PageBreak()] + _receipt(c, st, width)
    return official.build(story, TITLES[c["kind"]])


def _receipt(c: dict, st: dict, width: float) -> list:
    cell = official.style("rc-cell", "body", official.SIZE_XIAO4, 20, official.TA_LEFT)
    label = official.style("rc-label", "heading", official.SIZE_XIAO4, 20, official.TA_CENTER)
    rows = [
        ("送达文书名称", f"{TITLES[c['kind']]}（{c['number']}）"),
        ("受送达人", c["addressee"]),
        ("送达地点", c.get("address") or ""),
        ("送达方式", "□直接送达　□邮寄送达　□委托送达　□留置送达　□电子送达"),
        ("受送达人签名（盖章）", "\n\n年　　月　　日"),
        ("代收人及代收理由", ""),
        ("送达人签名", "\n\n年　　月　　日"),
        ("备注", f"案件编号：{c['case_number']}"),
    ]
    data = [[_p(a, label), Paragraph(escape(b).replace("\n", "<br/>"), cell)] for a, b in rows]
    table = Table(data, colWidths=[width * 0.3, width * 0.7], rowHeights=[None, None, 36, 36, 64, 40, 64, 36])
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font_for("body"), 12),
                               ("GRID", (0, 0), (-1, -1), 0.8, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 6),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return [_p("送达回执", st["title"]), Spacer(1, 6), table, Spacer(1, 10),
            _p(f"{c['issuer']}　　{cn_date(c['issued_on'])}", official.style(
                "rc-foot", "body", official.SIZE_XIAO4, 20, official.TA_RIGHT)),
            _p("本回执由送达人填写后交回存档。", official.style("rc-note", "body", 10.5, 16, official.TA_LEFT))]

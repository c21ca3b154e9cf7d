"""信访事项转送单 / 交办单 — the slip that goes with a forwarded or assigned case (domain.md §6.4)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from xinfang.domain.enums import PartyKind
from xinfang.domain.masking import mask_id_number, mask_phone
from xinfang.domain.model import Case

from .fonts import font_for
from .layout import (FRAME_WIDTH, LINE, Form, L, V, build_pdf, fmt_date, fmt_datetime, meta_line,
                     para, styles, text)

KINDS = ("转送", "交办")
WITHHELD = "（检举控告件，信访人信息不予提供）"
RESTRICTED_NOTE = "（检举控告件 · 限制知悉）"

_W4 = (26 * mm, 52 * mm, 26 * mm, 52 * mm)
_GAP = "\u00a0" * 8   # blanks to write in; Paragraph collapses ordinary and ideographic spaces


def _channel(case: Case) -> str:
    d = case.draft
    s = text(d.channel)
    extra = []
    if d.work_order_no:
        extra.append(f"工单号 {d.work_order_no}")
    if d.headcount and d.headcount > 1:
        extra.append(f"{d.headcount} 人" + ("，集体访" if d.is_collective else ""))
    return s + (f"（{'；'.join(extra)}）" if extra else "")


def _requirement(kind: str, due_text: str, report_due: date | None) -> str:
    if kind == "转送":
        s = "请依照《信访工作条例》办理。"
        if due_text:
            s += due_text.strip().rstrip("。") + "。"
        if report_due:
            s += f"请于{fmt_date(report_due)}前反馈办理情况。"
        return s
    if report_due:
        s = f"请于{fmt_date(report_due)}前报送办结报告"
    else:
        s = "请按期报送办结报告"
    if due_text:
        s += "（" + due_text.strip().rstrip("。") + "）"
    return s + "。"


def _reporter_rows(f: Form, case: Case, *, show_reporter: bool, mask: bool) -> None:
    people = case.draft.petitioners
    if not show_reporter:
        f.wide("信访人", WITHHELD)
        return
    if not people:
        f.add([L("信访人"), V(""), L("联系电话"), V("")])
        return
    for i, p in enumerate(people):
        label = "信访人" if len(people) == 1 else f"信访人{i + 1}"
        name = p.display_name
        if p.role.value != "信访人" and name:
            name += f"（{text(p.role)}）"
        phone = (mask_phone(p.phone) if mask else p.phone) if p.phone else ""
        f.add([L(label), V(name), L("联系电话"), V(phone)])
        if p.kind == PartyKind.ORGANISATION:
            id_label, id_text = "信用代码", p.id_number
        else:
            id_label = "身份证号"
            id_text = (mask_id_number(p.id_number) if mask else p.id_number) if p.id_number else ""
        if id_text or p.address:
            f.add([L(id_label), V(id_text), L("住址"), V(p.address)])


def _signoff(kind: str, from_unit_name: str, printed_at: datetime) -> list:
    st = styles()
    issuer = Table(
        [[para(f"{from_unit_name}（盖章）", st.meta_right)],
         [para(fmt_date(printed_at.date()), st.meta_right)]],
        colWidths=[FRAME_WIDTH - 14 * mm], hAlign="LEFT")
    issuer.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font_for("body")),
                                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("TOPPADDING", (0, 0), (-1, -1), 1),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    receipt = Form((26 * mm, 60 * mm, 70 * mm))
    receipt.add([L("签收回执", 3)])
    receipt.add([L("签收单位"), V(""), V("（盖章）", align="CENTER")], min_height=8 * mm, joined=True)
    receipt.add([L("签收人"), V(""), V("")], min_height=8 * mm, joined=True)
    receipt.add([L("签收日期"), V(_GAP + "年" + _GAP + "月" + _GAP + "日"), V("")], min_height=8 * mm)
    t = receipt.table()
    # the seal box: one tall cell on the right across the three sign-off rows
    t.setStyle(TableStyle([("SPAN", (2, 1), (2, 3)), ("VALIGN", (2, 1), (2, 3), "BOTTOM"),
                           ("LINEBELOW", (0, 1), (1, 2), 0.5, LINE)]))
    return [Spacer(1, 2 * mm), issuer, Spacer(1, 3 * mm), t]


def slip_story(case: Case, *, kind: str, to_unit_name: str, from_unit_name: str,
               decision_lines: Sequence[str], due_text: str, report_due: date | None, slip_no: str,
               printed_at: datetime, show_reporter: bool, mask: bool = True) -> list:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    st = styles()
    d = case.draft
    story: list = [Paragraph(f"信访事项{kind}单", st.title)]
    if case.restricted:
        story.append(Paragraph(RESTRICTED_NOTE, st.subtitle))
    story.append(Spacer(1, 3 * mm))
    story.append(meta_line(f"编号：{slip_no}", f"日期：{fmt_date(printed_at.date())}"))

    f = Form(_W4)
    f.add([L(f"{kind}单位"), V(from_unit_name), L("承办单位" if kind == "交办" else "接收单位"),
           V(to_unit_name)])
    f.add([L("信访件编号"), V(case.number), L("信访形式"), V(_channel(case))])
    f.add([L("收到时间"), V(fmt_datetime(d.received_at)), L("登记时间"),
           V(fmt_datetime(case.registered_at))])
    f.add([L("信访目的"), V(d.purpose), L("问题类别"), V(d.category)])
    if d.place:
        f.wide("问题发生地", d.place)
    _reporter_rows(f, case, show_reporter=show_reporter, mask=mask)
    f.wide("反映问题\n（摘要）", d.summary, min_height=14 * mm)
    if d.demands:
        f.wide("主要诉求", d.demands)
    lines = [s for s in decision_lines if s and s.strip()]
    reasons = "\n".join(f"{i}. {s.strip()}" for i, s in enumerate(lines, 1)) if len(lines) > 1 \
        else (lines[0].strip() if lines else "")
    f.wide(f"{kind}依据", reasons)
    f.wide("办理要求", _requirement(kind, due_text, report_due))
    n_att = len(case.attachments) or len(d.attachments)
    f.wide("附件材料", f"原信访材料 {n_att} 件（随单附送）" if n_att else "无")
    story.append(f.table())
    story.append(KeepTogether(_signoff(kind, from_unit_name, printed_at)))
    return story


def render_transfer_slip(case: Case, *, kind: str, to_unit_name: str, from_unit_name: str,
                         decision_lines: Sequence[str], due_text: str, report_due: date | None,
                         slip_no: str, printed_at: datetime, show_reporter: bool,
                         mask: bool = True) -> bytes:
    """信访事项转送单 (``kind="转送"``) or 交办单 (``kind="交办"``) as A4 PDF bytes.

    With ``show_reporter=False`` (检举控告) no petitioner identity — name, ID, phone, address — is
    printed, only :data:`WITHHELD`.
    """
    story = slip_story(case, kind=kind, to_unit_name=to_unit_name, from_unit_name=from_unit_name,
                       decision_lines=decision_lines, due_text=due_text, report_due=report_due,
                       slip_no=slip_no, printed_at=printed_at, show_reporter=show_reporter, mask=mask)
    return build_pdf(story, title=f"信访事项{kind}单 {slip_no}", footer_left=from_unit_name,
                     footer_mid=f"打印时间：{fmt_datetime(printed_at)}")


__all__ = ["render_transfer_slip", "slip_story", "WITHHELD", "KINDS"]

"""信访事项登记表 — the registration sheet of one case (domain.md §6.1)."""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, TableStyle

from xinfang.domain.enums import Channel, PartyKind
from xinfang.domain.masking import mask_id_number, mask_phone
from xinfang.domain.model import Case, Deadline, Petitioner

from .layout import (FRAME_WIDTH, Form, L, V, build_pdf, fmt_date, fmt_datetime, meta_line, styles,
                     text)

TITLE = "信访事项登记表"
RESTRICTED_NOTE = "（检举控告件 · 限制知悉）"

_W4 = (24 * mm, 54 * mm, 24 * mm, 54 * mm)                          # label value label value
_W_PEOPLE = (31 * mm, 12 * mm, 22 * mm, 42 * mm, 31 * mm, 18 * mm)  # 姓名 性别 出生 证件 电话 角色
_W_DEADLINES = (24 * mm, 38 * mm, 38 * mm, 56 * mm)
_W2 = (24 * mm, 132 * mm)
assert abs(sum(_W4) - FRAME_WIDTH) < 0.01 and abs(sum(_W_PEOPLE) - FRAME_WIDTH) < 0.01


def _channel_text(case: Case) -> str:
    d = case.draft
    s = text(d.channel)
    if d.channel == Channel.HOTLINE_12345:
        s = "12345 热线"
    if d.work_order_no:
        s += f"（工单号：{d.work_order_no}）"
    return s


def _person_id(p: Petitioner, mask: bool) -> str:
    if not p.id_number:
        return ""
    if p.kind == PartyKind.ORGANISATION:
        return p.id_number          # 统一社会信用代码 is public, not personal data
    return mask_id_number(p.id_number) if mask else p.id_number


def _phone(p: Petitioner, mask: bool) -> str:
    if not p.phone:
        return ""
    return mask_phone(p.phone) if mask else p.phone


def _people(case: Case, mask: bool) -> Form:
    f = Form(_W_PEOPLE)
    people = case.draft.petitioners
    f.section(f"信访人情况（共 {len(people)} 人）" if len(people) > 1 else "信访人情况")
    f.add([L("姓名／名称"), L("性别"), L("出生日期"), L("身份证号／信用代码"), L("联系电话"), L("角色")])
    if not people:
        f.add([V(""), V(""), V(""), V(""), V(""), V("")], min_height=8 * mm)
        f.add([L("住址"), V("", 5)])
    for p in people:
        name = p.display_name
        f.add([V(name), V(p.sex, align="CENTER"),
               V(p.birth.isoformat() if p.birth else "", align="CENTER"),
               V(_person_id(p, mask), align="CENTER"), V(_phone(p, mask), align="CENTER"),
               V(text(p.role), align="CENTER")])
        f.add([L("住址"), V(p.address, 5)])
    return f


def _visitors_text(case: Case) -> tuple[str, str]:
    d = case.draft
    count = f"{d.headcount} 人" if d.headcount else ""
    if d.is_collective:
        count += "（集体访）"
    reps = [p.display_name for p in d.petitioners if p.role.value == "代表" and p.display_name]
    return count, "、".join(reps)


def _repeat_note(case: Case) -> str:
    notes = []
    numbers = list(case.repeat_numbers)
    if numbers:
        note = f"重复信访，首次信访件：{numbers[0]}"
        if len(numbers) > 1:
            note += f"；相关件 {len(numbers)} 件：" + "、".join(numbers)
        notes.append(note)
    if case.no_longer_accept_candidate:
        notes.append("同一事项可能已办结或复查复核终结，属可不再受理情形，请核查")
    return "；".join(notes)


def _deadlines(deadlines: Sequence[Deadline]):
    f = Form(_W_DEADLINES)
    if not deadlines:
        f.add([L("办理时限"), V("", 3)])
        return f.table()
    f.add([L("办理时限"), L("时限"), L("到期日"), L("状态")])
    for d in deadlines:
        state = text(d.state)
        if d.stopped_on:
            state += f"（{fmt_date(d.stopped_on)}止）"
        f.add([L(""), V(d.step.label, align="CENTER"), V(fmt_date(d.due), align="CENTER"),
               V(state, align="CENTER")])
    t = f.table()
    t.setStyle(TableStyle([("SPAN", (0, 0), (0, -1))]))
    return KeepTogether([t])     # small; never leave the header alone at the foot of a page


def case_sheet_story(case: Case, deadlines: Sequence[Deadline], *, mask: bool = True) -> list:
    st = styles()
    d = case.draft
    story: list = [Paragraph(TITLE, st.title)]
    if case.restricted:
        story.append(Paragraph(RESTRICTED_NOTE, st.subtitle))
    story.append(Spacer(1, 1.5 * mm))
    story.append(meta_line(f"编号：{case.number}", f"登记时间：{fmt_datetime(case.registered_at)}"))

    basics = Form(_W4)
    basics.add([L("编号"), V(case.number), L("登记时间"), V(fmt_datetime(case.registered_at))])
    basics.add([L("信访形式"), V(_channel_text(case)), L("收到时间"), V(fmt_datetime(d.received_at))])
    basics.add([L("信访目的"), V(d.purpose), L("问题类别"), V(d.category)])
    place = d.place + (f"（{d.place_code}）" if d.place_code else "")
    basics.wide("问题发生地", place)
    count, reps = _visitors_text(case)
    basics.add([L("来访人数"), V(count), L("代表"), V(reps)])
    story.append(basics.table())

    story.append(_people(case, mask).table())

    body = Form(_W4)
    body.wide("反映问题\n（摘要）", d.summary)
    body.wide("诉求", d.demands)
    body.wide("事实与理由", d.content, min_height=24 * mm, style=styles().value_indent)
    leader = d.reception_leader
    body.add([L("接谈领导"), V(leader), L("公开接访"), V("是" if d.public_reception else "否")])
    body.add([L("处理意见\n／去向"), V(case.disposition),
              L("承办单位"), V(case.handling_unit_name or case.handling_unit)])
    body.add([L("当前状态"), V(case.status.label), L("办结时间"), V(fmt_datetime(case.closed_at))])
    story.append(body.table())

    story.append(_deadlines(deadlines))

    tail = Form(_W2)
    tail.wide("重复件", _repeat_note(case))
    remarks = []
    if d.legal_status:
        remarks.append(f"法定途径：{d.legal_status}")
    if d.accused_unit:
        remarks.append(f"被反映单位：{d.accused_unit}")
    if case.outcome:
        remarks.append(f"办理结果：{case.outcome}")
    if case.closure_reason:
        remarks.append(f"终结情形：{case.closure_reason}")
    tail.wide("备注", "；".join(remarks), min_height=12 * mm)
    story.append(tail.table())
    return story


def render_case_sheet(case: Case, deadlines: Sequence[Deadline], *, office_name: str,
                      printed_at: datetime, printed_by: str = "", mask: bool = True) -> bytes:
    """The 信访事项登记表 of ``case`` as A4 PDF bytes.

    Personal data (身份证号, 联系电话) is masked unless ``mask=False``; the caller decides whether the
    user may see it unmasked.
    """
    story = case_sheet_story(case, deadlines, mask=mask)
    mid = f"打印时间：{fmt_datetime(printed_at)}" + (f"　打印人：{printed_by}" if printed_by else "")
    return build_pdf(story, title=f"{TITLE} {case.number}", footer_left=office_name, footer_mid=mid)


__all__ = ["render_case_sheet", "case_sheet_story", "TITLE", "RESTRICTED_NOTE"]

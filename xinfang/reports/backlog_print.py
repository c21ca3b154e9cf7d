"""积案 prints: the 包案任务书 for a leader, a 交办批次's list, a 公开接访日's list (A4, embedded font,
personal data masked)."""
from __future__ import annotations

from datetime import date, datetime

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from xinfang.domain.enums import PartyKind
from xinfang.domain.masking import mask_id_number, mask_name, mask_phone
from xinfang.domain.model import Case

from .fonts import font_for
from .layout import FRAME_WIDTH, LABEL_BG, LINE, Form, L, V, build_pdf, fmt_date, fmt_datetime, meta_line, para, styles

WITHHELD = "（检举控告件，信访人信息不予提供）"
_GAP = "\u00a0" * 8
_W4 = (26 * mm, 52 * mm, 26 * mm, 52 * mm)
RED = colors.Color(0.8, 0.1, 0.1)


def _d(value) -> str:
    if not value:
        return ""
    return fmt_date(value if isinstance(value, date) else date.fromisoformat(str(value)[:10]))


def _pct(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _people(f: Form, case: Case, mask: bool) -> None:
    if case.restricted:
        f.wide("信访人", WITHHELD)
        return
    for i, p in enumerate(case.draft.petitioners or ()):
        label = "信访人" if len(case.draft.petitioners) == 1 else f"信访人{i + 1}"
        phone = (mask_phone(p.phone) if mask else p.phone) if p.phone else ""
        f.add([L(label), V(p.display_name), L("联系电话"), V(phone)])
        if p.id_number:
            ident = p.id_number if p.kind == PartyKind.ORGANISATION or not mask else mask_id_number(p.id_number)
            f.add([L("证件号码"), V(ident), L("住址"), V(p.address)])


def render_task_sheet(rec: dict, case: Case, *, office_name: str, printed_at: datetime, printed_by: str,
                      mask: bool = True) -> bytes:
    """包案任务书: who takes charge of which case, what the petitioner asks, the plan and the due date,
    with signature lines for the leader and the responsible unit."""
    st = styles()
    story: list = [Paragraph("信访积案包案任务书", st.title),
                   Paragraph(f"{rec['batch_name']}（{rec['source']}）", st.subtitle), Spacer(1, 3 * mm),
                   meta_line(f"积案编号：{rec['id']}", f"列入日期：{_d(rec['taken_on'])}")]
    f = Form(_W4)
    f.add([L("包案领导"), V(rec["leader"] or "（未指定）"), L("职务"), V(rec["leader_post"])])
    f.add([L("责任单位"), V(rec["unit_name"] or "（未指定）", 3)])
    f.add([L("信访件编号"), V(case.number), L("收到时间"), V(fmt_datetime(case.draft.received_at))])
    f.add([L("问题类别"), V(case.draft.category), L("办理状态"), V(rec["case_status"])])
    _people(f, case, mask)
    f.wide("反映问题", case.draft.summary, min_height=14 * mm)
    if case.draft.content and case.draft.content != case.draft.summary:
        f.wide("主要情况", case.draft.content)
    f.wide("主要诉求", case.draft.demands or "（未登记）")
    f.wide("化解方案", rec["plan"] or "（请包案领导会同责任单位制定）", min_height=20 * mm)
    f.add([L("化解时限"), V(_d(rec["due"])), L("当前状态"), V(f"{rec['status']}（{rec['due_state']}）")])
    f.wide("工作要求", "包案领导牵头，责任单位具体落实，按方案推进化解，定期报告进展；化解后提交化解材料，"
                   "经审核同意后销号。")
    story.append(f.table())
    sign = Form((26 * mm, 52 * mm, 26 * mm, 52 * mm))
    sign.add([L("包案领导签字"), V(""), L("日期"), V(_GAP + "年" + _GAP + "月" + _GAP + "日")], min_height=12 * mm)
    sign.add([L("责任单位签收"), V("（盖章）", align="CENTER"), L("日期"), V(_GAP + "年" + _GAP + "月" + _GAP + "日")],
             min_height=12 * mm)
    story.append(KeepTogether([Spacer(1, 4 * mm), sign.table()]))
    return build_pdf(story, title=f"包案任务书 {case.number}", footer_left=office_name,
                     footer_mid=f"打印：{printed_by} {fmt_datetime(printed_at)}")


def _grid(header: list[str], rows: list[list], widths, red_rows: set[int] = frozenset()) -> Table:
    small = styles().small
    red = ParagraphStyle("xf-small-red", parent=small, textColor=RED)
    head_style = ParagraphStyle("xf-head-small", parent=styles().label, fontSize=9, leading=12)
    head = [Paragraph(h, head_style) for h in header]
    body = [[para(v, red if i in red_rows else small) for v in r] for i, r in enumerate(rows)]
    t = Table([head] + body, colWidths=list(widths), repeatRows=1, hAlign="CENTER")
    cmds = [("GRID", (0, 0), (-1, -1), 0.5, LINE), ("BOX", (0, 0), (-1, -1), 0.9, LINE),
            ("BACKGROUND", (0, 0), (-1, 0), LABEL_BG), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("FONTNAME", (0, 0), (-1, -1), font_for("body")),
            ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    t.setStyle(TableStyle(cmds))
    return t


def render_batch_list(batch: dict, rows: list[dict], total: dict, *, office_name: str, printed_at: datetime,
                      printed_by: str) -> bytes:
    """The batch list: every record with its status, leader, unit and due state; petitioners' names masked."""
    st = styles()
    story: list = [Paragraph("信访积案交办清单", st.title), Paragraph(batch["name"], st.subtitle), Spacer(1, 2 * mm),
                   para(f"交办单位：{batch['issuer']}；交办日期：{_d(batch['issued_on'])}；"
                        f"目标日期：{_d(batch['target_on'])}；目标化解率：{_pct(batch['target_rate'])}", st.meta_left),
                   para(f"截至{_d(printed_at.date())}：列入 {total['assigned']} 件，化解 {total['resolved']} 件，"
                        f"化解率 {_pct(total['rate'])}；逾期 {total['overdue']} 件（红色），超期化解 "
                        f"{total['late_resolved']} 件，销号 {total['delisted']} 件", st.meta_left), Spacer(1, 3 * mm)]
    header = ["序号", "信访件编号", "信访人", "反映问题", "包案领导", "责任单位", "化解时限", "状态"]
    body, red = [], set()
    for i, r in enumerate(rows):
        names = "（限制知悉）" if r["restricted"] else "、".join(mask_name(n) for n in r["petitioners"].split("、") if n)
        status = r["status"] + ("\n已销号" if r["delisted"] else "")
        body.append([str(i + 1), r["case"], names, r["summary"], r["leader"] or "—", r["unit_name"] or "—",
                     f"{r['due']}\n{r['due_state']}", status])
        if r["due_state"] == "逾期":
            red.add(i)
    if not body:
        body.append(["", "", "", "（本批次尚未列入积案）", "", "", "", ""])
    widths = (8 * mm, 27 * mm, 14 * mm, 37 * mm, 14 * mm, 22 * mm, 21 * mm, 13 * mm)
    story.append(_grid(header, body, widths, red))
    return build_pdf(story, title=f"积案交办清单 {batch['name']}", footer_left=office_name,
                     footer_mid=f"打印：{printed_by} {fmt_datetime(printed_at)}")


def render_reception_list(rec: dict, *, office_name: str, printed_at: datetime, printed_by: str) -> bytes:
    """The 公开接访日 list: the day, leader, place, units present and the cases received there."""
    st = styles()
    story: list = [Paragraph("领导公开接访登记表", st.title), Spacer(1, 3 * mm)]
    f = Form(_W4)
    f.add([L("接访日期"), V(_d(rec["date"])), L("接访领导"), V(rec["leader"])])
    f.add([L("接访地点"), V(rec["place"], 3)])
    f.wide("参加单位", rec["units"] or "—")
    if rec.get("note"):
        f.wide("备注", rec["note"])
    story += [f.table(), Spacer(1, 4 * mm)]
    body = [[str(i + 1), c["case"], "、".join(mask_name(n) for n in c["petitioners"].split("、") if n),
             c["summary"], c["status"]] for i, c in enumerate(rec["cases"])]
    if not body:
        body.append(["", "", "", "（当天没有登记为公开接访的信访件）", ""])
    story.append(_grid(["序号", "信访件编号", "信访人", "反映问题", "办理状态"], body,
                       (10 * mm, 28 * mm, 20 * mm, 76 * mm, 22 * mm)))
    return build_pdf(story, title=f"公开接访 {rec['date']}", footer_left=office_name,
                     footer_mid=f"打印：{printed_by} {fmt_datetime(printed_at)}")

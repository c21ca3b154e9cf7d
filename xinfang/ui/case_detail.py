"""One case: fields (personal data masked until 显示), status, deadlines as badges, the event timeline and the
actions allowed now. Each action opens its dialog (dialogs.ActionDialog); success reloads and emits `changed`.
"""
from __future__ import annotations

from html import escape
from pathlib import Path

from ..domain.enums import DueState
from ..domain.lifecycle import Action
from ..domain.masking import mask_id_number, mask_phone
from ..domain.problems import DomainError
from .dialogs import ERROR_STYLE, ActionDialog, attach_unit_completer
from .qt import (QAbstractItemView, QCheckBox, QDesktopServices, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                 QFrame, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit,
                 QPushButton, QScrollArea, QSplitter, Qt, QTreeWidget, QTreeWidgetItem, QUrl, QVBoxLayout, QWidget,
                 Signal)

BADGE_COLORS = {
    DueState.NORMAL.value: ("#2e7d32", "#ffffff"),
    DueState.NEAR.value: ("#f9a825", "#3e2700"),
    DueState.OVERDUE.value: ("#c62828", "#ffffff"),
    DueState.DONE_ON_TIME.value: ("#9e9e9e", "#ffffff"),
    DueState.DONE_LATE.value: ("#6d0000", "#ffffff"),
}

BADGES_PER_ROW = 4

BANNER = {
    "ok": "QLabel { color: #1b5e20; background: #e8f5e9; border: 1px solid #a5d6a7; border-radius: 4px; padding: 6px; }",
    "warn": "QLabel { color: #6d4c00; background: #fff8e1; border: 1px solid #f0c36d; border-radius: 4px; padding: 6px; }",
    "error": "QLabel { color: #b71c1c; background: #fdecea; border: 1px solid #f5c2c0; border-radius: 4px; padding: 6px; }",
}

# Payload keys of events in the words of the office.
PAYLOAD_LABELS = {
    "number": "编号", "unit": "承办单位", "report_due": "报告期限", "reason": "理由", "approver": "批准人",
    "served_on": "送达日期", "rating": "评价", "where": "告知去向", "to": "转往", "body": "受理机关",
    "note": "备注", "repeat_of": "重复件", "warnings": "提示", "attachments": "附件",
}
KEY_ORDER = ["number", "from_unit", "unit", "report_due", "to", "where", "outcome", "days", "approver", "reason", "served_on",
             "rating", "body", "late", "repeat_of", "no_longer_accept_candidate", "warnings", "attachments", "note"]
STEP_WORDS = {"dispose": "处置期限", "notice": "受理告知期限", "object": "异议期限", "handle": "办理期限",
              "review_request": "复查申请期", "review": "复查期限", "recheck_request": "复核申请期",
              "recheck": "复核期限"}


def describe_payload(action: str, payload: dict, sep: str = "；") -> str:
    """Key payload fields in Chinese, e.g. 承办单位：城东区人社局；延期天数：30 日。"""
    parts = []
    keys = sorted(payload, key=lambda k: KEY_ORDER.index(k) if k in KEY_ORDER else len(KEY_ORDER))
    for key in keys:
        value = payload[key]
        if key in ("unit_name", "from_unit_name", "clocks") or value in ("", None, [], {}, False):
            continue
        if key == "route":
            if isinstance(value, dict) and (value.get("unit_name") or value.get("unit")):
                parts.append(f"{'指定承办单位' if value.get('overridden') else '分流建议'}："
                             f"{value.get('unit_name') or value.get('unit')}")
                if value.get("overridden") and value.get("override_reason"):
                    parts.append(f"指定理由：{value['override_reason']}")
            elif isinstance(value, dict) and value.get("needs_manual") and action == "route":
                parts.append("分流建议：无，需人工指定承办单位")
            continue
        if key == "from_unit":
            name = payload.get("from_unit_name") or value
            parts.append(f"退回单位：{name}" + (f"（{value}）" if name != value else ""))
        elif key == "unit":
            name = payload.get("unit_name") or value
            label = "接收单位" if action in (Action.TRANSFER.value, Action.OBJECT.value) else "承办单位"
            parts.append(f"{label}：{name}" + (f"（{value}）" if name != value else ""))
        elif key == "days":
            parts.append(f"{'听证天数' if action == Action.HEARING.value else '延期天数'}：{value} 日")
        elif key == "outcome":
            what = {Action.REVIEW_DECISION.value: "复查意见", Action.RECHECK_DECISION.value: "复核意见"}
            parts.append(f"{what.get(action, '答复意见')}：{value}")
        elif key == "reason":
            parts.append(f"{'终结理由' if action == Action.CLOSE.value else '理由'}：{value}")
        elif key == "late":
            parts.append("逾期申请")
        elif key == "no_longer_accept_candidate":
            parts.append("不再受理候选")
        elif isinstance(value, list):
            parts.append(f"{PAYLOAD_LABELS.get(key, key)}：{'、'.join(str(v) for v in value)}")
        else:
            parts.append(f"{PAYLOAD_LABELS.get(key, key)}：{value}")
    clocks = payload.get("clocks") or {}
    times = []
    for step, text in clocks.items():
        word = STEP_WORDS.get(step, step)
        kind, _, day = str(text).partition(" ")
        times.append(f"{word}{'停止于 ' if kind == 'stopped' else '至 '}{day}")
    if times:
        parts.append("期限：" + ("，" if sep == "；" else sep + "　　　").join(times))
    return sep.join(parts)


INDENT = "&nbsp;" * 8   # hop reasons under their hop (rich text drops leading spaces)
TIMELINE_WRAP = 36     # characters per line in the timeline (tree items do not wrap by themselves)


def file_size_text(size: int) -> str:
    """820 字节, 12.3 KB, 4.5 MB."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _breakable(name: str, run: int = 20) -> str:
    """A file name that a word-wrapping label can break: a zero-width space after _ - . and in long runs."""
    out, n = [], 0
    for ch in name:
        out.append(ch)
        n = 0 if ch in " _-.\u3000" or ord(ch) > 0x2e80 else n + 1
        if ch in "_-." or n >= run:
            out.append("\u200b")
            n = 0
    return "".join(out)


def _wrap(line: str, width: int) -> str:
    """Break a long Chinese line every `width` characters, continuing with an indent."""
    if len(line) <= width:
        return line
    chunks = [line[i:i + width] for i in range(0, len(line), width)]
    return ("\n　　").join(chunks)


class DeadlineBadge(QPushButton):
    def __init__(self, deadline, parent=None):
        super().__init__(parent)
        self.deadline = deadline
        bg, fg = BADGE_COLORS.get(deadline.state, ("#607d8b", "#ffffff"))
        self.setText(f"{deadline.step.label} {deadline.due.isoformat()} · {deadline.state}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("点击查看期限计算说明")
        self.setStyleSheet(f"QPushButton {{ background: {bg}; color: {fg}; border: none; border-radius: 10px; "
                           f"padding: 3px 10px; font-weight: bold; }} "
                           f"QPushButton:focus {{ border: 2px solid #1565c0; }}")


class CaseDetail(QWidget):
    changed = Signal(str)
    open_case = Signal(str)     # a 重复件 link was clicked (case id)

    def __init__(self, ws, actor: str, case_id: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor, self.case_id = ws, actor, case_id
        self.case = None
        self.active_dialog: ActionDialog | None = None
        self.action_buttons: dict[Action, QPushButton] = {}
        self.badges: list[DeadlineBadge] = []
        self.last_pdf: str | None = None
        self._build()
        self.reload()

    # ---- layout -------------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)

        head = QHBoxLayout()
        self.number_label = QLabel()
        self.number_label.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel()
        self.status_label.setStyleSheet("QLabel { background: #1565c0; color: white; border-radius: 4px; "
                                        "padding: 2px 8px; font-weight: bold; }")
        self.restricted_label = QLabel("检举控告 · 限制知悉")
        self.restricted_label.setStyleSheet("QLabel { background: #4a148c; color: white; border-radius: 4px; "
                                            "padding: 2px 8px; font-weight: bold; }")
        self.candidate_label = QLabel("不再受理候选")
        self.candidate_label.setStyleSheet("QLabel { background: #b71c1c; color: white; border-radius: 4px; "
                                           "padding: 2px 8px; font-weight: bold; }")
        self.repeat_label = QLabel()
        self.repeat_label.setTextFormat(Qt.TextFormat.RichText)
        self.repeat_label.linkActivated.connect(self.open_case)
        head.addWidget(self.number_label)
        head.addWidget(self.status_label)
        head.addWidget(self.restricted_label)
        head.addWidget(self.candidate_label)
        head.addWidget(self.repeat_label)
        head.addStretch(1)
        self.show_private = QCheckBox("显示证件号和电话")
        self.show_private.setToolTip("默认遮蔽身份证号和电话（个人敏感信息）")
        self.show_private.toggled.connect(self._fill_fields)
        head.addWidget(self.show_private)
        outer.addLayout(head)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_pdf_button = QPushButton("打开文件")
        self.open_pdf_button.setVisible(False)
        self.open_pdf_button.clicked.connect(self.open_last_pdf)
        brow = QHBoxLayout()
        brow.addWidget(self.banner, 1)
        brow.addWidget(self.open_pdf_button)
        outer.addLayout(brow)

        # deadlines
        dl = QHBoxLayout()
        title = QLabel("期限")
        title.setStyleSheet("font-weight: bold;")
        dl.addWidget(title)
        self.badge_row = QGridLayout()
        self.badge_row.setHorizontalSpacing(6)
        self.badge_row.setVerticalSpacing(4)
        dl.addLayout(self.badge_row)
        dl.addStretch(1)
        outer.addLayout(dl)
        self.explain_panel = QLabel()
        self.explain_panel.setWordWrap(True)
        self.explain_panel.setStyleSheet("QLabel { background: #f5f7fa; border: 1px solid #cfd8dc; "
                                         "border-radius: 4px; padding: 6px; }")
        self.explain_panel.setVisible(False)
        outer.addWidget(self.explain_panel)

        # actions
        act = QHBoxLayout()
        title = QLabel("办理")
        title.setStyleSheet("font-weight: bold;")
        act.addWidget(title)
        self.actions_row = QHBoxLayout()
        self.actions_row.setSpacing(6)
        act.addLayout(self.actions_row)
        self.no_actions_label = QLabel("（当前状态没有可进行的操作）")
        self.no_actions_label.setStyleSheet("color: #607d8b;")
        act.addWidget(self.no_actions_label)
        act.addStretch(1)
        self.unmasked_print = QCheckBox("打印完整证件号")
        self.unmasked_print.setToolTip("不勾选时，登记表上的身份证号和电话按规定遮蔽")
        self.print_button = QPushButton("打印登记表…")
        self.print_button.clicked.connect(lambda: self.print_sheet())
        self.slip_button = QPushButton("打印转送单…")
        self.slip_button.setToolTip("转送单/交办单：分办决定、办理期限和签收栏；检举控告件只对纪检监察机关显示举报人")
        self.slip_button.clicked.connect(lambda: self.print_slip())
        act.addWidget(self.unmasked_print)
        act.addWidget(self.print_button)
        act.addWidget(self.slip_button)
        outer.addLayout(act)

        # fields | timeline
        split = QSplitter(Qt.Orientation.Horizontal)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget()
        scroll.setWidget(holder)
        self.fields_layout = QVBoxLayout(holder)
        self.fields_layout.setContentsMargins(0, 0, 6, 0)
        self.info_box = QGroupBox("登记信息")
        self.info_form = QFormLayout(self.info_box)
        self.info_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.people_box = QGroupBox("信访人")
        self.people_grid = QVBoxLayout(self.people_box)
        self.fields_layout.addWidget(self._build_route_box())
        self.fields_layout.addWidget(self.info_box)
        self.fields_layout.addWidget(self.people_box)
        self.fields_layout.addWidget(self._build_attachments_box())
        self.fields_layout.addStretch(1)
        split.addWidget(scroll)

        tl = QWidget()
        tlv = QVBoxLayout(tl)
        tlv.setContentsMargins(6, 0, 0, 0)
        t = QLabel("办理过程（事件链，可审计）")
        t.setStyleSheet("font-weight: bold;")
        tlv.addWidget(t)
        self.timeline = QTreeWidget()
        self.timeline.setColumnCount(5)
        self.timeline.setHeaderLabels(["时间", "操作", "办理人", "内容", "校验"])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setWordWrap(True)
        self.timeline.setUniformRowHeights(False)
        self.timeline.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        hdr = self.timeline.header()
        hdr.setStretchLastSection(False)
        hdr.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        hdr.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        hdr.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        hdr.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        hdr.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        tlv.addWidget(self.timeline)
        split.addWidget(tl)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([460, 700])
        outer.addWidget(split, 1)

    def _build_attachments_box(self) -> QGroupBox:
        """附件: each file with its size and date, 打开; 添加附件… copies more files in."""
        box = QGroupBox("附件")
        self.attachments_box = box
        v = QVBoxLayout(box)
        v.setSpacing(4)
        self.attachments_grid = QGridLayout()
        self.attachments_grid.setHorizontalSpacing(10)
        self.attachments_grid.setVerticalSpacing(2)
        self.attachments_grid.setColumnStretch(0, 1)
        v.addLayout(self.attachments_grid)
        self.add_attachment_button = QPushButton("添加附件…")
        self.add_attachment_button.setToolTip("选择文件（可多选），复制到数据目录并记入办理过程")
        self.add_attachment_button.clicked.connect(lambda: self.choose_attachments())
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add_attachment_button)
        v.addLayout(row)
        self.attachment_rows: list[tuple] = []
        return box

    def _build_route_box(self) -> QGroupBox:
        """分办: the current route (unit, principle, reasons on demand) and each hop of the case."""
        box = QGroupBox("分办")
        self.route_box = box
        v = QVBoxLayout(box)
        v.setSpacing(4)
        self.route_label = QLabel()
        self.route_label.setWordWrap(True)
        self.route_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.manual_label = QLabel("需人工指定")
        self.manual_label.setStyleSheet("QLabel { color: #b71c1c; font-weight: bold; }")
        self.override_label = QLabel()
        self.override_label.setWordWrap(True)
        self.override_label.setStyleSheet("QLabel { color: #8a4b00; }")
        self.reasons_button = QPushButton()
        self.reasons_button.setObjectName("linkButton")
        self.reasons_button.setStyleSheet("QPushButton { border: none; color: #1a56a6; background: transparent; "
                                          "padding: 0; text-align: left; }")
        self.reasons_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.reasons_button.clicked.connect(lambda: self.show_reasons(not self._reasons_open))
        self.reasons_label = QLabel()
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reasons_label.setStyleSheet("QLabel { background: #f5f7fa; border: 1px solid #cfd8dc; "
                                         "border-radius: 4px; padding: 6px; }")
        self.reasons_label.setVisible(False)
        self._reasons_open = False
        self.hops_title = QLabel("流转")
        self.hops_title.setStyleSheet("font-weight: bold;")
        self.hops_box = QVBoxLayout()
        self.hops_box.setSpacing(2)
        self.reroute_button = QPushButton("重新分办…")
        self.reroute_button.setToolTip("待处置的案件可按建议重新分办，或改派其他单位（须写明理由）")
        self.reroute_button.clicked.connect(lambda: self.open_reroute())
        top = QHBoxLayout()
        top.addWidget(self.route_label, 1)
        top.addWidget(self.reroute_button, 0, Qt.AlignmentFlag.AlignTop)
        v.addLayout(top)
        v.addWidget(self.manual_label)
        v.addWidget(self.override_label)
        v.addWidget(self.reasons_button, 0, Qt.AlignmentFlag.AlignLeft)
        v.addWidget(self.reasons_label)
        v.addWidget(self.hops_title)
        v.addLayout(self.hops_box)
        self.hop_labels: list[QLabel] = []
        self.hops_data: list[dict] = []
        return box

    # ---- loading -------------------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.case = self.ws.case(self.case_id)
        except DomainError as e:
            self.show_banner(e.message, "error")
            return
        c = self.case
        self.number_label.setText(c.number)
        self.status_label.setText(c.status.label)
        self.restricted_label.setVisible(c.restricted)
        self.candidate_label.setVisible(c.no_longer_accept_candidate)
        self._fill_repeats()
        self._fill_fields()
        self._fill_deadlines()
        self._fill_actions()
        self._fill_route()
        self._fill_attachments()
        self._fill_timeline()

    def _fill_repeats(self) -> None:
        ids = list(self.case.repeat_ids) or ([self.case.repeat_of] if self.case.repeat_of else [])
        links = []
        for rid in ids:
            try:
                number = self.ws.case(rid).number
            except DomainError:
                number = rid[:8]
            links.append(f'<a href="{rid}">{number}</a>')
        self.repeat_label.setText(("重复件：" + "、".join(links)) if links else "")
        self.repeat_label.setVisible(bool(links))

    @staticmethod
    def _clear_layout(layout) -> None:
        while layout.count():
            item = layout.takeAt(0)
            w = item.widget()
            if w is not None:
                w.setParent(None)
                w.deleteLater()
            elif item.layout() is not None:
                CaseDetail._clear_layout(item.layout())

    def _fill_fields(self) -> None:
        if self.case is None:
            return
        c, d = self.case, self.case.draft
        show = self.show_private.isChecked()
        while self.info_form.rowCount():
            self.info_form.removeRow(0)
        rows = [
            ("信访形式", d.channel.value + (f"（工单号 {d.work_order_no}）" if d.work_order_no else "")),
            ("收到时间", f"{d.received_at:%Y-%m-%d %H:%M}"),
            ("登记时间", f"{c.registered_at:%Y-%m-%d %H:%M}"),
            ("信访目的", d.purpose.value),
            ("问题类别", d.category.replace("/", " › ")),
            ("反映问题", d.summary),
            ("诉求", d.demands),
            ("事实与理由", d.content),
            ("问题发生地", d.place + (f"（{d.place_code}）" if d.place_code else "")),
            ("人数", f"{d.headcount} 人" + ("（集体访）" if d.is_collective else "")),
            ("接谈领导", d.reception_leader + ("（公开接访）" if d.public_reception else "")),
            ("引发单位", d.caused_by),
            ("被检举单位", d.accused_unit),
            ("法律程序状态", d.legal_status),
            ("处置方式", c.disposition),
            ("承办单位", (c.handling_unit_name or c.handling_unit)
             + (f"（{c.handling_unit}）" if c.handling_unit_name and c.handling_unit_name != c.handling_unit else "")),
            ("答复意见", c.outcome),
            ("评价", c.rating),
            ("终结理由", c.closure_reason + (f"（{c.closed_at:%Y-%m-%d}）" if c.closed_at else "")),
        ]
        for label, value in rows:
            if not value:
                continue
            v = QLabel(value)
            v.setWordWrap(True)
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.info_form.addRow(label, v)

        self._clear_layout(self.people_grid)
        self.person_labels: list[QLabel] = []
        for i, p in enumerate(d.petitioners, start=1):
            idn = p.id_number if show else mask_id_number(p.id_number)
            phone = p.phone if show else mask_phone(p.phone)
            head = [f"<b>{escape(p.display_name)}</b>"]
            if p.anonymous and p.name:
                head.append("匿名")
            head.append(p.role.value)
            if p.kind.value == "单位":
                head.append("单位")
            head += [x for x in (p.sex, f"出生 {p.birth.isoformat()}" if p.birth else "") if x]
            lines = [" · ".join(head)]
            ids = []
            if idn:
                ids.append(f"{'信用代码' if p.kind.value == '单位' else '身份证号'} {escape(idn)}")
            if phone:
                ids.append(f"电话 {escape(phone)}")
            if ids:
                lines.append("　".join(ids))
            if p.address:
                lines.append(f"住址 {escape(p.address)}")
            lab = QLabel("<br>".join(lines))
            lab.setWordWrap(True)
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if i > 1:
                sep = QFrame()
                sep.setFrameShape(QFrame.Shape.HLine)
                sep.setStyleSheet("color: #cfd8dc;")
                self.people_grid.addWidget(sep)
            self.people_grid.addWidget(lab)
            self.person_labels.append(lab)
        if not d.petitioners:
            self.people_grid.addWidget(QLabel("（无）"))

    def _fill_attachments(self) -> None:
        self._clear_layout(self.attachments_grid)
        self.attachment_rows = []
        atts = list(self.case.attachments)
        self.attachments_box.setTitle(f"附件（{len(atts)}）" if atts else "附件")
        if not atts:
            none = QLabel("（无）")
            none.setStyleSheet("color: #607d8b;")
            self.attachments_grid.addWidget(none, 0, 0)
            return
        for i, a in enumerate(atts):
            name = QLabel(_breakable(a.filename))
            name.setWordWrap(True)
            name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            name.setToolTip(f"{a.filename}\nSHA-256 {a.sha256}")
            size = QLabel(file_size_text(a.size))
            size.setStyleSheet("color: #455a64;")
            when = QLabel(f"{a.added_at:%Y-%m-%d %H:%M}" if a.added_at else "")
            when.setStyleSheet("color: #455a64;")
            button = QPushButton("打开")
            button.setToolTip("用系统默认程序打开")
            button.clicked.connect(lambda _=False, a=a: self.open_attachment(a))
            self.attachments_grid.addWidget(name, i, 0)
            self.attachments_grid.addWidget(size, i, 1, Qt.AlignmentFlag.AlignRight)
            self.attachments_grid.addWidget(when, i, 2)
            self.attachments_grid.addWidget(button, i, 3)
            self.attachment_rows.append((a, name, size, when, button))

    def attachment_names(self) -> list[str]:
        return [r[0].filename for r in self.attachment_rows]

    def choose_attachments(self) -> bool:
        paths, _ = QFileDialog.getOpenFileNames(self, "添加附件", "", "所有文件 (*)")
        return self.add_attachments(paths) if paths else False

    def add_attachments(self, paths) -> bool:
        """Copy files into the case (ws.add_attachments); a refusal goes to the banner."""
        paths = [str(p) for p in paths]
        try:
            self.ws.add_attachments(self.case.id, paths, self.actor)
        except DomainError as e:
            self.show_banner(e.message, "error")
            return False
        self.reload()
        self.show_banner("已添加附件：" + "、".join(Path(p).name for p in paths), "ok")
        self.changed.emit(self.case.id)
        return True

    def open_attachment(self, attachment) -> Path | None:
        try:
            path = self.ws.attachment_path(attachment)
        except DomainError as e:
            self.show_banner(e.message, "error")
            return None
        if not path.is_file():
            self.show_banner(f"附件文件不存在：{path}（可能已被移动或删除）", "error")
            return None
        self.open_url(QUrl.fromLocalFile(str(path)))
        return path

    def open_url(self, url) -> None:
        """The one place that hands a file to the system (tests replace it)."""
        QDesktopServices.openUrl(url)

    def _fill_deadlines(self) -> None:
        self._clear_layout(self.badge_row)
        self.badges = []
        self.explain_panel.setVisible(False)
        for i, dl in enumerate(self.ws.deadlines(self.case)):
            b = DeadlineBadge(dl)
            b.clicked.connect(lambda _=False, b=b: self.show_explain(b))
            self.badge_row.addWidget(b, i // BADGES_PER_ROW, i % BADGES_PER_ROW)
            self.badges.append(b)
        if not self.badges:
            none = QLabel("（无）")
            none.setStyleSheet("color: #607d8b;")
            self.badge_row.addWidget(none, 0, 0)

    def show_explain(self, badge: DeadlineBadge) -> None:
        dl = badge.deadline
        if self.explain_panel.isVisible() and getattr(self, "_explained", None) is dl:
            self.explain_panel.setVisible(False)
            return
        self._explained = dl
        lines = [f"<b>{dl.step.label}：{dl.due.isoformat()}（{dl.state}）</b>"] + [f"· {x}" for x in dl.explain]
        self.explain_panel.setText("<br>".join(lines))
        self.explain_panel.setVisible(True)

    def _fill_actions(self) -> None:
        self._clear_layout(self.actions_row)
        self.action_buttons = {}
        for a in self.ws.allowed_actions(self.case):
            b = QPushButton(a.label)
            b.setToolTip(f"{a.label}（{a.value}）")
            b.clicked.connect(lambda _=False, a=a: self.open_action(a))
            self.actions_row.addWidget(b)
            self.action_buttons[a] = b
        self.no_actions_label.setVisible(not self.action_buttons)

    def _fill_timeline(self) -> None:
        self.timeline.clear()
        info = self.ws.case_dict(self.case)
        for e in info["events"]:
            text = describe_payload(e["action"], e["payload"] or {}, sep="\n")
            shown = "\n".join(_wrap(line, TIMELINE_WRAP) for line in text.split("\n"))
            item = QTreeWidgetItem([e["at"][:16], e["label"], e["actor"], shown, e["hash"][:10]])
            item.setToolTip(3, text)
            item.setToolTip(4, f"哈希 {e['hash']}\n记录于 {e['recorded_at']}")
            self.timeline.addTopLevelItem(item)

    def _principle_names(self) -> dict[str, str]:
        try:
            return dict(self.ws.principles())
        except Exception:
            return {}

    def _fill_route(self) -> None:
        c = self.case
        route = c.route if isinstance(c.route, dict) else {}
        names = self._principle_names()
        unit_name = route.get("unit_name") or route.get("unit") or ""
        if c.handling_unit and c.status.value != "registered":
            head = f"承办单位：<b>{escape(c.handling_unit_name or c.handling_unit)}</b>"
        elif unit_name:
            head = f"分办建议：<b>{escape(unit_name)}</b>"
        else:
            head = "分办建议：<span style='color:#607d8b'>（无）</span>"
        principle = route.get("principle_name") or names.get(route.get("principle", ""), "")
        if route.get("overridden"):
            suggested = route.get("suggested_unit", "")
            bits = ["人工指定"] + ([f"分办建议为 {self.ws.directory.name_of(suggested) or suggested}"] if suggested else [])
        elif route.get("unit"):
            bits = [x for x in (route.get("channel", ""), principle) if x]
            if route.get("rule") is not None:
                bits.append(f"权责清单第{route.get('rule_version') or '?'}版第{route['rule']}行")
        else:
            bits = []
        if c.handling_unit and c.status.value != "registered" and unit_name and unit_name != (
                c.handling_unit_name or c.handling_unit):
            bits.append(f"建议为 {unit_name}")
        self.route_label.setText(head + ("<br><span style='color:#455a64'>" + escape(" · ".join(bits)) + "</span>"
                                         if bits else ""))
        self.manual_label.setVisible(bool(route.get("needs_manual")) and c.status.value == "registered")
        self.manual_label.setText("需人工指定承办单位")
        reason = route.get("override_reason", "") if route.get("overridden") else ""
        self.override_label.setText(f"改派理由：{reason}" if reason else "")
        self.override_label.setVisible(bool(reason))
        lines = [f"· {escape(str(r))}" for r in route.get("reasons") or []]
        if route.get("basis"):
            lines.append(f"依据：{escape(str(route['basis']))}")
        alts = [a.get("unit_name") or a.get("unit") for a in route.get("alternatives") or [] if isinstance(a, dict)]
        if alts:
            lines.append("备选：" + escape("、".join(x for x in alts if x)))
        self.reasons_label.setText("<br>".join(lines))
        self.reasons_button.setVisible(bool(lines))
        self.show_reasons(self._reasons_open and bool(lines))
        self.reroute_button.setVisible(c.status.value == "registered")
        self._fill_hops()

    def show_reasons(self, on: bool) -> None:
        self._reasons_open = on
        self.reasons_label.setVisible(on)
        self.reasons_button.setText("收起分办理由 ▴" if on else "展开分办理由 ▾")

    def route_hops(self) -> list[dict]:
        """ws.hops (转送/交办/受理/异议退回) with the re-routings (改派) between them, in event order."""
        hops = list(self.ws.hops(self.case))
        out, i = [], 0
        for e in self.case.events:
            if e.action == "route":
                r = e.payload.get("route") or {}
                out.append({"at": e.at.isoformat(sep=" "), "action": "route", "unit": r.get("unit", ""),
                            "unit_name": r.get("unit_name") or r.get("unit", ""),
                            "reason": r.get("override_reason", "") if r.get("overridden") else "",
                            "overridden": bool(r.get("overridden")), "needs_manual": bool(r.get("needs_manual"))})
            elif i < len(hops) and hops[i]["action"] == e.action and hops[i]["at"] == e.at.isoformat(sep=" "):
                out.append(hops[i])
                i += 1
        return out + hops[i:]

    @staticmethod
    def hop_label(h: dict) -> str:
        if h["action"] == "object":
            return "异议退回"
        if h["action"] == "route":
            return "改派" if h.get("overridden") else "重新分办"
        try:
            return Action(h["action"]).label
        except ValueError:
            return h["action"]

    def _fill_hops(self) -> None:
        self._clear_layout(self.hops_box)
        self.hop_labels = []
        self.hops_data = self.route_hops()
        for n, h in enumerate(self.hops_data, start=1):
            word = self.hop_label(h)
            unit = escape(h.get("unit_name") or h.get("unit") or "")
            if h["action"] == "object":
                text = f"<b>{word}</b>　{unit or '承办单位'}退回" + (
                    f"<br>{INDENT}理由：{escape(h['reason'])}" if h.get("reason") else "")
                color = "#b71c1c"
            else:
                target = unit or ("<span style='color:#b71c1c'>需人工指定</span>" if h.get("needs_manual") else "")
                text = f"<b>{word}</b> → {target}" + (f"<br>{INDENT}理由：{escape(h['reason'])}"
                                                       if h.get("reason") else "")
                color = "#1f2d3d"
            lab = QLabel(f"<span style='color:#607d8b'>{n}. {escape(h['at'][:16])}</span>　"
                         f"<span style='color:{color}'>{text}</span>")
            lab.setWordWrap(True)
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.hops_box.addWidget(lab)
            self.hop_labels.append(lab)
        if not self.hops_data:
            none = QLabel("（尚未转送或交办）")
            none.setStyleSheet("color: #607d8b;")
            self.hops_box.addWidget(none)
        self.hops_title.setText("流转：" + " → ".join(self.hop_label(h) for h in self.hops_data)
                                if self.hops_data else "流转")

    def hop_actions(self) -> list[str]:
        return [h["action"] for h in self.hops_data]

    def timeline_rows(self) -> list[tuple[str, ...]]:
        out = []
        for i in range(self.timeline.topLevelItemCount()):
            it = self.timeline.topLevelItem(i)
            out.append(tuple(it.text(j) for j in range(self.timeline.columnCount())))
        return out

    # ---- actions ---------------------------------------------------------------------------------------
    def show_banner(self, text: str, kind: str = "ok") -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(BANNER[kind])
        self.banner.setVisible(bool(text))
        if kind == "error" or not text:
            self.open_pdf_button.setVisible(False)

    def open_action(self, action: Action | str) -> ActionDialog:
        """Open the dialog of an action (window-modal, not blocking); on success reload and emit `changed`."""
        dlg = ActionDialog(self.ws, self.actor, self.case, action, self)
        dlg.accepted.connect(lambda: self._acted(dlg))
        self.active_dialog = dlg
        dlg.open()
        return dlg

    def _acted(self, dlg: ActionDialog) -> None:
        self.active_dialog = None
        self.reload()
        warnings = dlg.acted.warnings if dlg.acted else ()
        text = f"已{dlg.action.label}，当前状态：{self.case.status.label}"
        if warnings:
            text += "\n提示：" + "；".join(warnings)
        self.show_banner(text, "warn" if warnings else "ok")
        self.changed.emit(self.case.id)

    # ---- printing ------------------------------------------------------------------------------------
    def print_sheet(self, path: str | None = None, open_after: bool | None = None) -> str | None:
        """Write the 信访事项登记表 PDF; ask where when no path is given. Returns the path written."""
        mask = not self.unmasked_print.isChecked()
        if path is None:
            default = str(Path.home() / f"登记表-{self.case.number}.pdf")
            path, _ = QFileDialog.getSaveFileName(self, "保存信访事项登记表", default, "PDF 文件 (*.pdf)")
            if not path:
                return None
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
        try:
            data = self.ws.sheet_pdf(self.case.id, self.actor, mask=mask)
            Path(path).write_bytes(data)
        except DomainError as e:
            self.show_banner(f"打印失败：{e.message}", "error")
            return None
        except OSError as e:
            self.show_banner(f"无法写入文件 {path}：{e.strerror or e}。请换一个位置保存。", "error")
            return None
        except Exception as e:       # the report layer failed: say so rather than crash the window
            self.show_banner(f"生成登记表失败：{e}", "error")
            return None
        self.last_pdf = path
        self.show_banner(f"登记表已保存：{path}" + ("" if mask else "（含完整证件号，请妥善保管）"), "ok")
        self.open_pdf_button.setVisible(True)
        if open_after:
            self.open_last_pdf()
        return path

    def print_slip(self, path: str | None = None, open_after: bool | None = None) -> str | None:
        """Write the 转送单/交办单 PDF for the case's unit; ask where when no path is given."""
        mask = not self.unmasked_print.isChecked()
        if path is None:
            default = str(Path.home() / f"转送单-{self.case.number}.pdf")
            path, _ = QFileDialog.getSaveFileName(self, "保存转送单（交办单）", default, "PDF 文件 (*.pdf)")
            if not path:
                return None
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
        try:
            data = self.ws.slip_pdf(self.case.id, self.actor, mask=mask)
            Path(path).write_bytes(data)
        except DomainError as e:
            self.show_banner(f"无法打印转送单：{e.message}", "error")
            return None
        except OSError as e:
            self.show_banner(f"无法写入文件 {path}：{e.strerror or e}。请换一个位置保存。", "error")
            return None
        except Exception as e:       # the report layer failed: say so rather than crash the window
            self.show_banner(f"生成转送单失败：{e}", "error")
            return None
        self.last_pdf = path
        self.show_banner(f"转送单已保存：{path}" + ("" if mask else "（含完整证件号，请妥善保管）"), "ok")
        self.open_pdf_button.setVisible(True)
        if open_after:
            self.open_last_pdf()
        return path

    # ---- re-routing ----------------------------------------------------------------------------------
    def open_reroute(self) -> "RerouteDialog":
        dlg = RerouteDialog(self.ws, self.actor, self.case, self)
        dlg.accepted.connect(lambda: self._rerouted(dlg))
        self.active_dialog = dlg
        dlg.open()
        return dlg

    def _rerouted(self, dlg: "RerouteDialog") -> None:
        self.active_dialog = None
        self.reload()
        route = self.case.route if isinstance(self.case.route, dict) else {}
        name = route.get("unit_name") or route.get("unit") or ""
        if name:
            self.show_banner(f"已重新分办：{name}" + ("（改派，已记录理由）" if route.get("overridden") else ""), "ok")
        else:
            self.show_banner("已重新分办，但没有适用的单位：请人工指定承办单位。", "warn")
        self.changed.emit(self.case.id)

    def open_last_pdf(self) -> None:
        if self.last_pdf:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.last_pdf))


class RerouteDialog(QDialog):
    """重新分办: keep the suggestion (unit left empty) or choose another unit, which needs a reason."""

    def __init__(self, ws, actor: str, case, parent=None):
        super().__init__(parent)
        self.ws, self.actor, self.case = ws, actor, case
        self.result_case = None
        self.setWindowTitle(f"重新分办 · {case.number}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)
        route = case.route if isinstance(case.route, dict) else {}
        self.suggested = route.get("unit", "") if not route.get("overridden") else route.get("suggested_unit", "")
        name = route.get("unit_name") or route.get("unit") or ""
        hint = QLabel("不填单位则按当前分办建议重新分办；改派其他单位时请写明理由，理由记入办理过程。"
                      "承办单位异议退回的，不再自动分给该单位。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #455a64;")
        current = QLabel(f"当前分办建议：<b>{escape(name)}</b>" if name else
                         "当前分办建议：<span style='color:#b71c1c'>需人工指定</span>")
        current.setWordWrap(True)
        self.unit = QLineEdit()
        self.unit.setPlaceholderText("单位名称或编码（输入几个字可选择）")
        attach_unit_completer(self.unit, ws)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("改派理由，如“经协调由属地街道牵头办理”")
        self.reason.setFixedHeight(80)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setVisible(False)
        form = QFormLayout()
        form.addRow("承办单位", self.unit)
        form.addRow("理由", self.reason)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("重新分办")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(hint)
        lay.addWidget(current)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

    def submit(self) -> None:
        text = self.unit.text().strip()
        code = ""
        if text:
            unit = self.ws.directory.find(text)
            if unit is None:
                self.show_error(f"单位“{text}”不在单位目录中，请从提示列表中选择")
                return
            code = unit.code
        try:
            self.result_case = self.ws.route_case(self.case.id, self.actor, unit=code,
                                                  reason=self.reason.toPlainText().strip())
        except DomainError as e:
            self.show_error(e.message)
            return
        self.accept()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)


__all__ = ["CaseDetail", "DeadlineBadge", "RerouteDialog", "describe_payload"]

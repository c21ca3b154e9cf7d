"""CaseDetail: the head (number, status, marks, 重复件 links), the banner, 期限, 办理 and 打印, the 分办 / 登记信息 /
信访人 / 附件 column and the 办理过程 timeline. The sections are mixins in route.py, deadlines.py, attachments.py,
timeline.py and printing.py."""
from __future__ import annotations

from html import escape

from ...domain.lifecycle import Action
from ...domain.masking import mask_id_number, mask_phone
from ...domain.problems import DomainError
from ..dialogs import ActionDialog
from ..qt import (QCheckBox, QFormLayout, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                  QSplitter, Qt, QVBoxLayout, QWidget, Signal)
from ..widgets import BANNER_STYLES, clear_layout
from ..backlog.case_link import BacklogLinkMixin
from .attachments import AttachmentsSectionMixin
from .deadlines import DeadlineBadge, DeadlinesMixin
from .notices import NoticesMixin
from .printing import PrintingMixin
from .route import RouteSectionMixin
from ..stale import StaleMixin
from .timeline import TimelineMixin


class CaseDetail(RouteSectionMixin, DeadlinesMixin, AttachmentsSectionMixin, TimelineMixin, PrintingMixin,
                 BacklogLinkMixin, NoticesMixin, StaleMixin, QWidget):
    """One case: fields (personal data masked until 显示), status, deadlines as badges, the event timeline and the
    actions allowed now. Each action opens its dialog (dialogs.ActionDialog); success reloads and emits `changed`."""

    changed = Signal(str)
    open_case = Signal(str)     # a 重复件 link was clicked (case id)
    open_backlog = Signal(int)  # its 积案 record (backlog/case_link.py)
    open_dispute = Signal(int)  # the linked 人民调解 dispute (访调对接)

    def __init__(self, ws, actor: str, case_id: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor, self.case_id = ws, actor, case_id
        self.case = None
        self._full = None        # the case with ID numbers and phones in full, while 显示 is ticked
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
        self._build_backlog_link(head)
        self.show_private = QCheckBox("显示证件号和电话")
        self.show_private.setToolTip("默认遮蔽身份证号和电话（个人敏感信息）；显示完整号码须有权限，并记入访问记录")
        self.show_private.toggled.connect(self._toggle_private)
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
        act.addWidget(self._build_notices_button())
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

        split.addWidget(self._build_timeline())
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([460, 700])
        outer.addWidget(split, 1)

    # ---- loading -------------------------------------------------------------------------------------
    def _toggle_private(self, checked: bool) -> None:
        """Showing ID numbers and phones in full is a permission, and each time is recorded (访问记录)."""
        self._full = None
        if checked:
            try:
                self._full = self.ws.unmask(self.case_id, "屏幕查看")
            except DomainError as e:
                self.show_private.blockSignals(True)
                self.show_private.setChecked(False)
                self.show_private.blockSignals(False)
                self.show_banner(e.message, "error")
                return
            self.case = self.ws.case(self.case_id)      # the timeline now holds this 查看完整个人信息
            self._fill_timeline()
        self._fill_fields()

    def reload(self) -> None:
        self._full = None
        if self.show_private.isChecked():
            self.show_private.blockSignals(True)
            self.show_private.setChecked(False)
            self.show_private.blockSignals(False)
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
        self._fill_notices()
        self._fill_route()
        self._fill_attachments()
        self._fill_timeline()
        self._fill_backlog_link()

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

    def _fill_fields(self) -> None:
        if self.case is None:
            return
        c, d = self.case, self.case.draft
        show = self.show_private.isChecked() and self._full is not None
        if show:
            d = self._full.draft
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
            ("越级情况", d.reached_level),
            ("非正常上访", ("是" + (f"：{d.irregular_note}" if d.irregular_note else "")) if d.irregular else "否"),
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

        clear_layout(self.people_grid)
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

    def _fill_actions(self) -> None:
        clear_layout(self.actions_row)
        self.action_buttons = {}
        blocked = self.ws.blocked_actions(self.case)
        for a in self.ws.allowed_actions(self.case):
            b = QPushButton(a.label)
            b.setToolTip(blocked.get(a) or f"{a.label}（{a.value}）")
            b.setEnabled(a not in blocked)      # disabled buttons still show their tooltip: the reason
            b.clicked.connect(lambda _=False, a=a: self.open_action(a))
            self.actions_row.addWidget(b)
            self.action_buttons[a] = b
        self._fill_mediation_link()
        self.no_actions_label.setVisible(not self.action_buttons)

    def _fill_mediation_link(self) -> None:
        """访调对接: 转人民调解 while the petition is 待处置 or 办理中; a link to the dispute once referred."""
        links = self.ws.mediation.links_for_case(self.case.row)
        for x in links:
            b = QPushButton(f"调解：{x['number']}（{x['status_label']}）")
            b.setToolTip("打开关联的人民调解纠纷")
            b.clicked.connect(lambda _=False, r=x["id"]: self.open_dispute.emit(r))
            self.actions_row.addWidget(b)
        if not links and self.case.status.value in ("registered", "handling") and self.ws.mediation.committees():
            b = QPushButton("转人民调解")
            b.setToolTip("访调对接：以本件信息登记人民调解纠纷并关联")
            b.clicked.connect(lambda: self.open_refer())
            self.actions_row.addWidget(b)
            self.refer_button = b

    def open_refer(self):
        from ..mediation.refer_dialog import ReferDialog
        dlg = ReferDialog(self.ws, self.actor, self.case, self)
        dlg.accepted.connect(lambda: self._referred(dlg))
        self.watch_stale(dlg)
        self.active_dialog = dlg
        dlg.open()
        return dlg

    def _referred(self, dlg) -> None:
        self.active_dialog = None
        self.reload()
        self.show_banner(f"已转人民调解：{dlg.dispute['number']}（{dlg.dispute['committee_name']}）", "ok")
        self.changed.emit(self.case.id)

    def emit_changed(self) -> None:
        if self.case is not None:
            self.changed.emit(self.case.id)

    # ---- actions ---------------------------------------------------------------------------------------
    def show_banner(self, text: str, kind: str = "ok") -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(BANNER_STYLES[kind])
        self.banner.setVisible(bool(text))
        if kind == "error" or not text:
            self.open_pdf_button.setVisible(False)

    def open_action(self, action: Action | str) -> ActionDialog:
        """Open the dialog of an action (window-modal, not blocking); on success reload and emit `changed`."""
        dlg = ActionDialog(self.ws, self.actor, self.case, action, self)
        dlg.accepted.connect(lambda: self._acted(dlg))
        self.watch_stale(dlg)
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

"""One dispute: head, banner, clocks as badges (click = how the date was computed), actions as buttons with
their dialogs, printouts, the 卷宗 checklist with attachments, parties, the link to the petition, the timeline."""
from __future__ import annotations

from html import escape
from pathlib import Path

from ...domain.masking import mask_id_number, mask_phone, mask_phones_in
from ...domain.mediation import Action
from ...domain.mediation_file import DOCUMENTS
from ...domain.problems import DomainError, StaleRecord
from ..stale import StaleMixin
from ...services.mediation_print import PRINT_KINDS
from ..qt import (QCheckBox, QComboBox, QDesktopServices, QFileDialog, QFormLayout, QFrame, QGridLayout, QGroupBox,
                  QHBoxLayout, QLabel, QPushButton, QScrollArea, QSplitter, Qt, QTextBrowser, QUrl, QVBoxLayout,
                  QWidget, Signal)
from ..widgets import BANNER_STYLES, clear_layout
from .action_dialog import DisputeActionDialog

BADGE = {"正常": ("#2e7d32", "#fff"), "临期": ("#f9a825", "#3e2700"), "逾期": ("#c62828", "#fff"),
         "按期完成": ("#9e9e9e", "#fff"), "逾期完成": ("#6d0000", "#fff")}


PAYLOAD_LABELS = {
    "place": "地点", "participants": "参加人", "mediators": "调解员", "record": "调解情况", "recorder": "记录人",
    "form": "协议形式", "terms": "协议内容", "performance": "履行约定", "amount": "金额（元）", "effective": "生效日期",
    "reason": "理由", "note": "说明", "channels": "已告知途径", "kind": "类别", "from_kind": "原类别", "body": "接收单位",
    "status": "履行情况", "evidence": "凭证", "court": "法院", "window_last_day": "申请期限最后一日", "late": "逾期申请",
    "result": "结果", "number": "编号", "satisfaction": "满意度", "visited": "受访人", "performance_seen": "履行情况",
    "risks": "新的隐患", "volume_no": "卷号", "filed_by": "立卷人", "retention": "保管期限", "warnings": "提示",
    "petition": "信访件", "files": "文件", "masked": None, "bytes": None, "consent": "当事人同意",
    "old_due": "原到期日", "new_due": "重算后到期日",
}


class DisputeDetail(StaleMixin, QWidget):
    changed = Signal(int)
    openPetition = Signal(str)

    def __init__(self, ws, actor: str, row: int, parent=None):
        super().__init__(parent)
        self.ws, self.actor, self.row = ws, actor, row
        self.d: dict = {}
        self.active_dialog = None
        self.action_buttons: dict[str, QPushButton] = {}
        self.badges: list[QPushButton] = []
        self.last_pdf: Path | None = None
        self._build()
        self.reload()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        head = QHBoxLayout()
        self.number_label = QLabel()
        self.number_label.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel()
        self.status_label.setStyleSheet("QLabel { background: #00695c; color: white; border-radius: 4px; "
                                        "padding: 2px 8px; font-weight: bold; }")
        self.meta_label = QLabel()
        self.petition_label = QLabel()
        self.petition_label.setTextFormat(Qt.TextFormat.RichText)
        self.petition_label.linkActivated.connect(self.openPetition.emit)
        self.show_private = QCheckBox("显示证件号和电话")
        self.show_private.toggled.connect(lambda _: self._fill_parties())
        for w in (self.number_label, self.status_label, self.meta_label, self.petition_label):
            head.addWidget(w)
        head.addStretch(1)
        head.addWidget(self.show_private)
        outer.addLayout(head)
        brow = QHBoxLayout()
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.open_pdf_button = QPushButton("打开文件")
        self.open_pdf_button.setVisible(False)
        self.open_pdf_button.clicked.connect(self.open_last_pdf)
        brow.addWidget(self.banner, 1)
        brow.addWidget(self.open_pdf_button)
        outer.addLayout(brow)

        dl = QHBoxLayout()
        t = QLabel("期限")
        t.setStyleSheet("font-weight: bold;")
        dl.addWidget(t)
        self.badge_row = QHBoxLayout()
        dl.addLayout(self.badge_row)
        dl.addStretch(1)
        outer.addLayout(dl)
        self.explain_panel = QLabel()
        self.explain_panel.setWordWrap(True)
        self.explain_panel.setStyleSheet("QLabel { background: #f5f7fa; border: 1px solid #cfd8dc; border-radius: 4px; "
                                         "padding: 6px; }")
        self.explain_panel.setVisible(False)
        outer.addWidget(self.explain_panel)

        act = QHBoxLayout()
        t = QLabel("办理")
        t.setStyleSheet("font-weight: bold;")
        act.addWidget(t)
        self.actions_row = QHBoxLayout()
        act.addLayout(self.actions_row)
        self.no_actions = QLabel("（已归档，没有可进行的操作）")
        self.no_actions.setStyleSheet("color: #607d8b;")
        act.addWidget(self.no_actions)
        act.addStretch(1)
        self.print_kind = QComboBox()
        self.print_kind.setObjectName("printKind")
        self.print_kind.addItems(list(PRINT_KINDS))
        self.print_button = QPushButton("打印…")
        self.print_button.clicked.connect(lambda: self.print_form())
        act.addWidget(self.print_kind)
        act.addWidget(self.print_button)
        outer.addLayout(act)

        split = QSplitter(Qt.Orientation.Horizontal)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget()
        scroll.setWidget(holder)
        col = QVBoxLayout(holder)
        col.setContentsMargins(0, 0, 6, 0)
        self.info_box = QGroupBox("纠纷信息")
        self.info_form = QFormLayout(self.info_box)
        self.parties_box = QGroupBox("当事人")
        self.parties_layout = QVBoxLayout(self.parties_box)
        self.file_box = QGroupBox("卷宗材料")
        fb = QVBoxLayout(self.file_box)
        self.file_grid = QGridLayout()
        fb.addLayout(self.file_grid)
        arow = QHBoxLayout()
        self.attach_kind = QComboBox()
        self.attach_kind.addItems(list(DOCUMENTS))
        self.attach_button = QPushButton("添加材料…")
        self.attach_button.clicked.connect(lambda: self.attach_files())
        arow.addWidget(self.attach_kind)
        arow.addWidget(self.attach_button)
        arow.addStretch(1)
        fb.addLayout(arow)
        for w in (self.info_box, self.parties_box, self.file_box):
            col.addWidget(w)
        col.addStretch(1)
        split.addWidget(scroll)
        self.timeline = QTextBrowser()
        self.timeline.setObjectName("disputeTimeline")
        split.addWidget(self.timeline)
        split.setSizes([520, 640])
        outer.addWidget(split, 1)

    # ---- filling -------------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.d = self.ws.mediation.show(self.row)
        except DomainError as exc:
            self.show_banner(exc.message, "error")
            return
        d = self.d
        self.number_label.setText(d["number"])
        self.status_label.setText(d["status_label"])
        self.meta_label.setText(f"{d['committee_name']} · {d['kind']} · {d['type']} · {d['source']}")
        if d["petition"]:
            self.petition_label.setText(f'关联信访件：<a href="{d["petition"]["id"]}">{d["petition"]["number"]}</a>')
        self.petition_label.setVisible(bool(d["petition"]))
        self._fill_badges()
        self._fill_actions()
        self._fill_info()
        self._fill_parties()
        self._fill_file()
        self._fill_timeline()

    def _fill_badges(self) -> None:
        clear_layout(self.badge_row)
        self.badges = []
        self.explain_panel.setVisible(False)
        for x in self.d["deadlines"]:
            bg, fg = BADGE.get(x["state"], ("#607d8b", "#fff"))
            b = QPushButton(f"{x['label']} {x['due']} · {x['state']}")
            b.setToolTip("点击查看期限计算说明")
            b.setStyleSheet(f"QPushButton {{ background: {bg}; color: {fg}; border: none; border-radius: 10px; "
                            f"padding: 3px 10px; font-weight: bold; }}")
            b.clicked.connect(lambda _=False, x=x: self.show_explain(x))
            self.badge_row.addWidget(b)
            self.badges.append(b)
        if not self.badges:
            none = QLabel("（受理后开始计算调解期限）")
            none.setStyleSheet("color: #607d8b;")
            self.badge_row.addWidget(none)

    def show_explain(self, x: dict) -> None:
        lines = [f"<b>{escape(x['label'])}：{x['due']}（{x['state']}）</b>"] + [f"· {escape(s)}" for s in x["explain"]]
        self.explain_panel.setText("<br>".join(lines))
        self.explain_panel.setVisible(True)

    def _fill_actions(self) -> None:
        clear_layout(self.actions_row)
        self.action_buttons = {}
        for a in self.d["allowed_actions"]:
            b = QPushButton(Action(a).label)
            b.clicked.connect(lambda _=False, a=a: self.open_action(a))
            self.actions_row.addWidget(b)
            self.action_buttons[a] = b
        self.no_actions.setVisible(not self.action_buttons)

    def _fill_info(self) -> None:
        d = self.d
        while self.info_form.rowCount():
            self.info_form.removeRow(0)
        a = d["agreement"] or {}
        perf = a.get("performance") or {}
        rows = [("收到时间", d["received_at"][:16]), ("来源", d["source"] + (
                    f"（{d['referred_by']} {d['referral_no']}）" if d["referred_by"] else "")),
                ("调解员", "、".join(x["name"] for x in d["mediators"])), ("记录人", d["recorder"]),
                ("网格员", " ".join(x for x in (d["grid_worker"], d["grid"]) if x)),
                ("风险", d["risk"] + (f"（{'、'.join(d['risk_reasons'])}）" if d["risk_reasons"] else "")),
                ("涉及人数", f"{d['headcount']} 人"), ("涉及金额", f"{d['amount']:.2f} 元" if d["amount"] else ""),
                ("简要情况", d["summary"]), ("申请事项", d["requests"]),
                ("协议", f"{a.get('form', '')}协议：{a.get('terms', '')}" if a else ""),
                ("履行约定", f"{perf.get('manner', '')} {perf.get('place', '')} 期限 {perf.get('due', '')}" if a else ""),
                ("履行情况", d["performance"]),
                ("司法确认", (f"{d['confirmation']['applied_on']} 申请" + ("（逾期申请）" if d["confirmation"]["late"] else "")
                          + (f"，{d['confirmation']['result']}" if d["confirmation"]["result"] else ""))
                 if d["confirmation"]["applied_on"] else "")]
        for label, value in rows:
            if value:
                v = QLabel(value)
                v.setWordWrap(True)
                v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.info_form.addRow(label, v)

    def _fill_parties(self) -> None:
        clear_layout(self.parties_layout)
        show = self.show_private.isChecked()
        for p in self.d.get("parties", []):
            idn = p["id_number"] if show or p["kind"] == "单位" else mask_id_number(p["id_number"])
            phone = p["phone"] if show else mask_phone(p["phone"])
            lines = [f"<b>{escape(p['name'])}</b> · {p['side']} · {p['kind']}" + (f" · {p['sex']}" if p["sex"] else "")]
            ids = [x for x in (f"证件 {escape(idn)}" if idn else "", f"电话 {escape(phone)}" if phone else "") if x]
            if ids:
                lines.append("　".join(ids))
            if p["address"]:
                lines.append(f"住址 {escape(p['address'])}")
            if p.get("agent"):
                lines.append(f"代理人 {escape(p['agent'] if show else mask_phones_in(p['agent']))}")
            lab = QLabel("<br>".join(lines))
            lab.setWordWrap(True)
            self.parties_layout.addWidget(lab)

    def _fill_file(self) -> None:
        clear_layout(self.file_grid)
        self.file_labels = {}
        for i, item in enumerate(self.d["file"]):
            mark = "✔" if item["present"] else ("✘" if item["required"] else "—")
            color = "#2e7d32" if item["present"] else ("#c62828" if item["required"] else "#78909c")
            name = QLabel(item["name"] + ("（必备）" if item["required"] else ""))
            state = QLabel(f"{mark} {'已有' if item['present'] else ('缺少' if item['required'] else '无')}")
            state.setStyleSheet(f"color: {color}; font-weight: bold;")
            self.file_grid.addWidget(name, i, 0)
            self.file_grid.addWidget(state, i, 1)
            self.file_labels[item["kind"]] = state
        files = [x for x in self.d["documents"] if x["origin"] == "attached"]
        if files:
            row = len(self.d["file"])
            names = "；".join(f"{x['kind']}：{x['filename']}" for x in files)
            lab = QLabel(f"附件：{names}")
            lab.setWordWrap(True)
            self.file_grid.addWidget(lab, row, 0, 1, 2)

    def _fill_timeline(self) -> None:
        html = []
        for e in reversed(self.d["events"]):
            bits = []
            for k, v in e["payload"].items():
                label = PAYLOAD_LABELS.get(k, k)
                if label is None or v in ("", None, False, [], {}):
                    continue
                if isinstance(v, dict):
                    v = " ".join(str(x) for x in v.values() if x)
                elif isinstance(v, list):
                    v = "、".join(map(str, v))
                elif v is True:
                    v = "是"
                bits.append(f"{escape(label)}：{escape(str(v))}")
            html.append(f"<p><b>{escape(e['at'][:16].replace('T', ' '))} {escape(e['label'])}</b> "
                        f"<span style='color:#607d8b'>{escape(e['actor'])}</span><br>{'；'.join(bits)}"
                        f"<br><span style='color:#90a4ae;font-size:10px'>#{e['seq']} {e['hash'][:16]}</span></p>")
        self.timeline.setHtml("".join(html))

    # ---- acting --------------------------------------------------------------------------------
    def show_banner(self, text: str, kind: str = "ok") -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(BANNER_STYLES[kind])
        self.banner.setVisible(bool(text))
        if kind == "error":
            self.open_pdf_button.setVisible(False)

    def open_action(self, action: str) -> DisputeActionDialog:
        dlg = DisputeActionDialog(self.ws, self.actor, self.d, action, self)
        dlg.accepted.connect(lambda: self._acted(dlg))
        self.watch_stale(dlg)
        self.active_dialog = dlg
        dlg.open()
        return dlg

    def emit_changed(self) -> None:
        self.changed.emit(self.row)

    def _acted(self, dlg: DisputeActionDialog) -> None:
        self.active_dialog = None
        self.reload()
        text = f"已{Action(dlg.action).label}，当前状态：{self.d['status_label']}"
        if dlg.warnings:
            text += "\n提示：" + "；".join(dlg.warnings)
        self.show_banner(text, "warn" if dlg.warnings else "ok")
        self.changed.emit(self.row)

    def print_form(self, path: str | None = None, kind: str | None = None) -> None:
        kind = kind or self.print_kind.currentText()
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, f"打印{kind}", f"{self.d['number']}-{kind}.pdf", "PDF 文件 (*.pdf)")
            if not path:
                return
        try:
            pdf = self.ws.mediation.print_pdf(self.row, kind, self.actor, mask=not self.show_private.isChecked())
            Path(path).write_bytes(pdf)
        except (DomainError, OSError) as exc:
            self.show_banner(getattr(exc, "message", None) or f"保存失败：{exc}", "error")
            return
        self.last_pdf = Path(path)
        self.reload()
        self.show_banner(f"已生成{kind}：{path}", "ok")
        self.open_pdf_button.setVisible(True)

    def open_last_pdf(self) -> None:
        if self.last_pdf:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_pdf)))

    def attach_files(self, paths: list[str] | None = None, kind: str | None = None) -> None:
        kind = kind or self.attach_kind.currentText()
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(self, f"添加{kind}")
            if not paths:
                return
        try:
            self.ws.mediation.attach(self.row, kind, paths, self.actor, version=self.d["version"])
        except StaleRecord as exc:
            self.refused_as_stale(exc)
            return
        except DomainError as exc:
            self.show_banner(exc.message, "error")
            return
        self.reload()
        self.show_banner(f"已添加{kind} {len(paths)} 个文件", "ok")
        self.changed.emit(self.row)

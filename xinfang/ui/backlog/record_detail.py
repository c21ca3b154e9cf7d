"""One 积案 record: the case summary with a link to the case, plan, leader, unit, due date with its state,
the progress log with a one-step entry, the action buttons and the evidence attachments."""
from __future__ import annotations

from html import escape

from ...domain.problems import DomainError, StaleRecord
from ..stale import StaleMixin
from ..qt import (QAbstractItemView, QDesktopServices, QFileDialog, QFormLayout, QFrame, QGroupBox, QHBoxLayout,
                  QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QSplitter, Qt,
                  QTableWidget, QTableWidgetItem, QUrl, QVBoxLayout, QWidget, Signal)
from ..widgets import BANNER_STYLES, file_size_text
from .board import DUE_COLOURS
from .dialogs import ACTION_FORMS, RecordActionDialog

BUTTONS = (("resolve", "化解…"), ("close", "结案…"), ("reopen", "重新打开…"), ("delist", "销号…"),
           ("reassign", "更换包案领导…"), ("plan", "修改方案…"))


def describe(event: dict) -> str:
    p = event["payload"]
    a = event["action"]
    if a == "take":
        return (f"列入{p.get('source', '')}积案，化解时限 {p.get('due', '')}"
                + (f"，包案领导 {p['leader']}" if p.get("leader") else ""))
    if a in ("progress", "plan"):
        return p.get("text", "")
    if a == "resolve":
        return f"化解方式：{p.get('way', '')}" + (f"；{p['note']}" if p.get("note") else "")
    if a == "close":
        return p.get("note", "") or "结案"
    if a == "reopen":
        return f"原因：{p.get('reason', '')}"
    if a == "delist":
        return f"审批人：{p.get('approver', '')}" + (f"；{p['note']}" if p.get("note") else "")
    if a == "reassign":
        return f"{p.get('from_leader') or '（无）'} → {p.get('leader', '')}；原因：{p.get('reason', '')}"
    if a == "attach":
        return "、".join(x.split(" sha256:")[0] for x in p.get("attachments", []))
    return str(p)


class RecordDetail(StaleMixin, QWidget):
    changed = Signal(int)
    open_case = Signal(str)

    def __init__(self, ws, actor: str, record_id: int, parent=None):
        super().__init__(parent)
        self.ws, self.actor, self.record_id = ws, actor, record_id
        self.record: dict = {}
        self.last_pdf: str | None = None
        self._build()
        self.reload()

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        head = QHBoxLayout()
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.status = QLabel()
        self.due_badge = QLabel()
        self.case_link = QLabel()
        self.case_link.setTextFormat(Qt.RichText)
        self.case_link.linkActivated.connect(lambda _: self.open_case.emit(self.record["case_id"]))
        for w in (self.title, self.status, self.due_badge, self.case_link):
            head.addWidget(w)
        head.addStretch(1)
        self.print_button = QPushButton("打印包案任务书…")
        self.print_button.clicked.connect(lambda: self.print_task())
        head.addWidget(self.print_button)
        lay.addLayout(head)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        lay.addWidget(self.banner)

        actions = QHBoxLayout()
        label = QLabel("办理")
        label.setStyleSheet("font-weight: bold;")
        actions.addWidget(label)
        self.buttons: dict[str, QPushButton] = {}
        for action, text in BUTTONS:
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, a=action: self.open_action(a))
            self.buttons[action] = b
            actions.addWidget(b)
        self.none_label = QLabel("（已销号，不能再办理）")
        self.none_label.setStyleSheet("color: #607d8b;")
        actions.addWidget(self.none_label)
        actions.addStretch(1)
        lay.addLayout(actions)

        split = QSplitter(Qt.Horizontal)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        self.info_box = QGroupBox("积案信息")
        self.info = QFormLayout(self.info_box)
        ll.addWidget(self.info_box)
        self.case_box = QGroupBox("信访事项")
        self.case_form = QFormLayout(self.case_box)
        ll.addWidget(self.case_box)
        att = QGroupBox("证据材料")
        al = QVBoxLayout(att)
        self.attachments = QListWidget()
        self.attachments.setMaximumHeight(96)
        self.attachments.itemActivated.connect(self._open_attachment)
        al.addWidget(self.attachments)
        self.attach_button = QPushButton("添加附件…")
        self.attach_button.clicked.connect(lambda: self.add_attachments())
        al.addWidget(self.attach_button, 0, Qt.AlignLeft)
        ll.addWidget(att)
        ll.addStretch(1)
        split.addWidget(left)

        right = QFrame()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        t = QLabel("工作进展")
        t.setStyleSheet("font-weight: bold;")
        rl.addWidget(t)
        entry = QHBoxLayout()
        self.progress_text = QLineEdit()
        self.progress_text.setPlaceholderText("记一笔进展，如：约谈信访人，已提出救助申请（回车保存）")
        self.progress_text.returnPressed.connect(self.add_progress)
        self.progress_button = QPushButton("记录进展")
        self.progress_button.clicked.connect(self.add_progress)
        entry.addWidget(self.progress_text, 1)
        entry.addWidget(self.progress_button)
        rl.addLayout(entry)
        self.log = QTableWidget(0, 4)
        self.log.setHorizontalHeaderLabels(["日期", "事项", "经办人", "内容"])
        self.log.verticalHeader().setVisible(False)
        self.log.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.log.setWordWrap(True)
        self.log.setColumnWidth(0, 130)
        self.log.setColumnWidth(1, 96)
        self.log.setColumnWidth(2, 72)
        self.log.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        rl.addWidget(self.log, 1)
        split.addWidget(right)
        split.setSizes([560, 760])
        lay.addWidget(split, 1)

    # ---- data ------------------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            r = self.ws.backlog.record(self.record_id)
        except DomainError as exc:
            self.show_banner(exc.message, "error")
            return
        self.record = r
        self.title.setText(f"积案 {r['id']}")
        self.status.setText(r["status"] + ("·已销号" if r["delisted"] else ""))
        self.status.setStyleSheet("QLabel { background: %s; color: white; border-radius: 4px; padding: 2px 8px; "
                                  "font-weight: bold; }" % ("#2e7d32" if r["status"] != "未化解" else "#1565c0"))
        colour = DUE_COLOURS.get(r["due_state"], "#455a64")
        left = r["days_left"]
        extra = f"，剩 {left} 天" if r["status"] == "未化解" and left >= 0 else (
            f"，已超 {-left} 天" if r["status"] == "未化解" else "")
        self.due_badge.setText(f"化解时限 {r['due']}（{r['due_state']}{extra}）")
        self.due_badge.setStyleSheet(f"QLabel {{ color: {colour}; border: 1px solid {colour}; border-radius: 4px; "
                                     f"padding: 2px 8px; font-weight: bold; }}")
        self.case_link.setText(f"<a href='case'>{escape(r['case'])}</a> {escape(r['summary'][:40])}")
        self._fill_forms(r)
        allowed = set(r["allowed_actions"])
        for action, b in self.buttons.items():
            b.setVisible(action in allowed)
        self.none_label.setText("（已销号，不能再办理）" if r["delisted"] else "（您没有办理该积案的权限）")
        self.none_label.setVisible(not allowed)
        for w in (self.progress_text, self.progress_button, self.attach_button):
            w.setEnabled(r["can_work"])
        self._fill_log(r["events"])
        self.attachments.clear()
        for a in r["attachments"]:
            item = QListWidgetItem(f"{a['filename']}（{file_size_text(a['size'])}）")
            item.setData(Qt.UserRole, a["path"])
            self.attachments.addItem(item)

    def _fill_forms(self, r: dict) -> None:
        for form in (self.info, self.case_form):
            while form.rowCount():
                form.removeRow(0)

        def row(form, label, value):
            w = QLabel(value or "—")
            w.setWordWrap(True)
            w.setTextInteractionFlags(Qt.TextSelectableByMouse)
            form.addRow(label, w)
        row(self.info, "交办批次", f"{r['batch_name']}（{r['source']}）")
        row(self.info, "包案领导", f"{r['leader']}（{r['leader_post']}）" if r["leader"] else "")
        row(self.info, "责任单位", r["unit_name"])
        row(self.info, "列入日期", r["taken_on"])
        row(self.info, "化解方案", r["plan"])
        if r["status"] != "未化解":
            row(self.info, "化解", f"{r['resolved_on']}，{r['way']}")
        if r["delisted"]:
            row(self.info, "销号", f"{r['delisted_on']}，审批人 {r['approver']}")
        summary = "（检举控告件 · 限制知悉）" if r["restricted"] else r["summary"]
        row(self.case_form, "反映问题", summary)
        row(self.case_form, "主要诉求", "" if r["restricted"] else r["demands"])
        row(self.case_form, "信访人", "" if r["restricted"] else r["petitioners"])
        row(self.case_form, "收到时间", r["received_at"])
        row(self.case_form, "办理状态", r["case_status"])

    def _fill_log(self, events: list[dict]) -> None:
        rows = list(reversed(events))       # newest first
        self.log.setRowCount(len(rows))
        for i, e in enumerate(rows):
            for j, value in enumerate((e["at"][:16], e["label"], e["actor"], describe(e))):
                self.log.setItem(i, j, QTableWidgetItem(value))
        self.log.resizeRowsToContents()

    def show_banner(self, text: str, kind: str = "ok") -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(BANNER_STYLES[kind])
        self.banner.setVisible(bool(text))

    # ---- actions ---------------------------------------------------------------------------------
    def add_progress(self) -> bool:
        text = self.progress_text.text()
        try:
            self.ws.backlog.act(self.record_id, "progress", self.actor, data={"text": text},
                                version=self.record["version"])
        except StaleRecord as exc:
            self.refused_as_stale(exc)          # the typed progress stays in the field for the retry
            return False
        except DomainError as exc:
            self.show_banner(exc.message, "error")
            return False
        self.progress_text.clear()
        self.show_banner("已记录进展", "ok")
        self.reload()
        self.changed.emit(self.record_id)
        return True

    def open_action(self, action: str) -> RecordActionDialog:
        dlg = RecordActionDialog(self.ws, self.actor, self.record, action, self)
        dlg.accepted.connect(lambda: self._acted(action))
        self.watch_stale(dlg)
        dlg.open()
        self.active_dialog = dlg
        return dlg

    def emit_changed(self) -> None:
        self.changed.emit(self.record_id)

    def _acted(self, action: str) -> None:
        self.show_banner(f"已{ACTION_FORMS[action][0]}", "ok")
        self.reload()
        self.changed.emit(self.record_id)

    def add_attachments(self, paths: list | None = None) -> bool:
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(self, "选择证据材料")
            if not paths:
                return False
        try:
            self.ws.backlog.add_attachments(self.record_id, [str(p) for p in paths], self.actor,
                                            version=self.record["version"])
        except StaleRecord as exc:
            self.refused_as_stale(exc)
            return False
        except DomainError as exc:
            self.show_banner(exc.message, "error")
            return False
        self.show_banner(f"已添加附件 {len(paths)} 个", "ok")
        self.reload()
        return True

    def _open_attachment(self, item) -> None:
        stored = item.data(Qt.UserRole)
        if not stored:
            return
        try:
            path = self.ws.files.local_path(stored)      # on a server: a checked temporary copy
        except DomainError as exc:
            self.show_banner(exc.message, "error")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def print_task(self, path: str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "保存包案任务书", f"包案任务书-{self.record['case']}.pdf",
                                                  "PDF 文件 (*.pdf)")
            if not path:
                return False
        try:
            data = self.ws.backlog.task_pdf(self.record_id, self.actor)
            with open(path, "wb") as f:
                f.write(data)
        except DomainError as exc:
            self.show_banner(exc.message, "error")
            return False
        except OSError as exc:
            self.show_banner(f"保存失败：{exc.strerror or exc}", "error")
            return False
        self.last_pdf = path
        self.show_banner(f"已生成包案任务书：{path}", "ok")
        return True

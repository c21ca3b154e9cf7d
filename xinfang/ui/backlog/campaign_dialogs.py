"""积案 dialogs that keep the campaign's lists: 新建交办批次, 关闭交办批次, 包案领导名单, 积案设置."""
from __future__ import annotations

from datetime import date

from ...domain.problems import DomainError
from ..qt import (QAbstractItemView, QColor, QDoubleSpinBox, QHeaderView, QLabel, QLineEdit, QSpinBox, QTableWidget,
                  QTableWidgetItem)
from .dialogs import FormDialog, date_edit, iso, text_box


class BatchDialog(FormDialog):
    def __init__(self, ws, actor: str, parent=None):
        super().__init__("新建交办批次", "新建", parent)
        self.ws, self.actor = ws, actor
        today = ws.now().date()
        self.name = QLineEdit()
        self.name.setPlaceholderText("如：2026年第一批信访积案")
        self.issuer = QLineEdit()
        self.issuer.setPlaceholderText("如：市信访工作联席会议办公室")
        self.issued = date_edit(today)
        self.target = date_edit(date(today.year, 12, 31))
        self.rate = QDoubleSpinBox()
        self.rate.setRange(1, 100)
        self.rate.setDecimals(1)
        self.rate.setSuffix(" %")
        self.rate.setValue(float(ws.backlog.setting("backlog_target_rate")) * 100)
        self.note = QLineEdit()
        for label, w in (("批次名称", self.name), ("交办单位", self.issuer), ("交办日期", self.issued),
                         ("目标日期", self.target), ("目标化解率", self.rate), ("备注", self.note)):
            self.form.addRow(label, w)

    def run(self):
        return self.ws.backlog.add_batch(self.name.text(), self.issuer.text(), iso(self.issued), iso(self.target),
                                         self.actor, target_rate=f"{self.rate.value()}%", note=self.note.text())


class SettingsDialog(FormDialog):
    """积案设置: the list of 化解方式 (one per line), 临期 days, the default target rate of a new batch and the
    积案候选 rules (also changeable on the 积案候选 page)."""

    INTS = (("backlog_warn_days", "临期提醒（化解时限前天数）"), ("backlog_open_days", "候选：办理超过（天）"),
            ("backlog_repeat_count", "候选：12 个月内信访达到（次）"), ("backlog_repeat_window_days", "候选：重复信访统计窗口（天）"),
            ("backlog_candidate_limit", "候选：每条规则最多列出（件）"))

    def __init__(self, ws, actor: str, parent=None):
        super().__init__("积案设置", "保存", parent, hint="化解方式每行一个，按此顺序在“化解”时供选择；已记录的积案不受影响。")
        from ...services.backlog import SETTINGS
        self.ws, self.actor = ws, actor
        current = ws.backlog.settings()
        self.ways = text_box(height=150)
        self.ways.setPlainText("\n".join(current["backlog_ways"]))
        self.form.addRow("化解方式", self.ways)
        self.numbers = {}
        for key, label in self.INTS:
            box = QSpinBox()
            _, _, low, high = SETTINGS[key]
            box.setRange(int(low), int(high))
            box.setValue(int(current[key]))
            self.numbers[key] = box
            self.form.addRow(label, box)
        self.rate = QDoubleSpinBox()
        self.rate.setRange(1, 100)
        self.rate.setDecimals(1)
        self.rate.setSuffix(" %")
        self.rate.setValue(float(current["backlog_target_rate"]) * 100)
        self.form.addRow("新建批次默认目标化解率", self.rate)
        self.before = current

    def run(self):
        ways = [line.strip() for line in self.ways.toPlainText().splitlines() if line.strip()]
        changed = []
        if ways != self.before["backlog_ways"]:
            self.ws.backlog.set_ways(ways, self.actor)
            changed.append("化解方式")
        for key, label in self.INTS:
            if self.numbers[key].value() != int(self.before[key]):
                self.ws.backlog.configure(key, self.numbers[key].value(), self.actor)
                changed.append(label)
        rate = round(self.rate.value() / 100, 4)
        if abs(rate - float(self.before["backlog_target_rate"])) > 1e-9:
            self.ws.backlog.configure("backlog_target_rate", rate, self.actor)
            changed.append("默认目标化解率")
        return changed


class CloseBatchDialog(FormDialog):
    """关闭交办批次: the campaign is over; its records stay and are still worked on and counted."""

    def __init__(self, ws, actor: str, batch: dict, numbers: dict | None, parent=None):
        super().__init__("关闭交办批次", "关闭批次", parent, hint="关闭后该批次不能再列入新的积案；已列入的积案照常办理、"
                         "统计，批次和它的积案都不会删除。")
        self.ws, self.actor, self.batch = ws, actor, batch
        n = numbers or {}
        rate = "—" if n.get("rate") is None else f"{n['rate'] * 100:.1f}%"
        assigned, resolved = n.get("assigned", 0), n.get("resolved", 0)
        for label, text in (("批次", batch["name"]), ("交办单位", batch["issuer"]),
                            ("交办日期 / 目标日期", f"{batch['issued_on']} / {batch['target_on']}"),
                            ("进度", f"列入 {assigned} 件，化解 {resolved} 件，未化解 {assigned - resolved} 件"),
                            ("化解率", f"{rate}（目标 {batch['target_rate'] * 100:.1f}%）")):
            self.form.addRow(label, QLabel(text))

    def run(self):
        return self.ws.backlog.close_batch(self.batch["id"], self.actor)


class LeadersDialog(FormDialog):
    """The list of 包案领导: add one; pick a row to change his post or login, or to stop / resume him."""

    def __init__(self, ws, actor: str, parent=None):
        super().__init__("包案领导名单", "添加", parent, hint="添加领导后，可在列为积案、更换包案领导、公开接访时选择。"
                         "填写登录名后，该领导登录时工作台首先显示本人包案的积案。选中一行可修改职务、登录名，或停用"
                         "（领导调离时；其包案的积案须先化解或更换领导）。")
        self.ws, self.actor = ws, actor
        self.setMinimumWidth(620)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["姓名", "职务", "登录名", "状态"])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.itemSelectionChanged.connect(self._picked)
        self.form.addRow(self.table)
        self.name, self.post, self.login = QLineEdit(), QLineEdit(), QLineEdit()
        self.post.setPlaceholderText("如：区委常委、政法委书记")
        self.form.addRow("姓名", self.name)
        self.form.addRow("职务", self.post)
        self.form.addRow("登录名（可空）", self.login)
        self.save_button = self.buttons.addButton("保存修改", self.buttons.ButtonRole.ActionRole)
        self.save_button.clicked.connect(lambda: self._change())
        self.active_button = self.buttons.addButton("停用", self.buttons.ButtonRole.ActionRole)
        self.active_button.clicked.connect(lambda: self._change(active=not self._selected()["active"]))
        self.new_button = self.buttons.addButton("新增领导", self.buttons.ButtonRole.ActionRole)
        self.new_button.clicked.connect(self.new_entry)
        self.buttons.button(self.buttons.StandardButton.Cancel).setText("关闭")
        self.rows: list[dict] = []
        self._fill()

    def _fill(self, keep: str = "") -> None:
        self.rows = self.ws.backlog.leaders(include_stopped=True)
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(self.rows))
        for i, x in enumerate(self.rows):
            for j, text in enumerate((x["name"], x["post"], x["login"], "在任" if x["active"] else "已停用")):
                item = QTableWidgetItem(text)
                if not x["active"]:
                    item.setForeground(QColor("#757575"))
                self.table.setItem(i, j, item)
        self.table.blockSignals(False)
        names = [x["name"] for x in self.rows]
        if keep in names:
            self.table.selectRow(names.index(keep))
        self._picked()

    def _selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        return self.rows[rows[0].row()] if rows else None

    def _picked(self) -> None:
        x = self._selected()
        self.error.setVisible(False)
        self.save_button.setEnabled(x is not None)
        self.active_button.setEnabled(x is not None)
        self.name.setReadOnly(x is not None)
        self.ok_button.setEnabled(x is None)
        if x is None:
            self.active_button.setText("停用")
            return
        self.name.setText(x["name"])
        self.post.setText(x["post"])
        self.login.setText(x["login"])
        self.active_button.setText("停用" if x["active"] else "重新启用")

    def _show_error(self, exc: DomainError) -> None:
        self.error.setText(exc.message)
        self.error.setVisible(True)

    def _change(self, active: bool | None = None) -> bool:
        x = self._selected()
        if x is None:
            return False
        try:
            if active is None:
                self.ws.backlog.update_leader(x["name"], self.actor, post=self.post.text(), login=self.login.text())
            else:
                self.ws.backlog.update_leader(x["name"], self.actor, active=active)
        except DomainError as exc:
            self._show_error(exc)
            return False
        self.error.setVisible(False)
        self._fill(keep=x["name"])
        return True

    def new_entry(self) -> None:
        """Clear the selection to add another leader."""
        self.table.clearSelection()
        for w in (self.name, self.post, self.login):
            w.clear()
        self.name.setFocus()

    def submit(self) -> None:      # stays open to add the next one
        if self._selected() is not None:
            return
        try:
            self.ws.backlog.add_leader(self.name.text(), self.post.text(), self.actor, login=self.login.text())
        except DomainError as exc:
            self._show_error(exc)
            return
        self.error.setVisible(False)
        self._fill()
        self.new_entry()

"""积案 dialogs: 列为积案, one action with its data, 公开接访日, 不列为积案 (the campaign's lists are in
campaign_dialogs).
Each stays open with the Chinese reason when the service refuses."""
from __future__ import annotations

from datetime import date

from ...domain.problems import DomainError, StaleRecord
from ..qt import QComboBox, QDate, QDateEdit, QDialog, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout
from ..widgets import error_label, make_searchable, ok_cancel_buttons


def date_edit(value: date | None = None) -> QDateEdit:
    w = QDateEdit()
    w.setCalendarPopup(True)
    w.setDisplayFormat("yyyy-MM-dd")
    if value:
        w.setDate(QDate(value.year, value.month, value.day))
    return w


def iso(w: QDateEdit) -> str:
    return w.date().toString("yyyy-MM-dd")


def text_box(placeholder: str = "", height: int = 72) -> QPlainTextEdit:
    w = QPlainTextEdit()
    w.setPlaceholderText(placeholder)
    w.setTabChangesFocus(True)
    w.setFixedHeight(height)
    return w


class FormDialog(QDialog):
    """A form with 确定/取消: `run()` does the work; a DomainError stays on screen in red."""

    def __init__(self, title: str, ok_text: str, parent=None, hint: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.result_value = None
        lay = QVBoxLayout(self)
        if hint:
            h = QLabel(hint)
            h.setWordWrap(True)
            h.setStyleSheet("color: #455a64;")
            lay.addWidget(h)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        lay.addLayout(self.form)
        self.error = error_label()
        lay.addWidget(self.error)
        self.buttons, self.ok_button = ok_cancel_buttons(self, ok_text)
        lay.addWidget(self.buttons)

    def run(self):
        raise NotImplementedError

    def submit(self) -> None:
        try:
            self.result_value = self.run()
        except StaleRecord as exc:                # another seat changed the record: the detail reloads it
            self.stale = exc
            self.reject()
            return
        except DomainError as exc:
            self.error.setText(exc.message)
            self.error.setVisible(True)
            return
        self.accept()


def leader_combo(ws, current: str = "", allow_empty: bool = True) -> QComboBox:
    c = QComboBox()
    if allow_empty:
        c.addItem("（暂不指定）", "")
    for x in ws.backlog.leaders():
        c.addItem(f"{x['name']}（{x['post']}）", x["name"])
    if current:
        c.setCurrentIndex(max(0, c.findData(current)))
    return c


def unit_combo(ws, current: str = "") -> QComboBox:
    c = QComboBox()
    c.addItem("", "")
    for u in ws.units_list():
        c.addItem(f"{u['name']}（{u['code']}）", u["code"])
    make_searchable(c, "输入单位名称的任意部分")
    if current:
        c.setCurrentIndex(max(0, c.findData(current)))
    return c


def combo_value(c: QComboBox) -> str:
    """The chosen item's data; typed text that matches no item is passed on (the service names it)."""
    i = c.findText(c.currentText())
    if i >= 0:
        return c.itemData(i) or ""
    return c.currentText().strip()


class TakeOnDialog(FormDialog):
    """列为积案: batch, source, leader, unit, plan, due date (defaults to the batch's target date)."""

    def __init__(self, ws, actor: str, case, parent=None, source: str = "上级交办"):
        super().__init__(f"列为积案 — {case.number}", "列为积案", parent,
                         hint=f"{case.number} {case.draft.summary}")
        self.ws, self.actor, self.case = ws, actor, case
        self.batch = QComboBox()
        for b in ws.backlog.batches():
            if not b["closed"]:
                self.batch.addItem(f"{b['name']}（目标 {b['target_on']}）", b["id"])
        self.source = QComboBox()
        self.source.addItems(["上级交办", "本级排查"])
        self.source.setCurrentText(source)
        self.leader = leader_combo(ws)
        self.unit = unit_combo(ws, case.handling_unit)
        self.plan = text_box("一案一策：化解的办法、步骤、分工")
        self.due = date_edit()
        self.taken = date_edit(ws.now().date())
        self.batch.currentIndexChanged.connect(self._batch_changed)
        self._batch_changed()
        for label, w in (("交办批次", self.batch), ("积案来源", self.source), ("包案领导", self.leader),
                         ("责任单位", self.unit), ("化解方案", self.plan), ("化解时限", self.due), ("列入日期", self.taken)):
            self.form.addRow(label, w)
        if self.batch.count() == 0:
            self.error.setText("还没有可用的交办批次，请先在“积案”页新建批次")
            self.error.setVisible(True)

    def _batch_changed(self) -> None:
        bid = self.batch.currentData()
        if bid is not None:
            target = date.fromisoformat(self.ws.backlog.batch(bid)["target_on"])
            self.due.setDate(QDate(target.year, target.month, target.day))

    def run(self):
        if self.batch.currentData() is None:
            raise DomainError("请先新建交办批次")
        return self.ws.backlog.take_on(self.case.id, self.batch.currentData(), self.source.currentText(), self.actor,
                                       leader=self.leader.currentData() or "", unit=combo_value(self.unit),
                                       plan=self.plan.toPlainText(), due=iso(self.due), at=iso(self.taken))


ACTION_FORMS = {
    # action: (title, ok text, hint, fields)
    "resolve": ("化解", "确认化解", "记录化解方式和情况；化解后可结案、销号，如有反复可重新打开。",
                (("way", "化解方式"), ("note", "化解情况"))),
    "close": ("结案", "确认结案", "确认该积案已办结。", (("note", "结案说明"),)),
    "reopen": ("重新打开", "重新打开", "信访人仍不满意或问题反复时重新打开，积案回到“未化解”，化解率随之变化。",
               (("reason", "原因"),)),
    "delist": ("销号", "确认销号", "销号后该积案从清单中移出，不能再办理。须经领导审批。",
               (("approver", "审批人"), ("note", "销号说明"))),
    "reassign": ("更换包案领导", "更换", "", (("leader", "新的包案领导"), ("reason", "更换原因"))),
    "plan": ("修改化解方案", "保存", "", (("text", "化解方案"),)),
}


class RecordActionDialog(FormDialog):
    def __init__(self, ws, actor: str, record: dict, action: str, parent=None):
        title, ok, hint, fields = ACTION_FORMS[action]
        super().__init__(f"{title} — 积案 {record['id']}（{record['case']}）", ok, parent, hint=hint)
        self.ws, self.actor, self.record, self.action = ws, actor, record, action
        self.inputs = {}
        for key, label in fields:
            if key == "way":
                w = QComboBox()
                w.addItems(ws.backlog.ways())
            elif key == "leader":
                w = leader_combo(ws, allow_empty=False)
                w.setCurrentIndex(max(0, w.findData(record["leader"]) + 1) % max(1, w.count()))
            elif key in ("note", "text"):
                w = text_box()
                if key == "text":
                    w.setPlainText(record["plan"])
            else:
                w = QLineEdit()
            self.inputs[key] = w
            self.form.addRow(label, w)
        self.at = date_edit(ws.now().date())
        self.form.addRow("日期", self.at)

    def data(self) -> dict:
        out = {}
        for key, w in self.inputs.items():
            if isinstance(w, QComboBox):
                out[key] = w.currentData() if w.currentData() is not None else w.currentText()
            elif isinstance(w, QPlainTextEdit):
                out[key] = w.toPlainText()
            else:
                out[key] = w.text()
        return out

    def run(self):
        at = self.at.date().toPython()
        return self.ws.backlog.act(self.record["id"], self.action, self.actor, at=at, data=self.data(),
                                   version=self.record["version"])


class ReceptionDialog(FormDialog):
    def __init__(self, ws, actor: str, parent=None):
        super().__init__("登记公开接访日", "登记", parent,
                         hint="当天登记时勾选“公开接访”的信访件会自动列入该接访日。")
        self.ws, self.actor = ws, actor
        self.day = date_edit(ws.now().date())
        self.leader = leader_combo(ws, allow_empty=False)
        self.place = QLineEdit()
        self.place.setPlaceholderText("如：区信访局接待大厅")
        self.units = QLineEdit()
        self.units.setPlaceholderText("参加接访的单位，用顿号分隔")
        self.note = QLineEdit()
        for label, w in (("接访日期", self.day), ("接访领导", self.leader), ("接访地点", self.place),
                         ("参加单位", self.units), ("备注", self.note)):
            self.form.addRow(label, w)

    def run(self):
        return self.ws.backlog.add_reception(iso(self.day), self.leader.currentData() or "", self.place.text(),
                                             self.actor, units=self.units.text(), note=self.note.text())


class DismissDialog(FormDialog):
    def __init__(self, ws, actor: str, candidate: dict, parent=None):
        super().__init__(f"不列为积案 — {candidate['case']}", "确认", parent,
                         hint="记录不列为积案的理由；该件有新的办理记录或新的重复信访前不再提示。")
        self.ws, self.actor, self.candidate = ws, actor, candidate
        self.reason = text_box("如：已进入诉讼程序；已签订息诉罢访协议")
        self.form.addRow("理由", self.reason)

    def run(self):
        return self.ws.backlog.dismiss_candidate(self.candidate["case_row"], self.reason.toPlainText(), self.actor)


__all__ = ["TakeOnDialog", "BatchDialog", "LeadersDialog", "RecordActionDialog", "ReceptionDialog", "DismissDialog"]

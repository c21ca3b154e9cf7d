"""Dialogs for the lifecycle actions of a case: each asks for exactly the data its action needs.

A dialog calls `Workspace.act` itself when OK is pressed. A refusal (DomainError) is shown in the dialog in
Chinese and the dialog stays open with everything typed; on success `acted` holds the result and the dialog
accepts. Tests drive the dialogs through `fields` and `ok_button`.
"""
from __future__ import annotations

from datetime import date, datetime

from ..domain.enums import ClosureReason, Rating, ReplyOutcome, Status, TransferTarget
from ..domain.lifecycle import CLOSE_REASONS, Action, ReviewOutcome
from ..domain.model import Case
from ..domain.problems import DomainError, StaleRecord
from .qt import (QCheckBox, QComboBox, QCompleter, Qt, QDate, QDateEdit, QDateTime, QDateTimeEdit, QDialog,
                 QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QSpinBox, QVBoxLayout, QWidget)
from .widgets import ERROR_STYLE, error_label, ok_cancel_buttons  # noqa: F401  (ERROR_STYLE: importable from here)

WARN_STYLE = ("QLabel { color: #6d4c00; background: #fff8e1; border: 1px solid #ffe08a; "
              "border-radius: 4px; padding: 6px; }")

# What each action asks for, in one line, shown at the top of its dialog.
HINTS = {
    Action.FORWARD: "转送：将信访事项转交有权处理的单位办理（《信访工作条例》第二十二条）。",
    Action.ASSIGN: "交办：交有权处理的单位办理，并要求在期限内报送办结报告。",
    Action.ACCEPT: "受理：开始计算 60 日办理期限。",
    Action.DECLINE: "不予受理：请写明理由，并告知信访人。",
    Action.OBJECT: "异议退回：不属本单位职责的，应在收到后 5 个工作日内提出异议并说明理由。",
    Action.EXTEND: "延期：情况复杂的，经本单位负责人批准可延长不超过 30 日，并告知信访人延期理由。",
    Action.REPLY: "答复：出具信访处理意见书（答复意见书）。",
    Action.SERVE: "送达：答复意见书送达信访人，复查申请期（30 日）自送达之日起算。",
    Action.RATE: "评价：记录信访人对办理结果的评价。",
    Action.REVIEW_REQUEST: "申请复查：信访人应在收到答复后 30 日内提出。",
    Action.REVIEW_DECISION: "复查意见：复查机关应在收到申请后 30 日内作出。",
    Action.RECHECK_REQUEST: "申请复核：信访人应在收到复查意见后 30 日内提出。",
    Action.HEARING: "听证：听证所需时间不计入复核期限。",
    Action.RECHECK_DECISION: "复核意见：复核后同一事实和理由不再受理。",
    Action.CLOSE: "终结：请选择终结理由（只列出当前状态适用的理由）。",
    Action.INFORM: "告知：不属于本级受理范围的，告知信访人向有权机关提出。",
    Action.TRANSFER: "转政法/纪检：涉法涉诉事项转政法机关，检举控告事项转纪检监察机关。",
    Action.ARCHIVE: "存档：无须办理的，存档备查并写明理由。",
}


def attach_unit_completer(edit: QLineEdit, ws) -> None:
    """Offer the unit directory (names and codes) while a unit is typed; does nothing without a directory."""
    units_list = getattr(ws, "units_list", None)
    if not callable(units_list):
        return
    try:
        units = units_list()
    except Exception:          # an empty or broken directory must not stop the form
        return
    words = []
    for u in units:
        for key in ("name", "code"):
            if u.get(key) and u[key] not in words:
                words.append(u[key])
    if not words:
        return
    completer = QCompleter(words, edit)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    edit.setCompleter(completer)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _days(most: int, value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(1, most)
    box.setValue(value)
    box.setSuffix(" 日")
    return box


def _pydatetime(edit: QDateTimeEdit) -> datetime:
    d, t = edit.date(), edit.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def _combo(values, current: str = "") -> QComboBox:
    box = QComboBox()
    for v in values:
        box.addItem(v, v)
    if current:
        i = box.findData(current)
        if i >= 0:
            box.setCurrentIndex(i)
    return box


class OptionalDate(QWidget):
    """A date that may be left out: a checkbox turns the date field on."""

    def __init__(self, label: str, default: date, checked: bool = False, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(label)
        self.edit = QDateEdit(_qdate(default))
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.check.setChecked(checked)
        self.edit.setEnabled(checked)
        self.check.toggled.connect(self.edit.setEnabled)
        row.addWidget(self.check)
        row.addWidget(self.edit, 1)
        self.setFocusProxy(self.check)

    def value(self) -> str:
        return _pydate(self.edit.date()).isoformat() if self.check.isChecked() else ""

    def set_value(self, d: date | None) -> None:
        self.check.setChecked(d is not None)
        if d is not None:
            self.edit.setDate(_qdate(d))


class ActionDialog(QDialog):
    """Ask for the data of one action, then call ws.act; stay open on a refusal."""

    def __init__(self, ws, actor: str, case: Case, action: Action | str, parent=None):
        super().__init__(parent)
        self.ws, self.actor, self.case = ws, actor, case
        self.action = Action(action)
        self.acted = None
        self.fields: dict[str, QWidget] = {}
        self.setWindowTitle(f"{self.action.label} — {case.number}")
        self.setMinimumWidth(520)

        outer = QVBoxLayout(self)
        hint = QLabel(HINTS.get(self.action, ""))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #455a64;")
        outer.addWidget(hint)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        outer.addLayout(form)
        self.form = form

        now = ws.now()
        self.at = QDateTimeEdit(QDateTime(now))
        self.at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.at.setCalendarPopup(True)
        self.fields["at"] = self.at
        form.addRow("办理时间", self.at)
        self._build(now)

        self.note = QLineEdit()
        self.note.setPlaceholderText("可不填")
        self.fields["note"] = self.note
        form.addRow("备注", self.note)

        self.error = error_label()
        outer.addWidget(self.error)

        buttons, self.ok_button = ok_cancel_buttons(self, f"确定{self.action.label}")
        outer.addWidget(buttons)

        first = next((w for k, w in self.fields.items() if k not in ("at", "note")), self.at)
        first.setFocus()

    # ---- fields per action --------------------------------------------------------------------
    def _add(self, key: str, label: str, widget: QWidget) -> QWidget:
        self.fields[key] = widget
        self.form.addRow(label, widget)
        return widget

    def _line(self, key: str, label: str, placeholder: str = "", text: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setPlaceholderText(placeholder)
        if key == "unit":
            attach_unit_completer(edit, self.ws)
        return self._add(key, label, edit)

    def _text(self, key: str, label: str, placeholder: str = "") -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(80)
        return self._add(key, label, edit)

    def _build(self, now: datetime) -> None:
        a, case = self.action, self.case
        if a in (Action.FORWARD, Action.ASSIGN):
            route = case.route or {}
            suggested = case.handling_unit_name or case.handling_unit or route.get("unit_name") or route.get("unit") or ""
            edit = self._line("unit", "承办单位", "单位编码或名称", suggested)
            if suggested and not case.handling_unit:
                edit.setToolTip("已按分流建议填写，可修改")
                self.form.addRow("", QLabel(f"<span style='color:#455a64'>分流建议：{suggested}</span>"))
            if a == Action.ASSIGN:
                self._add("report_due", "报告期限", OptionalDate("要求在此日期前报送办结报告", now.date()))
        elif a == Action.ACCEPT:
            if case.status == Status.REGISTERED:
                self._line("unit", "承办单位", "本单位直接受理时可不填", case.handling_unit)
        elif a == Action.DECLINE:
            self._text("reason", "不予受理理由", "必填，如：已进入诉讼程序")
        elif a == Action.OBJECT:
            self._text("reason", "异议理由", "必填：为什么不属于本单位职责")
            self._line("unit", "建议承办单位", "可不填")
        elif a == Action.ARCHIVE:
            self._text("reason", "存档理由", "必填")
        elif a == Action.EXTEND:
            self._add("days", "延长天数", _days(30, 30))
            self._line("approver", "批准人", "本单位负责人姓名（必填）")
            self._text("reason", "延期理由", "必填，将告知信访人")
        elif a == Action.REPLY:
            self._add("outcome", "答复意见", _combo([o.value for o in ReplyOutcome]))
            # the text of the 处理意见书 (printed from these three)
            self._text("facts", "查明事实", "经调查核实的情况")
            self._text("decision", "处理意见", "对信访人诉求的处理意见")
            self._text("basis", "依据", "所依据的法律、法规、政策条文")
        elif a == Action.SERVE:
            self._add("served_on", "送达日期", self._date_edit(now.date()))
        elif a == Action.RATE:
            self._add("rating", "评价结果", _combo([r.value for r in Rating]))
        elif a in (Action.REVIEW_REQUEST, Action.RECHECK_REQUEST):
            self._line("body", "受理机关", "复查/复核机关，可不填")
        elif a in (Action.REVIEW_DECISION, Action.RECHECK_DECISION):
            what = "复查意见" if a == Action.REVIEW_DECISION else "复核意见"
            self._add("outcome", what, _combo([o.value for o in ReviewOutcome]))
            self._add("served_on", "送达日期", self._date_edit(now.date()))
        elif a == Action.HEARING:
            self._add("days", "听证天数", _days(365, 1))
        elif a == Action.CLOSE:
            reasons = [r.value for r in ClosureReason if case.status in CLOSE_REASONS[r]]
            self._add("reason", "终结理由", _combo(reasons))
        elif a == Action.INFORM:
            self._line("where", "告知去向", "应向何机关提出（必填）")
        elif a == Action.TRANSFER:
            self._add("to", "转往", _combo([t.value for t in TransferTarget]))
            self._line("unit", "接收单位", "可不填")

    def _date_edit(self, d: date) -> QDateEdit:
        edit = QDateEdit(_qdate(d))
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    # ---- values and submit -------------------------------------------------------------------------
    def at_value(self) -> datetime:
        return _pydatetime(self.at)

    def data(self) -> dict:
        out: dict = {}
        for key, w in self.fields.items():
            if key == "at":
                continue
            if isinstance(w, QLineEdit):
                value = w.text().strip()
            elif isinstance(w, QPlainTextEdit):
                value = w.toPlainText().strip()
            elif isinstance(w, QComboBox):
                value = w.currentData() or w.currentText()
            elif isinstance(w, QSpinBox):
                value = w.value()
            elif isinstance(w, QDateEdit):
                value = _pydate(w.date()).isoformat()
            elif isinstance(w, OptionalDate):
                value = w.value()
            else:
                continue
            if value not in ("", None):
                out[key] = value
        return out

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def submit(self) -> None:
        try:
            self.acted = self.ws.act(self.case.id, self.action.value, self.actor, self.at_value(), self.data(),
                                     version=self.case.version)
        except StaleRecord as e:                  # another seat changed the case: the detail reloads it
            self.stale = e
            self.reject()
            return
        except DomainError as e:
            self.show_error(e.message)
            return
        self.show_error("")
        self.accept()

"""Dialogs of the dispute actions: each asks for exactly the data its action needs; a refusal is shown in
Chinese inside the dialog, which stays open with everything typed."""
from __future__ import annotations

from datetime import datetime

from ...domain import mediation as m
from ...domain.problems import DomainError, StaleRecord
from ..qt import (QCheckBox, QComboBox, QDate, QDateEdit, QDateTime, QDateTimeEdit, QDialog, QFormLayout, QHBoxLayout,
                  QLabel, QLineEdit, QPlainTextEdit, QTime, QVBoxLayout, QWidget)
from ..widgets import error_label, hint_label, ok_cancel_buttons

# (key, label, kind, choices); a dotted key goes into a nested object (performance.due → {"performance": {"due"}})
FIELDS = {
    "accept": [],
    "decline": [("reason", "理由", "combo", m.DECLINE_GROUNDS), ("note", "说明", "line", ())],
    "session": [("place", "调解地点", "line", ()), ("participants", "参加人（用“、”分隔）", "line", ()),
                ("mediators", "调解员", "line", ()), ("recorder", "记录人", "line", ()),
                ("record", "调解情况", "text", ())],
    "extend": [("consent", "各方当事人同意延长", "check", ()), ("reason", "理由", "line", ())],
    "succeed": [("form", "协议形式", "combo", ("书面", "口头")), ("terms", "协议内容", "text", ()),
                ("performance.manner", "履行方式", "line", ()), ("performance.place", "履行地点", "line", ()),
                ("performance.due", "履行期限", "date", ()), ("amount", "协议金额（元）", "line", ()),
                ("effective", "生效日期（各方签字之日）", "date", ())],
    "fail": [("reason", "调解不成的原因", "text", ()), ("channels", "已告知的途径", "checks", [c.value for c in m.FailChannel])],
    "withdraw": [("reason", "撤回理由", "line", ())],
    "handover": [("kind", "移交为", "combo", ("行政调解", "司法调解")), ("body", "接收单位", "line", ()),
                 ("reason", "移交理由", "line", ())],
    "perform": [("status", "履行情况", "combo", [p.value for p in m.Performance]), ("evidence", "履行凭证", "line", ())],
    "confirm-apply": [("court", "受理法院", "line", ())],
    "confirm-result": [("result", "结果", "combo", [r.value for r in m.ConfirmResult]), ("number", "裁定书/决定书文号", "line", ())],
    "followup": [("visited", "受访人", "line", ()), ("satisfaction", "满意度", "combo", [s.value for s in m.Satisfaction]),
                 ("performance_seen", "履行情况", "line", ()), ("note", "回访情况", "text", ()), ("risks", "新的隐患", "line", ())],
    "archive": [("volume_no", "卷号", "line", ()), ("filed_by", "立卷人", "line", ()),
                ("retention", "保管期限", "combo", ("长期", "永久", "短期"))],
}
HINTS = {
    "accept": "受理：开始计算调解期限（默认 30 日，可在设置中修改）。",
    "decline": "不予受理（人民调解法第十七条等）：请选择理由，并告知当事人。",
    "session": "调解记录：时间、地点、参加人和调解经过；可以记录多次。",
    "extend": "延长调解期限：须经各方当事人同意，只能延长一次。",
    "succeed": "调解成功：书面协议自各方签字、调解员签字并盖章之日起生效；口头协议自达成之日起生效。",
    "fail": "调解不成：终止调解，并告知当事人可以通过诉讼、仲裁、行政处理或信访等途径解决（人民调解法第二十六条）。",
    "withdraw": "撤回：当事人撤回调解申请。",
    "handover": "转其他调解：移交行政调解或司法调解，写明接收单位和理由。",
    "perform": "履行情况：按期履行或即时履行后，履行期限停止计算。",
    "confirm-apply": "申请司法确认：双方当事人应自协议生效之日起 30 日内共同申请（人民调解法第三十三条）；"
                     "逾期的申请照常记录，但标记为逾期申请。",
    "confirm-result": "司法确认结果：确认有效的协议可以向法院申请强制执行。",
    "followup": "回访：了解协议履行情况和当事人满意度，发现新的隐患。",
    "archive": "归档：先检查卷宗材料是否齐全，缺少必备材料的不能归档。",
}


class DisputeActionDialog(QDialog):
    def __init__(self, ws, actor: str, dispute: dict, action: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor, self.dispute, self.action = ws, actor, dispute, action
        self.result_dispute: dict | None = None
        self.warnings: tuple[str, ...] = ()
        self.setWindowTitle(f"{m.Action(action).label} — {dispute['number']}")
        self.setMinimumWidth(560)
        lay = QVBoxLayout(self)
        lay.addWidget(hint_label(HINTS.get(action, "")))
        form = QFormLayout()
        now = ws.now()
        self.at = QDateTimeEdit(QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, now.minute)))
        self.at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.at.setCalendarPopup(True)
        form.addRow("办理时间", self.at)
        self.fields: dict[str, QWidget] = {}
        for key, label, kind, choices in FIELDS.get(action, []):
            w = self._widget(key, kind, choices)
            self.fields[key] = w
            form.addRow(label, w)
        if dispute.get("petition") and action in ("succeed", "perform"):
            text = "同时终结关联信访件（达成调解协议）" if action == "succeed" else "同时终结关联信访件（调解协议已履行）"
            self.close_petition = QCheckBox(text)
            form.addRow("", self.close_petition)
        else:
            self.close_petition = None
        lay.addLayout(form)
        self.error = error_label()
        lay.addWidget(self.error)
        buttons, self.ok_button = ok_cancel_buttons(self, m.Action(action).label)
        lay.addWidget(buttons)

    def _widget(self, key: str, kind: str, choices) -> QWidget:
        d = self.dispute
        if kind == "combo":
            w = QComboBox()
            w.addItems(list(choices))
            return w
        if kind == "text":
            w = QPlainTextEdit()
            w.setTabChangesFocus(True)
            w.setMinimumHeight(90)
            return w
        if kind == "check":
            return QCheckBox()
        if kind == "date":
            w = QDateEdit()
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            now = self.ws.now()
            w.setDate(QDate(now.year, now.month, now.day))
            return w
        if kind == "checks":
            holder = QWidget()
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            holder.boxes = []
            for c in choices:
                b = QCheckBox(c)
                row.addWidget(b)
                holder.boxes.append(b)
            return holder
        w = QLineEdit()
        if key == "mediators":
            w.setText("、".join(x["name"] for x in d["mediators"]))
        elif key == "recorder":
            w.setText(d.get("recorder", ""))
        elif key == "participants":
            w.setText("、".join(p["name"] for p in d["parties"]))
        elif key == "filed_by":
            w.setText(self.actor)
        elif key == "volume_no":
            w.setText(d["number"])
        return w

    def data(self) -> dict:
        out: dict = {}
        for key, w in self.fields.items():
            if isinstance(w, QComboBox):
                value = w.currentText()
            elif isinstance(w, QPlainTextEdit):
                value = w.toPlainText().strip()
            elif isinstance(w, QCheckBox):
                value = w.isChecked()
            elif isinstance(w, QDateEdit):
                value = w.date().toString("yyyy-MM-dd")
            elif hasattr(w, "boxes"):
                value = [b.text() for b in w.boxes if b.isChecked()]
            else:
                value = w.text().strip()
            if "." in key:
                outer, inner = key.split(".", 1)
                out.setdefault(outer, {})[inner] = value
            else:
                out[key] = value
        if self.close_petition is not None and self.close_petition.isChecked():
            out["close_petition"] = "达成调解协议" if self.action == "succeed" else "调解协议已履行"
        return out

    def when(self) -> datetime:
        return datetime.fromisoformat(self.at.dateTime().toString("yyyy-MM-dd HH:mm"))

    def submit(self) -> None:
        try:
            self.result_dispute, self.warnings = self.ws.mediation.act(self.dispute["row"], self.action, self.actor,
                                                                       self.when(), self.data(),
                                                                       version=self.dispute["version"])
        except StaleRecord as exc:                # another seat changed the dispute: the detail reloads it
            self.stale = exc
            self.reject()
            return
        except DomainError as exc:
            self.error.setText(exc.message)
            self.error.setVisible(True)
            return
        self.accept()

"""转人民调解 from a petition's detail: choose the committee, mediators, type and the other side; the dispute
is created from the petition's data and linked both ways."""
from __future__ import annotations

from datetime import datetime

from ...domain.problems import DomainError, StaleRecord
from ..qt import QComboBox, QDialog, QFormLayout, QLineEdit, QVBoxLayout
from ..widgets import error_label, hint_label, ok_cancel_buttons


class ReferDialog(QDialog):
    def __init__(self, ws, actor: str, case, parent=None):
        super().__init__(parent)
        self.ws, self.actor, self.case = ws, actor, case
        self.dispute: dict | None = None
        self.setWindowTitle(f"转人民调解 — {case.number}")
        self.setMinimumWidth(520)
        lay = QVBoxLayout(self)
        lay.addWidget(hint_label("访调对接：以本信访件的信访人、摘要和诉求登记一件人民调解纠纷（来源“委托移送·信访”），"
                                 "两者相互关联；待处置的信访件同时直接受理。调解达成协议后可一步终结本信访件。"))
        form = QFormLayout()
        self.committee = QComboBox()
        for c in ws.mediation.committees():
            self.committee.addItem(c["name"], c["name"])
        self.committee.currentIndexChanged.connect(self._fill_mediators)
        self.mediators = QLineEdit()
        self.type = QComboBox()
        self.type.addItems(ws.mediation.types())
        self.respondent = QLineEdit()
        self.respondent.setPlaceholderText("纠纷另一方的姓名或单位名称")
        self.respondent_kind = QComboBox()
        self.respondent_kind.addItems(["个人", "单位"])
        for label, w in (("调解委员会", self.committee), ("调解员", self.mediators), ("纠纷类型", self.type),
                         ("被申请人", self.respondent), ("被申请人类别", self.respondent_kind)):
            form.addRow(label, w)
        lay.addLayout(form)
        self.error = error_label()
        lay.addWidget(self.error)
        buttons, self.ok_button = ok_cancel_buttons(self, "转人民调解")
        lay.addWidget(buttons)
        self._fill_mediators()

    def _fill_mediators(self) -> None:
        names = [x["name"] for x in self.ws.mediation.mediators(self.committee.currentData())] \
            if self.committee.count() else []
        self.mediators.setText(names[0] if names else "")

    def submit(self) -> None:
        data = {"committee": self.committee.currentData() or "", "mediators": self.mediators.text().strip(),
                "type": self.type.currentText()}
        if self.respondent.text().strip():
            data["respondent"] = self.respondent.text().strip()
            data["respondent_kind"] = self.respondent_kind.currentText()
        try:
            self.dispute = self.ws.mediation.refer_from_petition(self.case.row, data, self.actor, self.ws.now(),
                                                                 version=self.case.version)
        except StaleRecord as exc:                # another seat changed the case: the detail reloads it
            self.stale = exc
            self.reject()
            return
        except DomainError as exc:
            self.error.setText(exc.message)
            self.error.setVisible(True)
            return
        self.accept()

"""纠纷登记: a keyboard-first form (Tab moves on, Ctrl+Enter saves) with the parties as a table; every
problem (ID number check digit, phone, credit code, missing respondent …) shows while typing."""
from __future__ import annotations

from ...domain import mediation as m
from ...domain.problems import DomainError
from ..qt import (QCheckBox, QComboBox, QDateTime, QDateTimeEdit, QFormLayout, QHBoxLayout, QHeaderView, QKeySequence,
                  QLabel, QLineEdit, QPlainTextEdit, QPushButton, QShortcut, QSpinBox, Qt, QTableWidget,
                  QTableWidgetItem, QTimer, QVBoxLayout, QWidget, Signal)
from ..widgets import BANNER_STYLES

PARTY_COLUMNS = ("身份", "类别", "姓名／名称", "身份证号／信用代码", "电话", "代理人", "住址")
TEXT_COLUMNS = {"name": 2, "id_number": 3, "phone": 4, "agent": 5, "address": 6}


class DisputeRegisterForm(QWidget):
    saved = Signal(int)

    def __init__(self, ws, actor: str, parent=None, petition: str | None = None):
        super().__init__(parent)
        self.ws, self.actor, self.petition = ws, actor, petition
        med = ws.mediation
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        lay.addWidget(self.banner)
        top = QHBoxLayout()
        left, right = QFormLayout(), QFormLayout()
        top.addLayout(left, 1)
        top.addLayout(right, 1)
        self.committee = QComboBox()
        for c in med.committees():
            self.committee.addItem(c["name"], c["name"])
        self.committee.currentIndexChanged.connect(self._committee_changed)
        self.mediators = QLineEdit()
        self.mediators.setPlaceholderText("调解员姓名，多人用“、”分隔")
        self.recorder = QLineEdit()
        now = ws.now()
        self.received = QDateTimeEdit(QDateTime.fromString(now.strftime("%Y-%m-%d %H:%M"), "yyyy-MM-dd HH:mm"))
        self.received.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.received.setCalendarPopup(True)
        self.source = QComboBox()
        self.source.addItems([s.value for s in m.Source])
        self.referred_by = QComboBox()
        self.referred_by.addItems([""] + [r.value for r in m.ReferredBy])
        self.referral_no = QLineEdit()
        self.type = QComboBox()
        self.type.addItems(med.types())
        self.kind = QComboBox()
        self.kind.addItems([k.value for k in m.MediationKind])
        self.risk = QComboBox()
        self.risk.addItems(["", "低", "中", "高"])
        self.risk_boxes = [QCheckBox(r) for r in m.RISK_REASONS[:2]]
        risk_row = QHBoxLayout()
        risk_row.addWidget(self.risk)
        for b in self.risk_boxes:
            risk_row.addWidget(b)
        self.headcount = QSpinBox()
        self.headcount.setRange(0, 100000)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("元")
        self.grid_worker = QLineEdit()
        for label, w in (("调解委员会", self.committee), ("调解员", self.mediators), ("记录人", self.recorder),
                         ("收到时间", self.received), ("来源", self.source), ("移送单位", self.referred_by),
                         ("移送文号", self.referral_no)):
            left.addRow(label, w)
        for label, w in (("纠纷类型", self.type), ("调解类别", self.kind), ("风险", risk_row),
                         ("涉及人数", self.headcount), ("涉及金额", self.amount), ("网格员", self.grid_worker)):
            right.addRow(label, w)
        lay.addLayout(top)
        lay.addWidget(QLabel("当事人（申请人、被申请人、第三人；Tab 逐格填写）"))
        self.parties = QTableWidget(0, len(PARTY_COLUMNS))
        self.parties.setObjectName("partiesTable")
        self.parties.setHorizontalHeaderLabels(list(PARTY_COLUMNS))
        self.parties.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.parties.horizontalHeader().setStretchLastSection(True)
        for i, w in enumerate((80, 70, 150, 200, 130, 130)):
            self.parties.setColumnWidth(i, w)
        self.parties.setTabKeyNavigation(True)
        self.parties.setMinimumHeight(120)
        self.parties.horizontalHeaderItem(5).setToolTip("委托代理人或法定代理人的姓名（及联系方式），没有可不填")
        self.parties.itemChanged.connect(lambda _: self._debounce.start())
        lay.addWidget(self.parties)
        prow = QHBoxLayout()
        self.add_applicant = QPushButton("+ 申请人")
        self.add_respondent = QPushButton("+ 被申请人")
        self.add_third = QPushButton("+ 第三人")
        self.remove_party = QPushButton("删除所选当事人")
        self.add_applicant.clicked.connect(lambda: self.add_party("申请人"))
        self.add_respondent.clicked.connect(lambda: self.add_party("被申请人"))
        self.add_third.clicked.connect(lambda: self.add_party("第三人"))
        self.remove_party.clicked.connect(self._remove_party)
        for b in (self.add_applicant, self.add_respondent, self.add_third, self.remove_party):
            prow.addWidget(b)
        prow.addStretch(1)
        lay.addLayout(prow)
        body = QFormLayout()
        self.summary = QPlainTextEdit()
        self.summary.setTabChangesFocus(True)
        self.summary.setMaximumHeight(80)
        self.requests = QPlainTextEdit()
        self.requests.setTabChangesFocus(True)
        self.requests.setMaximumHeight(54)
        body.addRow("纠纷简要情况", self.summary)
        body.addRow("申请事项", self.requests)
        lay.addLayout(body)
        self.problems = QLabel()
        self.problems.setObjectName("problems")
        self.problems.setWordWrap(True)
        lay.addWidget(self.problems)
        brow = QHBoxLayout()
        brow.addStretch(1)
        self.save_button = QPushButton("保存登记（Ctrl+Enter）")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        brow.addWidget(self.save_button)
        lay.addLayout(brow)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.check)
        for w in (self.mediators, self.amount, self.grid_worker, self.referral_no):
            w.textChanged.connect(lambda _: self._debounce.start())
        for w in (self.summary, self.requests):
            w.textChanged.connect(self._debounce.start)
        for w in (self.source, self.type, self.risk, self.referred_by):
            w.currentIndexChanged.connect(lambda _: self._debounce.start())
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            sc = QShortcut(QKeySequence(seq), self)
            sc.setContext(Qt.WidgetWithChildrenShortcut)
            sc.activated.connect(self.save)
        self.add_party("申请人")
        self.add_party("被申请人")
        self._committee_changed()

    def showEvent(self, event) -> None:
        self.refresh_types()                  # 设置 may have changed the dictionary meanwhile
        super().showEvent(event)

    def refresh_types(self) -> None:
        names, current = self.ws.mediation.types(), self.type.currentText()
        if names == [self.type.itemText(i) for i in range(self.type.count())]:
            return
        self.type.blockSignals(True)
        self.type.clear()
        self.type.addItems(names)
        self.type.setCurrentIndex(max(0, names.index(current)) if current in names else 0)
        self.type.blockSignals(False)

    def _committee_changed(self) -> None:
        names = [x["name"] for x in self.ws.mediation.mediators(self.committee.currentData() or "")] \
            if self.committee.count() else []
        self.mediators.setToolTip("本委员会调解员：" + "、".join(names))
        if names and not self.mediators.text():
            self.mediators.setText(names[0])

    def add_party(self, side: str, name: str = "", id_number: str = "", phone: str = "", kind: str = "个人",
                  address: str = "", agent: str = "") -> None:
        self.parties.blockSignals(True)
        r = self.parties.rowCount()
        self.parties.insertRow(r)
        side_box = QComboBox()
        side_box.addItems([s.value for s in m.Side])
        side_box.setCurrentText(side)
        kind_box = QComboBox()
        kind_box.addItems(["个人", "单位"])
        kind_box.setCurrentText(kind)
        side_box.currentIndexChanged.connect(lambda _: self._debounce.start())
        kind_box.currentIndexChanged.connect(lambda _: self._debounce.start())
        self.parties.setCellWidget(r, 0, side_box)
        self.parties.setCellWidget(r, 1, kind_box)
        values = {"name": name, "id_number": id_number, "phone": phone, "agent": agent, "address": address}
        for key, c in TEXT_COLUMNS.items():
            self.parties.setItem(r, c, QTableWidgetItem(values[key]))
        self.parties.blockSignals(False)
        self.parties.setCurrentCell(r, 2)

    def _remove_party(self) -> None:
        r = self.parties.currentRow()
        if r >= 0:
            self.parties.removeRow(r)
            self._debounce.start()

    def data(self) -> dict:
        parties = []
        for r in range(self.parties.rowCount()):
            cell = (lambda c: (self.parties.item(r, c).text().strip() if self.parties.item(r, c) else ""))
            if not any(cell(c) for c in TEXT_COLUMNS.values()):
                continue
            parties.append({"side": self.parties.cellWidget(r, 0).currentText(),
                            "kind": self.parties.cellWidget(r, 1).currentText(),
                            **{key: cell(c) for key, c in TEXT_COLUMNS.items()}})
        out = {"committee": self.committee.currentData() or "", "mediators": self.mediators.text(),
               "recorder": self.recorder.text().strip(),
               "received_at": self.received.dateTime().toString("yyyy-MM-dd HH:mm"),
               "source": self.source.currentText(), "type": self.type.currentText(), "kind": self.kind.currentText(),
               "risk": self.risk.currentText(), "risk_reasons": [b.text() for b in self.risk_boxes if b.isChecked()],
               "headcount": self.headcount.value() or len(parties), "amount": self.amount.text().strip(),
               "grid_worker": self.grid_worker.text().strip(), "parties": parties,
               "summary": self.summary.toPlainText().strip(), "requests": self.requests.toPlainText().strip()}
        if self.source.currentText() == "委托移送":
            out["referred_by"] = self.referred_by.currentText()
            out["referral_no"] = self.referral_no.text().strip()
        if self.petition:
            out["petition"] = self.petition
        return out

    def check(self) -> list:
        self._debounce.stop()
        _, problems = self.ws.mediation.check_registration(self.data())
        if problems:
            self.problems.setText("<br>".join(("✘ " if p.level == "error" else "⚠ ") + p.message for p in problems))
            self.problems.setStyleSheet(BANNER_STYLES["error" if any(p.level == "error" for p in problems) else "warn"])
        else:
            self.problems.setText("✔ 可以保存")
            self.problems.setStyleSheet(BANNER_STYLES["ok"])
        if not any(p.level == "error" for p in problems):
            self.banner.setVisible(False)     # the refusal of an earlier 保存 is no longer true
        return problems

    def save(self) -> int | None:
        try:
            d = self.ws.mediation.register(self.data(), self.actor)
        except DomainError as exc:
            self.check()
            self.banner.setText(exc.message)
            self.banner.setStyleSheet(BANNER_STYLES["error"])
            self.banner.setVisible(True)
            return None
        self.banner.setVisible(False)
        self.saved.emit(d["row"])
        return d["row"]

    def stop_timers(self) -> None:
        self._debounce.stop()

"""纠纷 list: filters (调委会, 调解员, 类型, 来源, 状态, 期限), a search box that filters as you type, the table."""
from __future__ import annotations

from dataclasses import replace

from ...domain import mediation as m
from ...services.mediation import DisputeFilter
from ..qt import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, Qt,
                  QTableView, QTimer, QVBoxLayout, QWidget, Signal)
from .list_model import COLUMNS, DisputeListModel, RowRole

ALL = "全部"


def _combo(items: list[tuple[str, object]], name: str) -> QComboBox:
    c = QComboBox()
    c.setObjectName(name)
    for text, value in items:
        c.addItem(text, value)
    c.setMinimumContentsLength(6)
    c.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return c


class DisputeListScreen(QWidget):
    openDispute = Signal(int)
    newDispute = Signal()

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        med = ws.mediation
        self.model = DisputeListModel(ws, self)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        bar = QHBoxLayout()
        self.committee = _combo([(ALL, "")] + [(c["name"], c["code"]) for c in med.committees()], "committeeFilter")
        self.mediator = _combo([(ALL, 0)] + [(f"{x['name']}（{x['committee_name'][:6]}）", x["id"])
                                             for x in med.mediators()], "mediatorFilter")
        self.type = _combo([(ALL, "")] + [(t, t) for t in med.types()], "typeFilter")
        self.source = _combo([(ALL, "")] + [(s.value, s.value) for s in m.Source], "sourceFilter")
        self.status = _combo([(ALL, "")] + [(s.label, s.value) for s in m.DisputeStatus], "statusFilter")
        self.due = _combo([(ALL, ""), ("逾期", "逾期"), ("临期", "临期")], "dueFilter")
        for label, w in (("调委会", self.committee), ("调解员", self.mediator), ("类型", self.type), ("来源", self.source),
                         ("状态", self.status), ("期限", self.due)):
            bar.addWidget(QLabel(label))
            bar.addWidget(w)
            w.currentIndexChanged.connect(lambda _: self.apply_filters())
        lay.addLayout(bar)
        row2 = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("disputeSearch")
        self.search.setPlaceholderText("搜索：案号、当事人姓名、身份证号、电话、调解员或简要情况的任意片段")
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.search.returnPressed.connect(self.apply_filters)
        self.count_label = QLabel()
        self.new_button = QPushButton("登记纠纷（Ctrl+Shift+N）")
        self.new_button.clicked.connect(self.newDispute.emit)
        row2.addWidget(self.search, 1)
        row2.addWidget(self.count_label)
        row2.addWidget(self.new_button)
        lay.addLayout(row2)
        self.table = QTableView()
        self.table.setObjectName("disputeTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(28)
        for i, (_, _, width) in enumerate(COLUMNS):
            self.table.setColumnWidth(i, width)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().sectionClicked.connect(self._sort)
        self.table.doubleClicked.connect(lambda idx: self._open(idx.row()))
        self.table.activated.connect(lambda idx: self._open(idx.row()))
        lay.addWidget(self.table, 1)
        self._complete = QTimer(self)
        self._complete.setSingleShot(True)
        self._complete.setInterval(0)
        self._complete.timeout.connect(self.model.complete)

    def current_filter(self) -> DisputeFilter:
        f = DisputeFilter(committee=self.committee.currentData() or "", mediator=self.mediator.currentData() or 0,
                          type=self.type.currentData() or "", source=self.source.currentData() or "",
                          status=(self.status.currentData(),) if self.status.currentData() else (), text=self.search.text().strip())
        if self.due.currentData():
            f = self.ws.mediation.due_filter(self.due.currentData(), f)
        return f

    def apply_filters(self) -> None:
        self._debounce.stop()
        self.model.load(self.current_filter())
        self.count_label.setText(f"共 {self.model.total:,} 件")
        self._complete.start()

    def refresh(self) -> None:
        self.apply_filters()

    def showEvent(self, event) -> None:
        self.refresh_types()
        super().showEvent(event)

    def refresh_types(self) -> None:
        """The type filter offers the dictionary (设置 may have changed it) and any type still on old disputes."""
        names = list(self.ws.mediation.types())
        names += sorted(t for t in self.ws.mediation.type_usage() if t not in names)
        if names == [self.type.itemData(i) for i in range(1, self.type.count())]:
            return
        current = self.type.currentData()
        self.type.blockSignals(True)
        while self.type.count() > 1:
            self.type.removeItem(1)
        for t in names:
            self.type.addItem(t, t)
        self.type.setCurrentIndex(max(0, self.type.findData(current)))
        self.type.blockSignals(False)

    def _sort(self, section: int) -> None:
        key = COLUMNS[section][1]
        if not key:
            return
        desc = not (self.model.order == key and self.model.descending)
        self.table.horizontalHeader().setSortIndicator(section, Qt.DescendingOrder if desc else Qt.AscendingOrder)
        self.model.load(order=key, descending=desc)

    def _open(self, r: int) -> None:
        rid = self.model.row_id(r)
        if rid is not None:
            self.openDispute.emit(rid)

    def show_filter(self, **kw) -> None:
        """Select filters by value (used by the 工作台) and reload."""
        for key, value in kw.items():
            combo = getattr(self, key)
            i = combo.findData(value)
            if i >= 0:
                combo.blockSignals(True)
                combo.setCurrentIndex(i)
                combo.blockSignals(False)
        self.apply_filters()

    def stop_timers(self) -> None:
        self._debounce.stop()
        self._complete.stop()

"""The 积案 part of the 工作台: a leader sees his own 包案 items first, with their due state; everyone else
sees the counts (未化解, 逾期, 临期 …), each opening the 积案 page."""
from __future__ import annotations

from ..qt import (QAbstractItemView, QColor, QFrame, QHBoxLayout, QHeaderView, QLabel, QPushButton, Qt, QTableWidget,
                  QTableWidgetItem, QVBoxLayout, Signal)
from .board import DUE_COLOURS, RED

COUNTS = ("未化解", "逾期", "临期", "已化解", "已结案", "已销号")


class BacklogPanel(QFrame):
    openRecord = Signal(int)
    showBoard = Signal()

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.setObjectName("panel")
        self.ws, self.actor = ws, actor
        self.data: dict = {}
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        more = QPushButton("打开积案看板")
        more.setObjectName("linkButton")
        more.clicked.connect(self.showBoard)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        everyone = QLabel("全部积案：")
        everyone.setObjectName("hint")
        head.addWidget(everyone)
        self.count_labels: dict[str, QLabel] = {}
        for name in COUNTS:
            label = QLabel()
            label.setObjectName("hint")
            self.count_labels[name] = label
            head.addWidget(label)
        head.addWidget(more)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("myBacklogTable")
        self.table.setHorizontalHeaderLabels(["化解时限", "时限状态", "信访件编号", "反映问题", "责任单位", "状态"])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        for c, w in enumerate((92, 72, 128)):
            self.table.setColumnWidth(c, w)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.table.cellActivated.connect(self._activated)
        self.table.cellDoubleClicked.connect(self._activated)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.addLayout(head)
        lay.addWidget(self.table)

    @property
    def is_leader(self) -> bool:
        return bool(self.data.get("leader"))

    def refresh(self) -> None:
        self.data = self.ws.backlog.workbench(self.actor)
        self.setVisible(self.data.get("visible", True))
        counts = self.data["counts"]
        for name, label in self.count_labels.items():
            label.setText(f"{name} {counts[name]}")
            label.setStyleSheet(f"color: {RED}; font-weight: bold;" if name == "逾期" and counts[name] else "")
        mine = self.data["mine"]
        if self.is_leader:
            overdue = sum(r["due_state"] == "逾期" for r in mine)
            self.title.setText(f"我的包案（{self.data['leader']}）：{len(mine)} 件，逾期 {overdue} 件")
        else:
            self.title.setText("积案化解")
        self.table.setVisible(self.is_leader)
        self.table.setRowCount(len(mine))
        for i, r in enumerate(mine):
            values = (r["due"], r["due_state"], r["case"], r["summary"], r["unit_name"], r["status"])
            for j, v in enumerate(values):
                item = QTableWidgetItem(v)
                if r["due_state"] == "逾期" or (j == 1 and r["due_state"] in DUE_COLOURS):
                    item.setForeground(QColor(DUE_COLOURS[r["due_state"]]))
                item.setData(Qt.UserRole, r["id"])
                self.table.setItem(i, j, item)
        self.table.setFixedHeight(min(8, max(len(mine), 1)) * 26 + 36)

    def _activated(self, row: int, _col: int = 0) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.openRecord.emit(item.data(Qt.UserRole))

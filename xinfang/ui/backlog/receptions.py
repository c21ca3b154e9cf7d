"""公开接访: the days (date, leader, place, units) and the cases received on the selected day; prints the day's list."""
from __future__ import annotations

from ...domain.problems import DomainError
from ..qt import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter, Qt,
                  QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, Signal)
from ..widgets import BANNER_STYLES
from .dialogs import ReceptionDialog


def table(headers: list[str], stretch: int) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.setSelectionMode(QAbstractItemView.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(26)
    t.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.Stretch)
    t.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    return t


class ReceptionsPage(QWidget):
    openCase = Signal(str)

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        self.days: list[dict] = []
        self.cases: list[dict] = []
        self.dialog = None
        self.days_table = table(["接访日期", "接访领导", "地点", "参加单位", "接待件数"], 3)
        for c, w in enumerate((96, 80, 160)):
            self.days_table.setColumnWidth(c, w)
        self.days_table.itemSelectionChanged.connect(self._show_day)
        self.cases_table = table(["信访件编号", "信访人", "反映问题", "办理状态"], 2)
        self.cases_table.setColumnWidth(0, 128)
        self.cases_table.cellActivated.connect(lambda r, _: self.openCase.emit(self._case_uuid(r)))

        add = QPushButton("登记接访日…")
        add.clicked.connect(lambda: self.add_day())
        self.print_button = QPushButton("打印当天清单…")
        self.print_button.clicked.connect(lambda: self.print_day())
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        head = QHBoxLayout()
        head.addWidget(add)
        head.addWidget(self.print_button)
        head.addStretch(1)
        hint = QLabel("当天登记为“公开接访”的信访件自动归入接访日 · 回车打开信访件")
        hint.setObjectName("hint")
        head.addWidget(hint)
        self.day_title = QLabel()
        self.day_title.setObjectName("sectionTitle")
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 0, 0, 0)
        rl.addWidget(self.day_title)
        rl.addWidget(self.cases_table, 1)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(self.days_table)
        split.addWidget(right)
        split.setSizes([600, 700])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(head)
        lay.addWidget(self.banner)
        lay.addWidget(split, 1)

    def refresh(self) -> None:
        self.days = self.ws.backlog.receptions()
        self.days_table.setRowCount(len(self.days))
        for i, d in enumerate(self.days):
            for j, v in enumerate((d["date"], d["leader"], d["place"], d["units"], str(d["case_count"]))):
                self.days_table.setItem(i, j, QTableWidgetItem(v))
        if self.days:
            self.days_table.selectRow(0)
        self._show_day()

    def _current_day(self) -> dict | None:
        row = self.days_table.currentRow()
        return self.days[row] if 0 <= row < len(self.days) else None

    def _show_day(self) -> None:
        d = self._current_day()
        self.print_button.setEnabled(d is not None)
        if d is None:
            self.day_title.setText("还没有公开接访日")
            self.cases_table.setRowCount(0)
            return
        full = self.ws.backlog.reception(d["id"])
        self.cases = full["cases"]
        self.day_title.setText(f"{d['date']} {d['leader']} 在{d['place']}接访：接待 {len(self.cases)} 件")
        self.cases_table.setRowCount(len(self.cases))
        for i, c in enumerate(self.cases):
            for j, v in enumerate((c["case"], c["petitioners"], c["summary"], c["status"])):
                self.cases_table.setItem(i, j, QTableWidgetItem(v))

    def _case_uuid(self, row: int) -> str:
        return self.ws.case(self.cases[row]["case_row"]).id

    def add_day(self):
        self.dialog = ReceptionDialog(self.ws, self.actor, self)
        self.dialog.accepted.connect(self.refresh)
        self.dialog.open()
        return self.dialog

    def print_day(self, path: str | None = None) -> bool:
        d = self._current_day()
        if d is None:
            return False
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "保存接访清单", f"公开接访-{d['date']}.pdf", "PDF 文件 (*.pdf)")
            if not path:
                return False
        try:
            data = self.ws.backlog.reception_pdf(d["id"], self.actor)
            with open(path, "wb") as f:
                f.write(data)
        except (DomainError, OSError) as exc:
            self.banner.setText(getattr(exc, "message", None) or f"保存失败：{exc}")
            self.banner.setStyleSheet(BANNER_STYLES["error"])
            self.banner.setVisible(True)
            return False
        self.banner.setText(f"已生成接访清单：{path}")
        self.banner.setStyleSheet(BANNER_STYLES["ok"])
        self.banner.setVisible(True)
        return True

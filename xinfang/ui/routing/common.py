"""What the 谁主管谁负责 settings pages share: colours, read-only tables, the problems table of an import,
area names and the page base class with its yes/no question and status line."""
from __future__ import annotations

from ..qt import (QAbstractItemView, QColor, QHeaderView, QLabel, QMessageBox, QTableWidget, QTableWidgetItem, QWidget,
                  Signal)

RED = "#b3261e"
GREEN = "#137333"
AMBER = "#8a4b00"
OFFICE_BG = QColor("#e3efff")
ERROR_BG = QColor("#fde8e7")
TABLE_FILES = "表格文件 (*.csv *.xlsx);;CSV 文件 (*.csv);;Excel 文件 (*.xlsx);;所有文件 (*)"


def table_item(text, tip: str = "") -> QTableWidgetItem:
    it = QTableWidgetItem("" if text is None else str(text))
    if tip:
        it.setToolTip(tip)
    return it


def make_table(headers: list[str], stretch: int | None = None) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    if stretch is not None:
        t.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.Stretch)
    return t


def fill_table(table: QTableWidget, rows: list[list], widths: dict[int, int] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            table.setItem(r, c, table_item(v, str(v) if v and len(str(v)) > 12 else ""))
    for c, w in (widths or {}).items():
        table.setColumnWidth(c, w)


def problems_table() -> QTableWidget:
    t = make_table(["行号", "列", "问题"], stretch=2)
    t.setColumnWidth(0, 56)
    t.setColumnWidth(1, 90)
    return t


def fill_problems(table: QTableWidget, problems) -> None:
    table.setRowCount(len(problems))
    for r, p in enumerate(problems):
        for c, v in enumerate((p.row or "", p.column, p.message)):
            it = table_item(v, p.text if c == 2 else "")
            it.setBackground(ERROR_BG)
            if c == 2:
                it.setForeground(QColor(RED))
            table.setItem(r, c, it)


def area_names(ws) -> dict[str, str]:
    """Area code → its place name (the first name given for a code; later ones are aliases)."""
    out: dict[str, str] = {}
    for name, code in ws.directory.place_names().items():
        out.setdefault(code, name)
    return out


class SettingsPage(QWidget):
    """A settings page: `ask` is the one place that opens a yes/no box (tests replace it)."""

    changed = Signal()

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor

    def ask(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text, QMessageBox.Yes | QMessageBox.No,
                                    QMessageBox.No) == QMessageBox.Yes

    @staticmethod
    def _status(label: QLabel, text: str, color: str = GREEN) -> None:
        label.setStyleSheet(f"color: {color};")
        label.setText(text)
        label.setVisible(bool(text))

def status_label() -> QLabel:
    """The one-line result of the last action on a page (hidden until there is one)."""
    label = QLabel()
    label.setWordWrap(True)
    label.hide()
    return label

"""One report table on screen, as it prints: numbers right-aligned, the clickable ones in blue, units below
the threshold in red. A click on a number emits the path of its query (dataset["queries"])."""
from __future__ import annotations

from ..qt import (QAbstractItemView, QBrush, QColor, QFont, QHeaderView, QSizePolicy, Qt, QTableWidget,
                  QTableWidgetItem, Signal)

LINK = QColor(0, 82, 163)
LOW_BG = QColor(255, 224, 224)
LOW_FG = QColor(160, 0, 0)


def cell_text(cell: dict) -> str:
    v, fmt = cell["v"], cell["fmt"]
    if fmt == "text":
        return "" if v is None else str(v)
    if v is None:
        return "—"
    if fmt == "int":
        return f"{v:,}"
    if fmt == "num":
        return f"{v:,.2f}"
    if fmt == "pct":
        return f"{v * 100:.1f}%"
    return "持平" if v == 0 else f"{'+' if v > 0 else '−'}{abs(v) * 100:.1f}%"


class ReportTable(QTableWidget):
    numberClicked = Signal(str, str)      # query path, a label for the list of cases

    def __init__(self, table: dict, parent=None):
        super().__init__(len(table["rows"]), len(table["columns"]), parent)
        self.table = table
        self.setHorizontalHeaderLabels(table["columns"])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.NoSelection)
        self.setFocusPolicy(Qt.NoFocus)
        underline = QFont(self.font())
        underline.setUnderline(True)
        for r, row in enumerate(table["rows"]):
            for c, cell in enumerate(row["cells"]):
                item = QTableWidgetItem(("　" if row.get("level") and c == 1 else "") + cell_text(cell))
                if cell["fmt"] != "text":
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if cell.get("q") and cell["v"] is not None:
                    item.setForeground(QBrush(LINK))
                    item.setFont(underline)
                    item.setToolTip("点击查看这些纠纷" if cell["q"].startswith("mediation.") else "点击查看这些案件")
                    item.setData(Qt.UserRole, cell["q"])
                if row.get("highlight"):
                    item.setBackground(QBrush(LOW_BG))
                    if not cell.get("q"):
                        item.setForeground(QBrush(LOW_FG))
                self.setItem(r, c, item)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        if table["key"] in ("rates",):
            header.setSectionResizeMode(len(table["columns"]) - 1, QHeaderView.Stretch)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.resizeRowsToContents()
        height = self.horizontalHeader().height() + sum(self.rowHeight(i) for i in range(self.rowCount())) + 4
        self.setFixedHeight(max(height, 40))
        self.cellClicked.connect(self._clicked)

    def label(self, r: int, c: int) -> str:
        first = next((self.item(r, i).text().strip() for i in range(self.columnCount())
                      if self.item(r, i) and self.item(r, i).text().strip()), "")
        return f"{self.table['title']} · {first} · {self.table['columns'][c]}"

    def _clicked(self, r: int, c: int) -> None:
        item = self.item(r, c)
        path = item.data(Qt.UserRole) if item else None
        if path:
            self.numberClicked.emit(path, self.label(r, c))

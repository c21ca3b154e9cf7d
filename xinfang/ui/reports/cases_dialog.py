"""The cases (or, for a mediation number, the disputes) behind one number of the report: a list (rows read a
page at a time), double-click opens one."""
from __future__ import annotations

from ..qt import (QAbstractItemView, QAbstractTableModel, QDialog, QDialogButtonBox, QHeaderView, QLabel,
                  QModelIndex, Qt, QTableView, QVBoxLayout, Signal)

COLUMNS = (("number", "编号"), ("received_at", "收到时间"), ("channel", "形式"), ("petitioner_names", "信访人"),
           ("category", "问题类别"), ("summary", "反映问题"), ("status", "状态"), ("handling_unit", "承办单位"))
PAGE = 200


class IdRowsModel(QAbstractTableModel):
    """Rows for a fixed list of case ids; each page of rows is read from the workspace when first shown."""

    def __init__(self, ws, ids, parent=None):
        super().__init__(parent)
        self.ws, self.ids = ws, list(ids)
        self._rows: dict[int, dict] = {}
        self._cols = ws.store.LIST_COLUMNS if hasattr(ws, "store") else ()
        from ...domain.enums import Status
        self._status = {s.value: s.label for s in Status}
        self._units = {c: n for c, n, *_ in ws.store.unit_rows()}

    def rowCount(self, parent=QModelIndex()):  # noqa: N802
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return COLUMNS[section][1]
        return None

    def row(self, r: int) -> dict:
        cid = self.ids[r]
        if cid not in self._rows:
            start = (r // PAGE) * PAGE
            part = self.ids[start:start + PAGE]
            for i, values in self.ws.list_rows(part).items():
                self._rows[i] = dict(zip(self._cols, values))
        return self._rows.get(cid, {})

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        key = COLUMNS[index.column()][0]
        value = self.row(index.row()).get(key, "")
        if key == "status":
            value = self._status.get(value, value)
        elif key == "handling_unit":
            value = self._units.get(value, value)
        elif key == "received_at":
            value = str(value or "")[:16].replace("T", " ")
        return "" if value is None else str(value)


DISPUTE_COLUMNS = (("案号", 1), ("收到时间", 2), ("调解委员会", 3), ("类型", 4), ("来源", 5), ("当事人", 6),
                   ("调解员", 7), ("状态", 8), ("简要情况", 11))


class DisputeRowsModel(IdRowsModel):
    """Rows for a fixed list of dispute ids (ws.mediation.list_rows), a page at a time."""

    def __init__(self, ws, ids, parent=None):
        QAbstractTableModel.__init__(self, parent)
        self.ws, self.ids = ws, list(ids)
        self._rows: dict[int, tuple] = {}
        from ...domain.mediation import STATUS_LABELS, DisputeStatus
        self._status = {s.value: STATUS_LABELS[s] for s in DisputeStatus}

    def columnCount(self, parent=QModelIndex()):  # noqa: N802
        return len(DISPUTE_COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return DISPUTE_COLUMNS[section][0]
        return None

    def row(self, r: int) -> tuple:
        did = self.ids[r]
        if did not in self._rows:
            start = (r // PAGE) * PAGE
            self._rows.update(self.ws.mediation.list_rows(self.ids[start:start + PAGE]))
        return self._rows.get(did, ())

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        row = self.row(index.row())
        pos = DISPUTE_COLUMNS[index.column()][1]
        value = row[pos] if len(row) > pos else ""
        if pos == 8:
            value = self._status.get(value, value)
        elif pos == 2:
            value = str(value or "")[:16].replace("T", " ")
        return "" if value is None else str(value)


class CasesDialog(QDialog):
    openCase = Signal(int)

    def __init__(self, ws, title: str, ids, parent=None, disputes: bool = False):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(1100, 560)
        lay = QVBoxLayout(self)
        what = "纠纷" if disputes else "案件"
        self.caption = QLabel(f"{title}：共 {len(ids)} 件（双击打开{what}）")
        lay.addWidget(self.caption)
        self.model = (DisputeRowsModel if disputes else IdRowsModel)(ws, ids, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        if disputes:
            self.view.horizontalHeader().setSectionResizeMode(8, QHeaderView.Stretch)
            for col, width in ((0, 170), (1, 120), (2, 170), (3, 80), (4, 90), (5, 120), (6, 80), (7, 70)):
                self.view.setColumnWidth(col, width)
        else:
            self.view.horizontalHeader().setSectionResizeMode(5, QHeaderView.Stretch)
            for col, width in ((0, 130), (1, 120), (2, 60), (3, 90), (4, 150), (6, 90), (7, 150)):
                self.view.setColumnWidth(col, width)
        self.view.doubleClicked.connect(lambda ix: self.openCase.emit(self.model.ids[ix.row()]))
        lay.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.button(QDialogButtonBox.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

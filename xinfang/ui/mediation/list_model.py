"""The dispute list model: a windowed model over an id list (like the case list, tech-notes §4).

`count` and the first page come first so the first screen shows at once; the full id list (a few ms per
10,000 disputes) follows; rows are fetched 200 at a time into a small LRU cache of display tuples.
"""
from __future__ import annotations

from array import array
from collections import OrderedDict
from datetime import date

from ...domain.mediation import STATUS_LABELS, DisputeStatus
from ...services.mediation import STEP_LABELS, DisputeFilter
from ..qt import QAbstractTableModel, QColor, QModelIndex, Qt

PAGE = 200
CACHE_PAGES = 30
# Order of the tuples from MediationService.list_rows (storage LIST_COLUMNS).
F_ID, F_NUMBER, F_RECEIVED, F_COMMITTEE, F_TYPE, F_SOURCE, F_PARTIES, F_MEDIATORS, F_STATUS, F_DUE, F_STEP, F_SUMMARY = range(12)
COLUMNS = (("案号", "number", 190), ("收到时间", "received_at", 128), ("当事人", None, 150), ("类型", "type", 80),
           ("来源", None, 96), ("调解员", None, 90), ("状态", "status", 80), ("期限", "next_due", 150),
           ("调解委员会", "committee", 190), ("简要情况", None, 260))
RowRole = Qt.UserRole + 1
_STATUS = {s.value: STATUS_LABELS[s] for s in DisputeStatus}
_PLACEHOLDER = ("…",) * len(COLUMNS)


class DisputeListModel(QAbstractTableModel):
    def __init__(self, ws, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.filter = DisputeFilter()
        self.order, self.descending = "id", True
        self._ids = array("q")
        self._total = 0
        self._pages: OrderedDict[int, dict[int, tuple]] = OrderedDict()
        self._today = date.today().isoformat()
        self._near = self._today

    # ---- loading -------------------------------------------------------------------------------
    def load(self, f: DisputeFilter | None = None, order: str | None = None, descending: bool | None = None) -> None:
        med = self.ws.mediation
        self.filter = f if f is not None else self.filter
        self.order = order or self.order
        self.descending = self.descending if descending is None else descending
        today = self.ws.now().date()
        self._today, self._near = today.isoformat(), self.ws.near_limit(today).isoformat()
        self.beginResetModel()
        self._pages.clear()
        if self.order == "id" and self.descending:
            first = med.first_page(self.filter, PAGE)
            self._total = med.count(self.filter) if len(first) == PAGE else len(first)
            self._ids = array("q", first)
            self._first_only = len(first) < self._total
        else:
            self._ids = array("q", med.list_ids(self.filter, self.order, self.descending))
            self._total, self._first_only = len(self._ids), False
        self.endResetModel()

    def complete(self) -> None:
        """Fetch the whole id list (after the first screen is shown)."""
        if getattr(self, "_first_only", False):
            self._ids = array("q", self.ws.mediation.list_ids(self.filter, self.order, self.descending))
            self._first_only = False
            self.dataChanged.emit(self.index(0, 0), self.index(max(0, self._total - 1), len(COLUMNS) - 1))

    @property
    def total(self) -> int:
        return self._total

    def row_id(self, r: int) -> int | None:
        return self._ids[r] if 0 <= r < len(self._ids) else None

    def _row(self, r: int) -> tuple:
        if r >= len(self._ids):
            self.complete()
            if r >= len(self._ids):
                return _PLACEHOLDER
        p = r // PAGE
        page = self._pages.get(p)
        if page is None:
            page = self.ws.mediation.list_rows(self._ids[p * PAGE:(p + 1) * PAGE])
            self._pages[p] = page
            if len(self._pages) > CACHE_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(p)
        return page.get(self._ids[r], _PLACEHOLDER)

    # ---- Qt ------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section][0]
        return None

    def due_state(self, row: tuple) -> str:
        due = row[F_DUE]
        if not due or due == "…":
            return ""
        if due < self._today:
            return "逾期"
        return "临期" if due <= self._near else "正常"

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        if role not in (Qt.DisplayRole, Qt.ForegroundRole, Qt.ToolTipRole, RowRole):
            return None
        row = self._row(index.row())
        if role == RowRole:
            return row[F_ID]
        c = index.column()
        if role == Qt.ForegroundRole:
            if c == 7:
                state = self.due_state(row)
                return QColor({"逾期": "#c62828", "临期": "#b26a00"}.get(state, "#37474f"))
            return None
        if row is _PLACEHOLDER:
            return "…"
        if role == Qt.ToolTipRole:
            return row[F_SUMMARY] if c == 9 else None
        if c == 0:
            return row[F_NUMBER]
        if c == 1:
            return row[F_RECEIVED][:16].replace("T", " ")
        if c == 2:
            return row[F_PARTIES]
        if c == 3:
            return row[F_TYPE]
        if c == 4:
            return row[F_SOURCE]
        if c == 5:
            return row[F_MEDIATORS]
        if c == 6:
            return _STATUS.get(row[F_STATUS], row[F_STATUS])
        if c == 7:
            if not row[F_DUE]:
                return ""
            return f"{STEP_LABELS.get(row[F_STEP], '')} {row[F_DUE]} {self.due_state(row)}"
        if c == 8:
            return row[F_COMMITTEE]
        return row[F_SUMMARY]

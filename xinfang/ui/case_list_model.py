"""The 信访件 list model: a windowed model over an id list (tech-notes §4); the screen is in case_list.py.

How the model loads (so a million rows feel instant):

* ``count(filter)`` gives the row count at once, so the scrollbar covers the whole result immediately;
* for the default order (newest first) ``first_page(filter, 200)`` gives the first screen at once;
* the full id list (``list_ids``, ~1 s at 1M) is loaded in a worker thread on its own Workspace; rows whose id is
  not known yet show "…" until it arrives. Small results (≤ ``sync_limit``) are loaded directly.
* rows are fetched in pages of 200 ids with one ``list_rows`` call and kept in a small LRU cache of display tuples,
  so ``data()`` is a couple of lookups and returns early for roles that are not drawn.
"""
from __future__ import annotations

import logging
from array import array
from collections import OrderedDict
from datetime import date

from ..domain.enums import Status, Step
from ..services import ListFilter
from .qt import QAbstractTableModel, QColor, QModelIndex, Qt, Signal
from .workers import Backend

log = logging.getLogger(__name__)

PAGE = 200
CACHE_PAGES = 40

# Order of the tuples that Workspace.list_rows returns (Store.LIST_COLUMNS; a test keeps them in step).
ROW_FIELDS = ("id", "number", "received_at", "channel", "petitioner_names", "category", "summary", "status",
              "handling_unit", "next_due", "next_step", "restricted", "repeat_of")
_F = {name: i for i, name in enumerate(ROW_FIELDS)}

# (header, list_ids order key or None when the column cannot be sorted, width)
COLUMNS = (
    ("编号", "number", 132),
    ("收到时间", "received_at", 126),
    ("信访人", "petitioner_names", 84),
    ("形式", "channel", 66),
    ("类别", "category", 178),
    ("摘要", None, 240),
    ("状态", "status", 96),
    ("期限", "next_due", 138),
    ("承办单位", "handling_unit", 170),
)
COL_NUMBER, COL_RECEIVED, COL_NAMES, COL_CHANNEL, COL_CATEGORY, COL_SUMMARY, COL_STATUS, COL_DUE, COL_UNIT = range(9)

CaseIdRole = Qt.UserRole + 1
DueStateRole = Qt.UserRole + 2
StatusRole = Qt.UserRole + 3

OVERDUE, NEAR = "逾期", "临期"
DUE_COLORS = {OVERDUE: QColor("#d93025"), NEAR: QColor("#e8a317")}
CLOSED_STATES = {Status.CLOSED.value, Status.ARCHIVED.value, Status.DECLINED.value, Status.INFORMED.value,
                 Status.TRANSFERRED.value, Status.RATED.value, Status.REVIEWED.value, Status.RECHECKED.value}
STATUS_COLORS = {"open": QColor("#1a56a6"), "closed": QColor("#6b7280")}
_STATUS_LABEL = {s.value: s.label for s in Status}
_STEP_LABEL = {s.value: s.label for s in Step}
_PLACEHOLDER = ("…",) * len(COLUMNS)


def unit_choices(ws) -> list[tuple[str, str]]:
    """(code, name) of the unit directory."""
    fn = getattr(ws, "units_list", None)
    if callable(fn):
        return [(str(u["code"]), str(u["name"])) for u in fn()]
    return []


class CaseListModel(QAbstractTableModel):
    """Rows = case ids; columns = COLUMNS. ``load()`` runs a query; ``set_ids()`` shows a fixed id list."""

    loadingChanged = Signal(bool)
    loaded = Signal(int)          # total rows, emitted when the full id list is in place
    outdated = Signal(int)        # another seat changed how many cases match (an order other than newest first)

    def __init__(self, ws, parent=None, *, backend: Backend | None = None, db_path: str | None = None,
                 sync_limit: int = 20_000, unit_names: dict[str, str] | None = None):
        super().__init__(parent)
        self.ws = ws
        # the id list loads in the background only for a database file (the worker has its own connection)
        if backend is None and db_path and str(db_path) != ":memory:":
            backend = Backend(str(db_path))
        self.backend = backend
        self.sync_limit = sync_limit
        self.unit_names = unit_names if unit_names is not None else dict(unit_choices(ws))
        self.filter = ListFilter()
        self.order = "id"
        self.descending = True
        self._ids = array("q")
        self._total = 0
        self._pages: OrderedDict[int, list[tuple]] = OrderedDict()
        self._last_page = -1
        self._gen = 0
        self.loading = False
        self._look_again = False        # another seat saved while the id list was loading
        self._today_iso = ""
        self._near_iso = ""
        self._refresh_due_dates()

    # ---- queries -----------------------------------------------------------------------------
    def _refresh_due_dates(self) -> None:
        today = self.ws.now().date()
        self._today = today
        self._today_iso = today.isoformat()
        self._near_iso = self.ws.near_limit(today).isoformat()

    def load(self, f: ListFilter | None = None, order: str | None = None, descending: bool | None = None) -> None:
        if f is not None:
            self.filter = f
        if order is not None:
            self.order = order
        if descending is not None:
            self.descending = descending
        self._gen += 1
        gen = self._gen
        self._refresh_due_dates()
        f, order, desc = self.filter, self.order, self.descending
        total = self.ws.count(f)
        if self.backend is None or total <= self.sync_limit:
            ids = self.ws.list_ids(f, order, desc)
            self._reset(ids, len(ids))
            self._set_loading(False)
            self.loaded.emit(len(ids))
            return
        head = array("q", self.ws.first_page(f, PAGE)) if (order == "id" and desc) else array("q")
        self._reset(head, total)
        self._set_loading(True)
        self.backend.submit(lambda ws: ws.list_ids(f, order, desc),
                            on_done=lambda ids, g=gen: self._ids_arrived(g, ids),
                            on_failed=lambda msg, g=gen: self._load_failed(g, msg),
                            stale=lambda g=gen: g != self._gen)

    def refresh(self) -> None:
        self.load()

    def refresh_visible(self) -> None:
        """Another seat (or the CLI on the same file) saved something. Not a reload: at 1M the id list takes
        a second and would reset the view under the user. The shown rows are re-read when next drawn (only
        the visible window: `data()` asks for those); in the default order (newest first) cases registered
        since are put on top from one `first_page` (the rows below keep their selection); in another order
        the count is re-read and `outdated` tells the screen to offer F5."""
        if self.loading:
            # the id list being loaded may have been read before that save: look again once it is shown
            self._look_again = True
            return
        self._refresh_due_dates()
        self._pages.clear()
        self._last_page = -1
        if self._total:
            self.dataChanged.emit(self.index(0, 0), self.index(self._total - 1, len(COLUMNS) - 1))
        gen, f = self._gen, self.filter
        newest_first = self.order == "id" and self.descending
        ask = (lambda ws: ws.first_page(f, PAGE)) if newest_first else (lambda ws: ws.count(f))
        take = self._put_on_top if newest_first else self._recount
        if self.backend is None:
            take(gen, ask(self.ws))
        else:
            self.backend.submit(ask, on_done=lambda result, g=gen: take(g, result),
                                on_failed=lambda msg: log.warning("re-reading the case list failed: %s", msg),
                                stale=lambda g=gen: g != self._gen)

    def _put_on_top(self, gen: int, head) -> None:
        if gen != self._gen or self.loading:
            return
        newest = self._ids[0] if len(self._ids) else 0
        new = [i for i in head if i > newest]
        if not new:
            return
        if len(new) == len(head) and len(self._ids):
            self.load()                 # more new cases than a page: the ordinary load
            return
        self.beginInsertRows(QModelIndex(), 0, len(new) - 1)
        self._ids = array("q", new) + self._ids
        self._total += len(new)
        self._pages.clear()
        self._last_page = -1
        self.endInsertRows()
        self.loaded.emit(self._total)

    def _recount(self, gen: int, total: int) -> None:
        if gen == self._gen and total != self._total:
            self.outdated.emit(total)

    def set_ids(self, ids) -> None:
        """Show exactly these case ids (dashboard lists)."""
        self._gen += 1
        self._refresh_due_dates()
        ids = array("q", ids)
        self._reset(ids, len(ids))
        self._set_loading(False)

    def show_ids(self, ids) -> None:
        """`set_ids`, but the same list again (a refresh) only re-reads its rows: selection and scroll stay."""
        ids = array("q", ids)
        if ids != self._ids or self.loading:
            self.set_ids(ids)
            return
        self._refresh_due_dates()
        self._pages.clear()
        self._last_page = -1
        if self._total:
            self.dataChanged.emit(self.index(0, 0), self.index(self._total - 1, len(COLUMNS) - 1))

    def _reset(self, ids: array, total: int) -> None:
        self.beginResetModel()
        self._ids = ids
        self._total = total
        self._pages.clear()
        self._last_page = -1
        self.endResetModel()

    def _ids_arrived(self, gen: int, ids) -> None:
        try:
            self._apply_ids(gen, ids)
        except RuntimeError:   # the view was closed while the worker ran
            pass

    def _apply_ids(self, gen: int, ids) -> None:
        if gen != self._gen:
            return     # an older query finished after a newer one started
        if len(ids) != self._total:
            self._reset(ids, len(ids))
        else:
            head = self._ids
            self._ids = ids
            if len(head) and ids[:len(head)] != head:
                self._pages.clear()
                self._last_page = -1
            if self._total:
                self.dataChanged.emit(self.index(0, 0), self.index(self._total - 1, len(COLUMNS) - 1))
        self._set_loading(False)
        self.loaded.emit(len(ids))

    def _load_failed(self, gen: int, message: str) -> None:
        if gen == self._gen:
            log.warning("loading the case list failed: %s", message)
            self._set_loading(False)

    def _set_loading(self, value: bool) -> None:
        if value != self.loading:
            self.loading = value
            self.loadingChanged.emit(value)
        if not value and self._look_again:
            self._look_again = False
            self.refresh_visible()

    @property
    def ids(self) -> array:
        return self._ids

    def case_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    # ---- Qt model ------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal:
            if role == Qt.DisplayRole:
                return COLUMNS[section][0]
            if role == Qt.ToolTipRole:
                return "点击列标题排序" if COLUMNS[section][1] else "此列不能排序"
        return None

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        key = COLUMNS[column][1] if 0 <= column < len(COLUMNS) else None
        if key is None:
            return
        self.load(order=key, descending=(order == Qt.DescendingOrder))

    def data(self, index, role=Qt.DisplayRole):
        if role not in _ROLES:
            return None
        r = index.row()
        row = self._row(r)
        c = index.column()
        if role == Qt.DisplayRole:
            return row[c] if row is not None else "…"
        if row is None:
            return None
        if role == CaseIdRole:
            return row[_ID]
        if role == DueStateRole:
            return row[_STATE] if c == COL_DUE else None
        if role == Qt.ForegroundRole:
            if c == COL_STATUS:
                return STATUS_COLORS["closed" if row[_STATUS] in CLOSED_STATES else "open"]
            return None
        if role == StatusRole:
            return row[_STATUS]
        if role == Qt.ToolTipRole:
            if c == COL_DUE:
                return row[_DUE_TIP]
            if c in (COL_SUMMARY, COL_CATEGORY, COL_UNIT, COL_NAMES):
                return row[c]
        return None

    # ---- pages -------------------------------------------------------------------------------
    def _row(self, r: int):
        if r >= len(self._ids) or r < 0:
            return None
        p = r // PAGE
        if p == self._last_page:
            page = self._pages[p]
        else:
            page = self._pages.get(p)
            if page is None:
                page = self._fetch(p)
                if page is None:
                    return None
            else:
                self._pages.move_to_end(p)
            self._last_page = p
        i = r - p * PAGE
        return page[i] if i < len(page) else None

    def _fetch(self, p: int):
        start = p * PAGE
        ids = self._ids[start:start + PAGE]
        if not len(ids):
            return None
        rows = self.ws.list_rows(ids)
        page = [self._display(rows.get(i), i) for i in ids]
        self._pages[p] = page
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)
        return page

    def _display(self, rec, case_id: int) -> tuple:
        if rec is None:
            return (*_PLACEHOLDER, case_id, "", "", "")
        received = (rec[_F["received_at"]] or "")[:16].replace("T", " ")
        category = (rec[_F["category"]] or "").replace("/", " › ")
        summary = rec[_F["summary"]] or ""
        if rec[_F["restricted"]]:
            summary = "【限阅】" + summary
        status = rec[_F["status"]] or ""
        due = rec[_F["next_due"]] or ""
        state, tip = "", ""
        if due:
            step = _STEP_LABEL.get(rec[_F["next_step"]] or "", "期限")
            if due < self._today_iso:
                state = OVERDUE
                days = (self._today - date.fromisoformat(due)).days
                tip = f"{step} {due}，已逾期 {days} 日"
            elif due <= self._near_iso:
                state = NEAR
                days = (date.fromisoformat(due) - self._today).days
                tip = f"{step} {due}，还剩 {days} 日" if days else f"{step} {due}，今日到期"
            else:
                tip = f"{step} {due}"
        unit = rec[_F["handling_unit"]] or ""
        return (rec[_F["number"]] or "", received, rec[_F["petitioner_names"]] or "", rec[_F["channel"]] or "",
                category, summary, _STATUS_LABEL.get(status, status), due, self.unit_names.get(unit, unit),
                case_id, status, state, tip)


_ID, _STATUS, _STATE, _DUE_TIP = len(COLUMNS), len(COLUMNS) + 1, len(COLUMNS) + 2, len(COLUMNS) + 3
_ROLES = frozenset({Qt.DisplayRole, Qt.ForegroundRole, Qt.ToolTipRole, CaseIdRole, DueStateRole, StatusRole})

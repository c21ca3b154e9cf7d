"""信访件 list: a windowed model over an id list (tech-notes §4) and the list screen with its filter bar.

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
from dataclasses import replace
from datetime import date

from ..domain.enums import Channel, Status, Step
from ..services import ListFilter
from .qt import (QAbstractItemView, QAbstractTableModel, QCheckBox, QColor, QComboBox, QDate, QDateEdit, QFrame,
                 QHBoxLayout, QHeaderView, QLabel, QLineEdit, QModelIndex, QPainter, QProgressBar, QPushButton,
                 QRectF, QStyle, QStyledItemDelegate, Qt, QTableView, QTimer, QVBoxLayout, QWidget, Signal)
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

    def set_ids(self, ids) -> None:
        """Show exactly these case ids (dashboard lists)."""
        self._gen += 1
        self._refresh_due_dates()
        ids = array("q", ids)
        self._reset(ids, len(ids))
        self._set_loading(False)

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


class DueBadgeDelegate(QStyledItemDelegate):
    """期限 column: a red 逾期 / amber 临期 pill before the date."""

    def paint(self, painter: QPainter, option, index) -> None:
        state = index.data(DueStateRole)
        if not state:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        text = option.text
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.CE_ItemViewItem, option, painter, option.widget)
        painter.save()
        painter.setRenderHint(QPainter.Antialiasing)
        fm = option.fontMetrics
        rect = option.rect.adjusted(6, 0, -4, 0)
        pill_w = fm.horizontalAdvance(state) + 12
        pill_h = min(rect.height() - 6, fm.height() + 2)
        pill = QRectF(rect.left(), rect.top() + (rect.height() - pill_h) / 2, pill_w, pill_h)
        painter.setPen(Qt.NoPen)
        painter.setBrush(DUE_COLORS[state])
        painter.drawRoundedRect(pill, pill_h / 2, pill_h / 2)
        painter.setPen(QColor("white"))
        painter.drawText(pill, Qt.AlignCenter, state)
        painter.setPen(option.palette.color(option.palette.ColorRole.HighlightedText)
                       if option.state & QStyle.State_Selected else DUE_COLORS[state])
        text_rect = rect.adjusted(pill_w + 6, 0, 0, 0)
        painter.drawText(text_rect, Qt.AlignVCenter | Qt.AlignLeft, text)
        painter.restore()


def make_case_table(model: CaseListModel, parent=None) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setObjectName("caseTable")
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.SingleSelection)
    view.setEditTriggers(QAbstractItemView.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.ElideRight)
    view.setVerticalScrollMode(QAbstractItemView.ScrollPerItem)
    vh = view.verticalHeader()
    vh.setVisible(False)
    vh.setSectionResizeMode(QHeaderView.Fixed)     # never ask 1M rows for their height
    vh.setDefaultSectionSize(28)
    hh = view.horizontalHeader()
    hh.setSectionResizeMode(QHeaderView.Interactive)
    hh.setHighlightSections(False)
    hh.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    for i, (_, _, width) in enumerate(COLUMNS):
        view.setColumnWidth(i, width)
    hh.setSectionResizeMode(COL_SUMMARY, QHeaderView.Stretch)   # the summary takes what the window has left
    hh.setMinimumSectionSize(48)
    view.setItemDelegateForColumn(COL_DUE, DueBadgeDelegate(view))
    return view


class CaseListScreen(QWidget):
    """The 信访件 page: filter bar, search box (filters as you type), the windowed table."""

    openCase = Signal(int)

    def __init__(self, ws, actor: str, parent=None, *, backend: Backend | None = None, db_path: str | None = None,
                 sync_limit: int = 20_000):
        super().__init__(parent)
        self.ws = ws
        self.actor = actor
        self.units = unit_choices(ws)
        self.model = CaseListModel(ws, self, backend=backend, db_path=db_path, sync_limit=sync_limit,
                                   unit_names=dict(self.units))
        self._building = True
        self._sort_column = -1
        self._sort_order = Qt.DescendingOrder
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.apply_filters)

        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("搜索姓名、编号、身份证号、电话、内容…（输入即筛选，Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _: self._debounce.start())
        self.search.returnPressed.connect(self._apply_now)

        self.status = QComboBox()
        self.status.addItem("全部状态", "")
        for s in Status:
            self.status.addItem(s.label, s.value)
        self.due = QComboBox()
        for label in ("全部期限", OVERDUE, NEAR):
            self.due.addItem(label, "" if label == "全部期限" else label)
        self.channel = QComboBox()
        self.channel.addItem("全部形式", "")
        for ch in Channel:
            self.channel.addItem(ch.value, ch.value)
        self.cat1 = QComboBox()
        self.cat2 = QComboBox()
        self._categories: dict[str, list[str]] = {}
        for path, l1, l2, _lit in ws.categories():
            self._categories.setdefault(l1, [])
            if l2:
                self._categories[l1].append(l2)
        self.cat1.addItem("全部类别", "")
        for l1 in self._categories:
            self.cat1.addItem(l1, l1)
        self.cat1.currentIndexChanged.connect(self._fill_cat2)
        self._fill_cat2()
        self.unit = QComboBox()
        self.unit.addItem("全部承办单位", "")
        for code, name in self.units:
            self.unit.addItem(name, code)
        self.unit.setMinimumContentsLength(12)
        self.unit.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.mine = QCheckBox("我登记的")
        self.use_dates = QCheckBox("收到日期")
        today = QDate.currentDate()
        self.date_from = QDateEdit(QDate(today.year(), 1, 1))
        self.date_to = QDateEdit(today)
        for de in (self.date_from, self.date_to):
            de.setCalendarPopup(True)
            de.setDisplayFormat("yyyy-MM-dd")
            de.setEnabled(False)
            de.dateChanged.connect(self._changed)
        self.use_dates.toggled.connect(self._dates_toggled)
        self.clear_btn = QPushButton("清除筛选")
        self.clear_btn.clicked.connect(self.clear_filters)
        for w in (self.status, self.due, self.channel, self.cat1, self.cat2, self.unit):
            w.currentIndexChanged.connect(self._changed)
        self.mine.toggled.connect(self._changed)

        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(140)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.busy_label = QLabel("正在载入全部结果…")
        self.busy_label.setObjectName("hint")
        self.busy_label.hide()

        self.view = make_case_table(self.model, self)
        hh = self.view.horizontalHeader()
        hh.setSectionsClickable(True)
        hh.setSortIndicatorShown(True)
        hh.setSortIndicator(-1, Qt.DescendingOrder)
        hh.sectionClicked.connect(self._header_clicked)
        self.view.activated.connect(self._activated)
        self.model.loadingChanged.connect(self._loading)
        self.model.modelReset.connect(self._update_count)
        self.model.loaded.connect(lambda _: self._update_count())

        bar = QFrame()
        bar.setObjectName("filterBar")
        row1 = QHBoxLayout()
        row1.addWidget(self.search, 3)
        row1.addWidget(self.status)
        row1.addWidget(self.due)
        row1.addWidget(self.channel)
        row1.addWidget(self.mine)
        row2 = QHBoxLayout()
        row2.addWidget(self.cat1)
        row2.addWidget(self.cat2)
        row2.addWidget(self.unit, 1)
        row2.addSpacing(8)
        row2.addWidget(self.use_dates)
        row2.addWidget(self.date_from)
        row2.addWidget(QLabel("至"))
        row2.addWidget(self.date_to)
        row2.addWidget(self.clear_btn)
        bl = QVBoxLayout(bar)
        bl.setContentsMargins(10, 8, 10, 8)
        bl.setSpacing(6)
        bl.addLayout(row1)
        bl.addLayout(row2)
        info = QHBoxLayout()
        info.addWidget(self.count_label)
        info.addStretch(1)
        info.addWidget(self.busy_label)
        info.addWidget(self.busy)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 8)
        lay.setSpacing(8)
        lay.addWidget(bar)
        lay.addLayout(info)
        lay.addWidget(self.view, 1)
        self._building = False

    # ---- filters -------------------------------------------------------------------------------
    def _fill_cat2(self) -> None:
        l1 = self.cat1.currentData() or ""
        self.cat2.blockSignals(True)
        self.cat2.clear()
        self.cat2.addItem("全部二级类别", "")
        for l2 in self._categories.get(l1, []):
            self.cat2.addItem(l2, f"{l1}/{l2}")
        self.cat2.setEnabled(bool(l1))
        self.cat2.blockSignals(False)

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self._changed()

    def _changed(self, *_) -> None:
        if not self._building:
            self.apply_filters()

    def _apply_now(self) -> None:
        self._debounce.stop()
        self.apply_filters()

    def current_filter(self) -> ListFilter:
        status = self.status.currentData() or ""
        category = self.cat2.currentData() or self.cat1.currentData() or ""
        f = ListFilter(
            status=(status,) if status else (),
            channel=self.channel.currentData() or "",
            category=category,
            unit=self.unit.currentData() or "",
            text=self.search.text().strip(),
            registered_by=self.actor if self.mine.isChecked() else "",
        )
        if self.use_dates.isChecked():
            a, b = self.date_from.date(), self.date_to.date()
            f = replace(f, received_from=date(a.year(), a.month(), a.day()),
                        received_to=date(b.year(), b.month(), b.day()))
        due = self.due.currentData() or ""
        if due:
            d = self.ws.due_filters()[due]
            f = replace(f, due_before=d.due_before, due_after=d.due_after)
        return f

    def apply_filters(self) -> None:
        self.model.load(self.current_filter())

    def refresh(self) -> None:
        self.model.load(self.current_filter())

    def clear_filters(self, apply: bool = True) -> None:
        self._building = True
        try:
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            for w in (self.status, self.due, self.channel, self.cat1, self.unit):
                w.setCurrentIndex(0)
            self._fill_cat2()
            self.mine.setChecked(False)
            self.use_dates.setChecked(False)
        finally:
            self._building = False
        if apply:
            self.apply_filters()

    def show_preset(self, name: str) -> None:
        """Show one of the dashboard lists: 逾期, 临期, 待受理, 待答复, 待处置, 我登记的."""
        self.clear_filters(apply=False)
        self._building = True
        try:
            if name in (OVERDUE, NEAR):
                self.due.setCurrentIndex(self.due.findData(name))
            elif name == "我登记的":
                self.mine.setChecked(True)
            else:
                f = self.ws.due_filters().get(name)
                if f is not None and f.status:
                    self.status.setCurrentIndex(self.status.findData(f.status[0]))
        finally:
            self._building = False
        self.apply_filters()

    def stop_timers(self) -> None:
        self._debounce.stop()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.ShortcutFocusReason)
        self.search.selectAll()

    # ---- view ----------------------------------------------------------------------------------
    def _header_clicked(self, section: int) -> None:
        hh = self.view.horizontalHeader()
        if COLUMNS[section][1] is None:
            hh.setSortIndicator(self._sort_column, hh.sortIndicatorOrder())
            return
        if section == self._sort_column:
            order = Qt.AscendingOrder if self._sort_order == Qt.DescendingOrder else Qt.DescendingOrder
        else:
            order = Qt.DescendingOrder if section in (COL_RECEIVED, COL_DUE) else Qt.AscendingOrder
        self.sort_by(section, order)

    def sort_by(self, section: int, order) -> None:
        order = Qt.SortOrder(order)
        self._sort_column, self._sort_order = section, order
        self.view.horizontalHeader().setSortIndicator(section, order)
        self.model.sort(section, order)

    def _activated(self, index) -> None:
        cid = self.model.case_id(index.row())
        if cid is not None:
            self.openCase.emit(cid)

    def _loading(self, on: bool) -> None:
        self.busy.setVisible(on)
        self.busy_label.setVisible(on)
        self._update_count()

    def _update_count(self) -> None:
        n = self.model.rowCount()
        f = self.model.filter
        filtered = f != ListFilter()
        self.count_label.setText(f"{'筛选结果' if filtered else '全部信访件'}：{n:,} 件")

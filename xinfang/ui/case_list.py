"""信访件 list: the list screen with its filter bar and search box, and the table view with the 期限 pills.

The windowed model (CaseListModel) and the column constants are in case_list_model.py; they stay importable here.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from ..domain.enums import Channel, ReachedLevel, Status
from ..services import ListFilter
from .case_list_model import (CACHE_PAGES, CLOSED_STATES, COL_CATEGORY, COL_CHANNEL, COL_DUE, COL_NAMES,
                              COL_NUMBER, COL_RECEIVED, COL_STATUS, COL_SUMMARY, COL_UNIT, COLUMNS, DUE_COLORS, NEAR,
                              OVERDUE, PAGE, ROW_FIELDS, STATUS_COLORS, CaseIdRole, CaseListModel, DueStateRole,
                              StatusRole, unit_choices)
from .qt import (QAbstractItemView, QCheckBox, QColor, QComboBox, QDate, QDateEdit, QFrame, QHBoxLayout, QHeaderView,
                 QLabel, QLineEdit, QPainter, QProgressBar, QPushButton, QRectF, QStyle, QStyledItemDelegate, Qt,
                 QTableView, QVBoxLayout, QWidget, Signal)
from .timers import WorkspaceTimer
from .workers import Backend


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
        self._debounce = WorkspaceTimer(self, ws, 250, self.apply_filters)

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
        self.level = QComboBox()          # 越级情况
        self.level.addItem("全部层级", "")
        for lv in ReachedLevel:
            self.level.addItem(lv.value, lv.value)
        self.irregular = QCheckBox("非正常上访")
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
        for w in (self.status, self.due, self.channel, self.cat1, self.cat2, self.unit, self.level):
            w.currentIndexChanged.connect(self._changed)
        self.mine.toggled.connect(self._changed)
        self.irregular.toggled.connect(self._changed)

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
        self.model.outdated.connect(self._outdated)

        bar = QFrame()
        bar.setObjectName("filterBar")
        row1 = QHBoxLayout()
        row1.addWidget(self.search, 3)
        row1.addWidget(self.status)
        row1.addWidget(self.due)
        row1.addWidget(self.channel)
        row1.addWidget(self.level)
        row1.addWidget(self.irregular)
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
            reached_level=self.level.currentData() or "",
            irregular=True if self.irregular.isChecked() else None,
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
            for w in (self.status, self.due, self.channel, self.cat1, self.unit, self.level):
                w.setCurrentIndex(0)
            self._fill_cat2()
            self.mine.setChecked(False)
            self.irregular.setChecked(False)
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

    def _outdated(self, total: int) -> None:
        """Other seats changed the cases this list shows, in an order that cannot take them in place."""
        self._update_count()
        self.count_label.setText(self.count_label.text() + f"（其他用户已更新，现为 {total:,} 件，按 F5 刷新列表）")

    def _update_count(self) -> None:
        n = self.model.rowCount()
        f = self.model.filter
        filtered = f != ListFilter()
        self.count_label.setText(f"{'筛选结果' if filtered else '全部信访件'}：{n:,} 件")


__all__ = ["CACHE_PAGES", "CLOSED_STATES", "COLUMNS", "COL_CATEGORY", "COL_CHANNEL", "COL_DUE", "COL_NAMES", "COL_NUMBER",
           "COL_RECEIVED", "COL_STATUS", "COL_SUMMARY", "COL_UNIT", "DUE_COLORS", "NEAR", "OVERDUE", "PAGE", "ROW_FIELDS",
           "STATUS_COLORS", "CaseIdRole", "CaseListModel", "CaseListScreen", "DueBadgeDelegate", "DueStateRole",
           "StatusRole", "make_case_table", "unit_choices"]

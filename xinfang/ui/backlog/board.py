"""积案看板: progress by batch and by leader (rate against the target, days left), and the records with
filters (batch, leader, unit, status, overdue); Enter or a double click opens a record."""
from __future__ import annotations

from collections import OrderedDict

from ...domain.problems import DomainError
from ..qt import (QAbstractItemView, QAbstractTableModel, QCheckBox, QColor, QComboBox, QFrame, QHBoxLayout,
                  QHeaderView, QLabel, QModelIndex, QProgressBar, QPushButton, QSplitter, Qt,
                  QTableView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, Signal)

RED, AMBER, GREEN, GREY = "#c62828", "#b26a00", "#2e7d32", "#757575"
COLUMNS = (("积案号", "id", 64), ("信访件编号", "case", 128), ("信访人", "petitioners", 80), ("反映问题", "summary", 260),
           ("批次", "batch_name", 120), ("包案领导", "leader", 72), ("责任单位", "unit_name", 150),
           ("化解时限", "due", 88), ("时限状态", "due_state", 72), ("状态", "status", 64))
DUE_COLOURS = {"逾期": RED, "临期": AMBER, "超期化解": AMBER, "按期化解": GREEN, "已销号": GREY}


def pct(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


class RecordsModel(QAbstractTableModel):
    """A windowed model over the filtered record ids (like the case list, tech-notes §4): the ids come at
    once, the rows of a page of PAGE ids are read when first drawn and kept in a small LRU cache."""

    PAGE = 100
    CACHE_PAGES = 20

    def __init__(self, ws, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, tuple]] = OrderedDict()

    def set_ids(self, ids: list[int]) -> None:
        self.beginResetModel()
        self.ids = list(ids)
        self._pages.clear()
        self.endResetModel()

    def row(self, r: int) -> dict | None:
        """The record's board row (ws.backlog.record_rows), or None outside the list."""
        shown = self._shown(r)
        return shown[3] if shown else None

    def _shown(self, r: int) -> tuple | None:
        if not 0 <= r < len(self.ids):
            return None
        p = r // self.PAGE
        page = self._pages.get(p)
        if page is None:
            part = self.ids[p * self.PAGE:(p + 1) * self.PAGE]
            page = {x["id"]: _display(x) for x in self.ws.backlog.record_rows(part)}
            self._pages[p] = page
            while len(self._pages) > self.CACHE_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(p)
        return page.get(self.ids[r])

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if role not in _ROLES:
            return None
        shown = self._shown(index.row())
        if shown is None:
            return None
        if role == _DISPLAY:
            return shown[0][index.column()]
        if role == _FOREGROUND:
            return shown[1][index.column()]
        return shown[2]

    def record_id(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None


# light fills so that the dark percentage text stays readable over them
BAR_STYLE = ("QProgressBar { border: 1px solid #b0bec5; border-radius: 3px; background: #eceff1; color: #212121; "
             "height: 18px; } QProgressBar::chunk { background: #90a4ae; } "
             "QProgressBar[tone=\"met\"]::chunk { background: #81c784; } "
             "QProgressBar[tone=\"short\"]::chunk { background: #ffb74d; } "
             "QProgressBar[tone=\"plain\"]::chunk { background: #90caf9; }")


_DISPLAY, _FOREGROUND, _TOOLTIP = Qt.DisplayRole, Qt.ForegroundRole, Qt.ToolTipRole
_ROLES = frozenset({_DISPLAY, _FOREGROUND, _TOOLTIP})


def _display(r: dict) -> tuple:
    """(texts by column, colours by column, tooltip, the row) of a record, made once per page."""
    texts = []
    for _, key, _ in COLUMNS:
        value = r[key]
        if key == "summary" and r.get("restricted"):
            value = "（检举控告件 · 限制知悉）"
        elif key == "status" and r.get("delisted"):
            value = f"{value}·已销号"
        texts.append("" if value is None else str(value))
    state = r["due_state"]
    if state == "逾期":
        colours = (QColor(RED),) * len(COLUMNS)
    else:
        colours = tuple(QColor(DUE_COLOURS[state]) if key == "due_state" and state in DUE_COLOURS else None
                        for _, key, _ in COLUMNS)
    tip = f"{r['case']} {r['summary']}\n化解时限 {r['due']}（{state}，剩余 {r['days_left']} 天）"
    return tuple(texts), colours, tip, r


def progress_bar(rate, target) -> QProgressBar:
    """A rate bar; its colours come from BAR_STYLE on the table (one style sheet, not one per bar)."""
    bar = QProgressBar()
    bar.setRange(0, 1000)
    bar.setValue(int(round((rate or 0) * 1000)))
    bar.setFormat(f"{pct(rate)} / 目标 {pct(target)}" if target is not None else pct(rate))
    bar.setAlignment(Qt.AlignCenter)
    met = rate is not None and target is not None and rate + 1e-9 >= target
    # against a target: green when met, amber when short; a leader's rate has no target: a neutral blue
    bar.setProperty("tone", "none" if not rate else ("plain" if target is None else ("met" if met else "short")))
    bar.setToolTip("化解率 = 已化解和已结案的积案 ÷ 列入的积案；重新打开的算未化解")
    return bar


def stats_table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.setSelectionMode(QAbstractItemView.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.verticalHeader().setDefaultSectionSize(26)
    t.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    t.setStyleSheet(BAR_STYLE)
    return t


def cell(text, colour: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    if colour:
        item.setForeground(QColor(colour))
    return item


class BacklogBoard(QWidget):
    openRecord = Signal(int)

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        self.stats: dict = {}

        self.summary = QLabel()
        self.summary.setObjectName("sectionTitle")
        self.summary.setWordWrap(True)

        self.batches = stats_table(["交办批次", "目标日期", "剩余天数", "列入", "化解", "化解率 / 目标", "逾期", "超期化解", "销号"])
        self.batches.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.batches.setColumnWidth(5, 170)
        for c, w in ((2, 72), (3, 52), (4, 52), (6, 52), (7, 72), (8, 52)):
            self.batches.setColumnWidth(c, w)
        self.batches.cellDoubleClicked.connect(lambda r, _: self._pick(self.batch_filter, self.batches, r))
        self.leaders = stats_table(["包案领导", "职务", "包案", "化解", "化解率", "逾期"])
        self.leaders.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.leaders.setColumnWidth(4, 110)
        for c in (2, 3, 5):
            self.leaders.setColumnWidth(c, 48)
        self.leaders.cellDoubleClicked.connect(lambda r, _: self._pick(self.leader_filter, self.leaders, r))

        self.batch_filter, self.leader_filter, self.unit_filter, self.status_filter = (QComboBox() for _ in range(4))
        for c in (self.batch_filter, self.leader_filter, self.unit_filter):
            c.setMinimumWidth(140)
            c.currentIndexChanged.connect(self.reload_records)
        self.status_filter.addItem("全部状态", "")
        for s in ("未化解", "已化解", "已结案"):
            self.status_filter.addItem(s, s)
        self.status_filter.currentIndexChanged.connect(self.reload_records)
        self.overdue_only = QCheckBox("仅逾期(&O)")
        self.show_delisted = QCheckBox("含已销号(&X)")
        for c in (self.overdue_only, self.show_delisted):
            c.toggled.connect(self.reload_records)

        self.model = RecordsModel(ws, self)
        self.table = QTableView()
        self.table.setObjectName("backlogTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        for i, (_, _, w) in enumerate(COLUMNS):
            self.table.setColumnWidth(i, w)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.Stretch)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.table.activated.connect(self._activated)
        self.count_label = QLabel()
        self.count_label.setObjectName("hint")
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {RED};")
        self.error.setVisible(False)

        top = QSplitter(Qt.Horizontal)
        for title, table in (("按交办批次（双击筛选）", self.batches), ("按包案领导（双击筛选）", self.leaders)):
            box = QFrame()
            box.setObjectName("panel")
            bl = QVBoxLayout(box)
            bl.setContentsMargins(8, 6, 8, 8)
            head = QLabel(title)
            head.setObjectName("sectionTitle")
            bl.addWidget(head)
            bl.addWidget(table)
            top.addWidget(box)
        top.setSizes([760, 520])

        filters = QHBoxLayout()
        for text, w in (("批次(&B)", self.batch_filter), ("领导(&L)", self.leader_filter),
                        ("单位(&U)", self.unit_filter), ("状态(&S)", self.status_filter)):
            label = QLabel(text)
            label.setBuddy(w)
            filters.addWidget(label)
            filters.addWidget(w)
        filters.addWidget(self.overdue_only)
        filters.addWidget(self.show_delisted)
        filters.addStretch(1)
        clear = QPushButton("清除筛选")
        clear.clicked.connect(self.clear_filters)
        filters.addWidget(clear)

        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addLayout(filters)
        bl.addWidget(self.error)
        bl.addWidget(self.table, 1)
        hint_row = QHBoxLayout()
        hint_row.addWidget(self.count_label)
        hint_row.addStretch(1)
        hint = QLabel("回车或双击打开积案 · 逾期的积案以红色显示 · F5 刷新")
        hint.setObjectName("hint")
        hint_row.addWidget(hint)
        bl.addLayout(hint_row)

        split = QSplitter(Qt.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setSizes([230, 420])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.summary)
        lay.addWidget(split, 1)

    # ---- data ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.stats = self.ws.backlog.stats()
        self._fill_filters()
        self._fill_stats()
        self.reload_records()

    def _fill_filters(self) -> None:
        def refill(combo, first, items):
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, None)
            for text, value in items:
                combo.addItem(text, value)
            i = combo.findData(keep)
            combo.setCurrentIndex(i if i >= 0 else 0)
            combo.blockSignals(False)
        refill(self.batch_filter, "全部批次", [(b["name"], b["id"]) for b in self.ws.backlog.batches()])
        refill(self.leader_filter, "全部领导", [(x["name"], x["name"]) for x in self.ws.backlog.leaders()])
        refill(self.unit_filter, "全部单位", [(u["unit_name"], u["unit"]) for u in self.stats.get("units", [])])

    def _fill_stats(self) -> None:
        s = self.stats
        t = s["total"]
        self.summary.setText(
            f"截至 {s['as_of']}：列入 {t['assigned']} 件，已化解 {t['resolved']} 件，化解率 {pct(t['rate'])}；"
            f"逾期 {t['overdue']} 件，超期化解 {t['late_resolved']} 件，已销号 {t['delisted']} 件；"
            f"包案化解率 {pct(t['leader_rate'])}（{t['leader_resolved']}/{t['leader_assigned']}）")
        self.batches.setRowCount(len(s["batches"]))
        for i, b in enumerate(s["batches"]):
            name = b["name"] + ("（已关闭）" if b["closed"] else "")
            left = b["days_left"]
            self.batches.setItem(i, 0, cell(name))
            self.batches.item(i, 0).setData(Qt.UserRole, b["id"])
            self.batches.setItem(i, 1, cell(b["target_on"]))
            self.batches.setItem(i, 2, cell(left if left >= 0 else f"超{-left}", RED if left < 0 and not b["target_met"]
                                            else (AMBER if 0 <= left <= 30 else None)))
            for col, key in ((3, "assigned"), (4, "resolved")):
                self.batches.setItem(i, col, cell(b[key]))
            self.batches.setCellWidget(i, 5, progress_bar(b["rate"], b["target_rate"]))
            self.batches.setItem(i, 6, cell(b["overdue"], RED if b["overdue"] else None))
            self.batches.setItem(i, 7, cell(b["late_resolved"]))
            self.batches.setItem(i, 8, cell(b["delisted"]))
        self.leaders.setRowCount(len(s["leaders"]))
        for i, x in enumerate(s["leaders"]):
            self.leaders.setItem(i, 0, cell(x["leader"]))
            self.leaders.item(i, 0).setData(Qt.UserRole, x["leader"])
            self.leaders.setItem(i, 1, cell(x["post"]))
            self.leaders.setItem(i, 2, cell(x["assigned"]))
            self.leaders.setItem(i, 3, cell(x["resolved"]))
            self.leaders.setCellWidget(i, 4, progress_bar(x["rate"], None))
            self.leaders.setItem(i, 5, cell(x["overdue"], RED if x["overdue"] else None))

    def filters(self) -> dict:
        return {"batch": self.batch_filter.currentData(), "leader": self.leader_filter.currentData() or "",
                "unit": self.unit_filter.currentData() or "",
                "status": [self.status_filter.currentData()] if self.status_filter.currentData() else [],
                "overdue": self.overdue_only.isChecked(), "include_delisted": self.show_delisted.isChecked()}

    def reload_records(self) -> None:
        try:
            keys = self.ws.backlog.record_keys(**self.filters())
        except DomainError as exc:
            self.error.setText(exc.message)
            self.error.setVisible(True)
            return
        self.error.setVisible(False)
        self.model.set_ids([rid for rid, _ in keys])
        overdue = sum(late for _, late in keys)
        self.count_label.setText(f"共 {len(keys)} 件，其中逾期 {overdue} 件")
        if keys and not self.table.currentIndex().isValid():
            self.table.selectRow(0)

    def clear_filters(self) -> None:
        for c in (self.batch_filter, self.leader_filter, self.unit_filter, self.status_filter):
            c.blockSignals(True)
            c.setCurrentIndex(0)
            c.blockSignals(False)
        for c in (self.overdue_only, self.show_delisted):
            c.blockSignals(True)
            c.setChecked(False)
            c.blockSignals(False)
        self.reload_records()

    def selected_batch(self):
        """The batch picked in the by-batch table, else the one filtered on; None when neither."""
        row = self.batches.currentRow()
        if 0 <= row < self.batches.rowCount() and self.batches.item(row, 0) is not None:
            return self.batches.item(row, 0).data(Qt.UserRole)
        return self.batch_filter.currentData()

    def _pick(self, combo: QComboBox, table: QTableWidget, row: int) -> None:
        value = table.item(row, 0).data(Qt.UserRole)
        i = combo.findData(value)
        if i >= 0:
            combo.setCurrentIndex(i)
        self.table.setFocus()

    def _activated(self, index) -> None:
        rid = self.model.record_id(index.row())
        if rid is not None:
            self.openRecord.emit(rid)

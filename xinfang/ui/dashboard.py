"""工作台: the five counts as big clickable tiles, the most urgent items and the user's own items."""
from __future__ import annotations

from array import array

from .case_list import (COL_CATEGORY, COL_CHANNEL, COL_NAMES, COL_NUMBER, COL_RECEIVED, COL_STATUS, COL_SUMMARY,
                        COL_UNIT, CaseListModel, make_case_table)
from .backlog.workbench import BacklogPanel
from .qt import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, Qt, QVBoxLayout, QWidget, Signal

TILES = (
    # name in ws.dashboard(), caption under the number, accent colour
    ("逾期", "已过期限仍未办结", "#d93025"),
    ("临期", "即将到期，请抓紧办理", "#e8a317"),
    ("待受理", "已转送交办，待告知受理", "#1a73e8"),
    ("待答复", "办理中，待出具答复意见", "#0f9d8a"),
    ("待处置", "已登记，待转送交办或受理", "#5f6c80"),
)
WEEKDAYS = "一二三四五六日"


class Tile(QPushButton):
    def __init__(self, name: str, caption: str, color: str, parent=None):
        super().__init__(parent)
        self.name = name
        self.setObjectName("tile")
        self.setCursor(Qt.PointingHandCursor)
        self.setProperty("accent", color)
        self.setStyleSheet(f"QPushButton#tile {{ border-top: 4px solid {color}; }}")
        self.setMinimumHeight(112)
        self.setToolTip(f"点击查看全部“{name}”信访件")
        self.number = QLabel("…")
        self.number.setObjectName("tileNumber")
        self.number.setStyleSheet(f"color: {color};")
        self.title = QLabel(name)
        self.title.setObjectName("tileTitle")
        self.caption = QLabel(caption)
        self.caption.setObjectName("tileCaption")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 10, 16, 12)
        lay.setSpacing(2)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        lay.addLayout(top)
        lay.addWidget(self.number)
        lay.addWidget(self.caption)
        for w in (self.number, self.title, self.caption):
            w.setAttribute(Qt.WA_TransparentForMouseEvents)

    def set_count(self, n: int) -> None:
        self.number.setText(f"{n:,}")


class Dashboard(QWidget):
    showList = Signal(str)       # a tile was clicked: show that list
    openCase = Signal(int)

    refreshed = Signal()

    def __init__(self, ws, actor: str, parent=None, *, backend=None):
        super().__init__(parent)
        self.ws = ws
        self.actor = actor
        self.backend = backend      # counts run on the worker's connection when given
        self.data: dict = {}
        self._gen = 0

        title = QLabel("工作台")
        title.setObjectName("pageTitle")
        self.today_label = QLabel()
        self.today_label.setObjectName("hint")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.today_label)
        head.addStretch(1)

        self.warning = QLabel()
        self.warning.setObjectName("warningBanner")
        self.warning.setWordWrap(True)
        self.warning.hide()

        self.tiles: dict[str, Tile] = {}
        tiles = QGridLayout()
        tiles.setSpacing(12)
        for i, (name, caption, color) in enumerate(TILES):
            t = Tile(name, caption, color)
            t.clicked.connect(lambda _=False, n=name: self.showList.emit(n))
            self.tiles[name] = t
            tiles.addWidget(t, 0, i)

        self.urgent_model = CaseListModel(ws, self)
        self.urgent = make_case_table(self.urgent_model, self)
        self.urgent.setObjectName("urgentTable")
        self.mine_model = CaseListModel(ws, self)
        self.mine = make_case_table(self.mine_model, self)
        self.mine.setObjectName("mineTable")
        for view in (self.urgent, self.mine):
            for col in (COL_RECEIVED, COL_CHANNEL, COL_CATEGORY, COL_UNIT):
                view.setColumnHidden(col, True)
            view.setColumnWidth(COL_NUMBER, 128)
            view.setColumnWidth(COL_NAMES, 72)
            view.setColumnWidth(COL_SUMMARY, 150)
            view.setColumnWidth(COL_STATUS, 96)
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
            view.activated.connect(lambda index, v=view: self._activated(v, index))

        self.urgent_title = QLabel("逾期与临期")
        self.urgent_title.setObjectName("sectionTitle")
        self.mine_title = QLabel("我登记的")
        self.mine_title.setObjectName("sectionTitle")
        more_urgent = QPushButton("查看全部逾期")
        more_urgent.setObjectName("linkButton")
        more_urgent.clicked.connect(lambda: self.showList.emit("逾期"))
        more_mine = QPushButton("查看全部")
        more_mine.setObjectName("linkButton")
        more_mine.clicked.connect(lambda: self.showList.emit("我登记的"))

        lists = QHBoxLayout()
        lists.setSpacing(12)
        for label, more, view in ((self.urgent_title, more_urgent, self.urgent),
                                  (self.mine_title, more_mine, self.mine)):
            box = QFrame()
            box.setObjectName("panel")
            bl = QVBoxLayout(box)
            bl.setContentsMargins(12, 10, 12, 12)
            hl = QHBoxLayout()
            hl.addWidget(label)
            hl.addStretch(1)
            hl.addWidget(more)
            bl.addLayout(hl)
            bl.addWidget(view, 1)
            lists.addWidget(box, 1)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 14, 16, 12)
        lay.setSpacing(12)
        lay.addLayout(head)
        lay.addWidget(self.warning)
        # 积案: a leader's own 包案 items come first; for everyone else one line of counts
        self.backlog_panel = BacklogPanel(ws, actor)
        lay.addWidget(self.backlog_panel)
        lay.addLayout(tiles)
        lay.addLayout(lists, 1)
        hint = QLabel("双击或按回车打开信访件 · Ctrl+N 登记 · Ctrl+F 搜索 · F5 刷新")
        hint.setObjectName("hint")
        lay.addWidget(hint)

    def refresh(self) -> None:
        ws = self.ws
        today = ws.now().date()
        self.today_label.setText(f"{today.isoformat()} 星期{WEEKDAYS[today.weekday()]} · 用户 {self.actor}")
        self._check_calendar(today.year)
        self.backlog_panel.refresh()
        self._gen += 1
        if self.backend is None:
            self._show(ws.dashboard(self.actor, today=today))
            return
        actor, gen = self.actor, self._gen
        self.backend.submit(lambda w: w.dashboard(actor, today=today),
                            on_done=lambda data, g=gen: self._arrived(g, data),
                            stale=lambda g=gen: g != self._gen)

    def _arrived(self, gen: int, data: dict) -> None:
        try:
            if gen == self._gen:
                self._show(data)
        except RuntimeError:   # closed meanwhile
            pass

    def _show(self, data: dict) -> None:
        self.data = data
        for name, tile in self.tiles.items():
            tile.set_count(self.data.get(name, {}).get("count", 0))
        over = self.data.get("逾期", {})
        near = self.data.get("临期", {})
        urgent = array("q", list(over.get("ids", [])) + list(near.get("ids", [])))
        self.urgent_model.show_ids(urgent)
        self.urgent_title.setText(f"逾期与临期（逾期 {over.get('count', 0):,} 件，临期 {near.get('count', 0):,} 件）")
        mine = self.data.get("我登记的", {})
        self.mine_model.show_ids(mine.get("ids", []))
        self.mine_title.setText(f"我登记的（{mine.get('count', 0):,} 件）")
        self.refreshed.emit()

    def _check_calendar(self, year: int) -> None:
        cal = self.ws.calendar
        missing = [y for y in (year, year + 1) if not cal.has_data(y)]
        if missing:
            years = "、".join(f"{y} 年" for y in missing)
            self.warning.setText(f"注意：{years}尚无法定节假日数据：落在这些年份的期限暂按“仅周末休息”计算，"
                                 "可能与实际放假安排不符。请在“设置 → 节假日”中导入国务院办公厅公布的放假安排。")
            self.warning.show()
        else:
            self.warning.hide()

    def counts(self) -> dict[str, int]:
        return {name: int(self.data.get(name, {}).get("count", 0)) for name in self.tiles}

    def _activated(self, view, index) -> None:
        cid = view.model().case_id(index.row())
        if cid is not None:
            self.openCase.emit(cid)

"""调解员工作台: my open disputes, 司法确认 windows closing within a week, 回访 due."""
from __future__ import annotations

from ..qt import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, Qt, QVBoxLayout, QWidget,
                  Signal)

WINDOW_DAYS = 7


class MediatorWorkbench(QWidget):
    openDispute = Signal(int)

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        top = QHBoxLayout()
        top.addWidget(QLabel("调解员"))
        self.who = QComboBox()
        self.who.setObjectName("workbenchMediator")
        top.addWidget(self.who)
        top.addStretch(1)
        lay.addLayout(top)
        row = QHBoxLayout()
        self.lists: dict[str, QListWidget] = {}
        for key, title in (("open", "我的在办纠纷"), ("confirmation", f"司法确认申请期限 {WINDOW_DAYS} 日内届满"),
                           ("followup", "待回访")):
            box = QGroupBox(title)
            bl = QVBoxLayout(box)
            lw = QListWidget()
            lw.setObjectName(f"workbench_{key}")
            lw.itemActivated.connect(lambda item: self.openDispute.emit(item.data(Qt.UserRole)))
            lw.itemDoubleClicked.connect(lambda item: self.openDispute.emit(item.data(Qt.UserRole)))
            bl.addWidget(lw)
            row.addWidget(box, 1)
            self.lists[key] = lw
        lay.addLayout(row, 1)
        self.fill_mediators()
        self.who.currentIndexChanged.connect(lambda _: self.refresh())
        self.refresh()

    def fill_mediators(self) -> None:
        self.who.blockSignals(True)
        self.who.clear()
        mine = self.ws.mediation.mediator_for(self.actor)
        others = [x for x in self.ws.mediation.mediators() if x not in mine]
        for x in mine + others:
            self.who.addItem(f"{x['name']}（{x['committee_name']}）", x["name"])
        self.who.blockSignals(False)

    def refresh(self) -> None:
        name = self.who.currentData()
        for lw in self.lists.values():
            lw.clear()
        if not name:
            self.lists["open"].addItem("（尚无调解员，请先在调解委员会中添加）")
            return
        wb = self.ws.mediation.workbench(name, window_days=WINDOW_DAYS)
        rows = self.ws.mediation.list_rows(wb["open"])
        for rid in wb["open"]:
            r = rows.get(rid)
            if r:
                due = f"  {r[9]} 到期" if r[9] else ""
                self._add("open", rid, f"{r[1]}  {r[6]}  [{r[4]}]{due}")
        for x in wb["confirmation"]:
            self._add("confirmation", x["row"], f"{x['number']}  最后一日 {x['due']}")
        for x in wb["followup"]:
            self._add("followup", x["row"], f"{x['number']}  回访期限 {x['due']}")
        for key, lw in self.lists.items():
            if not lw.count():
                lw.addItem("（无）")

    def _add(self, key: str, row: int, text: str) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.UserRole, row)
        self.lists[key].addItem(item)

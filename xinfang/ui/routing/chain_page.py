"""分办原则 page: the order of the routing principles, each on or off; saved through Workspace.set_routing_chain."""
from __future__ import annotations

from ...domain.problems import DomainError
from ..qt import QColor, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, Qt, QVBoxLayout
from ..widgets import hint_label
from .common import AMBER, RED, SettingsPage, status_label

PRINCIPLE_HELP = {
    "accusation": "检举控告件按管理权限转纪检监察机关，不得交被检举单位。",
    "litigation": "属于诉讼、仲裁、复议等法定途径的，引导走法定途径（诉访分离）。",
    "caused_by": "问题由某单位的行为引发的，由该单位负责。",
    "competent": "按权责清单，由主管该事项的部门负责。",
    "territorial": "没有主管部门的，由问题发生地的街道乡镇负责。",
    "level": "超出本级职权的，报上级；本级的由本级转送交办。",
}


class ChainPage(SettingsPage):
    def __init__(self, ws, actor: str, parent=None):
        super().__init__(ws, actor, parent)
        self.names = dict(ws.principles())
        title = QLabel("分办原则的顺序")
        title.setObjectName("sectionTitle")
        hint = hint_label("分办时从上到下逐条判断，第一条适用的原则决定承办单位；取消勾选的原则不参与判断。"
                          "“检举控告”应放在最前面，以免举报材料转到被举报单位。")
        self.list = QListWidget()
        self.list.setMaximumWidth(560)
        self.list.setMinimumHeight(230)
        self.list.setStyleSheet("QListWidget::item { padding: 6px 4px; }")
        self.list.itemChanged.connect(self._dirty)
        self.list.currentRowChanged.connect(self._buttons)
        self.up_btn = QPushButton("上移")
        self.down_btn = QPushButton("下移")
        self.save_btn = QPushButton("保存")
        self.save_btn.setObjectName("primary")
        self.default_btn = QPushButton("恢复默认")
        self.up_btn.clicked.connect(lambda: self.move(-1))
        self.down_btn.clicked.connect(lambda: self.move(1))
        self.save_btn.clicked.connect(self.save)
        self.default_btn.clicked.connect(self.restore_default)
        side = QVBoxLayout()
        for b in (self.up_btn, self.down_btn):
            side.addWidget(b)
        side.addStretch(1)
        side.addWidget(self.default_btn)
        side.addWidget(self.save_btn)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        row.addStretch(1)
        self.result = status_label()
        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addWidget(hint)
        lay.addLayout(row)
        lay.addWidget(self.result)
        lay.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        current = [p.value for p in self.ws.routing_chain]
        self._load(current, [code for code, _ in self.ws.principles() if code not in current])
        self.result.hide()

    def _load(self, enabled: list[str], disabled: list[str]) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for code in enabled + disabled:
            it = QListWidgetItem(self.names.get(code, code))
            it.setData(Qt.UserRole, code)
            it.setFlags(it.flags() | Qt.ItemIsUserCheckable)
            it.setCheckState(Qt.Checked if code in enabled else Qt.Unchecked)
            it.setToolTip(PRINCIPLE_HELP.get(code, ""))
            self.list.addItem(it)
        self.list.blockSignals(False)
        self._renumber()
        self.list.setCurrentRow(0)
        self._buttons()

    def _renumber(self) -> None:
        self.list.blockSignals(True)
        n = 0
        for i in range(self.list.count()):
            it = self.list.item(i)
            code = it.data(Qt.UserRole)
            on = it.checkState() == Qt.Checked
            if on:
                n += 1
            label = f"{n}. {self.names.get(code, code)}" if on else f"（不用）{self.names.get(code, code)}"
            it.setText(f"{label}　—　{PRINCIPLE_HELP.get(code, '')}")
            it.setForeground(QColor("#1f2d3d" if on else "#9aa5b1"))
        self.list.blockSignals(False)

    def chain(self) -> list[str]:
        return [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.Checked]

    def order(self) -> list[str]:
        return [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())]

    def set_enabled(self, code: str, on: bool) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.UserRole) == code:
                self.list.item(i).setCheckState(Qt.Checked if on else Qt.Unchecked)

    def move(self, step: int) -> None:
        row = self.list.currentRow()
        to = row + step
        if row < 0 or not 0 <= to < self.list.count():
            return
        self.list.blockSignals(True)
        it = self.list.takeItem(row)
        self.list.insertItem(to, it)
        self.list.blockSignals(False)
        self.list.setCurrentRow(to)
        self._dirty()

    def _buttons(self, *_) -> None:
        row = self.list.currentRow()
        self.up_btn.setEnabled(row > 0)
        self.down_btn.setEnabled(0 <= row < self.list.count() - 1)

    def _dirty(self, *_) -> None:
        self._renumber()
        self._status(self.result, "顺序已改动，尚未保存。", AMBER)

    def restore_default(self) -> None:
        self._load([code for code, _ in self.ws.principles()], [])
        self._status(self.result, "已恢复默认顺序，点“保存”后生效。", AMBER)

    def save(self) -> bool:
        try:
            chain = self.ws.set_routing_chain(self.chain(), self.actor)
        except DomainError as e:
            self._status(self.result, e.message, RED)
            return False
        self.refresh()
        self._status(self.result, "已保存。此后的分办按：" + " → ".join(self.names.get(p.value, p.value) for p in chain))
        self.changed.emit()
        return True

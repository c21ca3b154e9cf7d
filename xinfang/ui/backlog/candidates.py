"""积案候选 (本级排查): cases that look like backlog, with the reasons; a person takes each on or dismisses it
with a reason. The thresholds are settings, changed right here."""
from __future__ import annotations

from ...domain.problems import DomainError
from ..qt import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSpinBox, Qt, QTableWidget,
                  QTableWidgetItem, QVBoxLayout, QWidget, Signal)
from .dialogs import DismissDialog, TakeOnDialog


class CandidatesPage(QWidget):
    openCase = Signal(str)
    takenOn = Signal(int)

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        self.items: list[dict] = []
        self.dialog = None

        rules = QHBoxLayout()
        self.open_days, self.repeat_count = QSpinBox(), QSpinBox()
        self.open_days.setRange(30, 3650)
        self.open_days.setSuffix(" 天")
        self.repeat_count.setRange(2, 50)
        self.repeat_count.setSuffix(" 次")
        rules.addWidget(QLabel("规则：办理超过"))
        rules.addWidget(self.open_days)
        rules.addWidget(QLabel("仍未办结；同一人同一事项 12 个月内信访达到"))
        rules.addWidget(self.repeat_count)
        rules.addWidget(QLabel("；经复核终结后再次信访。"))
        apply = QPushButton("应用阈值")
        apply.clicked.connect(self.apply_thresholds)
        rules.addWidget(apply)
        rules.addStretch(1)

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("candidateTable")
        self.table.setHorizontalHeaderLabels(["信访件编号", "收到日期", "信访人", "反映问题", "办理状态", "提示理由"])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        for c, w in enumerate((128, 88, 80, 280, 90)):
            self.table.setColumnWidth(c, w)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.Stretch)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        self.table.cellActivated.connect(lambda r, _: self.take_on(r))

        buttons = QHBoxLayout()
        self.take_button = QPushButton("列为积案…")
        self.take_button.setToolTip("以“本级排查”列入交办批次（回车）")
        self.take_button.clicked.connect(lambda: self.take_on())
        self.dismiss_button = QPushButton("不列为积案…")
        self.dismiss_button.clicked.connect(lambda: self.dismiss())
        self.case_button = QPushButton("打开信访件")
        self.case_button.clicked.connect(self._open_case)
        for b in (self.take_button, self.dismiss_button, self.case_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.status = QLabel()
        self.status.setObjectName("hint")
        buttons.addWidget(self.status)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        hint = QLabel("系统只提示，不会自动列为积案。不列为积案的须写明理由；该件有新的办理记录或新的重复信访后会再次提示。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        lay.addLayout(rules)
        lay.addWidget(self.banner)
        lay.addLayout(buttons)
        lay.addWidget(self.table, 1)

    def refresh(self) -> None:
        rules = self.ws.backlog.candidate_rules()
        self.open_days.setValue(rules.open_days)
        self.repeat_count.setValue(rules.repeat_count)
        result = self.ws.backlog.candidates()
        self.items = result["items"]
        self.table.setRowCount(len(self.items))
        for i, c in enumerate(self.items):
            values = (c["case"], c["received_at"][:10], c["petitioners"], c["summary"], c["status"],
                      "；".join(c["reasons"]) + (f"（曾不列入：{c['dismissed_before']}）" if c["dismissed_before"] else ""))
            for j, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setToolTip(v)
                self.table.setItem(i, j, item)
        if self.items:
            self.table.selectRow(0)
        self.status.setText(f"候选 {len(self.items)} 件；已不列入且无新情况 {result['dismissed_hidden']} 件")

    def apply_thresholds(self) -> None:
        try:
            self.ws.backlog.configure("backlog_open_days", self.open_days.value(), self.actor)
            self.ws.backlog.configure("backlog_repeat_count", self.repeat_count.value(), self.actor)
        except DomainError as exc:
            self._banner(exc.message, error=True)
            return
        self.refresh()
        self._banner("已按新的阈值重新排查")

    def current(self, row: int | None = None) -> dict | None:
        row = self.table.currentRow() if row is None else row
        return self.items[row] if 0 <= row < len(self.items) else None

    def take_on(self, row: int | None = None):
        c = self.current(row)
        if c is None:
            return None
        case = self.ws.case(c["case_row"])
        self.dialog = TakeOnDialog(self.ws, self.actor, case, self, source="本级排查")
        self.dialog.accepted.connect(lambda: self._taken(self.dialog))
        self.dialog.open()
        return self.dialog

    def _taken(self, dlg) -> None:
        self._banner(f"已列为积案（第 {dlg.result_value['id']} 号）")
        self.refresh()
        self.takenOn.emit(dlg.result_value["id"])

    def dismiss(self, row: int | None = None):
        c = self.current(row)
        if c is None:
            return None
        self.dialog = DismissDialog(self.ws, self.actor, c, self)
        self.dialog.accepted.connect(lambda: (self._banner(f"已记录：{c['case']} 不列为积案"), self.refresh()))
        self.dialog.open()
        return self.dialog

    def _open_case(self) -> None:
        c = self.current()
        if c is not None:
            self.openCase.emit(self.ws.case(c["case_row"]).id)

    def _banner(self, text: str, error: bool = False) -> None:
        from ..widgets import BANNER_STYLES
        self.banner.setText(text)
        self.banner.setStyleSheet(BANNER_STYLES["error" if error else "ok"])
        self.banner.setVisible(True)

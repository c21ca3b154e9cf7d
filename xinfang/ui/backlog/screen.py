"""The 积案 page: 看板 (board), 积案候选 and 公开接访 as inner tabs; batches and leaders are managed here."""
from __future__ import annotations

from ...domain.problems import DomainError
from ..qt import QFileDialog, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget, Signal
from ..widgets import BANNER_STYLES
from .board import BacklogBoard
from .candidates import CandidatesPage
from .campaign_dialogs import BatchDialog, CloseBatchDialog, LeadersDialog, SettingsDialog
from .receptions import ReceptionsPage


class BacklogScreen(QWidget):
    openRecord = Signal(int)
    openCase = Signal(str)

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        self.dialog = None
        title = QLabel("积案化解")
        title.setObjectName("pageTitle")
        new_batch = QPushButton("新建交办批次…")
        new_batch.clicked.connect(lambda: self.new_batch())
        leaders = QPushButton("包案领导…")
        leaders.clicked.connect(lambda: self.edit_leaders())
        self.close_batch_button = QPushButton("关闭批次…")
        self.close_batch_button.setToolTip("关闭看板上选中（或筛选）的交办批次：不再列入新积案")
        self.close_batch_button.clicked.connect(lambda: self.close_batch())
        settings = QPushButton("积案设置…")
        settings.setToolTip("化解方式、临期提醒天数、默认目标化解率、积案候选规则")
        settings.clicked.connect(lambda: self.edit_settings())
        self.print_batch_button = QPushButton("打印批次清单…")
        self.print_batch_button.setToolTip("打印看板上筛选的交办批次的清单（未筛选时打印第一个批次）")
        self.print_batch_button.clicked.connect(lambda: self.print_batch())
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        for b in (new_batch, self.close_batch_button, leaders, settings, self.print_batch_button):
            head.addWidget(b)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)

        self.board = BacklogBoard(ws, actor)
        self.candidates = CandidatesPage(ws, actor)
        self.receptions = ReceptionsPage(ws, actor)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.board, "看板")
        self.tabs.addTab(self.candidates, "积案候选")
        self.tabs.addTab(self.receptions, "公开接访")
        self.tabs.currentChanged.connect(self._tab_changed)
        self._loaded: set[int] = set()

        self.board.openRecord.connect(self.openRecord)
        self.candidates.openCase.connect(self.openCase)
        self.candidates.takenOn.connect(lambda rid: (self.board.refresh(), self.openRecord.emit(rid)))
        self.receptions.openCase.connect(self.openCase)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 10)
        lay.addLayout(head)
        lay.addWidget(self.banner)
        lay.addWidget(self.tabs, 1)

    def refresh(self) -> None:
        """Re-read the page that is shown; the others reload when they are next shown."""
        self._loaded = set()
        self._tab_changed(self.tabs.currentIndex())

    def _tab_changed(self, index: int) -> None:
        if index in self._loaded:
            return
        self._loaded.add(index)
        (self.board, self.candidates, self.receptions)[index].refresh()

    def new_batch(self):
        self.dialog = BatchDialog(self.ws, self.actor, self)
        self.dialog.accepted.connect(lambda: (self._banner(f"已新建交办批次：{self.dialog.result_value['name']}"),
                                              self.refresh()))
        self.dialog.open()
        return self.dialog

    def close_batch(self):
        batch = self.board.selected_batch()
        if batch is None:
            self._banner("请先在看板的“按交办批次”表中选中要关闭的批次", error=True)
            return None
        b = self.ws.backlog.batch(batch)
        if b["closed"]:
            self._banner(f"交办批次“{b['name']}”已于 {b['closed_on']} 关闭", error=True)
            return None
        numbers = next((x for x in self.board.stats.get("batches", []) if x["id"] == b["id"]), None)
        self.dialog = CloseBatchDialog(self.ws, self.actor, b, numbers, self)
        self.dialog.accepted.connect(lambda: (self._banner(f"已关闭交办批次：{b['name']}"), self.refresh()))
        self.dialog.open()
        return self.dialog

    def edit_settings(self):
        self.dialog = SettingsDialog(self.ws, self.actor, self)
        self.dialog.accepted.connect(lambda: (self._banner("已保存积案设置：" + ("、".join(self.dialog.result_value)
                                                                                 or "没有修改")), self.refresh()))
        self.dialog.open()
        return self.dialog

    def edit_leaders(self):
        self.dialog = LeadersDialog(self.ws, self.actor, self)
        self.dialog.finished.connect(lambda _: self.refresh())
        self.dialog.open()
        return self.dialog

    def print_batch(self, path: str | None = None) -> bool:
        batch = self.board.batch_filter.currentData()
        if batch is None:
            batches = self.ws.backlog.batches()
            if not batches:
                self._banner("还没有交办批次", error=True)
                return False
            batch = batches[0]["id"]
        name = self.ws.backlog.batch(batch)["name"]
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, "保存交办批次清单", f"积案清单-{name}.pdf", "PDF 文件 (*.pdf)")
            if not path:
                return False
        try:
            data = self.ws.backlog.batch_pdf(batch, self.actor)
            with open(path, "wb") as f:
                f.write(data)
        except (DomainError, OSError) as exc:
            self._banner(getattr(exc, "message", None) or f"保存失败：{exc}", error=True)
            return False
        self._banner(f"已生成“{name}”清单：{path}")
        return True

    def _banner(self, text: str, error: bool = False) -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(BANNER_STYLES["error" if error else "ok"])
        self.banner.setVisible(True)

"""The 调解 tab of the main window: 工作台, 纠纷 list, 登记, and each opened dispute as a closable tab."""
from __future__ import annotations

from ..qt import QKeySequence, QShortcut, Qt, QTabBar, QTabWidget, QToolButton, QVBoxLayout, QWidget, Signal
from .detail import DisputeDetail
from .list_screen import DisputeListScreen
from .register_form import DisputeRegisterForm
from .workbench import MediatorWorkbench

FIXED_TABS = 3


class MediationSection(QWidget):
    openPetition = Signal(str)

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mediationTabs")
        self.workbench = MediatorWorkbench(ws, actor)
        self.list = DisputeListScreen(ws, actor)
        self.form = DisputeRegisterForm(ws, actor)
        self.tabs.addTab(self.workbench, "调解工作台")
        self.tabs.addTab(self.list, "纠纷")
        self.tabs.addTab(self.form, "纠纷登记")
        lay.addWidget(self.tabs)
        self.details: dict[int, DisputeDetail] = {}
        self.workbench.openDispute.connect(self.open_dispute)
        self.list.openDispute.connect(self.open_dispute)
        self.list.newDispute.connect(lambda: self.tabs.setCurrentIndex(2))
        self._connect_form()
        sc = QShortcut(QKeySequence("Ctrl+Shift+N"), self)
        sc.setContext(Qt.WidgetWithChildrenShortcut)
        sc.activated.connect(lambda: self.tabs.setCurrentIndex(2))
        self.list.apply_filters()

    def _connect_form(self) -> None:
        self.form.saved.connect(self._registered)

    def _registered(self, row: int) -> None:
        old = self.form
        self.form = DisputeRegisterForm(self.ws, self.actor)
        self._connect_form()
        self.tabs.removeTab(2)
        self.tabs.insertTab(2, self.form, "纠纷登记")
        old.stop_timers()
        old.deleteLater()
        self.refresh()
        self.open_dispute(row)

    def open_dispute(self, row: int) -> DisputeDetail:
        if row in self.details and self.tabs.indexOf(self.details[row]) >= 0:
            self.tabs.setCurrentWidget(self.details[row])
            return self.details[row]
        detail = DisputeDetail(self.ws, self.actor, row)
        detail.changed.connect(lambda _: self.refresh())
        detail.openPetition.connect(self.openPetition.emit)
        self.details[row] = detail
        i = self.tabs.addTab(detail, detail.d.get("number", str(row)))
        close = QToolButton()
        close.setText("×")
        close.setAutoRaise(True)
        close.setToolTip("关闭")
        close.clicked.connect(lambda _=False, d=detail: self.close_detail(d))
        self.tabs.tabBar().setTabButton(i, QTabBar.RightSide, close)
        self.tabs.setCurrentIndex(i)
        return detail

    def close_detail(self, detail: DisputeDetail) -> None:
        i = self.tabs.indexOf(detail)
        if i >= FIXED_TABS:
            self.tabs.removeTab(i)
            self.details = {k: v for k, v in self.details.items() if v is not detail}
            detail.deleteLater()

    def refresh(self) -> None:
        self.list.refresh()
        self.workbench.refresh()

    def stop_timers(self) -> None:
        self.list.stop_timers()
        self.form.stop_timers()

"""列为积案 from a case's detail: a button when the case is not on the list, a link to its open record when it is."""
from __future__ import annotations

from ...domain.problems import DomainError
from ..qt import QPushButton
from .dialogs import TakeOnDialog


class BacklogLinkMixin:
    """For CaseDetail: `_build_backlog_link(layout)` once, `_fill_backlog_link()` on every reload;
    the widget declares `open_backlog = Signal(int)` and `changed`."""

    def _build_backlog_link(self, layout) -> None:
        self.backlog_button = QPushButton("列为积案…")
        self.backlog_button.setToolTip("列入交办批次，指定包案领导、责任单位和化解方案")
        self.backlog_button.clicked.connect(self._backlog_clicked)
        self.backlog_record_id = None
        self.backlog_dialog = None
        layout.addWidget(self.backlog_button)

    def _fill_backlog_link(self) -> None:
        try:
            records = [r for r in self.ws.backlog.records_of_case(self.case.id) if not r["delisted"]]
        except DomainError:          # no right to the 积案 books: no button
            self.backlog_button.setVisible(False)
            return
        self.backlog_button.setVisible(True)
        if records:
            r = records[-1]
            self.backlog_record_id = r["id"]
            self.backlog_button.setText(f"积案 {r['id']}：{r['status']}（{r['due_state']}）")
            self.backlog_button.setToolTip("打开该积案")
        else:
            self.backlog_record_id = None
            self.backlog_button.setText("列为积案…")
            self.backlog_button.setToolTip("列入交办批次，指定包案领导、责任单位和化解方案")

    def _backlog_clicked(self) -> None:
        if self.backlog_record_id is not None:
            self.open_backlog.emit(self.backlog_record_id)
        else:
            self.take_on_backlog()

    def take_on_backlog(self) -> TakeOnDialog:
        self.backlog_dialog = TakeOnDialog(self.ws, self.actor, self.case, self)
        self.backlog_dialog.accepted.connect(self._taken_on)
        self.backlog_dialog.open()
        return self.backlog_dialog

    def _taken_on(self) -> None:
        rec = self.backlog_dialog.result_value
        self._fill_backlog_link()
        self.show_banner(f"已列为积案（第 {rec['id']} 号，{rec['batch_name']}，化解时限 {rec['due']}）", "ok")
        self.changed.emit(self.case.id)
        self.open_backlog.emit(rec["id"])

"""期限 on a case: one coloured badge per deadline; clicking a badge explains how its date was computed."""
from __future__ import annotations

from ...domain.enums import DueState
from ..qt import QLabel, QPushButton, Qt
from ..widgets import clear_layout

BADGE_COLORS = {
    DueState.NORMAL.value: ("#2e7d32", "#ffffff"),
    DueState.NEAR.value: ("#f9a825", "#3e2700"),
    DueState.OVERDUE.value: ("#c62828", "#ffffff"),
    DueState.DONE_ON_TIME.value: ("#9e9e9e", "#ffffff"),
    DueState.DONE_LATE.value: ("#6d0000", "#ffffff"),
}

BADGES_PER_ROW = 4

class DeadlineBadge(QPushButton):
    def __init__(self, deadline, parent=None):
        super().__init__(parent)
        self.deadline = deadline
        bg, fg = BADGE_COLORS.get(deadline.state, ("#607d8b", "#ffffff"))
        self.setText(f"{deadline.step.label} {deadline.due.isoformat()} · {deadline.state}")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("点击查看期限计算说明")
        self.setStyleSheet(f"QPushButton {{ background: {bg}; color: {fg}; border: none; border-radius: 10px; "
                           f"padding: 3px 10px; font-weight: bold; }} "
                           f"QPushButton:focus {{ border: 2px solid #1565c0; }}")


class DeadlinesMixin:
    """CaseDetail's badges in `badge_row` (BADGES_PER_ROW a row) and the `explain_panel` under them."""

    def _fill_deadlines(self) -> None:
        clear_layout(self.badge_row)
        self.badges = []
        self.explain_panel.setVisible(False)
        for i, dl in enumerate(self.ws.deadlines(self.case)):
            b = DeadlineBadge(dl)
            b.clicked.connect(lambda _=False, b=b: self.show_explain(b))
            self.badge_row.addWidget(b, i // BADGES_PER_ROW, i % BADGES_PER_ROW)
            self.badges.append(b)
        if not self.badges:
            none = QLabel("（无）")
            none.setStyleSheet("color: #607d8b;")
            self.badge_row.addWidget(none, 0, 0)

    def show_explain(self, badge: DeadlineBadge) -> None:
        dl = badge.deadline
        if self.explain_panel.isVisible() and getattr(self, "_explained", None) is dl:
            self.explain_panel.setVisible(False)
            return
        self._explained = dl
        lines = [f"<b>{dl.step.label}：{dl.due.isoformat()}（{dl.state}）</b>"] + [f"· {x}" for x in dl.explain]
        self.explain_panel.setText("<br>".join(lines))
        self.explain_panel.setVisible(True)

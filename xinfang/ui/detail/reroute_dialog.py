"""重新分办: the dialog behind a registered case's 重新分办… button."""
from __future__ import annotations

from html import escape

from ...domain.problems import DomainError, StaleRecord
from ..dialogs import attach_unit_completer
from ..qt import QDialog, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, Qt, QVBoxLayout
from ..widgets import error_label, ok_cancel_buttons


class RerouteDialog(QDialog):
    """重新分办: keep the suggestion (unit left empty) or choose another unit, which needs a reason."""

    def __init__(self, ws, actor: str, case, parent=None):
        super().__init__(parent)
        self.ws, self.actor, self.case = ws, actor, case
        self.result_case = None
        self.setWindowTitle(f"重新分办 · {case.number}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)
        route = case.route if isinstance(case.route, dict) else {}
        self.suggested = route.get("unit", "") if not route.get("overridden") else route.get("suggested_unit", "")
        name = route.get("unit_name") or route.get("unit") or ""
        hint = QLabel("不填单位则按当前分办建议重新分办；改派其他单位时请写明理由，理由记入办理过程。"
                      "承办单位异议退回的，不再自动分给该单位。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #455a64;")
        current = QLabel(f"当前分办建议：<b>{escape(name)}</b>" if name else
                         "当前分办建议：<span style='color:#b71c1c'>需人工指定</span>")
        current.setWordWrap(True)
        self.unit = QLineEdit()
        self.unit.setPlaceholderText("单位名称或编码（输入几个字可选择）")
        attach_unit_completer(self.unit, ws)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("改派理由，如“经协调由属地街道牵头办理”")
        self.reason.setFixedHeight(80)
        self.error = error_label()
        form = QFormLayout()
        form.addRow("承办单位", self.unit)
        form.addRow("理由", self.reason)
        self.buttons, self.ok_button = ok_cancel_buttons(self, "重新分办")
        lay = QVBoxLayout(self)
        lay.addWidget(hint)
        lay.addWidget(current)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

    def submit(self) -> None:
        text = self.unit.text().strip()
        code = ""
        if text:
            unit = self.ws.directory.find(text)
            if unit is None:
                self.show_error(f"单位“{text}”不在单位目录中，请从提示列表中选择")
                return
            code = unit.code
        try:
            self.result_case = self.ws.route_case(self.case.id, self.actor, unit=code,
                                                  reason=self.reason.toPlainText().strip(), version=self.case.version)
        except StaleRecord as e:                  # another seat changed the case: the detail reloads it
            self.stale = e
            self.reject()
            return
        except DomainError as e:
            self.show_error(e.message)
            return
        self.accept()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)

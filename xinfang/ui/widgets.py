"""Small building blocks that several screens share: message styles, dialog buttons, searchable unit boxes,
layouts that are refilled, file sizes and the alternative units of a route."""
from __future__ import annotations

from .qt import QComboBox, QCompleter, QDialogButtonBox, QLabel, QPushButton, Qt

ERROR_STYLE = ("QLabel { color: #b71c1c; background: #fdecea; border: 1px solid #f5c2c0; "
               "border-radius: 4px; padding: 6px; }")

# The banner at the top of the 登记 form and of a case: ok (green), warn (amber), error (red).
BANNER_STYLES = {
    "ok": "QLabel { color: #1b5e20; background: #e8f5e9; border: 1px solid #a5d6a7; border-radius: 4px; padding: 6px; }",
    "warn": "QLabel { color: #6d4c00; background: #fff8e1; border: 1px solid #f0c36d; border-radius: 4px; padding: 6px; }",
    "error": ERROR_STYLE,
}


def file_size_text(size: int) -> str:
    """A file size as the office reads it: 820 字节, 12.3 KB, 4.5 MB."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def alternative_names(route: dict) -> list[str]:
    """The 备选 units of a route suggestion, by name where known."""
    alts = [a.get("unit_name") or a.get("unit") for a in route.get("alternatives") or [] if isinstance(a, dict)]
    return [x for x in alts if x]


def error_label() -> QLabel:
    """The red box at the bottom of a dialog that says why OK was refused (hidden until then)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setVisible(False)
    return label


def ok_cancel_buttons(dialog, ok_text: str, cancel_text: str = "取消") -> tuple[QDialogButtonBox, QPushButton]:
    """OK / Cancel with Chinese texts: OK calls dialog.submit (which accepts on success), Cancel rejects."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    buttons.accepted.connect(dialog.submit)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


def make_searchable(combo: QComboBox, placeholder: str) -> None:
    """An editable combo box that finds its items by any part of the text while typing."""
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = combo.completer()
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.lineEdit().setPlaceholderText(placeholder)


def hint_label(text: str) -> QLabel:
    """A grey explanatory line (style `#hint`), wrapped."""
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


def clear_layout(layout) -> None:
    """Remove and delete everything in a layout (nested layouts too), to fill it again."""
    while layout.count():
        item = layout.takeAt(0)
        w = item.widget()
        if w is not None:
            w.setParent(None)
            w.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())

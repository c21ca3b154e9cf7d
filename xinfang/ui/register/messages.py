"""The small coloured messages under the fields of the 登记 form, and the colours they use."""
from __future__ import annotations

from ..qt import QLabel

RED = "#b71c1c"
AMBER = "#8a5a00"
GREEN = "#1b5e20"
GREY = "#607d8b"


def msg_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    label.setStyleSheet("font-size: 12px;")
    return label


def set_msg(label: QLabel, text: str, color: str = RED) -> None:
    label.setText(text)
    label.setStyleSheet(f"font-size: 12px; color: {color};")
    label.setVisible(bool(text))


def show_check(label: QLabel, problems) -> bool:
    """Errors of a field check in red, else its warnings in amber, else nothing; True when there were errors."""
    errors = [p.message for p in problems if p.level == "error"]
    warns = [p.message for p in problems if p.level != "error"]
    if errors:
        set_msg(label, "；".join(errors), RED)
    elif warns:
        set_msg(label, "；".join(warns), AMBER)
    else:
        set_msg(label, "")
    return bool(errors)

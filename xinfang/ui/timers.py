"""Timers that cannot outlive their data (tech-notes F7).

A debounce timer belongs to a widget and calls the Workspace when it fires. If the window closes, or the
Workspace is closed while a timer is still pending, a late shot must do nothing: ``WorkspaceTimer`` skips its
slot once its Workspace is closed, and ``stop_timers`` stops every timer under a closing window."""
from __future__ import annotations

from typing import Callable

from .qt import QTimer, QWidget


class WorkspaceTimer(QTimer):
    """A single-shot debounce timer whose slot runs only while ``ws`` is open."""

    def __init__(self, parent: QWidget, ws, interval_ms: int, slot: Callable[[], None]):
        super().__init__(parent)
        self._ws, self._slot = ws, slot
        self.setSingleShot(True)
        self.setInterval(interval_ms)
        self.timeout.connect(self._fire)

    def _fire(self) -> None:
        if getattr(self._ws, "closed", False):
            return
        self._slot()


def stop_timers(widget: QWidget) -> None:
    """Stop every QTimer owned by ``widget`` or any of its children (called from closeEvent)."""
    for timer in widget.findChildren(QTimer):
        timer.stop()

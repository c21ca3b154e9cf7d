"""Timers that cannot outlive their data (tech-notes F7).

A debounce timer belongs to a widget and calls the Workspace when it fires. If the window closes, or the
Workspace is closed while a timer is still pending, a late shot must do nothing: ``WorkspaceTimer`` skips its
slot once its Workspace is closed, and ``stop_timers`` stops the timers under a closing window.

The timers are found through a registry of our own, not ``findChildren``: that would wrap every internal Qt
child of the window in a Python object, and such wrappers of objects Qt deletes later are a crash risk."""
from __future__ import annotations

import weakref
from typing import Callable

from .qt import QTimer, QWidget

_TIMERS: "weakref.WeakSet[WorkspaceTimer]" = weakref.WeakSet()


class WorkspaceTimer(QTimer):
    """A (by default single-shot) timer whose slot runs only while ``ws`` is open."""

    def __init__(self, parent: QWidget, ws, interval_ms: int, slot: Callable[[], None], single_shot: bool = True):
        super().__init__(parent)
        self._ws, self._slot, self._owner = ws, slot, parent
        self.setSingleShot(single_shot)
        self.setInterval(interval_ms)
        self.timeout.connect(self._fire)
        _TIMERS.add(self)

    def _fire(self) -> None:
        if getattr(self._ws, "closed", False):
            return
        self._slot()


def stop_timers(widget: QWidget | None = None) -> None:
    """Stop every WorkspaceTimer owned by ``widget`` or by a widget inside it (all of them when None)."""
    for timer in list(_TIMERS):
        try:
            owner = timer._owner
            if widget is None or owner is widget or widget.isAncestorOf(owner):
                timer.stop()
        except RuntimeError:        # Qt already deleted the timer or its owner
            _TIMERS.discard(timer)

"""Other seats' work shows up without a restart (issue 12 §2): a timer asks the database every few seconds
whether anything was saved (`Workspace.change_mark`: the ledger head, two index lookups) and, when it moved,
the window re-reads what it shows. Polling rather than LISTEN/NOTIFY: it costs the writers nothing, works the
same for a server and for the GUI and the CLI on one SQLite file, and passes any connection pooler.

The question runs on the window's background connection (a server that went away must not freeze the
window); the timer is a WorkspaceTimer, so it stops with the window and never fires on a closed Workspace."""
from __future__ import annotations

from .qt import QObject, Signal
from .timers import WorkspaceTimer

POLL_MS = 3000


class ChangeWatcher(QObject):
    """Emits `changed` when someone else saved something since the window last read its data."""

    changed = Signal()

    def __init__(self, ws, backend, owner, interval_ms: int = POLL_MS):
        super().__init__(owner)
        self.ws, self.backend = ws, backend
        self._mark = None
        self._asking = False
        self._timer = WorkspaceTimer(owner, ws, interval_ms, self.poll, single_shot=False)

    def start(self) -> None:
        self.seen()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def seen(self) -> None:
        """The window is about to re-read its data: what was saved up to now will be shown. Asked on the same
        background connection before the window's own reads, so nothing saved after it is missed."""
        self._ask(self._baseline)

    def poll(self) -> None:
        if not self._asking and self._mark is not None:
            self._ask(self._compare)

    def _ask(self, then) -> None:
        self._asking = True
        if self.backend is None:
            then(self.ws.change_mark())
            return
        self.backend.submit(lambda w: w.change_mark(), on_done=then, on_failed=self._failed)

    def _baseline(self, mark) -> None:
        self._asking = False
        self._mark = mark

    def _compare(self, mark) -> None:
        self._asking = False
        if self._mark is None or getattr(self.ws, "closed", False):
            return
        if mark != self._mark:
            self._mark = mark
            self.changed.emit()

    def _failed(self, message: str) -> None:
        self._asking = False       # a lost connection: the next tick asks again (the screens say what failed)

"""Background work off the GUI thread, with progress and cancel (architecture.md §2.7).

A task is a plain function. When the task is given a database path it receives its OWN Workspace opened on
that path inside the worker thread (SQLite connections must not cross threads), and closes it afterwards:

    def work(ws, ctx):
        for i, item in enumerate(items):
            ctx.check()                      # raises Cancelled when the user pressed 取消
            ctx.report(i, len(items), "正在导入…")
        return result

    run_with_progress(parent, "导入节假日", work, db_path=path, on_done=show_result)
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from ..domain.problems import DomainError
from ..services.errors import describe
from ..services import Workspace
from .qt import QProgressDialog, Qt, QThread, QTimer, QWidget, Signal

log = logging.getLogger(__name__)

_alive: set["Task"] = set()   # keep running QThreads referenced until they finish


_session_user = None     # who is logged in: background Workspaces act as the same user


def set_session_user(user) -> None:
    """Called after every login: work on other connections is checked and recorded as this user."""
    global _session_user
    _session_user = user


def _as_session_user(ws):
    ws.access.enter(_session_user)
    return ws


_read_only_paths: set[str] = set()   # databases a window shows read-only: its background work reads only too


def set_read_only(path: str, read_only: bool) -> None:
    (_read_only_paths.add if read_only else _read_only_paths.discard)(str(path))


def open_for_worker(path: str) -> Workspace:
    return Workspace.open(path, seed_reference=False, read_only=True if str(path) in _read_only_paths else None)


class Cancelled(Exception):
    """Raised by TaskContext.check() after the user cancelled."""


class TaskContext:
    def __init__(self, task: "Task"):
        self._task = task

    @property
    def cancelled(self) -> bool:
        return self._task._cancel

    def check(self) -> None:
        if self._task._cancel:
            raise Cancelled()

    def report(self, done: int, total: int = 0, text: str = "") -> None:
        self._task.progressed.emit(int(done), int(total), str(text))


def user_message(exc: BaseException) -> str:
    """The Chinese sentence a clerk sees for an exception (faults are logged with their traceback)."""
    if isinstance(exc, DomainError):
        return exc.message
    return describe(exc, "gui worker")[0]


class Task(QThread):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, fn: Callable[..., Any], db_path: str | None = None, parent=None):
        super().__init__(parent)
        self.fn = fn
        self.db_path = db_path
        self._cancel = False
        self.result: Any = None
        self.error: str = ""
        self.finished.connect(self._forget)

    def cancel(self) -> None:
        self._cancel = True

    def start(self, *args, **kwargs) -> None:   # noqa: D401 - keep a reference while running
        _alive.add(self)
        super().start(*args, **kwargs)

    def _forget(self) -> None:
        _alive.discard(self)

    def run(self) -> None:
        ws = None
        ctx = TaskContext(self)
        try:
            if self.db_path:
                ws = _as_session_user(open_for_worker(self.db_path))
                self.result = self.fn(ws, ctx)
            else:
                self.result = self.fn(ctx)
            if self._cancel:
                self.cancelled.emit()
            else:
                self.succeeded.emit(self.result)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:   # reported to the GUI thread, never raised into Qt (traceback: log file)
            self.error = user_message(exc)
            self.failed.emit(self.error)
        finally:
            if ws is not None:
                ws.close()


def run_task(fn: Callable[..., Any], db_path: str | None = None, *, on_done: Callable[[Any], None] | None = None,
             on_failed: Callable[[str], None] | None = None, parent=None) -> Task:
    """Start `fn` in a worker thread without any dialog (e.g. loading the id list behind the case list)."""
    task = Task(fn, db_path, parent)
    if on_done is not None:
        task.succeeded.connect(on_done)
    if on_failed is not None:
        task.failed.connect(on_failed)
    task.start()
    return task


def run_with_progress(parent: QWidget | None, title: str, fn: Callable[..., Any], db_path: str | None = None, *,
                      label: str = "请稍候…", on_done: Callable[[Any], None] | None = None,
                      on_failed: Callable[[str], None] | None = None, cancellable: bool = True,
                      show_after_ms: int = 300) -> Task:
    """Run `fn` in a worker thread behind a (window-modal) progress dialog with a 取消 button.

    The dialog appears only if the work takes longer than `show_after_ms`. When no `on_failed` is given the
    failure is shown in a message box."""
    dialog = QProgressDialog(label, "取消" if cancellable else "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModal)
    dialog.setMinimumDuration(show_after_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(380)
    if not cancellable:
        dialog.setCancelButton(None)
    task = Task(fn, db_path, parent)
    task.dialog = dialog

    def progress(done: int, total: int, text: str) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
        if text:
            dialog.setLabelText(text)

    def finish() -> None:
        dialog.hide()
        dialog.deleteLater()

    def failed(message: str) -> None:
        finish()
        if on_failed is not None:
            on_failed(message)
        else:
            from .qt import QMessageBox
            QMessageBox.warning(parent, title, message)

    def done(result: Any) -> None:
        finish()
        if on_done is not None:
            on_done(result)

    def cancel_requested() -> None:
        task.cancel()
        dialog.setLabelText("正在取消…")

    task.progressed.connect(progress)
    task.succeeded.connect(done)
    task.failed.connect(failed)
    task.cancelled.connect(finish)
    dialog.canceled.connect(cancel_requested)
    task.start()
    # minimumDuration only counts from the first setValue(); start the clock now
    QTimer.singleShot(0, lambda: dialog.setValue(0) if task.isRunning() else None)
    return task


def wait_for(task: Task, timeout_ms: int = 600_000) -> None:
    """Spin the event loop until `task` has finished and its signals were delivered (startup, tests)."""
    from .qt import QApplication, QEventLoop
    loop = QEventLoop()
    task.finished.connect(loop.quit)
    if task.isRunning():
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
    QApplication.processEvents()


class Backend(QThread):
    """One long-lived worker thread with its own Workspace for the many small reads behind the screens
    (id lists, dashboard counts). One connection and one malloc arena instead of one per query keeps memory flat.

    ``submit(fn, on_done, on_failed, stale)`` runs ``fn(ws)`` in the worker; ``stale()`` (checked just before
    running) lets a newer request make an older one a no-op. Callbacks run on the GUI thread."""

    done = Signal(int, object)
    error = Signal(int, str)

    def __init__(self, db_path: str, parent=None):
        super().__init__(parent)
        import queue
        self.db_path = db_path
        self._jobs: "queue.Queue" = queue.Queue()
        self._callbacks: dict[int, tuple] = {}
        self._next = 0
        self.done.connect(self._deliver)
        self.error.connect(self._deliver_error)
        self.finished.connect(lambda: _alive.discard(self))

    def submit(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None] | None = None,
               on_failed: Callable[[str], None] | None = None, stale: Callable[[], bool] | None = None) -> int:
        self._next += 1
        token = self._next
        self._callbacks[token] = (on_done, on_failed)
        if not self.isRunning():
            _alive.add(self)
            self.start()
        self._jobs.put((token, fn, stale))
        return token

    def run(self) -> None:
        ws = None
        try:
            while True:
                job = self._jobs.get()
                if job is None:
                    break
                if job is _REOPEN:      # reference data changed elsewhere: drop this connection's caches
                    if ws is not None:
                        ws.close()
                        ws = None
                    continue
                token, fn, stale = job
                if stale is not None and stale():
                    self.done.emit(token, _STALE)
                    continue
                try:
                    if ws is None:
                        ws = open_for_worker(self.db_path)
                    self.done.emit(token, fn(_as_session_user(ws)))
                except Exception as exc:   # reported to the GUI thread (traceback: log file)
                    self.error.emit(token, user_message(exc))
        finally:
            if ws is not None:
                ws.close()

    def _deliver(self, token: int, result: Any) -> None:
        on_done, _ = self._callbacks.pop(token, (None, None))
        if on_done is not None and result is not _STALE:
            on_done(result)

    def _deliver_error(self, token: int, message: str) -> None:
        _, on_failed = self._callbacks.pop(token, (None, None))
        if on_failed is not None:
            on_failed(message)

    def reopen(self) -> None:
        """Re-read cached reference data (holiday calendar, categories) before the next job."""
        if self.isRunning():
            self._jobs.put(_REOPEN)

    def cancel(self) -> None:
        self.stop()

    def stop(self) -> None:
        # Results already queued for the GUI thread are dropped: their screens (and Workspace) are closing (F7).
        self._callbacks.clear()
        if self.isRunning():
            self._jobs.put(None)


_STALE = object()
_REOPEN = object()


def wait_all(timeout_ms: int = 30_000) -> None:
    """Before the application quits: let running workers finish (a QThread must not be destroyed running)."""
    for task in list(_alive):
        task.cancel()
        task.wait(timeout_ms)
    _alive.clear()

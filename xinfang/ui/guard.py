"""The GUI's error boundary: any exception becomes a Chinese message box; the traceback goes to the
log file (services.errors), never to the screen or stderr.

`install_excepthook` catches what escapes a slot (PySide6 hands slot exceptions to sys.excepthook);
`guarded` wraps a slot so its failure is reported next to the window that caused it.
"""
from __future__ import annotations

import functools
import inspect
import logging
import sys

from ..domain.problems import DomainError
from ..services.errors import describe, split_log_hint

log = logging.getLogger("xinfang.ui")

_showing: list = []          # at most one boundary message box at a time


def report(exc: BaseException, parent=None, where: str = "gui") -> str:
    """Show `exc` as a Chinese message box (non-blocking) and return the text shown."""
    from .qt import QApplication, QMessageBox, Qt
    text, problems = describe(exc, where)
    if problems:
        text += "\n" + "\n".join(f"· {p['message']}" for p in problems)
    shown, log_file = split_log_hint(text)
    if isinstance(exc, DomainError):
        log.info("refused: %s", exc.message)
    else:
        log.warning("failure shown to the user: %s", text)
    app = QApplication.instance()
    if app is None or _showing:
        return text
    refusal = isinstance(exc, DomainError)
    box = QMessageBox(QMessageBox.Warning if refusal else QMessageBox.Critical, "提示" if refusal else "操作失败",
                      shown, QMessageBox.Ok, parent or app.activeWindow())
    box.setObjectName("errorBoundary")
    box.setTextInteractionFlags(Qt.TextSelectableByMouse)      # the message can be copied into a report
    if log_file:
        # the path on a line of its own (inside the sentence it wrapped mid-path), with a way to get at it
        box.setInformativeText(f"详细信息已记录在日志文件中，可发给技术支持：\n{log_file}")
        folder = box.addButton("打开日志所在文件夹", QMessageBox.ActionRole)
        folder.clicked.connect(lambda: _open_folder(log_file))
        box.setEscapeButton(QMessageBox.Ok)          # with two buttons Qt names none: Esc and × would do nothing
        # wide enough for a whole path on one line (the labels are the box's own, named by Qt)
        box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 480px; }")
    box.setAttribute(Qt.WA_DeleteOnClose)
    _showing.append(box)
    box.finished.connect(lambda _=0: _showing.clear())
    box.open()    # not exec(): never nest an event loop inside an exception handler
    return text


def _open_folder(log_file: str) -> None:
    from pathlib import Path
    from .qt import QDesktopServices, QUrl
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(log_file).parent)))


def guarded(fn):
    """Decorate a slot: an exception is reported in Chinese instead of escaping into Qt."""
    params = inspect.signature(fn).parameters.values()
    takes_all = any(p.kind == p.VAR_POSITIONAL for p in params)
    positional = sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))

    @functools.wraps(fn)
    def slot(*args, **kwargs):
        if not takes_all:
            args = args[:positional]      # a signal may pass more (clicked's `checked`) than the slot takes
        try:
            return fn(*args, **kwargs)
        except Exception as exc:   # noqa: BLE001 - this is the boundary
            owner = args[0] if args and hasattr(args[0], "window") else None
            report(exc, owner.window() if owner is not None else None, f"gui {fn.__qualname__}")
            return None
    return slot


def excepthook(etype, value, tb) -> None:
    if issubclass(etype, KeyboardInterrupt):
        sys.__excepthook__(etype, value, tb)
        return
    if value.__traceback__ is None:
        value = value.with_traceback(tb)
    report(value)


def install_excepthook() -> None:
    sys.excepthook = excepthook

"""GUI test teardown in the app's order (tech-notes F7), shared by the GUI test fixtures."""
from __future__ import annotations


def close_windows_then(ws) -> None:
    """Teardown in the app's order (tech-notes F7): windows close (their closeEvent stops timers), background
    workers finish, and only then the Workspace closes — no late timer shot reaches a closed database."""
    from xinfang.ui.qt import QApplication
    from xinfang.ui.timers import stop_timers
    from xinfang.ui.workers import wait_all
    app = QApplication.instance()
    if app is not None:
        for window in app.topLevelWidgets():
            window.close()
            stop_timers(window)
    wait_all()
    ws.close()

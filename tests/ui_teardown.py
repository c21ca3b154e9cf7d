"""GUI test teardown in the app's order (tech-notes F7), shared by the GUI test fixtures."""
from __future__ import annotations


def close_windows_then(ws) -> None:
    """pytest-qt closes the test's windows before fixtures are torn down (their closeEvent stops their timers);
    then every remaining debounce timer stops, background workers finish, and only then the Workspace closes."""
    from xinfang.ui.timers import stop_timers
    from xinfang.ui.workers import wait_all
    stop_timers()
    wait_all()
    ws.close()

"""GUI test teardown in the app's order (tech-notes F7), shared by the GUI test fixtures."""
from __future__ import annotations


def close_windows_then(ws) -> None:
    """pytest-qt closes the test's windows before fixtures are torn down (their closeEvent stops their timers);
    then every remaining debounce timer stops, background workers finish, and only then the Workspace closes.
    The process-wide session (who background work acts as, which files are read-only) ends with the test, so a
    later test's worker never acts as this test's logged-in user."""
    from xinfang.ui.timers import stop_timers
    from xinfang.ui import workers
    stop_timers()
    workers.wait_all()
    ws.close()
    workers.set_session_user(None)
    workers._read_only_paths.clear()

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XINFANG_SETTINGS"] = os.path.join(__import__("tempfile").mkdtemp(prefix="xinfang-ui-"), "gui.ini")

from datetime import datetime  # noqa: E402

import pytest  # noqa: E402

from xinfang.services import Workspace  # noqa: E402
from xinfang.services.demo import generate_demo  # noqa: E402

from tests.ui_teardown import close_windows_then  # noqa: E402

NOW = datetime(2026, 11, 20, 10, 0)
ACTOR = "zhangmh"     # one of the demo generator's clerks
CASES = 2000


def clock():
    return NOW


def populate(ws: Workspace, n: int, seed: int = 1) -> None:
    """n realistic cases from the demo generator (varied channels, categories, dates, statuses and clerks)."""
    generate_demo(ws, cases=n, seed=seed)
    assert ws.count() == n, f"the demo generator made {ws.count()} cases, not {n}"


@pytest.fixture(scope="session")
def db_path(tmp_path_factory):
    """A database file with a few thousand cases, built once per test session."""
    path = tmp_path_factory.mktemp("ui") / "cases.db"
    ws = Workspace.open(path, now=clock)
    try:
        populate(ws, CASES)
    finally:
        ws.close()
    return str(path)


@pytest.fixture
def actor():
    return ACTOR


@pytest.fixture
def ws(db_path):
    w = Workspace.open(db_path, now=clock)
    yield w
    close_windows_then(w)


@pytest.fixture
def scratch_ws():
    """An in-memory workspace with a few cases, for tests that change settings."""
    w = Workspace.open(":memory:", now=clock)
    populate(w, 30, seed=7)
    yield w
    close_windows_then(w)


@pytest.fixture(autouse=True)
def _finish_workers():
    yield
    from xinfang.ui.workers import wait_all
    wait_all()


@pytest.fixture
def cjk_font(qapp):
    """The bundled CJK font as the application font (what the app does at start-up)."""
    from xinfang.ui.fonts import apply_app_font
    apply_app_font(qapp)

"""Opening the database off the GUI thread (ui/opening.py): a slow open (an upgrade) shows a busy box that
says what is happening, a quick one shows nothing, and a failure reaches the caller unchanged."""
import time

import pytest

from xinfang.domain.problems import DomainError
from xinfang.ui.opening import WAIT_TEXT, open_in_background
from xinfang.ui.qt import QApplication, QProgressDialog, QTimer


def _visible_boxes():
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog) and w.isVisible()]


def test_a_slow_open_shows_a_busy_box_without_cancel_and_returns_the_result(qtbot):
    seen = []
    QTimer.singleShot(600, lambda: seen.append([(b.labelText(), b.windowTitle()) for b in _visible_boxes()]))

    def slow():
        time.sleep(1.2)                     # the GUI thread keeps processing events meanwhile
        return "workspace"

    assert open_in_background(slow, show_after_ms=200) == "workspace"
    assert seen == [[(WAIT_TEXT, "打开数据库")]]
    assert "升级" in WAIT_TEXT and "请不要关闭" in WAIT_TEXT
    assert _visible_boxes() == []            # gone once the database is open


def test_a_quick_open_shows_nothing(qtbot):
    assert open_in_background(lambda: 42, show_after_ms=2_000) == 42
    assert _visible_boxes() == []


def test_a_failure_to_open_reaches_the_caller(qtbot):
    def refused():
        time.sleep(0.3)
        raise DomainError("不是本系统的数据库")

    with pytest.raises(DomainError, match="不是本系统的数据库"):
        open_in_background(refused, show_after_ms=100)
    assert _visible_boxes() == []

"""Two seats on one case (issue 12 §2): the GUI has the case open, the CLI in another process acts on it first;
the GUI's action is refused with "本件已被他人更新，请刷新后重试" shown as a message, nothing of it is saved, and
the case detail shows the other seat's change."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from tests.helpers import Clock  # noqa: E402
from tests.ui_teardown import close_windows_then  # noqa: E402
from xinfang.domain.lifecycle import Action  # noqa: E402
from xinfang.services import intake  # noqa: E402
from xinfang.services.workspace import Workspace  # noqa: E402
from xinfang.ui.case_detail import CaseDetail  # noqa: E402
from xinfang.ui.qt import QApplication, QMessageBox  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 6, 10, 9, 30)
UNIT = "城东区人力资源和社会保障局"

pytestmark = pytest.mark.usefixtures("cjk_font")


def boxes():
    return [b for b in QApplication.topLevelWidgets()
            if isinstance(b, QMessageBox) and b.objectName() == "errorBoundary" and b.isVisible()]


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.fixture
def seat(tmp_path, clock):
    ws = Workspace.open(tmp_path / "office.db", now=clock)
    yield ws
    close_windows_then(ws)


def other_seat(db: str, *args: str) -> dict:
    """The CLI in its own process, as a second person at another window would."""
    out = subprocess.run([sys.executable, "-m", "xinfang", *args, "--db", db, "--now", "2025-06-10 09:40", "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_an_action_refused_because_another_seat_acted_first_is_a_message_and_a_reload(qtbot, seat, clock, tmp_path):
    case = seat.register(intake.draft_from_dict({
        "channel": "来访", "received_at": "2025-06-10 09:00", "purpose": "申诉求决",
        "category": "劳动和社会保障/拖欠工资", "summary": "某建筑公司拖欠农民工工资三个月",
        "demands": "要求支付拖欠工资 3.2 万元", "content": "2025年3月起在城东区某工地务工，公司一直未发工资。",
        "petitioners": [{"name": "王秀英", "id_number": "11010519491231002X", "phone": "13812345678"}]}), "张科员").case
    w = CaseDetail(seat, "张科员", case.id)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    assert w.status_label.text() == "待处置" and w.case.version == 0

    w.action_buttons[Action.ACCEPT].click()                  # the clerk starts 直接受理 …
    dlg = w.active_dialog
    assert dlg.isVisible()
    shown = other_seat(str(tmp_path / "office.db"), "case", "act", case.number, "forward",
                       "--data", json.dumps({"unit": UNIT}, ensure_ascii=False))   # … another seat 转送 first
    assert shown["status"] == "pending_acceptance" and shown["version"] == 1

    with qtbot.waitSignal(w.changed, timeout=5000):
        dlg.ok_button.click()
    assert not dlg.isVisible() and w.active_dialog is None
    qtbot.waitUntil(lambda: bool(boxes()), timeout=3000)
    box = boxes()[0]
    assert box.text() == "本件已被他人更新，请刷新后重试"
    # reloaded: the other seat's 转送 is shown, and nothing of the refused 直接受理 was saved
    assert w.status_label.text() == "待受理" and w.case.version == 1
    assert [r[1] for r in w.timeline_rows()] == ["登记", "转送"]
    assert w.banner.isVisible() and w.banner.text().startswith("本件已被他人更新，请刷新后重试")
    assert [e.action for e in seat.store.load_case(case.row).events] == ["register", "forward"]
    qtbot.wait(200)                                          # let the reloaded layout settle before the picture
    w.grab().save("/tmp/pgmove-stale-detail.png")
    box.grab().save("/tmp/pgmove-stale-box.png")
    box.done(0)
    QApplication.processEvents()

    # after the reload the clerk acts on what is there now, and it goes through
    clock.set(datetime(2025, 6, 10, 9, 45))
    assert Action.ACCEPT in w.action_buttons
    w.action_buttons[Action.ACCEPT].click()
    again = w.active_dialog
    again.submit()
    assert again.error.text() == ""
    assert w.status_label.text() == "办理中" and w.case.version == 2


def test_a_dispute_and_a_backlog_record_refused_as_stale_reload_too(qtbot, seat, clock, tmp_path):
    from tests.mediation.conftest import COMMITTEE_A, dispute_json
    from xinfang.ui.backlog.record_detail import RecordDetail
    from xinfang.ui.mediation.detail import DisputeDetail
    other = Workspace.open(tmp_path / "office.db", now=clock)          # a second seat on the same file
    try:
        clock.set(datetime(2026, 12, 1, 10, 0))
        seat.mediation.add_committee(COMMITTEE_A, "420102001001", "admin", prefix="樱园")
        seat.mediation.add_mediator("王调解", COMMITTEE_A, "admin", login="wang")
        row = seat.mediation.register(dispute_json(), "clerk")["row"]
        d = DisputeDetail(seat, "wang", row)
        qtbot.addWidget(d)
        d.show()
        dlg = d.open_action("accept")
        other.mediation.act(row, "accept", "wang")                        # the other seat accepts first
        dlg.submit()
        assert not dlg.isVisible()
        qtbot.waitUntil(lambda: bool(boxes()), timeout=3000)
        assert boxes()[0].text() == "本件已被他人更新，请刷新后重试"
        boxes()[0].done(0)
        assert d.d["status"] == "mediating" and d.d["version"] == 1 and "accept" not in d.action_buttons
        assert d.banner.text().startswith("本件已被他人更新")
        assert [e["action"] for e in seat.mediation.show(row)["events"]] == ["register", "accept"]

        case = seat.register(intake.draft_from_dict({
            "channel": "来访", "received_at": "2026-11-05 09:00", "purpose": "申诉求决",
            "category": "劳动和社会保障/拖欠工资", "summary": "拖欠工资", "demands": "支付工资",
            "petitioners": [{"name": "李四", "phone": "13912345678"}]}), "clerk").case
        seat.backlog.add_leader("甲", "区委常委", "admin")
        batch = seat.backlog.add_batch("第一批", "市信访联席办", "2026-11-01", "2027-06-30", "admin")
        rid = seat.backlog.take_on(case.number, batch["id"], "上级交办", "clerk", leader="甲", unit="420102-RSJ")["id"]
        r = RecordDetail(seat, "甲", rid)
        qtbot.addWidget(r)
        r.show()
        r.progress_text.setText("已与信访人见面")
        other.backlog.act(rid, "progress", "甲", data={"text": "已约谈信访人"})
        assert r.add_progress() is False
        qtbot.waitUntil(lambda: bool(boxes()), timeout=3000)
        assert boxes()[0].text() == "本件已被他人更新，请刷新后重试"
        boxes()[0].done(0)
        assert r.record["version"] == 1 and r.progress_text.text() == "已与信访人见面"   # the typing is kept
        assert r.add_progress() is True                                   # on the reloaded version it goes
        assert [e["payload"].get("text") for e in seat.backlog.record(rid)["events"][-2:]] == [
            "已约谈信访人", "已与信访人见面"]
    finally:
        other.close()

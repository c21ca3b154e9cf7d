"""登记 form: typing with the keyboard, inline checks, repeat warning before saving, refusals keep input."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402

import pytest  # noqa: E402

from tests.ui_teardown import close_windows_then  # noqa: E402

from xinfang.services import intake  # noqa: E402
from xinfang.services.workspace import Workspace  # noqa: E402
from PySide6.QtGui import QInputMethodEvent, QKeyEvent  # noqa: E402

from xinfang.ui.qt import QApplication, QComboBox, QEvent, QMessageBox, Qt  # noqa: E402
from xinfang.ui.register_form import RegisterForm  # noqa: E402

NOW = datetime(2025, 6, 10, 9, 30)
GOOD_ID = "11010519491231002X"
PHONE = "13812345678"


pytestmark = pytest.mark.usefixtures("cjk_font")


@pytest.fixture
def ws():
    w = Workspace.open(":memory:", now=lambda: NOW)
    yield w
    close_windows_then(w)


@pytest.fixture
def form(qtbot, ws):
    f = RegisterForm(ws, "张科员")
    f.asked = []        # confirmations (疑似重复件, 旧件) are answered 是 and recorded
    f.ask = lambda title, text: f.asked.append((title, text)) or True
    qtbot.addWidget(f)
    f.resize(1200, 800)
    f.show()
    qtbot.waitExposed(f)
    return f


def type_text(qtbot, widget, text: str) -> None:
    """Type Chinese the way it arrives from an input method.

    QTest.keyClicks only knows Latin-1 keys, so ASCII goes through qtbot.keyClicks; Chinese text is committed
    with a QInputMethodEvent (edits) or sent as key events carrying the text (combo boxes search by it).
    """
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    widget.setFocus()
    if isinstance(widget, QComboBox):
        qtbot.wait(QApplication.keyboardInputInterval() + 50)   # a fresh keyboard search, as a person would
        for ch in text:
            QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch))
            QApplication.sendEvent(widget, QKeyEvent(QEvent.Type.KeyRelease, 0, Qt.KeyboardModifier.NoModifier, ch))
        return
    target = widget.viewport() if hasattr(widget, "viewport") else widget
    ev = QInputMethodEvent("", [])
    ev.setCommitString(text)
    QApplication.sendEvent(target if not hasattr(widget, "viewport") else widget, ev)


def type_case(qtbot, f: RegisterForm, person_id: str = GOOD_ID, phone: str = PHONE,
              summary: str = "某建筑公司拖欠农民工工资三个月") -> None:
    type_text(qtbot, f.channel, "来访")
    type_text(qtbot, f.cat1, "劳动和社会保障")
    type_text(qtbot, f.cat2, "拖欠工资")
    type_text(qtbot, f.summary, summary)
    type_text(qtbot, f.demands, "要求支付拖欠工资")
    row = f.rows[0]
    type_text(qtbot, row.name, "王秀英")
    qtbot.keyClicks(row.id_number, person_id)
    qtbot.keyClicks(row.phone, phone)
    type_text(qtbot, row.address, "江城市城东区幸福路12号")


def test_type_and_save_with_ctrl_enter(qtbot, form, ws):
    type_case(qtbot, form)
    assert form.channel.currentData() == "来访"
    assert form.category_path() == "劳动和社会保障/拖欠工资"
    assert "性别 女" in form.rows[0].derived.text() and "1949-12-31" in form.rows[0].derived.text()
    with qtbot.waitSignal(form.saved, timeout=2000) as blocker:
        qtbot.keyClick(form.demands, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert ws.count() == 1
    case = ws.case(blocker.args[0])
    assert case.draft.summary == "某建筑公司拖欠农民工工资三个月"
    assert case.draft.petitioners[0].id_number == GOOD_ID
    assert case.draft.petitioners[0].phone == PHONE
    assert case.draft.received_at == datetime(2025, 6, 10, 9, 30)
    # the form is reset for the next visitor and says what was saved
    assert form.summary.text() == "" and form.rows[0].name.text() == ""
    assert case.number in form.banner.text()


def test_enter_in_multiline_field_inserts_newline_enter_elsewhere_saves(qtbot, form, ws):
    type_case(qtbot, form)
    qtbot.keyClick(form.content, Qt.Key.Key_Return)
    assert ws.count() == 0
    type_text(qtbot, form.content, "第二行")
    assert "\n" in form.content.toPlainText()
    with qtbot.waitSignal(form.saved, timeout=2000):
        qtbot.keyClick(form.summary, Qt.Key.Key_Return)
    assert ws.count() == 1


def test_repeat_warning_shows_while_typing_before_saving(qtbot, form, ws):
    type_case(qtbot, form)
    with qtbot.waitSignal(form.saved):
        form.save()
    assert not form.repeat_panel.isVisible()
    type_case(qtbot, form, summary="建筑公司拖欠农民工工资三个月未发")
    qtbot.waitUntil(lambda: form.repeat_panel.isVisible(), timeout=3000)
    assert ws.count() == 1                           # nothing saved yet
    text = form.repeat_label.text()
    assert "2025-信-000001" in text and "同人同事" in text and "相似度" in text
    assert GOOD_ID not in text                        # the ID number is masked in the hint
    assert not form.no_longer_label.isVisible()


def test_no_longer_accept_candidate_line(qtbot, form, ws):
    d = intake.draft_from_dict({
        "channel": "来信", "received_at": "2025-01-02 10:00", "purpose": "申诉求决",
        "category": "劳动和社会保障/拖欠工资", "summary": "某建筑公司拖欠农民工工资三个月",
        "petitioners": [{"name": "王秀英", "id_number": GOOD_ID, "phone": PHONE}]})
    first = ws.register(d, "张科员").case
    steps = [("accept", {}), ("reply", {"outcome": "不予支持"}), ("serve", {}), ("review-request", {}),
             ("review-decision", {"outcome": "维持"}), ("recheck-request", {}), ("recheck-decision", {"outcome": "维持"})]
    for i, (action, data) in enumerate(steps):
        ws.act(first.id, action, "张科员", at=datetime(2025, 1, 3 + i, 10, 0), data=data)
    type_case(qtbot, form)
    qtbot.waitUntil(lambda: form.no_longer_label.isVisible(), timeout=3000)
    assert "不再受理候选" in form.no_longer_label.text()
    assert first.number in form.no_longer_label.text()


def test_bad_id_number_is_flagged_inline_and_refused_with_fields_kept(qtbot, form, ws):
    type_case(qtbot, form, person_id="110105194912310021")
    row = form.rows[0]
    assert row.id_msg.isVisible()
    assert "校验位" in row.id_msg.text()
    assert not row.derived.isVisible()
    qtbot.keyClick(form.summary, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert ws.count() == 0
    assert form.banner.isVisible() and "登记信息有误" in form.banner.text()
    assert form.problem_panel.isVisible()
    assert "第1位信访人" in row.id_msg.text()
    # nothing lost
    assert row.id_number.text() == "110105194912310021"
    assert row.name.text() == "王秀英"
    assert form.summary.text() == "某建筑公司拖欠农民工工资三个月"
    assert form.category_path() == "劳动和社会保障/拖欠工资"
    # fixing the number lets it save
    row.id_number.setText(GOOD_ID)
    with qtbot.waitSignal(form.saved):
        form.save()
    assert ws.count() == 1


def test_missing_fields_are_shown_next_to_them(qtbot, form, ws):
    form.save()
    assert ws.count() == 0
    assert "摘要" in form._field_msgs["summary"].text()
    assert "类别" in form._field_msgs["category"].text()
    assert "信访人" in form._field_msgs["petitioners"].text()


def test_inline_phone_messages(qtbot, form):
    row = form.rows[0]
    qtbot.keyClicks(row.phone, "1381234")
    assert "11 位" in row.phone_msg.text()
    row.phone.clear()
    qtbot.keyClicks(row.phone, "12345678")
    assert row.phone_msg.isVisible()
    row.phone.setText(PHONE)
    assert "手机" in row.phone_msg.text()


def test_dependent_fields(qtbot, form):
    assert not form.work_order.isVisible()
    form.channel.setCurrentIndex(form.channel.findData("12345"))
    assert form.work_order.isVisible()
    assert not form.accused.isVisible()
    form.purpose.setCurrentIndex(form.purpose.findData("检举控告"))
    assert form.accused.isVisible()
    form.channel.setCurrentIndex(form.channel.findData("来访"))
    form.headcount.setValue(6)
    assert form.collective_hint.isVisible() and "集体访" in form.collective_hint.text()
    form.headcount.setValue(2)
    assert not form.collective_hint.isVisible()


def test_add_and_remove_petitioners(qtbot, form, ws):
    type_case(qtbot, form)
    second = form.add_petitioner()
    type_text(qtbot, second.name, "李四")
    second.role.setCurrentIndex(second.role.findData("代理人"))
    assert len(form.rows) == 2
    with qtbot.waitSignal(form.saved) as blocker:
        form.save()
    people = ws.case(blocker.args[0]).draft.petitioners
    assert [p.name for p in people] == ["王秀英", "李四"] and people[1].role.value == "代理人"
    extra = form.add_petitioner()
    form.remove_petitioner(extra)
    assert len(form.rows) == 1


def test_escape_clears_after_confirmation(qtbot, form, monkeypatch):
    type_case(qtbot, form)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    qtbot.keyClick(form.summary, Qt.Key.Key_Escape)
    assert form.summary.text() != ""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.keyClick(form.summary, Qt.Key.Key_Escape)
    assert form.summary.text() == "" and form.rows[0].id_number.text() == ""


def test_route_panel_shows_suggestion(qtbot, form):
    type_case(qtbot, form)
    form.refresh_preview()
    route = form.last_preview.route
    assert form.route_panel.isVisible() == bool(route and (route.get("unit") or route.get("needs_manual")))


def test_screenshot(qtbot, form, ws):
    """Realistic content for a look at the layout (saved outside the repository)."""
    type_case(qtbot, form)
    with qtbot.waitSignal(form.saved):
        form.save()
    type_case(qtbot, form, summary="建筑公司拖欠农民工工资三个月未发")
    form.headcount.setValue(6)
    p2 = form.add_petitioner()
    p2.id_number.setText("110105194912310021")
    qtbot.waitUntil(lambda: form.repeat_panel.isVisible(), timeout=3000)
    form.grab().save("/tmp/xf_reg.png")


def test_ctrl_enter_saves_from_combo_and_date_fields(qtbot, form, ws):
    type_case(qtbot, form)
    with qtbot.waitSignal(form.saved, timeout=2000):
        qtbot.keyClick(form.cat2, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    type_case(qtbot, form, summary="小区物业乱收费")
    with qtbot.waitSignal(form.saved, timeout=2000):
        qtbot.keyClick(form.received, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    assert ws.count() == 2

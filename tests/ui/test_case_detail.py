"""Case detail: actions through their dialogs, status/timeline/deadline badges, masking, printing."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime, timedelta  # noqa: E402

import pytest  # noqa: E402

from tests.ui_teardown import close_windows_then  # noqa: E402

from xinfang.domain.lifecycle import Action  # noqa: E402
from xinfang.domain.problems import DomainError  # noqa: E402
from xinfang.services import intake  # noqa: E402
from xinfang.services.workspace import Workspace  # noqa: E402
from xinfang.ui.case_detail import BADGE_COLORS, CaseDetail, describe_payload  # noqa: E402
from xinfang.ui.dialogs import ActionDialog  # noqa: E402

GOOD_ID = "11010519491231002X"
PHONE = "13812345678"


class Clock:
    def __init__(self, t: datetime):
        self.t = t

    def __call__(self) -> datetime:
        return self.t

    def advance(self, **kw) -> None:
        self.t += timedelta(**kw)


pytestmark = pytest.mark.usefixtures("cjk_font")


@pytest.fixture
def clock():
    return Clock(datetime(2025, 6, 10, 9, 30))


@pytest.fixture
def ws(clock):
    w = Workspace.open(":memory:", now=clock)
    yield w
    close_windows_then(w)


def register(ws, purpose="申诉求决", summary="某建筑公司拖欠农民工工资三个月", **extra):
    d = {"channel": "来访", "received_at": "2025-06-10 09:00", "purpose": purpose,
         "category": "劳动和社会保障/拖欠工资", "summary": summary, "demands": "要求支付拖欠工资 3.2 万元",
         "content": "2025年3月起在城东区某工地务工，公司以资金困难为由一直未发工资。", "place": "城东区幸福街道",
         "petitioners": [{"name": "王秀英", "id_number": GOOD_ID, "phone": PHONE, "address": "江城市城东区幸福路12号"}]}
    d.update(extra)
    return ws.register(intake.draft_from_dict(d), "张科员").case


@pytest.fixture
def detail(qtbot, ws):
    case = register(ws)
    w = CaseDetail(ws, "张科员", case.id)
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def run_action(qtbot, w: CaseDetail, action: Action, **values) -> ActionDialog:
    """Click the action's button, fill the dialog's fields, press OK."""
    assert action in w.action_buttons, f"{action.label} not offered"
    w.action_buttons[action].click()
    dlg = w.active_dialog
    assert isinstance(dlg, ActionDialog) and dlg.isVisible()
    for key, value in values.items():
        field = dlg.fields[key]
        if hasattr(field, "setPlainText"):
            field.setPlainText(value)
        elif hasattr(field, "findData"):
            field.setCurrentIndex(field.findData(value))
        elif hasattr(field, "setValue"):
            field.setValue(value)
        else:
            field.setText(value)
    dlg.ok_button.click()
    return dlg


def badge(w: CaseDetail, label: str):
    return next(b for b in w.badges if b.deadline.step.label == label)


def test_lifecycle_through_dialogs(qtbot, detail, ws, clock):
    w = detail
    assert w.status_label.text() == "待处置"
    assert badge(w, "处置期限").deadline.state == "正常"
    assert [r[1] for r in w.timeline_rows()] == ["登记"]

    with qtbot.waitSignal(w.changed, timeout=2000):
        dlg = run_action(qtbot, w, Action.FORWARD, unit="城东区人力资源和社会保障局")
    assert not dlg.isVisible() and w.active_dialog is None
    assert w.status_label.text() == "待受理"
    rows = w.timeline_rows()
    assert rows[-1][1] == "转送" and "承办单位" in rows[-1][3] and rows[-1][2] == "张科员"
    assert len(rows[-1][4]) == 10                      # hash prefix for audit
    assert badge(w, "处置期限").deadline.state == "按期完成"
    assert badge(w, "受理告知期限").deadline.state == "正常"

    clock.advance(days=2)
    with qtbot.waitSignal(w.changed):
        run_action(qtbot, w, Action.ACCEPT)
    assert w.status_label.text() == "办理中"
    before = badge(w, "办理期限").deadline.due

    clock.advance(days=40)
    with qtbot.waitSignal(w.changed):
        run_action(qtbot, w, Action.EXTEND, days=30, approver="赵局长", reason="需调取工地考勤记录")
    assert w.status_label.text() == "办理中"
    assert badge(w, "办理期限").deadline.due == before + timedelta(days=30)
    assert "延期天数：30 日" in w.timeline_rows()[-1][3] and "批准人：赵局长" in w.timeline_rows()[-1][3]
    # the one extension is used: 延期 stays visible but disabled, its tooltip says why
    assert not w.action_buttons[Action.EXTEND].isEnabled()
    assert w.action_buttons[Action.EXTEND].toolTip() == "办理期限只能延长一次，本件已延期"
    assert w.action_buttons[Action.REPLY].isEnabled()

    clock.advance(days=5)
    with qtbot.waitSignal(w.changed):
        run_action(qtbot, w, Action.REPLY, outcome="部分支持", facts="经核实，包工头拖欠工资属实",
                   decision="责成施工单位十日内支付", basis="《保障农民工工资支付条例》第三十条")
    assert w.status_label.text() == "已答复待送达"
    assert "答复意见：部分支持" in w.timeline_rows()[-1][3]
    reply = next(e for e in ws.case(w.case_id).events if e.action == "reply")
    assert reply.payload["facts"] == "经核实，包工头拖欠工资属实"
    assert reply.payload["decision"] == "责成施工单位十日内支付"
    assert reply.payload["basis"] == "《保障农民工工资支付条例》第三十条"
    assert badge(w, "办理期限").deadline.state == "按期完成"

    clock.advance(days=1)
    with qtbot.waitSignal(w.changed):
        run_action(qtbot, w, Action.SERVE)
    assert w.status_label.text() == "已送达待评价"
    assert [r[1] for r in w.timeline_rows()] == ["登记", "转送", "受理", "延期", "答复", "送达"]
    assert badge(w, "复查申请期").deadline.state == "正常"
    assert ws.case(w.case_id).status.label == "已送达待评价"


def test_refusal_keeps_dialog_open_with_input(qtbot, detail, clock):
    w = detail
    run_action(qtbot, w, Action.ACCEPT)
    clock.advance(days=3)
    dlg = run_action(qtbot, w, Action.EXTEND, days=20, reason="情况复杂")   # no 批准人
    assert dlg.isVisible() and w.active_dialog is dlg
    assert dlg.error.isVisible() and "批准人" in dlg.error.text()
    assert dlg.fields["reason"].toPlainText() == "情况复杂" and dlg.fields["days"].value() == 20
    assert w.status_label.text() == "办理中" and w.timeline_rows()[-1][1] == "受理"
    dlg.fields["approver"].setText("赵局长")
    with qtbot.waitSignal(w.changed):
        dlg.ok_button.click()
    assert not dlg.isVisible()
    assert w.timeline_rows()[-1][1] == "延期"


def test_only_allowed_actions_are_offered(qtbot, detail):
    w = detail
    assert Action.FORWARD in w.action_buttons and Action.ACCEPT in w.action_buttons
    assert Action.REPLY not in w.action_buttons and Action.SERVE not in w.action_buttons
    run_action(qtbot, w, Action.FORWARD, unit="城东区人力资源和社会保障局")
    assert Action.FORWARD not in w.action_buttons
    assert set(w.action_buttons) == {Action.ACCEPT, Action.DECLINE, Action.OBJECT}


def test_close_offers_only_fitting_reasons(qtbot, detail):
    w = detail
    run_action(qtbot, w, Action.DECLINE, reason="已进入诉讼程序")
    assert w.status_label.text() == "不予受理"
    w.action_buttons[Action.CLOSE].click()
    box = w.active_dialog.fields["reason"]
    reasons = [box.itemText(i) for i in range(box.count())]
    assert "不予受理告知已送达" in reasons and "复核意见已送达" not in reasons
    w.active_dialog.reject()


def test_masking_toggle(qtbot, detail):
    w = detail
    text = w.person_labels[0].text()
    assert GOOD_ID not in text and PHONE not in text
    assert "110105********002X" in text and "138****5678" in text
    w.show_private.setChecked(True)
    text = w.person_labels[0].text()
    assert GOOD_ID in text and PHONE in text


def test_badge_click_explains_and_colours(qtbot, detail, ws, clock):
    w = detail
    b = badge(w, "处置期限")
    assert BADGE_COLORS["正常"][0] in b.styleSheet()
    b.click()
    assert w.explain_panel.isVisible()
    assert "处置期限" in w.explain_panel.text() and "2025-06-10" in w.explain_panel.text()
    b.click()
    assert not w.explain_panel.isVisible()
    clock.advance(days=30)
    w.reload()
    b = badge(w, "处置期限")
    assert b.deadline.state == "逾期" and BADGE_COLORS["逾期"][0] in b.styleSheet()


def test_restricted_marker_and_repeat_links(qtbot, ws):
    first = register(ws)
    second = register(ws, summary="建筑公司拖欠农民工工资三个月未发")
    w = CaseDetail(ws, "张科员", second.id)
    qtbot.addWidget(w)
    w.show()
    assert w.repeat_label.isVisible() and first.number in w.repeat_label.text()
    assert not w.restricted_label.isVisible()
    with qtbot.waitSignal(w.open_case) as blocker:
        w.repeat_label.linkActivated.emit(first.id)
    assert blocker.args == [first.id]
    acc = register(ws, purpose="检举控告", summary="某街道干部违规收受礼金", category="纪检监察/违纪违法",
                   accused_unit="城东区某街道办事处")
    v = CaseDetail(ws, "张科员", acc.id)
    qtbot.addWidget(v)
    v.show()
    assert v.restricted_label.isVisible() and v.restricted_label.text() == "检举控告 · 限制知悉"


def test_print_sheet_writes_pdf(qtbot, detail, ws, tmp_path, monkeypatch):
    w = detail
    out = tmp_path / "登记表.pdf"
    assert w.print_sheet(str(out), open_after=False) == str(out)
    assert out.read_bytes().startswith(b"%PDF")
    assert w.banner.isVisible() and str(out) in w.banner.text() and w.open_pdf_button.isVisible()

    seen = {}
    real = ws.sheet_pdf

    def spy(key, actor, mask=True):
        seen["mask"] = mask
        return real(key, actor, mask=mask)
    monkeypatch.setattr(ws, "sheet_pdf", spy)
    w.unmasked_print.setChecked(True)
    w.print_sheet(str(tmp_path / "full.pdf"), open_after=False)
    assert seen["mask"] is False

    def broken(*a, **k):
        raise DomainError("找不到字体，无法生成登记表")
    monkeypatch.setattr(ws, "sheet_pdf", broken)
    assert w.print_sheet(str(tmp_path / "x.pdf"), open_after=False) is None
    assert "找不到字体" in w.banner.text() and not (tmp_path / "x.pdf").exists()


def test_describe_payload_in_chinese():
    text = describe_payload("extend", {"days": 30, "approver": "赵局长", "reason": "复杂",
                                       "clocks": {"handle": "due 2025-09-10"}})
    assert text == "延期天数：30 日；批准人：赵局长；理由：复杂；期限：办理期限至 2025-09-10"
    assert describe_payload("hearing", {"days": 5}) == "听证天数：5 日"
    assert describe_payload("review-decision", {"outcome": "维持"}) == "复查意见：维持"


def test_screenshots(qtbot, detail, clock):
    w = detail
    run_action(qtbot, w, Action.FORWARD, unit="城东区人力资源和社会保障局")
    clock.advance(days=2)
    run_action(qtbot, w, Action.ACCEPT)
    clock.advance(days=40)
    run_action(qtbot, w, Action.EXTEND, days=30, approver="赵局长", reason="需调取工地考勤记录，并约谈施工单位负责人")
    w.show_explain(badge(w, "办理期限"))
    qtbot.wait(50)      # widgets added to a shown layout appear on the next event-loop pass
    w.grab().save("/tmp/xf_detail.png")
    w.action_buttons[Action.REPLY].click()
    dlg = w.active_dialog
    dlg.grab().save("/tmp/xf_dlg.png")
    dlg.reject()

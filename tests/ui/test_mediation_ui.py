"""调解 section through pytest-qt: 登记 with validation, a dispute from 受理 to 归档 through the dialogs, the list
filters, the 工作台, and 转人民调解 from a petition's detail. Screens are grabbed at 1366×768 for a look."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from tests.helpers import Clock, case_json
from tests.ui_teardown import close_windows_then
from xinfang.services import Workspace
from xinfang.services.intake import draft_from_dict

SHOTS = Path(os.environ.get("XINFANG_SHOTS", "/tmp/xinfang-mediation-shots"))
COMMITTEE = "樱园社区人民调解委员会"


@pytest.fixture
def mws(tmp_path):
    clock = Clock(datetime(2026, 9, 20, 10, 0))
    ws = Workspace.open(tmp_path / "m.db", now=clock)
    ws.test_clock = clock
    ws.mediation.add_committee(COMMITTEE, "420102001001", "admin", prefix="樱园")
    ws.mediation.add_mediator("王调解", COMMITTEE, "admin", login="wang")
    ws.mediation.add_mediator("刘调解", COMMITTEE, "admin")
    yield ws
    close_windows_then(ws)


def grab(widget, name):
    from xinfang.ui.qt import QApplication
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.resize(1366, 768)
    for _ in range(3):
        QApplication.processEvents()
    widget.grab().save(str(SHOTS / f"{name}.png"))


def act(qtbot, detail, action, fill=None, at=None):
    dlg = detail.open_action(action)
    if at:
        from xinfang.ui.qt import QDateTime
        dlg.at.setDateTime(QDateTime.fromString(at, "yyyy-MM-dd HH:mm"))
    for key, value in (fill or {}).items():
        w = dlg.fields[key]
        if hasattr(w, "setCurrentText") and hasattr(w, "findText"):
            w.setCurrentText(value)
        elif hasattr(w, "setPlainText"):
            w.setPlainText(value)
        elif hasattr(w, "boxes"):
            for b in w.boxes:
                b.setChecked(b.text() in value)
        elif hasattr(w, "setChecked"):
            w.setChecked(value)
        elif hasattr(w, "setDate"):
            from xinfang.ui.qt import QDate
            w.setDate(QDate.fromString(value, "yyyy-MM-dd"))
        else:
            w.setText(value)
    dlg.ok_button.click()
    print(action, dlg.error.text() if dlg.error.isVisible() else "ok")
    return dlg


def test_register_then_the_whole_life_in_the_app(qtbot, mws, cjk_font, tmp_path):
    from xinfang.ui.mediation.section import MediationSection
    mws.test_clock.set(datetime(2026, 10, 20, 10, 0))
    section = MediationSection(mws, "wang")
    qtbot.addWidget(section)
    section.show()
    section.tabs.setCurrentIndex(2)
    form = section.form
    from xinfang.ui.qt import QDateTime
    form.received.setDateTime(QDateTime.fromString("2026-09-01 09:00", "yyyy-MM-dd HH:mm"))
    form.parties.item(0, 2).setText("张三")
    form.parties.item(0, 3).setText("110105194912310021")       # wrong check digit
    form.parties.item(0, 4).setText("13912345678")
    form.summary.setPlainText("楼上漏水致楼下天花板受损")
    form.requests.setPlainText("赔偿维修费")
    problems = form.check()
    texts = " ".join(p.message for p in problems)
    assert "第1位当事人" in texts and "被申请人" in texts
    grab(section, "01-登记-有误")
    assert form.save() is None and form.banner.isVisible() and mws.mediation.count() == 0
    form.parties.item(0, 3).setText("11010519491231002X")
    form.parties.item(1, 2).setText("李四")
    form.amount.setText("5000")
    form.parties.item(0, 5).setText("赵律师 13700001111")        # 代理人 of the applicant
    assert [p for p in form.check() if p.level == "error"] == []
    assert "可以保存" in form.problems.text() and not form.banner.isVisible()
    grab(section, "02-登记-可以保存")
    with qtbot.waitSignal(form.saved):
        form.save()
    detail = section.tabs.currentWidget()
    assert detail.d["number"] == "（2026）樱园人调字第1号" and detail.d["status"] == "registered"
    assert [p["agent"] for p in detail.d["parties"]] == ["赵律师 13700001111", ""]
    from xinfang.ui.qt import QLabel
    assert any("代理人 赵律师 137****1111" in w.text() for w in detail.parties_box.findChildren(QLabel))
    act(qtbot, detail, "accept", at="2026-09-02 09:00")
    act(qtbot, detail, "session", {"place": "社区调解室", "record": "双方陈述事实，调解员释法说理"}, at="2026-09-03 09:00")
    dlg = act(qtbot, detail, "succeed", {"terms": "李四赔偿张三3000元", "performance.manner": "现金",
                                         "performance.due": "2026-09-10", "amount": "3000",
                                         "effective": "2026-09-03"}, at="2026-09-04 09:00")
    assert dlg.result_dispute["status"] == "succeeded"
    grab(section, "03-详情-调解成功")
    # a refusal stays in the dialog, in Chinese
    dlg = act(qtbot, detail, "confirm-result", {"number": "x"}) if "confirm-result" in detail.action_buttons else None
    assert dlg is None and "confirm-result" not in detail.action_buttons
    dlg = act(qtbot, detail, "perform", {"status": "未履行"}, at="2030-01-01 09:00")
    assert dlg.error.isVisible() and "晚于现在" in dlg.error.text()
    dlg.reject()
    act(qtbot, detail, "perform", {"status": "按期履行"}, at="2026-09-10 09:00")
    dlg = act(qtbot, detail, "confirm-apply", {"court": "城东区人民法院"}, at="2026-10-09 09:00")
    assert "逾期申请" in detail.banner.text()     # 2026-09-03 + 30 = 10-03 in the National Day holiday → 10-08
    act(qtbot, detail, "followup", {"satisfaction": "满意", "note": "已履行", "visited": "张三"}, at="2026-09-20 09:00")
    badge = detail.badges[1]
    badge.click()
    assert "2026-10-08" in detail.explain_panel.text() and "顺延" in detail.explain_panel.text()
    grab(section, "04-详情-期限说明")
    dlg = act(qtbot, detail, "archive")
    assert dlg.error.isVisible() and "卷宗材料不全" in dlg.error.text()
    grab(dlg, "05-归档-卷宗不全")
    dlg.reject()
    for kind in ("受理登记表", "告知书", "调解记录", "协议书"):
        detail.print_form(str(tmp_path / f"{kind}.pdf"), kind)
        assert (tmp_path / f"{kind}.pdf").read_bytes().startswith(b"%PDF")
    scan = tmp_path / "身份证复印件.pdf"
    scan.write_bytes(b"%PDF-1.4")
    detail.attach_files([str(scan)], "身份证明")
    assert detail.file_labels["身份证明"].text().startswith("✔")
    act(qtbot, detail, "archive", {"retention": "长期"})
    assert detail.d["status"] == "archived" and not detail.action_buttons
    grab(section, "06-详情-已归档")
    section.tabs.setCurrentIndex(1)
    assert section.list.model.total == 1
    grab(section, "07-纠纷列表")


def test_list_filters_and_workbench(qtbot, mws, cjk_font):
    from xinfang.ui.mediation.section import MediationSection
    med = mws.mediation
    base = {"received_at": "2026-09-01 09:00", "committee": COMMITTEE, "summary": "纠纷", "mediators": ["王调解"],
            "parties": [{"name": "甲", "side": "申请人"}, {"name": "乙", "side": "被申请人"}]}
    for i, t in enumerate(("邻里", "合同", "物业")):
        med.register(dict(base, type=t, mediators=["王调解" if i < 2 else "刘调解"]), "clerk")
    med.act(1, "accept", "wang", datetime(2026, 9, 2, 9))
    med.act(1, "session", "wang", datetime(2026, 9, 3, 9), {"place": "室", "record": "谈"})
    med.act(1, "succeed", "wang", datetime(2026, 9, 4, 9), {"terms": "赔偿", "performance": {"manner": "现金",
                                                                                         "due": "2026-09-05"}})
    section = MediationSection(mws, "wang")
    qtbot.addWidget(section)
    section.show()
    lst = section.list
    section.tabs.setCurrentIndex(1)
    assert lst.model.total == 3
    lst.type.setCurrentIndex(lst.type.findData("合同"))
    assert lst.model.total == 1
    lst.type.setCurrentIndex(0)
    lst.mediator.setCurrentIndex(lst.mediator.findData(med.mediators()[1]["id"]))
    assert lst.model.total == 1
    lst.mediator.setCurrentIndex(0)
    lst.status.setCurrentIndex(lst.status.findData("succeeded"))
    assert lst.model.total == 1 and lst.model.data(lst.model.index(0, 0)) == "（2026）樱园人调字第1号"
    lst.status.setCurrentIndex(0)
    lst.due.setCurrentIndex(lst.due.findData("逾期"))       # performance due 09-05, today 09-20
    assert lst.model.total == 1
    lst.due.setCurrentIndex(0)
    lst.search.setText("刘调")
    qtbot.waitUntil(lambda: lst.model.total == 1, timeout=2000)
    grab(section, "08-纠纷列表-筛选")
    section.tabs.setCurrentIndex(0)
    wb = section.workbench
    assert wb.who.currentData() == "王调解"
    open_items = [wb.lists["open"].item(i).text() for i in range(wb.lists["open"].count())]
    assert len(open_items) == 1 and "第2号" in open_items[0]
    # 司法确认: effective 09-03 (last session) + 30 → 10-03 → 10-08, not within 7 days of 09-20;
    # 回访: 09-05 + 15 = Sunday 09-20, a 调休 workday in 2026 (for 国庆/中秋), so it stays 09-20
    assert wb.lists["confirmation"].item(0).text() == "（无）"
    assert "2026-09-20" in wb.lists["followup"].item(0).text()
    grab(section, "09-调解工作台")
    with qtbot.waitSignal(wb.openDispute):
        wb.lists["followup"].itemDoubleClicked.emit(wb.lists["followup"].item(0))


def test_refer_a_petition_from_its_detail(qtbot, mws, cjk_font):
    from xinfang.ui.main_window import TAB_MEDIATION, MainWindow
    case = mws.register(draft_from_dict(case_json(received_at="2026-09-01 09:00", summary="邻居装修噪音扰民")),
                        "clerk").case
    w = MainWindow(mws, "wang")
    qtbot.addWidget(w)
    w.show()
    w.open_case(case.id)
    detail = w.tabs.currentWidget()
    dlg = detail.open_refer()
    dlg.ok_button.click()
    assert dlg.error.isVisible() and "被申请人" in dlg.error.text()      # the other side is needed
    dlg.respondent.setText("王五")
    dlg.ok_button.click()
    assert dlg.dispute["petition"]["number"] == case.number
    assert "已转人民调解" in detail.banner.text()
    grab(w, "10-信访件-已转人民调解")
    link = [detail.actions_row.itemAt(i).widget() for i in range(detail.actions_row.count())
            if detail.actions_row.itemAt(i).widget().text().startswith("调解：")]
    assert link
    link[0].click()
    assert w.tabs.currentIndex() == TAB_MEDIATION
    d = w.mediation.tabs.currentWidget()
    assert d.d["petition"]["number"] == case.number and d.petition_label.isVisible()
    grab(w, "11-纠纷详情-关联信访件")

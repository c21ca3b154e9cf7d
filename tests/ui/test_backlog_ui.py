"""积案 in the app (issue 8 §3, §5): take a case on from its detail, log progress, resolve, delist; the board;
the leader's and the clerk's 工作台; 积案候选 take-on and dismissal; 公开接访."""
from __future__ import annotations

from datetime import datetime

import pytest

from xinfang.services import Workspace
from xinfang.services.intake import draft_from_dict
from xinfang.ui.backlog import BacklogPanel, BacklogScreen, RecordDetail
from xinfang.ui.dashboard import Dashboard
from xinfang.ui.case_detail import CaseDetail
from xinfang.ui.qt import QColor, Qt

from tests.helpers import case_json
from tests.ui_teardown import close_windows_then

NOW = datetime(2026, 6, 30, 10, 0)


@pytest.fixture
def bws(tmp_path):
    ws = Workspace.open(tmp_path / "b.db", now=lambda: NOW)
    for i, (name, summary, received) in enumerate([
            ("王秀英", "拖欠工资三个月未发", "2026-05-01 09:00"), ("李强", "征地补偿款未到位", "2025-10-01 09:00"),
            ("赵敏", "小区物业乱收费", "2026-06-10 09:00")]):
        ws.register(draft_from_dict(case_json(name=name, id_number="", phone=f"1380000000{i}", summary=summary,
                                              received_at=received)), "clerk")
    ws.backlog.add_leader("陈书记", "区委常委、政法委书记", "admin", login="chensj")
    ws.backlog.add_leader("周区长", "副区长", "admin")
    ws.backlog.add_batch("2026年第一批", "市信访联席办", "2026-01-01", "2026-09-30", "admin", target_rate=0.9)
    yield ws
    close_windows_then(ws)


def show(qtbot, w, size=(1366, 768)):
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    return w


def test_take_on_from_the_case_then_progress_resolve_delist(qtbot, bws, tmp_path):
    case = bws.case(1)
    detail = show(qtbot, CaseDetail(bws, "clerk", case.id))
    assert detail.backlog_button.text() == "列为积案…"
    opened = []
    detail.open_backlog.connect(opened.append)
    dlg = detail.take_on_backlog()
    dlg.leader.setCurrentIndex(dlg.leader.findData("陈书记"))
    dlg.unit.setCurrentIndex(dlg.unit.findData("420102-RSJ"))
    dlg.plan.setPlainText("约谈用工单位，督促支付")
    assert dlg.due.date().toString("yyyy-MM-dd") == "2026-09-30"       # the batch's target date
    dlg.submit()
    assert dlg.result() == dlg.DialogCode.Accepted
    rid = opened[0]
    assert detail.backlog_button.text().startswith(f"积案 {rid}：未化解")

    rec = show(qtbot, RecordDetail(bws, "chensj", rid))
    assert rec.buttons["resolve"].isVisible() and not rec.buttons["delist"].isVisible()
    rec.progress_text.setText("已约谈用工单位负责人")
    qtbot.keyClick(rec.progress_text, Qt.Key_Return)                  # one step: type and press Enter
    assert rec.log.item(0, 3).text() == "已约谈用工单位负责人" and rec.log.item(0, 1).text() == "进展"
    assert rec.progress_text.text() == ""
    rec.progress_text.setText("   ")
    assert not rec.add_progress() and "请填写进展情况" in rec.banner.text()

    d = rec.open_action("resolve")
    d.inputs["way"].setCurrentText("依法解决")
    d.inputs["note"].setPlainText("工资已全部支付")
    d.submit()
    assert rec.record["status"] == "已化解" and rec.buttons["delist"].isVisible()
    d = rec.open_action("delist")
    d.submit()                                                        # no approver: refused, dialog stays
    assert d.error.isVisible() and "请填写销号审批人" in d.error.text() and d.isVisible()
    d.inputs["approver"].setText("王书记")
    d.submit()
    assert rec.record["delisted"] and rec.none_label.isVisible()
    assert not any(b.isVisible() for b in rec.buttons.values()) and not rec.progress_text.isEnabled()
    assert [e["action"] for e in bws.backlog.record(rid)["events"]] == ["take", "progress", "resolve", "delist"]
    f = tmp_path / "task.pdf"
    assert rec.print_task(str(f)) and f.read_bytes()[:4] == b"%PDF"
    detail.reload()
    assert detail.backlog_button.text() == "列为积案…"                # delisted: it may be taken on again


def test_reassign_and_attachments(qtbot, bws, tmp_path):
    r = bws.backlog.take_on(2, 1, "上级交办", "clerk", leader="陈书记")
    rec = show(qtbot, RecordDetail(bws, "clerk", r["id"]))
    d = rec.open_action("reassign")
    assert d.inputs["leader"].currentData() == "周区长"               # the other leader is offered
    d.inputs["reason"].setText("分工调整")
    d.submit()
    assert rec.record["leader"] == "周区长"
    assert any("周区长（副区长）" == w.text() for w in rec.info_box.findChildren(type(rec.title)))
    evidence = tmp_path / "协议.txt"
    evidence.write_text("息诉罢访协议", encoding="utf-8")
    assert rec.add_attachments([evidence])
    assert rec.attachments.count() == 1 and rec.attachments.item(0).text().startswith("协议.txt")


def test_board_rates_overdue_in_red_filters_and_enter_opens(qtbot, bws):
    bws.backlog.add_batch("空批次", "区委", "2026-06-01", "2026-12-31", "admin")
    a = bws.backlog.take_on(1, 1, "上级交办", "clerk", leader="陈书记", due="2026-06-20",
                              at="2026-06-05")      # overdue on 06-30
    b = bws.backlog.take_on(2, 1, "上级交办", "clerk", leader="周区长", unit="420102-RSJ")
    bws.backlog.act(b["id"], "resolve", "clerk", data={"way": "解释疏导"})
    screen = show(qtbot, BacklogScreen(bws, "clerk"))
    screen.refresh()
    board = screen.board
    assert board.model.rowCount() == 2
    row = list(board.model.ids).index(a["id"])
    assert board.model.data(board.model.index(row, 8)) == "逾期"
    assert board.model.data(board.model.index(row, 3), Qt.ForegroundRole) == QColor("#c62828")
    # by batch: 2 taken on, 1 resolved = 50% against a target of 90%; the empty batch shows no rate
    assert board.batches.item(0, 3).text() == "2" and board.batches.item(0, 4).text() == "1"
    assert board.batches.cellWidget(0, 5).text() == "50.0% / 目标 90.0%"
    assert board.batches.cellWidget(1, 5).text() == "— / 目标 90.0%" and board.batches.item(1, 3).text() == "0"
    assert board.batches.item(0, 2).text() == "92"                    # 06-30 → 09-30
    assert "化解率 50.0%" in board.summary.text() and "逾期 1 件" in board.summary.text()
    leaders = {board.leaders.item(i, 0).text(): board.leaders.cellWidget(i, 4).text()
               for i in range(board.leaders.rowCount())}
    assert leaders == {"陈书记": "0.0%", "周区长": "100.0%"}
    # the colour of a bar: green when the batch's target is met, amber when short; a leader has no target
    tones = {board.leaders.item(i, 0).text(): board.leaders.cellWidget(i, 4).property("tone")
             for i in range(board.leaders.rowCount())}
    assert tones == {"陈书记": "none", "周区长": "plain"} and board.batches.cellWidget(0, 5).property("tone") == "short"
    board.overdue_only.setChecked(True)
    assert list(board.model.ids) == [a["id"]]
    board.clear_filters()
    board.leader_filter.setCurrentIndex(board.leader_filter.findData("周区长"))
    assert list(board.model.ids) == [b["id"]]
    board.clear_filters()
    opened = []
    screen.openRecord.connect(opened.append)
    board.table.setFocus()
    board.table.selectRow(0)
    qtbot.keyClick(board.table, Qt.Key_Return)
    assert opened == [board.model.record_id(0)]


def test_board_list_reads_only_the_pages_it_shows(qtbot, bws):
    """The list is windowed (tech-notes §4): the ids and the overdue count come at once, rows are read a page
    at a time when drawn. With pages of 2 rows, 3 records by due date: a (06-20, overdue), c (08-31), b
    (09-30, the batch's target)."""
    a = bws.backlog.take_on(1, 1, "上级交办", "clerk", leader="陈书记", due="2026-06-20", at="2026-06-05")["id"]
    b = bws.backlog.take_on(2, 1, "上级交办", "clerk", leader="周区长")["id"]
    c = bws.backlog.take_on(3, 1, "本级排查", "clerk", due="2026-08-31")["id"]
    board = show(qtbot, BacklogScreen(bws, "clerk")).board
    board.model.PAGE = 2
    board.refresh()
    assert board.model.ids == [a, c, b] and board.count_label.text() == "共 3 件，其中逾期 1 件"
    assert not board.model._pages                                     # nothing read before it is drawn
    assert board.model.data(board.model.index(1, 8)) == "未到期"
    assert list(board.model._pages) == [0]                           # rows 0–1 only
    assert board.model.data(board.model.index(2, 1)) == bws.case(2).number and list(board.model._pages) == [0, 1]
    assert board.model.data(board.model.index(0, 8)) == "逾期"


def test_leader_workbench_shows_his_items_first_and_a_clerk_sees_counts(qtbot, bws):
    bws.backlog.take_on(1, 1, "上级交办", "clerk", leader="陈书记")
    late = bws.backlog.take_on(3, 1, "上级交办", "clerk", leader="陈书记", due="2026-06-15",
                                  at="2026-06-12")
    bws.backlog.take_on(2, 1, "上级交办", "clerk", leader="周区长")
    dash = show(qtbot, Dashboard(bws, "chensj"))
    dash.refresh()
    panel = dash.backlog_panel
    layout = dash.layout()
    assert layout.indexOf(panel) < layout.indexOf(dash.warning) + 2            # above the tiles
    assert panel.is_leader and panel.table.isVisible() and panel.table.rowCount() == 2
    assert panel.table.item(0, 1).text() == "逾期" and panel.table.item(0, 0).data(Qt.UserRole) == late["id"]
    assert "我的包案（陈书记）：2 件，逾期 1 件" == panel.title.text()
    clerk = show(qtbot, BacklogPanel(bws, "clerk"))
    clerk.refresh()
    assert not clerk.is_leader and not clerk.table.isVisible()
    assert clerk.count_labels["未化解"].text() == "未化解 3" and clerk.count_labels["逾期"].text() == "逾期 1"


def test_candidates_take_on_and_dismiss(qtbot, bws):
    screen = show(qtbot, BacklogScreen(bws, "clerk"))
    screen.tabs.setCurrentIndex(1)
    page = screen.candidates
    assert [c["case"] for c in page.items] == [bws.case(2).number]        # received 2025-10-01: 272 days open
    assert "272 天" in page.table.item(0, 5).text()
    d = page.dismiss(0)
    d.submit()
    assert d.error.isVisible()                                             # a reason is required
    d.reason.setPlainText("已进入行政诉讼程序")
    d.submit()
    assert page.items == [] and "已不列入且无新情况 1 件" in page.status.text()
    page.open_days.setValue(30)                                            # the threshold is a setting
    page.apply_thresholds()
    assert bws.backlog.setting("backlog_open_days") == 30                   # case 1: 60 days; case 3: 20 days
    numbers = [c["case"] for c in page.items]
    assert bws.case(1).number in numbers and bws.case(2).number not in numbers
    dlg = page.take_on(numbers.index(bws.case(1).number))
    assert dlg.source.currentText() == "本级排查"
    dlg.submit()
    assert bws.backlog.records_of_case(1)[0]["source"] == "本级排查"
    assert bws.case(1).number not in [c["case"] for c in page.items]


def test_public_reception_day(qtbot, bws, tmp_path):
    bws.register(draft_from_dict(case_json(name="孙丽", id_number="", phone="13900000009", summary="拆迁补偿",
                                           received_at="2026-06-30 09:30", public_reception=True,
                                           reception_leader="陈书记")), "clerk")
    screen = show(qtbot, BacklogScreen(bws, "clerk"))
    screen.tabs.setCurrentIndex(2)
    page = screen.receptions
    d = page.add_day()
    d.leader.setCurrentIndex(d.leader.findData("陈书记"))
    d.place.setText("区信访局接待大厅")
    d.submit()
    assert page.days_table.rowCount() == 1 and page.cases_table.rowCount() == 1
    assert page.cases_table.item(0, 1).text() == "孙丽"
    f = tmp_path / "day.pdf"
    assert page.print_day(str(f)) and f.read_bytes()[:4] == b"%PDF"


def test_leaders_dialog_adds_edits_stops_and_resumes(qtbot, bws):
    screen = show(qtbot, BacklogScreen(bws, "clerk"))
    dlg = screen.edit_leaders()
    assert [dlg.table.item(i, 0).text() for i in range(dlg.table.rowCount())] == ["陈书记", "周区长"]
    dlg.name.setText("吴主任")
    dlg.post.setText("区人大常委会主任")
    dlg.submit()
    assert dlg.table.rowCount() == 3 and dlg.name.text() == "" and dlg.isVisible()   # stays open for the next
    dlg.table.selectRow(1)                                                           # 周区长
    assert dlg.name.text() == "周区长" and dlg.name.isReadOnly() and not dlg.ok_button.isEnabled()
    dlg.post.setText("区委副书记、区长")
    dlg.save_button.click()
    assert bws.backlog.leader("周区长")["post"] == "区委副书记、区长" and dlg.table.item(1, 1).text() == "区委副书记、区长"
    bws.backlog.take_on(1, 1, "上级交办", "clerk", leader="周区长")
    dlg.active_button.click()                                                        # he still holds an open record
    assert dlg.error.isVisible() and "还包案 1 件未化解的积案" in dlg.error.text()
    assert bws.backlog.leader("周区长")["active"]
    dlg.table.selectRow(2)                                                           # 吴主任 holds none
    assert dlg.active_button.text() == "停用"
    dlg.active_button.click()
    assert not dlg.error.isVisible() and dlg.table.item(2, 3).text() == "已停用"
    assert dlg.active_button.text() == "重新启用"
    assert [x["name"] for x in bws.backlog.leaders()] == ["陈书记", "周区长"]      # not offered any more
    dlg.active_button.click()
    assert bws.backlog.leader("吴主任")["active"] and dlg.table.item(2, 3).text() == "在任"
    dlg.new_button.click()
    assert dlg.ok_button.isEnabled() and not dlg.name.isReadOnly() and dlg.name.text() == ""


def test_close_a_batch_from_the_board(qtbot, bws):
    """交办 → 清零 → the campaign is closed in the app: nothing new can join it, its records stay counted."""
    r = bws.backlog.take_on(1, 1, "上级交办", "clerk", leader="陈书记")
    bws.backlog.act(r["id"], "resolve", "clerk", data={"way": "解释疏导"})
    screen = show(qtbot, BacklogScreen(bws, "chensj"))
    screen.refresh()
    assert screen.close_batch() is None and "请先" in screen.banner.text()    # nothing picked yet
    screen.board.batches.selectRow(0)
    dlg = screen.close_batch()
    texts = [w.text() for w in dlg.findChildren(type(screen.banner))]
    assert "列入 1 件，化解 1 件，未化解 0 件" in texts and "100.0%（目标 90.0%）" in texts
    dlg.submit()
    assert bws.backlog.batch(1)["closed_on"] == "2026-06-30" and "已关闭交办批次" in screen.banner.text()
    assert screen.board.batches.item(0, 0).text() == "2026年第一批（已关闭）"
    assert screen.board.stats["batches"][0]["resolved"] == 1
    with pytest.raises(Exception, match="已关闭"):
        bws.backlog.take_on(2, 1, "上级交办", "clerk")
    screen.board.batches.selectRow(0)
    assert screen.close_batch() is None and "已于 2026-06-30 关闭" in screen.banner.text()


def test_backlog_settings_in_the_app(qtbot, bws):
    """化解方式 is an editable list (issue 8 §1) and the other open points are settings: changed in the app."""
    screen = show(qtbot, BacklogScreen(bws, "admin"))
    dlg = screen.edit_settings()
    assert dlg.ways.toPlainText().splitlines() == ["依法解决", "解释疏导", "司法救助", "困难帮扶", "调解和解", "依法终结", "其他"]
    dlg.ways.setPlainText("依法解决\n解释疏导\n\n  信访听证化解  \n其他")
    dlg.numbers["backlog_warn_days"].setValue(10)
    dlg.rate.setValue(95)
    dlg.submit()
    assert bws.backlog.ways() == ["依法解决", "解释疏导", "信访听证化解", "其他"]
    assert bws.backlog.setting("backlog_warn_days") == 10 and bws.backlog.setting("backlog_target_rate") == 0.95
    assert "化解方式" in screen.banner.text() and "临期提醒" in screen.banner.text()
    dlg = screen.edit_settings()
    dlg.ways.setPlainText("  \n")
    dlg.submit()                                                    # an empty list is refused, nothing saved
    assert dlg.isVisible() and "化解方式列表不能为空" in dlg.error.text()
    assert bws.backlog.ways() == ["依法解决", "解释疏导", "信访听证化解", "其他"]
    dlg.reject()
    dlg = screen.edit_settings()
    dlg.submit()
    assert "没有修改" in screen.banner.text()

"""谁主管谁负责 in the GUI: 设置 pages (单位目录, 权责清单 import, 分办试算, 分办原则) and the case detail's 分办 section."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402

import pytest  # noqa: E402

from tests.ui_teardown import close_windows_then  # noqa: E402

from xinfang.services import Workspace  # noqa: E402
from xinfang.services.intake import draft_from_dict  # noqa: E402
from xinfang.ui.case_detail import CaseDetail, RerouteDialog  # noqa: E402
from xinfang.ui.qt import Qt  # noqa: E402
from xinfang.ui.routing_settings import ChainPage, RulesPage, TrialPage, UnitsPage  # noqa: E402
from xinfang.ui.settings import SettingsScreen  # noqa: E402

NOW = datetime(2026, 11, 20, 10, 0)
ACTOR = "zhangmh"
RULES_CSV = ("事项类别,关键词,属地,责任单位,优先级,依据,生效日期,失效日期\n"
             "劳动和社会保障/拖欠工资,,,城东区住房和城乡建设局,,《保障农民工工资支付条例》,,\n"
             "不存在的类别,,,没有这个单位,,,,\n")


@pytest.fixture
def ws():
    w = Workspace.open(":memory:", now=lambda: NOW)
    yield w
    close_windows_then(w)


def show(qtbot, w):
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def wage_case(ws, **extra):
    d = {"channel": "来访", "received_at": "2026-11-20 09:00", "purpose": "申诉求决",
         "category": "劳动和社会保障/拖欠工资", "summary": "某工地拖欠农民工工资",
         "content": "在东湖街道樱园社区某工地务工，包工头拖欠工资三个月。", "demands": "要求支付工资",
         "place": "东湖街道樱园社区", "petitioners": [{"name": "王秀英", "phone": "13812345678"}]}
    d.update(extra)
    return ws.register(draft_from_dict(d), ACTOR).case


# ---- 设置 ------------------------------------------------------------------------------------------------

def test_settings_has_the_routing_pages(qtbot, ws):
    s = show(qtbot, SettingsScreen(ws, ACTOR))
    titles = [s.tabs.tabText(i) for i in range(s.tabs.count())]
    for t in ("单位目录", "权责清单", "分办试算", "分办原则"):
        assert t in titles
    s.refresh()


def test_units_page_lists_the_directory_and_sets_office(qtbot, ws):
    page = show(qtbot, UnitsPage(ws, ACTOR))
    assert page.unit_count() == 145
    assert "共 145 个单位" in page.title.text()
    office = ws.office
    assert page.items[office].font(0).bold()
    assert "本单位" in page.items[office].text(0)
    page.select(office)
    assert not page.office_btn.isEnabled()          # already 本单位
    page.select("420102001")
    assert page.office_btn.isEnabled()
    qtbot.mouseClick(page.office_btn, Qt.LeftButton)
    assert ws.office == "420102001"
    assert "东湖街道办事处" in page.title.text()
    assert page.items["420102001"].font(0).bold()
    assert not page.items[office].font(0).bold()


def test_units_filter_hides_other_units(qtbot, ws):
    page = show(qtbot, UnitsPage(ws, ACTOR))
    page.filter.setText("420102-ZJJ")
    assert not page.items["420102-ZJJ"].isHidden()
    assert page.items["420102"].isHidden() is False          # its parent stays visible
    assert page.items["420100-FY"].isHidden()


def test_units_import_shows_problems_and_asks_before_partial(qtbot, ws, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("编码,名称,上级编码,类型,层级,属地,联系人,电话\n"
                    "420102,城东区人民政府,,党政部门,区县,420102,办公室,027-86200000\n"
                    "420102-XFJ,城东区信访局,420102,党政部门,区县,,来访接待科,027-86200100\n"
                    "BAD,,420102,不是类型,九级,,,\n", encoding="utf-8")
    page = show(qtbot, UnitsPage(ws, ACTOR))
    answers = [True, False]
    page.ask = lambda title, text: answers.pop(0)
    report = page.import_file(str(path))
    assert not report.applied and report.problems
    assert page.problems.rowCount() == len(report.problems)
    assert page.problems.item(0, 0).text() == "4"
    assert len(ws.units_list()) == 145 and page.unit_count() == 145
    assert "单位目录未改变" in page.result.text()

    answers[:] = [True, True]
    report = page.import_file(str(path))
    assert report.applied and report.good == 2
    assert page.unit_count() == 2 and len(ws.units_list()) == 2


def test_rules_page_shows_version_1(qtbot, ws):
    page = show(qtbot, RulesPage(ws, ACTOR))
    assert "第 1 版" in page.title.text()
    assert page.rules.rowCount() == len(ws.rules_list()) > 50
    assert page.versions.rowCount() == 1
    units = {page.rules.item(r, 4).text() for r in range(page.rules.rowCount())}
    assert "城东区住房和城乡建设局" in units                     # unit names, not codes


def _answer(choice: str) -> list[dict]:
    """Answers the real confirmation dialog, once it is open, with the button named `choice`; records what the
    administrator was shown."""
    from xinfang.ui.qt import QApplication, QMessageBox, QTimer
    seen: list[dict] = []
    tries = [0]

    def press():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != "confirmRulesRemoval":
            tries[0] += 1
            if tries[0] < 500:
                QTimer.singleShot(10, press)
            return
        seen.append({"text": box.text(), "info": box.informativeText(), "default": box.defaultButton().text(),
                     "escape": box.escapeButton().text(), "warning": box.icon() == QMessageBox.Warning,
                     "buttons": sorted(b.text() for b in box.buttons())})
        next(b for b in box.buttons() if b.text() == choice).click()
    QTimer.singleShot(0, press)
    return seen


def test_rules_import_removing_most_rules_asks_first(qtbot, ws, tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text(RULES_CSV, encoding="utf-8")
    page = show(qtbot, RulesPage(ws, ACTOR))
    page.preview_file(str(path))
    page.partial.setChecked(True)
    seen = _answer("取消，不导入")
    qtbot.mouseClick(page.confirm_btn, Qt.LeftButton)
    assert len(seen) == 1 and "88 条规则中的 87 条" in seen[0]["text"]
    # a warning that says what is left, buttons that say what they do, and Enter/Esc keep the current list
    assert seen[0]["warning"] and "只有这个文件中的 1 条规则" in seen[0]["info"]
    assert seen[0]["buttons"] == ["仍要导入", "取消，不导入"]
    assert seen[0]["default"] == seen[0]["escape"] == "取消，不导入"
    assert ws.ruleset.version == 1 and "已取消导入" in page.result.text()
    assert page.stack.currentIndex() == 0 and page.result.isVisible()     # the message is where it is seen


def test_rules_dry_run_then_confirm_only_good_rows(qtbot, ws, tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text(RULES_CSV, encoding="utf-8")
    page = show(qtbot, RulesPage(ws, ACTOR))
    before = len(ws.rules_list())
    report = page.preview_file(str(path))
    assert page.stack.currentIndex() == 1
    assert ws.ruleset.version == 1 and len(ws.rules_list()) == before     # nothing written
    added, removed, changed, problems = page.diff_counts()
    assert (added, removed, changed) == (len(report.added), len(report.removed), len(report.changed))
    assert changed == 1 and removed == before - 1 and problems == 2
    assert page.problem_table.rowCount() == 2
    assert {page.problem_table.item(r, 0).text() for r in range(2)} == {"3"}
    assert page.diff_tabs.tabText(1) == f"删除（{removed}）"
    assert page.changed_table.rowCount() == 1 and "城东区住房和城乡建设局" in page.changed_table.item(0, 4).text()
    assert page.partial.isVisible()
    assert not page.confirm_btn.isEnabled()           # problems: only with 仅导入正确的行

    page.partial.setChecked(True)
    assert page.confirm_btn.isEnabled()
    page.note.setText("test import")
    asked = _answer("仍要导入")
    qtbot.mouseClick(page.confirm_btn, Qt.LeftButton)
    assert len(asked) == 1                            # 87 of 88 rules removed: confirmed in the dialog
    assert ws.ruleset.version == 2
    assert len(ws.rules_list()) == 1
    assert page.stack.currentIndex() == 0
    assert "第 2 版" in page.title.text() and page.rules.rowCount() == 1
    assert page.versions.rowCount() == 2 and "当前" in page.versions.item(0, 0).text()
    assert "test import" in page.versions.item(0, 4).text()


def test_rules_cancel_writes_nothing(qtbot, ws, tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text(RULES_CSV, encoding="utf-8")
    page = show(qtbot, RulesPage(ws, ACTOR))
    page.preview_file(str(path))
    qtbot.mouseClick(page.cancel_btn, Qt.LeftButton)
    assert page.stack.currentIndex() == 0 and ws.ruleset.version == 1
    assert page.confirm() is None and ws.ruleset.version == 1


def test_trial_of_a_wage_case(qtbot, ws):
    page = show(qtbot, TrialPage(ws, ACTOR))
    page.set_category("劳动和社会保障/拖欠工资")
    assert page.category_path() == "劳动和社会保障/拖欠工资"
    page.summary.setText("某工地拖欠农民工工资")
    page.place.setText("东湖街道樱园社区")
    qtbot.mouseClick(page.run_btn, Qt.LeftButton)
    assert page.last["unit_name"] == "城东区住房和城乡建设局"
    text = page.result_text()
    assert "城东区住房和城乡建设局" in text
    assert "谁主管谁负责" in text and "第 1 版第 3 行" in text
    assert "备选单位" in text
    assert ws.count() == 0                               # nothing registered


def test_trial_accusation_needs_discipline(qtbot, ws):
    page = show(qtbot, TrialPage(ws, ACTOR))
    page.purpose.setCurrentIndex(page.purpose.findData("检举控告"))
    page.summary.setText("举报城东区住房和城乡建设局工作人员收受好处")
    page.accused.setText("城东区住房和城乡建设局")
    page.run()
    assert page.last["channel"] and "纪" in page.last["unit_name"]
    assert page.last["restricted"]


def test_chain_reorder_and_save(qtbot, ws):
    page = show(qtbot, ChainPage(ws, ACTOR))
    default = [p.value for p in ws.routing_chain]
    assert page.chain() == default
    page.list.setCurrentRow(3)                       # 谁主管谁负责 above 谁引发谁负责
    qtbot.mouseClick(page.up_btn, Qt.LeftButton)
    page.set_enabled("level", False)
    assert "尚未保存" in page.result.text()
    assert [p.value for p in ws.routing_chain] == default
    qtbot.mouseClick(page.save_btn, Qt.LeftButton)
    expected = ["accusation", "litigation", "competent", "caused_by", "territorial"]
    assert [p.value for p in ws.routing_chain] == expected
    assert page.chain() == expected and page.order()[-1] == "level"

    qtbot.mouseClick(page.default_btn, Qt.LeftButton)
    assert [p.value for p in ws.routing_chain] == expected    # not saved yet
    page.save()
    assert [p.value for p in ws.routing_chain] == default


def test_chain_refuses_empty(qtbot, ws):
    page = show(qtbot, ChainPage(ws, ACTOR))
    for code, _ in ws.principles():
        page.set_enabled(code, False)
    assert not page.save()
    assert "至少" in page.result.text()
    assert len(ws.routing_chain) == 6


# ---- case detail ---------------------------------------------------------------------------------------

def test_detail_shows_route_and_hops(qtbot, ws):
    case = wage_case(ws)
    w = show(qtbot, CaseDetail(ws, ACTOR, case.id))
    assert "城东区住房和城乡建设局" in w.route_label.text()
    assert "谁主管谁负责" in w.route_label.text()
    assert not w.reasons_label.isVisible()
    qtbot.mouseClick(w.reasons_button, Qt.LeftButton)
    assert w.reasons_label.isVisible() and "权责清单第3行" in w.reasons_label.text()
    assert w.hop_actions() == []
    assert w.reroute_button.isVisible()

    ws.act(case.id, "forward", ACTOR)
    ws.act(case.id, "object", ACTOR, data={"reason": "工资支付监督属人社部门职责"})
    w.reload()
    assert w.manual_label.isVisible() and "需人工指定" in w.manual_label.text()
    ws.route_case(case.id, ACTOR, unit="420102-RSJ-LDJC", reason="由劳动保障监察大队办理")
    ws.act(case.id, "forward", ACTOR)
    w.reload()
    assert w.hop_actions() == ["forward", "object", "route", "forward"]
    assert [a for a in w.hop_actions() if a != "route"] == ["forward", "object", "forward"]
    texts = [lab.text() for lab in w.hop_labels]
    assert "异议退回" in texts[1] and "工资支付监督属人社部门职责" in texts[1]
    assert "城东区劳动保障监察大队" in texts[3]
    assert "转送 → 异议退回 → 改派 → 转送" in w.hops_title.text()
    assert "由劳动保障监察大队办理" in w.override_label.text()
    assert not w.reroute_button.isVisible()           # 待受理: no longer re-routable here


def test_reroute_needs_a_reason_for_another_unit(qtbot, ws):
    case = wage_case(ws)
    w = show(qtbot, CaseDetail(ws, ACTOR, case.id))
    qtbot.mouseClick(w.reroute_button, Qt.LeftButton)
    dlg = w.active_dialog
    assert isinstance(dlg, RerouteDialog)
    dlg.unit.setText("城东区劳动保障监察大队")
    qtbot.mouseClick(dlg.ok_button, Qt.LeftButton)
    assert dlg.error.isVisible() and "理由" in dlg.error.text()
    assert dlg.isVisible()
    assert ws.case(case.id).route["unit"] == "420102-ZJJ"

    dlg.reason.setPlainText("经协调由劳动保障监察大队办理")
    qtbot.mouseClick(dlg.ok_button, Qt.LeftButton)
    assert not dlg.isVisible()
    route = ws.case(case.id).route
    assert route["unit"] == "420102-RSJ-LDJC" and route["overridden"]
    assert "城东区劳动保障监察大队" in w.route_label.text()
    assert "经协调" in w.override_label.text() and w.override_label.isVisible()
    assert w.hop_actions() == ["route"]
    assert "已重新分办" in w.banner.text()


def test_reroute_unknown_unit_and_plain_resuggest(qtbot, ws):
    case = wage_case(ws)
    w = show(qtbot, CaseDetail(ws, ACTOR, case.id))
    dlg = w.open_reroute()
    dlg.unit.setText("nowhere")
    dlg.submit()
    assert "不在单位目录中" in dlg.error.text()
    dlg.unit.setText("")
    dlg.submit()                                       # keep the suggestion: no reason needed
    assert dlg.result_case is not None and not dlg.isVisible()
    assert ws.case(case.id).route["unit"] == "420102-ZJJ"


def test_print_slip_writes_pdf(qtbot, ws, tmp_path):
    case = wage_case(ws)
    ws.act(case.id, "forward", ACTOR)
    w = show(qtbot, CaseDetail(ws, ACTOR, case.id))
    out = w.print_slip(str(tmp_path / "slip.pdf"))
    assert out and open(out, "rb").read(4) == b"%PDF"
    assert "转送单已保存" in w.banner.text()


def test_print_slip_without_unit_shows_the_error(qtbot, ws, tmp_path):
    case = wage_case(ws, purpose="建议意见", category="其他/咨询", summary="一般建议", content="建议", place="")
    assert not case.route.get("unit")                 # no rule, no place: 需人工指定
    w = show(qtbot, CaseDetail(ws, ACTOR, case.id))
    assert w.manual_label.isVisible()
    assert w.print_slip(str(tmp_path / "slip.pdf")) is None
    assert "请先分办" in w.banner.text()
    assert not (tmp_path / "slip.pdf").exists()

"""报表 screen, notices from the case detail, 越级/非正常上访 on the form and the list (issue 10 §1, §5)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402

import pytest  # noqa: E402

from tests.mediation.conftest import env  # noqa: E402,F401  (the mediation fixtures: two committees …)
from tests.mediation.test_stats_and_link import september  # noqa: E402,F401  (… and a hand-built September)
from tests.report_story import FGJ, ZRGH, build_story  # noqa: E402
from tests.ui_teardown import close_windows_then  # noqa: E402
from xinfang.services import Workspace  # noqa: E402

pytestmark = pytest.mark.usefixtures("cjk_font")
SHOTS = os.environ.get("XINFANG_SHOTS", "")


def _shot(widget, name):
    from xinfang.ui.qt import QApplication
    for _ in range(5):                 # queued shows, then the layout passes they trigger
        QApplication.processEvents()
    if SHOTS:
        widget.grab().save(os.path.join(SHOTS, name))


@pytest.fixture
def story():
    ws, rows, _ = build_story()
    yield ws, rows
    close_windows_then(ws)


def _screen_for(ws, qtbot, db_path=None):
    from xinfang.ui.reports import ReportScreen
    screen = ReportScreen(ws, "leader", db_path)
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.kind.setCurrentIndex(0)
    screen.year.setValue(2026)
    screen.month.setCurrentIndex(2)       # 3月
    return screen


def test_report_screen_shows_tables_and_a_click_lists_the_cases(story, qtbot, tmp_path):
    ws, rows = story
    screen = _screen_for(ws, qtbot)
    screen.show()
    screen.generate()
    assert screen.result is not None and "2026年3月" in screen.status.text()
    rates = next(t for t in screen.tables if t.table["key"] == "rates")
    r = next(i for i in range(rates.rowCount()) if rates.item(i, 0).text() == "按期办结率")
    assert (rates.item(r, 1).text(), rates.item(r, 2).text(), rates.item(r, 3).text()) == ("1", "2", "50.0%")
    dialog = screen.show_cases("reply_on_time_rate.denominator", "按期办结率 分母")
    assert dialog.model.rowCount() == 2
    numbers = {dialog.model.data(dialog.model.index(i, 0)) for i in range(2)}
    assert numbers == {ws.case(rows["P"]).number, ws.case(rows["Q"]).number}
    qtbot.addWidget(dialog)
    opened = []
    screen.openCase.connect(opened.append)
    dialog.openCase.emit(rows["P"])
    assert opened == [rows["P"]]
    units = next(t for t in screen.tables if t.table["key"] == "units")
    names = {units.item(i, 1).text(): i for i in range(units.rowCount())}
    low = names[next(u["name"] for u in screen.result["dataset"]["units"] if u["unit"] == ZRGH)]
    assert units.item(low, 1).background().color().name() == "#ffe0e0"
    clicked = []
    rates.numberClicked.connect(lambda path, label: clicked.append(path))
    rates.cellClicked.emit(r, 1)
    assert clicked == ["reply_on_time_rate.numerator"]
    pdf = screen.save_pdf(str(tmp_path / "m.pdf"))
    xlsx = screen.save_xlsx(str(tmp_path / "m.xlsx"))
    assert open(pdf, "rb").read(5) == b"%PDF-" and os.path.getsize(xlsx) > 0
    assert screen.open_button.isEnabled()
    _shot(screen, "report-screen.png")
    dialog.resize(1100, 500)
    _shot(dialog, "report-cases.png")


def test_report_is_computed_off_the_gui_thread(story, qtbot, tmp_path):
    ws, _ = story
    path = str(tmp_path / "file.db")
    ws.store.conn.execute("VACUUM INTO ?", (path,))
    file_ws = Workspace.open(path, now=lambda: datetime(2026, 6, 1, 9, 0))
    try:
        screen = _screen_for(file_ws, qtbot, path)
        screen.kind.setCurrentIndex(1)              # 季度
        screen.quarter.setCurrentIndex(0)
        seen = []
        screen.generate()
        assert screen._task is not None and not screen.run_button.isEnabled()
        screen._task.progressed.connect(lambda d, t, text: seen.append(d))
        qtbot.waitUntil(lambda: screen.result is not None, timeout=20000)
        assert screen.result["dataset"]["period"]["label"] == "2026年第一季度"
        assert screen.result["dataset"]["total"]["count"] == 5
        assert screen.run_button.isEnabled() and not screen.progress.isVisible()
    finally:
        from xinfang.ui.workers import wait_all
        wait_all()
        file_ws.close()


def test_notice_from_the_detail_in_two_clicks(story, qtbot):
    from xinfang.ui.case_detail import CaseDetail
    ws, rows = story
    detail = CaseDetail(ws, "clerk", ws.case(rows["Q"]).id)
    qtbot.addWidget(detail)
    detail.resize(1366, 768)
    enabled = {k for k, a in detail.notice_actions.items() if a.isEnabled()}
    assert enabled == {"受理告知书", "处理意见书", "复查意见书"}         # Q: accepted, replied, reviewed
    assert detail.notice_actions["延期告知书"].toolTip().startswith("本件没有批准延期")
    path = detail.issue_notice("复查意见书", open_after=False)
    assert path and open(path, "rb").read(5) == b"%PDF-"
    assert "复查意见书" in detail.notice_actions["复查意见书"].text() and "重新打印" in detail.notice_actions["复查意见书"].text()
    assert any(e.action == "notice" for e in ws.case(rows["Q"]).events)
    detail.show()
    detail.notice_button.showMenu = lambda: None
    _shot(detail, "detail-notices.png")


def test_level_and_irregular_on_the_form_and_the_list(scratch_ws, qtbot):
    from xinfang.ui.case_list import CaseListScreen
    from xinfang.ui.register_form import RegisterForm
    form = RegisterForm(scratch_ws, "clerk")
    qtbot.addWidget(form)
    form.level.setCurrentIndex(form.level.findData("进京"))
    assert not form.irregular_note.isEnabled()
    form.irregular.setChecked(True)
    form.irregular_note.setText("在京非接待场所滞留")
    data = form.collect()
    assert (data["reached_level"], data["irregular"], data["irregular_note"]) == ("进京", True, "在京非接待场所滞留")
    screen = CaseListScreen(scratch_ws, "clerk")
    qtbot.addWidget(screen)
    screen.level.setCurrentIndex(screen.level.findData("到省"))
    screen.irregular.setChecked(True)
    f = screen.current_filter()
    assert (f.reached_level, f.irregular) == ("到省", True)
    screen.clear_filters(apply=False)
    assert screen.current_filter().reached_level == "" and screen.current_filter().irregular is None


def test_settings_page_threshold_prefixes_and_fonts(scratch_ws, qtbot, tmp_path):
    from xinfang.resources import resource_path
    from xinfang.ui.reports.settings_page import ReportSettingsPage
    page = ReportSettingsPage(scratch_ws, "admin")
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.threshold.setValue(85)
    page.prefixes["受理告知书"].setText("东信受")
    bundled = str(resource_path("fonts", "wqy-microhei.ttc"))
    page.font_edits["body"].setText(bundled)
    assert page.save(), page.message.text()
    assert scratch_ws.reports.threshold() == 0.85
    assert scratch_ws.notices.prefixes()["受理告知书"] == "东信受"
    assert scratch_ws.reports.fonts()["body"]["used"] == bundled
    bad = tmp_path / "not-a-font.ttf"
    bad.write_text("x")
    page.font_edits["kai"].setText(str(bad))
    assert not page.save() and "TrueType" in page.message.text()
    page.font_edits["kai"].setText("")
    page.font_edits["body"].setText("")
    assert page.save()
    assert scratch_ws.setting("font_files") == {}
    _shot(page, "settings-reports.png")



def test_a_mediation_number_lists_its_disputes_and_opens_one(september, qtbot):  # noqa: F811
    """The 调解 numbers click like the others: the list shows disputes; double-click asks to open the dispute."""
    from xinfang.ui.reports import ReportScreen
    ws = september
    screen = ReportScreen(ws, "leader")
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.kind.setCurrentIndex(0)
    screen.year.setValue(2026)
    screen.month.setCurrentIndex(8)       # 9月
    screen.generate()
    table = next(t for t in screen.tables if t.table["key"] == "mediation")
    r = next(i for i in range(table.rowCount()) if table.item(i, 0).text() == "司法确认（件）")
    assert table.item(r, 1).text() == "1" and table.item(r, 1).toolTip() == "点击查看这些纠纷"
    clicked = []
    table.numberClicked.connect(lambda path, label: clicked.append(path))
    table.cellClicked.emit(r, 1)
    assert clicked == ["mediation.confirmed"]
    dialog = screen.show_cases("mediation.succeeded", "调解成功（件）")
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 4 and "双击打开纠纷" in dialog.caption.text()
    types = sorted(dialog.model.data(dialog.model.index(i, 3)) for i in range(4))
    assert types == ["合同", "物业", "邻里", "邻里"]       # disputes 1, 2, 5, 8 of the fixture
    opened = []
    screen.openDispute.connect(opened.append)
    dialog.openCase.emit(dialog.model.ids[0])
    assert opened == [dialog.model.ids[0]]
    dialog.resize(1100, 400)
    _shot(dialog, "report-disputes.png")

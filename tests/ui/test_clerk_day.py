"""Issue 11 §1 on the 登记 form: the suggestion follows every field, input is never lost, dates are typed as one
field, old dates and repeats are confirmed."""
from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402

import pytest  # noqa: E402

from tests.ui_teardown import close_windows_then  # noqa: E402
from xinfang.services import Workspace  # noqa: E402
from xinfang.ui.main_window import MainWindow  # noqa: E402
from xinfang.ui.register_form import RegisterForm  # noqa: E402

NOW = datetime(2026, 11, 27, 10, 0)
pytestmark = pytest.mark.usefixtures("cjk_font")


@pytest.fixture
def ws():
    w = Workspace.open(":memory:", now=lambda: NOW)
    yield w
    close_windows_then(w)


@pytest.fixture
def form(qtbot, ws):
    f = RegisterForm(ws, "张科员")
    f.asked = []
    f.answer = True
    f.ask = lambda title, text: f.asked.append((title, text)) or f.answer
    qtbot.addWidget(f)
    f.resize(1366, 768)
    f.show()
    qtbot.waitExposed(f)
    return f


def shown(form) -> str:
    return form.route_label.text() if form.route_panel.isVisible() else ""


def wages(form) -> None:
    form.channel.setCurrentIndex(form.channel.findData("来访"))
    form.set_category("劳动和社会保障/拖欠工资")
    form.summary.setText("拖欠工资")
    form.rows[0].name.setText("张三")
    form.rows[0].phone.setText("13812345678")


def test_the_issue_example_panel_follows_facts_and_caused_by(qtbot, form, ws):
    wages(form)
    qtbot.waitUntil(lambda: "城东区劳动保障监察大队" in shown(form), timeout=3000)
    form.content.setPlainText("包工头在工地拖欠工资")
    qtbot.waitUntil(lambda: "城东区住房和城乡建设局" in shown(form), timeout=3000)
    form.caused_by.setText("城东区城市管理执法局")
    qtbot.waitUntil(lambda: "城东区城市管理执法局" in shown(form), timeout=3000)
    case_id = form.save()
    assert ws.case(case_id).route["unit_name"] == "城东区城市管理执法局"


def test_saving_while_the_panel_is_stale_saves_nothing_and_shows_the_new_unit(qtbot, form, ws):
    wages(form)
    qtbot.waitUntil(lambda: "城东区劳动保障监察大队" in shown(form), timeout=3000)
    form.content.setPlainText("包工头在工地拖欠工资")
    form.caused_by.setText("城东区城市管理执法局")
    assert form.save() is None                         # pressed before the panel caught up
    assert ws.count() == 0
    assert "城东区城市管理执法局" in shown(form) and "城东区城市管理执法局" in form.banner.text()
    case_id = form.save()                              # now the clerk has seen it
    assert ws.case(case_id).route["unit_name"] == "城东区城市管理执法局"
    grab = form.grab()
    assert grab.save("/tmp/issue11-register-saved.png")


@pytest.mark.parametrize("typed,expected", [
    ("2026-03-02 09:30", datetime(2026, 3, 2, 9, 30)), ("今天 9:30", datetime(2026, 11, 27, 9, 30)),
    ("昨天 14:00", datetime(2026, 11, 26, 14, 0)), ("2026/3/2 9:30", datetime(2026, 3, 2, 9, 30)),
])
def test_received_is_one_typed_field(qtbot, form, typed, expected):
    form.received.clear()
    qtbot.keyClicks(form.received, typed) if typed.isascii() else form.received.setText(typed)
    assert form.received_at() == expected
    form._normalise_received()
    assert form.received.text() == f"{expected:%Y-%m-%d %H:%M}"


def test_an_unreadable_received_time_says_how_to_type_it(qtbot, form, ws):
    wages(form)
    form.received.setText("三月二日")
    assert form.save() is None and ws.count() == 0
    assert "今天 9:30" in form.hint_label.text() + form.banner.text()


def test_an_old_received_date_is_confirmed(qtbot, form, ws):
    wages(form)
    form.received.setText("2015-03-01 09:00")
    qtbot.waitUntil(lambda: "早于 5 年前" in form._field_msgs["received_at"].text(), timeout=3000)   # while typing
    form.answer = False
    assert form.save() is None and ws.count() == 0
    assert form.asked and "早于 5 年前" in form.asked[0][1]
    form.answer = True
    case_id = form.save()
    assert ws.case(case_id).number == "2015-信-000001"


def test_the_persons_earlier_cases_show_from_the_id_number_and_a_repeat_is_confirmed(qtbot, form, ws):
    wages(form)
    form.rows[0].id_number.setText("11010519491231002X")
    first = ws.case(form.save()).number
    form.rows[0].id_number.setText("11010519491231002X")          # only the ID number typed
    qtbot.waitUntil(lambda: form.repeat_panel.isVisible(), timeout=3000)
    assert "以往信访 1 件" in form.repeat_title.text() and first in form.repeat_label.text()
    wages(form)
    qtbot.waitUntil(lambda: "疑似重复件" in form.repeat_title.text(), timeout=3000)
    form.answer = False
    assert form.save() is None and ws.count() == 1
    assert "同人同事" in form.asked[-1][1] and first in form.asked[-1][1]
    form.answer = True
    case = ws.case(form.save())
    assert case.repeat_of and ws.case_dict(case)["repeat_numbers"] == [first]


def window(qtbot, ws, path):
    w = MainWindow(ws, "张科员", path)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_closing_with_typed_input_asks_save_discard_cancel(qtbot, tmp_path):
    db = tmp_path / "office.db"
    ws = Workspace.open(db, now=lambda: NOW)
    try:
        w = window(qtbot, ws, str(db))
        w.new_registration()
        assert w.focusWidget() is w.register_form.channel            # Ctrl+N: cursor in the first field
        wages(w.register_form)
        w.register_form.refresh_preview()                           # the draft is written as the clerk types
        draft = tmp_path / "office.db.draft-张科员.json"
        assert json.loads(draft.read_text(encoding="utf-8"))["summary"] == "拖欠工资"
        answers = iter(["cancel", "discard"])
        w.ask_unsaved = lambda: next(answers)
        assert not w.close() and w.isVisible()                      # 取消: nothing lost
        assert w.register_form.summary.text() == "拖欠工资"
        assert w.close()                                            # 放弃
        assert not draft.exists() and ws.count() == 0
    finally:
        close_windows_then(ws)


def test_save_on_close_registers_and_a_crash_draft_is_offered_back(qtbot, tmp_path):
    db = tmp_path / "office.db"
    ws = Workspace.open(db, now=lambda: NOW)
    try:
        w = window(qtbot, ws, str(db))
        w.new_registration()
        wages(w.register_form)
        w.ask_unsaved = lambda: "save"
        assert w.close() and ws.count() == 1                        # 保存
        # a crash leaves the draft file behind: the next start offers it back
        w2 = window(qtbot, ws, str(db))
        w2.new_registration()
        wages(w2.register_form)
        w2.register_form.content.setPlainText("包工头在工地拖欠工资")
        w2.register_form.write_draft()
        w3 = window(qtbot, ws, str(db))
        w3.ask = lambda title, text: True
        assert w3.recover_draft()
        assert w3.register_form.summary.text() == "拖欠工资"
        assert w3.register_form.content.toPlainText() == "包工头在工地拖欠工资"
        assert w3.register_form.rows[0].name.text() == "张三"
        w2.ask_unsaved = w3.ask_unsaved = lambda: "discard"
    finally:
        close_windows_then(ws)


# ---- §2 screens ----------------------------------------------------------------------------------------

def _highlighted_item_colours(style: str | None):
    """Open a 终结理由-like combo, highlight its second item, grab the popup: (background, text) colours."""
    from PySide6.QtCore import QItemSelectionModel

    from xinfang.ui.app import make_app
    from xinfang.ui.qt import QApplication, QComboBox
    app = make_app()
    old = app.style().name()
    if style:
        app.setStyle(style)
    try:
        combo = QComboBox()
        for text in ("复核意见已送达", "逾期未申请复查复核", "答复后息诉罢访"):
            combo.addItem(text)
        combo.resize(320, 30)
        combo.show()
        combo.showPopup()
        view = combo.view()
        index = combo.model().index(1, 0)
        view.setCurrentIndex(index)
        view.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        for _ in range(5):
            QApplication.processEvents()
        image = view.window().grab().toImage()
        rect = view.visualRect(index)
        top_left = view.viewport().mapTo(view.window(), rect.topLeft())
        counts: dict = {}
        for x in range(top_left.x() + 2, top_left.x() + rect.width() - 2):
            for y in range(top_left.y() + 2, top_left.y() + rect.height() - 2):
                c = image.pixelColor(x, y)
                counts[(c.red(), c.green(), c.blue())] = counts.get((c.red(), c.green(), c.blue()), 0) + 1
        combo.hidePopup()
        combo.close()
        view.window().grab().save(f"/tmp/issue11-combo-{style or 'default'}.png")
        background = max(counts, key=counts.get)
        return background, counts
    finally:
        app.setStyle(old)


def _lum(rgb) -> float:
    return (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255


@pytest.mark.parametrize("style", [None, "Windows", "Fusion"])
def test_the_highlighted_drop_down_item_is_readable(qtbot, style):
    background, counts = _highlighted_item_colours(style)
    assert _lum(background) < 0.5, f"highlight background {background} is not dark"
    # the text: enough pixels far brighter than the background (white on dark blue)
    text = sum(n for rgb, n in counts.items() if _lum(rgb) - _lum(background) > 0.4)
    assert text > 30, counts


def test_standard_dialogs_speak_chinese(qtbot):
    from xinfang.ui.app import make_app
    from xinfang.ui.qt import QApplication
    make_app()
    assert QApplication.translate("QFileDialog", "Look in:") == "查找范围："
    assert QApplication.translate("QFileDialog", "Files of type:") == "文件类型："
    assert QApplication.translate("QLineEdit", "&Copy") != "&Copy"       # context menus too


# ---- §3 demo apart -------------------------------------------------------------------------------------

def test_a_new_office_database_gets_the_sample_only_when_the_office_says_so(qtbot, tmp_path):
    from xinfang.ui.first_run import offer_sample
    ws = Workspace.open(tmp_path / "office.db", now=lambda: NOW, sample=False)
    try:
        assert ws.summary()["units"] == 0 and ws.summary()["categories"] == 0 and ws.count() == 0
        assert ws.summary()["holidays"] > 0
        assert not offer_sample(ws, "admin", ask=lambda title, text: False)        # 从空白开始
        assert ws.summary()["units"] == 0
        assert offer_sample(ws, "admin", ask=lambda title, text: "模板" in text)    # 使用示例作为模板
        info = ws.summary()
        assert info["units"] > 100 and info["categories"] > 0 and info["rule_version"] == 1 and ws.count() == 0
    finally:
        ws.close()


def test_the_demo_database_is_marked_in_the_title(qtbot, tmp_path):
    from xinfang.ui.app import DEMO_FLAG, demo_db_path, default_db_path
    assert demo_db_path() != default_db_path() and demo_db_path().parent == default_db_path().parent
    db = tmp_path / "demo.db"
    ws = Workspace.open(db, now=lambda: NOW)
    try:
        ws.set_setting(DEMO_FLAG, True)
        w = window(qtbot, ws, str(db))
        assert w.windowTitle().startswith("【演示数据库】") and not w.open_demo_action.isEnabled()
    finally:
        close_windows_then(ws)
    office = Workspace.open(tmp_path / "office.db", now=lambda: NOW)
    try:
        w = window(qtbot, office, str(tmp_path / "office.db"))
        assert "演示" not in w.windowTitle() and w.open_demo_action.isEnabled()
    finally:
        close_windows_then(office)

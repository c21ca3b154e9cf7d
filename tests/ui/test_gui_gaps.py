"""GUI gaps: units added/edited/removed in 单位目录, 附件 at registration and in the case detail, and the
first-run 选择本单位 dialog."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402

import pytest  # noqa: E402

from tests.ui_teardown import close_windows_then  # noqa: E402

from xinfang.services import Workspace  # noqa: E402
from xinfang.ui.case_detail import CaseDetail  # noqa: E402
from xinfang.ui.first_run import OfficeDialog, ask_office, office_confirmed  # noqa: E402
from xinfang.ui.register_form import RegisterForm  # noqa: E402
from xinfang.ui.routing_settings import UnitDialog, UnitsPage  # noqa: E402

NOW = datetime(2026, 11, 20, 10, 0)
ACTOR = "zhangmh"
OFFICE = "420102-XFJ"            # 城东区信访局, the demo district's office
DISTRICT = "420102"              # 城东区人民政府
STREET = "420102001"             # 东湖街道办事处, which has communities under it


def clock():
    return NOW


@pytest.fixture
def ws():
    w = Workspace.open(":memory:", now=clock)
    yield w
    close_windows_then(w)


@pytest.fixture
def file_ws(tmp_path):
    """A database file: attachments need its files folder (":memory:" has none)."""
    w = Workspace.open(tmp_path / "x.db", now=clock)
    yield w
    close_windows_then(w)


def show(qtbot, w, size=(1280, 800)):
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def page(qtbot, ws):
    return show(qtbot, UnitsPage(ws, ACTOR))


# ---- 单位目录: 新增 / 编辑 / 删除 ----------------------------------------------------------------------

def test_add_unit_through_the_dialog(qtbot, page, ws):
    page.select(DISTRICT)
    page.add_btn.click()
    dlg = page.dialog
    assert isinstance(dlg, UnitDialog) and dlg.isVisible()
    assert dlg.windowTitle() == "新增单位"
    assert dlg.values()["parent"] == DISTRICT          # the selected unit is the default parent
    dlg.set_values({"code": "420102-TEST", "name": "城东区测试服务中心", "kind": "其他",
                    "contact": "王主任", "phone": "027-86209999"})
    dlg.ok_button.click()
    qtbot.waitUntil(lambda: not dlg.isVisible())
    unit = ws.directory.get("420102-TEST")
    assert unit is not None and unit.name == "城东区测试服务中心"
    assert unit.parent == DISTRICT and int(unit.level) == 4     # 自动: a department sits at its government's level
    assert unit.kind.value == "其他" and unit.contact == "王主任"
    assert "420102-TEST" in page.items
    item = page.items["420102-TEST"]
    assert item.parent() is page.items[DISTRICT]
    assert page.tree.currentItem() is item
    assert "已新增单位" in page.result.text()
    assert f"共 {len(ws.units_list())} 个单位" in page.title.text()


def test_add_unit_with_parent_typed_by_name_and_level_chosen(qtbot, page, ws):
    dlg = page.add_unit(parent_code="")
    assert dlg.values()["parent"] == ""
    dlg.set_values({"code": "420102001-W9", "name": "东湖街道第九网格", "kind": "社区", "level": "网格"})
    dlg.parent_box.setCurrentText("东湖街道办事处")
    dlg.ok_button.click()
    qtbot.waitUntil(lambda: not dlg.isVisible())
    unit = ws.directory.get("420102001-W9")
    assert unit.parent == STREET and int(unit.level) == 7


def test_invalid_parent_shows_the_service_error_and_keeps_the_input(qtbot, page, ws):
    dlg = page.add_unit()
    dlg.set_values({"code": "420102-BAD", "name": "城东区某某办公室", "parent": "不存在的上级单位"})
    dlg.ok_button.click()
    assert dlg.isVisible()
    assert dlg.error.isVisible()
    assert "不存在的上级单位" in dlg.error.text() and "不在单位目录中" in dlg.error.text()
    assert dlg.name.text() == "城东区某某办公室" and dlg.code.text() == "420102-BAD"
    assert ws.directory.get("420102-BAD") is None
    # fix the parent: the same dialog saves
    dlg.set_values({"parent": DISTRICT})
    dlg.ok_button.click()
    qtbot.waitUntil(lambda: not dlg.isVisible())
    assert ws.directory.get("420102-BAD").parent == DISTRICT


def test_a_new_unit_cannot_take_an_existing_code(qtbot, page, ws):
    dlg = page.add_unit()
    dlg.set_values({"code": "420102-RSJ", "name": "另一个单位"})
    dlg.ok_button.click()
    assert dlg.isVisible() and "已在单位目录中" in dlg.error.text()
    assert ws.directory.get("420102-RSJ").name == "城东区人力资源和社会保障局"


def test_edit_a_units_name_by_double_click(qtbot, page, ws):
    from xinfang.ui.qt import Qt
    page.select("420102-RSJ")
    item = page.items["420102-RSJ"]
    page.tree.scrollToItem(item)
    rect = page.tree.visualItemRect(item)
    # QTest's double click comes without a press, which item views need to know the item: press first
    qtbot.mouseClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())
    dlg = page.dialog
    assert dlg.code.text() == "420102-RSJ" and dlg.code.isReadOnly()
    assert dlg.name.text() == "城东区人力资源和社会保障局"
    assert dlg.values()["parent"] == DISTRICT and dlg.values()["level"] == "4"
    dlg.name.setText("城东区人力资源局")
    dlg.ok_button.click()
    qtbot.waitUntil(lambda: not dlg.isVisible())
    assert ws.directory.get("420102-RSJ").name == "城东区人力资源局"
    assert page.items["420102-RSJ"].text(0) == "城东区人力资源局"
    assert ws.directory.get("420102-RSJ").contact == "陈晓燕"     # untouched fields are kept


def test_edit_button_opens_the_selected_unit(qtbot, page):
    page.select(STREET)
    assert page.edit_btn.isEnabled()
    page.edit_btn.click()
    assert page.dialog.code.text() == STREET
    assert page.dialog.kind.currentData() == "街道乡镇"
    page.dialog.reject()


def test_delete_a_leaf_unit(qtbot, page, ws):
    ws.save_unit({"code": "420102-TMP", "name": "城东区临时工作专班", "parent": DISTRICT, "kind": "其他"}, ACTOR)
    page.refresh()
    page.select("420102-TMP")
    asked = []
    page.ask = lambda title, text: asked.append(text) or True
    assert page.delete_btn.isEnabled()
    page.delete_btn.click()
    assert asked and "城东区临时工作专班" in asked[0]
    assert ws.directory.get("420102-TMP") is None
    assert "420102-TMP" not in page.items
    assert "已删除" in page.result.text()


def test_delete_can_be_declined(qtbot, page, ws):
    ws.save_unit({"code": "420102-TMP", "name": "城东区临时工作专班", "parent": DISTRICT, "kind": "其他"}, ACTOR)
    page.refresh()
    page.select("420102-TMP")
    page.ask = lambda *a: False
    page.delete_btn.click()
    assert ws.directory.get("420102-TMP") is not None


def test_a_unit_with_children_cannot_be_deleted(qtbot, page, ws):
    page.select(STREET)
    page.ask = lambda *a: True
    page.delete_btn.click()
    assert ws.directory.get(STREET) is not None
    assert page.result.isVisible() and "下级单位" in page.result.text()
    assert STREET in page.items


def test_the_office_cannot_be_deleted(qtbot, page):
    page.select(OFFICE)
    assert not page.delete_btn.isEnabled()


# ---- 附件 --------------------------------------------------------------------------------------------

def _fill_form(form: RegisterForm) -> None:
    form.set_category("劳动和社会保障/拖欠工资")
    form.summary.setText("某工地拖欠农民工工资")
    form.content.setPlainText("在东湖街道樱园社区某工地务工，包工头拖欠工资三个月。")
    form.place.setText("东湖街道樱园社区")
    form.rows[0].name.setText("王秀英")
    form.rows[0].phone.setText("13812345678")


def test_attachments_at_registration_and_in_the_detail(qtbot, file_ws, tmp_path):
    letter = tmp_path / "来信扫描件.pdf"
    letter.write_bytes(b"%PDF-1.4 " + b"x" * 5000)
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8" + b"y" * 2_500_000)

    form = show(qtbot, RegisterForm(file_ws, ACTOR))
    _fill_form(form)
    assert form.add_attachments([str(letter), str(letter)]) == [str(letter)]    # once only
    assert form.attachment_paths() == [str(letter)]
    assert form.collect()["attachments"] == [str(letter)]
    assert "4.9 KB" in form.attachment_list.item(0).text()
    with qtbot.waitSignal(form.saved) as sig:
        form.save_button.click()
    case_id = sig.args[0]
    assert form.attachment_paths() == [] and form.attachment_list.count() == 0   # cleared after save
    assert "附件 1 个" in form.banner.text()

    detail = show(qtbot, CaseDetail(file_ws, ACTOR, case_id))
    assert detail.attachment_names() == ["来信扫描件.pdf"]
    assert detail.attachments_box.title() == "附件（1）"
    _att, _name, size, when, _button = detail.attachment_rows[0]
    assert size.text() == "4.9 KB" and when.text() == "2026-11-20 10:00"

    with qtbot.waitSignal(detail.changed):
        assert detail.add_attachments([str(photo)])
    assert detail.attachment_names() == ["来信扫描件.pdf", "现场照片.jpg"]
    assert detail.attachment_rows[1][2].text() == "2.4 MB"
    assert "已添加附件" in detail.banner.text()
    case = file_ws.case(case_id)
    for att, src in zip(case.attachments, (letter, photo)):
        path = file_ws.attachment_path(att)
        assert path.is_file() and path.read_bytes() == src.read_bytes()
    assert any(e.action == "attach" for e in case.events)

    opened = []
    detail.open_url = opened.append
    detail.attachment_rows[1][4].click()
    assert len(opened) == 1
    assert opened[0].toLocalFile() == str(file_ws.attachment_path(case.attachments[1]))


def test_remove_from_the_registration_list(qtbot, file_ws, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("a")
    b.write_text("b")
    form = show(qtbot, RegisterForm(file_ws, ACTOR))
    form.add_attachments([a, b])
    assert form.remove_attachment_button.isEnabled()
    form.attachment_list.setCurrentRow(0)
    form.remove_attachment_button.click()
    assert form.attachment_paths() == [str(b)]
    assert form.has_input()


def test_a_missing_attachment_is_refused_in_the_banner(qtbot, file_ws, tmp_path):
    form = show(qtbot, RegisterForm(file_ws, ACTOR))
    _fill_form(form)
    gone = tmp_path / "gone.pdf"
    gone.write_bytes(b"x")
    form.add_attachments([gone])
    gone.unlink()
    assert form.save() is None
    assert "gone.pdf" in form.banner.text()
    assert form.attachment_paths() == [str(gone)]          # kept for the clerk to fix


def test_detail_attachment_errors_show_in_the_banner(qtbot, ws, tmp_path):
    from xinfang.services.intake import draft_from_dict
    case = ws.register(draft_from_dict({
        "channel": "来信", "received_at": "2026-11-20 09:00", "purpose": "申诉求决",
        "category": "劳动和社会保障/拖欠工资", "summary": "拖欠工资", "content": "拖欠工资三个月。",
        "petitioners": [{"name": "王秀英"}]}), ACTOR).case
    detail = show(qtbot, CaseDetail(ws, ACTOR, case.id))
    assert detail.attachment_names() == []
    f = tmp_path / "x.txt"
    f.write_text("x")
    assert not detail.add_attachments([f])      # an in-memory database has no files folder
    assert detail.banner.isVisible() and "内存数据库" in detail.banner.text()


# ---- 选择本单位 ----------------------------------------------------------------------------------------

def test_first_run_office_dialog_sets_the_office_and_the_flag(qtbot, ws):
    assert not office_confirmed(ws)
    dlg = show(qtbot, OfficeDialog(ws, ACTOR), size=(560, 200))
    assert dlg.chosen_code() == OFFICE                 # the current office is the default
    dlg.choose("420102-RSJ")
    dlg.ok_button.click()
    assert dlg.result() == dlg.DialogCode.Accepted
    assert ws.office == "420102-RSJ"
    assert ws.setting("office_name") == "城东区人力资源和社会保障局"
    assert office_confirmed(ws) and ws.setting("office_confirmed") is True
    assert ask_office(ws, ACTOR)                       # confirmed: not asked again


def test_first_run_office_dialog_finds_a_typed_name_and_refuses_unknown(qtbot, ws):
    dlg = show(qtbot, OfficeDialog(ws, ACTOR), size=(560, 200))
    dlg.units.setCurrentText("不存在的单位")
    dlg.ok_button.click()
    assert dlg.isVisible() and dlg.error.isVisible() and "不存在的单位" in dlg.error.text()
    assert not office_confirmed(ws) and ws.office == OFFICE
    dlg.units.setCurrentText("城东区纪委监委")
    dlg.ok_button.click()
    assert ws.office == "420102-JW" and office_confirmed(ws)

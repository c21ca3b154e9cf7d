"""设置 › 信访事项类别 › 导入类别… : the administrator imports the office's list; the 登记 form offers it at once."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import datetime  # noqa: E402

import pytest  # noqa: E402

from tests.ui_teardown import close_windows_then  # noqa: E402
from xinfang.services import Workspace  # noqa: E402
from xinfang.ui.main_window import TAB_REGISTER, TAB_SETTINGS, MainWindow  # noqa: E402

NOW = datetime(2026, 11, 27, 10, 0)
pytestmark = pytest.mark.usefixtures("cjk_font")


def test_importing_categories_refreshes_the_registration_form(qtbot, tmp_path):
    ws = Workspace.open(tmp_path / "office.db", now=lambda: NOW, sample=False)
    try:
        w = MainWindow(ws, "admin", str(tmp_path / "office.db"))
        qtbot.addWidget(w)
        w.resize(1366, 768)
        w.tabs.setCurrentIndex(TAB_REGISTER)
        form = w.register_form
        assert [form.cat1.itemText(i) for i in range(form.cat1.count())] == ["（请选择）"]
        w.tabs.setCurrentIndex(TAB_SETTINGS)
        page = w.settings.categories
        assert page.import_btn.isEnabled() and "尚未设置" in page.count.text()
        cats = tmp_path / "类别.csv"
        cats.write_text("一级,二级,诉访分离\n城乡建设,物业管理,否\n政法,涉法涉诉,是\n", encoding="utf-8")
        page.ask = lambda title, text: False
        assert page.import_file(str(cats)) is None and ws.categories() == []      # 否: nothing imported
        page.ask = lambda title, text: True
        report = page.import_file(str(cats))
        assert report.applied and "已导入 2 个类别" in page.result.text()
        assert page.count.text() == "信访事项类别：一级 2 类，二级 2 类"
        assert [form.cat1.itemText(i) for i in range(form.cat1.count())] == ["（请选择）", "城乡建设", "政法"]
        w.settings.grab().save(str(tmp_path / "categories.png"))
    finally:
        close_windows_then(ws)

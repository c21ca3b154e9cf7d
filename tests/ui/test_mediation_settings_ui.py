"""设置 → 人民调解: the dispute type dictionary, the 以奖代补 rate table and the mediation clocks edited in the app,
as a 管理员; read-only for a 调解员. Expected values are what the administrator typed (and the rate rule of
domain.md §4.2: the type's row if it has one, else the default row; the column is the risk level)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from tests.helpers import Clock
from tests.mediation.conftest import dispute_json
from tests.ui.test_mediation_ui import grab
from tests.ui_teardown import close_windows_then
from xinfang.domain import passwords
from xinfang.services import Workspace

PASSWORD = "correct-horse-1"
COMMITTEE = "樱园社区人民调解委员会"


@pytest.fixture
def sws(tmp_path, monkeypatch):
    monkeypatch.setattr(passwords, "COST", 2 ** 10)
    ws = Workspace.open(tmp_path / "s.db", now=Clock(datetime(2026, 12, 1, 10, 0)))
    code = ws.mediation.add_committee(COMMITTEE, "420102001001", "admin", prefix="樱园")["code"]
    ws.mediation.add_mediator("王调解", COMMITTEE, "admin", login="wang")
    ws.users.add("admin", ["管理员"], PASSWORD)
    ws.users.sign_in("admin", PASSWORD)
    ws.users.add("wang", ["调解员"], PASSWORD, unit=code)
    yield ws
    close_windows_then(ws)


def test_types_rates_and_clocks_edited_in_settings(qtbot, sws, cjk_font):
    from xinfang.ui.mediation.settings_page import DEFAULT_ROW, MediationSettingsPage
    from xinfang.ui.settings import SettingsScreen
    screen = SettingsScreen(sws, "admin")
    qtbot.addWidget(screen)
    page = screen.mediation
    assert screen.tabs.tabText(screen.tabs.indexOf(page)) == "人民调解"
    screen.tabs.setCurrentWidget(page)
    screen.show()
    assert isinstance(page, MediationSettingsPage) and page.editable
    # types: add 物业服务 after 邻里, rename 其它 → 其他纠纷, remove 环境污染
    names = page.type_names()
    assert len(names) == 15 and names[1] == "邻里"
    page.types.setCurrentRow(1)
    page._add_type()
    page.types.item(page.types.count() - 1).setText("物业服务")
    for _ in range(page.types.count() - 3):
        page.up_type.click()
    assert page.type_names()[2] == "物业服务"
    page.types.setCurrentRow(page.type_names().index("环境污染"))
    page.remove_type.click()
    page.types.item(page.type_names().index("其它")).setText("其他纠纷")
    assert page.save_types() and "已保存" in page.types_message.text()
    types = sws.mediation.types()
    assert types[:3] == ["婚姻家庭", "邻里", "物业服务"] and "环境污染" not in types and "其他纠纷" in types
    assert len(types) == 15
    # a duplicate is refused in Chinese and nothing changes
    page.types.item(0).setText("邻里")
    assert not page.save_types() and "重复" in page.types_message.text()
    assert sws.mediation.types() == types
    page.refresh()
    # rates: default 100/200/300 → 120/240/360; 物业服务 低 80; a bad cell is refused
    assert page.rates.item(0, 0).text() == DEFAULT_ROW
    for c, v in ((1, "120"), (2, "240"), (3, "360")):
        page.rates.item(0, c).setText(v)
    page.new_rate_type.setCurrentText("物业服务")
    page.add_rate.click()
    page.rates.item(1, 1).setText("八十")
    assert not page.save_rates() and "不是数字" in page.rates_message.text()
    assert sws.mediation.rates()["default"] == {"低": 100, "中": 200, "高": 300}
    page.rates.item(1, 1).setText("80")
    assert page.save_rates()
    assert sws.mediation.rates() == {"default": {"低": 120, "中": 240, "高": 360}, "by_type": {"物业服务": {"低": 80}}}
    # clocks
    page.clocks["mediation_days"].setValue(45)
    page.clocks["followup_days"].setValue(10)
    assert page.save_clocks()
    assert (sws.setting("mediation_days"), sws.setting("followup_days")) == (45, 10)
    grab(screen, "12-设置-人民调解")
    # the new dictionary and table are what registration and the 以奖代补 sheet use
    sws.users.sign_in("wang", PASSWORD)
    row = sws.mediation.register(dispute_json(type="物业服务", received_at="2026-11-02 09:00"), "wang")["row"]
    for action, day, data in (("accept", "2026-11-02", {}),
                              ("session", "2026-11-03", {"place": "调解室", "record": "陈述"}),
                              ("succeed", "2026-11-04", {"form": "书面", "terms": "赔偿", "amount": 100,
                                                         "performance": {"manner": "现金", "due": "2026-11-10"}})):
        sws.mediation.act(row, action, "wang", datetime.fromisoformat(day + " 10:00"), data)
    assert sws.mediation.dispute(row)["mediation_days"] == 45
    rewards = sws.mediation.rewards(date(2026, 11, 1), date(2026, 11, 30), COMMITTEE)
    assert rewards["total"] == 80.0             # 物业服务 row, risk not set → 低 → 80 元


def test_a_mediator_sees_the_settings_read_only(qtbot, sws, cjk_font):
    from xinfang.ui.mediation.settings_page import MediationSettingsPage
    sws.users.sign_in("wang", PASSWORD)
    page = MediationSettingsPage(sws, "wang")
    qtbot.addWidget(page)
    assert not page.editable
    assert not page.save_types_button.isEnabled() and not page.save_rates_button.isEnabled()
    assert not page.types.isEnabled() and not page.clocks["mediation_days"].isEnabled()
    assert page.type_names() == sws.mediation.types()

"""Event log (append-only, hash chain), search tokenisation and list filters."""
import sqlite3
from datetime import date, datetime

import pytest

from xinfang.storage import search
from xinfang.storage.errors import StorageError
from xinfang.storage.store import ListFilter

from tests.helpers import make_workspace, register
from tests.pg_server import ENGINES

both = pytest.mark.parametrize("engine", ENGINES, indirect=True)


@both
def test_events_are_append_only(engine):
    ws, _ = make_workspace(target=engine)
    case = register(ws)
    # SQLite's own error from its connection; the server's error arrives as the one storage error type
    refused = sqlite3.IntegrityError if engine == ":memory:" else StorageError
    with pytest.raises(refused, match="只能追加"):
        ws.store.conn.execute("UPDATE events SET actor = 'x' WHERE case_id = ?", (case.row,))
    with pytest.raises(refused, match="只能追加"):
        ws.store.conn.execute("DELETE FROM events WHERE case_id = ?", (case.row,))
    assert ws.store.one("SELECT count(*) FROM events WHERE case_id = ?", (case.row,)) == 1


def test_tampering_breaks_the_chain():
    # on SQLite here; the same tampering on a server: tests/storage/test_check_engines.py
    ws, clock = make_workspace()
    case = register(ws)
    clock.advance(hours=1)
    ws.act(case.id, "accept", "clerk")
    assert ws.check()["ok"]
    conn = ws.store.conn
    conn.execute("DROP TRIGGER events_no_update")          # an attacker with the file
    conn.execute("UPDATE events SET payload = '{}' WHERE case_id = ? AND seq = 2", (case.row,))
    report = ws.check()
    assert not report["ok"] and report["broken_chains"] == [case.number]


@pytest.mark.parametrize("query", ["张", "张三", "拖欠", "拖欠农民工工资", "1949", "19491231", "002X", "02x",
                                   "5678", "138123", "000001", "信-000001", "工地",
                                   "2025", "025", "5月", "3万元", "8月在工"])
@both
def test_search_finds_any_fragment(engine, query):
    ws, _ = make_workspace(target=engine)
    case = register(ws)
    register(ws, name="李四", id_number="440524188001010014", phone="13900001111", summary="小区垃圾清运不及时",
             category="城乡建设/城市管理")
    assert case.row in set(ws.list_ids(ListFilter(text=query)))


@both
def test_search_does_not_cross_punctuation_or_match_absent_text(engine):
    ws, _ = make_workspace(target=engine)
    register(ws, summary="垃圾，清运", content="无", demands="无")
    assert list(ws.list_ids(ListFilter(text="圾清"))) == []
    assert list(ws.list_ids(ListFilter(text="不存在的词"))) == []
    assert search.match_expression("，。 ") is None


@both
def test_first_page_of_a_text_search_is_newest_first(engine):
    ws, _ = make_workspace(target=engine)
    rows = [register(ws, name=f"用户{i}", id_number="", phone=f"1390000{i:04d}").row for i in range(5)]
    assert ws.first_page(ListFilter(text="拖欠"), 3) == rows[::-1][:3]
    assert ws.first_page(ListFilter(text="13900000003"), 10) == [rows[3]]
    assert ws.count(ListFilter(text="2025")) == 5


@both
def test_filters_combine(engine):
    ws, clock = make_workspace(target=engine)
    a = register(ws)
    b = register(ws, name="李四", id_number="440524188001010014", phone="13900001111", channel="来信",
                 summary="小区垃圾清运不及时", category="城乡建设/城市管理")
    assert set(ws.list_ids(ListFilter(channel="来信"))) == {b.row}
    assert set(ws.list_ids(ListFilter(category="劳动和社会保障"))) == {a.row}
    assert set(ws.list_ids(ListFilter(status=("registered",), text="垃圾"))) == {b.row}
    assert ws.count(ListFilter(received_from=date(2025, 9, 30), received_to=date(2025, 9, 30))) == 2
    assert ws.count(ListFilter(received_from=date(2025, 10, 1))) == 0

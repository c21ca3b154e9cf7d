"""The windowed 信访件 model: row count, visible roles, sort, filters, search-as-you-type, background id load."""
from __future__ import annotations

import time
from dataclasses import replace

from xinfang.domain.enums import Status
from xinfang.services import ListFilter
from xinfang.storage.store import Store
from xinfang.ui.case_list import (COL_DUE, COL_NUMBER, COL_RECEIVED, COL_STATUS, COL_SUMMARY, NEAR, OVERDUE, ROW_FIELDS,
                                  CaseIdRole, CaseListModel, CaseListScreen, DueStateRole)
from xinfang.ui.qt import QColor, Qt


def test_row_fields_follow_the_store():
    assert ROW_FIELDS == Store.LIST_COLUMNS


def test_row_count_and_visible_roles(qtbot, ws, actor):
    model = CaseListModel(ws)
    model.load(ListFilter())
    total = ws.count()
    assert total >= 2000
    assert model.rowCount() == total
    assert list(model.ids) == list(ws.list_ids(ListFilter()))
    first = model.ids[0]
    rec = ws.list_rows([first])[first]
    idx = model.index(0, COL_NUMBER)
    assert model.data(idx) == rec[ROW_FIELDS.index("number")]
    assert model.data(idx, CaseIdRole) == first
    assert model.data(model.index(0, COL_STATUS)) == Status(rec[ROW_FIELDS.index("status")]).label
    assert isinstance(model.data(model.index(0, COL_STATUS), Qt.ForegroundRole), QColor)
    assert model.data(model.index(0, COL_SUMMARY)).endswith(rec[ROW_FIELDS.index("summary")])
    assert model.data(idx, Qt.DecorationRole) is None          # unused roles return early
    assert model.headerData(COL_DUE, Qt.Horizontal) == "期限"
    # the last row works as well as the first (a page far from the first one)
    last = model.index(total - 1, COL_NUMBER)
    assert model.data(last) == ws.list_rows([model.ids[-1]])[model.ids[-1]][1]


def test_due_state_badges_match_the_due_filters(qtbot, ws, actor):
    f = ws.due_filters()
    model = CaseListModel(ws)
    model.load(f["逾期"])
    assert model.rowCount() == ws.count(f["逾期"]) > 0
    assert {model.data(model.index(r, COL_DUE), DueStateRole) for r in range(model.rowCount())} == {OVERDUE}
    model.load(f["临期"])
    if model.rowCount():
        assert {model.data(model.index(r, COL_DUE), DueStateRole) for r in range(model.rowCount())} == {NEAR}
        assert "剩" in model.data(model.index(0, COL_DUE), Qt.ToolTipRole) or "今日" in model.data(
            model.index(0, COL_DUE), Qt.ToolTipRole)


def test_sorting_changes_the_order(qtbot, ws, actor):
    model = CaseListModel(ws)
    model.load(ListFilter())
    default = list(model.ids)
    model.sort(COL_RECEIVED, Qt.AscendingOrder)
    asc = list(model.ids)
    assert asc != default
    assert asc == list(ws.list_ids(ListFilter(), "received_at", False))
    dates = [model.data(model.index(r, COL_RECEIVED)) for r in range(model.rowCount())]
    assert dates == sorted(dates)
    model.sort(COL_RECEIVED, Qt.DescendingOrder)
    assert [model.data(model.index(r, COL_RECEIVED)) for r in range(50)] == sorted(dates, reverse=True)[:50]
    model.sort(COL_SUMMARY, Qt.AscendingOrder)         # not sortable: nothing changes
    assert model.order == "received_at"


def test_header_click_sorts(qtbot, ws, actor):
    screen = CaseListScreen(ws, actor)
    qtbot.addWidget(screen)
    screen.apply_filters()
    screen._header_clicked(COL_STATUS)
    assert screen.model.order == "status" and not screen.model.descending
    statuses = [screen.model.data(screen.model.index(r, COL_STATUS), Qt.UserRole + 3) for r in range(200)]
    assert statuses == sorted(statuses)
    screen._header_clicked(COL_STATUS)
    assert screen.model.descending


def test_filters_narrow_the_list(qtbot, ws, actor):
    screen = CaseListScreen(ws, actor)
    qtbot.addWidget(screen)
    screen.apply_filters()
    total = screen.model.rowCount()
    screen.status.setCurrentIndex(screen.status.findData(Status.HANDLING.value))
    expected = ws.count(ListFilter(status=(Status.HANDLING.value,)))
    assert 0 < screen.model.rowCount() == expected < total
    screen.channel.setCurrentIndex(screen.channel.findData("来访"))
    assert screen.model.rowCount() == ws.count(ListFilter(status=(Status.HANDLING.value,), channel="来访"))
    screen.clear_filters()
    assert screen.model.rowCount() == total
    # category, two levels
    screen.cat1.setCurrentIndex(1)
    l1 = screen.cat1.currentData()
    assert screen.model.rowCount() == ws.count(ListFilter(category=l1)) < total
    assert screen.cat2.isEnabled()
    screen.cat2.setCurrentIndex(1)
    assert screen.model.rowCount() == ws.count(ListFilter(category=screen.cat2.currentData()))
    screen.clear_filters()
    # due state, mine
    screen.due.setCurrentIndex(screen.due.findData(OVERDUE))
    assert screen.model.rowCount() == ws.count(ws.due_filters()["逾期"])
    screen.clear_filters()
    screen.mine.setChecked(True)
    assert screen.model.rowCount() == ws.count(ListFilter(registered_by=actor)) < total
    screen.clear_filters()
    # received date range
    screen.use_dates.setChecked(True)
    from xinfang.ui.qt import QDate
    screen.date_from.setDate(QDate(2026, 10, 1))
    screen.date_to.setDate(QDate(2026, 10, 31))
    f = screen.current_filter()
    assert f.received_from.isoformat() == "2026-10-01" and f.received_to.isoformat() == "2026-10-31"
    assert screen.model.rowCount() == ws.count(f) < total


def test_search_box_filters_as_you_type(qtbot, ws, actor):
    screen = CaseListScreen(ws, actor)
    qtbot.addWidget(screen)
    screen.show()
    screen.apply_filters()
    total = screen.model.rowCount()
    # typed keys (QTest can only type ASCII): part of one petitioner's phone number
    wanted = int(screen.model.ids[7])
    phone = ws.case(wanted).draft.petitioners[0].phone
    typed = phone[3:9]
    expected = ws.count(ListFilter(text=typed))
    assert 0 < expected < total
    screen.search.setFocus()
    qtbot.keyClicks(screen.search, typed)
    assert screen.model.rowCount() == total            # debounced: nothing happens while typing
    qtbot.waitUntil(lambda: screen.model.rowCount() == expected, timeout=3000)
    assert wanted in set(screen.model.ids)
    assert "筛选结果" in screen.count_label.text()
    # Chinese arrives through the input method: set the text, the same debounce applies
    screen.search.setText("物业")
    expected = ws.count(ListFilter(text="物业"))
    assert 0 < expected < total
    qtbot.waitUntil(lambda: screen.model.rowCount() == expected, timeout=3000)
    screen.search.clear()
    qtbot.waitUntil(lambda: screen.model.rowCount() == total, timeout=3000)


def test_background_id_load(qtbot, ws, db_path, actor):
    """Above sync_limit the first screen comes from first_page + count and the ids arrive from a worker."""
    model = CaseListModel(ws, db_path=db_path, sync_limit=100)
    total = ws.count()
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.load(ListFilter())
        assert model.rowCount() == total                 # the scrollbar covers everything at once
        assert model.loading
        first = model.data(model.index(0, COL_NUMBER))
        assert first != "…"
    assert not model.loading
    assert list(model.ids) == list(ws.list_ids(ListFilter()))
    assert model.data(model.index(0, COL_NUMBER)) == first
    assert model.data(model.index(total - 1, COL_NUMBER)) != "…"
    # a sort order without a fast first page: rows wait for the ids
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.sort(COL_RECEIVED, Qt.AscendingOrder)
    assert list(model.ids) == list(ws.list_ids(ListFilter(), "received_at", False))


def test_stale_background_results_are_dropped(qtbot, ws, db_path, actor):
    model = CaseListModel(ws, db_path=db_path, sync_limit=100)
    model.load(ListFilter())
    narrow = replace(ListFilter(), channel="来信")
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.load(narrow)   # small enough? either way the final ids are the narrow ones
    qtbot.wait(200)
    assert list(model.ids) == list(ws.list_ids(narrow))


def test_jump_to_end_is_fast(qtbot, ws, actor):
    screen = CaseListScreen(ws, actor)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    screen.apply_filters()
    t = time.perf_counter()
    screen.view.scrollToBottom()
    screen.view.viewport().repaint()
    assert time.perf_counter() - t < 1.0
    assert screen.model.data(screen.model.index(screen.model.rowCount() - 1, COL_NUMBER)) != "…"


class _HeldBackend:
    """A Backend whose jobs wait until `release()`: what a slow id list at 1M looks like to the model."""

    def __init__(self, ws):
        self.ws, self.jobs = ws, []

    def submit(self, fn, on_done=None, on_failed=None, stale=None):
        self.jobs.append((fn, on_done, stale))

    def release(self):
        while self.jobs:
            fn, on_done, stale = self.jobs.pop(0)
            if (stale is None or not stale()) and on_done is not None:
                on_done(fn(self.ws))


def test_a_save_elsewhere_during_a_load_is_shown_after_it(qtbot, tmp_path):
    """Another seat saves while the id list loads (read before that save): once the list is shown, the new
    case is put on top — the change is not lost because it came mid-load."""
    from datetime import datetime

    from tests.helpers import register
    from xinfang.services import Workspace
    ws = Workspace.open(tmp_path / "x.db", now=lambda: datetime(2025, 9, 30, 10), sample=True)
    try:
        for name in ("张三", "李四", "王五"):
            register(ws, name=name)
        backend = _HeldBackend(ws)
        model = CaseListModel(ws, backend=backend, sync_limit=1)      # 3 cases > 1: loaded in the background
        model.load(ListFilter())
        assert model.loading
        backend.release()                                              # the id list read before the save …
        assert model.rowCount() == 3 and not model.loading
        model.load(ListFilter())
        assert model.loading
        newest = register(ws, name="赵六", phone="13900006666", id_number="")  # … another seat saves meanwhile
        model._pages.clear()
        model.refresh_visible()                                        # the watcher's signal, mid-load
        from array import array
        backend.jobs[0] = (lambda w, ids=array("q", model.ids): ids, *backend.jobs[0][1:])   # the old answer
        backend.release()
        assert model.rowCount() == 4 and model.ids[0] == newest.row
    finally:
        ws.close()

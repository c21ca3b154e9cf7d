"""Use cases end to end: register → … → 终结 with clocks, repeats, refusals that write nothing."""
import hashlib
from datetime import date, datetime

import pytest

from xinfang.domain.problems import DomainError
from xinfang.services.intake import draft_from_dict

from tests.helpers import case_json, make_workspace, register


def steps(ws, case):
    return {d.step.value: d for d in ws.deadlines(ws.case(case.id))}


def test_full_lifecycle_to_closure_after_recheck():
    ws, clock = make_workspace()
    case = register(ws)
    plan = [
        ("forward", {"unit": "420102-RSJ"}, datetime(2025, 9, 30, 11)),
        ("accept", {}, datetime(2025, 10, 9, 9)),
        ("extend", {"days": 30, "approver": "王局长", "reason": "涉及多家单位"}, datetime(2025, 11, 20, 9)),
        ("reply", {"outcome": "不予支持"}, datetime(2025, 12, 1, 9)),
        ("serve", {"served_on": "2025-12-02"}, datetime(2025, 12, 2, 15)),
        ("rate", {"rating": "不满意"}, datetime(2025, 12, 3, 9)),
        ("review-request", {"body": "区人民政府"}, datetime(2025, 12, 20, 9)),
        ("review-decision", {"outcome": "维持", "served_on": "2026-01-10"}, datetime(2026, 1, 10, 9)),
        ("recheck-request", {}, datetime(2026, 1, 20, 9)),
        ("hearing", {"days": 5}, datetime(2026, 2, 1, 9)),
        ("recheck-decision", {"outcome": "维持"}, datetime(2026, 2, 20, 9)),
        ("close", {"reason": "复核意见已送达"}, datetime(2026, 2, 25, 9)),
    ]
    for action, data, at in plan:
        clock.set(at)
        case = ws.act(case.id, action, "clerk", at, data).case
    assert case.status.value == "closed" and case.closure_reason == "复核意见已送达"
    d = steps(ws, case)
    assert set(d) == {"dispose", "notice", "object", "handle", "review_request", "review",
                      "recheck_request", "recheck"}
    assert d["handle"].due == date(2026, 1, 7)                  # 2025-10-09 + 60 + 30
    assert d["handle"].state == "按期完成"
    assert d["object"].due == date(2025, 10, 14)                # 5 working days over National Day
    assert d["recheck"].due == date(2026, 2, 24)                # 30 days + 5 hearing days, rolled past 春节
    assert any("听证" in line for line in d["recheck"].explain)
    assert [e.action for e in case.events] == ["register"] + [a for a, _, _ in plan]
    assert ws.check()["ok"]
    # a new petition on the same matter is now a 不再受理 candidate, never refused
    clock.set(datetime(2026, 3, 1, 10))
    again = ws.register(draft_from_dict(case_json(summary="建筑公司拖欠农民工工资至今未付",
                                                  received_at="2026-03-01 09:00")), "clerk")
    assert again.case.repeat_of == case.id and again.case.no_longer_accept_candidate


def test_refused_action_changes_nothing():
    ws, clock = make_workspace()
    case = register(ws)
    before = ws.case_dict(ws.case(case.id))
    with pytest.raises(DomainError, match="当前状态“待处置”下不能“答复”"):
        ws.act(case.id, "reply", "clerk", data={"outcome": "支持"})
    with pytest.raises(DomainError, match="不在单位目录中"):
        ws.act(case.id, "forward", "clerk", data={"unit": "不存在的局"})
    assert ws.case_dict(ws.case(case.id)) == before


def test_invalid_registration_writes_nothing():
    ws, _ = make_workspace()
    bad = case_json(id_number="110105194912310021")     # wrong check digit
    with pytest.raises(DomainError) as exc:
        ws.register(draft_from_dict(bad), "clerk")
    assert "校验位" in exc.value.message and exc.value.problems
    assert ws.count() == 0 and ws.store.one("SELECT count(*) FROM events") == 0


def test_malformed_json_fields_have_chinese_messages():
    with pytest.raises(DomainError, match="信访形式“飞鸽”无效"):
        draft_from_dict(case_json(channel="飞鸽"))
    with pytest.raises(DomainError, match="收到时间.*无效"):
        draft_from_dict(case_json(received_at="上周三"))
    # 今天/昨天/前天 are read against the clock given (issue 11: 收到时间 as a clerk says it)
    clock = datetime(2026, 3, 1, 10, 0)
    assert draft_from_dict(case_json(received_at="昨天 14:00"), clock).received_at == datetime(2026, 2, 28, 14, 0)
    assert draft_from_dict(case_json(received_at="今天 9:30"), clock).received_at == datetime(2026, 3, 1, 9, 30)


def test_unknown_category_and_future_date_are_errors():
    ws, _ = make_workspace()
    with pytest.raises(DomainError, match="不在类别字典中"):
        register(ws, category="外星/来客")
    with pytest.raises(DomainError, match="晚于现在"):
        register(ws, received_at="2025-10-30 09:00")


def test_repeat_needs_same_person_and_same_matter():
    ws, _ = make_workspace()
    first = register(ws)
    other_matter = register(ws, summary="小区物业乱收停车费", category="城乡建设/物业管理")
    assert other_matter.repeat_of == ""
    other_person = register(ws, name="王五", id_number="440524188001010014", phone="13900001111")
    assert other_person.repeat_of == ""
    by_phone = register(ws, id_number="", summary="建筑公司拖欠我们农民工工资")
    assert by_phone.repeat_of == first.id and by_phone.repeat_numbers == (first.number,)
    preview = ws.preview(draft_from_dict(case_json()))
    assert [m.number for m in preview.repeats][:1] == [first.number]


def test_due_states_and_dashboard():
    ws, clock = make_workspace()
    case = register(ws)                                       # dispose due 2025-10-15
    clock.set(datetime(2025, 10, 13, 9))
    assert steps(ws, case)["dispose"].state == "临期"
    assert ws.dashboard("clerk")["临期"]["count"] == 1
    clock.set(datetime(2025, 10, 16, 9))
    assert steps(ws, case)["dispose"].state == "逾期"
    board = ws.dashboard("clerk")
    assert board["逾期"]["count"] == 1 and board["我登记的"]["count"] == 1 and board["待处置"]["count"] == 1


def test_holiday_import_recomputes_running_clocks():
    ws, clock = make_workspace(datetime(2026, 12, 20, 9))
    case = register(ws, received_at="2026-12-20 08:00")
    clock.set(datetime(2026, 12, 21, 9))
    ws.act(case.id, "accept", "clerk")
    handle = steps(ws, case)["handle"]
    assert handle.due == date(2027, 2, 19) and any("2027" in line and "无节假日数据" in line for line in handle.explain)
    n, problems = ws.import_holidays("date,kind,name\n2027-02-19,休,春节\n2027-02-20,休,春节\n", "admin")
    assert n == 2 and problems == []
    assert steps(ws, case)["handle"].due == date(2027, 2, 22)
    assert ws.store.one("SELECT next_due FROM cases WHERE id = ?", (case.row,)) == "2027-02-22"


def test_bad_holiday_file_imports_nothing_unless_accepted():
    ws, _ = make_workspace()
    before = ws.store.holiday_count()
    n, problems = ws.import_holidays("2027-02-30,休,春节\n2027-02-11,休,春节\n", "admin")
    assert n == 0 and problems and "第1行" in problems[0] and ws.store.holiday_count() == before
    n, _ = ws.import_holidays("2027-02-30,休,春节\n2027-02-11,休,春节\n", "admin", accept_partial=True)
    assert n == 1


def test_attachments_are_copied_with_hash(tmp_path):
    from xinfang.services import Workspace
    from tests.helpers import Clock, lasting_target
    start = datetime(2025, 9, 30, 10)
    ws = Workspace.open(lasting_target(tmp_path, start, "a.db"), now=Clock(start))
    letter = tmp_path / "来信.txt"
    letter.write_text("信件内容", encoding="utf-8")
    case = ws.register(draft_from_dict(case_json(attachments=[str(letter)])), "clerk").case
    letter.unlink()                                          # the kept copy does not need the original
    (att,) = case.attachments
    assert att.filename == "来信.txt" and att.sha256 == hashlib.sha256("信件内容".encode()).hexdigest()
    assert ws.attachment_path(att).read_text(encoding="utf-8") == "信件内容"
    if not ws.store.dialect.server:                          # one PC: beside the file; a server: in the database
        assert (tmp_path / "a-files" / att.stored_path).read_text(encoding="utf-8") == "信件内容"


def test_case_numbers_are_per_office_and_year():
    ws, clock = make_workspace()
    a = register(ws)
    b = register(ws, received_at="2024-12-30 09:00", name="李四", id_number="440524188001010014", phone="13900001111")
    c = register(ws, name="王五", id_number="", phone="13900002222")
    assert (a.number, b.number, c.number) == ("2025-信-000001", "2024-信-000001", "2025-信-000002")


def test_attachments_added_later_keep_earlier_files(tmp_path):
    from xinfang.services import Workspace
    from tests.helpers import Clock, lasting_target
    clock = Clock(datetime(2025, 9, 30, 10))
    ws = Workspace.open(lasting_target(tmp_path, clock(), "b.db"), now=clock)
    case = register(ws)
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"first")
    ws.add_attachments(case.id, [str(photo)], "clerk")
    photo.write_bytes(b"second")
    clock.advance(hours=1)
    case = ws.add_attachments(case.id, [str(photo)], "clerk")
    first, second = case.attachments
    assert ws.attachment_path(first).read_bytes() == b"first" and ws.attachment_path(second).read_bytes() == b"second"
    assert [e.action for e in case.events] == ["register", "attach", "attach"]
    # attaching today does not block recording an earlier lifecycle step
    ws.act(case.id, "accept", "clerk", at=datetime(2025, 9, 30, 10, 30))
    with pytest.raises(DomainError, match="不存在"):
        ws.add_attachments(case.id, [str(tmp_path / "nope.pdf")], "clerk")

"""Issue 11 §1 at the service: the unit saved is the unit shown, impossible dates are refused with the reason,
a person's earlier cases are found from the ID number alone."""
from datetime import date, datetime

import pytest

from xinfang.domain.problems import DomainError
from xinfang.services.intake import draft_from_dict

from tests.helpers import case_json, make_workspace, register

TODAY = datetime(2026, 11, 27, 10, 0)
WAGES = {"channel": "来访", "received_at": "2026-11-27 09:00", "purpose": "申诉求决",
         "category": "劳动和社会保障/拖欠工资", "summary": "拖欠工资",
         "petitioners": [{"name": "张三", "phone": "13812345678"}]}
# the sample district's directory (resources/demo): who handles what
LABOUR_INSPECTION = "城东区劳动保障监察大队"
HOUSING = "城东区住房和城乡建设局"
URBAN_MANAGEMENT = "城东区城市管理执法局"


def route_name(ws, data):
    return ws.preview(draft_from_dict(data)).route.get("unit_name")


def test_the_issue_example_routing_follows_every_field():
    ws, _ = make_workspace(TODAY)
    assert route_name(ws, WAGES) == LABOUR_INSPECTION
    typed = dict(WAGES, content="包工头在工地拖欠工资")
    assert route_name(ws, typed) == HOUSING                      # 事实与理由 names a building site
    typed["caused_by"] = URBAN_MANAGEMENT
    assert route_name(ws, typed) == URBAN_MANAGEMENT             # 谁引发谁负责


def test_a_stale_suggestion_is_never_saved():
    ws, _ = make_workspace(TODAY)
    shown = ws.preview(draft_from_dict(WAGES)).route["unit"]     # what the panel showed after the summary
    typed = dict(WAGES, content="包工头在工地拖欠工资", caused_by=URBAN_MANAGEMENT)
    with pytest.raises(DomainError) as exc:
        ws.register(draft_from_dict(typed), "clerk", expect_unit=shown)
    assert f"变为“{URBAN_MANAGEMENT}”" in exc.value.message and LABOUR_INSPECTION in exc.value.message
    assert ws.count() == 0
    now_shown = ws.preview(draft_from_dict(typed)).route["unit"]
    case = ws.register(draft_from_dict(typed), "clerk", expect_unit=now_shown).case
    assert case.route["unit_name"] == URBAN_MANAGEMENT
    # forwarding without naming a unit uses the saved suggestion
    case = ws.act(case.id, "forward", "clerk", TODAY).case
    assert case.handling_unit_name == URBAN_MANAGEMENT


def test_the_clerks_override_is_saved_with_its_reason():
    ws, _ = make_workspace(TODAY)
    typed = dict(WAGES, unit=HOUSING, override_reason="工地由住建局监管")
    shown = ws.preview(draft_from_dict(typed)).route
    assert shown["unit_name"] == HOUSING and shown["overridden"]
    case = ws.register(draft_from_dict(typed), "clerk", expect_unit=shown["unit"]).case
    assert case.route["unit_name"] == HOUSING and case.route["override_reason"] == "工地由住建局监管"
    assert case.route["suggested_unit"] != case.route["unit"]


@pytest.mark.parametrize("received,ok", [
    ("2021-11-27 08:00", True),      # exactly 5 years back: inside the horizon
    ("2021-11-26 18:00", False),     # one day earlier
    ("2015-03-01 09:00", False),
])
def test_received_before_the_horizon_needs_a_confirmation(received, ok):
    ws, _ = make_workspace(TODAY)
    draft = draft_from_dict(case_json(received_at=received))
    if ok:
        assert ws.register(draft, "clerk").case.number.startswith(received[:4])
        return
    with pytest.raises(DomainError) as exc:
        ws.register(draft, "clerk")
    assert "早于 5 年前（2021-11-27）" in exc.value.message and "--confirm-old" in exc.value.message
    assert [p.field for p in exc.value.problems] == ["received_at"]
    assert ws.count() == 0
    saved = ws.register(draft, "clerk", confirm_old=True)
    assert any("已确认为旧件" in w.message for w in saved.warnings)


def test_the_horizon_is_a_setting():
    ws, _ = make_workspace(TODAY)
    ws.configure("received_horizon_years", "10", "admin")
    assert ws.received_horizon() == date(2016, 11, 27)
    assert ws.register(draft_from_dict(case_json(received_at="2017-03-01 09:00")), "clerk")


def test_a_date_in_the_future_is_refused():
    ws, _ = make_workspace(TODAY)
    with pytest.raises(DomainError, match="收到时间晚于现在"):
        ws.register(draft_from_dict(case_json(received_at="2026-11-28 09:00")), "clerk")
    case = register(ws, received_at="2026-11-20 09:00")
    with pytest.raises(DomainError, match="办理时间晚于现在"):
        ws.act(case.id, "accept", "clerk", datetime(2026, 11, 30, 9))


def _replied(ws, clock):
    case = register(ws, received_at="2026-11-02 09:00")
    for action, data, at in [("accept", {}, datetime(2026, 11, 3, 9)),
                             ("reply", {"outcome": "支持"}, datetime(2026, 11, 20, 9))]:
        case = ws.act(case.id, action, "clerk", at, data).case
    return case


def test_served_on_before_the_reply_is_refused():
    # the issue's example: 送达日期 2019-01-01 on a case received in 2026
    ws, clock = make_workspace(TODAY)
    case = _replied(ws, clock)
    for served in ("2019-01-01", "2026-11-19"):
        with pytest.raises(DomainError, match=f"送达日期 {served} 早于上一步的日期 2026-11-20"):
            ws.act(case.id, "serve", "clerk", TODAY, {"served_on": served})
    with pytest.raises(DomainError, match="送达日期不能晚于"):
        ws.act(case.id, "serve", "clerk", TODAY, {"served_on": "2026-11-28"})
    case = ws.act(case.id, "serve", "clerk", TODAY, {"served_on": "2026-11-20"}).case
    window = next(d for d in ws.deadlines(case) if d.step.value == "review_request")
    assert window.due == date(2026, 12, 21)          # 11-20 + 30 = 12-20, a Sunday → Monday 12-21


def test_review_decision_served_on_stays_between_the_request_and_today():
    ws, clock = make_workspace(TODAY)
    case = _replied(ws, clock)
    case = ws.act(case.id, "serve", "clerk", datetime(2026, 11, 21, 9), {"served_on": "2026-11-21"}).case
    case = ws.act(case.id, "review-request", "clerk", datetime(2026, 11, 24, 9)).case
    with pytest.raises(DomainError, match="早于上一步的日期 2026-11-24"):
        ws.act(case.id, "review-decision", "clerk", TODAY, {"outcome": "维持", "served_on": "2026-11-23"})
    with pytest.raises(DomainError, match="不能晚于"):
        ws.act(case.id, "review-decision", "clerk", TODAY, {"outcome": "维持", "served_on": "2026-12-01"})


def test_report_due_before_the_assignment_is_refused():
    ws, _ = make_workspace(TODAY)
    case = register(ws, received_at="2026-11-20 09:00")
    with pytest.raises(DomainError, match="办结报告期限 2026-11-01 早于交办日期"):
        ws.act(case.id, "assign", "clerk", TODAY, {"report_due": "2026-11-01"})


def test_earlier_cases_of_the_person_are_listed_from_the_id_number_alone():
    ws, clock = make_workspace(datetime(2026, 11, 1, 10))
    first = register(ws, received_at="2026-11-01 09:00")
    other = register(ws, received_at="2026-11-01 09:30", category="城乡建设/物业管理", summary="小区物业乱收费")
    clock.set(TODAY)
    only_id = {"channel": "来访", "received_at": "2026-11-27 09:00", "purpose": "申诉求决", "category": "",
               "summary": "", "petitioners": [{"name": "", "id_number": "11010519491231002X"}]}
    pv = ws.preview(draft_from_dict(only_id))
    assert [c.number for c in pv.person_cases] == [other.number, first.number]
    assert pv.repeats == ()                                 # the matter is not known yet
    by_phone = dict(only_id, petitioners=[{"name": "张三", "phone": "138 1234 5678"}])
    assert len(ws.preview(draft_from_dict(by_phone)).person_cases) == 2
    same = dict(only_id, category="劳动和社会保障/拖欠工资", summary="某建筑公司拖欠农民工工资")
    assert [m.number for m in ws.preview(draft_from_dict(same)).repeats] == [first.number]

"""Who may read reports and issue notices (docs/permissions.md): 领导, 登记员 and 管理员 read reports;
the 登记员 and the handling unit's 承办 issue notices; settings stay with the 管理员."""
import pytest

from xinfang.domain.permissions import PermissionDenied
from tests.services.test_permissions import PASSWORD, cheap_hashes, world  # noqa: F401  (fixture)


@pytest.mark.parametrize("login, allowed", [("boss", True), ("li", True), ("admin", True), ("rsj", False),
                                            ("tj", False), ("jw", False)])
def test_reports_are_for_leaders_clerks_and_the_administrator(login, allowed):
    ws, _ = world()
    ws.users.sign_in(login, PASSWORD)
    period = ws.reports.month("2025-10")
    if allowed:
        d = ws.reports.dataset(period)
        assert d["total"]["count"] >= 0
        assert isinstance(ws.reports.case_ids(d["queries"]["total.count"]), list)
    else:
        with pytest.raises(PermissionDenied, match="领导"):
            ws.reports.dataset(period)


@pytest.mark.parametrize("login, case, allowed", [("li", "handling", True), ("rsj", "handling", True),
                                                  ("rsj", "other", False), ("boss", "handling", False),
                                                  ("tj", "handling", False)])
def test_notices_by_the_roles_that_act_on_the_case(login, case, allowed):
    ws, c = world()
    ws.users.sign_in(login, PASSWORD)
    key = c[case]
    if allowed:
        issued = ws.notices.issue(key, "受理告知书", login)
        event = [e for e in ws.case(key).events if e.action == "notice"][-1]
        assert event.actor == login and issued.issued_by == login
    else:
        before = ws.store.one("SELECT count(*) FROM notices")
        with pytest.raises(PermissionDenied):
            ws.notices.issue(key, "受理告知书", login)
        assert ws.store.one("SELECT count(*) FROM notices") == before


def test_prefixes_and_fonts_are_settings_of_the_administrator():
    ws, _ = world()
    ws.users.sign_in("li", PASSWORD)
    with pytest.raises(PermissionDenied, match="管理员"):
        ws.notices.set_prefix("受理告知书", "东信受", "li")
    with pytest.raises(PermissionDenied, match="管理员"):
        ws.reports.set_threshold(80, "li")
    ws.users.sign_in("admin", PASSWORD)
    ws.notices.set_prefix("受理告知书", "东信受", "admin")
    assert ws.notices.prefixes()["受理告知书"] == "东信受"

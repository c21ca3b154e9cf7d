"""Login, lockout (time injected) and unlock; passwords only as scrypt hashes; the last administrator stays."""
from datetime import datetime

import pytest

from xinfang.domain import passwords
from xinfang.domain.problems import DomainError

from tests.helpers import database_text, make_workspace

PW = "right-pass-1"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "COST", 2 ** 10)


def office():
    ws, clock = make_workspace(datetime(2025, 9, 30, 9, 0))
    ws.users.add("admin", ["管理员"], "admin-pass-1")
    ws.users.sign_in("admin", "admin-pass-1")
    ws.users.add("li", ["登记员"], PW, display="李登记")
    ws.users.sign_out()
    return ws, clock


def fail(ws, times, login="li"):
    for _ in range(times):
        with pytest.raises(DomainError):
            ws.users.sign_in(login, "wrong-pass")


def test_four_failures_do_not_lock_the_fifth_locks_for_15_minutes():
    ws, clock = office()
    fail(ws, 4)
    assert ws.users.sign_in("li", PW).login == "li"          # 4 < 5: still open, and the count restarts
    fail(ws, 4)
    with pytest.raises(DomainError, match="已锁定至 09:15"):
        ws.users.sign_in("li", "wrong-pass")
    with pytest.raises(DomainError, match="已锁定"):
        ws.users.sign_in("li", PW)                            # the right password does not open a locked account
    clock.advance(minutes=14, seconds=59)
    with pytest.raises(DomainError, match="已锁定"):
        ws.users.sign_in("li", PW)
    clock.advance(seconds=1)                                  # 09:15:00: 15 minutes have passed
    assert ws.users.sign_in("li", PW).login == "li"


def test_failures_count_down_in_the_message():
    ws, _ = office()
    with pytest.raises(DomainError, match="再错 4 次将锁定账户"):
        ws.users.sign_in("li", "wrong-pass")
    with pytest.raises(DomainError, match="再错 3 次将锁定账户"):
        ws.users.sign_in("li", "wrong-pass")


def test_lockout_limits_are_settings():
    ws, clock = office()
    ws.users.sign_in("admin", "admin-pass-1")
    ws.configure("login_max_failures", "3", "admin")
    ws.configure("login_lock_minutes", "60", "admin")
    ws.users.sign_out()
    fail(ws, 2)
    with pytest.raises(DomainError, match="连续错误 3 次.*已锁定至 10:00"):
        ws.users.sign_in("li", "wrong-pass")
    clock.advance(minutes=59)
    with pytest.raises(DomainError, match="已锁定"):
        ws.users.sign_in("li", PW)


def test_an_administrator_unlocks_and_resets():
    ws, _ = office()
    fail(ws, 5)
    ws.users.sign_in("admin", "admin-pass-1")
    assert ws.users.get("li")["locked"] is True
    ws.users.unlock("li")
    assert ws.users.get("li")["locked"] is False
    fail(ws, 5)
    ws.users.sign_in("admin", "admin-pass-1")
    ws.users.reset_password("li", "new-pass-22")               # a reset also unlocks
    assert ws.users.sign_in("li", "new-pass-22").login == "li"


def test_a_user_changes_his_own_password():
    ws, _ = office()
    ws.users.sign_in("li", PW)
    with pytest.raises(DomainError, match="原密码不正确"):
        ws.users.change_password("not-it", "another-1")
    with pytest.raises(DomainError, match="至少 8 位"):
        ws.users.change_password(PW, "short")
    ws.users.change_password(PW, "another-pass-1")
    ws.users.sign_out()
    with pytest.raises(DomainError, match="用户名或密码错误"):
        ws.users.sign_in("li", PW)
    assert ws.users.sign_in("li", "another-pass-1").login == "li"


def test_disabled_accounts_cannot_log_in_and_an_admin_is_always_left():
    ws, _ = office()
    ws.users.sign_in("admin", "admin-pass-1")
    ws.users.set_active("li", False)
    with pytest.raises(DomainError, match="已停用"):
        ws.users.sign_in("li", PW)
    ws.users.sign_in("admin", "admin-pass-1")
    with pytest.raises(DomainError, match="不能停用自己"):
        ws.users.set_active("admin", False)
    with pytest.raises(DomainError, match="至少要保留一个可用的“管理员”"):
        ws.users.set_roles("admin", ["登记员"])
    ws.users.add("admin2", ["管理员"], "admin-pass-2")
    ws.users.set_roles("admin", ["登记员"])                     # another administrator exists now
    assert ws.users.get("admin")["roles"] == ["登记员"]


def test_logins_are_checked_and_passwords_never_stored_in_clear():
    ws, _ = office()
    ws.users.sign_in("admin", "admin-pass-1")
    for bad, message in (("", "请填写登录名"), ("a b", "不能含空格"), ("builtin", "系统保留名"), ("li", "已存在")):
        with pytest.raises(DomainError, match=message):
            ws.users.add(bad, ["登记员"], PW)
    with pytest.raises(DomainError, match="没有“书记”这个角色"):
        ws.users.add("x1", ["书记"], PW)
    with pytest.raises(DomainError, match="不在单位目录中"):
        ws.users.add("x2", ["承办"], PW, unit="火星局")
    stored = ws.store.one("SELECT password_hash FROM accounts WHERE login = 'li'")
    assert stored.startswith("scrypt$") and PW not in stored
    assert passwords.verify_password(PW, stored) and not passwords.verify_password(PW + "x", stored)
    dump = database_text(ws)
    assert PW not in dump and "admin-pass-1" not in dump


def test_unknown_login_and_wrong_password_say_the_same():
    ws, _ = office()
    with pytest.raises(DomainError) as unknown:
        ws.users.sign_in("nobody", PW)
    with pytest.raises(DomainError) as wrong:
        ws.users.sign_in("li", "wrong-pass")
    assert unknown.value.message == "用户名或密码错误" and wrong.value.message.startswith("用户名或密码错误")

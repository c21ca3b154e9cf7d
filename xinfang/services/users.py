"""Accounts and login (`ws.users`): add, roles, disable, passwords, lockout after failed logins.

Lockout counts failed logins per account; after `login_max_failures` (default 5) the account is locked
for `login_lock_minutes` (default 15) or until an administrator unlocks it. Time comes from the
Workspace's clock, so tests move it instead of waiting.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Iterable

from ..domain.passwords import check_new_password, hash_password, verify_password
from ..domain.permissions import ADMIN, HANDLER, MEDIATOR, ROLES, User, check_roles
from ..domain.problems import DomainError
from .access import USERS

if TYPE_CHECKING:
    from .workspace import Workspace

RESERVED = {"builtin", "cli", "gui", "system"}
WRONG = "用户名或密码错误"


def _user(row: dict) -> User:
    return User(row["login"], row["display"], frozenset(r for r in row["roles"].split(",") if r), row["unit"])


class Users:
    def __init__(self, ws: "Workspace"):
        self.ws = ws

    @property
    def store(self):
        return self.ws.store

    # ---- reading -----------------------------------------------------------------------------
    def list(self) -> list[dict]:
        self.ws.access.require(USERS)
        return [self._public(r) for r in self.store.accounts()]

    def get(self, login: str) -> dict:
        self.ws.access.require(USERS)
        return self._public(self._row(login))

    def _public(self, row: dict) -> dict:
        now = self.ws.now()
        locked = bool(row["locked_until"]) and datetime.fromisoformat(row["locked_until"]) > now
        unit = row["unit"]
        return {"login": row["login"], "display": row["display"],
                "roles": [r for r in ROLES if r in row["roles"].split(",")], "unit": unit,
                "unit_name": self.ws.directory.name_of(unit) if unit else "", "active": bool(row["active"]),
                "has_password": bool(row["password_hash"]), "failed_logins": row["failed_logins"],
                "locked": locked, "locked_until": row["locked_until"] if locked else None,
                "created_at": row["created_at"], "changed_at": row["changed_at"]}

    def _row(self, login: str) -> dict:
        row = self.store.account(str(login or "").strip())
        if row is None:
            raise DomainError(f"没有用户“{login}”")
        return row

    # ---- changes (管理员) ------------------------------------------------------------------------
    def add(self, login: str, roles: Iterable[str], password: str, unit: str = "", display: str = "") -> dict:
        access = self.ws.access
        access.require(USERS)
        login = _check_login(login)
        roles = check_roles(roles)
        if not roles:
            raise DomainError("请至少选择一个角色")
        if self.store.account(login) is not None:
            raise DomainError(f"用户“{login}”已存在")
        unit = self._check_unit(roles, unit)
        check_new_password(password, login)
        if not access.has_accounts() and ADMIN not in roles:
            raise DomainError("第一个账户必须是“管理员”（之后由管理员添加其他用户）")
        now, actor = self.ws.now(), access.actor("")
        with self.store.transaction():
            self.store.save_account(login, (display or login).strip(), ",".join(roles), unit, True, now, actor, "update")
            self.store.set_password_hash(login, hash_password(password), now, actor, "password-set")
        access.forget()
        return self._public(self._row(login))

    def set_roles(self, login: str, roles: Iterable[str], unit: str | None = None) -> dict:
        self.ws.access.require(USERS)
        row = self._row(login)
        roles = check_roles(roles)
        if not roles:
            raise DomainError("请至少选择一个角色")
        unit = self._check_unit(roles, row["unit"] if unit is None else unit)
        if ADMIN not in roles:
            self._keep_an_admin(row["login"])
        with self.store.transaction():
            self.store.save_account(row["login"], row["display"], ",".join(roles), unit, bool(row["active"]),
                                    self.ws.now(), self.ws.access.actor(""), "roles")
        return self._public(self._row(login))

    def set_display(self, login: str, display: str) -> dict:
        self.ws.access.require(USERS)
        row = self._row(login)
        display = str(display or "").strip() or row["login"]
        with self.store.transaction():
            self.store.save_account(row["login"], display, row["roles"], row["unit"], bool(row["active"]),
                                    self.ws.now(), self.ws.access.actor(""), "rename")
        return self._public(self._row(login))

    def set_active(self, login: str, active: bool) -> dict:
        self.ws.access.require(USERS)
        row = self._row(login)
        if not active:
            if row["login"] == self.ws.access.user.login:
                raise DomainError("不能停用自己正在使用的账户")
            self._keep_an_admin(row["login"])
        with self.store.transaction():
            self.store.save_account(row["login"], row["display"], row["roles"], row["unit"], active, self.ws.now(),
                                    self.ws.access.actor(""), "enable" if active else "disable")
        return self._public(self._row(login))

    def reset_password(self, login: str, password: str) -> dict:
        """An administrator sets a new password (also clears a lockout)."""
        self.ws.access.require(USERS)
        row = self._row(login)
        check_new_password(password, row["login"])
        with self.store.transaction():
            self.store.set_password_hash(row["login"], hash_password(password), self.ws.now(),
                                         self.ws.access.actor(""), "password-reset")
        self.ws.access.forget()
        return self._public(self._row(login))

    def unlock(self, login: str) -> dict:
        self.ws.access.require(USERS)
        row = self._row(login)
        with self.store.transaction():
            self.store.unlock_account(row["login"], self.ws.now(), self.ws.access.actor(""))
        return self._public(self._row(login))

    # ---- the user's own ----------------------------------------------------------------------------
    def change_password(self, old: str, new: str) -> None:
        """The logged-in user changes their own password (the old one is asked again)."""
        user = self.ws.access.user
        if user.superuser or not user.login:
            raise DomainError("请先登录，再修改自己的密码")
        row = self._row(user.login)
        if not verify_password(old or "", row["password_hash"]):
            raise DomainError("原密码不正确")
        check_new_password(new, user.login)
        if new == old:
            raise DomainError("新密码不能与原密码相同")
        with self.store.transaction():
            self.store.set_password_hash(user.login, hash_password(new), self.ws.now(), user.login, "password-change")

    def sign_in(self, login: str, password: str) -> User:
        """Check the password and act as this user from now on; failures count towards a lockout."""
        login = str(login or "").strip()
        row = self.store.account(login) if login else None
        now = self.ws.now()
        if row is None or not row["password_hash"]:
            raise DomainError(WRONG)
        if row["locked_until"] and datetime.fromisoformat(row["locked_until"]) > now:
            until = datetime.fromisoformat(row["locked_until"])
            raise DomainError(f"账户“{login}”因多次密码错误已锁定，请在 {until:%H:%M} 后再试，或请管理员解锁")
        if not verify_password(password or "", row["password_hash"]):
            failures = row["failed_logins"] + 1
            limit = int(self.ws.setting("login_max_failures"))
            locked = None
            if failures >= limit:
                locked = now + timedelta(minutes=int(self.ws.setting("login_lock_minutes")))
                failures = 0
            with self.store.transaction():
                self.store.record_login_failure(login, failures, locked, now)
            if locked:
                raise DomainError(f"密码连续错误 {limit} 次，账户“{login}”已锁定至 {locked:%H:%M}，"
                                  f"可请管理员解锁")
            raise DomainError(f"{WRONG}（再错 {limit - failures} 次将锁定账户）")
        if not row["active"]:
            raise DomainError(f"账户“{login}”已停用，请联系管理员")
        with self.store.transaction():
            self.store.record_login(login, now)
        user = _user(row)
        self.ws.access.enter(user)
        return user

    def sign_out(self) -> None:
        self.ws.access.enter(None)

    # ---- checks --------------------------------------------------------------------------------
    def _check_unit(self, roles: tuple[str, ...], unit: str) -> str:
        unit = str(unit or "").strip()
        needs = [r for r in roles if r in (HANDLER, MEDIATOR)]
        if not unit:
            if needs:
                raise DomainError(f"“{needs[0]}”角色须指定所属单位（--unit 单位编码）")
            return ""
        found = self.ws.directory.find(unit)
        if found is None:
            raise DomainError(f"单位“{unit}”不在单位目录中")
        return found.code

    def _keep_an_admin(self, login: str) -> None:
        others = [r for r in self.store.accounts() if r["login"] != login and r["active"] and r["password_hash"]
                  and ADMIN in r["roles"].split(",")]
        if not others and ADMIN in self._row(login)["roles"].split(","):
            raise DomainError("至少要保留一个可用的“管理员”账户")


def _check_login(login: str) -> str:
    login = str(login or "").strip()
    if not login:
        raise DomainError("请填写登录名")
    if len(login) > 32 or any(ch.isspace() for ch in login) or any(ch in login for ch in ",;'\"\\"):
        raise DomainError("登录名最长 32 个字符，不能含空格、逗号、分号、引号或反斜杠")
    if login.lower() in RESERVED:
        raise DomainError(f"“{login}”是系统保留名，请换一个登录名")
    return login

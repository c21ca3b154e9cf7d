"""The acting user of a Workspace and the checks every service makes (docs/permissions.md).

`ws.access.user` is who acts: the logged-in account, or — while the database has no account with a
password — the built-in user with every right (databases and scripts from before accounts work as
they did). `ws.access.require(PERMISSION, unit=…)` refuses in Chinese, naming the role needed, before
anything is written.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from ..domain.enums import Status
from ..domain.masking import mask_id_number, mask_phone
from ..domain.model import Case
from ..domain.permissions import (ADMIN, BUILTIN, DISCIPLINE, HANDLER, LEADER, NOBODY, REGISTRAR, RESTRICTED_MARK,
                                  Permission, User, permission)
from ..domain.problems import DomainError
from ..storage.store import ListFilter

if TYPE_CHECKING:
    from .workspace import Workspace

# ---- the permissions of the petition workflow (other modules declare theirs the same way) ----------
READ_CASES = permission("case.read", "查看信访件", REGISTRAR, LEADER, DISCIPLINE, ADMIN, scoped=(HANDLER,))
REGISTER = permission("case.register", "登记信访件", REGISTRAR)
DISPOSE = permission("case.dispose", "处置信访件（转送、交办、告知、转办、存档、直接受理、不予受理）", REGISTRAR)
ROUTE = permission("case.route", "分办改派", REGISTRAR)
HANDLE = permission("case.handle", "承办信访件（受理、不予受理、异议退回、延期、答复、送达）", scoped=(HANDLER,))
FOLLOW_UP = permission("case.follow_up", "登记评价、复查复核、听证和终结", REGISTRAR)
ATTACH = permission("case.attach", "添加附件", REGISTRAR, scoped=(HANDLER,))
PRINT_SLIP = permission("case.slip", "打印转送单/交办单", REGISTRAR)
RESTRICT = permission("case.restrict", "标记限制知悉", ADMIN)
SEE_RESTRICTED = permission("case.restricted", "查看限制知悉件的信访人身份和内容", DISCIPLINE)
UNMASK = permission("personal.unmask", "查看完整的身份证号和电话", REGISTRAR, DISCIPLINE, scoped=(HANDLER,))
SETTINGS = permission("settings.edit", "修改设置（本单位、期限方案、节假日、阈值）", ADMIN)
UNITS = permission("units.edit", "维护单位目录", ADMIN)
RULES = permission("rules.edit", "维护权责清单和分办原则", ADMIN)
USERS = permission("users.manage", "管理用户", ADMIN)
AUDIT = permission("audit.read", "查看访问记录", ADMIN)
BACKUP = permission("backup.run", "备份与恢复", ADMIN)
DEMO = permission("demo.generate", "生成演示数据", ADMIN)

# Which permission an action of the lifecycle needs; accept/decline depend on the status (below).
ACTION_PERMISSIONS = {
    "forward": DISPOSE, "assign": DISPOSE, "inform": DISPOSE, "transfer": DISPOSE, "archive": DISPOSE,
    "object": HANDLE, "extend": HANDLE, "reply": HANDLE, "serve": HANDLE,
    "rate": FOLLOW_UP, "review-request": FOLLOW_UP, "recheck-request": FOLLOW_UP, "review-decision": FOLLOW_UP,
    "recheck-decision": FOLLOW_UP, "hearing": FOLLOW_UP, "close": FOLLOW_UP,
}


def action_permission(action: str, status: str) -> Permission | None:
    """accept/decline are a disposition of the office while 待处置, the handling unit's act once 待受理."""
    if action in ("accept", "decline"):
        return DISPOSE if status == Status.REGISTERED.value else HANDLE
    return ACTION_PERMISSIONS.get(action)


class Access:
    def __init__(self, ws: "Workspace"):
        self.ws = ws
        self._user: User | None = None
        self._accounts: bool | None = None

    # ---- who acts ------------------------------------------------------------------------------
    @property
    def user(self) -> User:
        if self._user is not None:
            return self._user
        return NOBODY if self.has_accounts() else BUILTIN

    def has_accounts(self) -> bool:
        """True once some account has a password: from then on nobody acts without logging in."""
        if self._accounts is None:
            self._accounts = self.ws.store.password_accounts() > 0
        return self._accounts

    def forget(self) -> None:
        """Accounts changed (here or through another connection): re-read on next use."""
        self._accounts = None

    def enter(self, user: User | None) -> None:
        """Act as this user from now on (after a successful login); None logs out."""
        self._user = user

    def actor(self, given: str = "") -> str:
        """The name recorded in the event log: the logged-in login; the caller's name for the built-in user."""
        user = self.user
        if user.superuser:
            return given or user.login
        return user.login

    # ---- checks --------------------------------------------------------------------------------
    def can(self, perm: Permission, unit: str | None = None) -> bool:
        return perm.grants(self.user, unit)

    def require(self, perm: Permission, unit: str | None = None) -> None:
        user = self.user
        if not perm.grants(user, unit):
            raise perm.refusal(user, unit)

    # ---- what a user sees ----------------------------------------------------------------------
    def sees_identity(self, restricted: bool, registered_by: str) -> bool:
        """Whether the reporter's identity and the content of a case are shown (限制知悉)."""
        user = self.user
        return (not restricted or user.superuser or DISCIPLINE in user.roles
                or (bool(user.login) and registered_by == user.login))

    def _accused_codes(self) -> tuple[str, ...]:
        """The user's unit and every unit above it (codes and names): an accusation against any of them
        must never reach this user."""
        unit = self.user.unit
        if not unit or self.user.superuser:
            return ()
        out: list[str] = []
        seen = set()
        directory = self.ws.directory
        code = unit
        while code and code not in seen:
            seen.add(code)
            out.append(code)
            u = directory.find(code)
            if u is None:
                break
            out.append(u.name)
            code = u.parent
        return tuple(out)

    def scope(self, f: ListFilter) -> ListFilter:
        """The filter narrowed to what this user may see (refuses a user who may read no case)."""
        user = self.user
        if user.superuser:
            return f
        changes: dict = {"hide_accused": self._accused_codes()}
        if not READ_CASES.grants(user, None):
            if HANDLER in user.roles and user.unit:
                changes["only_unit"] = user.unit
            else:
                raise READ_CASES.refusal(user)
        if f.text and DISCIPLINE not in user.roles:
            changes["text_reader"] = user.login
        return dataclasses.replace(f, **changes)

    def check_visible(self, case: Case) -> None:
        """Refuse reading a case this user may not see; an accused unit's user is told it does not exist."""
        user = self.user
        if user.superuser:
            return
        if case.restricted and case.draft.accused_unit and case.draft.accused_unit in self._accused_codes():
            raise DomainError(f"找不到案件“{case.number}”")
        self.require(READ_CASES, case.handling_unit)

    def redact(self, case: Case, registered_by: str) -> Case:
        """The case as this user may see it: ID numbers and phones masked (`Workspace.unmask` shows them and
        records it), and a restricted case without the reporter and the text."""
        if self.user.superuser:
            return case
        if not self.sees_identity(case.restricted, registered_by):
            return redacted(case)
        return masked(case)


def masked(case: Case) -> Case:
    """ID numbers and phones masked everywhere, the event payloads included."""
    swap = {}
    for p in case.draft.petitioners:
        swap[p.id_number] = mask_id_number(p.id_number)
        swap[p.phone] = mask_phone(p.phone)
    people = tuple(dataclasses.replace(p, id_number=swap[p.id_number], phone=swap[p.phone])
                   for p in case.draft.petitioners)
    return dataclasses.replace(case, draft=dataclasses.replace(case.draft, petitioners=people),
                               events=_scrub_events(case, swap), masked=True)


def redacted(case: Case) -> Case:
    """A restricted case for a reader without the right: reporter and text are 【限制知悉】 everywhere."""
    m = RESTRICTED_MARK
    d = case.draft
    secret = [x for p in d.petitioners for x in (p.name, p.id_number, p.phone, p.address)]
    secret += [d.summary, d.content, d.demands, d.work_order_no]
    people = tuple(dataclasses.replace(p, name=m, id_number=m, phone=m, address=m, sex="", birth=None)
                   for p in d.petitioners)
    draft = dataclasses.replace(d, petitioners=people, summary=m, content=m, demands=m, work_order_no="")
    events = _scrub_events(case, {x: m for x in secret})
    events = tuple(dataclasses.replace(e, payload=_hide_warnings(e.payload)) for e in events)
    return dataclasses.replace(case, draft=draft, events=events, masked=True, redacted=True)


def _scrub_events(case: Case, swap: dict[str, str]) -> tuple:
    """Every string in the event payloads with these values replaced (the log repeats what was registered)."""
    pairs = sorted(((k, v) for k, v in swap.items() if k and len(k) >= 2 and k != v), key=lambda kv: -len(kv[0]))
    if not pairs:
        return case.events

    def scrub(value):
        if isinstance(value, str):
            for old, new in pairs:
                if old in value:
                    value = value.replace(old, new)
            return value
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [scrub(v) for v in value]
        return value

    return tuple(dataclasses.replace(e, payload=scrub(e.payload)) for e in case.events)


def _hide_warnings(payload: dict) -> dict:
    # registration warnings may quote a birth date or a fragment of a name: all of them go
    return {k: ([RESTRICTED_MARK] if v else []) if k == "warnings" else v for k, v in payload.items()}

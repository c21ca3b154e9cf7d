"""Who may do what: roles, the acting user, permissions and the refusal that names the role needed.

A `Permission` lists the roles that grant it; roles in `scoped` grant it only for records of the
user's own unit (承办: cases handled by their unit; 调解员: disputes of their committee). Service
modules declare their permissions next to their code and call `ws.access.require(...)` first thing
in every action (docs/permissions.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .problems import DomainError

REGISTRAR = "登记员"
HANDLER = "承办"
MEDIATOR = "调解员"
LEADER = "领导"
DISCIPLINE = "纪检"
ADMIN = "管理员"
ROLES = (REGISTRAR, HANDLER, MEDIATOR, LEADER, DISCIPLINE, ADMIN)

ROLE_HELP = {
    REGISTRAR: "登记、处置（转送/交办/告知/直接受理等）、分办改派",
    HANDLER: "本单位承办的信访件：受理、异议退回、延期、答复、送达",
    MEDIATOR: "本调解委员会的矛盾纠纷",
    LEADER: "查阅全部信访件（限制知悉件除外）、积案、统计报表",
    DISCIPLINE: "检举控告等限制知悉件",
    ADMIN: "设置、单位、权责清单、用户、备份（无权查看限制知悉件）",
}

RESTRICTED_MARK = "【限制知悉】"


class PermissionDenied(DomainError):
    """Refused for lack of a role; nothing was changed. `needed` names the roles that would do."""

    def __init__(self, message: str, needed: tuple[str, ...] = ()):
        super().__init__(message)
        self.needed = needed


@dataclass(frozen=True)
class User:
    login: str
    display: str = ""
    roles: frozenset[str] = frozenset()
    unit: str = ""                 # 承办单位 code for 承办 users, committee code for 调解员
    superuser: bool = False        # the built-in user of a database without accounts: may do everything

    @property
    def name(self) -> str:
        return self.display or self.login

    def has(self, role: str) -> bool:
        return self.superuser or role in self.roles


# The built-in user: a database without any account with a password acts as before accounts existed.
BUILTIN = User("builtin", "内置用户", frozenset(ROLES), superuser=True)
# Nobody logged in on a database that has accounts: may do nothing that reads cases or changes data.
NOBODY = User("", "未登录")


@dataclass(frozen=True)
class Permission:
    code: str                       # stable, e.g. "case.register"
    label: str                      # Chinese, used in the refusal: "登记信访件"
    roles: frozenset[str]
    scoped: frozenset[str] = field(default_factory=frozenset)   # these roles only within their own unit

    def grants(self, user: User, unit: str | None = None) -> bool:
        """`unit` is the record's unit (handling unit, committee); None when the action has no unit."""
        if user.superuser:
            return True
        for role in user.roles & self.roles:
            if role not in self.scoped:
                return True
            if user.unit and unit is not None and unit == user.unit:
                return True
        return False

    def refusal(self, user: User, unit: str | None = None) -> PermissionDenied:
        needed = tuple(r for r in ROLES if r in self.roles)
        names = "或".join(f"“{r}”" + ("（本单位）" if r in self.scoped else "") for r in needed)
        if not user.login:
            return PermissionDenied(f"请先登录：{self.label}需要{names}角色", needed)
        scoped_held = [r for r in needed if r in self.scoped and r in user.roles]
        if scoped_held and not any(r in user.roles for r in needed if r not in self.scoped):
            return PermissionDenied(f"{user.name}无权{self.label}：只能办理本单位（{user.unit or '未设单位'}）的案件，"
                                    f"其他单位的需要{names}角色", needed)
        return PermissionDenied(f"{user.name}无权{self.label}：需要{names}角色", needed)


def permission(code: str, label: str, *roles: str, scoped: tuple[str, ...] = ()) -> Permission:
    unknown = [r for r in (*roles, *scoped) if r not in ROLES]
    if unknown:
        raise ValueError(f"unknown roles {unknown}")
    perm = Permission(code, label, frozenset(roles) | frozenset(scoped), frozenset(scoped))
    if code in REGISTRY and REGISTRY[code] != perm:
        raise ValueError(f"permission {code} declared twice with different roles")
    REGISTRY[code] = perm
    return perm


# Every declared permission (also those of other service modules, once imported): the matrix.
REGISTRY: dict[str, Permission] = {}


def check_roles(roles) -> tuple[str, ...]:
    """Normalised role names, refusing unknown ones in Chinese."""
    out = []
    for r in roles:
        r = str(r).strip()
        if r not in ROLES:
            raise DomainError(f"没有“{r}”这个角色，可选：{'、'.join(ROLES)}")
        if r not in out:
            out.append(r)
    return tuple(out)

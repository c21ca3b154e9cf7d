"""Demo accounts for the demo database: one per role, all with the same published password (README), so a
trainee can log in as a clerk, a handling unit, a mediator, a leader, 纪检 or the administrator and see what
each may do. Never for an office database: they are refused once any account exists."""
from __future__ import annotations

from ...domain.permissions import ADMIN, DISCIPLINE, HANDLER, LEADER, MEDIATOR, REGISTRAR, User
from ...domain.problems import DomainError

PASSWORD = "xinfang-demo"
MEDIATION_HOST = "420102001001"          # 樱园社区居民委员会 of the sample directory: hosts the demo committee

# (login, display name, role); 承办 and 调解员 get their unit when the accounts are made
ACCOUNTS = (
    ("admin", "演示管理员", ADMIN),
    # not one of the generator's clerks (zhangmh …): those have no password, which is how 清除演示数据 knows them
    ("dengji", "演示登记员", REGISTRAR),
    ("chengban", "演示承办员", HANDLER),
    ("tiaojie", "演示调解员", MEDIATOR),
    ("lingdao", "演示领导", LEADER),
    ("jijian", "演示纪检员", DISCIPLINE),
)


def login_hint() -> str:
    """What the login dialog of the demo database says (the same list as the README)."""
    return (f"演示数据库的账户（密码都是 {PASSWORD}）：" +
            "，".join(f"{login}（{role}）" for login, _display, role in ACCOUNTS))


def add_demo_accounts(ws) -> list[dict]:
    """Add the six demo accounts (password ``PASSWORD``); returns them as ``ws.users.list()`` shows them.

    The 承办 account belongs to the unit that handles the most demo cases; the 调解员 account is a mediator
    of a demo committee (made under the sample's 樱园社区 when the database has no committee yet)."""
    if ws.access.has_accounts():
        raise DomainError("本数据库已有账户，不再添加演示账户（演示账户只用于新建的演示数据库）")
    handling = _busiest_unit(ws)
    committee = _demo_committee(ws)
    made = []
    for login, display, role in ACCOUNTS:
        unit = handling if role == HANDLER else committee["code"] if role == MEDIATOR else ""
        made.append(ws.users.add(login, [role], PASSWORD, unit=unit, display=display))
        if role == ADMIN:
            # from the first account on nobody acts without logging in: the rest are added as this administrator
            ws.access.enter(User(login, display, frozenset({ADMIN}), ""))
    ws.mediation.add_mediator("演示调解员", committee["code"], "admin", login="tiaojie")
    ws.access.enter(None)
    return made


def _busiest_unit(ws) -> str:
    # a department's desk (not 纪检监察, which the restricted accusations go to): what most 承办 users see
    busiest = ws.store.busiest_unit("党政部门")
    if busiest:
        return busiest
    units = [code for code, _name, _parent, kind, *_ in ws.store.unit_rows() if kind == "党政部门"]
    if not units:
        raise DomainError("单位目录为空，无法为“承办”演示账户指定单位；请先安装示例单位目录")
    return units[0]


def _demo_committee(ws) -> dict:
    committees = ws.mediation.committees()
    if committees:
        return committees[0]
    if ws.directory.find(MEDIATION_HOST) is None:
        raise DomainError("单位目录中没有示例的樱园社区，无法为“调解员”演示账户设立调解委员会")
    return ws.mediation.add_committee("樱园社区人民调解委员会", MEDIATION_HOST, "admin")


def sign_in_for_screenshot(ws) -> None:
    """The unattended screenshot of the demo database shows what the demo 登记员 sees."""
    ws.users.sign_in("dengji", PASSWORD)

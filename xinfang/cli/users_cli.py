"""Accounts on the command line: the global `--user` login and `xinfang user …`, `access-log`, `case restrict`.

The password of `--user` comes from XINFANG_PASSWORD or a prompt; a new password (user add, user passwd)
from XINFANG_NEW_PASSWORD or a prompt asked twice. Passwords are never echoed, printed or logged.
"""
from __future__ import annotations

import getpass
import os
import sys

from ..domain.permissions import ROLES
from ..domain.problems import DomainError

PASSWORD_ENV = "XINFANG_PASSWORD"
NEW_PASSWORD_ENV = "XINFANG_NEW_PASSWORD"
LOGIN_HINT = "此数据库已设用户账户：请用 --user 登录名 指定用户（密码取自环境变量 XINFANG_PASSWORD，或按提示输入）"


def register(sub, common, handlers) -> None:
    users = sub.add_parser("user", help="用户账户（管理员）", parents=[common]).add_subparsers(dest="sub", metavar="SUB")
    p = users.add_parser("add", help="添加用户（新密码取自 XINFANG_NEW_PASSWORD 或提示输入）", parents=[common])
    p.add_argument("name", help="登录名")
    p.add_argument("--role", action="append", default=[], required=True, choices=ROLES, help="角色，可重复")
    p.add_argument("--unit", default="", help="所属单位编码（承办、调解员必填）")
    p.add_argument("--display", default="", help="显示名（姓名）")
    users.add_parser("list", help="列出用户", parents=[common])
    for name, help_ in (("disable", "停用用户"), ("enable", "重新启用用户"), ("unlock", "解除因密码错误造成的锁定")):
        users.add_parser(name, help=help_, parents=[common]).add_argument("name", help="登录名")
    p = users.add_parser("passwd", help="修改密码：不写登录名改自己的（原密码取自 XINFANG_PASSWORD）；"
                                        "写登录名由管理员重设（新密码取自 XINFANG_NEW_PASSWORD 或提示输入）",
                         parents=[common])
    p.add_argument("name", nargs="?", help="登录名")
    p = users.add_parser("roles", help="查看或设定用户的角色与单位", parents=[common])
    p.add_argument("name", help="登录名")
    p.add_argument("--role", action="append", default=[], choices=ROLES, help="新的角色，可重复（不写则只查看）")
    p.add_argument("--unit", default=None, help="所属单位编码")

    p = sub.add_parser("access-log", help="访问记录：谁在何时查看了哪件案件的完整个人信息（管理员）", parents=[common])
    p.add_argument("--limit", type=int, default=100)

    handlers.update({
        ("user", "add"): cmd_user_add, ("user", "list"): cmd_user_list, ("user", "disable"): cmd_user_disable,
        ("user", "enable"): cmd_user_enable, ("user", "unlock"): cmd_user_unlock, ("user", "passwd"): cmd_user_passwd,
        ("user", "roles"): cmd_user_roles, ("access-log", None): cmd_access_log,
    })


def sign_in(ws, args) -> None:
    """Log the workspace in as --user; without --user a database with accounts refuses what needs a user."""
    login = getattr(args, "user", None)
    if not login:
        return
    if not ws.access.has_accounts():
        raise DomainError("此数据库还没有设置密码的用户账户，不需要 --user（先用 xinfang user add 添加管理员）")
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = _prompt(f"{login} 的密码：")
    ws.users.sign_in(login, password)


def _prompt(label: str) -> str:
    if not sys.stdin.isatty():
        raise DomainError(f"没有终端可输入密码：请设置环境变量 {PASSWORD_ENV}")
    return getpass.getpass(label)


def _new_password() -> str:
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise DomainError(f"没有终端可输入新密码：请设置环境变量 {NEW_PASSWORD_ENV}")
    first = getpass.getpass("新密码：")
    if getpass.getpass("再输入一次：") != first:
        raise DomainError("两次输入的新密码不一致")
    return first


def _tools():
    from .commands import _emit, _open
    return _emit, _open


def _user_text(u: dict) -> str:
    state = "已停用" if not u["active"] else ("已锁定至 " + u["locked_until"] if u["locked"] else "正常")
    unit = f"  单位：{u['unit_name'] or u['unit']}" if u["unit"] else ""
    return f"{u['login']}（{u['display']}）  角色：{'、'.join(u['roles'])}{unit}  {state}"


def cmd_user_add(args, out, default_db):
    emit, open_ = _tools()
    ws = open_(args, default_db)
    user = ws.users.add(args.name, args.role, _new_password(), unit=args.unit, display=args.display)
    emit(args, out, user, "已添加用户 " + _user_text(user))


def cmd_user_list(args, out, default_db):
    emit, open_ = _tools()
    ws = open_(args, default_db)
    users = ws.users.list()
    emit(args, out, {"users": users}, "\n".join(_user_text(u) for u in users) or "还没有用户账户")


def _set_active(args, out, default_db, active: bool):
    emit, open_ = _tools()
    ws = open_(args, default_db)
    user = ws.users.set_active(args.name, active)
    emit(args, out, user, ("已启用 " if active else "已停用 ") + _user_text(user))


def cmd_user_disable(args, out, default_db):
    _set_active(args, out, default_db, False)


def cmd_user_enable(args, out, default_db):
    _set_active(args, out, default_db, True)


def cmd_user_unlock(args, out, default_db):
    emit, open_ = _tools()
    ws = open_(args, default_db)
    user = ws.users.unlock(args.name)
    emit(args, out, user, "已解锁 " + _user_text(user))


def cmd_user_passwd(args, out, default_db):
    emit, open_ = _tools()
    ws = open_(args, default_db)
    if args.name and args.name != ws.access.user.login:
        user = ws.users.reset_password(args.name, _new_password())
        emit(args, out, user, f"已重设 {user['login']} 的密码（锁定同时解除）")
        return
    if not getattr(args, "user", None):
        raise DomainError("修改自己的密码请用 --user 登录名 登录（原密码取自 XINFANG_PASSWORD）")
    old = os.environ.get(PASSWORD_ENV)
    if old is None:
        old = _prompt("原密码：")
    ws.users.change_password(old, _new_password())
    emit(args, out, {"login": ws.access.user.login, "changed": True}, "密码已修改")


def cmd_user_roles(args, out, default_db):
    emit, open_ = _tools()
    ws = open_(args, default_db)
    if args.role:
        user = ws.users.set_roles(args.name, args.role, args.unit)
    elif args.unit is not None:
        user = ws.users.set_roles(args.name, ws.users.get(args.name)["roles"], args.unit)
    else:
        user = ws.users.get(args.name)
    emit(args, out, user, _user_text(user))


def cmd_access_log(args, out, default_db):
    emit, open_ = _tools()
    ws = open_(args, default_db)
    items = ws.access_log(limit=max(1, min(args.limit, 10_000)))
    emit(args, out, {"items": items},
         "\n".join(f"{x['at']}  {x['actor']}  {x['number']}  {x['purpose']}" for x in items) or "没有访问记录")

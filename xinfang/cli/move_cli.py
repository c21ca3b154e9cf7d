"""`xinfang --db FILE migrate-to URL`: move an office's database file onto a PostgreSQL server (issue 12 §3)."""
from __future__ import annotations

import sys

EXIT_NOT_VERIFIED = 1


def register(sub, common, handlers) -> None:
    p = sub.add_parser("migrate-to", parents=[common],
                       help="把本机数据库文件（--db）迁移到一个空的 PostgreSQL 服务器数据库，并核对"
                            "（源文件不会被改动）")
    p.add_argument("url", help="服务器数据库地址 postgresql://用户@主机[:端口]/库名（密码取自环境变量 "
                               "XINFANG_DB_PASSWORD 或 .pgpass）")
    handlers[("migrate-to", None)] = cmd_migrate_to


def _progress(args):
    """One line on stderr per step, with the rows copied (only on a terminal, never with --json)."""
    from ..services.moving import STEP_LABELS
    if args.json or not sys.stderr.isatty():
        return None
    state = {"what": None, "pct": -1}

    def show(what: str, done: int, total: int) -> None:
        pct = 100 * done // total if total else -1
        if what == state["what"] and pct == state["pct"]:
            return
        state.update(what=what, pct=pct)
        label = STEP_LABELS.get(what, f"复制 {what}")
        sys.stderr.write(f"\r{label}" + (f" {done}/{total}（{pct}%）" if total else "") + " " * 10)
        sys.stderr.flush()
    return show


def _target_password(url: str) -> None:
    """The server's password as for --db: XINFANG_DB_PASSWORD, .pgpass, or asked once at a terminal."""
    from ..domain.problems import DomainError
    from ..services.server import PASSWORD_VARIABLE, ServerLoginError, check_target, test_connection, use_password
    from .commands import _interactive
    check_target(url)
    try:
        test_connection(url)
        return
    except ServerLoginError as exc:
        if not exc.wants_password:
            raise
        if not _interactive():
            raise DomainError(f"{exc.message}。本命令不在终端中运行，无法提示输入密码：请设置环境变量 "
                              f"{PASSWORD_VARIABLE}，或在 .pgpass 文件中写明（见 README）") from None
        import getpass
        password = getpass.getpass(f"{exc.message}\n密码：", stream=sys.stderr)
    test_connection(url, password)
    use_password(password)        # this process's memory only (the copy and the server's check connect again)


def cmd_migrate_to(args, out, default_db):
    from ..domain.problems import DomainError
    from ..services.server import is_server_url
    from ..services.workspace import Workspace
    from .commands import _OPENED, _emit
    from .main import parse_now
    from .users_cli import sign_in
    source = args.db or default_db()
    if is_server_url(source):
        raise DomainError("迁移的来源必须是本机数据库文件（--db 文件），不能是服务器数据库")
    if not is_server_url(args.url):
        raise DomainError(f"迁移的目标“{args.url}”不是服务器数据库地址，应为 postgresql://用户名@地址[:端口]/库名")
    _target_password(args.url)
    ws = Workspace.open(source, now=parse_now(args.now), read_only=True)
    _OPENED.append(ws)
    sign_in(ws, args)
    args.workspace = ws
    report = ws.moving.to(args.url, progress=_progress(args))
    if sys.stderr.isatty() and not args.json:
        sys.stderr.write("\n")
    _emit(args, out, report, text(report))
    return 0 if report["ok"] else EXIT_NOT_VERIFIED


def text(report: dict) -> str:
    lines = [report["message"], f"源：{report['source']}", f"目标：{report['target']}", "各数据表条数（源 / 服务器）："]
    for name, c in report["tables"].items():
        lines.append(f"  {name}: {c['source']} / {c['target']}" + ("" if c["ok"] else "  ← 不一致"))
    a = report["anchor"]
    lines.append(f"账本锚点：源 {a['source']}；服务器 {a['target']}" + ("（相同）" if a["ok"] else "（不同！）"))
    for side, label in (("source", "源数据库检查"), ("target", "服务器数据库检查")):
        c = report["check"].get(side)
        if c:
            state = "通过" if c["ok"] else ("未能运行" if not c["ran"] else "未通过")
            lines.append(f"{label}：{state}")
            lines += [f"  - {p}" for p in c["problems"]]
    f = report["files"]
    lines.append(f"附件文件：{f.get('moved', 0)}/{f.get('files', 0)} 个已迁移")
    lines += [f"  - {p}" for p in f.get("problems", [])]
    lines += [f"问题：{p}" for p in report["problems"]]
    s = report["seconds"]
    lines.append("用时（秒）：" + "，".join(f"{k} {v}" for k, v in s.items()))
    return "\n".join(lines)

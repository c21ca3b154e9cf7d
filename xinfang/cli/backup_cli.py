"""`xinfang backup [--out FILE]`, `backup list`, `backup verify FILE`, `restore FILE`."""
from __future__ import annotations

import sys

from ..services.backups import size_text, verify_copy
from ..services.server_backups import restore_to_server
from ..services.workspace import is_server_url

EXIT_NOT_VERIFIED = 1


def register(sub, common, handlers) -> None:
    p = sub.add_parser("backup", help="备份数据库（联机备份，程序运行时也一致）；list 列出，verify 校验",
                       parents=[common])
    p.add_argument("--out", help="备份到此文件（默认：备份文件夹中按时间命名）")
    bsub = p.add_subparsers(dest="sub", metavar="SUB")
    bsub.add_parser("list", help="列出备份文件夹中的备份", parents=[common])
    v = bsub.add_parser("verify", help="校验备份：校验值、完整性与每条事件链（在副本上检查，不改动备份）",
                        parents=[common])
    v.add_argument("file")
    p = sub.add_parser("restore", help="从备份恢复（先校验；当前数据库先另存为备份）", parents=[common])
    p.add_argument("file")
    handlers.update({("backup", None): cmd_backup, ("backup", "list"): cmd_backup_list,
                     ("backup", "verify"): cmd_backup_verify, ("restore", None): cmd_restore})


def _progress_on_stderr(args):
    """Progress for large files on a terminal (never in --json mode or when piped)."""
    if args.json or not sys.stderr.isatty():
        return lambda done, total, text: None
    last = [-1]

    def show(done, total, text):
        pct = int(done * 100 / total) if total else -1
        if pct != last[0]:
            last[0] = pct
            sys.stderr.write(f"\r{text} {pct}%   " if pct >= 0 else f"\r{text}   ")
            sys.stderr.flush()
    return show


def _entry_line(b: dict) -> str:
    verified = b.get("verified")
    state = "未校验" if not verified else ("校验通过" if verified.get("ok") else "校验未通过")
    return (f"{b['created_at'].replace('T', ' ')}  {b['kind_label']}  {size_text(b['size'])}  "
            f"{b.get('cases', '?')} 件  {state}  {b['file']}")


def cmd_backup(args, out, default_db):
    from .commands import _emit, _open
    ws = _open(args, default_db)
    try:
        made = ws.backups.create(out=args.out, progress=_progress_on_stderr(args))
    finally:
        ws.close()
    _emit(args, out, made, f"已备份：{made['file']}\n案件 {made['cases']} 件，{size_text(made['size'])}，"
                           f"sha256 {made['sha256']}")


def cmd_backup_list(args, out, default_db):
    from .commands import _emit, _open
    ws = _open(args, default_db)
    try:
        folder, items = str(ws.backups.folder()), ws.backups.list()
    finally:
        ws.close()
    text = f"备份文件夹：{folder}\n" + ("\n".join(_entry_line(b) for b in items) if items else "（还没有备份）")
    _emit(args, out, {"folder": folder, "backups": items}, text)


def cmd_backup_verify(args, out, default_db):
    from .commands import _emit, _open
    progress = _progress_on_stderr(args)
    if args.db or default_db().exists():
        ws = _open(args, default_db)
        try:
            report = ws.backups.verify(args.file, progress)
        finally:
            ws.close()
    else:                                   # no database here: check the copy on its own
        report = verify_copy(args.file, progress=progress)
    if report["ok"]:
        text = f"校验通过：{report['file']}\n案件 {report.get('cases')} 件，完整性正常，每条事件链完好"
    else:
        text = f"校验未通过：{report['file']}\n" + "\n".join(f"  - {p}" for p in report["problems"])
    _emit(args, out, report, text)
    return 0 if report["ok"] else EXIT_NOT_VERIFIED


def cmd_restore(args, out, default_db):
    from .commands import _emit, _open
    if is_server_url(args.db):              # into a new, empty server database: nothing to open first
        result = _restore_to_server(args)
        notes = "".join(f"\n注意：{n}" for n in result.get("notes", []))
        _emit(args, out, result, f"已从 {result['restored_from']} 恢复到服务器数据库 {result['db']}，案件 {result['cases']} 件；"
                                 f"各表行数与账本锚点 {result['anchor']} 与备份清单一致。{notes}")
        return
    ws = _open(args, default_db)
    try:
        result = ws.backups.restore(args.file, _progress_on_stderr(args))
    finally:
        ws.close()
    _emit(args, out, result, f"已从 {result['restored_from']} 恢复，案件 {result['cases']} 件。\n"
                             f"恢复前的数据库已另存为：{result['previous_saved_as']}")


def _restore_to_server(args) -> dict:
    """restore_to_server, asking for the password at a terminal when the environment and .pgpass gave none."""
    import getpass
    from ..domain.problems import DomainError
    from ..services.server import PASSWORD_VARIABLE, ServerLoginError, check_target, use_password
    from .commands import _interactive
    from .main import parse_now
    check_target(args.db)
    password = None
    while True:
        try:
            return restore_to_server(args.db, args.file, now=parse_now(args.now), password=password,
                                     progress=_progress_on_stderr(args))
        except ServerLoginError as exc:
            if password is not None or not exc.wants_password:
                raise
            if not _interactive():
                raise DomainError(f"{exc.message}。本命令不在终端中运行，无法提示输入密码：请设置环境变量 "
                                  f"{PASSWORD_VARIABLE}，或在 .pgpass 文件中写明（见 README）") from None
            password = getpass.getpass(f"{exc.message}\n密码：", stream=sys.stderr)
            use_password(password)

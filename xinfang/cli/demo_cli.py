"""`xinfang clear-demo [--yes]`: 清除演示数据 — what the demo generator made, removed from an office database
(管理员; backed up first; recorded in the ledger). Without --yes it only shows what would be removed and kept."""
from __future__ import annotations


def register(sub, common, handlers) -> None:
    p = sub.add_parser("clear-demo", parents=[common],
                       help="清除演示数据：删除演示数据生成器生成的信访件（管理员；先自动备份，记入账本；不加 --yes 只列出）")
    p.add_argument("--yes", action="store_true", help="确认清除（先备份到备份文件夹）")
    handlers[("clear-demo", None)] = cmd_clear_demo


def cmd_clear_demo(args, out, default_db):
    from .backup_cli import _progress_on_stderr
    from ..services.demo_data import describe
    from .commands import _emit, _open
    ws = _open(args, default_db)
    if not args.yes:
        plan = ws.demo_data.find()
        hint = "\n加 --yes 清除（先自动备份；清除记入账本，可用 check 核对）" if plan["cases"] else ""
        _emit(args, out, dict(plan, dry_run=True), describe(plan) + hint)
        return 0
    done = ws.demo_data.purge("cli", progress=_progress_on_stderr(args))
    removed = done["removed"]
    _emit(args, out, dict(done, dry_run=False),
          f"已清除演示信访件 {removed['cases']:,} 件（事件 {removed['events']:,} 条），"
          f"删除演示账户 {len(removed['logins'])} 个；保留 {len(done['kept'])} 件\n"
          f"清除前的备份：{done['backup'] or '（内存数据库，未备份）'}\n"
          f"账本锚点：清除前 {done['anchor_before']}，清除后 {done['anchor_after']}")
    return 0

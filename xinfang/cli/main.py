"""`xinfang` — the scriptable front end. Every command takes --db; --json gives machine output;
errors are a JSON object with a Chinese message on stderr and a non-zero exit."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from ..services.errors import describe
from ..services.server import check_target
from . import commands
from ..services.arguments import ChineseArgumentParser, UsageError, bounded_int

EXIT_ERROR = 2

EXIT_INTERRUPTED = 130


def default_db() -> Path:
    from platformdirs import user_data_dir
    return Path(user_data_dir("xinfang", appauthor=False)) / "xinfang.db"


def _common() -> argparse.ArgumentParser:
    p = ChineseArgumentParser(add_help=False)
    p.add_argument("--db", default=argparse.SUPPRESS,
                   help="数据库文件，或数据库服务器 postgresql://用户名@地址[:端口]/库名（密码取自环境变量 "
                        "XINFANG_DB_PASSWORD、.pgpass 文件或提示输入）；默认：用户数据目录下的 xinfang.db")
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="输出 JSON")
    p.add_argument("--now", default=argparse.SUPPRESS, help=argparse.SUPPRESS)  # fixed clock for scripts/tests
    p.add_argument("--user", default=argparse.SUPPRESS,
                   help="登录名（数据库设有用户账户时必填；密码取自环境变量 XINFANG_PASSWORD 或提示输入）")
    return p


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = ChineseArgumentParser(prog="xinfang", description="信访与人民调解案件管理（命令行）", parents=[common])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name, help_, **kw):
        return sub.add_parser(name, help=help_, parents=[common], **kw)

    p = add("init", "新建或打开数据库（新库只有节假日；单位目录、类别、权责清单由本单位导入，或用 --sample 以示例为模板）")
    p.add_argument("--office", help="本单位编码")
    p.add_argument("--sample", action="store_true", help="单位目录为空时安装江城市城东区示例单位目录、类别和权责清单（作为模板）")
    p.add_argument("--empty", action="store_true", help="不安装示例（新库的默认做法，保留此选项供旧脚本使用）")
    p = add("demo", "生成演示数据（同一 --seed 结果相同）")
    p.add_argument("--cases", type=bounded_int(1, 10_000_000, "案件数"), default=2000)
    p.add_argument("--seed", type=bounded_int(0, 2**31 - 1, "随机种子"), default=1)
    p.add_argument("--no-index", action="store_true", help="不建立搜索索引（基准测试用）")
    p.add_argument("--accounts", action="store_true",
                   help="同时添加演示账户（每个角色一个，密码见 README；此后命令须加 --user）")

    cal = add("calendar", "法定期限与节假日").add_subparsers(dest="sub", metavar="SUB")
    p = cal.add_parser("due", help="计算到期日", parents=[common])
    p.add_argument("start"); p.add_argument("days", type=bounded_int(1, 3650, "天数"))
    p.add_argument("--unit", choices=["calendar", "working"], default="calendar")
    p = cal.add_parser("import", help="导入节假日 CSV（date,kind,name；kind 为 休 或 班）", parents=[common])
    p.add_argument("file"); p.add_argument("--accept-good", action="store_true", help="有错误行时仍导入正确的行")
    cal.add_parser("years", help="列出有节假日数据的年份", parents=[common])

    p = add("idcheck", "校验身份证号")
    p.add_argument("number")

    case = add("case", "信访件").add_subparsers(dest="sub", metavar="SUB")
    p = case.add_parser("add", help="登记（JSON 文件或 - 表示标准输入）", parents=[common])
    p.add_argument("file"); p.add_argument("--by", default="cli")
    p.add_argument("--confirm-old", action="store_true",
                   help="收到时间早于设定年限（默认 5 年）时确认是旧件，仍然登记")
    p = case.add_parser("show", help="查看", parents=[common])
    p.add_argument("id")
    p.add_argument("--unmasked", action="store_true", help="显示完整身份证号和电话（须有权限，并记入访问记录）")
    p = case.add_parser("restrict", help="标记限制知悉（管理员）", parents=[common])
    p.add_argument("id"); p.add_argument("--reason", required=True, help="理由")
    p = case.add_parser("act", help="办理操作", parents=[common])
    p.add_argument("id"); p.add_argument("action")
    p.add_argument("--at", help="办理时间 YYYY-MM-DD[ HH:MM]（默认现在）")
    p.add_argument("--by", default="cli"); p.add_argument("--data", default="{}", help="JSON 参数")
    p.add_argument("--version", type=bounded_int(0, 10**9, "版本"), default=None,
                   help="只在案件仍是这个版本时办理（case show 输出的 version）；他人已更新则拒绝，不保存")
    for name, help_ in (("list", "列表与筛选"), ("export", "按筛选条件导出列表（--out 文件.xlsx 或 .csv；限制知悉件按当前用户可见的内容）")):
        p = case.add_parser(name, help=help_, parents=[common])
        p.add_argument("--status", action="append", default=[])
        p.add_argument("--channel", default=""); p.add_argument("--category", default="")
        p.add_argument("--unit", default=""); p.add_argument("--from", dest="date_from"); p.add_argument("--to", dest="date_to")
        p.add_argument("--due", choices=["逾期", "临期", "overdue", "near"], help="到期状态")
        p.add_argument("--text", default=""); p.add_argument("--limit", type=bounded_int(1, 10_000, "条数"), default=50)
        p.add_argument("--level", choices=["本级", "到区", "到市", "到省", "进京"], help="越级情况")
        p.add_argument("--irregular", action="store_true", help="只列非正常上访")
    p.add_argument("--out", required=True, help="导出文件（.xlsx 或 .csv）")

    p = add("search", "全文检索（姓名、内容、身份证号、电话、编号的任意片段）")
    p.add_argument("text"); p.add_argument("--limit", type=bounded_int(1, 10_000, "条数"), default=50)
    p = add("sheet", "打印信访事项登记表 PDF")
    p.add_argument("id"); p.add_argument("--out", required=True)
    p.add_argument("--unmasked", action="store_true", help="不遮蔽身份证号和电话")
    p.add_argument("--by", default="cli")
    p = add("check", "检查数据库完整性、账本与每条事件链（进度显示在标准错误）")
    p.add_argument("--anchor", help="只核对此锚点（序号:哈希）之后的部分，并要求账本仍经过该点")
    p.add_argument("--deep", action="store_true",
                   help="深度检查：另逐条核对每个索引与数据行（SQLite integrity_check；百万件约多 2～3 分钟）")
    add("reindex", "重建搜索索引（检查报告有案件不在搜索索引中时；进度显示在标准错误）")
    add("self-test", "自检：内存数据库登记、办理一件并打印一页 PDF")
    p = add("config", "查看或修改设置（临期天数、集体访人数等）")
    p.add_argument("key", nargs="?"); p.add_argument("value", nargs="?")
    p = add("profile", "期限方案：列出或选择")
    p.add_argument("code", nargs="?")
    commands.add_routing_commands(sub, common)
    commands.add_mediation_commands(sub, common)
    return parser


def parse_now(text: str | None):
    if not text:
        return datetime.now
    from ..services.intake import parse_datetime
    fixed = parse_datetime(text, "--now 时间")
    if len(text.strip()) <= 10:      # a date alone means noon of that day
        fixed = fixed.replace(hour=12)
    return lambda: fixed


def main(argv: list[str] | None = None) -> int:
    """The error boundary: whatever happens, the user reads Chinese and no traceback reaches the screen."""
    argv = sys.argv[1:] if argv is None else list(argv)
    want_json = "--json" in argv
    where, db = "cli", None
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except UsageError as exc:
            _fail(want_json, exc.message, [], exc.usage)
            return EXIT_ERROR
        except SystemExit as exc:     # --help printed its text
            return exc.code if isinstance(exc.code, int) else 0
        for key, default in (("db", None), ("json", False), ("now", None), ("user", None)):
            if not hasattr(args, key):
                setattr(args, key, default)
        want_json = bool(args.json)
        where = " ".join(x for x in ("cli", args.command, getattr(args, "sub", None)) if x)
        db = args.db or (default_db() if args.command not in ("idcheck", "self-test") else None)
        if args.db:
            check_target(args.db)           # a server URL with its password in it is refused, every command
        if not args.command or (args.command in ("calendar", "case", "units", "rules", "committee", "mediator", "dispute", "user", "report") and not getattr(args, "sub", None)):
            parser.print_help()
            return 0
        return commands.run(args, sys.stdout, default_db)
    except KeyboardInterrupt:
        _fail(want_json, "已中断（本次操作没有保存）", [])
        return EXIT_INTERRUPTED
    except Exception as exc:   # noqa: BLE001 - the one boundary: every failure becomes a Chinese message
        message, problems = describe(exc, where, db)
        _fail(want_json, message, problems)
        return EXIT_ERROR


def _fail(want_json: bool, message: str, problems: list, usage: str = "") -> None:
    payload = {"error": message, "problems": problems}
    if want_json:
        print(json.dumps(payload, ensure_ascii=False), file=sys.stderr)
    else:
        if usage:
            print(usage.rstrip(), file=sys.stderr)
        print(f"错误：{message}", file=sys.stderr)
        for p in problems:
            print(f"  - {p['message']}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

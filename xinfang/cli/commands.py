"""The command implementations behind `xinfang …` (parsing lives in main.py)."""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from ..domain.enums import Status
from ..domain.problems import DomainError
from ..domain.validation import check_id_number
from ..services import ListFilter, Workspace
from ..services.case_input import MAX_JSON_BYTES, load_json
from ..services.files import read_text_file
from ..services.intake import parse_datetime


def _emit(args, out, data, text: str) -> None:
    if args.json:
        out.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        out.write(text.rstrip("\n") + "\n")


def _open(args, default_db) -> Workspace:
    """A new database gets the national holidays only, as in the GUI: the unit directory, categories and
    权责清单 are the office's own (imported, entered, or the 江城市城东区 sample by `init --sample`)."""
    from .main import parse_now
    from .users_cli import sign_in
    path = args.db or default_db()
    ws = open_database(path, parse_now(args.now))
    _OPENED.append(ws)
    sign_in(ws, args)
    args.workspace = ws          # run() adds the login hint to a refusal of nobody
    return ws


def open_database(path, now) -> Workspace:
    """Open the file or server database; a server that wants a password the environment and .pgpass did
    not give is asked for one at the terminal (getpass, once), or refused in Chinese when nobody is there."""
    from ..services.server import PASSWORD_VARIABLE, ServerLoginError, use_password
    try:
        return Workspace.open(path, now=now, sample=False)
    except ServerLoginError as exc:
        if not exc.wants_password:
            raise
        if not _interactive():
            raise DomainError(f"{exc.message}。本命令不在终端中运行，无法提示输入密码：请设置环境变量 "
                              f"{PASSWORD_VARIABLE}，或在 .pgpass 文件中写明（见 README）") from None
        import getpass
        password = getpass.getpass(f"{exc.message}\n密码：", stream=sys.stderr)
    ws = Workspace.open(path, now=now, sample=False, password=password)
    use_password(password)        # for the worker processes of check; this process's memory only
    return ws


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


_OPENED: list[Workspace] = []   # closed when the command ends, so no connection outlives it (restore checks)


def _read_json(path: str):
    limit = MAX_JSON_BYTES + 1           # read no more than the limit: a huge file is refused, not loaded
    if path == "-":
        raw = getattr(sys.stdin, "buffer", sys.stdin).read(limit)
    else:
        with open(path, "rb") as f:
            raw = f.read(limit)
    return load_json(raw, "标准输入" if path == "-" else f"文件“{Path(path).name}”")


def run(args, out, default_db) -> int:
    from ..domain.permissions import PermissionDenied
    from .users_cli import LOGIN_HINT
    handler = HANDLERS[(args.command, getattr(args, "sub", None))]
    try:
        return handler(args, out, default_db) or 0
    except PermissionDenied as exc:
        ws = getattr(args, "workspace", None)
        if ws is not None and not ws.access.user.login:
            raise PermissionDenied(f"{LOGIN_HINT}。{exc.message}", exc.needed) from None
        raise
    finally:
        while _OPENED:
            _OPENED.pop().close()


# ---- commands --------------------------------------------------------------------------------

def cmd_init(args, out, default_db):
    if args.empty and args.sample:
        raise DomainError("--empty 与 --sample 不能同时使用")
    ws = _open(args, default_db)
    if args.sample:
        ws.install_sample("cli", if_empty=True)
    if args.office:
        ws.set_office(args.office, "cli")
    info = ws.summary()
    _emit(args, out, info, f"数据库：{ws.store.path}\n本单位：{info['office_name']}（{info['office']}）\n"
                           f"节假日 {info['holidays']} 条，类别 {info['categories']} 个，单位 {info['units']} 个，"
                           f"权责清单第 {info['rule_version']} 版，案件 {info['cases']} 件")


def cmd_demo(args, out, default_db):
    from ..services.demo import generate_demo
    ws = _open(args, default_db)
    if ws.summary()["cases"] == 0:
        ws.install_sample("cli", if_empty=True)     # demo data lives in the 江城市城东区 sample district
    started = time.perf_counter()
    stats = generate_demo(ws, cases=args.cases, seed=args.seed, build_index=not args.no_index)
    stats["seconds"] = round(time.perf_counter() - started, 2)
    text = f"已生成演示案件 {stats['cases']} 件（用时 {stats['seconds']} 秒）"
    if getattr(args, "accounts", False):
        from ..services.demo.accounts import add_demo_accounts
        stats["accounts"] = [{k: a[k] for k in ("login", "display", "roles", "unit")} for a in add_demo_accounts(ws)]
        text += "\n演示账户（密码见 README）：" + "，".join(f"{a['login']}（{'、'.join(a['roles'])}）"
                                                  for a in stats["accounts"])
    _emit(args, out, stats, text)


def cmd_due(args, out, default_db):
    ws = _open(args, default_db)
    start = parse_datetime(args.start, "起算日期").date()
    d = ws.due(start, args.days, args.unit)
    data = {"due": d.due.isoformat(), "explain": list(d.explain), "missing_years": list(d.missing_years)}
    _emit(args, out, data, f"到期日：{d.due.isoformat()}\n" + "\n".join(f"  {x}" for x in d.explain))


def cmd_calendar_import(args, out, default_db):
    ws = _open(args, default_db)
    text = read_text_file(args.file)
    n, problems = ws.import_holidays(text, "cli", accept_partial=args.accept_good)
    data = {"imported": n, "problems": problems}
    if problems and not n:
        raise DomainError(f"节假日文件有 {len(problems)} 行错误，未导入（加 --accept-good 仅导入正确的行）：" +
                          "；".join(problems[:20]))
    _emit(args, out, data, f"已导入 {n} 条" + ("".join(f"\n  跳过：{p}" for p in problems)))


def cmd_calendar_years(args, out, default_db):
    ws = _open(args, default_db)
    years = list(ws.calendar.covered_years())
    _emit(args, out, {"years": years}, "有节假日数据的年份：" + "、".join(map(str, years)))


def cmd_idcheck(args, out, default_db):
    from .main import parse_now
    today = parse_now(args.now)().date()
    chk = check_id_number(args.number, today)
    data = chk.to_dict()
    lines = [f"{'有效' if chk.valid else '无效'}：{chk.normalized}"]
    if chk.valid:
        lines.append(f"  {chk.kind}，性别 {chk.sex}，出生 {chk.birth.isoformat() if chk.birth else ''}")
    lines += [f"  {'错误' if p.level == 'error' else '提示'}：{p.message}" for p in chk.problems]
    _emit(args, out, data, "\n".join(lines))
    return 0 if chk.valid else 1


def cmd_case_add(args, out, default_db):
    ws = _open(args, default_db)
    result = ws.register_input(_read_json(args.file), args.by, confirm_old=args.confirm_old)
    data = ws.case_dict(result.case)
    data["warnings"] = [p.message for p in result.warnings]
    _emit(args, out, data, _case_text(ws, data) + "".join(f"\n提示：{w}" for w in data["warnings"]))


def cmd_case_show(args, out, default_db):
    ws = _open(args, default_db)
    case = ws.unmask(args.id, "命令行查看") if args.unmasked else ws.case(args.id)
    data = ws.case_dict(case)
    _emit(args, out, data, _case_text(ws, data))


def cmd_case_restrict(args, out, default_db):
    ws = _open(args, default_db)
    data = ws.case_dict(ws.restrict(args.id, args.reason, "cli"))
    _emit(args, out, data, _case_text(ws, data))


def cmd_case_act(args, out, default_db):
    ws = _open(args, default_db)
    payload = load_json(args.data or "{}", "--data")
    if not isinstance(payload, dict):      # also "null": --data is an object or left out
        raise DomainError("--data 应为 JSON 对象，如 {\"reason\": \"…\"}")
    if args.action == "refer-mediation":       # 访调对接: creates the linked dispute
        from .mediation_cli import cmd_refer
        return cmd_refer(ws, args, out)
    at = parse_datetime(args.at, "办理时间", ws.now()) if args.at else None
    result = ws.act(args.id, args.action, args.by, at, payload, version=args.version)
    data = ws.case_dict(result.case)
    data["warnings"] = list(result.warnings)
    _emit(args, out, data, _case_text(ws, data) + "".join(f"\n提示：{w}" for w in result.warnings))


def _filter(args, ws: Workspace) -> ListFilter:
    base = ListFilter(
        status=tuple(args.status), channel=args.channel, category=args.category, unit=args.unit,
        received_from=parse_datetime(args.date_from, "--from 日期").date() if args.date_from else None,
        received_to=parse_datetime(args.date_to, "--to 日期").date() if args.date_to else None, text=args.text,
        reached_level=getattr(args, "level", "") or "",
        irregular=True if getattr(args, "irregular", False) else None)
    if args.due:
        key = {"overdue": "逾期", "near": "临期"}.get(args.due, args.due)
        due = ws.due_filters()[key]
        base = ListFilter(**{**base.__dict__, "due_before": due.due_before, "due_after": due.due_after})
    return base


def _rows_out(ws: Workspace, ids) -> list[dict]:
    rows = ws.list_rows(ids)
    cols = ws.store.LIST_COLUMNS
    return [dict(zip(cols, rows[i])) for i in ids if i in rows]


def cmd_case_list(args, out, default_db):
    ws = _open(args, default_db)
    f = _filter(args, ws)
    total = ws.count(f)
    ids = ws.first_page(f, args.limit)
    items = _rows_out(ws, ids)
    _emit(args, out, {"total": total, "items": items},
          f"共 {total} 件\n" + "\n".join(_row_text(r) for r in items))


def cmd_case_export(args, out, default_db):
    from ..services.export import export_cases
    ws = _open(args, default_db)
    n = export_cases(ws, _filter(args, ws), args.out)
    _emit(args, out, {"total": n, "out": str(args.out)}, f"已导出 {n} 件到 {args.out}")


def cmd_search(args, out, default_db):
    ws = _open(args, default_db)
    f = ListFilter(text=args.text)
    items = _rows_out(ws, ws.first_page(f, args.limit))
    total = ws.count(f)
    _emit(args, out, {"total": total, "items": items},
          f"“{args.text}” 共 {total} 件\n" + "\n".join(_row_text(r) for r in items))


def cmd_sheet(args, out, default_db):
    ws = _open(args, default_db)
    pdf = ws.sheet_pdf(args.id, args.by, mask=not args.unmasked)
    Path(args.out).write_bytes(pdf)
    _emit(args, out, {"out": str(args.out), "bytes": len(pdf)}, f"已生成 {args.out}（{len(pdf)} 字节）")


def cmd_check(args, out, default_db):
    ws = _open(args, default_db)
    report = ws.check(anchor=args.anchor, progress=_progress_bar("检查"), deep=args.deep)
    engine = "SQLite 完整性" if report["integrity_of"] == "SQLite 文件" else "服务器数据文件"
    files = report["integrity"] if report["integrity"].startswith("由服务器负责") else \
        f"（{report['integrity_kind']}）：{report['integrity']}"
    lines = [f"案件 {report['cases']} 件，账本 {report['ledger_entries']} 条；{engine}{files}",
             "检查结果：" + ("全部完好" if report["ok"] else f"发现 {len(report['problems'])} 处问题")]
    lines += [f"  - {p}" for p in report["problems"]]
    b = report.get("backlog")
    if b:
        lines.append(f"积案 {b['records']} 件：" + ("事件链与现状一致" if b["ok"] else "见上"))
    lines += [f"锚点（请抄录保存，日后用 check --anchor 核对）：{report['anchor']}", f"说明：{report['limits']}"]
    _emit(args, out, report, "\n".join(lines))
    return 0 if report["ok"] else 1


def cmd_reindex(args, out, default_db):
    ws = _open(args, default_db)
    started = time.perf_counter()
    n = ws.reindex(progress=_progress_bar("重建搜索索引"))
    seconds = round(time.perf_counter() - started, 2)
    _emit(args, out, {"cases": n, "seconds": seconds}, f"已重建搜索索引：{n} 件案件，用时 {seconds} 秒")


def _progress_bar(title: str):
    """A progress bar on stderr (only when stderr is a terminal: scripts and --json get clean output)."""
    if not sys.stderr.isatty():
        return None
    state = {"last": -1}

    def show(done: int, total: int) -> None:
        pct = 100 * done // max(total, 1)
        if pct != state["last"]:
            state["last"] = pct
            bar = "█" * (pct // 4) + "·" * (25 - pct // 4)
            sys.stderr.write(f"\r{title} {bar} {pct:3d}%")
            if done >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()
    return show


def cmd_self_test(args, out, default_db):
    from ..services.selftest import self_test
    with tempfile.TemporaryDirectory() as tmp:
        report = self_test(Path(tmp))
    _emit(args, out, report, "\n".join(f"{'✓' if ok else '✗'} {name}" for name, ok in report["steps"]) +
          f"\n自检{'通过' if report['ok'] else '失败'}")
    return 0 if report["ok"] else 1


def cmd_profile(args, out, default_db):
    ws = _open(args, default_db)
    if args.code:
        ws.set_profile(args.code, "cli")
    current = ws.profile
    data = {"current": current.code, "profiles": [p.to_dict() for p in ws.profiles()]}
    _emit(args, out, data, "\n".join(f"{'*' if p.code == current.code else ' '} {p.code}  {p.name}" for p in ws.profiles()))


def cmd_config(args, out, default_db):
    from ..services.workspace import SETTING_HELP
    ws = _open(args, default_db)
    if args.key and args.value is not None:
        ws.configure(args.key, args.value, "cli")
    current = ws.settings()
    if args.key and args.key not in current:
        raise DomainError(f"没有设置项“{args.key}”，可用：{'、'.join(current)}")
    shown = {args.key: current[args.key]} if args.key else current
    _emit(args, out, shown, "\n".join(f"{k} = {v}    # {SETTING_HELP[k]}" for k, v in shown.items()))


# ---- text renderings ------------------------------------------------------------------------

def _status_label(value: str) -> str:
    try:
        return Status(value).label
    except ValueError:
        return value


def _row_text(r: dict) -> str:
    due = f" 到期 {r['next_due']}" if r.get("next_due") else ""
    return f"{r['number']}  {r['received_at'][:10]}  {r['petitioner_names'] or '-'}  {r['category']}  " \
           f"{r['summary'][:24]}  [{_status_label(r['status'])}]{due}"


def _case_text(ws: Workspace, d: dict) -> str:
    lines = [f"{d['number']}  {d['status_label']}  （{d['channel']} {d['received_at']}）",
             f"类别：{d['category']}  目的：{d['purpose']}  承办：{d['unit_name'] or d['unit'] or '-'}",
             f"摘要：{d['summary']}"]
    if d["repeat_of"]:
        lines.append("重复件：与以往信访同人同事" + ("；不再受理候选" if d["no_longer_accept_candidate"] else ""))
    for x in d["deadlines"]:
        lines.append(f"  {x['label']}：{x['due']} {x['state']}")
    lines.append("时间线：")
    for e in d["events"]:
        lines.append(f"  {e['at']}  {e['label']}  {e['actor']}")
    lines.append("可进行：" + "、".join(d["allowed_actions"]))
    return "\n".join(lines)


HANDLERS = {
    ("init", None): cmd_init, ("demo", None): cmd_demo,
    ("calendar", "due"): cmd_due, ("calendar", "import"): cmd_calendar_import,
    ("calendar", "years"): cmd_calendar_years, ("idcheck", None): cmd_idcheck,
    ("case", "add"): cmd_case_add, ("case", "show"): cmd_case_show, ("case", "restrict"): cmd_case_restrict, ("case", "export"): cmd_case_export, ("case", "act"): cmd_case_act,
    ("case", "list"): cmd_case_list, ("search", None): cmd_search, ("sheet", None): cmd_sheet,
    ("check", None): cmd_check, ("reindex", None): cmd_reindex, ("self-test", None): cmd_self_test, ("profile", None): cmd_profile, ("config", None): cmd_config,
}


def add_mediation_commands(sub, common) -> None:
    """人民调解: committee, mediator, dispute — registered in mediation_cli.py."""
    from . import mediation_cli
    mediation_cli.register(sub, common, HANDLERS)


def add_routing_commands(sub, common) -> None:
    """Units, rules and routing commands (谁主管谁负责) — registered in routing_cli.py."""
    from . import backup_cli, routing_cli
    routing_cli.register(sub, common, HANDLERS)
    from . import users_cli
    users_cli.register(sub, common, HANDLERS)
    from . import backlog_cli
    backlog_cli.register(sub, common, HANDLERS)
    from . import report_cli
    report_cli.register(sub, common, HANDLERS)
    backup_cli.register(sub, common, HANDLERS)
    from . import demo_cli
    demo_cli.register(sub, common, HANDLERS)
    from . import move_cli
    move_cli.register(sub, common, HANDLERS)

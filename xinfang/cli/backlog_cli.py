"""积案化解 commands (issue 8 §4, a contract): leader, backlog (batch/add/act/show/list/stats/candidates/
print), reception."""
from __future__ import annotations

import json
from pathlib import Path

from ..domain.problems import DomainError
from ..services.arguments import bounded_int


def register(sub, common, handlers) -> None:
    helps = {}

    leader = sub.add_parser("leader", help="包案领导名单", parents=[common])
    lsub = leader.add_subparsers(dest="sub", metavar="SUB")
    p = lsub.add_parser("add", help="添加领导", parents=[common])
    p.add_argument("name"); p.add_argument("--post", required=True, help="职务，如 区委常委、政法委书记")
    p.add_argument("--login", default="", help="对应的登录名（他的工作台显示本人包案）")
    p.add_argument("--by", default="cli")
    p = lsub.add_parser("list", help="列出领导", parents=[common])
    p.add_argument("--all", action="store_true", help="包括已停用的领导")
    p = lsub.add_parser("edit", help="修改领导的职务或登录名", parents=[common])
    p.add_argument("name"); p.add_argument("--post", default=None); p.add_argument("--login", default=None)
    p.add_argument("--by", default="cli")
    for name, text in (("deactivate", "停用领导（其包案的积案须已全部化解或已更换领导）"), ("activate", "重新启用领导")):
        p = lsub.add_parser(name, help=text, parents=[common])
        p.add_argument("name"); p.add_argument("--by", default="cli")
    helps["leader"] = leader

    backlog = sub.add_parser("backlog", help="积案化解：交办批次、积案、统计、候选、打印", parents=[common])
    bsub = backlog.add_subparsers(dest="sub", metavar="SUB")
    batch = bsub.add_parser("batch", help="交办批次", parents=[common])
    batch_sub = batch.add_subparsers(dest="sub2", metavar="SUB")
    p = batch_sub.add_parser("add", help="新建交办批次", parents=[common])
    p.add_argument("--name", required=True); p.add_argument("--issuer", required=True, help="交办单位")
    p.add_argument("--issued", required=True, help="交办日期"); p.add_argument("--target", required=True, help="目标日期")
    p.add_argument("--target-rate", default=None, help="目标化解率，如 0.9 或 90%%（默认见 backlog config）")
    p.add_argument("--note", default=""); p.add_argument("--by", default="cli")
    batch_sub.add_parser("list", help="列出交办批次", parents=[common])
    p = batch_sub.add_parser("close", help="关闭交办批次（不再列入新积案）", parents=[common])
    p.add_argument("batch"); p.add_argument("--by", default="cli")
    helps["batch"] = batch

    p = bsub.add_parser("add", help="列为积案", parents=[common])
    p.add_argument("case"); p.add_argument("--batch", required=True)
    p.add_argument("--source", required=True, help="上级交办 或 本级排查")
    p.add_argument("--leader", default=""); p.add_argument("--unit", default="", help="责任单位编码或名称")
    p.add_argument("--plan", default=""); p.add_argument("--due", default=None, help="化解时限（默认批次目标日期）")
    p.add_argument("--at", default=None, help="列入日期（默认今天）"); p.add_argument("--by", default="cli")
    p = bsub.add_parser("act", help="办理：progress resolve close reopen delist reassign plan", parents=[common])
    p.add_argument("id"); p.add_argument("action")
    p.add_argument("--at", default=None); p.add_argument("--by", default="cli")
    p.add_argument("--data", default="{}", help="JSON 参数，如 {\"way\": \"解释疏导\"}")
    p.add_argument("--version", type=bounded_int(0, 10**9, "版本"), default=None,
                   help="只在积案仍是这个版本时办理（backlog show 输出的 version）；他人已更新则拒绝，不保存")
    p = bsub.add_parser("show", help="查看积案（含事件与化解时限状态）", parents=[common])
    p.add_argument("id")
    p = bsub.add_parser("list", help="积案列表", parents=[common])
    p.add_argument("--batch", default=None); p.add_argument("--leader", default=""); p.add_argument("--unit", default="")
    p.add_argument("--status", action="append", default=[], help="未化解 已化解 已结案（可重复）")
    p.add_argument("--overdue", action="store_true", help="只列逾期未化解的")
    p = bsub.add_parser("stats", help="化解率等统计（按批次、领导、单位）", parents=[common])
    p.add_argument("--batch", default=None); p.add_argument("--at", default=None, help="统计截止日期（默认今天）")
    bsub.add_parser("candidates", help="积案候选（本级排查）", parents=[common])
    p = bsub.add_parser("dismiss", help="积案候选：不列为积案（须写理由）", parents=[common])
    p.add_argument("case"); p.add_argument("--reason", required=True); p.add_argument("--by", default="cli")
    p = bsub.add_parser("attach", help="添加证据附件", parents=[common])
    p.add_argument("id"); p.add_argument("files", nargs="+"); p.add_argument("--by", default="cli")
    p = bsub.add_parser("print", help="打印包案任务书 PDF", parents=[common])
    p.add_argument("id"); p.add_argument("--out", required=True); p.add_argument("--by", default="cli")
    p.add_argument("--unmasked", action="store_true", help="不遮蔽身份证号和电话")
    p = bsub.add_parser("print-batch", help="打印交办批次清单 PDF", parents=[common])
    p.add_argument("batch"); p.add_argument("--out", required=True); p.add_argument("--by", default="cli")
    p = bsub.add_parser("config", help="查看或修改积案设置（候选阈值、临期天数、化解方式）", parents=[common])
    p.add_argument("key", nargs="?"); p.add_argument("value", nargs="?"); p.add_argument("--by", default="cli")
    helps["backlog"] = backlog

    reception = sub.add_parser("reception", help="公开接访日", parents=[common])
    rsub = reception.add_subparsers(dest="sub", metavar="SUB")
    p = rsub.add_parser("add", help="登记公开接访日", parents=[common])
    p.add_argument("--date", required=True); p.add_argument("--leader", required=True)
    p.add_argument("--place", required=True); p.add_argument("--units", default="", help="参加单位")
    p.add_argument("--note", default=""); p.add_argument("--by", default="cli")
    rsub.add_parser("list", help="列出公开接访日", parents=[common])
    p = rsub.add_parser("show", help="查看接访日及当天接待的信访件", parents=[common])
    p.add_argument("id")
    p = rsub.add_parser("print", help="打印当天接访清单 PDF", parents=[common])
    p.add_argument("id"); p.add_argument("--out", required=True); p.add_argument("--by", default="cli")
    helps["reception"] = reception

    def usage(name):
        def show(args, out, default_db):
            out.write(helps[name].format_help())
        return show

    handlers.update({
        ("leader", None): usage("leader"), ("leader", "add"): cmd_leader_add, ("leader", "list"): cmd_leader_list,
        ("leader", "edit"): cmd_leader_edit, ("leader", "deactivate"): cmd_leader_active(False),
        ("leader", "activate"): cmd_leader_active(True),
        ("backlog", None): usage("backlog"), ("backlog", "batch"): _batch(usage("batch")),
        ("backlog", "add"): cmd_add, ("backlog", "act"): cmd_act, ("backlog", "show"): cmd_show,
        ("backlog", "list"): cmd_list, ("backlog", "stats"): cmd_stats, ("backlog", "candidates"): cmd_candidates,
        ("backlog", "dismiss"): cmd_dismiss, ("backlog", "attach"): cmd_attach, ("backlog", "print"): cmd_print,
        ("backlog", "print-batch"): cmd_print_batch, ("backlog", "config"): cmd_config,
        ("reception", None): usage("reception"), ("reception", "add"): cmd_reception_add,
        ("reception", "list"): cmd_reception_list, ("reception", "show"): cmd_reception_show,
        ("reception", "print"): cmd_reception_print,
    })


def _ws(args, default_db):
    from .commands import _open
    return _open(args, default_db)


def _emit(args, out, data, text: str) -> None:
    from .commands import _emit as emit
    emit(args, out, data, text)


def _pct(rate) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


# ---- leaders ----------------------------------------------------------------------------------------
def cmd_leader_add(args, out, default_db):
    d = _ws(args, default_db).backlog.add_leader(args.name, args.post, args.by, login=args.login)
    _emit(args, out, d, f"已添加包案领导：{d['name']}（{d['post']}）")


def cmd_leader_list(args, out, default_db):
    rows = _ws(args, default_db).backlog.leaders(include_stopped=getattr(args, "all", False))
    _emit(args, out, rows, "\n".join(f"{r['name']}\t{r['post']}" + ("" if r["active"] else "\t（已停用）")
                                     for r in rows) or "（领导名单为空）")


def cmd_leader_edit(args, out, default_db):
    d = _ws(args, default_db).backlog.update_leader(args.name, args.by, post=args.post, login=args.login)
    _emit(args, out, d, f"已修改包案领导：{d['name']}（{d['post']}）")


def cmd_leader_active(active: bool):
    def run(args, out, default_db):
        d = _ws(args, default_db).backlog.update_leader(args.name, args.by, active=active)
        _emit(args, out, d, f"已{'启用' if active else '停用'}包案领导：{d['name']}")
    return run


# ---- batches ----------------------------------------------------------------------------------------
def _batch(usage):
    def run(args, out, default_db):
        sub2 = getattr(args, "sub2", None)
        if sub2 is None:
            return usage(args, out, default_db)
        return {"add": cmd_batch_add, "list": cmd_batch_list, "close": cmd_batch_close}[sub2](args, out, default_db)
    return run


def cmd_batch_add(args, out, default_db):
    d = _ws(args, default_db).backlog.add_batch(args.name, args.issuer, args.issued, args.target, args.by,
                                                target_rate=args.target_rate, note=args.note)
    _emit(args, out, d, f"已新建交办批次 {d['id']}：{d['name']}（目标 {d['target_on']}，目标化解率 {_pct(d['target_rate'])}）")


def cmd_batch_list(args, out, default_db):
    rows = _ws(args, default_db).backlog.batches()
    _emit(args, out, rows, "\n".join(
        f"{b['id']}\t{b['name']}\t{b['issuer']}\t{b['issued_on']}→{b['target_on']}\t{b['records']} 件"
        f"{'（已关闭）' if b['closed'] else ''}" for b in rows) or "（还没有交办批次）")


def cmd_batch_close(args, out, default_db):
    d = _ws(args, default_db).backlog.close_batch(args.batch, args.by)
    _emit(args, out, d, f"已关闭交办批次：{d['name']}")


# ---- records ----------------------------------------------------------------------------------------
def _record_text(r: dict) -> str:
    lines = [f"积案 {r['id']}：{r['case']} {r['summary']}",
             f"  批次：{r['batch_name']}（{r['source']}）  包案领导：{r['leader'] or '—'}  责任单位：{r['unit_name'] or '—'}",
             f"  状态：{r['status']}{'（已销号）' if r.get('delisted') else ''}  化解时限：{r['due']}（{r['due_state']}）"]
    for e in r.get("events", []):
        lines.append(f"  {e['at']} {e['label']} {e['actor']} {json.dumps(e['payload'], ensure_ascii=False)}")
    return "\n".join(lines)


def cmd_add(args, out, default_db):
    r = _ws(args, default_db).backlog.take_on(args.case, args.batch, args.source, args.by, leader=args.leader,
                                              unit=args.unit, plan=args.plan, due=args.due, at=args.at)
    _emit(args, out, r, "已列为积案\n" + _record_text(r))


def cmd_act(args, out, default_db):
    from ..services.case_input import load_json
    data = load_json(args.data or "{}", "--data")      # Chinese errors, never json's English
    if not isinstance(data, dict):
        raise DomainError("--data 应为 JSON 对象")
    r = _ws(args, default_db).backlog.act(args.id, args.action, args.by, at=args.at, data=data, version=args.version)
    _emit(args, out, r, _record_text(r))


def cmd_show(args, out, default_db):
    r = _ws(args, default_db).backlog.record(args.id)
    _emit(args, out, r, _record_text(r))


def cmd_list(args, out, default_db):
    rows = _ws(args, default_db).backlog.records(batch=args.batch, leader=args.leader, unit=args.unit,
                                                 status=args.status, overdue=args.overdue)
    _emit(args, out, rows, "\n".join(
        f"{r['id']}\t{r['case']}\t{r['status']}\t{r['due']}（{r['due_state']}）\t{r['leader'] or '—'}\t"
        f"{r['unit_name'] or '—'}\t{r['summary']}" for r in rows) or "（没有符合条件的积案）")


def cmd_stats(args, out, default_db):
    s = _ws(args, default_db).backlog.stats(at=args.at, batch=args.batch)

    def line(label, d):
        return (f"{label}：列入 {d['assigned']}，化解 {d['resolved']}（{_pct(d['rate'])}），逾期 {d['overdue']}，"
                f"超期化解 {d['late_resolved']}，销号 {d['delisted']}")
    lines = [f"截至 {s['as_of']}", line("合计", s["total"]),
             f"包案化解率：{_pct(s['total']['leader_rate'])}（{s['total']['leader_resolved']}/{s['total']['leader_assigned']}）"]
    lines += [line(f"批次 {b['name']}", b) + f"，目标 {_pct(b['target_rate'])}，剩 {b['days_left']} 天" for b in s["batches"]]
    lines += [line(f"领导 {x['leader']}", x) for x in s["leaders"]]
    lines += [line(f"单位 {x['unit_name']}", x) for x in s["units"]]
    _emit(args, out, s, "\n".join(lines))


def cmd_candidates(args, out, default_db):
    c = _ws(args, default_db).backlog.candidates()
    _emit(args, out, c, "\n".join(f"{x['case']}\t{x['summary']}\t{'；'.join(x['reasons'])}" for x in c["items"])
          or "（当前没有积案候选）")


def cmd_dismiss(args, out, default_db):
    d = _ws(args, default_db).backlog.dismiss_candidate(args.case, args.reason, args.by)
    _emit(args, out, d, f"已记录：不列为积案（{d['reason']}）")


def cmd_attach(args, out, default_db):
    r = _ws(args, default_db).backlog.add_attachments(args.id, args.files, args.by)
    _emit(args, out, r, f"已添加附件 {len(args.files)} 个\n" + _record_text(r))


def _write(path: str, data: bytes) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def cmd_print(args, out, default_db):
    path = _write(args.out, _ws(args, default_db).backlog.task_pdf(args.id, args.by, mask=not args.unmasked))
    _emit(args, out, {"out": str(path)}, f"已生成包案任务书：{path}")


def cmd_print_batch(args, out, default_db):
    path = _write(args.out, _ws(args, default_db).backlog.batch_pdf(args.batch, args.by))
    _emit(args, out, {"out": str(path)}, f"已生成交办批次清单：{path}")


def cmd_config(args, out, default_db):
    ws = _ws(args, default_db)
    if args.key and args.value is not None:
        ws.backlog.configure(args.key, args.value, args.by)
    elif args.key and args.key not in ws.backlog.settings():
        ws.backlog.configure(args.key, "", args.by)   # refuses the unknown key in Chinese
    s = ws.backlog.settings()
    if args.key:
        s = {args.key: s[args.key]}
    _emit(args, out, s, "\n".join(f"{k} = {v}" for k, v in s.items()))


# ---- receptions -------------------------------------------------------------------------------------
def cmd_reception_add(args, out, default_db):
    d = _ws(args, default_db).backlog.add_reception(args.date, args.leader, args.place, args.by, units=args.units,
                                                    note=args.note)
    _emit(args, out, d, f"已登记公开接访日 {d['id']}：{d['date']} {d['leader']} {d['place']}")


def cmd_reception_list(args, out, default_db):
    rows = _ws(args, default_db).backlog.receptions()
    _emit(args, out, rows, "\n".join(f"{r['id']}\t{r['date']}\t{r['leader']}\t{r['place']}\t接待 {r['case_count']} 件"
                                     for r in rows) or "（还没有公开接访日）")


def cmd_reception_show(args, out, default_db):
    d = _ws(args, default_db).backlog.reception(args.id)
    _emit(args, out, d, f"{d['date']} {d['leader']} {d['place']}\n" +
          "\n".join(f"  {c['case']} {c['petitioners']} {c['summary']}" for c in d["cases"]))


def cmd_reception_print(args, out, default_db):
    ws = _ws(args, default_db)
    path = _write(args.out, ws.backlog.reception_pdf(args.id, args.by))
    _emit(args, out, {"out": str(path)}, f"已生成接访清单：{path}")

"""人民调解 commands: `committee`, `mediator`, `dispute`, and `case act ID refer-mediation`."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ..domain.problems import DomainError
from ..services.arguments import bounded_int
from ..services.intake import parse_datetime
from ..services.mediation_print import PRINT_KINDS
from ..services.mediation import DisputeFilter


def register(sub, common, handlers) -> None:
    com = sub.add_parser("committee", help="人民调解委员会", parents=[common]).add_subparsers(dest="sub", metavar="SUB")
    p = com.add_parser("add", help="添加调解委员会（作为单位目录中的一个单位）", parents=[common])
    p.add_argument("name"); p.add_argument("--unit", required=True, help="设立单位编码（村/居委会、街道、企业等）")
    p.add_argument("--prefix", default="", help="案号前缀，如“樱园”→（2026）樱园人调字第1号")
    p.add_argument("--category", default="", help="村、居、街道、行业性、企业（默认按设立单位推断）")
    p.add_argument("--by", default="cli")
    com.add_parser("list", help="列出调解委员会", parents=[common])

    med = sub.add_parser("mediator", help="调解员", parents=[common]).add_subparsers(dest="sub", metavar="SUB")
    p = med.add_parser("add", help="添加调解员", parents=[common])
    p.add_argument("name"); p.add_argument("--committee", required=True, help="调解委员会名称或编码")
    p.add_argument("--phone", default=""); p.add_argument("--login", default="", help="对应的用户登录名")
    p.add_argument("--by", default="cli")
    p = med.add_parser("list", help="列出调解员", parents=[common])
    p.add_argument("--committee", default="")
    p = med.add_parser("rewards", help="以奖代补申领表 PDF", parents=[common])
    p.add_argument("--from", dest="date_from", required=True); p.add_argument("--to", dest="date_to", required=True)
    p.add_argument("--committee", default=""); p.add_argument("--out", required=True); p.add_argument("--by", default="cli")
    p = med.add_parser("rates", help="查看或设置以奖代补标准（JSON 文件）", parents=[common])
    p.add_argument("file", nargs="?"); p.add_argument("--by", default="cli")

    dis = sub.add_parser("dispute", help="人民调解纠纷", parents=[common]).add_subparsers(dest="sub", metavar="SUB")
    p = dis.add_parser("add", help="登记纠纷（JSON 文件或 - 表示标准输入）", parents=[common])
    p.add_argument("file"); p.add_argument("--by", default="cli")
    p = dis.add_parser("show", help="查看纠纷", parents=[common])
    p.add_argument("id")
    p = dis.add_parser("act", help="办理操作", parents=[common])
    p.add_argument("id"); p.add_argument("action")
    p.add_argument("--at", help="办理时间 YYYY-MM-DD[ HH:MM]（默认现在）")
    p.add_argument("--by", default="cli"); p.add_argument("--data", default="{}", help="JSON 参数")
    p.add_argument("--version", type=bounded_int(0, 10**9, "版本"), default=None,
                   help="只在纠纷仍是这个版本时办理（dispute show 输出的 version）；他人已更新则拒绝，不保存")
    p = dis.add_parser("list", help="列表与筛选", parents=[common])
    p.add_argument("--committee", default=""); p.add_argument("--mediator", default="")
    p.add_argument("--type", default=""); p.add_argument("--source", default="")
    p.add_argument("--status", action="append", default=[])
    p.add_argument("--due", choices=["逾期", "临期", "overdue", "near"]); p.add_argument("--text", default="")
    p.add_argument("--from", dest="date_from"); p.add_argument("--to", dest="date_to")
    p.add_argument("--petition", default=""); p.add_argument("--limit", type=int, default=50)
    p = dis.add_parser("stats", help="调解统计（月报口径）", parents=[common])
    p.add_argument("--from", dest="date_from", required=True); p.add_argument("--to", dest="date_to", required=True)
    p.add_argument("--committee", default="")
    p = dis.add_parser("print", help="打印文书 PDF：" + "、".join(PRINT_KINDS), parents=[common])
    p.add_argument("id"); p.add_argument("kind"); p.add_argument("--out", required=True)
    p.add_argument("--unmasked", action="store_true", help="不遮蔽身份证号和电话"); p.add_argument("--by", default="cli")
    p = dis.add_parser("attach", help="添加卷宗材料（附件）", parents=[common])
    p.add_argument("id"); p.add_argument("kind"); p.add_argument("files", nargs="+"); p.add_argument("--by", default="cli")
    p = dis.add_parser("types", help="查看或设置纠纷类型字典", parents=[common])
    p.add_argument("names", nargs="*"); p.add_argument("--by", default="cli")
    p = dis.add_parser("close-petition", help="以“达成调解协议/调解协议已履行”终结关联的信访件", parents=[common])
    p.add_argument("id"); p.add_argument("--reason", default="达成调解协议"); p.add_argument("--at")
    p.add_argument("--by", default="cli")

    handlers.update({
        ("committee", "add"): cmd_committee_add, ("committee", "list"): cmd_committee_list,
        ("mediator", "add"): cmd_mediator_add, ("mediator", "list"): cmd_mediator_list,
        ("mediator", "rewards"): cmd_rewards, ("mediator", "rates"): cmd_rates,
        ("dispute", "add"): cmd_add, ("dispute", "show"): cmd_show, ("dispute", "act"): cmd_act,
        ("dispute", "list"): cmd_list, ("dispute", "stats"): cmd_stats, ("dispute", "print"): cmd_print,
        ("dispute", "attach"): cmd_attach, ("dispute", "types"): cmd_types,
        ("dispute", "close-petition"): cmd_close_petition,
    })


def _ws(args, default_db):
    from .commands import _open
    return _open(args, default_db)


def _emit(args, out, data, text):
    from .commands import _emit as emit
    emit(args, out, data, text)


def _data(args) -> dict:
    from ..services.case_input import load_json
    value = load_json(args.data or "{}", "--data")      # Chinese errors, never json's English
    if not isinstance(value, dict):
        raise DomainError("--data 应为 JSON 对象")
    return value


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise DomainError(f"{what}“{text}”不是有效日期，应为 YYYY-MM-DD") from None


def dispute_text(d: dict) -> str:
    lines = [f"{d['number']}  {d['status_label']}  {d['committee_name']}  （{d['source']} {d['received_at']}）",
             f"类型：{d['type']}  当事人：{'、'.join(p['name'] for p in d['parties'])}  "
             f"调解员：{'、'.join(x['name'] for x in d['mediators'])}", f"简要情况：{d['summary']}"]
    if d["petition"]:
        lines.append(f"关联信访件：{d['petition']['number']}")
    for x in d["deadlines"]:
        lines.append(f"  {x['label']}：{x['due']} {x['state']}")
    if d["missing_documents"]:
        lines.append("卷宗缺少：" + "、".join(d["missing_documents"]))
    lines.append("时间线：")
    lines += [f"  {e['at']}  {e['label']}  {e['actor']}" for e in d["events"]]
    lines.append("可进行：" + "、".join(d["allowed_actions"]))
    return "\n".join(lines)


def cmd_committee_add(args, out, default_db):
    c = _ws(args, default_db).mediation.add_committee(args.name, args.unit, args.by, args.prefix, args.category)
    _emit(args, out, c, f"已添加 {c['name']}（编码 {c['code']}，案号前缀“{c['prefix']}”，类别 {c['category']}）")


def cmd_committee_list(args, out, default_db):
    items = _ws(args, default_db).mediation.committees()
    _emit(args, out, {"items": items}, "\n".join(f"{c['code']}  {c['name']}  [{c['category']}] 前缀“{c['prefix']}” "
                                                 f"调解员 {c['mediators']} 人" for c in items) or "尚无调解委员会")


def cmd_mediator_add(args, out, default_db):
    x = _ws(args, default_db).mediation.add_mediator(args.name, args.committee, args.by, args.phone, args.login)
    _emit(args, out, x, f"已添加调解员 {x['name']}（{x['committee_name']}，ID {x['id']}）")


def cmd_mediator_list(args, out, default_db):
    items = _ws(args, default_db).mediation.mediators(args.committee)
    _emit(args, out, {"items": items}, "\n".join(f"{x['id']}  {x['name']}  {x['committee_name']}" for x in items))


def cmd_rates(args, out, default_db):
    med = _ws(args, default_db).mediation
    if args.file:
        from ..services.case_input import load_json
        med.set_rates(load_json(Path(args.file).read_bytes(), f"文件“{Path(args.file).name}”"), args.by)
    _emit(args, out, med.rates(), json.dumps(med.rates(), ensure_ascii=False, indent=2))


def cmd_rewards(args, out, default_db):
    med = _ws(args, default_db).mediation
    start, end = _day(args.date_from, "开始日期"), _day(args.date_to, "结束日期")
    pdf, data = med.rewards_pdf(start, end, args.by, args.committee)
    Path(args.out).write_bytes(pdf)
    data["out"] = str(args.out)
    _emit(args, out, data, f"已生成 {args.out}：{len(data['items'])} 名调解员，{data['disputes']} 件，合计 {data['total']:.2f} 元")


def cmd_add(args, out, default_db):
    from .commands import _read_json
    d = _ws(args, default_db).mediation.register(_read_json(args.file), args.by)
    _emit(args, out, d, dispute_text(d))


def cmd_show(args, out, default_db):
    d = _ws(args, default_db).mediation.show(args.id)
    _emit(args, out, d, dispute_text(d))


def cmd_act(args, out, default_db):
    at = parse_datetime(args.at, "办理时间") if args.at else None
    d, warnings = _ws(args, default_db).mediation.act(args.id, args.action, args.by, at, _data(args),
                                                      version=args.version)
    d["warnings"] = list(warnings)
    _emit(args, out, d, dispute_text(d) + "".join(f"\n提示：{w}" for w in warnings))


def cmd_list(args, out, default_db):
    med = _ws(args, default_db).mediation
    mediator = 0
    if args.mediator:
        hits = [x for x in med.mediators(args.committee) if args.mediator in (x["name"], str(x["id"]))]
        if not hits:
            raise DomainError(f"找不到调解员“{args.mediator}”")
        mediator = hits[0]["id"]
    f = DisputeFilter(committee=med.committee(args.committee)["code"] if args.committee else "", mediator=mediator,
                      type=args.type, source=args.source, status=tuple(args.status), text=args.text,
                      received_from=_day(args.date_from, "开始日期") if args.date_from else None,
                      received_to=_day(args.date_to, "结束日期") if args.date_to else None,
                      petition=med.ws.row_of(args.petition) if args.petition else 0)
    if args.due:
        f = med.due_filter({"overdue": "逾期", "near": "临期"}.get(args.due, args.due), f)
    total, rows = med.count(f), med.list_rows(med.first_page(f, args.limit))
    cols = ("row", "number", "received_at", "committee_name", "type", "source", "party_names", "mediator_names",
            "status", "next_due", "next_step", "summary")
    items = [dict(zip(cols, rows[i])) for i in med.first_page(f, args.limit) if i in rows]
    _emit(args, out, {"total": total, "items": items}, f"共 {total} 件\n" + "\n".join(
        f"{r['number']}  {r['received_at'][:10]}  {r['party_names']}  {r['type']}  [{r['status']}]" for r in items))


def cmd_stats(args, out, default_db):
    s = _ws(args, default_db).mediation.stats(_day(args.date_from, "开始日期"), _day(args.date_to, "结束日期"),
                                              args.committee)
    pct = (lambda r: "—" if r["value"] is None else f"{r['value'] * 100:.1f}%")
    _emit(args, out, s, f"{s['from']} 至 {s['to']}：受理 {s['accepted']} 件，调解成功 {s['succeeded']} 件"
                        f"（{pct(s['success_rate'])}），协议涉及金额 {s['amount']:.2f} 元；司法确认 {s['confirmed']} 件"
                        f"（{pct(s['confirmation_rate'])}），已履行 {s['performed']} 件（{pct(s['performance_rate'])}）；"
                        f"防止转化为刑事案件 {s['prevented']['criminal']} 件，防止群体性上访 {s['prevented']['group_petition']} 件")


def cmd_print(args, out, default_db):
    pdf = _ws(args, default_db).mediation.print_pdf(args.id, args.kind, args.by, mask=not args.unmasked)
    Path(args.out).write_bytes(pdf)
    _emit(args, out, {"out": str(args.out), "bytes": len(pdf), "kind": args.kind},
          f"已生成 {args.out}（{len(pdf)} 字节）")


def cmd_attach(args, out, default_db):
    d = _ws(args, default_db).mediation.attach(args.id, args.kind, args.files, args.by)
    _emit(args, out, d, dispute_text(d))


def cmd_types(args, out, default_db):
    med = _ws(args, default_db).mediation
    names = med.set_types(args.names, args.by) if args.names else med.types()
    _emit(args, out, {"types": names}, "、".join(names))


def cmd_close_petition(args, out, default_db):
    at = parse_datetime(args.at, "办理时间") if args.at else None
    d = _ws(args, default_db).mediation.close_petition(args.id, args.reason, args.by, at)
    _emit(args, out, d, dispute_text(d))


def cmd_refer(ws, args, out) -> None:
    """`case act ID refer-mediation --data {...}`: the linked dispute is created and printed with the case."""
    at = parse_datetime(args.at, "办理时间") if args.at else None
    d = ws.mediation.refer_from_petition(args.id, _data(args), args.by, at, version=getattr(args, "version", None))
    data = ws.case_dict(ws.case(args.id))
    data["dispute"] = d
    data["warnings"] = []
    _emit(args, out, data, f"已转人民调解：{d['number']}（{d['committee_name']}）\n" + dispute_text(d))

"""Report and notice commands: `xinfang report monthly|period …`, `xinfang notice ID KIND --out F.pdf`."""
from __future__ import annotations

import json
from pathlib import Path


def register(sub, common, handlers) -> None:
    rep = sub.add_parser("report", help="统计报表（月报、任意期间）", parents=[common]).add_subparsers(
        dest="sub", metavar="SUB")
    p = rep.add_parser("monthly", help="月度信访形势分析报表", parents=[common])
    p.add_argument("month", help="月份 YYYY-MM")
    _outputs(p)
    p = rep.add_parser("period", help="任意期间（季度、年度、1—N月累计）报表", parents=[common])
    p.add_argument("start", help="开始 YYYY-MM-DD 或 YYYY-MM")
    p.add_argument("end", help="结束 YYYY-MM-DD 或 YYYY-MM")
    _outputs(p)
    p = rep.add_parser("cases", help="列出报表中某个数字背后的案件", parents=[common])
    p.add_argument("month", help="月份 YYYY-MM，或 开始:结束")
    p.add_argument("path", help="数字的路径，如 by_channel.来访、reply_on_time_rate.numerator")
    p.add_argument("--scope", default="", help="承办单位编码")

    p = sub.add_parser("notice", help="打印告知书、意见书 PDF", parents=[common])
    p.add_argument("id")
    p.add_argument("kind", help="受理告知书、不予受理告知书、延期告知书、处理意见书、复查意见书、复核意见书")
    p.add_argument("--out", required=True)
    p.add_argument("--by", default="cli")
    handlers.update({("report", "monthly"): cmd_report, ("report", "period"): cmd_report,
                     ("report", "cases"): cmd_report_cases, ("notice", None): cmd_notice})


def _outputs(p) -> None:
    p.add_argument("--scope", default="", help="承办单位编码（默认全部）")
    p.add_argument("--out", help="保存 PDF")
    p.add_argument("--xlsx", help="保存 XLSX")
    p.add_argument("--by", default="cli")


def _period(ws, args):
    if args.sub == "monthly":
        return ws.reports.month(args.month)
    return ws.reports.period(args.start, args.end)


def cmd_report(args, out, default_db):
    from .commands import _emit, _open
    ws = _open(args, default_db)
    period = _period(ws, args)
    data = ws.reports.dataset(period, args.scope or None)
    written = []
    if args.out:
        Path(args.out).write_bytes(ws.reports.pdf(data, args.by))
        written.append(args.out)
    if args.xlsx:
        Path(args.xlsx).write_bytes(ws.reports.xlsx(data))
        written.append(args.xlsx)
    if args.json:
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    lines = ws.reports.summary(data)
    _emit(args, out, data, "\n".join([f"{data['scope']['name']} {data['period']['label']}信访情况", *lines,
                                      *(f"已保存：{p}" for p in written)]))


def cmd_report_cases(args, out, default_db):
    from .commands import _emit, _open, _row_text, _rows_out
    from ..domain.problems import DomainError
    ws = _open(args, default_db)
    start, _, end = args.month.partition(":")
    period = ws.reports.period(start, end) if end else ws.reports.month(start)
    data = ws.reports.dataset(period, args.scope or None)
    query = data["queries"].get(args.path)
    if query is None:
        raise DomainError(f"报表中没有“{args.path}”这个数字；可用：{'、'.join(list(data['queries'])[:30])}…")
    if query.get("kind") == "disputes":          # a mediation number: the disputes behind it
        ids = ws.reports.dispute_ids(query)
        rows = ws.mediation.list_rows(ids)
        items = [{"id": i, "number": rows[i][1], "received_at": rows[i][2], "committee": rows[i][3],
                  "type": rows[i][4], "status": rows[i][8], "summary": rows[i][11]} for i in ids if i in rows]
        _emit(args, out, {"path": args.path, "query": query, "total": len(ids), "items": items},
              f"{args.path}：共 {len(ids)} 件纠纷\n" + "\n".join(
                  f"{r['number']}  {r['committee']}  {r['type']}  {r['summary']}" for r in items))
        return
    ids = ws.reports.case_ids(query)
    items = _rows_out(ws, ids)
    _emit(args, out, {"path": args.path, "query": query, "total": len(ids), "items": items},
          f"{args.path}：共 {len(ids)} 件\n" + "\n".join(_row_text(r) for r in items))


def cmd_notice(args, out, default_db):
    from .commands import _emit, _open
    ws = _open(args, default_db)
    issued = ws.notices.issue(args.id, args.kind, args.by)
    Path(args.out).write_bytes(ws.notices.pdf(issued, args.by))
    _emit(args, out, dict(issued.to_dict(), out=args.out),
          f"已生成{issued.kind}（{issued.number}）：{args.out}")

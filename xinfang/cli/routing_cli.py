"""谁主管谁负责 commands: units, the 权责清单, routing a hypothetical case, printing the slip."""
from __future__ import annotations

from pathlib import Path

from ..domain.problems import DomainError
from ..services.intake import draft_from_dict


def register(sub, common, handlers) -> None:
    units = sub.add_parser("units", help="单位目录", parents=[common]).add_subparsers(dest="sub", metavar="SUB")
    p = units.add_parser("import", help="导入单位（CSV/XLSX：编码,名称,上级编码,类型,层级,属地,联系人,电话）",
                         parents=[common])
    p.add_argument("file"); p.add_argument("--accept-good", action="store_true", help="有错误行时仍导入正确的行")
    units.add_parser("list", help="列出单位", parents=[common])
    p = units.add_parser("set-office", help="设定本单位", parents=[common])
    p.add_argument("code")

    cats = sub.add_parser("categories", help="信访事项类别", parents=[common]).add_subparsers(dest="sub", metavar="SUB")
    p = cats.add_parser("import", help="导入本单位的信访事项类别（CSV/XLSX：一级,二级,诉访分离）", parents=[common])
    p.add_argument("file"); p.add_argument("--accept-good", action="store_true", help="有错误行时仍导入正确的行")
    cats.add_parser("list", help="列出信访事项类别", parents=[common])

    rules = sub.add_parser("rules", help="权责清单", parents=[common]).add_subparsers(dest="sub", metavar="SUB")
    p = rules.add_parser("import", help="导入权责清单（CSV/XLSX：事项类别,关键词,属地,责任单位,优先级,依据,生效日期,失效日期）",
                         parents=[common])
    p.add_argument("file"); p.add_argument("--accept-good", action="store_true", help="有错误行时仍导入正确的行")
    p.add_argument("--dry-run", action="store_true", help="只比较与现行版本的差异，不导入")
    p.add_argument("--yes", action="store_true", help="导入将删除现行清单大部分规则时，确认仍要导入")
    p.add_argument("--note", default="")
    rules.add_parser("list", help="列出现行权责清单", parents=[common])
    rules.add_parser("versions", help="列出各版本", parents=[common])

    p = sub.add_parser("route", help="试算：给出案件 JSON 的承办单位与理由", parents=[common])
    p.add_argument("file")
    p = sub.add_parser("slip", help="打印转送单/交办单 PDF", parents=[common])
    p.add_argument("id"); p.add_argument("--out", required=True); p.add_argument("--by", default="cli")
    p.add_argument("--unmasked", action="store_true")

    handlers.update({
        ("categories", "import"): cmd_categories_import, ("categories", "list"): cmd_categories_list,
        ("units", "import"): cmd_units_import, ("units", "list"): cmd_units_list,
        ("units", "set-office"): cmd_set_office, ("rules", "import"): cmd_rules_import,
        ("rules", "list"): cmd_rules_list, ("rules", "versions"): cmd_rule_versions,
        ("route", None): cmd_route, ("slip", None): cmd_slip,
    })


def _tools():
    from .commands import _emit, _open, _read_json
    return _emit, _open, _read_json


def _report_text(report) -> str:
    head = (f"{report.kind}：正确 {report.good} 行，错误 {len(report.problems)} 行；"
            + ("已导入" + (f"（第 {report.version} 版）" if report.version else "") if report.applied else "未导入"))
    lines = [head] + [f"  {p.text}" for p in report.problems] + [f"  注意：{m}" for m in report.messages]
    if report.added or report.removed or report.changed:
        lines.append(f"与现行版本相比：新增 {len(report.added)} 条，删除 {len(report.removed)} 条，修改 {len(report.changed)} 条")
        lines += [f"  + {r.describe()}" for r in report.added]
        lines += [f"  - {r.describe()}" for r in report.removed]
        lines += [f"  * {a.describe()} → {b.describe()}" for a, b in report.changed]
    return "\n".join(lines)


def _finish(args, out, report) -> int:
    emit, _, _ = _tools()
    if report.problems and not report.applied and not getattr(args, "dry_run", False):
        raise DomainError(f"{report.kind}文件有 {len(report.problems)} 行错误，未导入（加 --accept-good 仅导入正确的行）：" +
                          "；".join(p.text for p in report.problems[:30]),
                          ())
    emit(args, out, report.to_dict(), _report_text(report))
    return 0


def cmd_units_import(args, out, default_db):
    _, open_, _ = _tools()
    ws = open_(args, default_db)
    return _finish(args, out, ws.import_units(Path(args.file), "cli", accept_partial=args.accept_good))


def cmd_categories_import(args, out, default_db):
    _, open_, _ = _tools()
    ws = open_(args, default_db)
    return _finish(args, out, ws.import_categories(Path(args.file), "cli", accept_partial=args.accept_good))


def cmd_categories_list(args, out, default_db):
    emit, open_, _ = _tools()
    ws = open_(args, default_db)
    rows = [{"path": p, "level1": a, "level2": b, "litigation": lit} for p, a, b, lit in ws.categories()]
    emit(args, out, {"categories": rows},
         "\n".join(f"{r['path']}{'  （诉访分离）' if r['litigation'] else ''}" for r in rows) or "类别表为空")


def cmd_units_list(args, out, default_db):
    emit, open_, _ = _tools()
    ws = open_(args, default_db)
    units = ws.units_list()
    emit(args, out, {"units": units, "office": ws.office},
         "\n".join(f"{'*' if u['code'] == ws.office else ' '} {u['code']:<16} {u['name']}  {u['kind']}  {u['level_name']}"
                   for u in units))


def cmd_set_office(args, out, default_db):
    emit, open_, _ = _tools()
    ws = open_(args, default_db)
    ws.set_office(args.code, "cli")
    emit(args, out, {"office": ws.office, "office_name": ws.setting("office_name")},
         f"本单位：{ws.setting('office_name')}（{ws.office}）")


def cmd_rules_import(args, out, default_db):
    _, open_, _ = _tools()
    ws = open_(args, default_db)
    report = ws.import_rules(Path(args.file), "cli", accept_partial=args.accept_good, note=args.note,
                             dry_run=args.dry_run, confirm_removal=args.yes)
    return _finish(args, out, report)


def cmd_rules_list(args, out, default_db):
    emit, open_, _ = _tools()
    ws = open_(args, default_db)
    rules = ws.rules_list()
    emit(args, out, {"version": ws.ruleset.version, "rules": rules},
         f"权责清单第 {ws.ruleset.version} 版，共 {len(rules)} 条\n" + "\n".join(
             f"{r['row']:>4}  {r['category'] or '（任意类别）'}  {'、'.join(r['keywords']) or '-'}  "
             f"{r['area'] or '-'}  → {r['unit_name'] or r['unit']}  优先级{r['priority']}" for r in rules))


def cmd_rule_versions(args, out, default_db):
    emit, open_, _ = _tools()
    ws = open_(args, default_db)
    rows = [{"version": v, "imported_at": at, "imported_by": by, "note": note, "active": bool(a), "rules": n}
            for v, at, by, note, a, n in ws.store.rule_sets()]
    emit(args, out, {"versions": rows}, "\n".join(
        f"{'*' if r['active'] else ' '} 第{r['version']}版  {r['imported_at']}  {r['imported_by']}  {r['rules']}条  {r['note']}"
        for r in rows))


def cmd_route(args, out, default_db):
    emit, open_, read_json = _tools()
    ws = open_(args, default_db)
    data = read_json(args.file)
    draft = draft_from_dict(data)
    decision = ws.suggest_route(draft)
    text = [f"承办单位：{decision['unit_name'] or '（需人工指定）'}  渠道：{decision['channel']}  "
            f"原则：{decision.get('principle_name', '')}"]
    text += [f"  {r}" for r in decision["reasons"]]
    if decision["alternatives"]:
        text.append("可选：" + "、".join(a["unit_name"] for a in decision["alternatives"]))
    emit(args, out, decision, "\n".join(text))


def cmd_slip(args, out, default_db):
    emit, open_, _ = _tools()
    ws = open_(args, default_db)
    pdf = ws.slip_pdf(args.id, args.by, mask=not args.unmasked)
    Path(args.out).write_bytes(pdf)
    emit(args, out, {"out": str(args.out), "bytes": len(pdf)}, f"已生成 {args.out}（{len(pdf)} 字节）")

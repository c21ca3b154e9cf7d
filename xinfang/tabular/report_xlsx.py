"""The report's tables to XLSX with openpyxl: one sheet per table, numbers stored as numbers,
percentages as numbers with a percent format, units below the threshold filled red."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

PCT = "0.0%"
CHANGE = "+0.0%;-0.0%;0.0%"
HEAD_FILL = PatternFill("solid", fgColor="E6E6E6")
LOW_FILL = PatternFill("solid", fgColor="FFE0E0")
_BAD = set('[]:*?/\\')


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join("_" if ch in _BAD else ch for ch in title)[:28] or "表"
    name, n = base, 2
    while name in used:
        name = f"{base[:26]}{n}"
        n += 1
    used.add(name)
    return name


def _put(ws, row: int, col: int, cell: dict):
    c = ws.cell(row=row, column=col)
    v, fmt = cell["v"], cell["fmt"]
    if fmt == "text":
        c.value = "" if v is None else str(v)
    elif v is None:
        c.value = None            # no denominator / no base: left empty, never a fake 0
    elif fmt == "int":
        c.value = v
    elif fmt == "num":
        c.value = float(v)
        c.number_format = "#,##0.00"
    else:
        c.value = float(v)
        c.number_format = PCT if fmt == "pct" else CHANGE
    return c


def write_report(dataset: dict, tables: list[dict], summary: list[str], overdue: list[dict]) -> bytes:
    wb = Workbook()
    used: set[str] = set()
    first = wb.active
    first.title = _sheet_name("综述", used)
    first["A1"] = f"{dataset['scope']['name']}{dataset['period']['label']}信访形势分析"
    first["A1"].font = Font(bold=True, size=14)
    first["A2"] = f"统计期间 {dataset['period']['from']} 至 {dataset['period']['to']}，制表 {dataset['as_of']}"
    for i, line in enumerate(summary, 4):
        first.cell(row=i, column=1, value=line).alignment = Alignment(wrap_text=True, vertical="top")
    first.column_dimensions["A"].width = 110
    for t in tables:
        ws = wb.create_sheet(_sheet_name(t["title"], used))
        for j, name in enumerate(t["columns"], 1):
            c = ws.cell(row=1, column=j, value=name)
            c.font, c.fill = Font(bold=True), HEAD_FILL
            ws.column_dimensions[get_column_letter(j)].width = max(10, min(40, 2.2 * len(name) + 4))
        for i, row in enumerate(t["rows"], 2):
            for j, cell in enumerate(row["cells"], 1):
                c = _put(ws, i, j, cell)
                if row.get("highlight"):
                    c.fill = LOW_FILL
        if t.get("note"):
            ws.cell(row=len(t["rows"]) + 3, column=1, value=t["note"])
        ws.freeze_panes = "A2"
    ws = wb.create_sheet(_sheet_name("逾期未办结事项", used))
    columns = [("编号", "number"), ("收到日期", "received"), ("反映问题", "summary"), ("承办单位", "unit"),
               ("环节", "step"), ("到期日", "due"), ("逾期天数", "days")]
    for j, (name, _) in enumerate(columns, 1):
        c = ws.cell(row=1, column=j, value=name)
        c.font, c.fill = Font(bold=True), HEAD_FILL
        ws.column_dimensions[get_column_letter(j)].width = 40 if name == "反映问题" else 16
    for i, r in enumerate(overdue, 2):
        for j, (_, key) in enumerate(columns, 1):
            ws.cell(row=i, column=j, value=r[key])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

"""Reading and writing CSV/XLSX tables."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Sequence

from xinfang.domain.problems import DomainError

Row = tuple[int, dict[str, str]]


class TableError(DomainError):
    """A table that cannot be read at all (bad file, wrong format, no header)."""


def read_table(path: str | Path) -> list[Row]:
    """Rows of a .csv or .xlsx file as (row number, {header: value}).

    Row numbers are those the user sees (header = 1, first data row = 2). Values are stripped
    strings; dates become YYYY-MM-DD. Blank rows are left out (the numbering of the others is kept).
    """
    p = Path(path)
    if not p.exists():
        raise TableError(f"找不到文件“{p}”，请检查路径。")
    suffix = p.suffix.lower()
    if suffix == ".csv" or suffix == ".txt":
        grid = _read_csv(p)
    elif suffix in (".xlsx", ".xlsm"):
        grid = _read_xlsx(p)
    elif suffix == ".xls":
        raise TableError(f"不支持旧版 Excel 文件“{p.name}”（.xls），请在 Excel 中另存为 .xlsx 后再导入。")
    else:
        raise TableError(f"不支持的文件类型“{p.suffix or p.name}”，请使用 .csv 或 .xlsx 文件。")
    return _to_rows(grid, p.name)


def _to_rows(grid: Iterable[Sequence[str]], name: str) -> list[Row]:
    it = iter(grid)
    header = next(it, None)
    if header is None or not any(h.strip() for h in header):
        raise TableError(f"文件“{name}”的第1行没有表头，请在第1行填写列名。")
    headers = [h.strip().lstrip("\ufeff") for h in header]
    out: list[Row] = []
    for n, cells in enumerate(it, start=2):
        if not any(c.strip() for c in cells):
            continue
        row: dict[str, str] = {}
        for i, h in enumerate(headers):
            if not h or h in row:
                continue
            row[h] = cells[i].strip() if i < len(cells) else ""
        out.append((n, row))
    return out


def _read_csv(p: Path) -> list[list[str]]:
    data = p.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise TableError(f"无法识别文件“{p.name}”的编码，请另存为 UTF-8 编码的 CSV。")
    first_line = text.split("\n", 1)[0]
    delim = "\t" if ("\t" in first_line and "," not in first_line) else ","
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim)]


def cell_text(v: Any) -> str:
    """A cell value as the string the user sees (dates as YYYY-MM-DD, 12.0 as 12)."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, datetime):
        if v.time() == time(0, 0):
            return v.date().isoformat()
        return v.isoformat(sep=" ", timespec="seconds")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, time):
        return v.isoformat(timespec="seconds")
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return repr(v)
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    return str(v).strip()


def _read_xlsx(p: Path) -> list[list[str]]:
    try:
        from openpyxl import load_workbook
    except ImportError as e:  # pragma: no cover
        raise TableError("缺少 openpyxl，无法读取 .xlsx 文件。") from e
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - any parse failure is a user-facing problem
        raise TableError(f"无法打开 Excel 文件“{p.name}”：文件已损坏或不是 .xlsx 格式。") from e
    try:
        if not wb.worksheets:
            raise TableError(f"Excel 文件“{p.name}”中没有工作表。")
        ws = wb.worksheets[0]
        grid: list[list[str]] = []
        for values in ws.iter_rows(values_only=True):
            grid.append([cell_text(v) for v in values])
        return grid
    finally:
        wb.close()


def write_xlsx(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[Any]],
               sheet_title: str = "Sheet1") -> Path:
    """Write one sheet: a bold, frozen header row and the rows; column widths fit the text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    p = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title[:31] or "Sheet1"
    ws.append(list(headers))
    for c in ws[1]:
        c.font = Font(bold=True)
    widths = [_display_width(str(h)) for h in headers]
    for r in rows:
        vals = [_xlsx_value(v) for v in r]
        ws.append(vals)
        for i, v in enumerate(vals):
            w = _display_width(cell_text(v))
            if i < len(widths):
                widths[i] = max(widths[i], w)
            else:
                widths.append(w)
    from openpyxl.utils import get_column_letter
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 6), 60)
    ws.freeze_panes = "A2"
    p.parent.mkdir(parents=True, exist_ok=True)
    wb.save(p)
    return p


def write_csv(path: str | Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """UTF-8 with BOM, so Excel on Windows opens Chinese text correctly."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    with p.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(list(headers))
        for r in rows:
            w.writerow([cell_text(v) for v in r])
    return p


def _xlsx_value(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, (int, float, Decimal, date, datetime, time)) and not isinstance(v, bool):
        return v
    if isinstance(v, bool):
        return "是" if v else "否"
    s = str(v)
    # keep long digit strings (codes, ID numbers) as text; strip characters Excel refuses
    return "".join(ch for ch in s if ch in "\t\n\r" or ord(ch) >= 32)


def _display_width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)

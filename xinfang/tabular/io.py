"""Reading and writing CSV/XLSX tables."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Sequence

from xinfang.domain.problems import DomainError
from xinfang.domain.text import bad_character

Row = tuple[int, dict[str, str]]

# Limits named in the refusals; a real unit directory or 权责清单 is far below them.
MAX_FILE_BYTES = 20_000_000       # a .csv, or a compressed .xlsx
MAX_ROWS = 100_000                # rows of a sheet, blank ones included (they cost the same to read)
MAX_COLUMNS = 50                  # the widest table we read has 8 columns
MAX_CELL_CHARS = 10_000
MAX_XLSX_EXPANDED = 500_000_000   # the sum of the uncompressed parts: a zip bomb is refused before parsing


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
    if p.is_dir():
        raise TableError(f"“{p}”是文件夹，请选择一个 .csv 或 .xlsx 文件。")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise TableError(f"文件“{p.name}”过大：{size / 1e6:.1f} MB，最多 {MAX_FILE_BYTES // 1_000_000} MB。")
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
    _check_cells(1, headers, headers, name)
    out: list[Row] = []
    for n, cells in enumerate(it, start=2):
        if not any(c.strip() for c in cells):
            continue
        row: dict[str, str] = {}
        for i, h in enumerate(headers):
            if not h or h in row:
                continue
            row[h] = cells[i].strip() if i < len(cells) else ""
        _check_cells(n, list(row.values()), list(row), name)
        out.append((n, row))
    return out


def _check_cells(n: int, cells: Sequence[str], headers: Sequence[str], name: str) -> None:
    for value, header in zip(cells, headers):
        column = f"“{header}”列" if header else "表头"
        if len(value) > MAX_CELL_CHARS:
            raise TableError(f"文件“{name}”第{n}行{column}的内容过长：{len(value):,} 字，最多 {MAX_CELL_CHARS:,} 字。")
        bad = bad_character(value, multiline=True)
        if bad:
            raise TableError(f"文件“{name}”第{n}行{column}含有不允许的字符：{bad}。")


def decode_text(data: bytes, name: str) -> str:
    """Text of a file saved by Excel, WPS or Notepad: UTF-8 (with or without BOM), UTF-16 with BOM,
    or GBK/GB18030 (what Chinese Windows saves as “ANSI”)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise TableError(f"无法识别文件“{name}”的编码，请另存为 UTF-8 或 GBK 编码的 CSV。")


def _read_csv(p: Path) -> list[list[str]]:
    text = decode_text(p.read_bytes(), p.name)
    first_line = text.splitlines()[0] if text else ""
    delim = "\t" if ("\t" in first_line and "," not in first_line) else ","
    # newline="": CR LF, LF and CR-only (old Mac) line ends are all line ends
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    grid: list[list[str]] = []
    try:
        for r in reader:
            if len(grid) >= MAX_ROWS:
                raise TableError(f"文件“{p.name}”超过 {MAX_ROWS:,} 行，请分成几个文件导入。")
            grid.append(r[:MAX_COLUMNS])
    except csv.Error:
        n = reader.line_num
        raise TableError(f"文件“{p.name}”第{n}行无法解析：单元格过长（超过 {csv.field_size_limit() // 1024} KB）"
                         f"或引号不成对，请检查该行。") from None
    return grid


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
    _check_zip(p)
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # noqa: BLE001 - any parse failure is a user-facing problem
        raise TableError(f"无法打开 Excel 文件“{p.name}”：文件已损坏、不是 .xlsx 格式，或含有不安全的内容。") from e
    try:
        if not wb.worksheets:
            raise TableError(f"Excel 文件“{p.name}”中没有工作表。")
        ws = wb.worksheets[0]
        _count_rows(p, getattr(ws, "_worksheet_path", None))
        # the <dimension> element may be stale (WPS and other tools): read the rows that are really there
        ws.reset_dimensions()
        grid: list[list[str]] = []
        try:
            for values in ws.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                if len(grid) >= MAX_ROWS:
                    raise TableError(f"Excel 文件“{p.name}”超过 {MAX_ROWS:,} 行（含空行），请删除多余的行或分成几个文件导入。")
                grid.append([cell_text(v) for v in values])
        except TableError:
            raise
        except Exception as e:  # noqa: BLE001 - entity expansion, broken XML: refused, not crashed
            raise TableError(f"无法读取 Excel 文件“{p.name}”：文件已损坏或含有不安全的内容（如实体扩展）。") from e
        return grid
    finally:
        wb.close()


_ROW_TAG = re.compile(rb'<(?:\w+:)?row\b([^>]*)>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')


def _count_rows(p: Path, sheet: str | None) -> None:
    """Refuse a sheet with too many rows before parsing it: the raw XML is scanned as it is
    decompressed (about 1 s for a million rows), where openpyxl needs minutes to walk them."""
    import zipfile
    with zipfile.ZipFile(p) as z:
        names = [sheet.lstrip("/")] if sheet else [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        for name in names:
            if name not in z.namelist():
                continue
            rows, tail = 0, b""
            with z.open(name) as f:
                while chunk := f.read(1 << 20):
                    data = tail + chunk
                    cut = data.rfind(b"<")             # a tag cut at the chunk's end is scanned next time
                    body, tail = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
                    for m in _ROW_TAG.finditer(body):
                        rows += 1
                        number = _ROW_NUMBER.search(m.group(1))
                        if rows > MAX_ROWS or (number and (len(number.group(1)) > 7 or int(number.group(1)) > MAX_ROWS)):
                            raise TableError(f"Excel 文件“{p.name}”超过 {MAX_ROWS:,} 行（含空行），"
                                             "请删除多余的行或分成几个文件导入。")


def _check_zip(p: Path) -> None:
    import zipfile
    try:
        with zipfile.ZipFile(p) as z:
            expanded = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TableError(f"无法打开 Excel 文件“{p.name}”：文件已损坏或不是 .xlsx 格式。") from None
    if expanded > MAX_XLSX_EXPANDED:
        raise TableError(f"Excel 文件“{p.name}”解压后过大（{expanded / 1e6:,.0f} MB，最多 "
                         f"{MAX_XLSX_EXPANDED // 1_000_000} MB），请删除多余的内容后再导入。")


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

"""Export a case list to XLSX or CSV, exactly as the logged-in user sees the list (限制知悉 redacted)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.enums import Status
from ..domain.problems import DomainError
from ..storage.store import ListFilter
from ..tabular import write_csv, write_xlsx

if TYPE_CHECKING:
    from .workspace import Workspace

HEADERS = ("编号", "收到时间", "来源", "信访人", "类别", "摘要", "状态", "承办单位", "到期日", "限制知悉")
MAX_ROWS = 1_000_000        # one XLSX sheet holds 1,048,576 rows


def export_cases(ws: "Workspace", f: ListFilter, path: str | Path, order: str = "id") -> int:
    """Write the filtered list to `path` (.xlsx or .csv); returns the number of cases written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise DomainError("导出文件应以 .xlsx 或 .csv 结尾")
    ids = ws.list_ids(f, order)
    if len(ids) > MAX_ROWS:
        raise DomainError(f"共 {len(ids)} 件，超过一次导出的上限 {MAX_ROWS} 件，请加筛选条件")
    cols = ws.store.LIST_COLUMNS
    at = {c: i for i, c in enumerate(cols)}
    names = ws.directory

    def rows():
        for start in range(0, len(ids), 2000):
            part = list(ids[start:start + 2000])
            got = ws.list_rows(part)
            for i in part:
                r = got.get(i)
                if r is None:
                    continue
                status = r[at["status"]]
                try:
                    status = Status(status).label
                except ValueError:
                    pass
                unit = r[at["handling_unit"]]
                yield (r[at["number"]], (r[at["received_at"]] or "")[:16].replace("T", " "), r[at["channel"]],
                       r[at["petitioner_names"]], r[at["category"]], r[at["summary"]], status,
                       names.name_of(unit) or unit, r[at["next_due"]] or "", "是" if r[at["restricted"]] else "")

    writer = write_xlsx if suffix == ".xlsx" else write_csv
    if suffix == ".xlsx":
        writer(path, HEADERS, rows(), sheet_title="信访件")
    else:
        writer(path, HEADERS, rows())
    return len(ids)

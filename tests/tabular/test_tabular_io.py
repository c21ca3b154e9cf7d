"""CSV/XLSX reading and XLSX/CSV writing."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook

from xinfang.tabular import TableError, read_table, write_csv, write_xlsx

HEADER = "编码,名称,上级编码\n"
BODY = "Q,城东区人民政府,\n,,\nS1,东湖街道办事处,Q\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings(tmp_path, encoding):
    p = tmp_path / "units.csv"
    p.write_bytes((HEADER + BODY).encode(encoding))
    rows = read_table(p)
    assert rows == [(2, {"编码": "Q", "名称": "城东区人民政府", "上级编码": ""}),
                    (4, {"编码": "S1", "名称": "东湖街道办事处", "上级编码": "Q"})]


def test_csv_quoting_short_rows_and_tabs(tmp_path):
    p = tmp_path / "rules.csv"
    p.write_text('事项类别,关键词,依据\n城乡建设,"电梯,加装",  《物业管理条例》  \n市场监管\n', encoding="utf-8")
    assert read_table(p) == [(2, {"事项类别": "城乡建设", "关键词": "电梯,加装", "依据": "《物业管理条例》"}),
                             (3, {"事项类别": "市场监管", "关键词": "", "依据": ""})]
    t = tmp_path / "t.csv"
    t.write_text("一级\t二级\n政法\t涉法涉诉\n", encoding="utf-8")
    assert read_table(t) == [(2, {"一级": "政法", "二级": "涉法涉诉"})]


def test_xlsx_values_become_strings(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["事项类别", "优先级", "生效日期", "失效日期", "编码", "空"])
    ws.append(["劳动和社会保障/拖欠工资", 10, datetime(2024, 1, 1), date(2025, 6, 30), "420102001", None])
    ws.append([None, None, None, None, None, None])
    ws.append(["城乡建设", 2.0, "2024-03-01", None, 420102002, True])
    wb.create_sheet("第二张")["A1"] = "忽略"
    p = tmp_path / "rules.xlsx"
    wb.save(p)
    rows = read_table(p)
    assert rows == [
        (2, {"事项类别": "劳动和社会保障/拖欠工资", "优先级": "10", "生效日期": "2024-01-01",
             "失效日期": "2025-06-30", "编码": "420102001", "空": ""}),
        (4, {"事项类别": "城乡建设", "优先级": "2", "生效日期": "2024-03-01", "失效日期": "",
             "编码": "420102002", "空": "是"}),
    ]


def test_write_xlsx_round_trip(tmp_path):
    p = write_xlsx(tmp_path / "out" / "export.xlsx", ["编号", "日期", "金额", "备注"],
                   [["2026-信-000001", date(2026, 3, 2), 1200, "欠薪"], ["2026-信-000002", None, 3.5, None]])
    assert read_table(p) == [
        (2, {"编号": "2026-信-000001", "日期": "2026-03-02", "金额": "1200", "备注": "欠薪"}),
        (3, {"编号": "2026-信-000002", "日期": "", "金额": "3.5", "备注": ""}),
    ]


def test_write_csv_round_trip(tmp_path):
    p = write_csv(tmp_path / "export.csv", ["单位", "日期"], [["东湖街道办事处", date(2026, 1, 5)]])
    assert p.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_table(p) == [(2, {"单位": "东湖街道办事处", "日期": "2026-01-05"})]


def test_errors_are_for_people(tmp_path):
    with pytest.raises(TableError, match="找不到文件"):
        read_table(tmp_path / "nope.csv")
    x = tmp_path / "old.xls"
    x.write_bytes(b"\xd0\xcf")
    with pytest.raises(TableError, match="另存为 .xlsx"):
        read_table(x)
    b = tmp_path / "bad.xlsx"
    b.write_bytes(b"not a zip")
    with pytest.raises(TableError, match="无法打开"):
        read_table(b)
    e = tmp_path / "empty.csv"
    e.write_text("", encoding="utf-8")
    with pytest.raises(TableError, match="表头"):
        read_table(e)
    with pytest.raises(TableError, match="不支持的文件类型"):
        (tmp_path / "a.pdf").write_bytes(b"%PDF")
        read_table(tmp_path / "a.pdf")

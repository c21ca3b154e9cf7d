"""Every importer (holidays CSV, units CSV/XLSX, rules CSV/XLSX) against the inputs of issue 6 §3:
encodings, line ends, oversized cells, impossible holiday rows, stale .xlsx dimensions, entity
expansion, a million-row sheet, and a rules import that would remove most of the list."""
import json
import re
import time

import pytest

from xinfang.cli.main import main
from tests.inputs.xlsx_tools import entity_expansion, many_rows, stale_dimension, workbook

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"Traceback|Error|codec|isoformat|field larger|expected|line contains|new-line|entity", re.I)
RULE_HEAD = ["事项类别", "关键词", "属地", "责任单位", "优先级", "依据", "生效日期", "失效日期"]
UNIT_HEAD = "编码,名称,上级编码,类型,层级,属地,联系人,电话"


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "imp.db")
    assert main(["init", "--sample", "--db", path]) == 0     # the sample 权责清单 these tests import over
    return path


def cli(capsys, *argv):
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, *argv) -> str:
    code, out, err = cli(capsys, *argv, "--json")
    assert code != 0 and out == "", (out, err)
    message = json.loads(err)["error"]
    assert CJK.search(message) and not ENGLISH.search(message), message
    return message


def years(capsys, db):
    return json.loads(cli(capsys, "calendar", "years", "--db", db, "--json")[1])["years"]


def rules(capsys, db):
    return json.loads(cli(capsys, "rules", "list", "--db", db, "--json")[1])["rules"]


# ---- holidays -----------------------------------------------------------------------------------

HOLIDAYS_2027 = "date,kind,name\n2027-10-01,休,国庆节\n2027-10-04,休,国庆节\n2027-10-09,班,国庆节调休上班\n"


@pytest.mark.parametrize("encoding, newline", [
    ("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("gbk", "\r\n"), ("gb18030", "\n"), ("utf-8", "\r"), ("utf-16", "\r\n")])
def test_holiday_csv_encodings_and_line_ends_are_accepted(capsys, db, tmp_path, encoding, newline):
    path = tmp_path / "h.csv"
    path.write_bytes(HOLIDAYS_2027.replace("\n", newline).encode(encoding))
    code, out, err = cli(capsys, "calendar", "import", str(path), "--db", db, "--json")
    assert code == 0, err
    assert json.loads(out)["imported"] == 3 and 2027 in years(capsys, db)


@pytest.mark.parametrize("row, fragment", [
    ("2027-03-03,班,调休", "第2行：2027-03-03 是周三，本来就上班"),     # a Wednesday
    ("2027-01-02,休,", "第2行：2027-01-02 是周六，本来就休息"),          # a Saturday with no holiday named
    ("0001-01-01,休,元旦", "第2行：年份 1 超出范围"),
    ("9999-01-01,休,元旦", "第2行：年份 9999 超出范围"),
    ("2027-02-30,休,春节", "第2行：日期“2027-02-30”无效"),
    ('2027-10-05,休,"' + "长" * 140_000 + '"', "第2行：无法解析（单元格超过 128 KB"),
])
def test_impossible_holiday_rows_are_refused_naming_the_row(capsys, db, tmp_path, row, fragment):
    path = tmp_path / "h.csv"
    path.write_text("date,kind,name\n" + row + "\n", encoding="utf-8")
    before = years(capsys, db)
    message = refused(capsys, "calendar", "import", str(path), "--db", db)
    assert fragment in message, message
    assert years(capsys, db) == before


def test_a_named_weekend_holiday_is_accepted(capsys, db, tmp_path):
    # 2015-09-27 中秋节 was a Sunday without a 补休 day: a weekend 休 with its holiday's name is real
    path = tmp_path / "h.csv"
    path.write_text("date,kind,name\n2027-01-02,休,元旦\n", encoding="utf-8")
    assert cli(capsys, "calendar", "import", str(path), "--db", db, "--json")[0] == 0


# ---- units ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding, newline", [("gbk", "\r\n"), ("utf-8-sig", "\r"), ("gb18030", "\n")])
def test_units_csv_encodings_and_line_ends(capsys, db, tmp_path, encoding, newline):
    path = tmp_path / "u.csv"
    text = f"{UNIT_HEAD}\nX1,测试区,,党政部门,区县,,,\nX1-1,测试区信访局,X1,党政部门,区县,,,\n"
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    code, out, err = cli(capsys, "units", "import", str(path), "--db", db, "--json")
    assert code == 0 and json.loads(out)["good"] == 2, err


def test_units_csv_with_an_oversized_cell_is_refused(capsys, db, tmp_path):
    path = tmp_path / "u.csv"
    path.write_text(f'{UNIT_HEAD}\nX1,"{"长" * 140_000}",,党政部门,区县,,,\n', encoding="utf-8")
    before = json.loads(cli(capsys, "units", "list", "--db", db, "--json")[1])["units"]
    message = refused(capsys, "units", "import", str(path), "--db", db)
    assert "第2行" in message and "128 KB" in message
    assert json.loads(cli(capsys, "units", "list", "--db", db, "--json")[1])["units"] == before


def test_units_xlsx_with_control_characters_names_row_and_column(capsys, db, tmp_path):
    path = workbook(tmp_path / "u.xlsx", [UNIT_HEAD.split(","), ["X1", "测试\u202e区", "", "党政部门", "区县"]])
    message = refused(capsys, "units", "import", str(path), "--db", db)
    assert "第2行“名称”列含有不允许的字符" in message


# ---- rules ---------------------------------------------------------------------------------------

def three_rules() -> list[list]:
    return [RULE_HEAD,
            ["劳动和社会保障/拖欠工资", "欠薪", "", "城东区人力资源和社会保障局", 5, "测试", "", ""],
            ["劳动和社会保障/社会保险", "", "", "城东区人力资源和社会保障局", "", "测试", "", ""],
            ["城乡建设/物业管理", "", "", "城东区住房和城乡建设局", "", "测试", "", ""]]


def test_stale_xlsx_dimension_loses_no_rows_and_mass_removal_needs_yes(capsys, db, tmp_path):
    path = stale_dimension(workbook(tmp_path / "r.xlsx", three_rules()), "A1:H2")
    active = len(rules(capsys, db))
    assert active == 88
    dry = json.loads(cli(capsys, "rules", "import", str(path), "--dry-run", "--db", db, "--json")[1])
    assert dry["good"] == 3 and not dry["problems"]          # all three rows, not the one <dimension> claims
    message = refused(capsys, "rules", "import", str(path), "--db", db)
    assert "88 条规则中的" in message and "--yes" in message
    assert len(rules(capsys, db)) == active                   # nothing replaced
    code, out, err = cli(capsys, "rules", "import", str(path), "--yes", "--db", db, "--json")
    assert code == 0 and json.loads(out)["applied"], err
    assert len(rules(capsys, db)) == 3


def test_rule_priority_out_of_range(capsys, db, tmp_path):
    rows = three_rules()
    rows[2][4] = "1e30"
    path = workbook(tmp_path / "r.xlsx", rows)
    message = refused(capsys, "rules", "import", str(path), "--db", db)
    assert "第3行：优先级 1e30 超出范围" in message
    rows[2][4] = 1e30                                          # a number cell, not text
    path = workbook(tmp_path / "r2.xlsx", rows)
    assert "第3行：优先级" in refused(capsys, "rules", "import", str(path), "--db", db)


@pytest.mark.parametrize("kind", ["rules", "units"])
def test_xlsx_entity_expansion_is_refused(capsys, db, tmp_path, kind):
    head = RULE_HEAD if kind == "rules" else UNIT_HEAD.split(",")
    path = entity_expansion(workbook(tmp_path / "bomb.xlsx", [head, [1, 2, 3]]))
    message = refused(capsys, kind, "import", str(path), "--db", db)
    assert "Excel" in message and "不安全" in message


@pytest.mark.slow
def test_million_row_xlsx_is_refused_naming_the_limit(capsys, db, tmp_path):
    path = many_rows(workbook(tmp_path / "big.xlsx", [RULE_HEAD]), 1_000_000)
    size = path.stat().st_size
    assert size < 6_000_000                                    # a small file …
    started = time.perf_counter()
    message = refused(capsys, "rules", "import", str(path), "--db", db)
    elapsed = time.perf_counter() - started
    assert "超过 100,000 行" in message                        # … refused at the row limit, while streaming
    print(f"1M-row xlsx ({size / 1e6:.1f} MB) refused in {elapsed:.1f} s")
    assert len(rules(capsys, db)) == 88

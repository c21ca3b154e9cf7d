"""Issue 10 §3: the report PDF (fonts embedded, the words there, landscape ranking, page numbers),
the XLSX read back, and the summary that never talks about a missing number."""
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from tests.report_story import FGJ, ZRGH, build_story
from tests.pg_server import engine_choice, parametrise_engines, pg_server  # noqa: F401  (fixtures)

needs_poppler = pytest.mark.usefixtures("require_poppler")


# on SQLite and on a PostgreSQL server (tests/pg_server.parametrise_engines)
pytest_generate_tests = parametrise_engines


@pytest.fixture(scope="module", autouse=True)
def db_engine(request):
    yield from engine_choice(request)


@pytest.fixture(scope="module")
def story():
    return build_story()


@pytest.fixture(scope="module")
def march(story):
    ws, rows, _ = story
    return ws, ws.reports.dataset(ws.reports.month("2026-03"))


def _run(args, data: bytes, tmp_path, name="r.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return subprocess.run([*args, str(path), "-"] if args[0] == "pdftotext" else [*args, str(path)],
                          capture_output=True, text=True, check=True).stdout


@needs_poppler
def test_pdf_fonts_text_pages_and_landscape(march, tmp_path):
    ws, d = march
    pdf = ws.reports.pdf(d, "张科长")
    fonts = _run(["pdffonts"], pdf, tmp_path)
    lines = fonts.splitlines()[2:]
    assert lines and all(" yes " in line for line in lines), fonts          # every font embedded
    assert "Helvetica" not in fonts and "Type 3" not in fonts
    text = "".join(_run(["pdftotext"], pdf, tmp_path).split())     # lines wrap anywhere in Chinese
    assert "2026年3月信访形势分析报告" in text
    assert "共受理信访事项1件、1人次" in text
    assert "按期办结率50%（1/2）" in text                 # P on time, Q late (hand count in the dataset test)
    assert "—1—" in text and "—2—" in text                 # "— 1 —" (pdftotext drops the spaces)
    assert "承办单位排名" in text and "附件1" in text and "逾期未办结事项" in text
    assert "制表人：张科长" in text and text.index("—1—") > text.index("制表人")   # the cover is unnumbered
    info = _run(["pdfinfo", "-f", "1", "-l", "40"], pdf, tmp_path)
    sizes = [line for line in info.splitlines() if line.startswith("Page") and "size" in line]
    assert any("595.276 x 841.89" in s for s in sizes)      # A4 portrait
    assert any("841.89 x 595.276" in s for s in sizes)      # landscape ranking


@needs_poppler
def test_units_below_threshold_are_highlighted_and_named(march, tmp_path):
    ws, d = march
    summary = "".join(ws.reports.summary(d))
    names = {u["unit"]: u["name"] for u in d["units"]}
    assert names[ZRGH] in summary and "低于90%" in summary
    assert names[FGJ] not in summary.split("低于")[0].split("。")[-1]
    table = next(t for t in ws.reports.tables(d) if t["key"] == "units")
    flags = {row["cells"][1]["v"]: row["highlight"] for row in table["rows"]}
    assert flags == {names[FGJ]: False, names[ZRGH]: True}


def test_summary_never_mentions_a_missing_number(story):
    ws, _, _ = story
    feb = ws.reports.summary(ws.reports.dataset(ws.reports.month("2026-02")))
    text = "".join(feb)
    assert "率" not in text                      # every denominator is zero: no rate sentence at all
    assert "—" not in text and "None" not in text
    assert "同比" not in text                    # February 2025 had nothing: no base, no 同比 sentence
    assert "环比下降100%" in text                 # January had 4
    empty = "".join(ws.reports.summary(ws.reports.dataset(ws.reports.month("2024-06"))))
    assert "同比" not in empty and "环比" not in empty and "率" not in empty and "—" not in empty


def test_xlsx_reads_back_numbers_and_percentages(march):
    ws, d = march
    wb = load_workbook(io.BytesIO(ws.reports.xlsx(d)))
    assert wb.sheetnames[0] == "综述"
    assert {"信访总量", "信访形式", "办理时效与群众评价", "承办单位排名", "逾期未办结事项"} <= set(wb.sheetnames)
    total = wb["信访总量"]
    assert [c.value for c in total[1]] == ["项目", "本期", "去年同期", "同比", "上期", "环比"]
    assert total["B2"].value == 1 and isinstance(total["B2"].value, int)
    assert total["D2"].value is None             # no base a year earlier: empty, not 0
    rates = wb["办理时效与群众评价"]
    row = next(r for r in rates.iter_rows(min_row=2) if r[0].value == "按期办结率")
    assert (row[1].value, row[2].value, row[3].value) == (1, 2, 0.5)
    assert row[3].number_format == "0.0%"
    units = wb["承办单位排名"]
    low = next(r for r in units.iter_rows(min_row=2) if r[1].value == d["units"][1]["name"])
    assert low[0].fill.fgColor.rgb.endswith("FFE0E0")


def test_cli_report_json_has_the_contract_keys(story, tmp_path, capsys):
    from xinfang.cli.main import main
    ws, _, _ = story
    # the CLI opens the server database itself, or a file: copy the in-memory story into one
    db = ws.store.path
    if not ws.store.dialect.server:
        db = tmp_path / "story.db"
        ws.store.conn.execute("VACUUM INTO ?", (str(db),))
    assert main(["--db", str(db), "--now", "2026-06-01", "report", "monthly", "2026-03", "--json"]) == 0
    import json
    out = json.loads(capsys.readouterr().out)
    for key in ("total", "persons", "by_channel", "visits", "collective", "irregular", "by_level", "by_category",
                "by_purpose", "acceptance_on_time_rate", "reply_on_time_rate", "review_on_time_rate",
                "satisfaction_rate", "satisfied_only_rate", "rating_rate", "repeat_rate",
                "first_time_resolution_rate", "control", "units", "work_orders_12345", "backlog", "mediation"):
        assert key in out, key
    assert set(out["total"]) == {"count", "yoy", "mom"}
    assert set(out["control"]) == {"new", "carried_over", "closed", "open_at_end"}
    assert out["reply_on_time_rate"] == {"numerator": 1, "denominator": 2, "value": 0.5}
    assert main(["--db", str(db), "--now", "2026-06-01", "report", "period", "2026-01", "2026-03",
                 "--scope", FGJ, "--out", str(tmp_path / "q.pdf"), "--xlsx", str(tmp_path / "q.xlsx")]) == 0
    assert (tmp_path / "q.pdf").read_bytes()[:5] == b"%PDF-" and (tmp_path / "q.xlsx").stat().st_size > 0
    assert main(["--db", str(db), "--json", "report", "monthly", "2026-13"]) != 0
    assert "月份" in capsys.readouterr().err
    assert main(["--db", str(db), "--json", "report", "monthly", "2026-03", "--scope", "不存在"]) != 0
    assert "不在单位目录" in capsys.readouterr().err

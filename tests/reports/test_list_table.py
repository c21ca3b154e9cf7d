"""The appendices' long lists (reports/list_table.py): lines fit their column and never start with closing
punctuation; a list longer than a page goes on over pages with its head repeated, no row lost or doubled."""
import io
import subprocess

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import SimpleDocTemplate

from xinfang.reports.fonts import font_for
from xinfang.reports.list_table import CLOSING, ListTable, Widths, break_lines


def test_lines_fit_and_closing_punctuation_stays_with_its_line():
    width = Widths(font_for("body"), 9)
    room = 9 * 10                                   # ten CJK characters of 9 pt
    text = "反映城东区新华街道光，明社区农村土地承包仲裁方面的问题。请依法处理"
    lines = break_lines(text, room, width)
    assert "".join(lines) == text                                   # nothing lost
    assert all(width.text(x) <= room for x in lines)
    assert not any(x[0] in CLOSING for x in lines[1:])
    # ten characters of 9 pt fill a line; the 11th is "，", which may not start line 2, so "光" goes down with it
    assert width["反"] == pytest.approx(9) and width["，"] == pytest.approx(9)   # float sums of glyph widths
    assert lines[0] == "反映城东区新华街道" and lines[1].startswith("光，明")
    assert break_lines("短", room, width) == ["短"] and break_lines("甲\n乙", room, width) == ["甲", "乙"]
    assert break_lines("", room, width) == [""]


@pytest.mark.usefixtures("require_poppler")
def test_a_long_list_goes_over_pages_with_every_row(tmp_path):
    rows = [([f"编号{i:04d}", "反映城东区新华街道光明社区农村土地承包仲裁方面的问题，要求依法处理" * (1 + i % 3), "未化解",
              f"{i}"], i % 7 == 0) for i in range(400)]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4))
    w = landscape(A4)[0] - 144
    doc.build([ListTable(["编号", "事项", "化解状态", "序号"], [w * .15, w * .6, w * .15, w * .1], rows, right=(3,))])
    path = tmp_path / "list.pdf"
    path.write_bytes(buf.getvalue())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) > 10
    assert all("编号" in p and "化解状态" in p for p in pages)             # the head on every page
    found = [int(x[2:]) for x in text.split() if x.startswith("编号") and x[2:].isdigit()]
    assert found == list(range(400))                                     # each row once, in order

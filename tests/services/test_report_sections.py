"""The backlog (issue 8) and mediation (issue 9) sections: the report takes their services' numbers as they
document them (ws.backlog.stats/records, ws.mediation.stats), turns rates into rate objects, prints the tables,
the sentences and the 包案 appendix. Stand-ins return numbers chosen here; every expected value is from them."""
import io
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.report_story import build_story, rate


class Backlog:
    def __init__(self, rows):
        self.rows, self.calls = rows, []

    def stats(self, at=None, batch=None):
        self.calls.append(at)
        line = {"assigned": 8, "resolved": 6, "rate": 0.75, "overdue": 1, "late_resolved": 0, "delisted": 0,
                "leader_assigned": 4, "leader_resolved": 2, "leader_rate": 0.5}
        return {"as_of": at.isoformat(), "total": dict(line),
                "batches": [dict(line, id=1, name="2026年第一批", target_rate=0.9, target_met=False, days_left=10)],
                "leaders": [dict(line, leader="李副区长", post="副区长")],
                "units": [dict(line, unit="420100-FGJ", unit_name="江城市住房保障和房屋管理局")]}

    def records(self, today=None, unit="", batch=None, leader=""):
        return [r for r in self.rows if (not leader or r["leader"] == leader) and (not unit or r["unit"] == unit)]

    def leader_items(self, start, end, unit=""):
        # 李副区长: 3 records, one resolved before the period (counted, not listed), P resolved in it, Q open
        self.calls.append((start, end, unit))
        p, q = self.rows
        row = lambda r, on: {"number": r["case"], "summary": r["summary"], "unit": r["unit_name"],   # noqa: E731
                             "status": r["status"], "resolved_on": on, "due": r["due"],
                             "overdue": r["due_state"] == "逾期", "case_row": r["case_row"]}
        return [{"leader": "李副区长", "post": "副区长", "assigned": 3, "resolved": 2, "open": 1, "resolved_in_period": 1,
                 "rows": [row(q, ""), row(p, "2026-03-15")]}]


class Mediation:
    def stats(self, start, end, committee=""):
        return {"accepted": 20, "succeeded": 18, "success_rate": rate(18, 20), "amount": 356000.0,
                "by_source": {"主动调解": {"count": 5, "share": rate(5, 20)}},
                "by_type": {"邻里纠纷": {"count": 20, "share": rate(20, 20)}},
                "agreements": 18, "confirmed": 3, "confirmation_rate": rate(3, 18), "performed": 15,
                "performance_rate": rate(15, 18), "prevented": {"criminal": 1, "group_petition": 2},
                "prevented_people": {"criminal": 2, "group_petition": 30}}


@pytest.fixture(scope="module")
def story():
    ws, rows, _ = build_story()
    p, q = ws.case(rows["P"]), ws.case(rows["Q"])
    board = [{"case": p.number, "case_row": p.row, "summary": p.draft.summary, "leader": "李副区长", "unit": "420100-FGJ",
              "unit_name": "江城市住房保障和房屋管理局", "status": "已化解", "due": "2026-03-20", "due_state": "按期化解",
              "delisted": False},
             {"case": q.number, "case_row": q.row, "summary": q.draft.summary, "leader": "李副区长", "unit": "420100-ZRGH",
              "unit_name": "江城市自然资源和规划局", "status": "未化解", "due": "2026-03-10", "due_state": "逾期",
              "delisted": False}]
    ws.reports.services = {"backlog": Backlog(board), "mediation": Mediation()}
    return ws, rows, ws.reports.dataset(ws.reports.month("2026-03"))


def test_sections_in_the_dataset(story):
    ws, rows, d = story
    b = d["backlog"]
    stats_calls = [c for c in ws.reports.services["backlog"].calls if not isinstance(c, tuple)]   # not leader_items
    assert stats_calls and set(stats_calls) == {date(2026, 3, 31)}            # as of the period's end
    assert b["total"]["resolution_rate"] == rate(6, 8) and b["total"]["leader_rate"] == rate(2, 4)
    assert "rate" not in b["total"]
    assert d["mediation"]["success_rate"] == rate(18, 20)
    assert sorted(ws.reports.case_ids(d["queries"]["backlog.total.overdue"])) == [rows["Q"]]
    assert sorted(ws.reports.case_ids(d["queries"]["backlog.leader.李副区长.assigned"])) == sorted([rows["P"], rows["Q"]])


def test_sections_in_the_summary_and_tables(story):
    ws, _, d = story
    text = "".join(ws.reports.summary(d))
    assert "交办积案8件，已化解6件，化解率75%，逾期未化解1件，领导包案4件，包案化解率50%" in text
    assert "2026年第一批未达到化解目标" in text
    assert "受理矛盾纠纷20件，调解成功18件，调解成功率90%，协议涉及金额35.60万元" in text
    keys = [t["key"] for t in ws.reports.tables(d)]
    assert {"backlog", "backlog.leaders", "backlog.units", "mediation", "mediation.by_source"} <= set(keys)
    batch = next(t for t in ws.reports.tables(d) if t["key"] == "backlog")
    assert batch["rows"][1]["highlight"] is True            # the batch that missed its target


@pytest.mark.usefixtures("require_poppler")
def test_sections_in_the_pdf_and_xlsx(story, tmp_path):
    ws, rows, d = story
    path = tmp_path / "m.pdf"
    path.write_bytes(ws.reports.pdf(d, "leader"))
    text = "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    assert "积案化解情况（截至2026-03-31）" in text and "矛盾纠纷排查化解情况" in text
    assert "附件2" in text and "领导包案事项" in text
    assert "李副区长（副区长）：包案3件，已化解2件，未化解1件，本期化解1件" in text
    assert "此前已化解的事项只计入件数，不再列出" in text
    assert ws.case(rows["Q"]).number in text and ws.case(rows["P"]).number in text and "2026-03-15" in text
    assert ws.reports.services["backlog"].calls[-1] == (date(2026, 3, 1), date(2026, 3, 31), "")
    wb = load_workbook(io.BytesIO(ws.reports.xlsx(d)))
    sheet = wb["矛盾纠纷排查化解情况"]
    values = {r[0].value: r[1].value for r in sheet.iter_rows(min_row=2) if r[0].value}
    assert values["协议涉及金额（万元）"] == 35.6 and values["调解成功率"] == 0.9

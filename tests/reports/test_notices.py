"""Issue 10 §4: notices filled from the case, numbered per kind and year, reprints keep the number."""
import shutil
import subprocess
from datetime import datetime

import pytest

from xinfang.domain.problems import DomainError
from tests.helpers import make_workspace, register

needs_poppler = pytest.mark.usefixtures("require_poppler")


def _replied(ws, clock, name, phone):
    case = register(ws, name=name, id_number="", phone=phone, summary=f"{name}反映工地拖欠工资")
    ws.act(case.row, "accept", "clerk", data={"unit": "420100-FGJ"})
    clock.advance(days=5)
    ws.act(case.row, "reply", "clerk", data={"outcome": "支持", "facts": "经查，该公司拖欠工资属实",
                                              "decision": "责令该公司于十日内足额支付", "basis": "《保障农民工工资支付条例》第三条"})
    return case


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "n.pdf"
    path.write_bytes(pdf)
    return "".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split())


def test_numbers_per_kind_and_year_reprint_keeps_the_number():
    ws, clock = make_workspace(datetime(2026, 3, 2, 9, 0))
    a = _replied(ws, clock, "甲", "13900000101")
    b = _replied(ws, clock, "乙", "13900000102")
    first = ws.notices.issue(a.row, "受理告知书", "clerk")
    assert first.number == "城信受〔2026〕1号" and not first.reprint
    assert ws.notices.issue(b.row, "受理告知书", "clerk").number == "城信受〔2026〕2号"
    assert ws.notices.issue(a.row, "处理意见书", "clerk").number == "城信处〔2026〕1号"   # its own series
    again = ws.notices.issue(a.row, "受理告知书", "clerk")
    assert (again.number, again.reprint) == ("城信受〔2026〕1号", True)
    events = [e for e in ws.case(a.row).events if e.action == "notice"]
    assert [e.payload["number"] for e in events] == ["城信受〔2026〕1号", "城信处〔2026〕1号"]   # reprints add none
    clock.set(datetime(2027, 1, 4, 9, 0))
    c = _replied(ws, clock, "丙", "13900000103")
    assert ws.notices.issue(c.row, "受理告知书", "clerk").number == "城信受〔2027〕1号"
    ws.notices.set_prefix("受理告知书", "东信受", "admin")
    d = _replied(ws, clock, "丁", "13900000104")
    assert ws.notices.issue(d.row, "受理告知书", "clerk").number == "东信受〔2027〕2号"     # never reuses 1
    with pytest.raises(DomainError, match="文号前缀"):
        ws.notices.set_prefix("受理告知书", "东信〔受", "admin")
    assert ws.check()["ok"]                   # notice events are in every chain and replay cleanly


def test_a_kind_the_state_does_not_allow_is_refused_in_chinese():
    ws, clock = make_workspace(datetime(2026, 3, 2, 9, 0))
    case = register(ws)
    with pytest.raises(DomainError, match="尚未受理.*待处置.*受理告知书"):
        ws.notices.issue(case.row, "受理告知书", "clerk")
    with pytest.raises(DomainError, match="未知的文书"):
        ws.notices.issue(case.row, "告知单", "clerk")
    assert ws.notices.allowed(case.row) == []
    ws.act(case.row, "accept", "clerk")
    clock.advance(days=1)
    ws.act(case.row, "extend", "clerk", data={"days": 20, "approver": "王局长", "reason": "需现场勘验"})
    assert ws.notices.allowed(case.row) == ["受理告知书", "延期告知书"]
    assert not [e for e in ws.case(case.row).events if e.action == "notice"]


def test_issuing_a_notice_does_not_block_back_dated_steps():
    ws, clock = make_workspace(datetime(2026, 3, 10, 9, 0))
    case = register(ws, received_at="2026-03-02 09:00")
    ws.act(case.row, "accept", "clerk", at=datetime(2026, 3, 3, 9, 0))
    ws.notices.issue(case.row, "受理告知书", "clerk")
    ws.act(case.row, "reply", "clerk", at=datetime(2026, 3, 5, 9, 0), data={"outcome": "解释说明"})


@needs_poppler
def test_notice_pdfs_are_filled_from_the_case(tmp_path):
    ws, clock = make_workspace(datetime(2026, 3, 2, 9, 0))
    case = _replied(ws, clock, "王建国", "13900000105")
    issued = ws.notices.issue(case.row, "处理意见书", "clerk")
    pdf = ws.notices.pdf(issued, "clerk")
    path = tmp_path / "n.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert all(" yes " in line for line in fonts.splitlines()[2:]) and "Helvetica" not in fonts
    text = _text(pdf, tmp_path)
    for words in ("江城市住房保障和房屋管理局", "城信处〔2026〕1号", "信访事项处理意见书", "王建国：",
                  "经查，该公司拖欠工资属实", "责令该公司于十日内足额支付", "《保障农民工工资支付条例》第三条",
                  "三十日内，向江城市人民政府请求复查", "2026年3月7日", "送达回执", "受送达人签名"):
        assert words in text, words
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "Pages:           2" in info and "595.276 x 841.89" in info
    accepted = ws.notices.pdf(ws.notices.issue(case.row, "受理告知书", "clerk"), "clerk")
    text = _text(accepted, tmp_path)
    assert "已于2026年3月2日依法受理" in text and "2025-信-000001" in text   # the case was received in 2025


def test_cli_notice(tmp_path, capsys):
    from xinfang.cli.main import main
    db = str(tmp_path / "n.db")
    ws, clock = make_workspace(datetime(2026, 3, 2, 9, 0))
    case = _replied(ws, clock, "李四", "13900000106")
    ws.store.conn.execute("VACUUM INTO ?", (db,))
    out = tmp_path / "x.pdf"
    assert main(["--db", db, "--now", "2026-03-08", "notice", case.number, "处理意见书", "--out", str(out)]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    assert main(["--db", db, "--json", "--now", "2026-03-08", "notice", case.number, "复核意见书",
                 "--out", str(tmp_path / "y.pdf")]) != 0
    assert "尚未作出复核意见" in capsys.readouterr().err
    assert not (tmp_path / "y.pdf").exists()

"""The 司法确认 window on both sides of its last day, the other clocks, and the 卷宗 check before 归档."""
from __future__ import annotations

import pytest

from xinfang.domain.problems import DomainError

from .conftest import at, session, succeed, walk


def agreement_on(ws, effective: str) -> int:
    """A written agreement effective on ``effective`` (accepted and mediated that same day)."""
    return walk(ws, [("accept", effective, {}), session(effective), succeed(effective, due=effective)],
                received_at=effective + " 08:00")


def window(d):
    return next(x for x in d["deadlines"] if x["step"] == "judicial_confirmation")


# Hand-computed: effective 2025-09-05 + 30 days = 2025-10-05 (Sunday, inside the 2025 National Day
# holiday 10-01..10-08); the next workday is Thursday 2025-10-09.
# Effective 2026-02-13 + 30 days = 2026-03-15, an ordinary Sunday; the next workday is Monday 2026-03-16.
@pytest.mark.parametrize("effective,last_day,rest_day", [
    ("2025-09-05", "2025-10-09", "2025-10-05"),
    ("2026-02-13", "2026-03-16", "2026-03-15"),
])
def test_confirmation_window_last_day_moves_off_rest_day(env, effective, last_day, rest_day):
    ws, _ = env
    on_time, late = agreement_on(ws, effective), agreement_on(ws, effective)
    w = window(ws.mediation.show(on_time))
    assert w["due"] == last_day
    assert any(rest_day in line and "顺延" in line for line in w["explain"])
    d, warnings = ws.mediation.act(on_time, "confirm-apply", "wang", at(last_day), {"court": "城东区人民法院"})
    assert warnings == () and d["confirmation"]["late"] is False and window(d)["state"] == "按期完成"
    day_after = {"2025-10-09": "2025-10-10", "2026-03-16": "2026-03-17"}[last_day]
    d, warnings = ws.mediation.act(late, "confirm-apply", "wang", at(day_after), {"court": "城东区人民法院"})
    assert d["confirmation"]["late"] is True and d["confirmation"]["applied_on"] == day_after   # kept, flagged
    assert len(warnings) == 1 and "逾期申请" in warnings[0] and last_day in warnings[0]
    assert window(d)["state"] == "逾期完成" and d["events"][-1]["payload"]["late"] is True


def test_window_with_an_ordinary_workday_last_day(env):
    ws, _ = env
    # 2026-06-01 (Mon) + 30 = 2026-07-01, a Wednesday: no move.
    d = ws.mediation.show(agreement_on(ws, "2026-06-01"))
    assert window(d)["due"] == "2026-07-01"


def test_mediation_period_extension_and_followup(env):
    ws, clock = env
    clock.set(at("2026-06-10"))
    row = walk(ws, [("accept", "2026-06-01", {})], received_at="2026-06-01 08:00")
    d = ws.mediation.show(row)
    # 2026-06-01 + 30 = 2026-07-01 (Wednesday)
    mediate = d["deadlines"][0]
    assert (mediate["step"], mediate["due"], mediate["state"]) == ("mediate", "2026-07-01", "正常")
    d, _ = ws.mediation.act(row, "extend", "wang", at("2026-06-10"), {"consent": True, "reason": "等待鉴定"})
    # + 30 more = 2026-07-31 (Friday)
    assert d["deadlines"][0]["due"] == "2026-07-31"
    ws.mediation.act(row, "session", "wang", at("2026-06-10"), session("x")[2])
    d, _ = ws.mediation.act(row, "succeed", "wang", at("2026-06-10"), succeed("2026-06-10", due="2026-06-20")[2])
    steps = {x["step"]: x for x in d["deadlines"]}
    assert steps["performance"]["due"] == "2026-06-20"
    # 回访 15 days after 2026-06-20 = 2026-07-05, a Sunday → Monday 2026-07-06
    assert steps["followup"]["due"] == "2026-07-06"
    assert steps["mediate"]["state"] == "按期完成"


def test_file_check_refuses_archive_until_complete(env, tmp_path):
    ws, _ = env
    row = walk(ws, [("accept", "2026-09-02", {}), session("2026-09-03"), succeed("2026-09-04")])
    d = ws.mediation.show(row)
    assert d["missing_documents"] == ["人民调解申请书或受理登记表", "当事人身份证明", "当事人权利义务告知书", "调解记录",
                                      "人民调解协议书"]
    with pytest.raises(DomainError) as exc:
        ws.mediation.act(row, "archive", "wang", at("2026-09-10"), {})
    assert "缺少：人民调解申请书或受理登记表、当事人身份证明、当事人权利义务告知书、调解记录、人民调解协议书" in exc.value.message
    assert ws.mediation.show(row)["status"] == "succeeded"
    for kind in ("受理登记表", "告知书", "调解记录", "协议书"):
        ws.mediation.print_pdf(row, kind, "wang")
    assert ws.mediation.show(row)["missing_documents"] == ["当事人身份证明"]
    # an in-memory database keeps no files; a server keeps them in the database but a folder is no file
    with pytest.raises(DomainError, match="不是文件" if ws.store.dialect.server else "内存数据库"):
        ws.mediation.attach(row, "身份证明", [str(tmp_path)], "wang")
    optional = {x["kind"]: x["present"] for x in ws.mediation.show(row)["file"] if not x["required"]}
    assert optional == {"授权委托书": False, "调查记录": False, "证据": False, "履行凭证": False, "回访记录": False,
                        "司法确认材料": False, "卷宗情况说明": False}


def test_file_check_with_attachments_and_archive(tmp_path):
    from datetime import datetime

    from tests.helpers import Clock, lasting_target
    from xinfang.services import Workspace
    from .conftest import COMMITTEE_A
    clock = Clock(datetime(2026, 12, 1, 10, 0))
    ws = Workspace.open(lasting_target(tmp_path, clock(), "m.db"), now=clock)
    ws.mediation.add_committee(COMMITTEE_A, "420102001001", "admin", prefix="樱园")
    ws.mediation.add_mediator("王调解", COMMITTEE_A, "admin")
    row = walk(ws, [("decline", "2026-09-02", {"reason": "已被人民法院、公安机关或其他行政机关受理"})])
    # a declined dispute needs only the application and the identity papers
    assert ws.mediation.show(row)["missing_documents"] == ["人民调解申请书或受理登记表", "当事人身份证明"]
    scan = tmp_path / "身份证复印件.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    ws.mediation.attach(row, "身份证明", [str(scan)], "wang")
    ws.mediation.print_pdf(row, "申请书", "wang")
    d = ws.mediation.show(row)
    assert d["missing_documents"] == []
    assert [x["origin"] for x in d["documents"]] == ["attached", "generated"]
    assert ws.mediation.document_path(d["documents"][0]).read_bytes() == b"%PDF-1.4 scan"
    d, _ = ws.mediation.act(row, "archive", "wang", at("2026-09-10"), {"volume_no": "2026-卷-1", "retention": "长期"})
    assert d["status"] == "archived" and d["archived_on"] == "2026-09-10"
    assert ws.check()["ok"]
    ws.close()

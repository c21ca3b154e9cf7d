"""The dispute list's text search (its own FTS index, migration 0038): any substring of 1+ characters of the
number, the parties' and agents' names, the mediators, ID numbers, phones, the referral number, summary and
requests. Expected hits are read off the three disputes written below, by hand."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from tests.helpers import Clock, empty_search_index, lasting_target
from tests.mediation.conftest import COMMITTEE_B, dispute_json
from xinfang.services import Workspace
from xinfang.services.mediation import DisputeFilter
from xinfang.storage import db


def _three(ws) -> tuple[int, int, int]:
    med = ws.mediation
    a = med.register(dispute_json(), "clerk")["row"]            # 张三/李四, 王调解, 漏水, 13912345678
    b = med.register(dispute_json(
        summary="相邻通道通行纠纷", requests="拆除围墙", mediators=["刘调解"],
        parties=[{"name": "王伟", "kind": "个人", "phone": "13700001111", "side": "申请人", "agent": "赵律师"},
                 {"name": "樱园物业公司", "kind": "单位", "id_number": "91420100MA4KX1234B", "side": "被申请人"}]),
        "clerk")["row"]
    c = med.register(dispute_json(committee=COMMITTEE_B, mediators=["陈调解"], summary="拖欠货款",
                                  requests="支付货款", source="委托移送", referred_by="法院", referral_no="（2026）鄂0102民诉前调88号",
                                  parties=[{"name": "王五", "kind": "个人", "side": "申请人"},
                                           {"name": "伟业商行", "kind": "单位", "side": "被申请人"}]), "clerk")["row"]
    return a, b, c


def hits(ws, text: str, **f) -> list[int]:
    flt = DisputeFilter(text=text, **f)
    ids = ws.mediation.list_ids(flt)
    assert ws.mediation.count(flt) == len(ids)
    return ids


def test_every_field_is_found_by_any_substring(env):
    ws, _ = env
    a, b, c = _three(ws)
    assert hits(ws, "漏") == [a]                       # one character of a summary
    assert hits(ws, "漏水") == [a]
    assert hits(ws, "王") == [c, b, a]                 # 王五, 王伟 (parties), 王调解 (mediator of a); newest first
    assert hits(ws, "王调解") == [a]                   # a mediator by full name
    assert hits(ws, "伟") == [c, b]                    # 王伟 (party) and 伟业商行 (party)
    assert hits(ws, "赵律师") == [b]                   # an agent
    assert hits(ws, "围墙") == [b]                     # requests
    assert hits(ws, "1234") == [b, a]                  # 139‑1234‑5678 (a), …MA4KX1234B (b)
    assert hits(ws, "0001111") == [b]                  # a phone fragment
    assert hits(ws, "ma4kx") == [b]                    # a credit code, letters folded
    assert hits(ws, "1231002x") == [a]                 # the end of an ID number
    assert hits(ws, "民诉前调88") == [c]               # the referral number
    assert hits(ws, "东湖人调字第1号") == [c]          # the dispute number
    assert hits(ws, "樱园人调字第2号") == [b]
    assert hits(ws, "第1号") == [c, a]
    assert hits(ws, "纠纷不存在") == [] and hits(ws, "2027") == []


def test_search_with_other_filters_and_nothing_searchable(env):
    ws, _ = env
    a, b, c = _three(ws)
    code_b = ws.mediation.committee(COMMITTEE_B)["code"]
    assert hits(ws, "王", committee=code_b) == [c]
    assert hits(ws, "王伟") == [b]
    assert hits(ws, "王", status=("registered",)) == [c, b, a]
    assert ws.mediation.first_page(DisputeFilter(text="王"), 1) == [c]
    assert hits(ws, "、，。") == []                    # punctuation only: nothing to look for, nothing listed
    assert ws.mediation.list_ids(DisputeFilter(text="王"), order="received_at", descending=False) == [a, b, c]


@pytest.mark.sqlite_only(reason='upgrades an old SQLite file')
def test_disputes_registered_before_0038_are_indexed_by_the_upgrade(tmp_path):
    path = tmp_path / "old.db"
    ws = Workspace.open(path, now=Clock(datetime(2026, 12, 1, 10, 0)))
    med = ws.mediation
    med.add_committee("樱园社区人民调解委员会", "420102001001", "admin", prefix="樱园")
    med.add_mediator("王调解", "樱园社区人民调解委员会", "admin")
    row = med.register(dispute_json(), "clerk")["row"]
    ws.close()
    conn = db.connect(path)                # back to the schema before 0038, as an older program left it
    conn.execute("DROP TABLE dispute_search")
    conn.execute("DROP INDEX disputes_agreements")
    conn.execute("DROP INDEX disputes_accepted_by_kind")
    applied = sorted(db.applied_migrations(conn) - {38})
    conn.execute("UPDATE meta SET value = ? WHERE key = 'migrations'", (json.dumps(applied),))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(max(applied)),))
    conn.close()
    ws = Workspace.open(path, now=Clock(datetime(2026, 12, 1, 10, 0)))
    try:
        assert ws.mediation.list_ids(DisputeFilter(text="漏水")) == [row]
        assert ws.mediation.list_ids(DisputeFilter(text="李四")) == [row]
        assert ws.mediation.list_ids(DisputeFilter(text="王调解")) == [row]
        assert ws.check()["ok"]
    finally:
        ws.close()


def test_check_reports_a_dispute_missing_from_the_index_and_reindex_restores_it(env):
    ws, _ = env
    a, b, c = _three(ws)
    empty_search_index(ws, "dispute_search")                                 # as a damaged database
    report = ws.check()
    assert not report["ok"] and any("3 件矛盾纠纷不在搜索索引中" in p for p in report["problems"])
    assert hits(ws, "漏水") == []
    ws.reindex()
    assert ws.check()["ok"] and hits(ws, "漏水") == [a] and hits(ws, "王伟") == [b]


def test_after_reopen_the_mediation_service_reads_the_new_connection(tmp_path):
    """A restore reopens the database: ws.mediation must not keep the closed connection (设置 refreshes it)."""
    clock = Clock(datetime(2026, 12, 1, 10, 0))
    ws = Workspace.open(lasting_target(tmp_path, clock(), "r.db"), now=clock)
    ws.mediation.add_committee("樱园社区人民调解委员会", "420102001001", "admin", prefix="樱园")
    ws.mediation.add_mediator("王调解", "樱园社区人民调解委员会", "admin")
    row = ws.mediation.register(dispute_json(), "clerk")["row"]
    ws.reopen()
    try:
        assert ws.mediation.type_usage() == {"邻里": 1}
        assert ws.mediation.list_ids(DisputeFilter(text="漏水")) == [row]
    finally:
        ws.close()

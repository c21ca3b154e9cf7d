"""Issue 10 §2/§5: every mediation number of the monthly report lists the disputes behind it (the same
definitions as issue 9's figures), in the service, the CLI and the 报表 screen."""
from __future__ import annotations

import json

import pytest

from xinfang.domain.problems import DomainError

from .test_stats_and_link import september  # noqa: F401  (the hand-built September of issue 9's tests)


def ids_by_number(ws) -> dict[str, int]:
    return {row[1]: i for i, row in ws.mediation.list_rows(ws.mediation.list_ids()).items()}


def test_each_mediation_number_lists_its_disputes(september):  # noqa: F811
    ws = september
    data = ws.reports.dataset(ws.reports.month("2026-09"))
    q = data["queries"]
    rows = sorted(ws.mediation.list_ids())           # registration order = the fixture's numbering 1…8
    n = {k: rows[k - 1] for k in range(1, 9)}
    got = lambda path: set(ws.reports.dispute_ids(q[path]))   # noqa: E731
    # by hand from the fixture's comments: accepted in September 1, 2, 3, 4, 6, 8; agreements 1, 2, 5, 8;
    # 确认有效 1; 即时/按期履行 1, 5; prevented criminal 1, group petition 2
    assert got("mediation.accepted") == {n[1], n[2], n[3], n[4], n[6], n[8]} == got("mediation.success_rate.denominator")
    assert got("mediation.succeeded") == {n[1], n[2], n[5], n[8]} == got("mediation.confirmation_rate.denominator")
    assert got("mediation.confirmed") == {n[1]}
    assert got("mediation.performed") == {n[1], n[5]}
    assert got("mediation.prevented.criminal") == {n[1]}
    assert got("mediation.prevented.group_petition") == {n[2]}
    assert got("mediation.by_source.当事人申请") == {n[1], n[4], n[6], n[8]}
    assert got("mediation.by_type.邻里") == {n[1], n[3], n[6]}
    # each list has as many disputes as the number the report prints
    m = data["mediation"]
    for path, value in (("mediation.accepted", m["accepted"]), ("mediation.succeeded", m["succeeded"]),
                        ("mediation.confirmed", m["confirmed"]), ("mediation.performed", m["performed"])):
        assert len(got(path)) == value
    # the table cells carry the paths
    table = next(t for t in ws.reports.tables(data) if t["key"] == "mediation")
    assert {c["q"] for r in table["rows"] for c in r["cells"] if c["q"]} >= {
        "mediation.accepted", "mediation.succeeded", "mediation.confirmed", "mediation.performed",
        "mediation.prevented.criminal", "mediation.prevented.group_petition"}


def test_a_case_query_is_not_a_dispute_query(september):  # noqa: F811
    ws = september
    data = ws.reports.dataset(ws.reports.month("2026-09"))
    with pytest.raises(DomainError, match="统计口径"):
        ws.reports.dispute_ids(data["queries"]["total.count"])
    with pytest.raises(DomainError, match="统计口径"):
        ws.reports.case_ids(data["queries"]["mediation.accepted"])


def test_cli_lists_the_disputes(september, tmp_path, capsys):  # noqa: F811
    from xinfang.cli.main import main
    path = september.store.path                 # the server database itself, or a file copy of the in-memory one
    if not september.store.dialect.server:
        path = tmp_path / "m.db"
        september.store.conn.execute(f"VACUUM INTO '{path}'")
    code = main(["report", "cases", "2026-09", "mediation.prevented.group_petition", "--db", str(path),
                 "--now", "2026-12-01T10:00", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    got = json.loads(out)
    assert got["total"] == 1 and got["items"][0]["type"] == "合同" and got["query"]["what"] == "group_petition"

"""`xinfang clear-demo`: without --yes it lists and changes nothing; with --yes it backs up and removes (JSON keys
are a contract: cases, kept, acted_on, clerks, real_logins, dry_run; removed, backup, anchor_before/after)."""
import json

from xinfang.cli.main import main

from tests.helpers import case_json


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_clear_demo_lists_then_removes(capsys, tmp_path):
    db = str(tmp_path / "office.db")
    now = ("--now", "2026-11-27 10:00")
    assert run(capsys, "demo", "--cases", "25", "--db", db, *now)[0] == 0
    case = tmp_path / "case.json"
    case.write_text(json.dumps(case_json(received_at="2026-11-26 09:00"), ensure_ascii=False), encoding="utf-8")
    assert run(capsys, "case", "add", str(case), "--db", db, *now)[0] == 0

    code, out, _ = run(capsys, "clear-demo", "--db", db, "--json", *now)
    plan = json.loads(out)
    assert code == 0 and plan["dry_run"] is True and plan["cases"] == 25 and plan["kept"] == []
    assert {"acted_on", "clerks", "real_logins", "first_number", "last_number"} <= set(plan)
    code, out, _ = run(capsys, "clear-demo", "--db", db, *now)
    assert code == 0 and "演示数据生成的信访件 25 件" in out and "加 --yes 清除" in out
    assert json.loads(run(capsys, "case", "list", "--db", db, "--json", *now)[1])["total"] == 26   # nothing gone

    code, out, err = run(capsys, "clear-demo", "--yes", "--db", db, "--json", *now)
    done = json.loads(out)
    assert code == 0, err
    assert done["dry_run"] is False and done["removed"]["cases"] == 25 and done["backup"]
    assert done["anchor_before"] != done["anchor_after"]
    assert json.loads(run(capsys, "case", "list", "--db", db, "--json", *now)[1])["total"] == 1
    code, out, _ = run(capsys, "check", "--db", db, "--json", "--anchor", done["anchor_before"], *now)
    assert code == 0 and json.loads(out)["ok"] is True
    code, out, err = run(capsys, "clear-demo", "--yes", "--db", db, "--json", *now)
    assert code != 0 and out == "" and "没有可清除的演示数据" in json.loads(err)["error"]

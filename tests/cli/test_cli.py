"""CLI round trips with --json: the command names and keys are a contract."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from xinfang.cli.main import main

from tests.cli_engines import check_is_clean, on_server
from tests.helpers import case_json

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(cli_target):
    """A database with the sample directory, installed the way an office asks for it: a file, and a server
    database (tests/cli/conftest.py)."""
    import contextlib
    import io
    path = cli_target
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init", "--sample", "--db", path]) == 0
    return path


def test_calendar_due_contract(capsys, db):
    code, out, _ = run(capsys, "calendar", "due", "2025-09-30", "15", "--unit", "calendar", "--json", "--db", db)
    assert code == 0 and json.loads(out)["due"] == "2025-10-15"
    code, out, _ = run(capsys, "calendar", "due", "2025-09-26", "5", "--unit", "working", "--json", "--db", db)
    data = json.loads(out)
    assert data["due"] == "2025-10-10" and isinstance(data["explain"], list) and data["explain"]
    code, out, _ = run(capsys, "calendar", "due", "2027-03-01", "10", "--unit", "working", "--json", "--db", db)
    assert json.loads(out)["missing_years"] == [2027]


def test_idcheck_contract(capsys):
    code, out, _ = run(capsys, "idcheck", "11010519491231002X", "--json")
    assert code == 0 and json.loads(out) | {"problems": []} == {
        "valid": True, "normalized": "11010519491231002X", "kind": "居民身份证", "sex": "女",
        "birth": "1949-12-31", "problems": []}
    code, out, _ = run(capsys, "idcheck", "110105194912310021", "--json")
    data = json.loads(out)
    assert code == 1 and data["valid"] is False and data["problems"]


def test_case_add_show_act_round_trip(capsys, db, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_json(), ensure_ascii=False), encoding="utf-8")
    now = ["--now", "2025-09-30 10:00", "--db", db, "--json"]
    code, out, _ = run(capsys, "case", "add", str(path), *now)
    added = json.loads(out)
    assert code == 0 and added["number"] == "2025-信-000001" and added["status"] == "registered"
    for key in ("id", "number", "status", "events", "repeat_of", "deadlines"):
        assert key in added
    assert added["deadlines"][0]["step"] == "dispose" and added["deadlines"][0]["due"] == "2025-10-15"
    code, out, _ = run(capsys, "case", "act", added["number"], "forward", "--at", "2025-09-30 11:00",
                       "--by", "clerk", "--data", '{"unit": "420102-RSJ"}', *now)
    assert code == 0 and json.loads(out)["status"] == "pending_acceptance"
    code, out, _ = run(capsys, "case", "act", added["id"], "accept", "--at", "2025-10-09", "--now", "2025-10-09 12:00",
                       "--db", db)
    assert code == 0
    code, out, _ = run(capsys, "case", "show", added["id"], "--now", "2025-10-10", "--db", db, "--json")
    shown = json.loads(out)
    assert shown["status"] == "handling"
    assert {d["step"] for d in shown["deadlines"]} == {"dispose", "notice", "object", "handle"}
    handle = next(d for d in shown["deadlines"] if d["step"] == "handle")
    assert handle["due"] == "2025-12-08" and handle["state"] == "正常" and handle["explain"]
    assert [e["action"] for e in shown["events"]] == ["register", "forward", "accept"]


def test_errors_are_json_on_stderr_with_nonzero_exit(capsys, db):
    code, out, err = run(capsys, "case", "show", "2025-信-999999", "--db", db, "--json")
    assert code != 0 and out == "" and "找不到案件" in json.loads(err)["error"]
    code, out, err = run(capsys, "case", "act", "1", "fly", "--db", db, "--json")
    assert code != 0 and json.loads(err)["error"]


def test_search_list_check_and_sheet(capsys, db, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_json(), ensure_ascii=False), encoding="utf-8")
    run(capsys, "case", "add", str(path), "--now", "2025-09-30 10:00", "--db", db)
    code, out, _ = run(capsys, "search", "拖欠", "--db", db, "--json")
    assert code == 0 and json.loads(out)["total"] == 1
    code, out, _ = run(capsys, "case", "list", "--status", "registered", "--db", db, "--json")
    assert json.loads(out)["items"][0]["number"] == "2025-信-000001"
    code, out, _ = run(capsys, "case", "list", "--due", "逾期", "--now", "2025-10-20", "--db", db, "--json")
    assert json.loads(out)["total"] == 1
    report = check_is_clean(lambda: run(capsys, "check", "--db", db, "--json"))
    if not on_server(db):
        assert report["integrity_kind"].startswith("快速检查")
        code, out, _ = run(capsys, "check", "--deep", "--db", db)
        assert code == 0 and "SQLite 完整性（深度检查" in out
    pdf = tmp_path / "sheet.pdf"
    code, out, _ = run(capsys, "sheet", "2025-信-000001", "--out", str(pdf), "--db", db)
    assert code == 0 and pdf.read_bytes().startswith(b"%PDF")


def test_calendar_import_reports_bad_rows(capsys, db, tmp_path):
    bad = tmp_path / "h.csv"
    bad.write_text("date,kind,name\n2027-02-30,休,春节\n2027-02-11,休,春节\n", encoding="utf-8")
    code, _, err = run(capsys, "calendar", "import", str(bad), "--db", db, "--json")
    assert code != 0 and "第2行" in json.loads(err)["error"]
    code, out, _ = run(capsys, "calendar", "import", str(bad), "--accept-good", "--db", db, "--json")
    assert code == 0 and json.loads(out)["imported"] == 1


def test_module_entry_point_self_test():
    result = subprocess.run([sys.executable, "-m", "xinfang", "self-test", "--json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True


def test_route_and_rules_commands(capsys, db, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_json(summary="某工地拖欠农民工工资", place="东湖街道樱园社区",
                                         content="包工头拖欠工资"), ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(capsys, "route", str(path), "--db", db, "--json")
    decision = json.loads(out)
    assert code == 0 and set(decision) >= {"unit", "unit_name", "channel", "principle", "rule", "reasons",
                                           "alternatives", "needs_manual"}
    assert decision["unit_name"] == "城东区住房和城乡建设局" and decision["channel"] == "办理"
    code, out, _ = run(capsys, "rules", "list", "--db", db, "--json")
    assert json.loads(out)["version"] == 1 and len(json.loads(out)["rules"]) > 50
    bad = tmp_path / "rules.csv"
    bad.write_text("事项类别,关键词,属地,责任单位,优先级,依据\n劳动和社会保障/拖欠工资,,,不存在的局,,\n", encoding="utf-8")
    code, _, err = run(capsys, "rules", "import", str(bad), "--db", db, "--json")
    assert code != 0 and "第2行" in json.loads(err)["error"]
    code, out, _ = run(capsys, "units", "set-office", "420102-XFJ", "--db", db, "--json")
    assert json.loads(out)["office_name"] == "城东区信访局"


def test_case_add_refuses_an_old_received_date_unless_confirmed(capsys, db, tmp_path):
    path = tmp_path / "old.json"
    path.write_text(json.dumps(case_json(received_at="2015-03-01 09:00"), ensure_ascii=False), encoding="utf-8")
    now = ["--now", "2026-11-27 10:00", "--db", db, "--json"]
    code, out, err = run(capsys, "case", "add", str(path), *now)
    assert code != 0 and out == ""
    error = json.loads(err)
    assert "早于 5 年前（2021-11-27）" in error["error"] and "--confirm-old" in error["error"]
    assert error["problems"][0]["field"] == "received_at"
    code, out, err = run(capsys, "case", "add", str(path), "--confirm-old", *now)
    assert code == 0 and json.loads(out)["number"] == "2015-信-000001"


def test_case_act_refuses_a_served_date_before_the_reply(capsys, db, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_json(received_at="2026-11-02 09:00"), ensure_ascii=False), encoding="utf-8")
    now = ["--now", "2026-11-27 10:00", "--db", db, "--json"]
    assert run(capsys, "case", "add", str(path), *now)[0] == 0
    for action, at, data in [("accept", "2026-11-03", "{}"), ("reply", "2026-11-20", '{"outcome": "支持"}')]:
        assert run(capsys, "case", "act", "2026-信-000001", action, "--at", at, "--data", data, *now)[0] == 0
    code, out, err = run(capsys, "case", "act", "2026-信-000001", "serve", "--data", '{"served_on": "2019-01-01"}', *now)
    assert code != 0 and "送达日期 2019-01-01 早于上一步的日期 2026-11-20" in json.loads(err)["error"]


def test_an_office_database_starts_without_the_sample_until_asked(capsys, tmp_path):
    """Issue 11 §3: as in the GUI, a new database made by any command has the national holidays and nothing
    of the 江城市城东区 sample; `init --sample` installs it as a template; demo data brings its own district."""
    for first in (["init"], ["init", "--empty"], ["case", "list"], ["config"]):
        path = str(tmp_path / f"office-{len(first)}-{first[-1]}.db")
        assert run(capsys, *first, "--db", path, "--json")[0] == 0
        code, out, _ = run(capsys, "init", "--db", path, "--json")
        info = json.loads(out)
        assert code == 0 and info["units"] == 0 and info["categories"] == 0 and info["rule_version"] == 0, first
        assert info["holidays"] > 700 and info["cases"] == 0           # 2004–2026 are always there
    code, out, _ = run(capsys, "init", "--sample", "--db", path, "--json")
    info = json.loads(out)
    assert info["units"] > 0 and info["categories"] > 0 and info["rule_version"] == 1
    assert run(capsys, "init", "--sample", "--db", path, "--json")[0] == 0    # again: left as it is
    assert json.loads(run(capsys, "init", "--db", path, "--json")[1])["rule_version"] == 1
    demo = str(tmp_path / "demo.db")
    assert run(capsys, "demo", "--cases", "20", "--db", demo, "--json")[0] == 0
    info = json.loads(run(capsys, "init", "--db", demo, "--json")[1])
    assert info["units"] > 0 and info["rule_version"] == 1 and info["cases"] == 20


@pytest.fixture
def file_db(tmp_path):
    """A database file (what these commands copy; a server's backups: tests/cli/test_cli_server_backup.py)."""
    import contextlib
    import io
    path = str(tmp_path / "cli.db")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init", "--sample", "--db", path]) == 0
    return path


def test_backup_list_verify_restore_contract(capsys, file_db, tmp_path):
    db = file_db
    case = tmp_path / "case.json"
    case.write_text(json.dumps(case_json(), ensure_ascii=False), encoding="utf-8")
    run(capsys, "--db", db, "--now", "2026-11-27 09:00", "case", "add", str(case), "--json")
    code, out, _ = run(capsys, "--db", db, "--now", "2026-11-27 09:30", "backup", "--json")
    made = json.loads(out)
    assert code == 0 and made["cases"] == 1 and made["kind"] == "manual" and len(made["sha256"]) == 64
    assert {"file", "created_at", "source", "schema_version", "size"} <= set(made)
    out_file = tmp_path / "usb" / "copy.db"
    code, out, _ = run(capsys, "--db", db, "backup", "--out", str(out_file), "--json")
    assert code == 0 and json.loads(out)["file"] == str(out_file.resolve()) and out_file.exists()

    code, out, _ = run(capsys, "--db", db, "backup", "list", "--json")
    listed = json.loads(out)
    assert [b["file"] for b in listed["backups"]] == [made["file"]]      # --out copies live elsewhere
    assert listed["folder"] == str((tmp_path / "backups").resolve())

    code, out, _ = run(capsys, "--db", db, "backup", "verify", made["file"], "--json")
    assert code == 0 and json.loads(out)["ok"] is True

    run(capsys, "--db", db, "case", "add", str(case), "--json")
    code, out, err = run(capsys, "--db", db, "restore", made["file"], "--json")
    assert code == 0, err
    restored = json.loads(out)
    assert code == 0 and restored["cases"] == 1 and Path(restored["previous_saved_as"]).exists()
    code, out, _ = run(capsys, "--db", db, "check", "--json")
    assert json.loads(out)["ok"] is True

    # a truncated copy: verify says why (exit 1), restore refuses with a JSON error (exit 2), nothing changes
    with open(out_file, "r+b") as fh:
        fh.truncate(out_file.stat().st_size // 2)
    code, out, _ = run(capsys, "--db", db, "backup", "verify", str(out_file), "--json")
    assert code == 1 and json.loads(out)["ok"] is False and json.loads(out)["problems"]
    code, out, err = run(capsys, "--db", db, "restore", str(out_file), "--json")
    assert code == 2 and out == "" and "未恢复" in json.loads(err)["error"]
    code, out, _ = run(capsys, "--db", db, "case", "list", "--json")
    assert json.loads(out)["total"] == 1



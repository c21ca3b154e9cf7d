"""Issue 8 §4 CLI round trips with --json (the names and keys are a contract) and the PDFs they print."""
import json
import subprocess

import pytest

from xinfang.cli.main import main

from tests.cli_engines import check_is_clean
from tests.helpers import case_json


def run(capsys, db, *args, now="2026-03-01 10:00"):
    code = main([*args, "--json", "--db", db, "--now", now])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), (json.loads(err) if err.strip() else None)


def _raw(capsys, db, *args):
    code = main([*args, "--json", "--db", db])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(cli_target, tmp_path, capsys):
    db = cli_target              # a file, and a server database (tests/cli/conftest.py)
    assert run(capsys, db, "init", "--sample")[0] == 0         # the sample directory routes the cases
    for i, (name, phone, summary) in enumerate([("张三", "13812345678", "某建筑公司拖欠农民工工资"),
                                                 ("李四", "13900000001", "小区噪声扰民问题多次反映")]):
        f = tmp_path / f"c{i}.json"
        f.write_text(json.dumps(case_json(name=name, id_number="", phone=phone, summary=summary,
                                          received_at="2026-01-05 09:00"), ensure_ascii=False), encoding="utf-8")
        assert run(capsys, db, "case", "add", str(f))[0] == 0
    return db


def pdf_text(path) -> str:
    return "".join(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                                  capture_output=True).stdout.decode("utf-8").split())


def test_round_trip(capsys, db, tmp_path):
    code, leader, _ = run(capsys, db, "leader", "add", "王五", "--post", "区委常委、政法委书记")
    assert code == 0 and (leader["name"], leader["post"]) == ("王五", "区委常委、政法委书记")
    assert [x["name"] for x in run(capsys, db, "leader", "list")[1]] == ["王五"]
    code, batch, _ = run(capsys, db, "backlog", "batch", "add", "--name", "2026年第一批", "--issuer", "市信访联席办",
                         "--issued", "2026-01-10", "--target", "2026-06-30", "--target-rate", "0.9")
    assert code == 0 and {"id", "name"} <= set(batch) and batch["target_rate"] == 0.9
    assert [b["name"] for b in run(capsys, db, "backlog", "batch", "list")[1]] == ["2026年第一批"]
    code, rec, _ = run(capsys, db, "backlog", "add", "1", "--batch", "2026年第一批", "--source", "上级交办",
                       "--leader", "王五", "--unit", "420102-RSJ", "--plan", "约谈信访人，协调支付", "--at", "2026-02-01")
    assert code == 0 and {"id", "case", "status"} <= set(rec) and rec["status"] == "未化解"
    assert rec["due"] == "2026-06-30" and rec["unit"] == "420102-RSJ"
    rid = str(rec["id"])
    for action, data in [("progress", {"text": "已约谈"}), ("resolve", {"way": "依法解决", "note": "工资已付"}),
                         ("close", {}), ("reopen", {"reason": "又来访"}),
                         ("reassign", {"leader": "王五", "reason": "x"})]:
        code, out, err = run(capsys, db, "backlog", "act", rid, action, "--data", json.dumps(data, ensure_ascii=False),
                             "--by", "wang")
        if action == "reassign":
            assert code != 0 and "已是该积案的包案领导" in err["error"] and err["problems"] == []
        else:
            assert code == 0, err
    code, shown, _ = run(capsys, db, "backlog", "show", rid)
    assert [e["action"] for e in shown["events"]] == ["take", "progress", "resolve", "close", "reopen"]
    assert shown["events"][1]["actor"] == "wang" and {"due", "due_state"} <= set(shown)
    assert shown["due_state"] == "未到期" and shown["status"] == "未化解"
    code, rows, _ = run(capsys, db, "backlog", "list", "--batch", "2026年第一批", "--leader", "王五",
                        "--unit", "420102-RSJ", "--status", "未化解")
    assert [r["id"] for r in rows] == [rec["id"]]
    assert run(capsys, db, "backlog", "list", "--overdue")[1] == []
    assert [r["id"] for r in run(capsys, db, "backlog", "list", "--overdue", now="2026-07-01")[1]] == [rec["id"]]
    code, stats, _ = run(capsys, db, "backlog", "stats", "--at", "2026-02-15")
    assert set(stats) >= {"total", "batches", "leaders", "units"}
    keys = {"assigned", "resolved", "rate", "overdue", "late_resolved", "delisted"}
    assert keys <= set(stats["total"]) and keys | {"id", "name", "target_rate", "days_left", "target_met"} <= set(
        stats["batches"][0])
    assert keys | {"leader"} <= set(stats["leaders"][0]) and keys | {"unit", "unit_name"} <= set(stats["units"][0])
    # the actions ran at the fixed clock (03-01), so as of 02-15 the record was taken on and still open
    assert (stats["total"]["assigned"], stats["total"]["resolved"], stats["total"]["rate"]) == (1, 0, 0.0)
    assert run(capsys, db, "backlog", "stats", "--batch", "1")[1]["batches"][0]["days_left"] == 121   # 03-01→06-30
    code, cands, _ = run(capsys, db, "backlog", "candidates")
    assert code == 0 and {"items", "rules"} <= set(cands)
    code, recep, _ = run(capsys, db, "reception", "add", "--date", "2026-01-05", "--leader", "王五",
                         "--place", "区信访局接待大厅")
    assert code == 0 and recep["date"] == "2026-01-05"
    assert [r["id"] for r in run(capsys, db, "reception", "list")[1]] == [recep["id"]]
    task, blist = tmp_path / "task.pdf", tmp_path / "batch.pdf"
    assert run(capsys, db, "backlog", "print", rid, "--out", str(task))[0] == 0
    assert run(capsys, db, "backlog", "print-batch", "2026年第一批", "--out", str(blist))[0] == 0
    t = pdf_text(task)
    assert "包案任务书" in t and "王五" in t and "约谈信访人，协调支付" in t and "2026年6月30日" in t
    assert "138****5678" in t and "13812345678" not in t and "包案领导签字" in t
    b = pdf_text(blist)
    assert "交办清单" in b and "张*" in b and "张三" not in b and "王五" in b
    fonts = subprocess.run(["pdffonts", str(blist)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts and all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])
    check_is_clean(lambda: _raw(capsys, db, "check"))


@pytest.mark.parametrize("args,message", [
    (["backlog", "add", "99", "--batch", "1", "--source", "上级交办"], "找不到案件"),
    (["backlog", "add", "1", "--batch", "7", "--source", "上级交办"], "找不到交办批次"),
    (["backlog", "add", "1", "--batch", "1", "--source", "上级交办", "--leader", "赵六"], "不在领导名单中"),
    (["backlog", "add", "1", "--batch", "1", "--source", "上级交办", "--unit", "不存在局"], "不在单位目录中"),
    (["backlog", "add", "1", "--batch", "1", "--source", "上级交办", "--at", "2026-01-04"], "早于案件收到日期"),
    (["backlog", "act", "1", "delist", "--data", '{"approver": "王"}'], "只有已化解或已结案的积案才能销号"),
    (["backlog", "act", "1", "progress", "--data", "{bad"], "不是有效的 JSON"),
    (["backlog", "act", "1", "progress", "--data", "[1]"], "应为 JSON 对象"),
    (["backlog", "stats", "--at", "2026-02-30"], "不是有效日期"),
])
def test_bad_input_is_a_json_error_and_changes_nothing(capsys, db, args, message):
    run(capsys, db, "leader", "add", "王五", "--post", "区长")
    run(capsys, db, "backlog", "batch", "add", "--name", "一批", "--issuer", "区委", "--issued", "2026-01-01",
        "--target", "2026-06-30")
    run(capsys, db, "backlog", "add", "2", "--batch", "1", "--source", "本级排查")
    before = run(capsys, db, "backlog", "list")[1]
    events_before = run(capsys, db, "backlog", "show", "1")[1]["events"]
    if args[1] == "act":
        args = [*args[:2], "1", *args[3:]]
    code, out, err = run(capsys, db, *args)
    assert code != 0 and out is None and message in err["error"]
    assert run(capsys, db, "backlog", "list")[1] == before
    assert run(capsys, db, "backlog", "show", "1")[1]["events"] == events_before


def test_leader_list_is_maintained(capsys, db):
    """A leader's post changes, a leader leaves: edit, deactivate (refused while he still holds an unresolved
    record), activate; each change is an event of his chain and nothing changes on a refusal."""
    assert run(capsys, db, "leader", "add", "王五", "--post", "副区长")[0] == 0
    assert run(capsys, db, "leader", "add", "赵六", "--post", "区长")[0] == 0
    code, d, _ = run(capsys, db, "leader", "edit", "王五", "--post", "区委常委、政法委书记", "--login", "wangwu")
    assert code == 0 and (d["post"], d["login"], d["active"]) == ("区委常委、政法委书记", "wangwu", True)
    code, _, err = run(capsys, db, "leader", "edit", "王五", "--post", "区委常委、政法委书记")
    assert code != 0 and "没有变化" in err["error"]
    run(capsys, db, "backlog", "batch", "add", "--name", "第一批", "--issuer", "市信访联席办", "--issued", "2026-01-10",
        "--target", "2026-06-30")
    rid = str(run(capsys, db, "backlog", "add", "1", "--batch", "第一批", "--source", "上级交办", "--leader", "王五",
                  "--at", "2026-02-01")[1]["id"])
    code, _, err = run(capsys, db, "leader", "deactivate", "王五")
    assert code != 0 and "还包案 1 件未化解的积案" in err["error"]
    assert run(capsys, db, "leader", "list")[1][0]["active"] is True                  # refused: nothing changed
    assert run(capsys, db, "backlog", "act", rid, "reassign", "--data", '{"leader": "赵六", "reason": "调任"}')[0] == 0
    code, d, _ = run(capsys, db, "leader", "deactivate", "王五")
    assert code == 0 and d["active"] is False
    assert [x["name"] for x in run(capsys, db, "leader", "list")[1]] == ["赵六"]
    assert [(x["name"], x["active"]) for x in run(capsys, db, "leader", "list", "--all")[1]] == [
        ("王五", False), ("赵六", True)]
    code, _, err = run(capsys, db, "backlog", "add", "2", "--batch", "第一批", "--source", "本级排查", "--leader", "王五")
    assert code != 0 and "已停用" in err["error"]
    code, _, err = run(capsys, db, "reception", "add", "--date", "2026-02-20", "--leader", "王五", "--place", "区信访局")
    assert code != 0 and "已停用" in err["error"]
    # his numbers stay: the record he held until the reassignment is still counted for him on that earlier day
    stats = run(capsys, db, "backlog", "stats", "--at", "2026-02-01")[1]
    assert [x["leader"] for x in stats["leaders"]] == ["王五"]
    assert run(capsys, db, "leader", "activate", "王五")[1]["active"] is True
    check_is_clean(lambda: _raw(capsys, db, "check"))

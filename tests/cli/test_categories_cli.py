"""An office database starts without categories (issue 11 §3): the office imports its own
(`categories import`, columns 一级,二级,诉访分离), and registration refuses while there are none."""
import json

from xinfang.cli.main import main

from tests.helpers import case_json

NOW = ("--now", "2026-11-27 10:00")


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_an_office_imports_its_own_categories_before_registering(capsys, tmp_path):
    db = str(tmp_path / "office.db")
    case = tmp_path / "case.json"
    case.write_text(json.dumps(case_json(category="城乡建设/物业管理", summary="小区物业不作为",
                                         received_at="2026-11-26 09:00"),
                               ensure_ascii=False), encoding="utf-8")
    assert run(capsys, "init", "--db", db, *NOW)[0] == 0
    code, out, err = run(capsys, "case", "add", str(case), "--db", db, "--json", *NOW)
    error = json.loads(err)
    assert code != 0 and out == "" and "类别表为空" in error["error"]
    assert [p["field"] for p in error["problems"] if p["level"] == "error"] == ["category"]

    cats = tmp_path / "类别.csv"
    cats.write_text("一级,二级,诉访分离\n城乡建设,物业管理,否\n城乡建设,,否\n城乡建设,物业管理,否\n"
                    "政法,涉法涉诉,是\n,孤儿行,否\n", encoding="utf-8")
    code, out, err = run(capsys, "categories", "import", str(cats), "--db", db, "--json", *NOW)
    assert code != 0 and out == ""                       # two bad rows: nothing imported without consent
    message = json.loads(err)["error"]
    assert "2 行错误" in message and "与第2行重复" in message and "一级类别未填写" in message
    assert json.loads(run(capsys, "categories", "list", "--db", db, "--json", *NOW)[1])["categories"] == []
    code, out, _ = run(capsys, "categories", "import", str(cats), "--accept-good", "--db", db, "--json", *NOW)
    report = json.loads(out)
    assert code == 0 and report["applied"] and report["good"] == 3 and len(report["problems"]) == 2
    listed = json.loads(run(capsys, "categories", "list", "--db", db, "--json", *NOW)[1])["categories"]
    assert [(c["path"], c["litigation"]) for c in listed] == [("城乡建设/物业管理", False), ("城乡建设", False),
                                                               ("政法/涉法涉诉", True)]
    code, out, err = run(capsys, "case", "add", str(case), "--db", db, "--json", *NOW)
    assert code == 0, err

    # a new list without a category in use says so; the case keeps it
    cats.write_text("一级,二级,诉访分离\n城乡建设,市政设施,否\n", encoding="utf-8")
    code, out, _ = run(capsys, "categories", "import", str(cats), "--db", db, "--json", *NOW)
    report = json.loads(out)
    assert code == 0 and any("城乡建设/物业管理" in m for m in report["messages"])
    shown = json.loads(run(capsys, "case", "show", "1", "--db", db, "--json", *NOW)[1])
    assert shown["category"] == "城乡建设/物业管理"

"""`case add` / `case act` input from issue 6 §3 and issue 11 §4: each input is refused with a Chinese
message naming the field, nothing is written, and every problem is reported (not only the first)."""
import json
import os
import re
import time

import pytest

from xinfang.cli.main import main
from tests.helpers import case_json

NOW = ["--now", "2025-09-30 10:00"]
CJK = re.compile(r"[\u4e00-\u9fff]")
PYTHON_TEXT = re.compile(r"\[\{|\{'|\['|Traceback|Error|invalid|isoformat|codec|Expecting|object of type")


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "in.db")
    assert main(["init", "--sample", "--db", path]) == 0       # the sample categories and units
    return path


def add(capsys, db, tmp_path, data, raw: bytes | None = None, *extra: str):
    path = tmp_path / "case.json"
    path.write_bytes(raw if raw is not None else json.dumps(data, ensure_ascii=False).encode("utf-8"))
    capsys.readouterr()
    code = main(["case", "add", str(path), "--db", db, "--json", *NOW, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def count(capsys, db) -> int:
    capsys.readouterr()
    assert main(["case", "list", "--db", db, "--json", *NOW]) == 0
    return json.loads(capsys.readouterr()[0])["total"]


def refused(capsys, db, tmp_path, data, raw=None) -> dict:
    code, out, err = add(capsys, db, tmp_path, data, raw)
    assert code == 2 and out == "", (out, err)
    payload = json.loads(err)
    assert CJK.search(payload["error"]) and not PYTHON_TEXT.search(payload["error"]), payload
    assert count(capsys, db) == 0           # nothing written
    return payload


def fields(payload) -> set[str]:
    return {p["field"] for p in payload["problems"]}


@pytest.mark.parametrize("patch, field, fragment", [
    ({"attachments": 2.5}, "attachments", "attachments 应为文件路径的列表"),
    ({"headcount": 1e30}, "headcount", "人数应为"),
    ({"headcount": 0}, "headcount", "人数应在 1–10,000 之间，收到 0"),
    ({"headcount": 1.9}, "headcount", "人数应为整数，收到 1.9"),
    ({"headcount": []}, "headcount", "人数应为 1–10,000 的整数"),
    ({"headcount": True}, "headcount", "人数应为"),
    ({"headcount": 10_001}, "headcount", "人数应在 1–10,000 之间"),
    ({"received_at": "0001-01-01"}, "received_at", "不在合理范围内（1950–2100 年）"),
    ({"received_at": "1949-12-31"}, "received_at", "不在合理范围内"),
    ({"received_at": "2025-13-01"}, "received_at", "收到时间“2025-13-01”无效"),
    ({"received_at": ["2025-09-30"]}, "received_at", "收到时间应为日期文字"),
    ({"place": ["东湖街道"]}, "place", "问题发生地应为文字，收到的是列表"),
    ({"summary": {"a": 1}}, "summary", "反映问题（摘要）应为文字，收到的是对象"),
    ({"content": ["x"]}, "content", "事实与理由应为文字"),
    ({"caused_by": {"unit": "x"}}, "caused_by", "引发单位应为文字"),
    ({"accused_unit": [1, 2]}, "accused_unit", "被检举单位应为文字"),
    ({"legal_status": "随便写"}, "legal_status", "法定途径状态“随便写”无效，应为：已起诉"),
    ({"channel": "飞鸽传书"}, "channel", "信访形式“飞鸽传书”无效"),
    ({"summary": "拖欠\x00工资"}, "summary", "空字符(NUL)"),
    ({"summary": "a" * 201}, "summary", "最多 200 字"),
    ({"public_reception": 2.5}, "public_reception", "应为 true 或 false"),
    ({"recieved_at": "2025-09-30"}, "recieved_at", "是否应为“received_at”"),
    ({"sumary": "x"}, "sumary", "是否应为“summary”"),
])
def test_bad_case_fields_are_refused_naming_the_field(capsys, db, tmp_path, patch, field, fragment):
    payload = refused(capsys, db, tmp_path, case_json(**patch))
    assert field in fields(payload), payload
    assert any(fragment in p["message"] for p in payload["problems"]), payload


def test_valid_numbers_pass_and_boundaries(capsys, db, tmp_path):
    # 1950 is the earliest year accepted; older than 5 years it needs --confirm-old (issue 11 §1)
    code, out, _ = add(capsys, db, tmp_path, case_json(headcount=10_000, channel="来信", received_at="1950-01-01"),
                       None, "--confirm-old")
    assert code == 0 and json.loads(out)["headcount"] == 10_000     # both limits are inclusive


def test_names_with_control_characters(capsys, db, tmp_path):
    for bad in ("张\x00三", "张\n三", "张\u202e三", "张\x1b[31m三"):
        payload = refused(capsys, db, tmp_path, case_json(name=bad))
        assert "petitioners[0].name" in fields(payload)


def test_ten_thousand_petitioners_and_duplicate_ids(capsys, db, tmp_path):
    many = case_json()
    many["petitioners"] = [{"name": f"人{i}"} for i in range(10_000)]
    payload = refused(capsys, db, tmp_path, many)
    assert any("最多 1,000 位" in p["message"] for p in payload["problems"])
    same = case_json()
    same["petitioners"] = [{"name": f"张{i}", "id_number": "11010519491231002X"} for i in range(100)]
    payload = refused(capsys, db, tmp_path, same)
    dup = [p for p in payload["problems"] if "证件号码与第1位相同" in p["message"]]
    assert len(dup) == 1 and "共 100 次" in dup[0]["message"]
    two = case_json()
    two["petitioners"] = [{"name": "张三", "id_number": "11010519491231002X"},
                          {"name": "张三", "id_number": "110105491231002"}]   # the 15-digit form of the same number
    assert refused(capsys, db, tmp_path, two)


def test_every_problem_is_reported_not_only_the_first(capsys, db, tmp_path):
    data = case_json(channel="飞鸽传书", headcount=0, place=["x"], sumary="拼错", summary="")
    data["petitioners"][0]["id_number"] = "110105194912310021"       # wrong check digit
    payload = refused(capsys, db, tmp_path, data)
    assert fields(payload) >= {"channel", "headcount", "place", "sumary", "summary", "petitioners[0].id_number"}
    assert payload["error"].startswith("案件数据有 ")


def test_json_text_problems(capsys, db, tmp_path):
    deep = b"[" * 100_000 + b"]" * 100_000
    assert "嵌套层次过深" in refused(capsys, db, tmp_path, None, deep)["error"]
    assert "第1行第" in refused(capsys, db, tmp_path, None, b'{"channel": }')["error"]
    assert "NaN" in refused(capsys, db, tmp_path, None, b'{"headcount": NaN}')["error"]
    payload = refused(capsys, db, tmp_path, None, b'{"headcount": Infinity}')
    assert "Infinity" in payload["error"]
    assert "过长的数字" in refused(capsys, db, tmp_path, None, b'{"headcount": ' + b"9" * 5000 + b"}")["error"]
    assert "应为 JSON 对象" in refused(capsys, db, tmp_path, [1, 2])["error"]


def test_gbk_json_is_read(capsys, db, tmp_path):
    raw = json.dumps(case_json(), ensure_ascii=False).encode("gbk")
    code, out, _ = add(capsys, db, tmp_path, None, raw)
    assert code == 0 and json.loads(out)["petitioners"][0]["name"] == "张三"


def test_offset_aware_received_at_is_converted_to_local_time(capsys, db, tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        code, out, _ = add(capsys, db, tmp_path, case_json(received_at="2025-09-30T01:00:00Z"))
        assert code == 0 and json.loads(out)["received_at"] == "2025-09-30 09:00:00"   # 01:00 UTC = 09:00 +08:00
        code, out, _ = add(capsys, db, tmp_path, case_json(received_at="2025-09-30T09:00:00+08:00", name="李四",
                                                           id_number="", phone="13912345678"))
        assert code == 0 and json.loads(out)["received_at"] == "2025-09-30 09:00:00"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def _registered(capsys, db, tmp_path) -> str:
    code, out, _ = add(capsys, db, tmp_path, case_json())
    assert code == 0
    return json.loads(out)["number"]


def events(capsys, db, number) -> int:
    capsys.readouterr()
    assert main(["case", "show", number, "--db", db, "--json", *NOW]) == 0
    return len(json.loads(capsys.readouterr()[0])["events"])


@pytest.mark.parametrize("action, data, fragment", [
    ("forward", "1", "应为 JSON 对象"),
    ("forward", "[]", "应为 JSON 对象"),
    ("accept", "null", "--data 应为 JSON 对象"),
    ("forward", '{"unit": ["420102-RSJ"]}', "办理数据“unit”应为文字或整数，收到的是列表"),
    ("forward", '{"unit": 2.5}', "收到的是数字"),
    ("archive", '{"reason": {"x": 1}}', "收到的是对象"),
    ("archive", '{"reason": "重复\\u0000件"}', "空字符(NUL)"),
    ("assign", '{"report_due": "0001-01-01"}', "不在合理范围内"),
    ("forward", '{"unit": 1e400}', "收到的是数字"),
    ("forward", "{", "不是有效的 JSON"),
])
def test_bad_action_data(capsys, db, tmp_path, action, data, fragment):
    number = _registered(capsys, db, tmp_path)
    before = events(capsys, db, number)
    capsys.readouterr()
    code = main(["case", "act", number, action, "--data", data, "--db", db, "--json", *NOW])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    payload = json.loads(err)
    assert fragment in payload["error"] and not PYTHON_TEXT.search(payload["error"]), payload
    assert events(capsys, db, number) == before


def test_search_text_shows_chinese_status(capsys, db, tmp_path):
    _registered(capsys, db, tmp_path)
    capsys.readouterr()
    assert main(["search", "张三", "--db", db, *NOW]) == 0
    out = capsys.readouterr()[0]
    assert "[待处置]" in out and "registered" not in out
    assert main(["case", "list", "--db", db, *NOW]) == 0
    assert "[待处置]" in capsys.readouterr()[0]

"""Property-based fuzzing (hypothesis) of `case add`, `case act` and every importer, through the CLI's
`main()` in-process: whatever the input, no traceback, a JSON error on stderr under --json, a Chinese
message without Python's or SQLite's English, and nothing written.

Every generated input is wrong on purpose (a bad field, a bad row, random bytes), so any exit 0 is a
silent acceptance. XINFANG_FUZZ_EXAMPLES raises the number of examples for a long local run.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from xinfang.cli.main import main
from tests.helpers import case_json
from tests.inputs.xlsx_tools import workbook

EXAMPLES = int(os.environ.get("XINFANG_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"Traceback|Error\b|invalid literal|codec|isoformat|Expecting|object of type|not supported|"
                     r"sqlite|database is|has no attribute|unhashable|NoneType|out of range|too large|"
                     r"must be|argument|field larger|new-line|could not convert|timestamp")
TALLY = {"tried": 0, "tracebacks": 0, "silent": 0}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A database with the reference data and one registered case (row counts are compared to it)."""
    folder = tmp_path_factory.mktemp("fuzz")
    db = str(folder / "fuzz.db")
    path = folder / "ok.json"
    path.write_text(json.dumps(case_json(), ensure_ascii=False), encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["init", "--sample", "--db", db]) == 0           # the reference data: the sample district
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert main(["case", "add", str(path), "--db", db, "--json", "--now", "2025-09-30 10:00"]) == 0
    return {"db": db, "folder": folder, "case": json.loads(out.getvalue())["number"]}


def fingerprint(db: str) -> dict:
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                             "AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE '%VIRTUAL%'")]
        out = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
        out["settings"] = conn.execute("SELECT group_concat(key || '=' || value) FROM settings").fetchone()[0]
        return out
    finally:
        conn.close()


def refused(base, *argv: str) -> str:
    """Run the CLI in-process; assert the refusal contract; return the message."""
    TALLY["tried"] += 1
    before = fingerprint(base["db"])
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*argv, "--db", base["db"], "--json", "--now", "2025-10-10 10:00"])
    if code == 0:
        TALLY["silent"] += 1
    assert code != 0, f"silently accepted: {argv} → {out.getvalue()[:300]}"
    assert out.getvalue() == ""
    payload = json.loads(err.getvalue())
    message = payload["error"] + " ".join(p.get("message", "") for p in payload["problems"])
    if "程序内部错误" in message:
        TALLY["tracebacks"] += 1
    assert "程序内部错误" not in message, (argv, message)
    text = re.sub(r"/[^\s）]*", "", message)
    assert CJK.search(text) and not ENGLISH.search(text), (argv, message)
    assert fingerprint(base["db"]) == before, argv
    return message


# ---- strategies ------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
not_text = st.one_of(st.lists(json_values, min_size=0, max_size=3), st.dictionaries(st.text(max_size=5), json_values,
                     max_size=3), st.floats(allow_nan=False, allow_infinity=False), st.booleans())
controls = st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f", "\u202e", "\u200b", "\ufeff", "\u2066"])
bad_text = st.one_of(not_text, st.builds(lambda a, c, b: a + c + b, st.text(max_size=5), controls, st.text(max_size=5)))
TEXT_KEYS = ["category", "summary", "content", "demands", "place", "reception_leader", "caused_by",
             "accused_unit", "unit", "override_reason", "irregular_note"]
bad_case_field = st.one_of(
    st.tuples(st.sampled_from(TEXT_KEYS), bad_text),
    st.tuples(st.just("headcount"), st.one_of(
        st.integers(max_value=0), st.integers(min_value=10_001), st.floats().filter(lambda f: not f.is_integer()),
        st.lists(st.integers(), max_size=2), st.text(min_size=1, max_size=8).filter(lambda t: not t.strip().isdigit()),
        st.just(float("inf")), st.just(1e30))),
    st.tuples(st.just("received_at"), st.one_of(
        not_text, st.text(max_size=12).filter(lambda t: not re.fullmatch(r"[\d\- :T/.]+", t.strip() or "x")),
        st.dates(max_value=date(1949, 12, 31)).map(str), st.dates(min_value=date(2101, 1, 1)).map(str),
        st.dates(min_value=date(2026, 1, 1), max_value=date(2100, 1, 1)).map(str))),
    st.tuples(st.sampled_from(["channel", "purpose", "legal_status", "reached_level"]),
              st.one_of(not_text, st.text(min_size=1, max_size=6).filter(lambda t: t.strip() not in (
                  "来信", "来访", "网上", "来电", "传真", "12345", "部门转入", "其他", "建议意见", "检举控告", "申诉求决",
                  "已起诉", "已申请仲裁", "已申请复议", "其他法定途径", "本级", "到区", "到市", "到省", "进京")
                  and not t.strip().isascii()))),
    st.tuples(st.sampled_from(["public_reception", "irregular"]), st.one_of(st.floats(), st.lists(st.integers(), max_size=2))),
    st.tuples(st.just("attachments"), st.one_of(st.floats(), st.text(max_size=5), st.lists(not_text, min_size=1, max_size=2))),
    st.tuples(st.just("petitioners"), st.one_of(
        st.text(max_size=5), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.lists(st.one_of(st.integers(), st.text(max_size=3), st.none()), min_size=1, max_size=3),
        st.lists(st.fixed_dictionaries({"name": bad_text}), min_size=1, max_size=3),
        st.lists(st.fixed_dictionaries({"name": st.just("张三"), "birth": st.text(min_size=1, max_size=8)}),
                 min_size=1, max_size=1).filter(lambda ps: not re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", ps[0]["birth"])))),
    st.tuples(st.text(min_size=1, max_size=12).filter(lambda k: k not in set(case_json()) | set(TEXT_KEYS) | {
        "place_code", "work_order_no", "attachments", "public_reception", "legal_status", "reached_level", "irregular",
        "unit", "override_reason"}), json_values),
)


@FUZZ
@given(changes=st.lists(bad_case_field, min_size=1, max_size=4))
def test_fuzz_case_add_fields(base, changes):
    data = case_json()
    for key, value in changes:
        data[key] = value
    path = base["folder"] / "fuzz-case.json"
    path.write_text(json.dumps(data, ensure_ascii=False, allow_nan=True), encoding="utf-8")
    refused(base, "case", "add", str(path))


@FUZZ
@given(raw=st.one_of(st.binary(max_size=300), json_values.map(lambda v: json.dumps(v).encode()),
                     st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_fuzz_case_add_raw_bytes(base, raw):
    path = base["folder"] / "fuzz-raw.json"
    path.write_bytes(raw)
    refused(base, "case", "add", str(path))


ACTIONS = ["forward", "assign", "accept", "decline", "object", "inform", "transfer", "archive", "extend", "reply",
           "serve", "rate", "review-request", "close", "hearing"]
bad_data = st.one_of(
    st.one_of(st.none(), st.booleans(), st.integers(), st.lists(json_values, max_size=3), st.text(max_size=8),
              st.floats()).map(json.dumps),
    st.builds(lambda d, k, v: json.dumps({**d, k: v}), st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=2),
              st.sampled_from(["unit", "reason", "days", "outcome", "served_on", "where", "to", "report_due", "x"]),
              st.one_of(not_text, st.integers(min_value=100_001), st.just("1\x00"),
                        st.dates(max_value=date(1949, 1, 1)).map(str))),
    st.text(max_size=30).filter(lambda t: not t.strip().startswith(("{", "["))),
)


@FUZZ
@given(action=st.one_of(st.sampled_from(ACTIONS), st.text(max_size=10)), data=bad_data)
def test_fuzz_case_act(base, action, data):
    refused(base, "case", "act", base["case"], action, "--data", data)


@FUZZ
@given(action=st.text(max_size=12).filter(lambda a: a not in ACTIONS + ["refer-mediation"]),
       data=st.dictionaries(st.sampled_from(["unit", "reason"]), st.text(max_size=5), max_size=2).map(json.dumps))
def test_fuzz_case_act_unknown_action(base, action, data):
    refused(base, "case", "act", base["case"], action, "--data", data)


# ---- importers ---------------------------------------------------------------------------------------

weekday = st.dates(min_value=date(2027, 1, 1), max_value=date(2099, 12, 31)).filter(lambda d: d.weekday() < 5)
weekend = st.dates(min_value=date(2027, 1, 1), max_value=date(2099, 12, 31)).filter(lambda d: d.weekday() >= 5)
bad_holiday_row = st.one_of(
    weekday.map(lambda d: f"{d},班,调休"),
    weekend.map(lambda d: f"{d},休,"),
    st.dates(max_value=date(1989, 12, 31)).map(lambda d: f"{d},休,节"),
    st.dates(min_value=date(2101, 1, 1)).map(lambda d: f"{d},休,节"),
    st.builds(lambda d, k: f"{d},{k},节", weekday, st.text(min_size=1, max_size=3).filter(
        lambda k: k.strip() not in {"休", "休息", "假", "放假", "节假日", "班", "上班", "补班", "调休上班"} and "," not in k
        and '"' not in k and not any(c in k for c in "\r\n"))),
    st.text(min_size=1, max_size=30).filter(lambda t: "\n" not in t and "\r" not in t and t.strip(",\t \x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")),
    st.builds(lambda n: f'2027-10-08,休,"{"长" * n}"', st.integers(min_value=140_000, max_value=150_000)),
)
good_holiday_row = st.sampled_from(["2027-10-01,休,国庆节", "2027-10-04,休,国庆节", "2027-09-26,班,国庆节调休上班"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])


@FUZZ
@given(good=st.lists(good_holiday_row, max_size=3, unique=True), bad=st.lists(bad_holiday_row, min_size=1, max_size=3),
       header=st.booleans(), encoding=ENCODINGS, newline=NEWLINES)
def test_fuzz_holiday_csv(base, good, bad, header, encoding, newline):
    lines = (["date,kind,name"] if header else []) + good + bad
    path = base["folder"] / "fuzz-holidays.csv"
    try:
        path.write_bytes(newline.join(lines).encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(newline.join(lines).encode("utf-8"))
    refused(base, "calendar", "import", str(path))


@FUZZ
@given(raw=st.binary(min_size=1, max_size=300))
def test_fuzz_holiday_raw_bytes(base, raw):
    path = base["folder"] / "fuzz-holidays-raw.csv"
    path.write_bytes(raw)
    refused(base, "calendar", "import", str(path))


def _printable(t: str) -> bool:       # openpyxl itself refuses to write control characters
    return bool(t.strip()) and t.isprintable()


UNIT_HEAD = ["编码", "名称", "上级编码", "类型", "层级", "属地", "联系人", "电话"]
RULE_HEAD = ["事项类别", "关键词", "属地", "责任单位", "优先级", "依据", "生效日期", "失效日期"]
cell = st.one_of(st.text(max_size=12).filter(lambda t: not any(ord(c) < 32 and c not in "\t\n\r" for c in t)),
                 st.integers(min_value=-10**6, max_value=10**6))
bad_unit_row = st.one_of(
    st.builds(lambda c: [c, "", "", "党政部门", "区县"], st.text(min_size=1, max_size=6).filter(_printable)),    # no name
    st.builds(lambda n: ["", n, "", "党政部门", "区县"], st.text(min_size=1, max_size=6).filter(_printable)),    # no code
    st.builds(lambda k: ["Z9", "某单位", "", k, "区县"], st.text(min_size=1, max_size=4).filter(
        lambda k: _printable(k) and k.strip() not in ("党政部门", "政法机关", "纪检监察", "街道乡镇", "社区村", "事业单位", "其他"))),
    st.builds(lambda p: ["Z8", "某局", p, "党政部门", "区县"], st.text(min_size=1, max_size=6).filter(_printable)),  # no parent
    st.builds(lambda lv: ["Z7", "某所", "", "党政部门", lv], st.sampled_from(["0", "8", "99", "宇宙", "-1"])),
)
bad_rule_row = st.one_of(
    st.builds(lambda u: ["", "", "", u, "", "", "", ""], st.text(min_size=1, max_size=8).filter(
        lambda u: u.strip() and u.isprintable() and "局" not in u and "委" not in u and "办" not in u)),
    st.builds(lambda p: ["", "", "", "城东区住房和城乡建设局", p, "", "", ""],
              st.one_of(st.sampled_from(["1e30", "-1e30", "1.5", "abc", "inf", "nan", "1001", "-5000"]),
                        st.floats(allow_nan=False).filter(lambda f: not f.is_integer() or abs(f) > 1000).map(repr))),
    st.builds(lambda d: ["", "", "", "城东区住房和城乡建设局", "", "", d, ""], st.sampled_from(
        ["2025-02-30", "明天", "0000-01-01", "2025/13/1", "31.12.2025"])),
)


def _table(kind: str, head: list, rows: list, fmt: str, encoding: str, newline: str, folder: Path) -> Path:
    if fmt == "xlsx":
        return workbook(folder / f"fuzz-{kind}.xlsx", [head] + rows)
    import csv
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator=newline).writerows([head] + rows)
    path = folder / f"fuzz-{kind}.csv"
    try:
        path.write_bytes(buf.getvalue().encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(buf.getvalue().encode("utf-8"))
    return path


@FUZZ
@given(bad=st.lists(bad_unit_row, min_size=1, max_size=3), extra=st.lists(st.lists(cell, max_size=8), max_size=2),
       fmt=st.sampled_from(["csv", "xlsx"]), encoding=ENCODINGS, newline=NEWLINES)
def test_fuzz_units_import(base, bad, extra, fmt, encoding, newline):
    rows = [["Y1", "某区", "", "党政部门", "区县"]] + bad + [[str(c) for c in r] for r in extra]
    refused(base, "units", "import", str(_table("units", UNIT_HEAD, rows, fmt, encoding, newline, base["folder"])))


@FUZZ
@given(bad=st.lists(bad_rule_row, min_size=1, max_size=3), fmt=st.sampled_from(["csv", "xlsx"]), encoding=ENCODINGS,
       newline=NEWLINES)
def test_fuzz_rules_import(base, bad, fmt, encoding, newline):
    rows = [["城乡建设/物业管理", "", "", "城东区住房和城乡建设局", "", "", "", ""]] + bad
    refused(base, "rules", "import", str(_table("rules", RULE_HEAD, rows, fmt, encoding, newline, base["folder"])))


@FUZZ
@given(raw=st.binary(min_size=1, max_size=400), kind=st.sampled_from(["units", "rules"]),
       suffix=st.sampled_from([".csv", ".xlsx"]))
def test_fuzz_table_raw_bytes(base, raw, kind, suffix):
    path = base["folder"] / f"fuzz-raw{suffix}"
    path.write_bytes(raw)
    refused(base, kind, "import", str(path))


def test_zz_fuzz_tally(base, capsys):
    """Runs last in this module: every input tried was refused properly (the note quotes these numbers)."""
    with capsys.disabled():
        print(f"\nfuzz: {TALLY['tried']} inputs, {TALLY['tracebacks']} tracebacks, {TALLY['silent']} silent acceptances")
    assert TALLY["tried"] > 0 and TALLY["tracebacks"] == 0 and TALLY["silent"] == 0

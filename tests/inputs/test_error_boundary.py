"""The CLI error boundary: any failure is a Chinese message (JSON on stderr under --json), the
traceback goes to the log file, argparse speaks Chinese, and every SQLite error is translated."""
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from xinfang.cli import commands
from xinfang.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"Traceback|Error\b|error:|usage:|invalid|required|unrecognized|expected|codec|isoformat|"
                     r"database|sqlite|No such|Permission denied|is a directory", re.I)


def without_paths(text: str) -> str:
    return re.sub(r"/[^\s）]*", "", text)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_chinese_json_error(code, out, err):
    assert code != 0 and out == ""
    payload = json.loads(err)
    assert set(payload) >= {"error", "problems"}
    assert CJK.search(payload["error"]), payload
    assert not ENGLISH.search(without_paths(payload["error"])), payload
    return payload


@pytest.mark.parametrize("argv, fragment", [
    (["case", "act", "--json"], "缺少必填参数"),
    (["bogus", "--json"], "命令 'bogus' 无效"),
    (["case", "list", "--due", "tomorrow", "--json"], "参数 --due 的取值 'tomorrow' 无效"),
    (["calendar", "due", "2025-01-01", "x", "--json"], "天数应为整数"),
    (["calendar", "due", "2025-01-01", "99999999", "--json"], "天数应在 1–3650 之间"),
    (["case", "act", "1", "forward", "--data", "--json"], "参数 --data 后面缺少取值"),
    (["case", "list", "--nonsense", "--json"], "无法识别的参数"),
    (["demo", "--cases", "0", "--json"], "案件数应在"),
])
def test_usage_errors_are_chinese_json(capsys, tmp_path, argv, fragment):
    code, out, err = run(capsys, *argv, "--db", str(tmp_path / "x.db"))
    payload = assert_chinese_json_error(code, out, err)
    assert fragment in payload["error"]


def test_usage_error_without_json_is_chinese_with_usage(capsys):
    code, out, err = run(capsys, "case", "act")
    assert code == 2 and err.startswith("用法：") and "错误：缺少必填参数：id, action" in err
    assert "usage" not in err and "error:" not in err


def test_help_is_chinese(capsys):
    code, out, _ = run(capsys, "case", "act", "--help")
    assert code == 0 and out.startswith("用法：") and "选项" in out and "显示本帮助并退出" in out
    assert "usage:" not in out and "options:" not in out and "show this help" not in out


def test_unexpected_exception_is_logged_not_shown(capsys, tmp_path, monkeypatch, _log_dir):
    def boom(*_a, **_k):
        raise ValueError("invalid literal for int() with base 10: 'x'")
    monkeypatch.setitem(commands.HANDLERS, ("check", None), boom)
    code, out, err = run(capsys, "check", "--json", "--db", str(tmp_path / "x.db"))
    payload = assert_chinese_json_error(code, out, err)
    assert "程序内部错误" in payload["error"] and str(_log_dir) in payload["error"]
    log = (_log_dir / "xinfang-errors.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "invalid literal" in log and "cli check" in log


def test_iso_dates_in_filters_are_chinese(capsys, tmp_path):
    code, out, err = run(capsys, "case", "list", "--from", "2020", "--json", "--db", str(tmp_path / "x.db"))
    payload = assert_chinese_json_error(code, out, err)
    assert "--from 日期“2020”无效" in payload["error"]
    code, out, err = run(capsys, "case", "list", "--now", "yesterday", "--json", "--db", str(tmp_path / "x.db"))
    assert "--now 时间“yesterday”无效" in assert_chinese_json_error(code, out, err)["error"]


# ---- every SQLite error that reaches the front end ------------------------------------------------

def _not_sqlite(tmp_path):
    p = tmp_path / "notes.db"
    p.write_bytes(b"This is a plain text file, certainly not SQLite.\n" * 200)
    return p, "不是数据库文件"


def _truncated(tmp_path):
    p = tmp_path / "trunc.db"
    assert main(["init", "--sample", "--db", str(p)]) == 0
    conn = sqlite3.connect(p)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = p.read_bytes()
    for extra in ("-wal", "-shm"):
        Path(str(p) + extra).unlink(missing_ok=True)
    p.write_bytes(data[: len(data) // 3])
    return p, "已损坏"


def _directory(tmp_path):
    p = tmp_path / "a-folder.db"
    p.mkdir()
    return p, "无法打开数据库文件"


@pytest.mark.parametrize("make", [_not_sqlite, _truncated, _directory])
def test_bad_database_files_give_chinese_errors(capsys, tmp_path, make):
    path, fragment = make(tmp_path)
    capsys.readouterr()
    for argv in (["case", "list"], ["check"], ["search", "张三"]):
        code, out, err = run(capsys, *argv, "--json", "--db", str(path))
        payload = assert_chinese_json_error(code, out, err)
        assert fragment in payload["error"] and str(path) in payload["error"], payload


def test_locked_database_after_busy_timeout(capsys, tmp_path, monkeypatch):
    path = tmp_path / "locked.db"
    assert main(["init", "--sample", "--db", str(path)]) == 0
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        import xinfang.storage.db as db
        real = db.connect

        def quick(p):           # 5 s busy timeout shortened to keep the suite fast; same error path
            conn = real(p)
            conn.execute("PRAGMA busy_timeout = 50")
            return conn
        monkeypatch.setattr("xinfang.storage.store.connect", quick)
        capsys.readouterr()
        code, out, err = run(capsys, "config", "warn_workdays", "4", "--json", "--db", str(path))
        payload = assert_chinese_json_error(code, out, err)
        assert "正被另一个程序" in payload["error"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_disk_full_is_chinese(capsys, tmp_path, monkeypatch):
    path = tmp_path / "full.db"
    assert main(["init", "--sample", "--db", str(path)]) == 0
    import xinfang.storage.db as db
    real = db.connect

    def tiny(p):               # the database may not grow: every write that needs a page fails with SQLITE_FULL
        conn = real(p)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn
    monkeypatch.setattr("xinfang.storage.store.connect", tiny)
    capsys.readouterr()
    code, out, err = run(capsys, "demo", "--cases", "200", "--json", "--db", str(path))
    payload = assert_chinese_json_error(code, out, err)
    assert "磁盘空间已满" in payload["error"]


def test_subprocess_shows_no_traceback(tmp_path):
    """A real process: a non-SQLite file and a missing JSON file, with and without --json."""
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00garbage" * 1000)
    env = dict(os.environ, XINFANG_LOG_DIR=str(tmp_path / "log"))
    for argv in (["case", "list", "--db", str(bad)], ["case", "add", str(tmp_path / "missing.json"),
                                                      "--db", str(tmp_path / "ok.db"), "--json"]):
        proc = subprocess.run([sys.executable, "-m", "xinfang", *argv], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr and CJK.search(proc.stderr), proc.stderr
        text = json.loads(proc.stderr)["error"] if "--json" in argv else proc.stderr
        assert not ENGLISH.search(without_paths(text)), proc.stderr

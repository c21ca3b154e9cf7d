"""The one translation from any exception to what a person reads, shared by both front ends.

A refusal (DomainError) is shown as it is. Everything else is a fault: the person reads a Chinese
sentence (never Python's or the database engine's English), and the traceback goes to a log file for support.
"""
from __future__ import annotations

import errno
import os
import traceback
from datetime import datetime
from pathlib import Path

from ..domain.problems import DomainError
from ..storage.engine import is_server_url
from ..storage.errors import as_storage_error

LOG_NAME = "xinfang-errors.log"
_MAX_LOG_BYTES = 2_000_000

_OS_ERRORS = {
    errno.ENOENT: "找不到文件或文件夹",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "没有访问权限",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.ENOSPC: "磁盘空间已满",
    errno.EROFS: "磁盘或共享是只读的",
    errno.EEXIST: "文件已存在",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EMFILE: "同时打开的文件太多",
    errno.ENFILE: "同时打开的文件太多",
    errno.EFBIG: "文件过大",
    errno.EIO: "磁盘读写出错",
    errno.EBUSY: "文件正被其他程序使用",
}


def log_dir() -> Path:
    """Where tracebacks are kept: $XINFANG_LOG_DIR, else the user log folder
    (Linux ~/.local/state/xinfang/log, Windows %LOCALAPPDATA%\\xinfang\\Logs)."""
    override = os.environ.get("XINFANG_LOG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_log_dir
    return Path(user_log_dir("xinfang", appauthor=False))


def os_message(exc: OSError) -> str:
    what = _OS_ERRORS.get(exc.errno or 0, f"文件操作失败（错误号 {exc.errno}）" if exc.errno else "文件操作失败")
    name = exc.filename if exc.filename not in (None, "") else ""
    return f"{what}：{name}" if name else what


def user_message(exc: BaseException) -> str:
    """The Chinese sentence for any exception."""
    if isinstance(exc, DomainError):
        return exc.message
    stored = as_storage_error(exc)
    if stored is not None:
        return stored.message
    if isinstance(exc, OSError):
        return os_message(exc)
    if isinstance(exc, UnicodeError):
        return "文字编码无法识别，请把文件另存为 UTF-8 或 GBK 编码后再试。"
    if isinstance(exc, MemoryError):
        return "内存不足：数据过大，无法处理。"
    if isinstance(exc, RecursionError):
        return "数据嵌套层次过深，无法处理。"
    return "程序内部错误，本次操作已取消。"


_USER_OS_ERRORS = {errno.ENOENT, errno.EISDIR, errno.ENOTDIR, errno.EACCES, errno.EPERM, errno.EEXIST,
                   errno.ENAMETOOLONG}


def is_fault(exc: BaseException) -> bool:
    """True when support should see the traceback: anything but a refusal or a wrong path typed."""
    if isinstance(exc, OSError) and exc.errno in _USER_OS_ERRORS:
        return False
    stored = as_storage_error(exc)
    if stored is not None and stored.environmental:
        return False
    return not isinstance(exc, DomainError)


def record(exc: BaseException, where: str) -> Path | None:
    """Append the traceback to the log file; return its path (None when it cannot be written)."""
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_NAME
        if path.exists() and path.stat().st_size > _MAX_LOG_BYTES:
            path.replace(path.with_name(LOG_NAME + ".1"))
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        with path.open("a", encoding="utf-8") as f:
            f.write(f"==== {datetime.now().isoformat(timespec='seconds')} {where} pid={os.getpid()}\n{text}\n")
        return path
    except Exception:   # noqa: BLE001 - a log that cannot be written must not hide the message itself
        return None


def describe(exc: BaseException, where: str, db: str | Path | None = None) -> tuple[str, list[dict]]:
    """(message, problems) for a front end; faults are logged and the message says where."""
    problems = [p.to_dict() for p in exc.problems] if isinstance(exc, DomainError) else []
    message = user_message(exc)
    if as_storage_error(exc) is not None and db:
        where = "数据库服务器" if is_server_url(db) else "数据库文件"
        message = message.rstrip("。") + f"（{where}：{db}）"
    if is_fault(exc):
        path = record(exc, where)
        if path is not None:
            message = message.rstrip("。") + f"{_LOG_HINT[0]}{path}{_LOG_HINT[1]}"
    return message, problems


_LOG_HINT = ("（详细信息已记录在日志文件 ", "）")


def split_log_hint(message: str) -> tuple[str, str]:
    """(the message without its log-file hint, the log file's path or ''): a window shows the path apart,
    on a line of its own that can be copied."""
    head, sep, tail = message.rpartition(_LOG_HINT[0])
    if not sep or not tail.endswith(_LOG_HINT[1]):
        return message, ""
    return head + "。", tail[:-len(_LOG_HINT[1])]

"""Database errors as sentences a clerk can act on (the front ends show these, never the engine's English).

Services see one type, `StorageError`, whatever the engine: storage raises it (`translated()`), and
`as_storage_error` turns any engine error that slipped through into one."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from typing import Iterator

from ..domain.problems import DomainError


class StorageError(Exception):
    """The database could not do what was asked. `message`: Chinese, says what to do; `environmental`: the
    person can act on it from the message alone (busy, read-only, disk full, wrong file), so no log is needed;
    `damaged`: the file is not a (readable) database."""

    def __init__(self, message: str, environmental: bool = False, damaged: bool = False):
        super().__init__(message)
        self.message = message
        self.environmental = environmental
        self.damaged = damaged

# Primary result codes (https://www.sqlite.org/rescode.html); extended codes keep them in the low byte.
_BY_CODE = {
    3: "没有访问数据库文件的权限，请检查文件和所在文件夹的权限。",                                    # PERM
    5: "数据库正被另一个程序或窗口使用，等待 5 秒后仍未释放，请稍后再试（或关闭其他正在使用它的程序）。",  # BUSY
    6: "数据库正被另一个操作锁定，请稍后再试。",                                                    # LOCKED
    7: "内存不足，无法完成数据库操作，请关闭其他程序后再试。",                                      # NOMEM
    8: "数据库文件是只读的（如光盘、只读共享或没有写权限），不能保存修改。",                          # READONLY
    10: "读写数据库文件时磁盘出错，请检查磁盘或网络共享是否可用。",                                   # IOERR
    11: "数据库文件已损坏（可能被截断或被其他程序改写），请从备份恢复。",                              # CORRUPT
    13: "磁盘空间已满，数据库无法写入；本次操作没有保存，请腾出磁盘空间后再试。",                      # FULL
    14: "无法打开数据库文件：路径是文件夹、所在文件夹不存在或没有权限。",                              # CANTOPEN
    18: "要保存的数据过大，超出了数据库的限制。",                                                     # TOOBIG
    19: "数据与已有记录冲突（如编号重复），本次操作没有保存。",                                        # CONSTRAINT
    23: "没有访问数据库的授权。",                                                                    # AUTH
    26: "这个文件不是数据库文件，请选择 xinfang 的数据库文件。",             # NOTADB
}

# Messages SQLite gives without a useful code in older Python builds.
_BY_TEXT = (
    ("file is not a database", 26), ("malformed", 11), ("database is locked", 5), ("is full", 13),
    ("unable to open", 14), ("readonly", 8), ("disk i/o", 10), ("no such table", 1), ("no such column", 1),
    ("already exists", 1),
)

_SCHEMA = "数据库的结构与本程序不符（可能不是 xinfang 的数据库，或被其他程序改动过），请选择正确的数据库文件或从备份恢复。"


def sqlite_message(exc: sqlite3.Error) -> str:
    """A Chinese sentence for any sqlite3 error, naming what to do; never SQLite's English text."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and (code & 0xFF) in _BY_CODE:
        return _BY_CODE[code & 0xFF]
    text = str(exc).lower()
    for needle, c in _BY_TEXT:
        if needle in text:
            return _BY_CODE.get(c, _SCHEMA)
    if isinstance(exc, sqlite3.IntegrityError):
        return _BY_CODE[19]
    if isinstance(exc, sqlite3.OperationalError):
        return _SCHEMA
    return f"数据库操作失败（错误码 {code if code is not None else '未知'}），本次操作没有保存。"


# The person can act on these from the message alone (wrong file, busy, read-only, disk full): no log.
_ENVIRONMENTAL = {5, 6, 8, 13, 14, 26}


def _primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF
    text = str(exc).lower()
    return next((c for needle, c in _BY_TEXT if needle in text), None)


def is_environmental(exc: sqlite3.Error) -> bool:
    return _primary_code(exc) in _ENVIRONMENTAL


_DAMAGED = {11, 26}


def as_storage_error(exc: BaseException) -> StorageError | None:
    """The StorageError for an engine error (the error itself when it is one already); None for anything else."""
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, sqlite3.Error):
        code = _primary_code(exc)
        return StorageError(sqlite_message(exc), code in _ENVIRONMENTAL, code in _DAMAGED)
    return None


@contextmanager
def translated() -> Iterator[None]:
    """Raise every engine error inside as a StorageError (the engine's error stays as its cause)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise as_storage_error(exc) from exc


class ServerLoginError(DomainError):
    """A database server could not be reached or refused the login (issue 12). `reason` lets a front end
    act: "password_needed" / "password_wrong" (ask for the password), "unreachable", "no_database",
    "no_role", "not_allowed", "refused" (anything else)."""

    PASSWORD_REASONS = ("password_needed", "password_wrong")

    def __init__(self, message: str, reason: str = "refused"):
        super().__init__(message)
        self.reason = reason

    @property
    def wants_password(self) -> bool:
        return self.reason in self.PASSWORD_REASONS

"""迁移到服务器: `xinfang --db FILE migrate-to URL` (issue 12 §3), as `ws.moving.to(url)` on the file's workspace.

The file is opened read-only (`Workspace.open(path, read_only=True)`: immutable, never written, refused when its
version is not this program's: pg/transfer.open_source says how to upgrade it first). In order:
1. the target must be an empty server database with the right encoding and sort rules;
2. `check` on the file: a damaged file is not moved (nothing is written to the server);
3. the copy (storage/pg/transfer.py): one server transaction; a failure leaves the target empty;
4. the attachment files (`move_attachment_files`, the hook the server's file storage fills);
5. verification: rows per table equal, the same ledger anchor, `check` on the server. Until it passes the
   server database is marked unusable (every seat is refused); it passes → the mark goes.
The report (`to`'s dict, also the CLI's --json) gives every table's counts and each step's outcome."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from ..domain.problems import DomainError
from ..storage.errors import StorageError
from ..storage.store import Store
from .access import BACKUP

Progress = Callable[[str, int, int], object]

# progress steps in the words of the office
STEP_LABELS = {"check_source": "检查源数据库", "indexes": "建立索引", "commit": "提交",
               "case_search": "建立案件搜索索引", "dispute_search": "建立矛盾纠纷搜索索引",
               "verify": "核对条数与锚点", "check_target": "检查服务器上的数据库", "files": "迁移附件文件"}


def safe_url(url: str) -> str:
    """The URL without a password (reports and meta never hold one)."""
    from urllib.parse import urlsplit, urlunsplit
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def move_attachment_files(source_ws, target_ws, progress: Progress | None = None) -> dict:
    """The attachment step of migrate-to: every file the copied records name (case attachments, 卷宗 documents,
    积案 evidence) is read from the file's `<db>-files` folder, checked against its sha256 and kept in the server
    database (`ws.files.carry_folder`, one transaction). Returns {"files": named, "moved", "bytes",
    "problems": [Chinese]}; a file missing from the folder or changed since it was attached is a problem."""
    folder = source_ws.data_dir
    carried = target_ws.files.carry_folder(folder if folder is not None and folder.is_dir() else None,
                                           progress=(lambda d, t: progress("files", d, t)) if progress else None)
    problems = []
    for key, what in (("missing", "在附件文件夹中找不到"), ("mismatched", "的内容与添加时记下的校验值不同（被改动过）")):
        names = carried[key]
        if names:
            problems.append(f"附件文件 {len(names)} 个{what}，没有迁移：{'、'.join(names[:5])}"
                            + ("等" if len(names) > 5 else "") + f"（文件夹：{folder}）")
    moved = carried["files"] + carried["already"]
    return {"files": moved + len(carried["missing"]) + len(carried["mismatched"]), "moved": moved,
            "bytes": carried["bytes"], "problems": problems}


class Moving:
    def __init__(self, ws):
        self.ws = ws

    def to(self, url: str, progress: Progress | None = None) -> dict:
        """Move this (read-only) SQLite database into the empty server database `url`; see the module text."""
        from ..storage.pg import transfer
        from ..storage.pg.connection import PgConnection
        ws = self.ws
        ws.access.require(BACKUP)
        if ws.store.dialect.server:
            raise DomainError("迁移的来源必须是本机数据库文件（--db 文件），不能是服务器数据库")
        source_path = Path(ws.store.path)
        report: dict = {"ok": False, "usable": False, "source": str(source_path), "target": safe_url(url),
                        "tables": {}, "anchor": {}, "check": {}, "files": {}, "seconds": {}, "problems": []}
        src, stamp = transfer.open_source(source_path)
        target = PgConnection.open(url)     # the password: XINFANG_DB_PASSWORD or .pgpass (pg/db.connect)
        try:
            transfer.refuse_non_empty(target.raw)
            tables = transfer.source_tables(src)
            t0 = time.monotonic()
            _step(progress, "check_source")
            source_check = ws.check()
            report["check"]["source"] = _check_summary(source_check)
            report["seconds"]["check_source"] = round(time.monotonic() - t0, 1)
            if not source_check["ok"]:
                raise DomainError("源数据库的完整性检查没有通过，没有迁移（服务器上的数据库仍是空的）。"
                                  "请先处理检查发现的问题（xinfang check）")
            source_counts = transfer.counts(src, tables)
            source_head = transfer.head(src)
            moved_from = {"file": str(source_path), "anchor": f"{source_head[0]}:{source_head[1]}",
                          "at": ws.now().isoformat(timespec="seconds")}
            t0 = time.monotonic()
            try:
                report["seconds_copy"] = transfer.copy_all(src, target.raw, tables, source_counts, moved_from,
                                                           progress)
            except (DomainError, StorageError) as exc:
                raise DomainError(f"迁移没有完成，服务器上的数据库已回到迁移前的空库（没有留下任何数据）：{exc.message}"
                                  ) from exc
            report["seconds"]["copy"] = round(time.monotonic() - t0, 1)
            try:
                self._verify(url, report, tables, source_counts, source_head, target, source_path, stamp,
                             moved_from, progress)
            except (DomainError, StorageError) as exc:
                raise DomainError(f"数据已复制到服务器，但核对没能完成，服务器上的数据库已标记为不可用（各座席打开时会被拒绝）："
                                  f"{exc.message}") from exc
            report["message"] = _message(report)
            return report
        finally:
            target.close()
            src.close()

    def _verify(self, url, report, tables, source_counts, source_head, target, source_path, stamp, moved_from,
                progress) -> None:
        """Counts, anchor, attachment files and `check` on the server; marks the target usable when they pass."""
        from ..storage.pg import transfer
        from .workspace import Workspace
        ws = self.ws
        t0 = time.monotonic()
        _step(progress, "verify")
        problems = report["problems"]
        if not transfer.source_unchanged(source_path, stamp):
            problems.append("迁移期间源数据库文件被其他程序改动过，复制的内容可能不完整")
        target_counts = transfer.counts(target, tables)
        for t in tables:
            same = source_counts[t] == target_counts[t]
            report["tables"][t] = {"source": source_counts[t], "target": target_counts[t], "ok": same}
            if not same:
                problems.append(f"数据表 {t} 的条数不同：源 {source_counts[t]}，服务器 {target_counts[t]}")
        target_head = transfer.head(target)
        report["anchor"] = {"source": f"{source_head[0]}:{source_head[1]}",
                            "target": f"{target_head[0]}:{target_head[1]}", "ok": source_head == target_head}
        if source_head != target_head:
            problems.append("账本锚点不同：" + report["anchor"]["source"] + " ≠ " + report["anchor"]["target"])
        report["seconds"]["verify"] = round(time.monotonic() - t0, 1)
        target_ws = Workspace.on_store(Store(url, unverified_move=True), seed_reference=False)
        try:
            t0 = time.monotonic()
            _step(progress, "files")
            report["files"] = move_attachment_files(ws, target_ws, progress)
            report["seconds"]["files"] = round(time.monotonic() - t0, 1)
            t0 = time.monotonic()
            _step(progress, "check_target")
            report["check"]["target"] = _target_check(target_ws)
            report["seconds"]["check_target"] = round(time.monotonic() - t0, 1)
        finally:
            target_ws.close()
        target_check = report["check"]["target"]
        if target_check["ran"] and not target_check["ok"]:
            problems.append("服务器上的数据库完整性检查没有通过：" + "；".join(target_check["problems"][:5]))
        report["usable"] = not problems
        if report["usable"]:
            transfer.mark_verified(target.raw, moved_from)
        report["ok"] = report["usable"] and target_check["ran"] and not report["files"]["problems"]


def _step(progress: Progress | None, what: str) -> None:
    if progress is not None:
        progress(what, 0, 0)


def _check_summary(report: dict) -> dict:
    return {"ran": True, "ok": bool(report["ok"]), "cases": report.get("cases"), "anchor": report.get("anchor"),
            "problems": list(report.get("problems", []))[:20]}


def _target_check(target_ws) -> dict:
    """`check` on the server database; when the server cannot run it yet, says so instead of failing the move."""
    try:
        return _check_summary(target_ws.check())
    except DomainError as exc:
        reason = exc.message
    except Exception as exc:   # noqa: BLE001 - an unported part of check on the server: reported, not hidden
        reason = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
    return {"ran": False, "ok": False, "cases": None, "anchor": None,
            "problems": [f"服务器上的完整性检查未能运行（{reason}）；条数与锚点已核对"]}


def _message(report: dict) -> str:
    if not report["usable"]:
        return ("迁移后的核对没有通过，服务器上的数据库已标记为不可用（各座席打开时会被拒绝）：" +
                "；".join(report["problems"][:5]))
    tail = []
    if not report["check"]["target"]["ran"]:
        tail.append("服务器上的完整性检查未能运行")
    if report["files"].get("problems"):
        tail.append("附件文件未全部迁移")
    done = f"迁移完成：{len(report['tables'])} 张数据表条数一致，账本锚点相同（{report['anchor']['target']}）"
    return done + ("；但" + "，".join(tail) + "（见下）" if tail else "，两边的完整性检查均通过")

"""Backups of a server database (issue 12 §3), `ws.backups` when the store is a server.

On one PC the program copies its SQLite file itself, every day and on closing. A server is backed up by
whoever runs it (the IT department's daily `pg_dump`, README): a seat makes no automatic copies. A user with
the 管理员 role can still make a manual backup to a file on this PC: a `pg_dump` custom-format archive taken
from one snapshot, with a manifest (rows per table, the ledger anchor, sha256) and verified at once by
decoding the whole archive and counting its rows. `restore_to_server` loads such an archive into an empty
database only, then checks the counts, the anchor and the ledger."""
from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from ..domain.problems import DomainError
from ..storage import backup as files
from ..storage.pg import dump as pg_dump
from .access import BACKUP
from .progress import Progress, silent

KIND_LABELS = {"manual": "手动"}
SUFFIX = ".dump"
WHO_BACKS_UP = ("数据库在服务器上：每日备份由服务器管理员（信息中心）在服务器上用 pg_dump 完成（见 README 的"
                "“服务器的每日备份”），各座席不做自动备份。这里可以手动备份到本机文件。")
RESTORE_HOW = ("恢复到服务器只能恢复到一个新建的空数据库：请信息中心按 README 新建空数据库，再运行 "
               "xinfang --db postgresql://用户@服务器/新库名 restore 备份文件，然后让各座席连接新库")


def server_label(target: str) -> str:
    """host/database of a URL, without user or password (for file names and messages)."""
    from urllib.parse import parse_qs, urlsplit
    parts = urlsplit(target)
    host = parts.hostname or parse_qs(parts.query).get("host", ["本机"])[0]
    return f"{host}/{parts.path.lstrip('/') or '?'}"


def _db_name(target: str) -> str:
    from urllib.parse import urlsplit
    name = urlsplit(target).path.lstrip("/") or "xinfang"
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def _parse(name: str, stem: str) -> tuple[datetime, str] | None:
    if not (name.startswith(stem + "-") and name.endswith(SUFFIX)):
        return None
    parts = name[len(stem) + 1:-len(SUFFIX)].split("-", 2)
    try:
        return datetime.strptime(parts[0] + "-" + parts[1], files.STAMP), parts[2]
    except (ValueError, IndexError):
        return None


def verify_dump(copy: str | Path, progress: Progress = silent) -> dict:
    """Check a server backup without a server: its sha256 and size against the manifest, then every data
    block decoded by pg_restore and the rows per table compared with the manifest's counts."""
    copy = Path(copy)
    if not copy.is_file():
        raise DomainError(f"找不到备份文件：{copy}")
    report: dict = {"ok": False, "file": str(copy.resolve()), "problems": [], "size": copy.stat().st_size}
    problems = report["problems"]
    with open(copy, "rb") as fh:
        if fh.read(5) != b"PGDMP":
            problems.append("不是 PostgreSQL 备份文件（pg_dump 自定义格式的文件头不符，可能已损坏或不是备份）")
            return report
    manifest = files.read_manifest(copy)
    report["manifest"] = manifest is not None
    report["sha256"] = files.file_sha256(copy, lambda d, t: progress(d, t, "正在计算校验值…"))
    if manifest is None:        # e.g. the IT department's own nightly pg_dump: decoded and counted, not compared
        report["notes"] = ["没有备份清单（.json）：无法核对校验值和各表行数，只检查备份能否完整读出"]
        manifest = {}
    for key in ("anchor", "cases", "schema_version", "server", "created_at"):
        if key in manifest:
            report[key] = manifest[key]
    if manifest and manifest.get("size") != report["size"]:
        problems.append(f"文件大小与备份清单不符（清单 {manifest.get('size')} 字节，现在 {report['size']} 字节）：备份被截断或改动")
    elif manifest and manifest.get("sha256") != report["sha256"]:
        problems.append("文件的校验值（sha256）与备份清单不符：备份在制作后被改动或损坏")
    if problems:
        return report
    progress(0, 0, "正在读出备份中的全部数据…")
    try:
        got = pg_dump.archive_counts(copy, lambda n: progress(0, 0, f"正在读出备份中的全部数据…（{n} 行）"))
    except DomainError as exc:
        if "PostgreSQL 客户端工具" in exc.message:
            raise                               # no tools on this PC: not a finding about the backup
        problems.append(f"备份中的数据无法完整读出（文件损坏或被截断）：{exc.message}")
        return report
    want = manifest.get("tables") or {}
    report["tables"] = {t: got.get(t, 0) for t in want} if want else got
    report.setdefault("cases", got.get("cases", 0))
    differ = [f"{t}（清单 {n} 行，备份中 {got.get(t, 0)} 行）" for t, n in sorted(want.items()) if got.get(t, 0) != n]
    if differ:
        problems.append("备份中的行数与清单不符：" + "、".join(differ))
    report["ok"] = not problems
    return report


class ServerBackups:
    """`ws.backups` on a server: manual backups to this PC, their list, verification; no automatic copies."""

    server = True

    def __init__(self, ws):
        self.ws = ws

    @property
    def target(self) -> str:
        return self.ws.store.path

    def who(self) -> str:
        return WHO_BACKS_UP

    def folder(self) -> Path:
        """Manual backups of a server go to this user's own folder on this PC."""
        from platformdirs import user_data_dir
        return Path(user_data_dir("xinfang", appauthor=False)) / "server-backups"

    def set_folder(self, folder: str, actor: str) -> Path:
        raise DomainError("服务器数据库的备份文件夹是各座席本机的文件夹，不保存在服务器上；手动备份时可直接选择保存位置"
                          "（命令行：xinfang backup --out 文件名）")

    def create(self, out: str | Path | None = None, kind: str = "manual", progress: Progress = silent) -> dict:
        self.ws.access.require(BACKUP)
        at = self.ws.now()
        stem = _db_name(self.target)
        dest = Path(out) if out else self.folder() / f"{stem}-{at.strftime(files.STAMP)}-{kind}{SUFFIX}"
        if dest.is_dir():
            raise DomainError(f"无法写入备份“{dest}”：这是一个文件夹，请给出备份的文件名（如 {dest / '信访备份.dump'}）")
        progress(0, 0, "正在从服务器导出（pg_dump）…")
        anchor = self.ws.anchor
        try:
            described = pg_dump.write_dump(self.ws.store.conn.raw, dest, lambda: {
                "anchor": anchor(), "schema_version": self.ws.store.schema_version()})
        except OSError as exc:
            raise DomainError(f"无法写入备份“{dest}”（{exc.strerror or exc}）。请选择一个可写、空间足够的位置") from None
        tables = described["tables"]
        manifest = {"file": str(dest.resolve()), "created_at": at.isoformat(timespec="seconds"), "kind": kind,
                    "engine": "postgresql", "format": "pg_dump custom", "server": server_label(self.target),
                    "schema_version": described["schema_version"], "cases": tables.get("cases", 0),
                    "anchor": described["anchor"], "tables": tables, "size": dest.stat().st_size,
                    "sha256": files.file_sha256(dest)}
        try:
            files.write_manifest(dest, manifest)
            report = verify_dump(dest, progress)
        except BaseException:
            dest.unlink(missing_ok=True)
            files.manifest_path(dest).unlink(missing_ok=True)
            raise
        if not report["ok"]:
            dest.unlink(missing_ok=True)
            files.manifest_path(dest).unlink(missing_ok=True)
            raise DomainError("备份导出后校验未通过，已删除：" + "；".join(report["problems"]))
        manifest["verified"] = {"at": self.ws.now().isoformat(timespec="seconds"), "ok": True, "problems": []}
        files.write_manifest(dest, manifest)
        return self._entry(dest, manifest)

    def auto(self, closing: bool = False, progress: Progress = silent) -> None:
        """Seats make no automatic copies of a server (its administrator does, see README)."""
        return None

    def prune(self) -> list[str]:
        return []

    def list(self) -> list[dict]:
        self.ws.access.require(BACKUP)
        folder, stem = self.folder(), _db_name(self.target)
        if not folder.is_dir():
            return []
        out = [self._entry(p, files.read_manifest(p)) for p in folder.glob(f"{stem}-*{SUFFIX}")
               if p.is_file() and _parse(p.name, stem)]
        return sorted(out, key=lambda b: (b["created_at"], b["file"]), reverse=True)

    def _entry(self, path: Path, manifest: dict | None) -> dict:
        parsed = _parse(path.name, _db_name(self.target))
        kind = (manifest or {}).get("kind") or (parsed[1] if parsed else "manual")
        created = (manifest or {}).get("created_at") or \
            (parsed[0] if parsed else datetime.fromtimestamp(path.stat().st_mtime)).isoformat(timespec="seconds")
        entry = {**(manifest or {}), "file": str(path.resolve()), "name": path.name, "kind": kind,
                 "kind_label": KIND_LABELS.get(kind, kind), "created_at": created, "size": path.stat().st_size,
                 "manifest": manifest is not None}
        entry.setdefault("verified", None)
        return entry

    def verify(self, copy: str | Path, progress: Progress = silent) -> dict:
        self.ws.access.require(BACKUP)
        report = verify_dump(copy, progress)
        manifest = files.read_manifest(copy)
        if manifest is not None and report.get("sha256") == manifest.get("sha256"):
            manifest["verified"] = {"at": self.ws.now().isoformat(timespec="seconds"), "ok": report["ok"],
                                    "problems": report["problems"]}
            try:
                files.write_manifest(copy, manifest)
            except OSError as exc:
                report.setdefault("notes", []).append(f"校验结果未能记入备份清单（{exc.strerror or exc}）；备份本身未改动")
        return report

    def restore(self, copy: str | Path, progress: Progress = silent) -> dict:
        """The database this workspace has open is in use: a server backup goes into a new, empty one."""
        self.ws.access.require(BACKUP)
        raise DomainError("当前连接的服务器数据库不是空的，不能在它上面恢复。" + RESTORE_HOW)


def restore_to_server(target: str, copy: str | Path, now: datetime | None = None, password: str | None = None,
                      progress: Progress = silent) -> dict:
    """`xinfang --db URL restore FILE`: verify the archive, refuse a database that is not empty, load the
    archive in one transaction, then open it (migrating it if the backup is older than this program) and
    check that its rows per table and ledger anchor are those of the manifest, and its ledger and chains."""
    from ..storage.pg import db as pg_db
    from ..storage.store import Store
    from .workspace import Workspace
    if not Path(copy).is_file():
        raise DomainError(f"找不到备份文件：{copy}")
    conn = pg_db.connect(target, password)          # a login problem is told before the long verification
    try:
        pg_db.check_database(conn)
        found = pg_dump.relations(conn)
        if found:
            raise DomainError(f"服务器上的这个数据库不是空的（已有 {found} 个表或序列），为避免覆盖，不予恢复。"
                              + RESTORE_HOW)
        dsn, password = pg_dump.connection_target(conn)
    finally:
        conn.close()
    report = verify_dump(copy, progress)
    if not report["ok"]:
        raise DomainError("备份未通过校验，未恢复：" + "；".join(report["problems"]))
    manifest = files.read_manifest(copy) or {}
    progress(0, 0, "正在把备份载入服务器（pg_restore，一个事务）…")
    pg_dump.restore(dsn, password, Path(copy))
    progress(0, 0, "正在核对恢复后的数据…")
    store = Store(target, password=password)
    ws = Workspace.on_store(store, now=now or datetime.now, seed_reference=False)
    try:
        result = {"ok": True, "restored_from": str(Path(copy).resolve()), "db": server_label(target),
                  "sha256": report["sha256"], "problems": []}
        problems = result["problems"]
        counts = pg_dump.table_counts(store.conn.raw)
        for table, n in sorted((manifest.get("tables") or {}).items()):
            if counts.get(table) != n:
                problems.append(f"恢复后 {table} 有 {counts.get(table)} 行，备份清单为 {n} 行")
        result["tables"] = counts
        result["cases"] = counts.get("cases", 0)
        anchor = ws.anchor()
        result["anchor"] = anchor
        if manifest.get("anchor") and anchor != manifest["anchor"]:
            problems.append(f"恢复后的账本锚点（{anchor}）与备份清单的 {manifest['anchor']} 不符")
        result["check"] = _check(ws, result)
        result["ok"] = not problems
    finally:
        ws.close()
    if not result["ok"]:
        raise DomainError("已载入备份，但核对未通过（请勿使用这个数据库，让管理员删除后重建）："
                          + "；".join(result["problems"]))
    return result


def _check(ws, result: dict) -> dict | None:
    """The full `check` where it works on a server; else say so (the counts and anchor were compared)."""
    from ..storage.errors import StorageError
    try:
        check = ws.check()
    except (DomainError, StorageError) as exc:
        result.setdefault("notes", []).append(f"服务器上的完整性检查未能运行（{exc.message}）；已核对各表行数和账本锚点")
        return None
    if not check.get("ok", True):
        result["problems"].extend(check.get("problems") or ["完整性检查未通过"])
    return check

"""Backups and restore (`ws.backups`): consistent online copies with a manifest, a folder that keeps the last
7 daily and 4 weekly automatic copies, verification on a working copy, and a restore that verifies first and
keeps the current file as a backup."""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..domain.problems import DomainError
from ..storage import backup as files
from ..storage.errors import StorageError, as_storage_error
from .access import BACKUP
from .progress import Progress, silent


KIND_LABELS = {"auto": "自动", "manual": "手动", "premigrate": "升级前", "prerestore": "恢复前",
               "prepurge": "清除演示数据前"}
DAILY, WEEKLY = 7, 4


def size_text(size: int) -> str:
    """A file size as the office reads it: 820 字节, 12.3 KB, 4.5 MB, 1.2 GB."""
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} 字节"


@dataclass(frozen=True)
class Dated:
    at: datetime
    path: Path


def retained(backups: list[Dated], daily: int = DAILY, weekly: int = WEEKLY) -> set[Path]:
    """Which automatic copies to keep: the newest of each of the last ``daily`` days that have a copy, and the
    newest of each of the last ``weekly`` ISO weeks that have one (a copy may count for both)."""
    newest_by_day: dict[date, Dated] = {}
    newest_by_week: dict[tuple[int, int], Dated] = {}
    for b in sorted(backups, key=lambda b: b.at):
        newest_by_day[b.at.date()] = b
        newest_by_week[tuple(b.at.isocalendar())[:2]] = b
    keep = {newest_by_day[d].path for d in sorted(newest_by_day, reverse=True)[:daily]}
    keep |= {newest_by_week[w].path for w in sorted(newest_by_week, reverse=True)[:weekly]}
    return keep


def _parse_stamp(name: str, stem: str) -> tuple[datetime, str] | None:
    """`{stem}-YYYYmmdd-HHMMSS-{kind}.db` → (time, kind)."""
    if not (name.startswith(stem + "-") and name.endswith(".db")):
        return None
    parts = name[len(stem) + 1:-3].split("-", 2)
    if len(parts) != 3:
        return None
    try:
        at = datetime.strptime(parts[0] + "-" + parts[1], files.STAMP)
    except ValueError:
        return None
    return at, parts[2]


def verify_copy(copy: str | Path, scratch_dir: str | Path | None = None, progress: Progress = silent,
                keep_scratch: bool = False) -> dict:
    """Check a backup without changing it: its sha256 against the manifest, then — on a working copy — that it
    opens, SQLite's integrity check and every event chain (the service-level ``Workspace.check``).

    Returns ``{"ok", "file", "problems", "manifest", "sha256", "check", "cases", "schema_version"}``; with
    ``keep_scratch`` also ``"scratch"``: the checked working copy (the caller moves or deletes it)."""
    from .workspace import Workspace
    copy = Path(copy)
    if not copy.is_file():
        raise DomainError(f"找不到备份文件：{copy}")
    report: dict = {"ok": False, "file": str(copy.resolve()), "problems": [], "manifest": False,
                    "size": copy.stat().st_size}
    problems: list[str] = report["problems"]
    with open(copy, "rb") as fh:
        header = fh.read(16)
    if header.startswith(b"PGDMP"):             # a server's backup (pg_dump): checked without a server
        from .server_backups import verify_dump
        return verify_dump(copy, progress)
    if header != b"SQLite format 3\x00":
        problems.append("不是 SQLite 数据库文件（文件头不符，可能已损坏或不是备份）")
        return report

    manifest = files.read_manifest(copy)
    progress(0, report["size"], "正在计算校验值…")
    report["sha256"] = files.file_sha256(copy, lambda d, t: progress(d, t, "正在计算校验值…"))
    if manifest is None:
        problems_note = "没有备份清单（.json），无法核对校验值；只检查内容"
        report["notes"] = [problems_note]
    else:
        report["manifest"] = True
        if manifest.get("size") is not None and manifest["size"] != report["size"]:
            problems.append(f"文件大小与备份清单不符（清单 {manifest['size']} 字节，现在 {report['size']} 字节）："
                            "备份被截断或改动")
        elif manifest.get("sha256") != report["sha256"]:
            problems.append("文件的校验值（sha256）与备份清单不符：备份在制作后被改动或损坏")

    scratch_parent = Path(scratch_dir) if scratch_dir else Path(tempfile.gettempdir())
    scratch_parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".xinfang-verify-", dir=scratch_parent))
    scratch = work / "check.db"
    try:
        files.copy_file(copy, scratch, lambda d, t: progress(d, t, "正在复制到临时文件…"))
        progress(0, 0, "正在检查完整性和事件链…")
        try:
            ws = Workspace.open(scratch, seed_reference=False, backup_before_migration=False)
        except (DomainError, StorageError) as exc:
            problems.append(f"无法打开备份：{exc.message}")
            return report
        try:
            check = ws.check()
            report["check"] = check
            report["cases"] = check.get("cases", ws.count())
            report["schema_version"] = ws.store.schema_version()
            anchor = getattr(ws, "anchor", None)
            if callable(anchor):
                report["anchor"] = anchor()
                if manifest and manifest.get("anchor") and report["anchor"] != manifest["anchor"]:
                    problems.append(f"账本锚点（{report['anchor']}）与备份清单记录的 {manifest['anchor']} 不符："
                                    "备份中的记录在制作后被改动")
        except Exception as exc:        # noqa: BLE001 - only the database's own errors are a finding here
            stored = as_storage_error(exc)
            if stored is None:
                raise
            problems.append(f"检查时发现数据库有误：{stored.message}")
            return report
        finally:
            ws.close()
        problems.extend(_check_problems(check))
        if keep_scratch and not problems:
            report["scratch"] = str(scratch)
        report["ok"] = not problems
        return report
    finally:
        if "scratch" not in report:
            shutil.rmtree(work, ignore_errors=True)


def _check_problems(check: dict) -> list[str]:
    if check.get("problems"):                       # the ledger's check says it in Chinese already
        return list(check["problems"]) if not check.get("ok", True) else []
    out = []
    if check.get("integrity", "ok") != "ok":
        out.append(f"SQLite 完整性检查未通过：{check['integrity']}")
    broken = check.get("broken_chains") or []
    if broken:
        shown = "、".join(str(b) for b in broken[:10]) + ("等" if len(broken) > 10 else "")
        out.append(f"{len(broken)} 件案件的事件链校验不通过（记录被改动、删除或调换）：{shown}")
    if not check.get("ok", True) and not out:
        out.append("校验未通过：" + "；".join(f"{k}={v}" for k, v in check.items() if k not in ("ok", "cases")))
    return out


class Backups:
    """`ws.backups`: the backups of the database this Workspace has open. What a user asks for needs the
    管理员 role (`backup.run`); the automatic copies (closing, daily, before an upgrade or a restore) do not."""

    def __init__(self, ws):
        self.ws = ws

    # ---- where -------------------------------------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        path = self.ws.store.path
        if path == ":memory:":
            raise DomainError("内存数据库没有文件，无法备份或恢复")
        return Path(path).resolve()

    def _refuse_read_only(self, what: str) -> None:
        if self.ws.read_only:
            raise DomainError(f"数据库以只读方式打开（文件或所在文件夹不可写），{what}")

    def folder(self) -> Path:
        return files.backup_folder(self.ws.store.conn, self.db_path)

    def set_folder(self, folder: str, actor: str) -> Path:
        """Choose the backups folder (an empty text: `backups` beside the database); it must be writable."""
        self.ws.access.require(BACKUP)
        self._refuse_read_only("不能更改备份文件夹（这项设置保存在数据库中）")
        text = (folder or "").strip()
        if text:
            path = Path(text).expanduser()
            if not path.is_absolute():
                raise DomainError("备份文件夹请填写完整路径（如 D:\\信访备份 或 /media/usb/信访备份）")
            try:
                path.mkdir(parents=True, exist_ok=True)
                probe = path / ".xinfang-write-test"
                probe.write_bytes(b"")
                probe.unlink()
            except OSError as exc:
                raise DomainError(f"备份文件夹不可写：{path}（{exc.strerror or exc}）") from None
        with self.ws.store.transaction():
            self.ws.store.set_setting(files.BACKUP_DIR_SETTING, str(path.resolve()) if text else "",
                                      self.ws.access.actor(actor), self.ws.now())
        return self.folder()

    # ---- make --------------------------------------------------------------------------------------------
    def create(self, out: str | Path | None = None, kind: str = "manual", progress: Progress = silent) -> dict:
        """A consistent copy (online backup API, safe while others write) with its manifest."""
        self.ws.access.require(BACKUP)
        return self._copy(out, kind, progress)

    def _copy(self, out: str | Path | None, kind: str, progress: Progress) -> dict:
        at = self.ws.now()
        dest = Path(out) if out else self.folder() / files.backup_name(self.db_path, at, kind)
        if dest.resolve() == self.db_path:
            raise DomainError("备份文件不能是数据库文件本身")
        if dest.is_dir():
            raise DomainError(f"无法写入备份“{dest}”：这是一个文件夹，请给出备份的文件名（如 {dest / '信访备份.db'}）")
        anchor = getattr(self.ws, "anchor", None)
        try:
            manifest = files.write_backup(self.ws.store.conn, self.db_path, dest, kind, at,
                                          lambda d, t: progress(d, t, "正在备份…"),
                                          (lambda: {"anchor": anchor()}) if callable(anchor) else None)
        except (OSError, StorageError) as exc:
            # a folder on a CD or a full disk: say where, and how to choose another place; no partial copy stays
            if isinstance(exc, StorageError) and exc.damaged:
                raise                           # the database itself is damaged, not the place chosen
            reason = getattr(exc, "strerror", None) or getattr(exc, "message", None) or str(exc)
            raise DomainError(f"无法写入备份“{dest}”（{reason}）。请选择一个可写、空间足够的位置："
                              "命令行用 --out 文件名，程序中用“设置 → 备份与恢复”的“更改文件夹…”") from None
        return self._entry(dest, manifest)

    def auto(self, closing: bool = False, progress: Progress = silent) -> dict | None:
        """The automatic copy: always when the app closes, else at most once a day; then old copies go."""
        if self.ws.read_only:               # a file on a CD cannot change: nothing new to keep, nowhere to write
            return None
        today = self.ws.now().date()
        if not closing and any(b["kind"] == "auto" and b["created_at"][:10] == today.isoformat()
                               for b in self._list()):
            return None
        made = self._copy(None, "auto", progress)
        self.prune()
        return made

    def prune(self) -> list[str]:
        """Delete automatic copies beyond the last 7 daily and 4 weekly ones (other kinds are never deleted)."""
        autos = [Dated(datetime.fromisoformat(b["created_at"]), Path(b["file"])) for b in self._list()
                 if b["kind"] == "auto"]
        keep = retained(autos)
        removed = []
        for b in autos:
            if b.path not in keep:
                b.path.unlink(missing_ok=True)
                files.manifest_path(b.path).unlink(missing_ok=True)
                removed.append(str(b.path))
        return removed

    # ---- look --------------------------------------------------------------------------------------------
    def list(self) -> list[dict]:
        """This database's copies in the backups folder, newest first."""
        self.ws.access.require(BACKUP)
        return self._list()

    def _list(self) -> list[dict]:
        folder = self.folder()
        if not folder.is_dir():
            return []
        stem = self.db_path.stem
        out = []
        for path in folder.glob(f"{stem}-*.db"):
            if _parse_stamp(path.name, stem) is None or not path.is_file():
                continue
            out.append(self._entry(path, files.read_manifest(path)))
        return sorted(out, key=lambda b: (b["created_at"], b["file"]), reverse=True)

    def _entry(self, path: Path, manifest: dict | None) -> dict:
        parsed = _parse_stamp(path.name, self.db_path.stem)
        kind = (manifest or {}).get("kind") or (parsed[1].split("-")[0] if parsed else "manual")
        created = (manifest or {}).get("created_at") or \
            (parsed[0] if parsed else datetime.fromtimestamp(path.stat().st_mtime)).isoformat(timespec="seconds")
        entry = {**(manifest or {}), "file": str(path.resolve()), "name": path.name, "kind": kind,
                 "kind_label": KIND_LABELS.get(kind, kind), "created_at": created, "size": path.stat().st_size,
                 "manifest": manifest is not None}
        entry.setdefault("verified", None)
        return entry

    # ---- check and restore -------------------------------------------------------------------------------
    def verify(self, copy: str | Path, progress: Progress = silent) -> dict:
        """verify_copy, and the result recorded in the copy's manifest (shown in the list)."""
        self.ws.access.require(BACKUP)
        # the working copy goes beside the database (the disk meant for it), or to the temp folder when that is read-only
        report = verify_copy(copy, None if self.ws.read_only else self.db_path.parent, progress)
        manifest = files.read_manifest(copy)
        if manifest is not None:
            manifest["verified"] = {"at": self.ws.now().isoformat(timespec="seconds"), "ok": report["ok"],
                                    "problems": report["problems"]}
            try:
                files.write_manifest(copy, manifest)
            except OSError as exc:          # a copy on a CD or a write-protected USB drive
                report.setdefault("notes", []).append(
                    f"校验结果未能记入备份清单（{exc.strerror or exc}）；备份本身未改动")
        return report

    def restore(self, copy: str | Path, progress: Progress = silent) -> dict:
        """Replace the database with a verified copy. The current file is first kept as a `prerestore` backup.
        A copy that does not verify is refused with the reasons and nothing changes. Afterwards this Workspace
        is open on the restored file."""
        self.ws.access.require(BACKUP)
        self._refuse_read_only("不能恢复；请先把数据库复制到可写的位置，或恢复到一个新文件"
                               "（命令行：xinfang --db 新文件.db restore 备份文件）")
        live = self.db_path
        report = verify_copy(copy, live.parent, progress, keep_scratch=True)
        if not report["ok"]:
            raise DomainError("备份未通过校验，未恢复：" + "；".join(report["problems"]))
        scratch = Path(report["scratch"])
        try:
            progress(0, 0, "正在备份当前数据库…")
            previous = self._copy(None, "prerestore", progress)
            progress(0, 0, "正在替换数据库文件…")
            self.ws.close()
            try:
                # SQLite removes -wal/-shm when the last connection closes: if they remain, someone else has it open
                if any(p.exists() for p in files.companion_files(live)):
                    raise DomainError("数据库正被其他程序使用（例如另一个已打开的 xinfang 窗口），"
                                      "请先关闭后再恢复；当前数据库未改动")
                os.replace(scratch, live)
            finally:
                self.ws.reopen()
        finally:
            shutil.rmtree(scratch.parent, ignore_errors=True)
        summary = self.ws.summary()
        return {"ok": True, "restored_from": str(Path(copy).resolve()), "db": str(live),
                "previous_saved_as": previous["file"], "cases": summary["cases"],
                "check": report.get("check"), "sha256": report["sha256"]}

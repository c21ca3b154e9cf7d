"""Copies of the database file: SQLite's online backup API (a consistent copy while others write), the
sha256 of a file, and a working copy to check. Manifests and retention are decided in services/backups.py."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Callable

from .errors import translated

Progress = Callable[[int, int], None]   # (done, total) in pages or bytes
PAGES_PER_STEP = 1024                    # 4 MB per step with 4 KB pages: the writer waits at most one step
CHUNK = 1 << 20


BACKUP_DIR_SETTING = "backup_dir"
STAMP = "%Y%m%d-%H%M%S"


def backup_folder(conn: sqlite3.Connection, db_path: str | Path) -> Path:
    """The folder the setting names, else `backups` beside the database."""
    chosen = None
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='settings'").fetchone():
        row = conn.execute("SELECT value FROM settings WHERE key = ?", (BACKUP_DIR_SETTING,)).fetchone()
        chosen = json.loads(row[0]) if row else None
    return Path(chosen) if chosen else Path(db_path).resolve().parent / "backups"


def backup_name(db_path: str | Path, at: datetime, kind: str) -> str:
    return f"{Path(db_path).stem}-{at.strftime(STAMP)}-{kind}.db"


def manifest_path(copy: str | Path) -> Path:
    return Path(copy).with_name(Path(copy).name + ".json")


def write_backup(conn: sqlite3.Connection, db_path: str | Path, dest: str | Path, kind: str, at: datetime,
                 progress: Progress | None = None, extra: Callable[[], dict] | None = None) -> dict:
    """An online copy of ``conn`` at ``dest`` and its manifest ``dest.json``; returns the manifest.
    ``extra()`` (e.g. the ledger anchor) is read in the same snapshot as the copy. A database error is
    raised as a StorageError."""
    with translated():
        return _write_backup(conn, db_path, dest, kind, at, progress, extra)


def _write_backup(conn: sqlite3.Connection, db_path: str | Path, dest: str | Path, kind: str, at: datetime,
                  progress: Progress | None, extra: Callable[[], dict] | None) -> dict:
    own_snapshot = not conn.in_transaction
    if own_snapshot:
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    try:
        more = extra() if extra is not None else {}
        online_backup(conn, dest, progress)
    finally:
        if own_snapshot:
            conn.execute("ROLLBACK")
    try:
        manifest = {"file": str(Path(dest).resolve()), "created_at": at.isoformat(timespec="seconds"),
                    "kind": kind, "source": str(Path(db_path).resolve()), **describe(dest),
                    "size": Path(dest).stat().st_size, "sha256": file_sha256(dest), **more}
        write_manifest(dest, manifest)
    except BaseException:
        Path(dest).unlink(missing_ok=True)      # a copy without its manifest could not be verified: none at all
        raise
    return manifest


def write_manifest(copy: str | Path, manifest: dict) -> None:
    path = manifest_path(copy)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(partial, path)


def read_manifest(copy: str | Path) -> dict | None:
    path = manifest_path(copy)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def online_backup(source: sqlite3.Connection, dest: str | Path, progress: Progress | None = None) -> None:
    """Write a consistent copy of ``source`` to ``dest`` (a new single file, rollback journal, not WAL)."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f"{dest.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    try:
        _copy_into(source, partial, progress)
        _fsync(partial)
        os.replace(partial, dest)                        # a copy is either whole or absent
    except BaseException:
        for leftover in (partial, *companion_files(partial)):    # a full disk or a failed step leaves nothing
            leftover.unlink(missing_ok=True)
        raise


def _copy_into(source: sqlite3.Connection, partial: Path, progress: Progress | None) -> None:
    target = sqlite3.connect(str(partial))
    # One read transaction across all steps: the copy is one snapshot, and another process writing meanwhile
    # (WAL: readers never block it) does not make SQLite restart the copy at every step.
    own_snapshot = not source.in_transaction
    if own_snapshot:
        source.execute("BEGIN")
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
    try:
        def step(_status, remaining, total):
            if progress is not None:
                progress(total - remaining, total)
        source.backup(target, pages=PAGES_PER_STEP, progress=step)
        target.execute("PRAGMA journal_mode = DELETE")   # the WAL flag was copied with the header
        target.commit()
    finally:
        if own_snapshot:
            source.execute("ROLLBACK")
        target.close()


def file_sha256(path: str | Path, progress: Progress | None = None) -> str:
    digest = hashlib.sha256()
    total = Path(path).stat().st_size
    done = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    return digest.hexdigest()


def copy_file(src: str | Path, dest: str | Path, progress: Progress | None = None) -> None:
    total = Path(src).stat().st_size
    done = 0
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        while chunk := fin.read(CHUNK):
            fout.write(chunk)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        fout.flush()
        os.fsync(fout.fileno())
    shutil.copystat(src, dest)


def describe(path: str | Path) -> dict:
    """Schema version and case count of a copy, read without changing it (read-only, no journal)."""
    from .db import schema_version
    uri = Path(path).resolve().as_uri() + "?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True)
    try:
        has_cases = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='cases'").fetchone()
        cases = conn.execute("SELECT count(*) FROM cases").fetchone()[0] if has_cases else 0
        return {"schema_version": schema_version(conn), "cases": cases}
    finally:
        conn.close()


def companion_files(path: str | Path) -> list[Path]:
    """The -wal/-shm/-journal files SQLite keeps beside a database while it is open."""
    p = Path(path)
    return [p.with_name(p.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

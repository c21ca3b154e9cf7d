"""Attached files (`ws.files`): case attachments, 人民调解 卷宗 documents and 积案 evidence.

One SQLite file on one PC keeps them in the `<db>-files` folder beside the database, as always. On a server
(issue 12) the seats sit at different PCs, so the bytes go into the database (storage/file_store.py) in the
action's own transaction, and opening one writes a checked temporary copy on this PC. Either way a record
names its file by a stored path (`attachments/<case uuid>/name.pdf`) and carries its sha256."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Callable

from ..domain.problems import DomainError
from ..storage.file_store import FileStore

# a server sends a file in one statement and keeps it in one value: a generous bound for scanned 卷宗
MAX_SERVER_FILE = 512 * 1024 * 1024


def files_folder(target) -> Path | None:
    """Where a SQLite database keeps its attachments: `<db>-files` beside it; none in memory or on a server."""
    from ..storage.engine import is_server_url
    if str(target) == ":memory:" or is_server_url(target):
        return None
    return Path(target).resolve().parent / (Path(target).stem + "-files")


def opened_folder() -> Path:
    """Where copies of a server's attachments are written to be opened: this user's own cache folder (a
    shared /tmp would let other accounts on the PC read a petitioner's papers)."""
    from platformdirs import user_cache_dir
    folder = Path(user_cache_dir("xinfang", appauthor=False)) / "opened"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class AttachmentFiles:
    def __init__(self, ws):
        self.ws = ws
        self.db = FileStore(ws.store)

    @property
    def on_server(self) -> bool:
        return self.ws.store.dialect.server

    # ---- keeping ----------------------------------------------------------------------------------------
    def keep(self, src: str | Path, area: str, owner: str, now: datetime) -> tuple[str, str, int]:
        """Keep the file `src` under `area/owner/` (call inside the action's transaction); returns (stored
        path, sha256, size). An earlier file of the same name is never overwritten: `name(2).pdf`."""
        src = Path(src)
        if self.ws.data_dir is None and not self.on_server:
            raise DomainError("内存数据库不能保存附件")
        if not src.is_file():
            raise DomainError(f"附件“{src}”不存在或不是文件")
        if self.on_server:
            return self._keep_in_database(src, area, owner, now)
        digest = _sha256_of(src)
        dest = self.ws.data_dir / area / owner / src.name
        n = 2
        while dest.exists():
            dest = dest.with_name(f"{src.stem}({n}){src.suffix}")
            n += 1
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest)
        return str(dest.relative_to(self.ws.data_dir)), digest, src.stat().st_size

    def _keep_in_database(self, src: Path, area: str, owner: str, now: datetime) -> tuple[str, str, int]:
        size = src.stat().st_size
        if size > MAX_SERVER_FILE:
            raise DomainError(f"附件“{src.name}”过大（{size // (1 << 20)} MB）：服务器数据库中每个附件最多 "
                              f"{MAX_SERVER_FILE // (1 << 20)} MB，请压缩或拆分后再添加")
        content = src.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        stored = f"{area}/{owner}/{src.name}"
        n = 2
        while self.db.path_taken(stored):
            stored = f"{area}/{owner}/{src.stem}({n}){src.suffix}"
            n += 1
        self.db.put(digest, content, now)
        return stored, digest, len(content)

    # ---- opening ----------------------------------------------------------------------------------------
    def local_path(self, stored_path: str, sha256: str = "", filename: str = "") -> Path:
        """A path on this PC to open the file with: in the `<db>-files` folder, or (server) a temporary copy
        whose sha256 was checked against the record."""
        if not self.on_server:
            if self.ws.data_dir is None:
                raise DomainError("内存数据库没有附件目录")
            return self.ws.data_dir / stored_path
        if not sha256:
            found = self.db.named(stored_path)
            if found is None:
                raise DomainError(f"数据库中没有名为“{stored_path}”的附件")
            sha256, filename = found
        content = self.db.get(sha256)
        if content is None:
            raise DomainError(f"服务器数据库中缺少附件“{filename or stored_path}”的内容（sha256 {sha256[:12]}…）；"
                              "请联系管理员从备份中恢复")
        if hashlib.sha256(content).hexdigest() != sha256:
            raise DomainError(f"附件“{filename or stored_path}”的内容与登记时的校验值不符（可能被改动或损坏），"
                              "未打开；请联系管理员")
        name = Path(filename or Path(stored_path).name).name or "附件"
        folder = opened_folder() / sha256[:16]
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / name
        if not (dest.is_file() and dest.stat().st_size == len(content) and _sha256_of(dest) == sha256):
            partial = folder / f".{name}.partial"
            partial.write_bytes(content)
            os.replace(partial, dest)
        return dest

    def notice_folder(self) -> Path:
        """Where the app saves the PDFs of 告知书 it prints: beside the database, or on a server in this
        user's own folder (the notice itself is on the server and prints again the same)."""
        if self.ws.data_dir is not None:
            return self.ws.data_dir / "notices"
        if self.on_server:
            from platformdirs import user_documents_dir
            return Path(user_documents_dir()) / "xinfang-文书"
        return Path(tempfile.gettempdir()) / "xinfang-notices"

    # ---- moving an office (migrate-to) -----------------------------------------------------------------
    def carry_folder(self, folder: str | Path | None, progress: Callable[[int, int], None] | None = None) -> dict:
        """Put the files of a `<db>-files` folder into this (server) database, for `migrate-to` after the
        records were copied: every attachment and 卷宗 document the records name is read from the folder,
        checked against its sha256 and kept in one transaction. Files the folder lacks, or whose content
        changed since it was attached, are listed, not kept. Returns {"files", "bytes", "already", "missing",
        "mismatched"}."""
        if not self.on_server:
            raise DomainError("附件只在服务器数据库中才保存到数据库内")
        folder = Path(folder) if folder else None
        wanted = self.db.referenced()
        report = {"files": 0, "bytes": 0, "already": 0, "missing": [], "mismatched": []}
        now = self.ws.now()
        with self.ws.store.transaction():
            for i, (stored, digest, _name) in enumerate(wanted):
                if progress:
                    progress(i, len(wanted))
                if self.db.has(digest):
                    report["already"] += 1
                    continue
                path = folder / stored if folder else None
                if path is None or not path.is_file():
                    report["missing"].append(stored)
                    continue
                content = path.read_bytes()
                if hashlib.sha256(content).hexdigest() != digest:
                    report["mismatched"].append(stored)
                    continue
                self.db.put(digest, content, now)
                report["files"] += 1
                report["bytes"] += len(content)
        if progress:
            progress(len(wanted), len(wanted))
        return report

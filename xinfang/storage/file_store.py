"""The contents of attached files in the database (table `file_contents`, migration 0060), keyed by sha256.

Used when the store is a server: four seats on four PCs cannot read a folder beside it. A content is written
once (the same file attached twice is stored once) inside the action's transaction, so a refused or failed
action leaves nothing behind. SQLite keeps its files in the `<db>-files` folder; there this table is empty."""
from __future__ import annotations

from datetime import datetime

from .errors import translated

# where an attached file is named: (table, column holding its path)
_NAMED_IN = (("attachments", "stored_path"), ("dispute_documents", "stored_path"))


class FileStore:
    def __init__(self, store):
        self.store = store

    @property
    def conn(self):
        return self.store.conn

    def put(self, sha256: str, content: bytes, now: datetime) -> None:
        """Keep a file's bytes (call inside the action's transaction); a content already there is kept."""
        with translated():
            self.conn.execute("INSERT OR IGNORE INTO file_contents(sha256, size, content, added_at) VALUES (?,?,?,?)",
                              (sha256, len(content), content, now.isoformat(timespec="seconds")))

    def get(self, sha256: str) -> bytes | None:
        with translated():
            row = self.conn.execute("SELECT content FROM file_contents WHERE sha256 = ?", (sha256,)).fetchone()
        return None if row is None else bytes(row[0])

    def has(self, sha256: str) -> bool:
        with translated():
            return self.conn.execute("SELECT 1 FROM file_contents WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def path_taken(self, stored_path: str) -> bool:
        """Whether a case attachment or 卷宗 document already has this stored name (names are never reused)."""
        with translated():
            return any(self.conn.execute(f"SELECT 1 FROM {table} WHERE {column} = ? LIMIT 1", (stored_path,)).fetchone()
                       for table, column in _NAMED_IN)

    def named(self, stored_path: str) -> tuple[str, str] | None:
        """(sha256, filename) of the attachment or document stored under this name."""
        with translated():
            for table, column in _NAMED_IN:
                row = self.conn.execute(f"SELECT sha256, filename FROM {table} WHERE {column} = ? LIMIT 1",
                                        (stored_path,)).fetchone()
                if row:
                    return row[0], row[1]
        return None

    def referenced(self) -> list[tuple[str, str, str]]:
        """Every attached file the records name: (stored_path, sha256, filename), generated 卷宗 entries
        (no file) left out; for carrying a `<db>-files` folder onto a server."""
        with translated():
            rows = self.conn.execute(
                "SELECT stored_path, sha256, filename FROM attachments UNION "
                "SELECT stored_path, sha256, filename FROM dispute_documents WHERE origin = 'attached' "
                "ORDER BY 1").fetchall()
        return [(r[0], r[1], r[2]) for r in rows if r[0]]

    def totals(self) -> tuple[int, int]:
        """(files, bytes) held."""
        with translated():
            n, size = self.conn.execute("SELECT count(*), coalesce(sum(size), 0) FROM file_contents").fetchone()
        return int(n), int(size)

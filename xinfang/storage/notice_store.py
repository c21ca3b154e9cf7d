"""Issued notices: one number per kind and year, never reused (table `notices`, migration 0009)."""
from __future__ import annotations

import sqlite3
from datetime import datetime

from . import concurrency


class NoticeStore:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def notice(self, row: int, kind: str) -> tuple | None:
        """(year, seq, number, issued_at, issued_by) of the notice already issued, or None."""
        return self.conn.execute("SELECT year, seq, number, issued_at, issued_by FROM notices "
                                 "WHERE case_id = ? AND kind = ?", (row, kind)).fetchone()

    def next_seq(self, kind: str, year: int) -> int:
        """The next number of a notice kind and year (call inside the issuing transaction)."""
        return concurrency.next_number(self.conn, "notice", kind, year,
                                       "SELECT max(seq) FROM notices WHERE kind = ? AND year = ?", (kind, year))

    def add(self, row: int, kind: str, year: int, seq: int, number: str, at: datetime, actor: str) -> None:
        self.conn.execute("INSERT INTO notices(case_id, kind, year, seq, number, issued_at, issued_by) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)",
                          (row, kind, year, seq, number, at.isoformat(timespec="seconds"), actor))

    def of_case(self, row: int) -> list[tuple]:
        return self.conn.execute("SELECT kind, number, issued_at, issued_by FROM notices WHERE case_id = ? "
                                 "ORDER BY issued_at", (row,)).fetchall()

    def unit_contact(self, code: str) -> tuple[str, str]:
        found = self.conn.execute("SELECT contact, phone FROM units WHERE code = ?", (code,)).fetchone()
        return (found[0], found[1]) if found else ("", "")

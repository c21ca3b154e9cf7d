"""Small reads of one case that services need (its uuid, number, registrar …), so no SQL lives in services."""
from __future__ import annotations

from typing import Any, Sequence


class CaseLookups:
    """Mixed into Store; uses its `q` and `one`."""

    def q(self, sql: str, params: Sequence | dict = ()) -> list[tuple]: ...   # provided by Store
    def one(self, sql: str, params: Sequence | dict = ()) -> Any: ...         # provided by Store

    def case_uuid(self, row: int) -> str | None:
        return self.one("SELECT uuid FROM cases WHERE id = ?", (row,))

    def case_number(self, row: int) -> str | None:
        return self.one("SELECT number FROM cases WHERE id = ?", (row,))

    def case_registrar(self, row: int) -> str:
        return self.one("SELECT registered_by FROM cases WHERE id = ?", (row,)) or ""

    def case_head(self, row: int) -> tuple[str, str, str] | None:
        """(number, uuid, status) of a case, or None."""
        rows = self.q("SELECT number, uuid, status FROM cases WHERE id = ?", (row,))
        return tuple(rows[0]) if rows else None

    def earlier_cases(self, row: int) -> list[int]:
        """The rows of the earlier petitions this case repeats."""
        return [e for e, in self.q("SELECT earlier_id FROM repeats WHERE case_id = ?", (row,))]

    def schema_version(self) -> str | None:
        return self.one("SELECT value FROM meta WHERE key = 'schema_version'")

    def busiest_unit(self, kind: str) -> str | None:
        """The unit of this kind handling the most cases (ties: the smallest code); None when none handles any."""
        rows = self.q("SELECT c.handling_unit, count(*) FROM cases c JOIN units u ON u.code = c.handling_unit "
                      "WHERE u.kind = ? GROUP BY c.handling_unit ORDER BY 2 DESC, 1 LIMIT 1", (kind,))
        return rows[0][0] if rows else None

    def change_mark(self) -> tuple:
        """What moves whenever anyone (another seat, the CLI on the same file) saves something: the ledger's
        head (every action appends to it) and the newest case row (a bulk load). Two index lookups, so a
        front end may ask every few seconds."""
        rows = self.q("SELECT (SELECT max(seq) FROM ledger), (SELECT max(id) FROM cases)")
        return tuple(rows[0])

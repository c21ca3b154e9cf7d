"""The 积案 board's list (ws.backlog.records / record_keys / record_rows): filters over the record table give
the ids (and which are overdue) at once; the rows of the part on screen are read with their case and batch."""
from __future__ import annotations

from datetime import date
from typing import Sequence

from ..domain.backlog import BacklogStatus
from ..domain.permissions import RESTRICTED_MARK
from ..domain.problems import DomainError
from . import backlog_stats

_STATUS_ALIASES = {"open": "未化解", "resolved": "已化解", "closed": "已结案"}


class BoardMixin:
    def records(self, batch=None, leader: str = "", unit: str = "", status: Sequence[str] = (),
                overdue: bool = False, today: date | None = None, include_delisted: bool = True) -> list[dict]:
        """The board's rows (current state), filtered, by due date; due state as of today."""
        keys = self.record_keys(batch, leader, unit, status, overdue, today, include_delisted)
        return self.record_rows([k[0] for k in keys], today)

    def record_keys(self, batch=None, leader: str = "", unit: str = "", status: Sequence[str] = (),
                    overdue: bool = False, today: date | None = None,
                    include_delisted: bool = True) -> list[tuple[int, int]]:
        """(id, 1 if overdue today else 0) of the records that pass the filters, by due date then id — what a windowed
        list needs up front; `record_rows` gives the rows of the part on screen."""
        from .backlog import READ
        today = today or self.ws.now().date()
        batch_id = self._batch_row(batch)[0] if batch not in (None, "") else None
        leader = self.leader(leader)["name"] if leader else ""
        unit_code = self._unit(unit)[0] if unit else ""
        if not self.ws.access.can(READ):
            own = self.ws.access.user.unit
            self.ws.access.require(READ, own or None)      # 承办: only the records of his own unit
            if unit_code and unit_code != own:
                return []
            unit_code = own
        statuses = []
        for s in status:
            try:
                statuses.append(BacklogStatus(_STATUS_ALIASES.get(s, s)).value)
            except ValueError:
                raise DomainError(f"积案状态“{s}”应为 未化解、已化解 或 已结案") from None
        return self.db.list_keys(batch_id=batch_id, leader=leader, unit=unit_code, status=statuses,
                                 overdue_before=today if overdue else None, include_delisted=include_delisted,
                                 today=today)

    def record_rows(self, ids: Sequence[int], today: date | None = None) -> list[dict]:
        """The board's rows of these records, in the order given (personal data as the user may see it)."""
        from .backlog import READ
        if not self.ws.access.can(READ):
            self.ws.access.require(READ, self.ws.access.user.unit or None)
        today = today or self.ws.now().date()
        warn = int(self.setting("backlog_warn_days"))
        own = "" if self.ws.access.can(READ) else self.ws.access.user.unit
        rows = self.db.list_rows(ids)
        units = self.db.unit_names() if rows else {}
        out = []
        for (rid, ruuid, case_row, number, summary, names, bid, bname, source, taken, ldr, u, due, st, res, dl,
             restricted, registered_by) in rows:
            if own and u != own:
                continue
            due_d = date.fromisoformat(due)
            left = (due_d - today).days
            state = backlog_stats.row_due_state(st, due_d, res and date.fromisoformat(res), dl, left, warn)
            if restricted and not self.ws.access.sees_identity(True, registered_by):
                summary, names = RESTRICTED_MARK, RESTRICTED_MARK
            out.append({"id": rid, "case": number, "case_row": case_row, "summary": summary, "petitioners": names,
                        "batch": bid, "batch_name": bname, "source": source, "taken_on": taken, "leader": ldr,
                        "unit": u, "unit_name": units.get(u, ""), "due": due, "due_state": state, "days_left": left,
                        "status": st, "resolved_on": res, "delisted": dl is not None, "restricted": bool(restricted)})
        return out


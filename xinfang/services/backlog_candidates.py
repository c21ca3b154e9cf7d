"""积案候选 (本级排查: proposals a person takes on or dismisses — never automatic) and 公开接访日."""
from __future__ import annotations

from datetime import date, timedelta

from ..domain.backlog import CandidateRules
from ..domain.enums import Status
from ..domain.permissions import RESTRICTED_MARK
from ..domain.problems import DomainError


class CandidatesMixin:
    # ---- 积案候选 --------------------------------------------------------------------------------
    def candidate_rules(self) -> CandidateRules:
        return CandidateRules(open_days=int(self.setting("backlog_open_days")),
                              repeat_count=int(self.setting("backlog_repeat_count")),
                              window_days=int(self.setting("backlog_repeat_window_days")))

    def candidates(self, today: date | None = None) -> dict:
        """Cases that look like backlog, each with its reasons; without cases already on the list and
        cases dismissed since when nothing new happened (no newer event, no newer repeat petition)."""
        from .backlog import MANAGE
        self.ws.access.require(MANAGE)
        today = today or self.ws.now().date()
        r = self.candidate_rules()
        limit = int(self.setting("backlog_candidate_limit"))
        reasons: dict[int, list[str]] = {}
        codes: dict[int, list[str]] = {}

        def note(cid: int, code: str, text: str) -> None:
            reasons.setdefault(cid, []).append(text)
            codes.setdefault(cid, []).append(code)

        cutoff = today - timedelta(days=r.open_days)
        long_open = [cid for cid, in self.db.long_open_cases(cutoff, limit)]
        groups = self.db.repeat_groups(today - timedelta(days=r.window_days - 1), r.repeat_count, limit)
        after_recheck = [cid for cid, in self.db.petitioned_after_recheck(limit)]
        brief = self.db.case_brief(sorted({*long_open, *(c for c, _ in groups), *after_recheck}))
        for cid in long_open:
            age = (today - date.fromisoformat(brief[cid][3][:10])).days
            note(cid, "open_days", f"办理已 {age} 天仍未办结（超过 {r.open_days} 天）")
        for cid, n in groups:
            note(cid, "repeat", f"同一人同一事项 {r.window_days} 天内信访 {n} 次（达到 {r.repeat_count} 次）")
        for cid in after_recheck:
            note(cid, "after_recheck", "前一事项经复核终结后再次信访")
        ids = list(reasons)
        # a matter already on the list (this case or an earlier petition of the same chain) is not proposed
        listed = self.db.cases_with_open_records(ids)
        chain = {}
        for cid in ids:
            chain[cid] = self.ws.store.earlier_cases(cid)
        listed_earlier = self.db.cases_with_open_records(sorted({e for es in chain.values() for e in es}))
        dismissed = self.db.dismissals()
        items, hidden = [], 0
        for cid in ids:
            if cid in listed or any(e in listed_earlier for e in chain[cid]):
                continue
            if cid in dismissed:
                last, links, *_ = dismissed[cid]
                if self.db.fingerprint(cid) == (last, links):
                    hidden += 1
                    continue
            row = brief[cid]
            summary, names = row[2], row[5]
            if row[8] and not self.ws.access.sees_identity(True, row[9]):
                summary, names = RESTRICTED_MARK, RESTRICTED_MARK
            items.append({"case_row": cid, "case": row[1], "summary": summary, "received_at": row[3],
                          "status": Status(row[4]).label, "petitioners": names, "category": row[6],
                          "reasons": reasons[cid], "rules": codes[cid],
                          "dismissed_before": dismissed[cid][2] if cid in dismissed else ""})
        items.sort(key=lambda x: (-len(x["rules"]), x["received_at"], x["case_row"]))
        return {"as_of": today.isoformat(), "rules": {"open_days": r.open_days, "repeat_count": r.repeat_count,
                                                      "window_days": r.window_days},
                "items": items, "dismissed_hidden": hidden}

    def dismiss_candidate(self, case_key, reason: str, actor: str) -> dict:
        """Not a backlog case: recorded with its reason; proposed again only when something new happens."""
        from .backlog import MANAGE
        self.ws.access.require(MANAGE)
        actor = self.ws.access.actor(actor)
        row = self.ws.row_of(case_key)
        reason = str(reason or "").strip()
        if not reason:
            raise DomainError("请填写不列为积案的理由")
        if len(reason) > 500:
            raise DomainError("理由过长（最多 500 字）")
        now = self.ws.now()
        with self.ws.store.transaction():
            self.ws.store.ensure_user(actor, now=now)
            did, key = self.db.add_dismissal(row, reason, now, actor)
            case_uuid = self.ws.store.case_uuid(row)
            self.db.append_event("backlog_dismissal", key, "create", now, now, actor,
                                 {"case": case_uuid, "reason": reason})
        return {"id": did, "case_row": row, "reason": reason, "dismissed_at": now.isoformat(sep=" ")}

    # ---- 公开接访日 -------------------------------------------------------------------------------
    def add_reception(self, day, leader: str, place: str, actor: str, units: str = "", note: str = "") -> dict:
        from .backlog import MANAGE, _day, _name
        self.ws.access.require(MANAGE)
        actor = self.ws.access.actor(actor)
        on = _day(day, "接访日期")
        leader = self.leader(leader, active_only=True)["name"]
        place = _name(place, "接访地点", 100)
        units = _name(units, "参加单位", 500, required=False)
        now = self.ws.now()
        with self.ws.store.transaction():
            rid, key = self.db.insert_reception(on, leader, place, units, _name(note, "备注", 500, False), now, actor)
            self.db.append_event("reception", key, "create", now, now, actor,
                                 {"day": on.isoformat(), "leader": leader, "place": place, "units": units})
        return self.reception(rid)

    def receptions(self) -> list[dict]:
        from .backlog import READ
        self.ws.access.require(READ)
        return [self._reception_dict(r, with_cases=False) for r in self.db.receptions()]

    def reception(self, rid) -> dict:
        from .backlog import READ
        self.ws.access.require(READ)
        row = self.db.reception(int(rid)) if str(rid).strip().isdigit() else None
        if row is None:
            raise DomainError(f"找不到公开接访日“{rid}”")
        return self._reception_dict(row, with_cases=True)

    def _reception_dict(self, row: tuple, with_cases: bool) -> dict:
        rid, day, leader, place, units, note = row
        cases = self._reception_cases(date.fromisoformat(day), leader)
        out = {"id": rid, "date": day, "leader": leader, "place": place, "units": units, "note": note,
               "case_count": len(cases)}
        if with_cases:
            out["cases"] = cases
        return out

    def _reception_cases(self, day: date, leader: str) -> list[dict]:
        """Cases registered with public_reception on that day; when several leaders received that day,
        each day's list keeps the cases naming its leader."""
        same_day = [r for r in self.db.receptions() if r[1] == day.isoformat()]
        rows = self.db.reception_cases(day)
        if len(same_day) > 1:
            rows = [r for r in rows if r[4] == leader]
        out = []
        for row, number, names, summary, leader_name, status, restricted, registered_by in rows:
            if restricted and not self.ws.access.sees_identity(True, registered_by):
                names, summary = RESTRICTED_MARK, RESTRICTED_MARK
            out.append({"case_row": row, "case": number, "petitioners": names, "summary": summary,
                        "reception_leader": leader_name, "status": Status(status).label})
        return out

    def reception_pdf(self, rid, actor: str) -> bytes:
        from ..reports.backlog_print import render_reception_list
        return render_reception_list(self.reception(rid), office_name=self.ws.setting("office_name"),
                                     printed_at=self.ws.now(), printed_by=actor)

"""The official notices of a case (issue 10 §4): 受理告知书 … 复核意见书, handed out as `ws.notices`.

Issuing a notice is an event on the case (action ``notice``) and a row in ``notices``: the number
(e.g. 城信受〔2026〕12号) is the next of its kind in the issue year and is never reused; printing the
same notice again gives the same number.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.enums import Step
from ..domain.permissions import HANDLER, REGISTRAR, permission
from ..domain.problems import DomainError
from ..storage.notice_store import NoticeStore

if TYPE_CHECKING:
    from .workspace import Workspace

# the roles that act on the case: the 登记员 (dispositions, 复查/复核) and the handling unit's 承办
ISSUE_NOTICE = permission("notice.issue", "出具告知书、意见书", REGISTRAR, scoped=(HANDLER,))

# kind -> (the event that makes it possible, what is missing otherwise, default prefix suffix)
KINDS: dict[str, tuple[str, str, str]] = {
    "受理告知书": ("accept", "本件尚未受理", "受"),
    "不予受理告知书": ("decline", "本件没有作出不予受理决定", "不受"),
    "延期告知书": ("extend", "本件没有批准延期", "延"),
    "处理意见书": ("reply", "本件尚未作出答复（处理意见）", "处"),
    "复查意见书": ("review-decision", "本件尚未作出复查意见", "复查"),
    "复核意见书": ("recheck-decision", "本件尚未作出复核意见", "复核"),
}


@dataclass(frozen=True)
class IssuedNotice:
    case_row: int
    kind: str
    number: str
    year: int
    seq: int
    issued_at: datetime
    issued_by: str
    reprint: bool = False

    def to_dict(self) -> dict:
        return {"kind": self.kind, "number": self.number, "year": self.year, "seq": self.seq,
                "issued_at": self.issued_at.isoformat(sep=" "), "issued_by": self.issued_by,
                "reprint": self.reprint}


class Notices:
    def __init__(self, ws: "Workspace"):
        self.ws = ws

    # ---- settings --------------------------------------------------------------------------------
    def prefixes(self) -> dict[str, str]:
        """{kind: prefix}: the administrator's setting, else 本单位名称's first character + 信 + the kind."""
        stored = self.ws.setting("notice_prefixes") or {}
        head = (self.ws.setting("office_name") or "本")[:1]
        return {k: stored.get(k) or f"{head}信{suffix}" for k, (_, _, suffix) in KINDS.items()}

    def set_prefix(self, kind: str, prefix: str, actor: str) -> None:
        from .access import SETTINGS
        self.ws.access.require(SETTINGS)
        self._check_kind(kind)
        prefix = str(prefix).strip()
        if not prefix or len(prefix) > 12 or any(ch in prefix for ch in "〔〕[]号 "):
            raise DomainError("文号前缀应为 1 至 12 个字，不含括号、空格和“号”字，如“城信受”")
        stored = dict(self.ws.setting("notice_prefixes") or {})
        stored[kind] = prefix
        with self.ws.store.transaction():
            self.ws.store.set_setting("notice_prefixes", stored, self.ws.access.actor(actor), self.ws.now())

    # ---- which notices a case allows --------------------------------------------------------------
    @staticmethod
    def _check_kind(kind: str) -> None:
        if kind not in KINDS:
            raise DomainError(f"未知的文书“{kind}”，可选：{'、'.join(KINDS)}")

    def allowed(self, key) -> list[str]:
        case = self.ws.case(key)
        done = {e.action for e in case.events}
        return [k for k, (action, _, _) in KINDS.items() if action in done]

    def refusal(self, case, kind: str) -> str:
        """'' when the case's state allows the notice, else the reason in Chinese."""
        action, missing, _ = KINDS[kind]
        if any(e.action == action for e in case.events):
            return ""
        return f"{missing}（当前状态：{case.status.label}），不能出具{kind}"

    # ---- issuing ----------------------------------------------------------------------------------
    def can_issue(self, case) -> bool:
        return self.ws.access.can(ISSUE_NOTICE, case.handling_unit or None)

    def issue(self, key, kind: str, actor: str) -> IssuedNotice:
        self._check_kind(kind)
        case = self.ws.case(key)
        self.ws.access.require(ISSUE_NOTICE, case.handling_unit or None)
        actor = self.ws.access.actor(actor)
        reason = self.refusal(case, kind)
        if reason:
            raise DomainError(reason)
        store, notices = self.ws.store, NoticeStore(self.ws.store.conn)
        found = notices.notice(case.row, kind)
        if found:
            year, seq, number, issued_at, issued_by = found
            return IssuedNotice(case.row, kind, number, year, seq, datetime.fromisoformat(issued_at), issued_by, True)
        now = self.ws.now()
        with store.transaction():
            found = notices.notice(case.row, kind)       # again, under the write lock: another seat may have issued it
            if found:
                year, seq, number, issued_at, issued_by = found
                return IssuedNotice(case.row, kind, number, year, seq, datetime.fromisoformat(issued_at), issued_by,
                                    True)
            seq = notices.next_seq(kind, now.year)
            number = f"{self.prefixes()[kind]}〔{now.year}〕{seq}号"
            notices.add(case.row, kind, now.year, seq, number, now, actor)
            store.ensure_user(actor, now=now)
            store.append_event(case.row, case.id, "notice", now, now, actor, {"kind": kind, "number": number})
        return IssuedNotice(case.row, kind, number, now.year, seq, now, actor)

    # ---- printing ---------------------------------------------------------------------------------
    def content(self, issued: IssuedNotice) -> dict:
        """Everything the notice prints, filled from the case (pure data for reports/notices.py)."""
        ws = self.ws
        case = ws.case(issued.case_row)
        d = case.draft
        events = {e.action: e for e in case.events}          # the last event of each action
        office = ws.setting("office_name")
        handling = case.handling_unit_name or office
        names = "、".join(p.display_name for p in d.petitioners if p.display_name) or "信访人"
        first = next((p for p in d.petitioners if p.display_name), None)
        upper = self._upper_body(case.handling_unit)
        out = {
            "kind": issued.kind, "number": issued.number, "issued_on": issued.issued_at.date().isoformat(),
            "addressee": names, "address": first.address if first else "", "case_number": case.number,
            "received_on": d.received_at.date().isoformat(), "channel": d.channel.value, "summary": d.summary,
            "demands": d.demands, "issuer": handling, "office": office, "forwarded_by": "",
            "contact": NoticeStore(ws.store.conn).unit_contact(case.handling_unit) if case.handling_unit else ("", ""),
        }
        fwd = events.get("forward") or events.get("assign")
        if fwd is not None and case.handling_unit:
            out["forwarded_by"] = office
            out["forwarded_on"] = fwd.at.date().isoformat()
        kind = issued.kind
        if kind == "受理告知书":
            e = events["accept"]
            handle = case.clock(Step.HANDLE)
            out.update(accepted_on=e.at.date().isoformat(), due=handle.due.isoformat() if handle else "")
        elif kind == "不予受理告知书":
            e = events["decline"]
            out.update(declined_on=e.at.date().isoformat(), reason=e.payload.get("reason", ""),
                       basis=e.payload.get("basis", ""), where=e.payload.get("where", ""))
        elif kind == "延期告知书":
            e = events["extend"]
            handle = case.clock(Step.HANDLE)
            out.update(extended_on=e.at.date().isoformat(), days=e.payload.get("days"),
                       reason=e.payload.get("reason", ""), approver=e.payload.get("approver", ""),
                       due=handle.due.isoformat() if handle else "",
                       accepted_on=events["accept"].at.date().isoformat() if "accept" in events else "")
        elif kind == "处理意见书":
            e = events["reply"]
            out.update(replied_on=e.at.date().isoformat(), outcome=e.payload.get("outcome", ""),
                       facts=e.payload.get("facts", ""), decision=e.payload.get("decision", ""),
                       basis=e.payload.get("basis", ""), upper=upper)
        else:
            action, request = (("review-decision", "review-request") if kind == "复查意见书"
                               else ("recheck-decision", "recheck-request"))
            e = events[action]
            req = events.get(request)
            out.update(decided_on=e.at.date().isoformat(), outcome=e.payload.get("outcome", ""),
                       facts=e.payload.get("facts", ""), decision=e.payload.get("decision", ""),
                       basis=e.payload.get("basis", ""), requested_on=req.at.date().isoformat() if req else "",
                       issuer=(req.payload.get("body") if req else "") or upper or office,
                       original=handling, upper=self._upper_body(self._unit_code(upper)) if upper else "")
        return out

    def _upper_body(self, unit_code: str) -> str:
        unit = self.ws.directory.find(unit_code) if unit_code else None
        if unit is None or not unit.parent:
            return ""
        parent = self.ws.directory.find(unit.parent)
        return parent.name if parent else ""

    def _unit_code(self, name: str) -> str:
        unit = self.ws.directory.find(name)
        return unit.code if unit else ""

    def pdf(self, issued: IssuedNotice, actor: str) -> bytes:
        from ..reports.fonts import use_font_files
        from ..reports.notices import render_notice
        use_font_files(self.ws.setting("font_files") or {})
        return render_notice(self.content(issued))

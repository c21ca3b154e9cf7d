"""Printing the 人民调解 forms: each printout counts as a generated 卷宗 document and is noted on the timeline."""
from __future__ import annotations

from datetime import date

from ..domain.mediation_file import PRINT_KINDS
from ..domain.problems import DomainError

__all__ = ["PRINT_KINDS", "PrintMixin"]

# What a printout needs before it makes sense (a form with nothing to print is refused).
_NEEDS = {"协议书": ("agreement", "尚未达成调解协议，不能打印协议书"),
          "司法确认申请书": ("agreement", "尚未达成调解协议，不能打印司法确认申请书"),
          "调解记录": ("sessions", "尚无调解记录，请先记录调解过程"),
          "回访记录": ("followups", "尚无回访，请先登记回访")}


class PrintMixin:
    def print_pdf(self, key, kind: str, actor: str, mask: bool = True) -> bytes:
        """One form of the dispute as PDF bytes; records it as a generated document of the 卷宗."""
        if kind not in PRINT_KINDS:
            raise DomainError(f"没有文书“{kind}”，可打印：{'、'.join(PRINT_KINDS)}")
        from ..reports.mediation_forms import render       # reportlab loads only when printing
        d = self.show(key)                                  # checks 查看矛盾纠纷
        actor = self.ws.access.actor(actor)
        need = _NEEDS.get(kind)
        if need and not d[need[0]]:
            raise DomainError(need[1])
        if kind == "告知书" and not d["accepted_on"] and d["status"] != "registered":
            raise DomainError("纠纷未受理，无需告知书")
        court = next((e["payload"].get("court", "") for e in d["events"] if e["action"] == "confirm-apply"), "")
        now = self.ws.now()
        pdf = render(kind, d, office_name=self.ws.setting("office_name"), printed_at=now, printed_by=actor,
                     mask=mask, court=court)
        doc_kind = PRINT_KINDS[kind]
        with self.ws.store.transaction():
            if doc_kind:
                self.db.add_document(d["row"], doc_kind, "generated", now, f"{kind}.pdf")
            self.ws.store.ensure_user(actor, now=now)
            self.db.append_event(d["row"], d["id"], "document", now, now, actor,
                                 {"kind": kind, "masked": mask, "bytes": len(pdf)})
        return pdf

    def rewards_pdf(self, start: date, end: date, actor: str, committee: str = "") -> tuple[bytes, dict]:
        from ..reports.mediation_forms import render_rewards
        data = self.rewards(start, end, committee)
        pdf = render_rewards(data, office_name=self.ws.setting("office_name"), printed_at=self.ws.now(),
                             printed_by=actor)
        return pdf, data

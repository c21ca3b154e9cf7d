"""The clocks of a dispute (issue 9 §2): the mediation period, the 司法确认 window, the performance deadline and the
回访, each with its explanation; the stored earliest running clock (`next_due`) kept right when holidays change."""
from __future__ import annotations

from datetime import date

from ..calendar.deadlines import compute_due, due_state
from ..domain import mediation as m
from ..domain.enums import DueState

STEPS = ("mediate", "judicial_confirmation", "performance", "followup")
STEP_LABELS = {"mediate": "调解期限", "judicial_confirmation": "司法确认申请期限", "performance": "履行期限",
               "followup": "回访"}
CONFIRM_WINDOW_DAYS = 30      # 人民调解法 §33
RECOMPUTE = "recompute"       # event: the stored next due date moved by a holiday change


class ClocksMixin:
    def _confirm_due(self, d: dict) -> date | None:
        if d["agreement_form"] != m.AgreementForm.WRITTEN.value or not d["effective_on"]:
            return None
        return compute_due(_day(d["effective_on"]), CONFIRM_WINDOW_DAYS, "calendar", self.ws.calendar, True,
                           explain=False).due

    def clocks(self, d: dict) -> list[dict]:
        """The running and finished clocks: step, due, trigger, explanation lines (without today's state)."""
        cal, out = self.ws.calendar, []
        if d["accepted_on"]:
            r = compute_due(_day(d["accepted_on"]), d["mediation_days"], "calendar", cal, True, d["extension_days"],
                            event="受理")
            explain = list(r.explain)
            if d["extension_days"]:
                explain.insert(2, "经各方当事人同意延长一次")
            stopped = _day(d["outcome_on"]) if d["status"] != m.DisputeStatus.MEDIATING.value else None
            out.append({"step": "mediate", "due": r.due, "explain": explain, "stopped_on": stopped})
        if d["agreement_form"] == m.AgreementForm.WRITTEN.value and d["effective_on"]:
            r = compute_due(_day(d["effective_on"]), CONFIRM_WINDOW_DAYS, "calendar", cal, True, event="协议生效")
            explain = ["人民调解法第33条：双方当事人自调解协议生效之日起30日内共同申请司法确认"] + list(r.explain)
            if d["confirm_late"]:
                explain.append("逾期申请：申请日晚于期限最后一日")
            out.append({"step": "judicial_confirmation", "due": r.due, "explain": explain,
                        "stopped_on": _day(d["confirm_applied_on"])})
        if d["performance_due"]:
            due = _day(d["performance_due"])
            out.append({"step": "performance", "due": due, "stopped_on": _day(d["performed_on"]),
                        "explain": [f"协议约定的履行期限：{due.isoformat()}（协议生效 {d['effective_on']}）"]})
            r = compute_due(due, d["followup_days"], "calendar", cal, True, event="履行期限届满")
            out.append({"step": "followup", "due": r.due, "stopped_on": _day(d["followed_up_on"]),
                        "explain": [f"回访：履行期限届满后 {d['followup_days']} 日内（设置 followup_days）"] + list(r.explain)})
        return out

    def deadlines(self, d: dict, today: date | None = None) -> list[dict]:
        today = today or self.ws.now().date()
        cal, warn = self.ws.calendar, int(self.ws.setting("warn_workdays"))
        out = []
        for c in self.clocks(d):
            state = due_state(c["due"], today, cal, warn, done_on=c["stopped_on"])
            explain = list(c["explain"])
            verb = "已申请" if c["step"] == "judicial_confirmation" else "已完成"
            if c["stopped_on"]:
                explain.append(f"{verb}：{c['stopped_on'].isoformat()}（{state.value}）")
            elif d["status"] == m.DisputeStatus.ARCHIVED.value:
                explain.append("纠纷已归档，本期限不再计算")
            elif state == DueState.OVERDUE:
                explain.append(f"今天 {today.isoformat()} 已超过期限 {(today - c['due']).days} 天")
            else:
                explain.append(f"今天 {today.isoformat()}，距到期还有 {(c['due'] - today).days} 天")
            out.append({"step": c["step"], "label": STEP_LABELS[c["step"]], "due": c["due"].isoformat(),
                        "state": state.value, "explain": explain, "running": c["stopped_on"] is None,
                        "stopped_on": c["stopped_on"].isoformat() if c["stopped_on"] else None})
        return out

    def _next_due(self, d: dict) -> tuple[str | None, str | None]:
        """The earliest running duty clock (the parties' 司法确认 window is shown, not chased)."""
        if d["status"] in (m.DisputeStatus.ARCHIVED.value, m.DisputeStatus.DECLINED.value):
            return None, None
        running = [c for c in self.clocks(d) if c["stopped_on"] is None and c["step"] != "judicial_confirmation"]
        if not running:
            return None, None
        first = min(running, key=lambda c: (c["due"], STEPS.index(c["step"])))
        return first["due"].isoformat(), first["step"]

    def recompute_due(self, since: date, actor: str) -> int:
        """After holidays changed from ``since`` on (inside the caller's transaction): the disputes whose stored
        earliest running clock moved get it rewritten and a 期限重算 event; returns how many.

        A clock due before ``since`` cannot move (its end was moved only over days before ``since``), and a
        clock that moves stays on or after ``since``, so only disputes with ``next_due >= since`` are read."""
        now, moved = self.ws.now(), 0
        for row in self.db.disputes_due_since(since):
            d = self.db.dispute_row(row)
            due, step = self._next_due(d)
            if (due, step) == (d["next_due"], d["next_step"]):
                continue
            self.db.bump_dispute(row)                # a user who read the old due date acts on it afresh
            self.db.update_dispute(row, {"next_due": due, "next_step": step}, now)
            self.db.append_event(row, d["uuid"], RECOMPUTE, now, now, actor,
                                 {"reason": "节假日数据更新", "old_due": d["next_due"], "new_due": due})
            moved += 1
        return moved


def _day(value) -> date | None:
    if not value:
        return None
    return date.fromisoformat(str(value)[:10])

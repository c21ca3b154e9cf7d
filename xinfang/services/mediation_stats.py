"""Mediation figures: the monthly bulletin's numbers (domain.md §4.2), the 以奖代补 sheet and the 工作台."""
from __future__ import annotations

from datetime import date, timedelta

from ..domain import mediation as m
from ..domain.mediation_file import DEFAULT_RATES, reward_cents, split_cents, validate_rates
from ..domain.problems import DomainError
from ..storage.mediation_store import DisputeFilter


def rate(numerator: int, denominator: int) -> dict:
    return {"numerator": numerator, "denominator": denominator,
            "value": round(numerator / denominator, 4) if denominator else None}


class StatsMixin:
    def stats(self, start: date, end: date, committee: str = "") -> dict:
        """The mediation section of the monthly report, for disputes of ``committee`` (name or code; all when
        empty) in the days ``start``..``end`` inclusive.

        Keys: ``accepted`` (受理 in the period), ``succeeded`` (调解成功 in the period), ``success_rate``
        (succeeded / accepted, the bulletins' rule), ``amount`` (元, the sum of the agreement amounts of those
        successes, 协议涉及金额), ``by_source`` / ``by_type`` ({name: {"count", "share"}} over the accepted),
        ``agreements`` (agreements reached in the period = succeeded), ``confirmed`` (of those, 司法确认 确认有效),
        ``confirmation_rate`` (confirmed / agreements), ``performed`` (of those, 即时履行 or 按期履行 so far),
        ``performance_rate`` (performed / agreements), ``prevented`` ({"criminal", "group_petition"}: successes
        whose recorded risk was 可能激化为刑事案件 / 可能引发群体性上访; ``prevented_people`` the headcounts).
        Rates are {"numerator", "denominator", "value"} with value None when the denominator is 0."""
        if end < start:
            raise DomainError("统计期间的结束日期早于开始日期")
        code = self.committee(committee)["code"] if committee else ""
        self.ws.access.require(self._stats_permission(), code or None)
        return self.figures(start, end, code)

    def figures(self, start: date, end: date, code: str = "") -> dict:
        """`stats` without the 调解统计 permission check: for the monthly report, whose readers are checked by
        the report's own permission (a 登记员 prepares it for the leader)."""
        if end < start:
            raise DomainError("统计期间的结束日期早于开始日期")
        accepted_rows = self.db.accepted_counts(start, end, code)
        accepted = sum(n for _, _, n in accepted_rows)
        by_source = {s.value: 0 for s in m.Source}
        by_type = {t: 0 for t in self.types()}
        for source, dtype, n in accepted_rows:
            by_source[source] = by_source.get(source, 0) + n
            by_type[dtype] = by_type.get(dtype, 0) + n
        s = self.db.success_figures(start, end, code)
        agreements = s["succeeded"]
        return {
            "from": start.isoformat(), "to": end.isoformat(), "committee": code or None,
            "accepted": accepted, "succeeded": s["succeeded"], "success_rate": rate(s["succeeded"], accepted),
            "amount": s["amount_cents"] / 100,
            "by_source": {k: {"count": v, "share": rate(v, accepted)} for k, v in by_source.items()},
            "by_type": {k: {"count": v, "share": rate(v, accepted)} for k, v in by_type.items()},
            "agreements": agreements, "written_agreements": s["written"],
            "confirmed": s["confirmed"], "confirmation_rate": rate(s["confirmed"], agreements),
            "performed": s["performed"], "performance_rate": rate(s["performed"], agreements),
            "prevented": {"criminal": s["criminal"], "group_petition": s["group"]},
            "prevented_people": {"criminal": s["criminal_people"], "group_petition": s["group_people"]},
        }

    # ---- 以奖代补 -------------------------------------------------------------------------------
    def rates(self) -> dict:
        return self.ws.store.setting("mediation_rates", DEFAULT_RATES)

    def _stats_permission(self):
        from .mediation import STATS
        return STATS

    def set_rates(self, rates: dict, actor: str) -> dict:
        from .mediation import SETUP
        self.ws.access.require(SETUP)
        problems = validate_rates(rates)
        if problems:
            raise DomainError("以奖代补标准有误：" + "；".join(problems))
        self.ws.set_setting("mediation_rates", rates)
        return rates

    def rewards(self, start: date, end: date, committee: str = "") -> dict:
        """Per mediator: the disputes mediated to an agreement in the period and the reward under the rate
        table (type row, difficulty = risk level column); a dispute with several mediators is shared equally."""
        if end < start:
            raise DomainError("统计期间的结束日期早于开始日期")
        code = self.committee(committee)["code"] if committee else ""
        self.ws.access.require(self._stats_permission(), code or None)
        rates = self.rates()
        rows = self.db.successes_with_mediators(start, end, code)
        per_dispute: dict[int, list] = {}
        for r in rows:
            per_dispute.setdefault(r[0], []).append(r)
        people: dict[int, dict] = {}
        for did, rs in per_dispute.items():
            total = reward_cents(rates, rs[0][2], rs[0][3])
            for r, share in zip(rs, split_cents(total, len(rs))):
                p = people.setdefault(r[4], {"mediator": r[5], "committee": r[6], "disputes": [], "cents": 0})
                p["disputes"].append({"number": r[1], "type": r[2], "difficulty": r[3] or "低",
                                      "full": total / 100, "share": share / 100, "mediators": len(rs)})
                p["cents"] += share
        items = [{"mediator": p["mediator"], "committee": p["committee"], "count": len(p["disputes"]),
                  "amount": p["cents"] / 100, "disputes": p["disputes"]} for p in people.values()]
        return {"from": start.isoformat(), "to": end.isoformat(), "rates": rates, "items": items,
                "total": sum(p["cents"] for p in people.values()) / 100, "disputes": len(per_dispute)}

    # ---- the mediator's 工作台 ---------------------------------------------------------------------
    def mediator_for(self, login_or_name: str) -> list[dict]:
        return [x for x in self.db.mediators() if login_or_name in (x["login"], x["name"])]

    def workbench(self, who: str, today: date | None = None, window_days: int = 7, limit: int = 200) -> dict:
        """My open disputes, 司法确认 windows closing within ``window_days``, 回访 due (overdue or within the
        window). ``who`` is a user login or a mediator name."""
        today = today or self.ws.now().date()
        mine = self.mediator_for(who)
        out = {"mediators": mine, "open": [], "confirmation": [], "followup": []}
        horizon = today + timedelta(days=window_days)
        for med in mine:
            f = DisputeFilter(mediator=med["id"])
            ids = self.list_ids(DisputeFilter(mediator=med["id"], status=("registered", "mediating")))
            out["open"] += ids[:limit]
            for row in self.list_ids(DisputeFilter(mediator=f.mediator, status=("succeeded",)))[:limit * 5]:
                d = self.db.dispute_row(row)
                for c in self.clocks(d):
                    if c["stopped_on"]:
                        continue
                    if c["step"] == "judicial_confirmation" and today <= c["due"] <= horizon:
                        out["confirmation"].append({"row": row, "number": d["number"], "due": c["due"].isoformat()})
                    if c["step"] == "followup" and c["due"] <= horizon:
                        out["followup"].append({"row": row, "number": d["number"], "due": c["due"].isoformat()})
        for key in ("confirmation", "followup"):
            out[key].sort(key=lambda x: x["due"])
        return out

"""The paths a demo case takes through the lifecycle (`lifecycle.TABLE`) as far as its age allows:
disposal (forward/assign/accept, transfer, inform, archive, objection, decline), handling (extension,
reply, service, rating), review and recheck, closure; then the case row from the simulation's state."""
from __future__ import annotations

import random

from ...domain.enums import ClosureReason
from .case import _Case
from .context import _OISO, _Ctx, _iso, _secs
from .pools import (_APPROVERS, _ARCHIVE_REASONS, _DECLINE_REASONS, _EXTEND_REASONS, _INFORM_WHERE,
                    _OBJECT_REASONS, _OUTCOME_T, _RATING_T, _RECHECK_BODIES, _REVIEW_BODIES, _pick)
from .sim import (_J, _OPS_ACCEPT, _OPS_DECLINE, _OPS_DISPOSED, _OPS_FORWARD, _OPS_OBJECT, _OPS_RECHECK,
                  _OPS_RECHECKED, _OPS_REPLY, _OPS_REVIEW, _OPS_REVIEWED, _OPS_SERVE, _ENC, _after,
                  _clock_row, _close, _next_due, _Sim, _unit_json, _workday_at)

def _lifecycle(ctx: _Ctx, c: _Case) -> None:
    r = c.r
    s = _Sim(ctx, c)
    day0 = c.received.toordinal()
    s.day = day0
    s.start("dispose", day0)
    rec_iso, reg_iso = c.received.isoformat(), c.registered.isoformat()
    c.names = _names(c.people)
    s.event("register", rec_iso, reg_iso, c.clerk,
            f'{{"attachments": [], "changes": {_registration(ctx, c, s, rec_iso, reg_iso)}, '
            f'"no_longer_accept_candidate": {"true" if c.candidate else "false"}, '
            f'"number": {_J(c.number)}, "repeat_of": [{", ".join(map(_J, c.repeat_numbers))}], '
            f'"route": {{}}, "warnings": []}}')
    if c.track:
        c.timeline.append((_secs(c.received), "registered", ""))
    s.last = _secs(c.registered)
    _path(ctx, c, s, r)
    c.clocks, c.events = s.clocks, s.events
    _finish(ctx, c, s, rec_iso, reg_iso)


def _path(ctx: _Ctx, c: _Case, s: _Sim, r: random.Random) -> None:
    x = r.random()
    disp = _after(s.last, r.random() * 9 if r.random() < 0.93 else 14 + r.random() * 12, r)
    lit = ctx.categories[c.cat][3]
    l1 = ctx.categories[c.cat][1]
    if x < 0.003:                       # never disposed: an overdue 待处置
        return
    if c.candidate or (c.repeat_of and x < 0.03):
        if s.act("archive", disp, r, "archived", "",
                 f'"reason": {_J(_ARCHIVE_REASONS[3 if c.candidate else 1])}', _OPS_DISPOSED, {"disposition": "存档"}) and r.random() < 0.5:
            _close(s, r, _after(s.last, 5 + r.random() * 30, r), ClosureReason.OTHER_CHANNEL.value)
        return
    if c.purpose == "检举控告" and (l1 == "纪检监察" or r.random() < 0.6):
        if s.act("transfer", disp, r, "transferred", "",
                 f'"to": "纪检监察", {_unit_json(ctx, ctx.jw_unit)}', _OPS_DISPOSED, {"disposition": "转纪检监察", "handling_unit": ctx.jw_unit}) \
                and r.random() < 0.5:
            _close(s, r, _after(s.last, 20 + r.random() * 70, r), ClosureReason.OTHER_CHANNEL.value)
        return
    if lit and x < 0.6:
        if s.act("transfer", disp, r, "transferred", "",
                 f'"to": "政法", {_unit_json(ctx, ctx.zf_unit)}', _OPS_DISPOSED, {"disposition": "转政法", "handling_unit": ctx.zf_unit}) and r.random() < 0.5:
            _close(s, r, _after(s.last, 10 + r.random() * 40, r), ClosureReason.OTHER_CHANNEL.value)
        return
    if x < 0.06:
        if s.act("inform", disp, r, "informed", "",
                 f'"where": {_J(_INFORM_WHERE[int(r.random() * len(_INFORM_WHERE))])}', _OPS_DISPOSED, {"disposition": "告知"}) and r.random() < 0.6:
            _close(s, r, _after(s.last, 5 + r.random() * 30, r), ClosureReason.OTHER_CHANNEL.value)
        return
    if x < 0.08:
        if s.act("archive", disp, r, "archived", "",
                 f'"reason": {_J(_ARCHIVE_REASONS[int(r.random() * 3)])}', _OPS_DISPOSED, {"disposition": "存档"}) and r.random() < 0.4:
            _close(s, r, _after(s.last, 5 + r.random() * 30, r), ClosureReason.OTHER_CHANNEL.value)
        return
    if x < 0.27:                        # accepted directly by the office
        if not s.act("accept", disp, r, "handling", "", _unit_json(ctx, c.unit), _OPS_ACCEPT,
                     {"disposition": "直接受理", "handling_unit": c.unit}):
            return
    else:
        unit = c.unit
        for attempt in range(3):
            assign = r.random() < 0.3
            data = _unit_json(ctx, unit)
            if assign:
                data = f'"report_due": "{_OISO[disp // 86400 + 60]}", {data}'
            if not s.act("assign" if assign else "forward", disp, r, "pending_acceptance", "", data,
                         _OPS_FORWARD,
                         {"handling_unit": unit, "disposition": "交办" if assign else "转送"}):
                return
            y = r.random()
            if y < 0.03 and attempt < 2:    # objection within the 5 working days, then re-forwarded
                window = s.clocks["object"][6]
                at = _after(s.last, r.random() * 3, r)
                if at // 86400 > window:
                    at = _workday_at(window, r)
                if at < s.last:
                    at = s.last + 300
                if not s.act("object", at, r, "registered", "",
                             f'"reason": {_J(_OBJECT_REASONS[int(r.random() * len(_OBJECT_REASONS))])}, "unit": ""',
                             _OPS_OBJECT,
                             {"handling_unit": "", "disposition": ""}):
                    return
                others = [u for u in (ctx.units_by_l1.get(l1) or ctx.all_units) if u != unit] or ctx.all_units
                unit = others[int(r.random() * len(others))]
                disp = _after(s.last, 1 + r.random() * 5, r)
                continue
            if y < 0.07:
                if s.act("decline", _after(s.last, 3 + r.random() * 11, r), r, "declined",
                         "", f'"reason": {_J(_DECLINE_REASONS[int(r.random() * len(_DECLINE_REASONS))])}',
                         _OPS_DECLINE) and r.random() < 0.7:
                    _close(s, r, _after(s.last, 5 + r.random() * 15, r), ClosureReason.NOT_ACCEPTED.value)
                return
            late = r.random() < 0.05
            if not s.act("accept", _after(s.last, 16 + r.random() * 15 if late else 1 + r.random() * 12, r), r,
                         "handling", "", "", _OPS_ACCEPT):
                return
            break
        else:
            return
    _handling(ctx, c, s, r)


def _handling(ctx: _Ctx, c: _Case, s: _Sim, r: random.Random) -> None:
    if r.random() < 0.01:               # stuck: never answered (积案, overdue once 60 days pass)
        return
    if r.random() < 0.03:
        _close(s, r, _after(s.last, 10 + r.random() * 40, r), ClosureReason.MEDIATION_AGREEMENT.value)
        return
    handle = s.clocks["handle"]
    limit = handle[6] - s.last // 86400
    if r.random() < 0.08:               # extension approved before the due date
        at = _after(s.last, max(1, limit - 2 - r.random() * 15), r)
        if at // 86400 > handle[6]:
            at = _workday_at(handle[6], r)
        if at < s.last:
            at = s.last + 300
        days = (15, 20, 30, 30)[int(r.random() * 4)]
        days = min(days, ctx.max_extension)
        approver = _APPROVERS[int(r.random() * len(_APPROVERS))]
        why = _EXTEND_REASONS[int(r.random() * len(_EXTEND_REASONS))]
        if not s.act("extend", at, r, None, f'"approver": {_J(approver)}', f'"days": {days}, "reason": {_J(why)}',
                     (("extend", "handle", days),)):
            return
        limit = handle[6] - s.last // 86400
    left = max(1, handle[6] - s.last // 86400)
    reply_in = left * (0.3 + r.random() * 0.65) if r.random() < 0.92 else left + 1 + r.random() * 40
    outcome = _pick(r, _OUTCOME_T)
    if not s.act("reply", _after(s.last, reply_in, r), r, "replied", "", f'"outcome": {_J(outcome)}',
                 _OPS_REPLY, {"outcome": outcome}):
        return
    at = _after(s.last, 1 + r.random() * 6, r)
    if not s.act("serve", at, r, "served", "", f'"served_on": "{_OISO[at // 86400]}"', _OPS_SERVE):
        return
    rating = _pick(r, _RATING_T) if r.random() < 0.7 else ""
    if rating and not s.act("rate", _after(s.last, r.random() * 8, r), r, "rated", "", f'"rating": {_J(rating)}', (),
                            {"rating": rating}):
        return
    p_review = 0.9 if c.persistent else (0.3 if rating == "不满意" else 0.05)
    window = s.clocks["review_request"][6]
    if r.random() < p_review:
        at = _after(s.last, 2 + r.random() * 20, r)
        if at // 86400 > window:
            at = _workday_at(window, r)
            if at < s.last:
                at = s.last + 300
        if not s.act("review-request", at, r, "review_requested",
                     f'"body": {_J(_REVIEW_BODIES[int(r.random() * len(_REVIEW_BODIES))])}', "", _OPS_REVIEW):
            return
        at = _after(s.last, 10 + r.random() * 19 if r.random() < 0.95 else 31 + r.random() * 10, r)
        review_outcome = ("维持", "维持", "维持", "维持", "变更", "撤销重办")[int(r.random() * 6)]
        if not s.act("review-decision", at, r, "reviewed",
                     "", f'"outcome": {_J(review_outcome)}, "served_on": "{_OISO[at // 86400]}"', _OPS_REVIEWED):
            return
        window = s.clocks["recheck_request"][6]
        if r.random() < (0.8 if c.persistent else 0.35):
            at = _after(s.last, 2 + r.random() * 20, r)
            if at // 86400 > window:
                at = _workday_at(window, r)
                if at < s.last:
                    at = s.last + 300
            if not s.act("recheck-request", at, r, "recheck_requested",
                         f'"body": {_J(_RECHECK_BODIES[int(r.random() * len(_RECHECK_BODIES))])}', "",
                         _OPS_RECHECK):
                return
            extra = 0
            if r.random() < 0.25:
                extra = 3 + int(r.random() * 8)
                if not s.act("hearing", _after(s.last, 5 + r.random() * 10, r), r, None, "", f'"days": {extra}',
                             (("toll", "recheck", extra),)):
                    return
            at = _after(s.last, 10 + r.random() * 18 + extra / 2, r)
            if not s.act("recheck-decision", at, r, "rechecked",
                         "", f'"outcome": {_J(("维持", "维持", "维持", "变更")[int(r.random() * 4)])}, '
                         f'"served_on": "{_OISO[at // 86400]}"', _OPS_RECHECKED):
                return
            if r.random() < 0.8:
                _close(s, r, _after(s.last, 1 + r.random() * 10, r), ClosureReason.RECHECK_SERVED.value)
            return
        if r.random() < 0.75:
            _close(s, r, _after(window * 86400, 1 + r.random() * 15, r),
                   ClosureReason.NO_TIMELY_REQUEST.value)
        return
    q = r.random()
    if q < 0.35:
        _close(s, r, _after(s.last, 2 + r.random() * 20, r), ClosureReason.SATISFIED_AFTER_REPLY.value)
    elif q < 0.85:
        _close(s, r, _after(window * 86400, 1 + r.random() * 15, r),
               ClosureReason.NO_TIMELY_REQUEST.value)


def _names(people: list) -> str:
    if len(people) == 1:
        p = people[0]
        return p[1] or ("匿名" if p[6] else "")
    return "、".join(p[1] or ("匿名" if p[6] else "") for p in people if p[1] or p[6])


def _registration(ctx: _Ctx, c: _Case, s: _Sim, rec_iso: str, reg_iso: str) -> str:
    """The `changes` of the 登记 event: the whole projection as registered (storage/projection.py)."""
    dispose = s.clocks["dispose"]
    return _ENC({
        "uuid": c.uuid, "number": c.number, "office": ctx.office, "year": c.received.year, "seq": c.seq,
        "channel": c.channel, "work_order_no": c.work_order, "received_at": rec_iso, "registered_at": reg_iso,
        "registered_by": c.clerk, "purpose": c.purpose, "category": ctx.categories[c.cat][0], "place": c.place,
        "place_code": c.place_code, "summary": c.summary, "content": c.content, "demands": c.demands,
        "headcount": c.headcount, "collective": int(c.channel == "来访" and c.headcount >= 5),
        "reception_leader": c.leader, "public_reception": c.public, "caused_by": c.caused_by,
        "accused_unit": c.accused, "legal_status": c.legal, "petitioner_names": c.names, "status": "registered",
        "disposition": "", "handling_unit": "", "restricted": c.restricted, "repeat_of": c.repeat_of,
        "no_longer_candidate": int(c.candidate), "outcome": "", "rating": "", "closure_reason": "",
        "closed_at": None, "next_due": _OISO[dispose[6]], "next_step": "dispose", "route": "{}",
        "reached_level": c.level, "irregular": c.irregular, "irregular_note": c.irregular_note,
        "petitioners": [list(p) for p in c.people], "clocks": {"dispose": _clock_row(dispose)},
        "repeats": [[c.repeat_of, r[2], r[3]] for r in c.repeat_rows]})


def _finish(ctx: _Ctx, c: _Case, s: _Sim, rec_iso: str, reg_iso: str) -> None:
    nd = _next_due(s.clocks)
    f = s.fields
    names = c.names
    closed = f["closed_at"]
    c.row = (c.id, c.uuid, c.number, ctx.office, c.received.year, c.seq, c.channel,
             c.work_order, rec_iso, reg_iso, c.clerk, c.purpose,
             ctx.categories[c.cat][0], c.place, c.place_code, c.summary, c.content, c.demands, c.headcount,
             int(c.channel == "来访" and c.headcount >= 5), c.leader, c.public, c.caused_by, c.accused, c.legal,
             names, s.status, f["disposition"], f["handling_unit"], c.restricted, c.repeat_of, int(c.candidate),
             f["outcome"], f["rating"], f["closure_reason"], _iso(closed) if closed else None,
             _OISO[nd[0]] if nd else None, nd[2] if nd else None, "{}", f["updated_at"],
             len(s.events), s.events[-1][-1], c.level, c.irregular, c.irregular_note)

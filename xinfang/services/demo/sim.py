"""The lifecycle simulator of one case (mirrors lifecycle.plan + clocks.apply_ops): duty clocks with the
memoised due dates, hash-chained events with the payloads `Workspace.act` writes, built from JSON
fragments; plus the office-hours time helpers and `_close`."""
from __future__ import annotations

import hashlib
import json
import random
from datetime import date
from json.encoder import c_make_encoder, encode_basestring

from ...calendar.deadlines import due_date
from ...domain.enums import Step
from ...storage.store import GENESIS
from .case import _Case
from .context import _OISO, _TOD, _Ctx, _iso
from .pools import CLERKS

_ENC_SLOW = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode   # = json.dumps(…, ensure_ascii=False, sort_keys=True)
if c_make_encoder is not None:
    # the C encoder json.dumps builds per call, built once (no circular check: payloads are plain trees)
    _C_ENC = c_make_encoder(None, None, encode_basestring, None, ": ", ", ", True, False, True)

    def _ENC(obj) -> str:
        return "".join(_C_ENC(obj, 0))
else:                                                       # pragma: no cover
    _ENC = _ENC_SLOW
_STEP_ORDER = {s.value: i for i, s in enumerate(Step)}
_WINDOWS = frozenset({Step.REVIEW_REQUEST.value, Step.RECHECK_REQUEST.value})


def _due(ctx: _Ctx, trigger: int, step: str, extra: int = 0, tolled: int = 0) -> int:
    """Due date (day ordinal) of a clock of `step` triggered on day ordinal `trigger`, memoised per context."""
    key = (trigger, step, extra, tolled)
    hit = ctx.due_cache.get(key)
    if hit is None:
        days, unit, roll = ctx.policies[step]
        hit = ctx.due_cache[key] = due_date(date.fromordinal(trigger), days, unit, ctx.cal, roll, extra,
                                            tolled).toordinal()
    return hit


class _Sim:
    __slots__ = ("ctx", "c", "now", "now_iso", "status", "clocks", "fields", "last", "events", "prev", "seq",
                 "stopped", "day", "policies", "units", "due_cache", "uuid", "cid", "track")

    def __init__(self, ctx: _Ctx, c: _Case):
        self.ctx, self.c, self.now, self.now_iso = ctx, c, ctx.now_s, ctx.now_iso
        self.policies, self.units, self.due_cache = ctx.policies, ctx.units, ctx.due_cache
        self.uuid, self.cid, self.track = c.uuid, c.id, c.track
        self.status = "registered"
        self.clocks: dict[str, list] = {}
        self.fields = {"disposition": "", "handling_unit": "", "outcome": "", "rating": "", "closure_reason": "",
                       "closed_at": None, "updated_at": c.registered.isoformat()}
        self.last = 0
        self.events: list[tuple] = []
        self.prev = GENESIS
        self.seq = 0
        self.stopped = False

    # clocks: step -> [trigger, days, unit, roll, extra, tolled, due, stopped_on] (dates as day ordinals)
    def start(self, step: str, on: int) -> None:
        days, unit, roll = self.policies[step]
        self.clocks[step] = [on, days, unit, roll, 0, 0, _due(self.ctx, on, step), None]

    def event(self, action: str, at_s: str, rec_s: str, actor: str, body: str) -> None:
        """The first event (payload `body` already JSON, as _ENC would write it)."""
        self.seq += 1
        h = sha256(
            f'["{self.prev}","{self.uuid}",{self.seq},"{action}","{at_s}","{rec_s}","{actor}",{encode_basestring(body)}]'
            .encode()).hexdigest()
        self.events.append((self.cid, self.seq, action, at_s, rec_s, actor, body, self.prev, h))
        self.prev = h

    def act(self, action: str, at: int, r: random.Random, to: str | None, pre: str = "", post: str = "",
            ops=(), updates: dict | None = None) -> bool:
        """Apply one step at `at` unless it lies in the future; returns False (and stops) then.

        The payload is written as JSON directly, as json.dumps(…, ensure_ascii=False, sort_keys=True) would:
        `pre` holds the members whose keys sort before "clocks", `post` those after it (values already
        encoded with encode_basestring), and the changed clocks go in between, sorted by step."""
        if self.stopped or at > self.now:
            self.stopped = True
            return False
        if at < self.last:
            at = self.last
        day = self.day = at // 86400
        clocks = self.clocks
        changed = []
        moved = {}
        for op in ops:
            kind, step = op[0], op[1]
            if kind == "stop":
                c = clocks.get(step)
                if c is not None and c[7] is None:
                    c[7] = day
                    changed.append(f'"{step}": "stopped {_OISO[day]}"')
                    moved[step] = _clock_row(c)
            elif kind == "start":
                days, unit, roll = self.policies[step]
                due = self.due_cache.get((day, step, 0, 0))
                if due is None:
                    due = _due(self.ctx, day, step)
                clocks[step] = c = [day, days, unit, roll, 0, 0, due, None]
                changed.append(f'"{step}": "due {_OISO[due]}"')
                moved[step] = _clock_row(c)
            else:                                             # extend / toll
                c = clocks[step]
                c[4 if kind == "extend" else 5] += op[2]
                c[6] = _due(self.ctx, c[0], step, c[4], c[5])
                changed.append(f'"{step}": "due {_OISO[c[6]]}"')
                moved[step] = _clock_row(c)
        # `changes`: what this step changes in the case's projection (storage/projection.py)
        ch = {}
        if to:
            self.status = ch["status"] = to
        fields = self.fields
        if updates:
            fields.update(updates)
            for k, v in updates.items():
                ch[k] = _iso(v) if k == "closed_at" else v
        if moved:
            ch["clocks"] = moved
            nd = _next_due(clocks)
            ch["next_due"] = _OISO[nd[0]] if nd else None
            ch["next_step"] = nd[2] if nd else None
        members = [pre] if pre else []
        members.append('"changes": ' + _ENC(ch))
        if changed:
            if len(changed) > 1:
                changed.sort()
            members.append('"clocks": {' + ", ".join(changed) + "}")
        if post:
            members.append(post)
        body = "{" + ", ".join(members) + "}"
        recorded = at + 60 * int(r.random() * 120)
        at_s = _OISO[day] + _TOD[at % 86400]
        if recorded > self.now:
            rec_s = self.now_iso
        else:
            rec_s = _OISO[recorded // 86400] + _TOD[recorded % 86400]
        fields["updated_at"] = rec_s
        # the event, hash-chained as Store.append_event does
        self.seq += 1
        actor = _CLERK_LOGINS[int(r.random() * 6)]
        prev = self.prev
        h = sha256(
            f'["{prev}","{self.uuid}",{self.seq},"{action}","{at_s}","{rec_s}","{actor}",{encode_basestring(body)}]'
            .encode()).hexdigest()
        self.events.append((self.cid, self.seq, action, at_s, rec_s, actor, body, prev, h))
        self.prev = h
        self.last = at
        if self.track:
            self.c.timeline.append((at, self.status, fields["closure_reason"]))
        return True


def _clock_row(c: list) -> list:
    """A clock as the projection holds it: [trigger, days, unit, roll_forward, extra, tolled, due, stopped]."""
    return [_OISO[c[0]], c[1], c[2], int(c[3]), c[4], c[5], _OISO[c[6]], _OISO[c[7]] if c[7] else None]


def _next_due(clocks: dict) -> tuple | None:
    """(due ordinal, step order, step) of the earliest running duty clock (as clocks.next_due)."""
    nd = None
    for k, cl in clocks.items():
        if cl[7] is None and k not in _WINDOWS:
            key = (cl[6], _STEP_ORDER[k], k)
            if nd is None or key < nd:
                nd = key
    return nd


_CLERK_LOGINS = tuple(login for login, _ in CLERKS)
_J = encode_basestring
_OPS_DISPOSED = (("stop", "dispose"),)
_OPS_ACCEPT = (("stop", "dispose"), ("stop", "notice"), ("stop", "object"), ("start", "handle"))
_OPS_FORWARD = (("stop", "dispose"), ("start", "notice"), ("start", "object"))
_OPS_OBJECT = (("stop", "notice"), ("stop", "object"), ("start", "dispose"))
_OPS_DECLINE = (("stop", "dispose"), ("stop", "notice"), ("stop", "object"))
_OPS_REPLY = (("stop", "handle"),)
_OPS_SERVE = (("start", "review_request"),)
_OPS_REVIEW = (("stop", "review_request"), ("start", "review"))
_OPS_REVIEWED = (("stop", "review"), ("start", "recheck_request"))
_OPS_RECHECK = (("stop", "recheck_request"), ("start", "recheck"))
_OPS_RECHECKED = (("stop", "recheck"),)


def _unit_json(ctx: _Ctx, code: str) -> str:
    """The '"unit": …, "unit_name": …' members of a payload (just '"unit": ""' without a unit)."""
    hit = ctx.unit_json.get(code)
    if hit is None:
        hit = ctx.unit_json[code] = (f'"unit": {_J(code)}, "unit_name": {_J(ctx.units.get(code) or code)}'
                                     if code else '"unit": ""')
    return hit
sha256 = hashlib.sha256


def _workday_at(day: int, r: random.Random) -> int:
    """A time during office hours (08:30–17:30, whole minutes) on day ordinal `day`."""
    return day * 86400 + 30600 + 60 * int(r.random() * 541)


def _after(last: int, days: float, r: random.Random) -> int:
    """A time during office hours on the day `days` after `last`, and later than `last`."""
    d, sod = divmod(last, 86400)
    t = (d + int((sod + days * 86400.0) // 86400)) * 86400 + 30600 + 60 * int(r.random() * 541)
    return t if t > last else last + 60 * (10 + int(r.random() * 120))


def _close(s: _Sim, r: random.Random, at: int, reason: str) -> bool:
    return s.act("close", at, r, "closed", "", f'"reason": {_J(reason)}',
                 [("stop", k) for k in sorted(s.clocks, key=_STEP_ORDER.__getitem__)],
                 {"closure_reason": reason, "closed_at": at if at >= s.last else s.last})


"""Repeat petitions (about 8%): the same person and the same matter, re-worded, as an earlier first-time
case, linked with the 不再受理 candidate flag the earlier case's state at registration implies."""
from __future__ import annotations

import random
from datetime import timedelta

from ...domain import similarity
from ...domain.enums import ClosureReason
from .case import _base, _Case
from .context import _Ctx, _index_at, _mix, _secs
from .lifecycle import _lifecycle
from .pools import _T

def _is_repeat(ctx: _Ctx, i: int) -> bool:
    return i > 0 and ((_mix(ctx.mix_key ^ i) >> 8) % 1000) < 80


def _is_persistent(ctx: _Ctx, i: int) -> bool:
    return ((_mix(ctx.mix_key ^ i) >> 20) % 1000) < 25


def _repeatable(c: _Case) -> bool:
    return any(p[6] == 0 and (p[2] or p[3]) for p in c.people)


def _make_repeat(ctx: _Ctx, c: _Case, r: random.Random) -> None:
    """Turn c into a repeat of an earlier first-time case: same person, same category, the matter re-worded."""
    gap = timedelta(days=15 + r.expovariate(1 / 120))
    j = min(_index_at(ctx, c.received - gap), c.i - 1)
    if r.random() < 0.3:                         # prefer a persistent petitioner (review/recheck path)
        key = ctx.mix_key
        for k in range(j, max(-1, j - 3000), -1):
            h = _mix(key ^ k)                    # _is_persistent and not _is_repeat, one hash
            if ((h >> 20) % 1000) < 25 and not (k > 0 and ((h >> 8) % 1000) < 80):
                j = k
                break
    while j >= 0 and _is_repeat(ctx, j):
        j -= 1
    if j < 0:
        return
    o = _base(ctx, j)
    if not _repeatable(o):
        return
    o.track = True
    _lifecycle(ctx, o)
    # the person and the matter of the original
    c.people = [p for p in o.people if p[6] == 0]
    c.cat, c.topic, c.facts = o.cat, o.topic, o.facts
    c.headcount = o.headcount if c.channel == "来访" else 1
    c.place, c.place_code, c.caused_by, c.accused, c.legal = o.place, o.place_code, o.caused_by, o.accused, o.legal
    c.purpose, c.restricted = o.purpose, o.restricted
    variants, content_t, demands_t = _T[o.topic]
    base_text = f"{o.summary} {o.demands}".strip()
    v = (o.summary_variant + 1 + int(r.random() * max(1, len(variants) - 1))) % len(variants)
    prefix = f"{o.headcount}人集体访：" if o.headcount >= 5 and c.channel == "来访" else ""
    summary = prefix + ("再次" if r.random() < 0.5 else "") + variants[v].format(**o.facts)
    demands = demands_t[int(r.random() * len(demands_t))].format(**o.facts)
    score = similarity.matter_similarity(f"{summary} {demands}", base_text)
    if score < similarity.SAME_MATTER_THRESHOLD:
        summary, demands = "再次反映" + o.summary, o.demands
        score = similarity.matter_similarity(f"{summary} {demands}", base_text)
    c.summary, c.demands = summary, demands
    c.content = f"信访人曾于{o.received:%Y年%m月%d日}反映此事（{o.number}），称问题至今未解决。" + content_t.format(**o.facts)
    c.unit = o.unit
    if score < similarity.SAME_MATTER_THRESHOLD:
        return
    ids = [p[2] for p in c.people if p[2]]
    person = f"身份证号 {ids[0]}" if ids else f"姓名+电话 {c.people[0][1]}"
    c.repeat_of = o.uuid
    c.repeat_rows = [(c.id, o.id, person, score)]
    c.repeat_numbers = [o.number]
    # the earlier case's state when this one was registered
    state, reason = "registered", ""
    reg = _secs(c.registered)
    for at, st, why in o.timeline:
        if at > reg:
            break
        state, reason = st, why
    c.candidate = state == "rechecked" or reason == ClosureReason.RECHECK_SERVED.value


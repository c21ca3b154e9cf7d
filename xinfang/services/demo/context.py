"""The context of one demo run (plain data every worker needs, so it survives fork/pickle), the
received-time line of the case indexes, the ISO-string caches of the simulation's time line, and the
building of the context from a workspace (reference data seeded when the database has none)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ...domain.enums import Step
from ...storage import bulk
from .pools import (_TOPIC_BY_L2, _TOPIC_WEIGHT, _UNIT_KEYWORDS, FALLBACK_CATEGORIES, FALLBACK_PLACES,
                    FALLBACK_UNITS)

_MASK64 = (1 << 64) - 1


def _mix(x: int) -> int:
    """splitmix64 finaliser: a well-spread 64-bit hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


# ---------------------------------------------------------------------------------------------------------
# Context: everything a worker needs (plain data, so it survives fork/pickle)
# ---------------------------------------------------------------------------------------------------------
@dataclass
class _Ctx:
    seed: int
    total: int
    base_id: int
    now: datetime
    start: datetime
    span_s: float
    office: str
    prefix: str
    year_first: dict[int, int]          # year -> first case index of that year
    seq_offset: dict[int, int]          # year -> existing max seq
    policies: dict[str, tuple[int, str, bool]]
    max_extension: int
    cal: object
    categories: list[tuple[str, str, str, bool]]
    cat_cum: tuple
    cat_total: float
    accusation_cats: list[int]
    units: dict[str, str]               # code -> name
    units_by_l1: dict[str, list[str]]
    all_units: list[str]
    streets: list[tuple[str, str, list[tuple[str, str]]]]   # (code, name, [(code, community)])
    city_district: str
    jw_unit: str
    zf_unit: str
    court_unit: str
    mix_key: int = 0
    due_cache: dict = field(default_factory=dict)
    now_s: int = 0                      # whole seconds of now (see _secs)
    now_iso: str = ""
    unit_json: dict = field(default_factory=dict)


def _received(ctx: _Ctx, i: int) -> datetime:
    """Received time of case index i: increasing in i; density rises linearly to 3× towards today."""
    u = (i + 0.5) / ctx.total
    t = (-1.0 + math.sqrt(1.0 + 8.0 * u)) / 2.0           # inverse of F(t) = (t + t²)/2
    s = t * ctx.span_s
    day = int(s // 86400)
    frac = (s - day * 86400) / 86400
    sec = 30600 + int(frac * 34200)                        # 08:30–18:00
    dt = ctx.start + timedelta(days=day, seconds=sec)      # ctx.start is a midnight
    if dt > ctx.now:
        dt = ctx.now - timedelta(minutes=1)
    return dt


def _index_at(ctx: _Ctx, when: datetime) -> int:
    """The case index received around `when` (inverse of _received)."""
    t = max(0.0, min(1.0, (when - ctx.start).total_seconds() / ctx.span_s))
    u = (t + t * t) / 2.0
    return min(ctx.total - 1, max(0, int(u * ctx.total)))


# ---- the simulation's time line ------------------------------------------------------------------------
# Inside the simulation, times are whole seconds (day ordinal * 86400 + second of the day) and dates are day
# ordinals: no datetime/date objects per event. ISO strings come from caches keyed by day ordinal and second of
# the day. ws.now() may carry microseconds: `at > now` on whole seconds is `at > floor(now)`, and a recorded
# time clamped to now is written as now.isoformat().
class _OrdIso(dict):
    """day ordinal -> ISO date string, filled on first use."""
    def __missing__(self, o: int) -> str:
        s = self[o] = date.fromordinal(o).isoformat()
        return s


class _TodIso(dict):
    """second of the day -> 'Thh:mm:ss', filled on first use."""
    def __missing__(self, t: int) -> str:
        s = self[t] = "T%02d:%02d:%02d" % (t // 3600, t // 60 % 60, t % 60)
        return s


_OISO = _OrdIso()
_TOD = _TodIso()


def _secs(dt: datetime) -> int:
    """Whole seconds of dt (microseconds dropped) on the simulation's time line."""
    return dt.toordinal() * 86400 + dt.hour * 3600 + dt.minute * 60 + dt.second


def _iso(ts: int) -> str:
    d, t = divmod(ts, 86400)
    return _OISO[d] + _TOD[t]


# ---- the context, built from a workspace ----------------------------------------------------------------
def _reference(ws) -> tuple[list, dict, list]:
    """Categories, units and places, seeding built-in ones into an empty dictionary."""
    store = ws.store
    cats = list(ws.categories())
    units = store.unit_rows()
    places = store.places()
    if not cats or not units or not places:
        with store.transaction():
            if not cats:
                store.replace_categories(FALLBACK_CATEGORIES)
                ws._categories = None
            if not units:
                store.replace_units(FALLBACK_UNITS)
            if not places:
                store.upsert_places(FALLBACK_PLACES)
        cats, units, places = list(ws.categories()), store.unit_rows(), store.places()
    return cats, {u[0]: u[1] for u in units}, places


def _context(ws, total: int, seed: int) -> _Ctx:
    cats, units, places = _reference(ws)
    now = ws.now()
    span_days = 3 * 365
    start = datetime.combine(now.date() - timedelta(days=span_days), datetime.min.time())
    span_s = (datetime.combine(now.date(), datetime.min.time()) - start).total_seconds() + 86400
    # categories: weight matters with templates higher
    weights, acc, cum = [], 0.0, []
    for path, l1, l2, lit in cats:
        w = _TOPIC_WEIGHT.get(_TOPIC_BY_L2.get(l2, ""), 1.0) * (0.5 if l1 == "纪检监察" else 1.0) \
            * (0.3 if l1 == "其他" else 1.0)
        acc += w
        cum.append(acc)
    accusation = [k for k, c in enumerate(cats) if c[1] == "纪检监察"]
    office = ws.office
    # handling units: district-level departments and street offices (not communities, grids or the office)
    candidates = {code: name for code, name in units.items()
                  if code != office and not name.endswith(("信访局", "网格", "居民委员会", "纪工委"))
                  and not any(w in name for w in ("市人民政府", "中级人民法院", "江城市"))}
    if not candidates:
        candidates = dict(units)
    by_l1: dict[str, list[str]] = {}
    for l1, words in _UNIT_KEYWORDS.items():
        hit = sorted(code for code, name in candidates.items() if any(w in name for w in words))
        if hit:
            by_l1[l1] = hit
    all_units = sorted(candidates)

    def find(*words: str) -> str:
        for w in words:
            for code in sorted(units):
                if w in units[code] and not units[code].startswith("江城市"):
                    return code
        return ""

    jw = find("纪委监委", "纪工委") or all_units[0]
    zf = find("政法委", "公安") or all_units[0]
    court = find("人民法院")
    district = places.get("420102", "") or next((n for c, n in places.items() if len(c) == 6 and n.endswith("区")), "城东区")
    streets = []
    for code in sorted(places):
        if len(code) == 9:
            comms = [(cc, places[cc]) for cc in sorted(places) if len(cc) == 12 and cc.startswith(code)]
            streets.append((code, places[code], comms))
    if not streets:
        streets = [(c, n, [(cc, nn) for cc, nn in FALLBACK_PLACES if len(cc) == 12 and cc.startswith(c)])
                   for c, n in FALLBACK_PLACES if len(c) == 9]
    ctx = _Ctx(seed=seed, total=total, base_id=bulk.max_case_id(ws.store.conn), now=now, start=start,
               span_s=span_s, office=office, prefix=ws.setting("number_prefix"), year_first={}, seq_offset={},
               policies={s.value: (p.days, p.unit, p.roll_forward) for s, p in ws.profile.policies.items()},
               max_extension=ws.profile.policy(Step.HANDLE).max_extension or 30, cal=ws.calendar,
               categories=cats, cat_cum=tuple(cum), cat_total=acc, accusation_cats=accusation, units=units,
               units_by_l1=by_l1, all_units=all_units, streets=streets, city_district=district, jw_unit=jw,
               zf_unit=zf, court_unit=court, mix_key=_mix(seed * 0x9E3779B1 + 12345),
               now_s=_secs(now), now_iso=now.isoformat())
    # first index of each year (received time is increasing in the index)
    first_year, last_year = _received(ctx, 0).year, _received(ctx, total - 1).year
    for y in range(first_year, last_year + 1):
        lo, hi = 0, total
        while lo < hi:
            mid = (lo + hi) // 2
            if _received(ctx, mid).year < y:
                lo = mid + 1
            else:
                hi = mid
        ctx.year_first[y] = lo
    ctx.seq_offset = bulk.max_seqs(ws.store.conn, office)
    return ctx


"""The registration of one demo case: petitioners (people with valid ID numbers, organisations with
USCCs), texts from the matter templates, place, unit and the other registration fields — a pure function
of (seed, case index)."""
from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ...domain.validation import USCC_ALPHABET, make_uscc
from .context import _OISO, _Ctx, _mix, _received
from .pools import (_AREAS, _CHANNEL_T, _FEMALE, _LEADERS, _MALE, _MOBILE, _PURPOSE_T, _ROADS, _SURNAME_WEIGHTS,
                    _SURNAMES, _T, _TOPIC_BY_L2, CLERKS, _facts, _firm, _pick)

# 越级情况 and 非正常上访, from bits of the case's hash (not from `r`: the rest of the case stays as it was)
_LEVELS = ((920, "本级"), (950, "到区"), (980, "到市"), (995, "到省"), (1000, "进京"))
_IRREGULAR_NOTES = ("在区政府门前聚集滞留", "在非信访接待场所走访", "缠访闹访，拒不离开接待场所", "携带横幅在机关门前滞留",
                    "进京到非信访接待场所走访", "在重要会议期间到市委门前聚集")


def _marks(h: int, channel: str) -> tuple[str, int, str]:
    v = (h >> 30) % 1000
    level = next(name for bound, name in _LEVELS if v < bound)
    odds = {"本级": 20, "到区": 60, "到市": 150, "到省": 150, "进京": 400}[level]     # per thousand 来访
    if channel != "来访" or (h >> 42) % 1000 >= odds:
        return level, 0, ""
    note = _IRREGULAR_NOTES[(h >> 52) % len(_IRREGULAR_NOTES)]
    if level != "进京" and note.startswith("进京"):
        note = _IRREGULAR_NOTES[0]
    return level, 1, note


def _uuid(r: random.Random) -> str:
    h = "%032x" % r.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


# ---------------------------------------------------------------------------------------------------------
# One case
# ---------------------------------------------------------------------------------------------------------
@dataclass
class _Case:
    r: random.Random
    i: int
    id: int
    uuid: str
    number: str
    received: datetime
    registered: datetime
    clerk: str
    channel: str
    purpose: str
    cat: int
    topic: str
    facts: dict
    summary_variant: int
    summary: str
    content: str
    demands: str
    place: str
    place_code: str
    people: list[tuple]                 # petitioner rows without case_id
    headcount: int
    work_order: str
    leader: str
    public: int
    caused_by: str
    accused: str
    legal: str
    restricted: int
    unit: str
    persistent: bool
    seq: int = 0
    level: str = "本级"                 # 越级情况
    irregular: int = 0                  # 非正常上访 and its description
    irregular_note: str = ""
    names: str = ""                     # petitioner_names as the list shows them
    repeat_of: str = ""
    repeat_rows: list = field(default_factory=list)
    repeat_numbers: list = field(default_factory=list)
    candidate: bool = False
    timeline: list = field(default_factory=list)   # [(at, status, closure_reason)] after each step
    track: bool = False                 # keep the timeline (an original looked up by a repeat)
    row: tuple = ()
    clocks: dict = field(default_factory=dict)
    events: list = field(default_factory=list)


def _person(ctx: _Ctx, r: random.Random, street: tuple, comm: tuple) -> tuple:
    """(kind, name, id_number, phone, address, sex, birth) of a private person."""
    area = _AREAS[int(r.random() * len(_AREAS))]
    year = 1940 + min(64, int(abs(r.gauss(26, 13))) if r.random() < 0.85 else int(r.random() * 65))
    birth = _JAN1[year] + int(r.random() * 365)
    seq = int(r.random() * 1000)
    male = seq & 1
    surname = _SURNAMES[bisect_right(_SURNAME_WEIGHTS, r.random() * _SURNAME_WEIGHTS[-1])]
    given = (_MALE if male else _FEMALE)
    name = surname + given[int(r.random() * len(given))]
    if r.random() < 0.12:       # 3-character names with a doubled given name or two picks
        name = surname + given[int(r.random() * len(given))][:1] + given[int(r.random() * len(given))][-1:]
    idn = _id_number(area, birth, seq)
    phone = _MOBILE[int(r.random() * len(_MOBILE))] + "%08d" % int(r.random() * 100000000)
    if r.random() < 0.6:
        address = f"江城市{ctx.city_district}{street[1]}{comm[1]}{1 + int(r.random() * 30)}栋{1 + int(r.random() * 4)}单元{int(r.random() * 30) + 1:02d}0{1 + int(r.random() * 4)}室"
    else:
        address = f"江城市{ctx.city_district}{_ROADS[int(r.random() * len(_ROADS))]}{1 + int(r.random() * 300)}号"
    return ("个人", name, idn, phone, address, "男" if male else "女", _OISO[birth])


_ID_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_AREA: dict[str, int] = {}           # weighted digit sums of the parts of an ID number, filled lazily
_ID_DATE: dict = {}                     # date or day ordinal -> (digits, weighted sum)
_JAN1 = {y: date(y, 1, 1).toordinal() for y in range(1900, 2101)}
_ID_SEQ = tuple(("%03d" % k, sum(int(d) * w for d, w in zip("%03d" % k, _ID_W[14:]))) for k in range(1000))


def _id_number(area: str, birth: date | int, seq: int) -> str:
    """make_id_number(area, birth, seq) from cached weighted sums of the area, date and sequence parts
    (`birth` a date or a day ordinal)."""
    a = _ID_AREA.get(area)
    if a is None:
        a = _ID_AREA[area] = sum(int(d) * w for d, w in zip(area, _ID_W))
    ds = _ID_DATE.get(birth)
    if ds is None:
        d = date.fromordinal(birth) if isinstance(birth, int) else birth
        digits = f"{d.year:04d}{d.month:02d}{d.day:02d}"
        ds = _ID_DATE[birth] = (digits, sum(int(d) * w for d, w in zip(digits, _ID_W[6:])))
    tail, t = _ID_SEQ[seq]
    return area + ds[0] + tail + _ID_CHECK[(a + ds[1] + t) % 11]


class _IsoDates(dict):
    """date -> date.isoformat(), filled on first use (a few thousand distinct dates)."""
    def __missing__(self, d: date) -> str:
        s = self[d] = d.isoformat()
        return s


_DISO = _IsoDates()


def _organisation(ctx: _Ctx, r: random.Random) -> tuple:
    body = "91420102" + "".join(USCC_ALPHABET[int(r.random() * 31)] for _ in range(9))
    phone = "027" + "%08d" % (80000000 + int(r.random() * 9999999))
    return ("单位", _firm(r), make_uscc(body), phone,
            f"江城市{ctx.city_district}{_ROADS[int(r.random() * len(_ROADS))]}{1 + int(r.random() * 300)}号", "", None)


def _base(ctx: _Ctx, i: int) -> _Case:
    """The registration of case index i (no lifecycle, no repeat link): a pure function of (seed, i)."""
    h = _mix(ctx.mix_key ^ i)
    r = random.Random(h)
    received = _received(ctx, i)
    year = received.year
    seq = i - ctx.year_first[year] + 1 + ctx.seq_offset.get(year, 0)
    channel = _pick(r, _CHANNEL_T)
    purpose = _pick(r, _PURPOSE_T)
    if purpose == "检举控告" and ctx.accusation_cats and r.random() < 0.75:
        cat = ctx.accusation_cats[int(r.random() * len(ctx.accusation_cats))]
    else:
        cat = bisect_right(ctx.cat_cum, r.random() * ctx.cat_total)
    path, l1, l2, lit = ctx.categories[cat]
    topic = _TOPIC_BY_L2.get(l2, "generic")
    street = ctx.streets[int(r.random() * len(ctx.streets))]
    comm = street[2][int(r.random() * len(street[2]))] if street[2] else (street[0], "")
    place = f"{ctx.city_district}{street[1]}{comm[1]}"
    road = _ROADS[int(r.random() * len(_ROADS))]
    facts = _facts(topic, r, place, road, received.date())
    facts["topic"] = l2 or l1
    variants, content_t, demands_t = _T[topic]
    v = int(r.random() * len(variants))
    summary = variants[v].format(**facts)
    content = content_t.format(**facts)
    demands = demands_t[int(r.random() * len(demands_t))].format(**facts)
    # petitioners
    headcount, people = 1, []
    anonymous = (purpose == "检举控告" and r.random() < 0.35) or (channel in ("来信", "网上") and r.random() < 0.03)
    if anonymous and channel != "来访":
        people.append(("个人", "", "", "", "", "信访人", 1, "", None))
    elif channel == "来访" and r.random() < 0.12:            # collective visit
        headcount = 5 + int(r.random() ** 2 * 36)
        reps = min(5, 1 + int(r.random() * (3 if headcount <= 10 else 5)))
        for _ in range(reps):
            k, n, idn, ph, addr, sex, birth = _person(ctx, r, street, comm)
            people.append((k, n, idn, ph, addr, "代表", 0, sex, birth))
        summary = f"{headcount}人集体访：" + summary
    elif r.random() < 0.04:                                  # an organisation with its agent
        k, n, idn, ph, addr, sex, birth = _organisation(ctx, r)
        people.append((k, n, idn, ph, addr, "信访人", 0, sex, birth))
        k, n, idn, ph, addr, sex, birth = _person(ctx, r, street, comm)
        people.append((k, n, idn, ph, addr, "代理人", 0, sex, birth))
    else:
        k, n, idn, ph, addr, sex, birth = _person(ctx, r, street, comm)
        if channel in ("来电", "12345") and r.random() < 0.5:
            idn, birth = "", None                            # callers rarely give an ID number
        people.append((k, n, idn, ph, addr, "信访人", 0, sex if idn else "", birth))
        if channel == "来信" and r.random() < 0.08:          # co-signed letter
            k, n, idn, ph, addr, sex, birth = _person(ctx, r, street, comm)
            people.append((k, n, idn, ph, addr, "信访人", 0, sex, birth))
        elif r.random() < 0.05:                              # agent (代理人)
            k, n, idn, ph, addr, sex, birth = _person(ctx, r, street, comm)
            people.append((k, n, idn, ph, addr, "代理人", 0, sex, birth))
    work_order = ""
    if channel == "12345":
        work_order = f"GD{received:%Y%m%d}{int(r.random() * 999999):06d}"
    leader, public = "", 0
    if channel == "来访" and r.random() < 0.15:
        leader, public = _LEADERS[int(r.random() * len(_LEADERS))], int(r.random() < 0.6)
    accused = ""
    if purpose == "检举控告":
        accused = (ctx.units.get(comm[0]) or f"{street[1]}{comm[1]}居民委员会") if r.random() < 0.5 else \
            ctx.units[ctx.all_units[int(r.random() * len(ctx.all_units))]]
    legal = ""
    if lit and r.random() < 0.7:
        legal = ("已起诉", "已申请仲裁", "已申请复议", "其他法定途径")[int(r.random() * 4)]
    units = ctx.units_by_l1.get(l1) or ctx.all_units
    unit = units[int(r.random() * len(units))]
    if l1 not in ("纪检监察", "政法") and r.random() < 0.25:   # 属地: the street office
        unit = street[0] if street[0] in ctx.units else unit
    caused_by = unit if topic in ("demolition", "landcomp") and r.random() < 0.4 else ""
    clerk = CLERKS[int(r.random() * len(CLERKS))][0]
    delay = (r.random() * 40 + 5) * 60 if channel == "来访" else r.random() * (86400 if channel == "来信" else 14400)
    registered = min(received + timedelta(seconds=int(delay)), ctx.now)
    uuid_ = _uuid(r)
    persistent = ((h >> 20) % 1000) < 25
    level, irregular, irregular_note = _marks(h, channel)
    return _Case(r=r, i=i, id=ctx.base_id + i + 1, uuid=uuid_, number=f"{year}-{ctx.prefix}-{seq:06d}",
                 received=received, registered=registered, clerk=clerk, channel=channel, purpose=purpose, cat=cat,
                 topic=topic, facts=facts, summary_variant=v, summary=summary, content=content, demands=demands,
                 place=place, place_code=comm[0], people=people, headcount=headcount, work_order=work_order,
                 leader=leader, public=public, caused_by=caused_by, accused=accused, legal=legal,
                 restricted=int(purpose == "检举控告"), unit=unit, persistent=persistent, seq=seq, level=level,
                 irregular=irregular, irregular_note=irregular_note)


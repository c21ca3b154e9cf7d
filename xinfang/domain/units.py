"""Units (单位) and areas (属地): the directory that routing reads.

Pure: standard library only. A `Directory` is built once from `Unit` values and then only read;
it precomputes the lookups routing needs (by code, by name, by area, children, ancestors).

Area codes (domain.md §7.4): 6-digit GB/T 2260 codes (省 PP0000, 市 PPCC00, 区县 PPCCDD), 9-digit
street/township codes, 12-digit 统计用区划代码 for communities/villages, and grid codes that simply
extend their community's code. `normalize_area` cuts the zero padding so that "an area contains
another" is a plain prefix test on normalised codes.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import Iterable, Mapping


class UnitKind(str, Enum):
    PARTY_GOV = "党政部门"
    TOWNSHIP = "街道乡镇"
    COMMUNITY = "社区"
    LEGAL = "政法机关"
    DISCIPLINE = "纪检监察"
    COURT = "法院"
    ARBITRATION = "仲裁机构"
    MEDIATION = "人民调解委员会"
    OTHER = "其他"


class Level(IntEnum):
    """Administrative level; a smaller number is a higher level."""

    NATION = 1
    PROVINCE = 2
    CITY = 3
    COUNTY = 4
    TOWNSHIP = 5
    COMMUNITY = 6
    GRID = 7

    @property
    def label(self) -> str:
        return LEVEL_NAMES[int(self)]


LEVEL_NAMES = {1: "国家", 2: "省", 3: "市", 4: "区县", 5: "街道乡镇", 6: "社区村", 7: "网格"}

# Words accepted on import for each level (besides the number and the canonical name).
_LEVEL_ALIASES = {
    "国家": 1, "中央": 1, "国家级": 1,
    "省": 2, "省级": 2, "自治区": 2, "直辖市": 2,
    "市": 3, "市级": 3, "地市": 3, "地级": 3, "州": 3,
    "区县": 4, "区": 4, "县": 4, "县区": 4, "区级": 4, "县级": 4, "县市区": 4,
    "街道乡镇": 5, "街道": 5, "乡镇": 5, "乡": 5, "镇": 5, "街镇": 5, "乡镇街道": 5,
    "社区村": 6, "社区": 6, "村": 6, "村社区": 6, "社区（村）": 6, "社区(村)": 6,
    "网格": 7,
}


def parse_level(text: str | int) -> int | None:
    """A level from its number (1–7) or its Chinese name; None when not recognised."""
    if isinstance(text, int):
        return text if 1 <= text <= 7 else None
    t = str(text).strip()
    if not t:
        return None
    if t.isdigit():
        n = int(t)
        return n if 1 <= n <= 7 else None
    if t.endswith(".0") and t[:-2].isdigit():
        return parse_level(t[:-2])
    return _LEVEL_ALIASES.get(t)


def parse_kind(text: str) -> UnitKind | None:
    t = str(text).strip()
    for k in UnitKind:
        if k.value == t:
            return k
    aliases = {"党政机关": UnitKind.PARTY_GOV, "部门": UnitKind.PARTY_GOV, "政府部门": UnitKind.PARTY_GOV,
               "街道": UnitKind.TOWNSHIP, "乡镇": UnitKind.TOWNSHIP, "村": UnitKind.COMMUNITY,
               "社区村": UnitKind.COMMUNITY, "网格": UnitKind.COMMUNITY, "政法": UnitKind.LEGAL,
               "纪检": UnitKind.DISCIPLINE, "纪委监委": UnitKind.DISCIPLINE, "人民法院": UnitKind.COURT,
               "仲裁": UnitKind.ARBITRATION, "调委会": UnitKind.MEDIATION,
               "调解委员会": UnitKind.MEDIATION}
    return aliases.get(t)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    parent: str = ""                 # parent unit code; "" for a root
    kind: UnitKind = UnitKind.OTHER
    level: int = Level.COUNTY
    areas: tuple[str, ...] = ()      # normalised area codes this unit is 属地 for
    contact: str = ""
    phone: str = ""

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(int(self.level), str(self.level))

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "parent": self.parent, "kind": self.kind.value,
                "level": int(self.level), "level_name": self.level_name, "areas": list(self.areas),
                "contact": self.contact, "phone": self.phone}


# --- area codes ---------------------------------------------------------------------------------

def normalize_area(code: str) -> str:
    """Cut the zero padding of an area code so that containment is a prefix test.

    12-digit (and 9-digit) codes lose trailing "000" groups down to 6 digits; 6-digit codes lose
    trailing "00" pairs down to 2 digits. Longer (grid) codes are kept as they are. Text that is not
    all digits is returned stripped (a name, compared by equality).
    """
    c = str(code or "").strip().replace(" ", "")
    if not c or not c.isdigit():
        return c
    n = len(c)
    if n > 12:
        return c
    if n in (9, 12):
        while len(c) > 6 and c.endswith("000"):
            c = c[:-3]
        if len(c) > 6:
            return c
    if len(c) == 6:
        while len(c) > 2 and c.endswith("00"):
            c = c[:-2]
    return c


def is_area_code(text: str) -> bool:
    t = str(text or "").strip()
    return bool(t) and t.isdigit()


def area_contains(outer: str, inner: str) -> bool:
    """True when `inner` is `outer` itself or lies inside it (both normalised)."""
    o, i = normalize_area(outer), normalize_area(inner)
    if not o or not i:
        return False
    if not (o.isdigit() and i.isdigit()):
        return o == i
    return i.startswith(o)


def area_prefixes(code: str) -> list[str]:
    """The normalised code and every enclosing area, most specific first ("420102001001" →
    ["420102001001", "420102001", "420102", "4201", "42"])."""
    c = normalize_area(code)
    if not c or not c.isdigit():
        return [c] if c else []
    out = [c]
    for cut in (12, 9, 6, 4, 2):
        if len(c) > cut:
            out.append(c[:cut])
    # grid codes longer than 12 digits: also every intermediate length above 12
    if len(c) > 12:
        out = [c] + [c[:n] for n in range(len(c) - 1, 12, -1)] + out[1:]
    return out


# --- the directory ------------------------------------------------------------------------------

_NAME_SUFFIXES = ("办事处", "居民委员会", "村民委员会", "居委会", "村委会", "人民政府")

_TERRITORIAL_KINDS = (UnitKind.TOWNSHIP, UnitKind.COMMUNITY, UnitKind.PARTY_GOV, UnitKind.OTHER)


class Directory:
    """All units, indexed. Treat as immutable once built."""

    def __init__(self, units: Iterable[Unit], places: Mapping[str, str] | None = None):
        self.units: tuple[Unit, ...] = tuple(units)
        self._by_code: dict[str, Unit] = {}
        self._by_name: dict[str, Unit] = {}
        for u in self.units:
            self._by_code.setdefault(u.code, u)
        for u in self.units:
            self._by_name.setdefault(u.name, u)
        self._children: dict[str, list[Unit]] = {}
        for u in self.units:
            if u.parent:
                self._children.setdefault(u.parent, []).append(u)
        for v in self._children.values():
            v.sort(key=lambda x: x.code)
        # place names → normalised codes: the `places` mapping first, then units with one area
        self._place_names: dict[str, str] = {}
        for name, code in (places or {}).items():
            n = str(name).strip()
            if n and is_area_code(code):
                self._place_names.setdefault(n, normalize_area(code))
        for u in self.units:
            digit_areas = [a for a in u.areas if is_area_code(a)]
            if len(digit_areas) == 1:
                for alias in _name_aliases(u.name):
                    self._place_names.setdefault(alias, normalize_area(digit_areas[0]))
        # area → units that are 属地 for it (areas given as names are resolved here)
        self._resolved_areas: dict[str, tuple[str, ...]] = {}
        self._by_area: dict[str, list[Unit]] = {}
        for u in self.units:
            resolved = []
            for a in u.areas:
                code = self.resolve_area(a, fuzzy=False) or normalize_area(a)
                if code:
                    resolved.append(code)
                    self._by_area.setdefault(code, []).append(u)
            self._resolved_areas[u.code] = tuple(resolved)
        self._names_by_len = sorted(self._place_names, key=len, reverse=True)
        self._ancestor_cache: dict[str, tuple[Unit, ...]] = {}
        self._discipline_cache: dict[str, Unit | None] = {}
        self._nearest_kind_cache: dict[tuple[str, UnitKind], Unit | None] = {}

    # lookups
    def __len__(self) -> int:
        return len(self.units)

    def __iter__(self):
        return iter(self.units)

    def __contains__(self, code_or_name: str) -> bool:
        return self.find(code_or_name) is not None

    def get(self, code: str) -> Unit | None:
        return self._by_code.get(code)

    def find(self, code_or_name: str) -> Unit | None:
        """A unit by its code, else by its exact name (surrounding spaces ignored)."""
        key = str(code_or_name or "").strip()
        if not key:
            return None
        return self._by_code.get(key) or self._by_name.get(key)

    def name_of(self, code: str) -> str:
        u = self._by_code.get(code)
        return u.name if u else ""

    def areas_of(self, code: str) -> tuple[str, ...]:
        """A unit's 属地 as normalised codes (names resolved where possible)."""
        return self._resolved_areas.get(code, ())

    # hierarchy
    def children(self, code: str) -> tuple[Unit, ...]:
        return tuple(self._children.get(code, ()))

    def ancestors(self, code: str) -> tuple[Unit, ...]:
        """Parent, grandparent, … (nearest first). Cycles and unknown parents end the chain."""
        hit = self._ancestor_cache.get(code)
        if hit is not None:
            return hit
        out: list[Unit] = []
        seen = {code}
        u = self._by_code.get(code)
        while u is not None and u.parent and u.parent not in seen:
            seen.add(u.parent)
            u = self._by_code.get(u.parent)
            if u is not None:
                out.append(u)
        res = tuple(out)
        self._ancestor_cache[code] = res
        return res

    def descendants(self, code: str) -> tuple[Unit, ...]:
        out: list[Unit] = []
        stack = list(reversed(self._children.get(code, ())))
        seen = {code}
        while stack:
            u = stack.pop()
            if u.code in seen:
                continue
            seen.add(u.code)
            out.append(u)
            stack.extend(reversed(self._children.get(u.code, ())))
        return tuple(out)

    def is_within(self, unit_code: str, ancestor_code: str) -> bool:
        """True when the unit is `ancestor_code` itself or lies below it in the hierarchy."""
        if not unit_code or not ancestor_code:
            return False
        if unit_code == ancestor_code:
            return True
        return any(a.code == ancestor_code for a in self.ancestors(unit_code))

    # areas
    def resolve_area(self, text: str, fuzzy: bool = True) -> str:
        """A normalised area code from a code or a place name; "" when unknown.

        With `fuzzy`, a free-text place ("东湖街道樱园社区3栋") resolves to the most specific known
        place name it contains.
        """
        t = str(text or "").strip()
        if not t:
            return ""
        if t.isdigit():
            return normalize_area(t)
        hit = self._place_names.get(t)
        if hit:
            return hit
        if not fuzzy:
            return ""
        best = ""
        for name in self._names_by_len:
            if len(name) >= 2 and name in t:
                code = self._place_names[name]
                if len(code) > len(best):
                    best = code
        return best

    def place_names(self) -> dict[str, str]:
        return dict(self._place_names)

    def units_for_area(self, place_code: str, level: int | None = None) -> list[Unit]:
        """Units that are 属地 for the place, most specific area first."""
        out: list[Unit] = []
        for p in area_prefixes(self.resolve_area(place_code)):
            for u in self._by_area.get(p, ()):
                if level is None or int(u.level) == int(level):
                    out.append(u)
        return out

    def territorial_unit(self, place_code: str, level: int = Level.TOWNSHIP) -> Unit | None:
        """The unit at `level` (by default the street/township) whose 属地 contains the place; the
        most specific area wins; units of kind 街道乡镇 are preferred over others at the same area."""
        for p in area_prefixes(self.resolve_area(place_code)):
            cands = [u for u in self._by_area.get(p, ())
                     if int(u.level) == int(level) and u.kind in _TERRITORIAL_KINDS]
            if cands:
                cands.sort(key=lambda u: (u.kind != UnitKind.TOWNSHIP, u.code))
                return cands[0]
        return None

    # special units
    def discipline_unit_for(self, unit: Unit | str) -> Unit | None:
        """The 纪检监察 unit responsible for an accused unit: at the accused's level or above, found
        first among the children of the accused's own parent chain (nearest first), else the nearest
        纪检监察 unit above the accused's level. Never the accused itself nor a unit inside it."""
        u = self.find(unit) if isinstance(unit, str) else unit
        if u is None:
            return None
        if u.code in self._discipline_cache:
            return self._discipline_cache[u.code]
        res = self._discipline_lookup(u)
        self._discipline_cache[u.code] = res
        return res

    def _discipline_lookup(self, u: Unit) -> Unit | None:
        level = int(u.level)
        for node in (u, *self.ancestors(u.code)):
            for c in self._children.get(node.code, ()):
                if (c.kind == UnitKind.DISCIPLINE and int(c.level) <= level
                        and not self.is_within(c.code, u.code)):
                    return c
        above = [d for d in self.units
                 if d.kind == UnitKind.DISCIPLINE and int(d.level) < level
                 and not self.is_within(d.code, u.code)]
        if not above:
            return None
        above.sort(key=lambda d: (-int(d.level), d.code))
        return above[0]

    def nearest_of_kind(self, kind: UnitKind, start: Unit | str) -> Unit | None:
        """The unit of `kind` closest to `start`: searched in the subtree of `start`, then of its
        parent, grandparent, …; the shallowest hit wins, ties by code."""
        s = self.find(start) if isinstance(start, str) else start
        if s is None:
            return None
        key = (s.code, kind)
        if key in self._nearest_kind_cache:
            return self._nearest_kind_cache[key]
        found = None
        of_kind = [u for u in self.units if u.kind == kind]
        for node in (s, *self.ancestors(s.code)):
            inside = [u for u in of_kind if self.is_within(u.code, node.code)]
            if inside:
                inside.sort(key=lambda u: (len(self.ancestors(u.code)), u.code))
                found = inside[0]
                break
        self._nearest_kind_cache[key] = found
        return found


def _name_aliases(name: str) -> list[str]:
    out = [name]
    for suf in _NAME_SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf) + 1:
            out.append(name[: -len(suf)])
    return out

"""The routing engine: a case → a `Decision` (who handles it, by which channel, and why).

`route()` is a pure function of its inputs. It walks a chain of principles (the district's
"谁引发谁负责、谁主管谁负责、属地单位负责" plus 检举控告, 诉访分离 and 分级负责); the first principle
that names a unit decides. 分级负责 is not a unit finder: wherever it sits in the chain it is applied
to the unit found, turning the channel into 上报上级 when that unit is above our level. A final
confidentiality guard makes sure an accusation (检举控告) never goes to the accused unit nor to a unit
inside it (2022 条例 §30 ¶3).

Rule matching is indexed (`RuleIndex`): by category key, then keyword rules by the first character
of each keyword, so a decision over 5,000 rules touches only the few rules that can match.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Iterable, Sequence

from xinfang.domain.model import CaseDraft
from xinfang.domain.rules import Rule, RuleSet
from xinfang.domain.units import (LEVEL_NAMES, Directory, Level, Unit, UnitKind, is_area_code,
                                  normalize_area)

ACCUSATION_PURPOSE = "检举控告"


class RouteChannel(str, Enum):
    HANDLE = "办理"          # 转送/交办 to a unit at our level or below
    DISCIPLINE = "纪检监察"   # 检举控告 to the 纪检监察 organ
    LEGAL = "法定途径"        # 诉访分离: litigation, arbitration, review, other statutory procedures
    ESCALATE = "上报上级"     # 分级负责: the responsible unit is above our level


class Principle(str, Enum):
    ACCUSATION = "accusation"
    LITIGATION = "litigation"
    CAUSED_BY = "caused_by"
    COMPETENT = "competent"
    TERRITORIAL = "territorial"
    LEVEL = "level"

    @property
    def label(self) -> str:
        return PRINCIPLE_NAMES[self.value]


PRINCIPLE_NAMES = {
    "accusation": "检举控告",
    "litigation": "诉访分离",
    "caused_by": "谁引发谁负责",
    "competent": "谁主管谁负责",
    "territorial": "属地单位负责",
    "level": "分级负责",
}

# The district's default order. An administrator may reorder or drop entries; see `normalize_chain`.
DEFAULT_CHAIN: tuple[Principle, ...] = (
    Principle.ACCUSATION, Principle.LITIGATION, Principle.CAUSED_BY,
    Principle.COMPETENT, Principle.TERRITORIAL, Principle.LEVEL,
)

# legal_status facts → (procedure name, the kind of the competent organ; None = the 复议机关)
LEGAL_STATUS_PROCEDURES: dict[str, tuple[str, UnitKind | None]] = {
    "已起诉": ("诉讼", UnitKind.COURT),
    "已申请仲裁": ("仲裁", UnitKind.ARBITRATION),
    "已申请复议": ("行政复议", None),
    "其他法定途径": ("其他法定途径", None),
}


def normalize_chain(chain: Iterable[str | Principle]) -> tuple[Principle, ...]:
    """Principle codes or their Chinese names → principles, duplicates dropped, order kept."""
    by_name = {v: k for k, v in PRINCIPLE_NAMES.items()}
    out: list[Principle] = []
    for item in chain:
        key = item.value if isinstance(item, Principle) else str(item).strip()
        key = by_name.get(key, key)
        try:
            p = Principle(key)
        except ValueError:
            raise ValueError(f"未知的分办原则“{item}”，可用：" + "、".join(PRINCIPLE_NAMES.values())) from None
        if p not in out:
            out.append(p)
    return tuple(out)


# --- inputs and outputs --------------------------------------------------------------------------

@dataclass(frozen=True)
class RoutingInput:
    purpose: str = ""                 # Purpose value: 建议意见 / 检举控告 / 申诉求决
    category: str = ""                # "一级/二级" or "一级"
    text: str = ""                    # summary + content + demands
    place_code: str = ""              # area code (or a place name, resolved through the directory)
    caused_by: str = ""               # unit code or name
    accused_unit: str = ""            # unit code or name (检举控告)
    legal_status: str = ""            # 已起诉 / 已申请仲裁 / 已申请复议 / 其他法定途径
    on_date: date | None = None       # rules are matched as valid on this date (None: dates ignored)

    @classmethod
    def from_draft(cls, draft: CaseDraft, on_date: date | None = None) -> "RoutingInput":
        """The routing view of a registration draft; `on_date` defaults to the date received."""
        if on_date is None and draft.received_at is not None:
            on_date = draft.received_at.date()
        purpose = getattr(draft.purpose, "value", draft.purpose) or ""
        text = "\n".join(t for t in (draft.summary, draft.content, draft.demands) if t)
        return cls(purpose=str(purpose), category=draft.category or "", text=text,
                   place_code=draft.place_code or draft.place or "", caused_by=draft.caused_by or "",
                   accused_unit=draft.accused_unit or "", legal_status=draft.legal_status or "",
                   on_date=on_date)


@dataclass(frozen=True)
class Decision:
    unit: str                                  # unit code; "" when a person must decide
    unit_name: str
    channel: str                               # RouteChannel value
    principle: str                             # Principle code ("" when none applied)
    rule: int | None = None                    # 权责清单 row that decided, if any
    rule_version: int | None = None            # version of the rule set considered
    reasons: tuple[str, ...] = ()              # one line per principle considered
    alternatives: tuple[tuple[str, str], ...] = ()   # (code, name)
    needs_manual: bool = False
    restricted: bool = False                   # 检举控告: access limited, never to the accused

    @property
    def principle_name(self) -> str:
        return PRINCIPLE_NAMES.get(self.principle, "")

    def to_dict(self) -> dict:
        return {
            "unit": self.unit,
            "unit_name": self.unit_name,
            "channel": self.channel,
            "principle": self.principle,
            "rule": self.rule,
            "rule_version": self.rule_version,
            "reasons": list(self.reasons),
            "alternatives": [{"unit": c, "unit_name": n} for c, n in self.alternatives],
            "needs_manual": self.needs_manual,
            "restricted": self.restricted,
        }


# --- rule index ----------------------------------------------------------------------------------

def normalize_category(category: str) -> str:
    c = str(category or "").strip().replace("／", "/").replace("\\", "/")
    if "/" not in c:
        return c
    first, _, second = c.partition("/")
    first, second = first.strip(), second.strip()
    return f"{first}/{second}" if second else first


class _Bucket:
    __slots__ = ("plain", "by_char")

    def __init__(self) -> None:
        self.plain: list[Rule] = []
        self.by_char: dict[str, list[tuple[str, Rule]]] = {}


class RuleIndex:
    """Rules grouped for fast matching. Build once per rule set (`route` caches it per RuleSet)."""

    def __init__(self, rules: Iterable[Rule], version: int | None = None):
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.version = version
        self._buckets: dict[str, _Bucket] = {}
        for r in self.rules:
            b = self._buckets.setdefault(normalize_category(r.category), _Bucket())
            kws = [k for k in r.keywords if k]
            if not kws:
                b.plain.append(r)
            else:
                for k in kws:
                    b.by_char.setdefault(k[0], []).append((k, r))

    def __len__(self) -> int:
        return len(self.rules)

    def match(self, category: str, text: str, place: str, on_date: date | None = None
              ) -> tuple[list[Rule], list[Rule]]:
        """Rules whose conditions all hold: (valid on `on_date`, sorted best first;
        matching but outside their dates)."""
        cat = normalize_category(category)
        keys = [""]
        if cat:
            first = cat.split("/", 1)[0]
            keys.append(first)
            if cat != first:
                keys.append(cat)
        chars = set(text) if text else set()
        place_digits = place.isdigit() if place else False
        seen: dict[int, Rule] = {}
        for key in keys:
            b = self._buckets.get(key)
            if b is None:
                continue
            for r in b.plain:
                seen[id(r)] = r
            if chars and b.by_char:
                if len(b.by_char) <= len(chars):
                    firsts = [c for c in b.by_char if c in chars]
                else:
                    firsts = [c for c in chars if c in b.by_char]
                for c in firsts:
                    for kw, r in b.by_char[c]:
                        if id(r) not in seen and kw in text:
                            seen[id(r)] = r
        valid: list[Rule] = []
        dated_out: list[Rule] = []
        for r in seen.values():
            if r.area:
                if not place:
                    continue
                if place_digits and r.area.isdigit():
                    if not place.startswith(r.area):
                        continue
                elif r.area != place:
                    continue
            (valid if r.valid_on(on_date) else dated_out).append(r)
        valid.sort(key=_rank)
        dated_out.sort(key=_rank)
        return valid, dated_out


def _rank(r: Rule) -> tuple:
    return (-r.conditions, -r.priority, r.row)


_INDEX_CACHE: "weakref.WeakKeyDictionary[RuleSet, RuleIndex]" = weakref.WeakKeyDictionary()


def compile_rules(rules: RuleSet | RuleIndex | Sequence[Rule] | None) -> RuleIndex:
    if isinstance(rules, RuleIndex):
        return rules
    if rules is None:
        return RuleIndex(())
    if isinstance(rules, RuleSet):
        idx = _INDEX_CACHE.get(rules)
        if idx is None:
            idx = RuleIndex(rules.rules, rules.version)
            _INDEX_CACHE[rules] = idx
        return idx
    return RuleIndex(rules)


# --- the engine ----------------------------------------------------------------------------------

@dataclass
class _Found:
    unit: Unit | None
    channel: RouteChannel
    principle: Principle
    rule: Rule | None = None
    alternatives: list[Unit] = field(default_factory=list)
    needs_manual: bool = False


class _Ctx:
    def __init__(self, inp: RoutingInput, directory: Directory, index: RuleIndex, office_code: str,
                 litigation_categories: frozenset[str]):
        self.inp = inp
        self.d = directory
        self.index = index
        self.office = directory.find(office_code) if office_code else None
        self.office_code = office_code
        self.category = normalize_category(inp.category)
        self.text = inp.text or ""
        raw_place = (inp.place_code or "").strip()
        self.place_raw = raw_place
        self.place = directory.resolve_area(raw_place) if raw_place else ""
        self.is_accusation = str(getattr(inp.purpose, "value", inp.purpose)).strip() == ACCUSATION_PURPOSE
        self.accused_text = (inp.accused_unit or "").strip()
        self.accused = directory.find(self.accused_text) if self.accused_text else None
        self.lit_cats = frozenset(normalize_category(c) for c in litigation_categories)
        self._matches: tuple[list[Rule], list[Rule]] | None = None

    def matches(self) -> tuple[list[Rule], list[Rule]]:
        if self._matches is None:
            self._matches = self.index.match(self.category, self.text, self.place, self.inp.on_date)
        return self._matches

    def forbidden(self, code: str) -> bool:
        """The confidentiality guard: is `code` the accused unit or inside it?"""
        if not self.is_accusation or not code:
            return False
        if self.accused is not None:
            return self.d.is_within(code, self.accused.code)
        if self.accused_text:
            u = self.d.get(code)
            return code == self.accused_text or (u is not None and u.name == self.accused_text)
        return False

    def our_discipline_unit(self) -> Unit | None:
        if self.office is None:
            return None
        return self.d.nearest_of_kind(UnitKind.DISCIPLINE, self.office)


def _q(s: str) -> str:
    return f"“{s}”"


def _level_name(u: Unit) -> str:
    return LEVEL_NAMES.get(int(u.level), str(u.level))


def _p_accusation(ctx: _Ctx) -> tuple[str, _Found | None]:
    name = PRINCIPLE_NAMES["accusation"]
    if not ctx.is_accusation:
        purpose = str(getattr(ctx.inp.purpose, "value", ctx.inp.purpose)) or "未填写"
        return f"{name}：不适用——信访目的为{_q(purpose)}，不是检举控告。", None
    if ctx.accused is not None:
        a = ctx.accused
        d = ctx.d.discipline_unit_for(a)
        if d is None:
            return (f"{name}：被举报单位{_q(a.name)}（{_level_name(a)}）之上没有可接收的纪检监察机关，"
                    "继续按后续原则处理（不得交被举报单位）。"), None
        return (f"{name}：适用——被举报单位{_q(a.name)}（{_level_name(a)}），按管理权限转"
                f"{_q(d.name)}（{_level_name(d)}）；举报材料不得转交被举报单位或其下属单位，本件限制查阅。",
                _Found(d, RouteChannel.DISCIPLINE, Principle.ACCUSATION))
    d = ctx.our_discipline_unit()
    why = (f"被举报单位{_q(ctx.accused_text)}不在单位目录中" if ctx.accused_text
           else "未填写被举报单位")
    if d is None:
        return f"{name}：{why}，且未找到本级纪检监察机关，继续按后续原则处理。", None
    return (f"{name}：适用——{why}，按本级转{_q(d.name)}；举报材料不得转交被举报单位，本件限制查阅。",
            _Found(d, RouteChannel.DISCIPLINE, Principle.ACCUSATION))


def _review_government(ctx: _Ctx) -> Unit | None:
    """The 行政复议机关: the topmost unit of our chain still at 区县 level or below."""
    start = ctx.office
    if start is None:
        return None
    best = None
    for u in (start, *ctx.d.ancestors(start.code)):
        if int(u.level) >= Level.COUNTY and u.kind == UnitKind.PARTY_GOV:
            best = u
        elif int(u.level) < Level.COUNTY:
            break
    return best


def _p_litigation(ctx: _Ctx) -> tuple[str, _Found | None]:
    name = PRINCIPLE_NAMES["litigation"]
    cat = ctx.category
    flagged = bool(cat) and (cat in ctx.lit_cats or cat.split("/", 1)[0] in ctx.lit_cats)
    status = (ctx.inp.legal_status or "").strip()
    if status in ("", "无", "否"):
        status = ""
    if not flagged and not status:
        return (f"{name}：不适用——事项类别{_q(cat or '未填写')}不属于诉讼、仲裁、复议等法定途径，"
                "也未记载已起诉、已申请仲裁或已申请复议。"), None
    why = []
    if status:
        why.append(f"已记载{_q(status)}")
    if flagged:
        why.append(f"事项类别{_q(cat)}属于应通过法定途径解决的事项")
    why_s = "，".join(why)
    start = ctx.office
    organ: Unit | None = None
    rule: Rule | None = None
    how = ""
    proc = LEGAL_STATUS_PROCEDURES.get(status)
    if proc is not None:
        procedure, kind = proc
        if kind is not None and start is not None:
            organ = ctx.d.nearest_of_kind(kind, start)
            how = f"{procedure}由{_q(organ.name)}依法处理" if organ else ""
        elif status == "已申请复议":
            organ = _review_government(ctx)
            how = f"行政复议由复议机关{_q(organ.name)}依法办理" if organ else ""
    if organ is None and flagged:
        valid, _ = ctx.matches()
        best = [r for r in valid if ctx.d.find(r.unit) is not None]
        if best:
            top = best[0]
            tied = {r.unit for r in best if r.conditions == top.conditions and r.priority == top.priority}
            if len(tied) == 1:
                rule = top
                organ = ctx.d.find(top.unit)
                how = f"按权责清单第{top.row}行由{_q(organ.name)}依法处理（依据：{top.basis or '未填写'}）"
    if organ is None and flagged and start is not None:
        hint = cat + status
        if "仲裁" in hint:
            organ = ctx.d.nearest_of_kind(UnitKind.ARBITRATION, start)
        elif "复议" in hint:
            organ = _review_government(ctx)
        elif "检察" in hint:
            organ = ctx.d.nearest_of_kind(UnitKind.LEGAL, start)
        else:
            organ = ctx.d.nearest_of_kind(UnitKind.COURT, start)
        if organ is not None:
            how = f"由{_q(organ.name)}依法处理"
    if organ is None:
        return (f"{name}：适用——{why_s}，应导入法定途径，但未找到主管机关，需人工确定。",
                _Found(None, RouteChannel.LEGAL, Principle.LITIGATION, needs_manual=True))
    return (f"{name}：适用——{why_s}，诉访分离，导入法定途径，{how}，不作为普通信访事项办理。",
            _Found(organ, RouteChannel.LEGAL, Principle.LITIGATION, rule=rule))


def _p_caused_by(ctx: _Ctx) -> tuple[str, _Found | None]:
    name = PRINCIPLE_NAMES["caused_by"]
    cb = (ctx.inp.caused_by or "").strip()
    if not cb:
        return f"{name}：不适用——未记载引发问题的单位。", None
    u = ctx.d.find(cb)
    if u is None:
        return f"{name}：不适用——引发问题的单位{_q(cb)}不在单位目录中。", None
    return f"{name}：适用——问题由{_q(u.name)}的行为引发，由其负责。", _Found(u, RouteChannel.HANDLE,
                                                                        Principle.CAUSED_BY)


def _p_competent(ctx: _Ctx) -> tuple[str, _Found | None]:
    name = PRINCIPLE_NAMES["competent"]
    if len(ctx.index) == 0:
        return f"{name}：不适用——权责清单为空。", None
    valid, dated_out = ctx.matches()
    unknown = [r for r in valid if ctx.d.find(r.unit) is None]
    usable = [r for r in valid if ctx.d.find(r.unit) is not None]
    notes = []
    if dated_out:
        rows = "、".join(f"第{r.row}行" for r in dated_out[:5])
        notes.append(f"{rows}规则不在有效期内，未采用")
    if unknown:
        rows = "、".join(f"第{r.row}行" for r in unknown[:5])
        notes.append(f"{rows}规则的责任单位不在单位目录中，未采用")
    note = ("（" + "；".join(notes) + "）") if notes else ""
    if not usable:
        return (f"{name}：不适用——权责清单中没有与事项类别{_q(ctx.category or '未填写')}、"
                f"内容和发生地相符的有效规则{note}。"), None
    top = usable[0]
    tied = [r for r in usable if r.conditions == top.conditions and r.priority == top.priority]
    tied_units: list[Unit] = []
    for r in tied:
        u = ctx.d.find(r.unit)
        if u is not None and all(u.code != t.code for t in tied_units):
            tied_units.append(u)
    if len(tied_units) > 1:
        rows = "、".join(f"第{r.row}行" for r in tied)
        names = "、".join(u.name for u in tied_units)
        return (f"{name}：权责清单{rows}同样具体、优先级相同（{top.priority}），却指向不同单位（{names}），"
                f"需人工确定{note}。",
                _Found(None, RouteChannel.HANDLE, Principle.COMPETENT, alternatives=tied_units,
                       needs_manual=True))
    unit = tied_units[0]
    others: list[Unit] = []
    for r in usable:
        u = ctx.d.find(r.unit)
        if u is not None and u.code != unit.code and all(u.code != o.code for o in others):
            others.append(u)
    beat = ""
    losers = [r for r in usable if r.unit != unit.code]
    if losers:
        lo = losers[0]
        if lo.conditions < top.conditions:
            beat = f"；比第{lo.row}行（{_q(ctx.d.name_of(lo.unit))}）更具体"
        else:
            beat = f"；优先级{top.priority}高于第{lo.row}行（{_q(ctx.d.name_of(lo.unit))}）的{lo.priority}"
    return (f"{name}：适用——权责清单第{top.row}行（{top.describe()}）指向{_q(unit.name)}，"
            f"依据：{top.basis or '未填写'}{beat}{note}。",
            _Found(unit, RouteChannel.HANDLE, Principle.COMPETENT, rule=top, alternatives=others))


def _p_territorial(ctx: _Ctx) -> tuple[str, _Found | None]:
    name = PRINCIPLE_NAMES["territorial"]
    if not ctx.place_raw:
        return f"{name}：不适用——未记载问题发生地。", None
    if not ctx.place:
        return f"{name}：不适用——问题发生地{_q(ctx.place_raw)}无法识别为区划代码。", None
    u = ctx.d.territorial_unit(ctx.place)
    if u is None:
        return (f"{name}：不适用——问题发生地{_q(ctx.place_raw)}不在任何街道乡镇的属地范围内"
                "（可能是外区或区级以上的区划）。"), None
    return (f"{name}：适用——问题发生地{_q(ctx.place_raw)}在{_q(u.name)}的属地范围内，由属地单位负责。",
            _Found(u, RouteChannel.HANDLE, Principle.TERRITORIAL))


_PRINCIPLES = {
    Principle.ACCUSATION: _p_accusation,
    Principle.LITIGATION: _p_litigation,
    Principle.CAUSED_BY: _p_caused_by,
    Principle.COMPETENT: _p_competent,
    Principle.TERRITORIAL: _p_territorial,
}


def route(inp: RoutingInput, directory: Directory, rules: RuleSet | RuleIndex | Sequence[Rule] | None,
          office_code: str, chain: Iterable[str | Principle] = DEFAULT_CHAIN,
          litigation_categories: frozenset[str] | set[str] = frozenset()) -> Decision:
    """Decide who handles a case. Pure: same inputs, same decision."""
    principles = normalize_chain(chain)
    index = compile_rules(rules)
    ctx = _Ctx(inp, directory, index, office_code, frozenset(litigation_categories))
    reasons: list[str] = []
    found: _Found | None = None
    for p in principles:
        if p is Principle.LEVEL:
            continue
        line, res = _PRINCIPLES[p](ctx)
        reasons.append(line)
        if res is not None:
            found = res
            break

    # confidentiality guard: an accusation never reaches the accused nor a unit inside it
    if ctx.is_accusation:
        if found is not None and found.unit is not None and ctx.forbidden(found.unit.code):
            removed = found.unit
            d = (directory.discipline_unit_for(ctx.accused) if ctx.accused is not None
                 else ctx.our_discipline_unit())
            if d is not None and not ctx.forbidden(d.code):
                reasons.append(f"保密要求：{_q(removed.name)}是被举报单位或其下属单位，不得接收举报材料；"
                               f"改转纪检监察机关{_q(d.name)}。")
                found = _Found(d, RouteChannel.DISCIPLINE, Principle.ACCUSATION)
            else:
                reasons.append(f"保密要求：{_q(removed.name)}是被举报单位或其下属单位，不得接收举报材料；"
                               "未找到可接收的纪检监察机关，需人工确定。")
                found = _Found(None, RouteChannel.DISCIPLINE, Principle.ACCUSATION, needs_manual=True)
        if found is not None:
            found.alternatives = [u for u in found.alternatives if not ctx.forbidden(u.code)]

    # 分级负责: applied to the unit found, wherever it sits in the chain
    if Principle.LEVEL in principles:
        lname = PRINCIPLE_NAMES["level"]
        if found is None or found.unit is None:
            reasons.append(f"{lname}：不适用——尚未确定责任单位。")
        elif found.channel is not RouteChannel.HANDLE:
            reasons.append(f"{lname}：不适用——已按{found.channel.value}渠道处理。")
        elif ctx.office is None:
            reasons.append(f"{lname}：无法判断——本单位{_q(office_code)}不在单位目录中。")
        elif int(found.unit.level) < int(ctx.office.level):
            reasons.append(f"{lname}：适用——{_q(found.unit.name)}（{_level_name(found.unit)}）高于本单位层级"
                           f"（{_level_name(ctx.office)}），上报上级。")
            found.channel = RouteChannel.ESCALATE
        else:
            reasons.append(f"{lname}：{_q(found.unit.name)}（{_level_name(found.unit)}）不高于本单位层级"
                           f"（{_level_name(ctx.office)}），由本级转送交办。")

    if found is None:
        reasons.append("结论：各项原则均不适用，需人工确定责任单位。")
        return Decision(unit="", unit_name="", channel=RouteChannel.HANDLE.value, principle="",
                        rule=None, rule_version=index.version, reasons=tuple(reasons),
                        alternatives=(), needs_manual=True, restricted=ctx.is_accusation)

    alternatives = found.alternatives
    if not found.needs_manual and found.channel in (RouteChannel.HANDLE, RouteChannel.ESCALATE):
        extra = list(alternatives)
        if found.principle is not Principle.COMPETENT:
            valid, _ = ctx.matches()
            for r in valid:
                u = directory.find(r.unit)
                if u is not None:
                    extra.append(u)
        if found.principle is not Principle.TERRITORIAL and ctx.place:
            t = directory.territorial_unit(ctx.place)
            if t is not None:
                extra.append(t)
        seen = {found.unit.code} if found.unit else set()
        alternatives = []
        for u in extra:
            if u.code not in seen and not ctx.forbidden(u.code):
                seen.add(u.code)
                alternatives.append(u)
        alternatives = alternatives[:5]
    unit = found.unit
    return Decision(
        unit=unit.code if unit else "",
        unit_name=unit.name if unit else "",
        channel=found.channel.value,
        principle=found.principle.value,
        rule=found.rule.row if found.rule is not None else None,
        rule_version=index.version,
        reasons=tuple(reasons),
        alternatives=tuple((u.code, u.name) for u in alternatives),
        needs_manual=found.needs_manual or unit is None,
        restricted=ctx.is_accusation,
    )

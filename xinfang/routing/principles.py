"""The unit-finding principles of the chain (检举控告, 诉访分离, 谁引发谁负责, 谁主管谁负责, 属地单位负责):
each takes the routing context and returns its reason line and, when it applies, what it found."""
from __future__ import annotations

from dataclasses import dataclass, field

from xinfang.domain.rules import Rule
from xinfang.domain.units import LEVEL_NAMES, Directory, Level, Unit, UnitKind

from .model import (ACCUSATION_PURPOSE, LEGAL_STATUS_PROCEDURES, PRINCIPLE_NAMES, Principle, RouteChannel,
                    RoutingInput)
from .rule_index import RuleIndex, normalize_category


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

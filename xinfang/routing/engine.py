"""The routing engine: a case → a `Decision` (who handles it, by which channel, and why).

`route()` is a pure function of its inputs. It walks a chain of principles (the district's
"谁引发谁负责、谁主管谁负责、属地单位负责" plus 检举控告, 诉访分离 and 分级负责); the first principle
that names a unit decides. 分级负责 is not a unit finder: wherever it sits in the chain it is applied
to the unit found, turning the channel into 上报上级 when that unit is above our level. A final
confidentiality guard makes sure an accusation (检举控告) never goes to the accused unit nor to a unit
inside it (2022 条例 §30 ¶3).

Rule matching is indexed (`RuleIndex`): by category key, then keyword rules by the first character
of each keyword, so a decision over 5,000 rules touches only the few rules that can match.

The inputs and outputs live in `model`, the rule index in `rule_index`, the unit-finding principles in
`principles`; all public names stay importable from here.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from xinfang.domain.rules import Rule, RuleSet
from xinfang.domain.units import Directory

from .model import (ACCUSATION_PURPOSE, DEFAULT_CHAIN, LEGAL_STATUS_PROCEDURES, PRINCIPLE_NAMES, Decision,
                    Principle, RouteChannel, RoutingInput, normalize_chain)
from .principles import _PRINCIPLES, _Ctx, _Found, _level_name, _q
from .rule_index import RuleIndex, compile_rules, normalize_category

__all__ = [
    "ACCUSATION_PURPOSE", "DEFAULT_CHAIN", "LEGAL_STATUS_PROCEDURES", "PRINCIPLE_NAMES", "Decision", "Principle",
    "RouteChannel", "RoutingInput", "RuleIndex", "compile_rules", "normalize_category", "normalize_chain", "route",
]


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

"""Property: an accusation (检举控告) never reaches the accused unit nor a unit inside it."""
from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.domain.rules import Rule, RuleSet
from xinfang.domain.units import Directory, Unit, UnitKind
from xinfang.routing.engine import DEFAULT_CHAIN, RoutingInput, route

CATEGORIES = ["", "纪检监察", "纪检监察/违纪违法", "城乡建设/物业管理", "政法/涉法涉诉", "其他/其他"]
KEYWORDS = ["举报", "电梯", "判决", "贪污", "工地"]
LEGAL = ["", "", "已起诉", "已申请仲裁", "已申请复议", "其他法定途径"]


@st.composite
def worlds(draw):
    n = draw(st.integers(min_value=1, max_value=25))
    units = []
    levels = []
    for i in range(n):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None
        plevel = levels[parent] if parent is not None else draw(st.integers(1, 5))
        level = min(7, plevel + draw(st.integers(0, 1)))
        levels.append(level)
        kind = draw(st.sampled_from(list(UnitKind)))
        area = draw(st.sampled_from(["", "42", "4201", "420102", "420102001", "420102002",
                                     "420102001001", "42010200100101"]))
        units.append(Unit(f"U{i}", f"单位{i}", f"U{parent}" if parent is not None else "", kind, level,
                          (area,) if area else ()))
    codes = [u.code for u in units]
    rules = tuple(
        Rule(row=r + 2, category=draw(st.sampled_from(CATEGORIES)),
             keywords=tuple(draw(st.lists(st.sampled_from(KEYWORDS), max_size=2, unique=True))),
             area=draw(st.sampled_from(["", "420102", "420102001"])), unit=draw(st.sampled_from(codes)),
             priority=draw(st.integers(0, 3)))
        for r in range(draw(st.integers(0, 12))))
    accused = draw(st.sampled_from(codes))
    by_name = draw(st.booleans())
    chain = draw(st.permutations(list(DEFAULT_CHAIN)))
    chain = chain[: draw(st.integers(0, len(chain)))]
    inp = RoutingInput(
        purpose="检举控告",
        category=draw(st.sampled_from(CATEGORIES)),
        text=" ".join(draw(st.lists(st.sampled_from(KEYWORDS), max_size=3))),
        place_code=draw(st.sampled_from(["", "420102001001", "42010200100101", "420102002", "420103"])),
        caused_by=draw(st.sampled_from(["", *codes])),
        accused_unit=f"单位{accused[1:]}" if by_name else accused,
        legal_status=draw(st.sampled_from(LEGAL)),
        on_date=date(2026, 1, 1),
    )
    office = draw(st.sampled_from(codes + ["NOPE"]))
    return Directory(units), RuleSet(1, rules), inp, accused, office, chain


@settings(max_examples=400, deadline=None)
@given(worlds(), st.frozensets(st.sampled_from(CATEGORIES)))
def test_accused_unit_never_receives_the_accusation(world, lit):
    directory, rules, inp, accused, office, chain = world
    d = route(inp, directory, rules, office, chain=chain, litigation_categories=lit)
    assert d.restricted
    if d.unit:
        assert not directory.is_within(d.unit, accused), (d.unit, accused, d.reasons)
    else:
        assert d.needs_manual
    for code, _ in d.alternatives:
        assert not directory.is_within(code, accused)


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_discipline_unit_is_never_inside_the_accused(world):
    directory, _, _, accused, _, _ = world
    u = directory.discipline_unit_for(accused)
    if u is not None:
        assert u.kind == UnitKind.DISCIPLINE
        assert not directory.is_within(u.code, accused)
        assert int(u.level) <= int(directory.get(accused).level)

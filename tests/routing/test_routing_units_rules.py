"""Area codes, the unit directory and the rule-set diff."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from xinfang.domain.rules import Rule, RuleSet, diff_rulesets
from xinfang.domain.units import (Directory, Level, Unit, UnitKind, area_contains, area_prefixes,
                                  normalize_area, parse_level)


@pytest.mark.parametrize("code,norm", [
    ("420102001001", "420102001001"), ("420102001000", "420102001"), ("420102000000", "420102"),
    ("420100000000", "4201"), ("420000000000", "42"), ("420102", "420102"), ("420100", "4201"),
    ("420000", "42"), ("420102001", "420102001"), ("420102000", "420102"),
    ("42010200100101", "42010200100101"), (" 420102 ", "420102"), ("东湖街道", "东湖街道"), ("", ""),
])
def test_normalize_area(code, norm):
    assert normalize_area(code) == norm


def test_area_contains_and_prefixes():
    assert area_contains("420102", "420102001001")
    assert area_contains("420102001000", "42010200100101")
    assert area_contains("420102001", "420102001")
    assert area_contains("420100", "420102000000")
    assert not area_contains("420102001", "420102002001")
    assert not area_contains("420102001001", "420102001")
    assert not area_contains("", "420102")
    assert area_prefixes("42010200100101") == ["42010200100101", "4201020010010", "420102001001",
                                               "420102001", "420102", "4201", "42"]


def test_parse_level():
    assert parse_level("区县") == parse_level("区") == parse_level("4") == parse_level(4) == 4
    assert parse_level("街道") == 5 and parse_level("网格") == 7 and parse_level("村") == 6
    assert parse_level("8") is None and parse_level("大区") is None and parse_level("") is None
    assert Level.CITY.label == "市"


def test_directory_lookups(directory):
    assert directory.find("Q-RS").name == "城东区人力资源和社会保障局"
    assert directory.find(" 城东区人力资源和社会保障局 ").code == "Q-RS"
    assert directory.find("不存在") is None and directory.find("") is None
    assert [u.code for u in directory.ancestors("S1C1G1")] == ["S1C1", "S1", "Q", "C"]
    assert {u.code for u in directory.children("S1")} == {"S1-JGW", "S1C1"}
    assert directory.is_within("S1C1G1", "S1") and directory.is_within("S1", "S1")
    assert not directory.is_within("S1", "S1C1") and not directory.is_within("S2C1", "S1")
    assert {u.code for u in directory.descendants("S1")} == {"S1-JGW", "S1C1", "S1C1G1"}


def test_territorial_unit(directory):
    assert directory.territorial_unit("420102001001").code == "S1"
    assert directory.territorial_unit("42010200100101").code == "S1"
    assert directory.territorial_unit("420102002000").code == "S2"
    assert directory.territorial_unit("东湖街道").code == "S1"
    assert directory.territorial_unit("420102003001") is None
    assert directory.territorial_unit("420102") is None
    assert directory.territorial_unit("420102001001", level=Level.COMMUNITY).code == "S1C1"
    assert directory.territorial_unit("420102", level=Level.COUNTY).code == "Q"


def test_most_specific_territorial_area_wins():
    units = [Unit("Q", "区", "", UnitKind.PARTY_GOV, 4, ("420102",)),
             Unit("BIG", "大街道", "Q", UnitKind.TOWNSHIP, 5, ("420102",)),
             Unit("SMALL", "小街道", "Q", UnitKind.TOWNSHIP, 5, ("420102001",)),
             Unit("POLICE", "派出所", "Q", UnitKind.LEGAL, 5, ("420102001001",))]
    d = Directory(units)
    assert d.territorial_unit("420102001001").code == "SMALL"
    assert d.territorial_unit("420102002001").code == "BIG"


def test_discipline_unit_for(directory):
    f = lambda c: directory.discipline_unit_for(c).code  # noqa: E731
    assert f("S1C1G1") == "S1-JGW"
    assert f("S1C1") == "S1-JGW"
    assert f("S1") == "Q-JW"
    assert f("S1-JGW") == "Q-JW"
    assert f("Q-RS-ZC") == "Q-JW"
    assert f("Q") == "C-JW"
    assert f("Q-JW") == "C-JW"
    assert directory.discipline_unit_for("C") is None
    assert directory.discipline_unit_for("不存在") is None


def test_discipline_fallback_to_nearest_above():
    units = [Unit("P", "省纪委监委", "", UnitKind.DISCIPLINE, 2),
             Unit("M", "市纪委监委", "", UnitKind.DISCIPLINE, 3),
             Unit("X", "孤立的局", "", UnitKind.PARTY_GOV, 4)]
    assert Directory(units).discipline_unit_for("X").code == "M"


def test_cycles_do_not_hang():
    d = Directory([Unit("A", "甲", "B", UnitKind.OTHER, 5), Unit("B", "乙", "A", UnitKind.OTHER, 5)])
    assert [u.code for u in d.ancestors("A")] == ["B"]
    assert d.is_within("A", "B") and d.is_within("B", "A")


def test_resolve_area_names(directory):
    assert directory.resolve_area("樱园社区") == "420102001001"        # from the unit's name
    assert directory.resolve_area("东湖街道樱园社区3栋") == "420102001001"
    assert directory.resolve_area("420102001000") == "420102001"
    assert directory.resolve_area("月球") == ""


def test_rule_conditions_and_dates():
    r = Rule(2, "城乡建设/物业管理", ("电梯",), "420102001", "Q", valid_from=date(2024, 1, 1),
             valid_to=date(2024, 12, 31))
    assert r.conditions == 4
    assert Rule(3, "城乡建设").conditions == 1 and Rule(4).conditions == 0
    assert r.valid_on(date(2024, 1, 1)) and r.valid_on(date(2024, 12, 31))
    assert not r.valid_on(date(2023, 12, 31)) and not r.valid_on(date(2025, 1, 1))
    assert r.valid_on(None)


def test_diff_rulesets():
    a = Rule(2, "劳动和社会保障/拖欠工资", (), "", "RS", 0, "条例")
    b = Rule(3, "城乡建设/物业管理", ("电梯",), "", "SJ")
    c = Rule(4, "城乡建设/违法建设", (), "", "CG")
    old = RuleSet(1, (a, b, c))
    new = RuleSet(2, (replace(a, row=5), replace(b, row=2, unit="ZJ"), Rule(6, "市场监管", (), "", "SJ")))
    added, removed, changed = diff_rulesets(old, new)
    assert [r.row for r in added] == [6]
    assert removed == (c,)
    assert changed == ((b, replace(b, row=2, unit="ZJ")),)
    assert diff_rulesets(old, old) == ((), (), ())

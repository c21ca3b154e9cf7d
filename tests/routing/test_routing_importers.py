"""Importers: bad rows are reported with their row number and reason; good rows come back."""
from __future__ import annotations

from collections import Counter
from datetime import date

from xinfang.domain.rules import RuleSet
from xinfang.domain.units import Directory, Level, UnitKind
from xinfang.resources import resource_path
from xinfang.routing.engine import RoutingInput, route
from xinfang.routing.importers import (category_names, litigation_categories, parse_categories, parse_date,
                                       parse_places, parse_rules, parse_units, split_list)
from xinfang.tabular import read_table

CATS = {"劳动和社会保障", "劳动和社会保障/拖欠工资", "城乡建设", "城乡建设/物业管理"}


def rows(*dicts, start=2):
    return [(start + i, d) for i, d in enumerate(dicts)]


def test_parse_rules_good_and_bad_rows(directory):
    data = rows(
        {"事项类别": "劳动和社会保障/拖欠工资", "关键词": "工地、项目部,包工头", "属地": "", "责任单位": "Q-RS",
         "优先级": "3", "依据": "《保障农民工工资支付条例》", "生效日期": "2024/1/1", "失效日期": ""},
        {"事项类别": "劳动和社会保障/拖欠工资", "责任单位": "某某局"},
        {"事项类别": "教育文体/入学招生", "责任单位": "Q-RS"},
        {"事项类别": "城乡建设／物业管理", "责任单位": "城东区住房和城乡建设局", "生效日期": "2024-02-30"},
        {"事项类别": "", "关键词": "噪音", "责任单位": "Q-CG", "优先级": "高"},
        {"事项类别": "城乡建设", "责任单位": "Q-CG", "属地": "东湖街道", "优先级": "10.0",
         "生效日期": "2024年3月1日", "失效日期": "20251231"},
        {"事项类别": "城乡建设", "责任单位": "Q-CG", "属地": "火星街道"},
        {"事项类别": "城乡建设", "责任单位": "", "生效日期": "2025-01-01", "失效日期": "2024-01-01"},
    )
    rules, problems = parse_rules(data, directory, CATS)
    assert [r.row for r in rules] == [2, 7]
    r2, r7 = rules
    assert r2.keywords == ("工地", "项目部", "包工头") and r2.priority == 3 and r2.valid_from == date(2024, 1, 1)
    assert r7.area == "420102001" and r7.priority == 10 and r7.valid_to == date(2025, 12, 31)
    texts = [str(p) for p in problems]
    assert "第3行：责任单位“某某局”不在单位目录中" in texts
    assert "第4行：事项类别“教育文体/入学招生”不在类别字典中" in texts
    assert any(t.startswith("第5行：生效日期“2024-02-30”不是有效日期") for t in texts)
    assert "第6行：优先级“高”应为整数" in texts
    assert "第8行：属地“火星街道”无法识别为区划代码或已知地名" in texts
    assert any(t.startswith("第9行：责任单位未填写") for t in texts)
    assert any(t.startswith("第9行：失效日期 2024-01-01 早于生效日期") for t in texts)
    assert {p.row for p in problems} == {3, 4, 5, 6, 8, 9}


def test_parse_rules_missing_column_and_no_category_check(directory):
    rules, problems = parse_rules(rows({"事项类别": "任意"}), directory, CATS)
    assert not rules and str(problems[0]) == "第1行：表头缺少“责任单位”列（权责清单需要此列）"
    rules, problems = parse_rules(rows({"事项类别": "任意", "责任单位": "Q-RS"}), directory, None)
    assert len(rules) == 1 and not problems


def test_parse_units_resolves_levels_parents_and_area_names():
    data = rows(
        {"编码": "Q", "名称": "城东区人民政府", "上级编码": "", "类型": "党政部门", "层级": "区县", "属地": "420102"},
        {"编码": "S1", "名称": "东湖街道办事处", "上级编码": "城东区人民政府", "类型": "街道乡镇", "层级": "5",
         "属地": "东湖街道", "联系人": "张三", "电话": "027-86300100"},
        {"编码": "S1C1", "名称": "樱园社区居民委员会", "上级编码": "S1", "类型": "社区", "层级": "",
         "属地": "420102001001000"[:12]},
        {"编码": "S1C2", "名称": "湖滨社区居民委员会", "上级编码": "S1", "类型": "社区", "层级": "社区",
         "属地": "湖滨社区、樱园社区"},
        {"编码": "Q-JW", "名称": "城东区纪委监委", "上级编码": "Q", "类型": "纪检监察", "层级": 4},
    )
    units, problems = parse_units(data, places={"东湖街道": "420102001000", "湖滨社区": "420102001002"})
    assert not problems, [str(p) for p in problems]
    by = {u.code: u for u in units}
    assert by["S1"].parent == "Q" and by["S1"].areas == ("420102001",) and by["S1"].contact == "张三"
    assert by["S1C1"].level == Level.COMMUNITY          # blank level: one below the parent
    assert by["S1C2"].areas == ("420102001002", "420102001001")
    assert by["Q-JW"].kind == UnitKind.DISCIPLINE
    d = Directory(units)
    assert d.territorial_unit("420102001002").code == "S1"


def test_parse_units_bad_rows():
    data = rows(
        {"编码": "Q", "名称": "城东区人民政府", "类型": "党政部门", "层级": "区县"},
        {"编码": "Q", "名称": "重复编码", "类型": "党政部门", "层级": "区县"},
        {"编码": "A", "名称": "城东区人民政府", "类型": "党政部门", "层级": "区县"},
        {"编码": "B", "名称": "某局", "上级编码": "不存在", "类型": "党政部门", "层级": "区县"},
        {"编码": "C", "名称": "某中心", "上级编码": "Q", "类型": "事业单位", "层级": "区县"},
        {"编码": "D", "名称": "某所", "上级编码": "Q", "类型": "其他", "层级": "九"},
        {"编码": "E", "名称": "某股", "上级编码": "C", "类型": "其他", "层级": "区县"},
        {"编码": "F", "名称": "甲", "上级编码": "G", "类型": "其他", "层级": "5"},
        {"编码": "G", "名称": "乙", "上级编码": "F", "类型": "其他", "层级": "5"},
        {"编码": "H", "名称": "上级比本级低", "上级编码": "Q", "类型": "其他", "层级": "市"},
        {"编码": "I", "名称": "某社区", "上级编码": "Q", "类型": "社区", "层级": "社区", "属地": "不知道哪里"},
        {"编码": "", "名称": "", "类型": "其他"},
    )
    units, problems = parse_units(data)
    assert [u.code for u in units] == ["Q"]
    by_row = Counter(p.row for p in problems)
    assert set(by_row) == set(range(3, 14))
    texts = [str(p) for p in problems]
    assert "第3行：编码“Q”与第2行重复" in texts
    assert "第4行：名称“城东区人民政府”与第2行重复，请使用能区分的名称" in texts
    assert "第5行：上级单位“不存在”不在本表中" in texts
    assert any(t.startswith("第6行：类型“事业单位”无法识别") for t in texts)
    assert any(t.startswith("第7行：层级“九”无法识别") for t in texts)
    assert "第8行：上级单位（第6行）有错误，本行不能单独导入" in texts
    assert "第9行：上级关系形成循环，请检查上级编码" in texts
    assert any(t.startswith("第11行：层级“市”高于上级单位的层级") for t in texts)
    assert "第12行：属地“不知道哪里”无法识别为区划代码或已知地名" in texts
    assert "第13行：编码未填写" in texts


def test_categories_and_places():
    cats, problems = parse_categories(rows(
        {"一级": "政法", "二级": "涉法涉诉", "诉访分离": "是"},
        {"一级": "政法", "二级": "治安管理", "诉访分离": "否"},
        {"一级": "政法", "二级": "涉法涉诉", "诉访分离": "是"},
        {"一级": "", "二级": "孤儿"},
    ))
    assert [c.name for c in cats] == ["政法/涉法涉诉", "政法/治安管理"]
    assert [str(p) for p in problems] == ["第4行：类别“政法/涉法涉诉”与第2行重复", "第5行：一级类别未填写"]
    assert category_names(cats) == {"政法", "政法/涉法涉诉", "政法/治安管理"}
    assert litigation_categories(cats) == {"政法/涉法涉诉"}
    places, problems = parse_places(rows({"区划代码": "420102001000", "名称": "东湖街道"},
                                         {"区划代码": "abc", "名称": "错"}))
    assert places == {"东湖街道": "420102001"} and [p.row for p in problems] == [3]


def test_small_helpers():
    assert split_list("a、b,c，d；a") == ("a", "b", "c", "d")
    assert parse_date("2024.3.1") == date(2024, 3, 1) and parse_date("") is None
    assert parse_date("2024-03-01 00:00:00") == date(2024, 3, 1)


# --- the shipped demo district ---------------------------------------------------------------------

def load_demo():
    base = ("rules",)
    cats, p1 = parse_categories(read_table(resource_path(*base, "categories.csv")))
    places, p2 = parse_places(read_table(resource_path(*base, "places.csv")))
    units, p3 = parse_units(read_table(resource_path(*base, "units.csv")), places)
    directory = Directory(units, places)
    rules, p4 = parse_rules(read_table(resource_path(*base, "rules.csv")), directory, category_names(cats))
    return cats, places, directory, rules, [*p1, *p2, *p3, *p4]


def test_demo_files_import_without_problems():
    cats, places, directory, rules, problems = load_demo()
    assert problems == []
    firsts = Counter(c.first for c in cats)
    assert len(firsts) >= 12 and all(3 <= n <= 8 for n in firsts.values()), firsts
    lit = litigation_categories(cats)
    assert {"政法/涉法涉诉", "劳动和社会保障/劳动争议仲裁"} <= lit
    streets = [u for u in directory if u.kind == UnitKind.TOWNSHIP]
    assert len(streets) == 8
    for s in streets:
        kids = directory.children(s.code)
        assert sum(k.kind == UnitKind.DISCIPLINE for k in kids) == 1
        comms = [k for k in kids if k.kind == UnitKind.COMMUNITY]
        assert 3 <= len(comms) <= 5
        assert all(len(directory.children(c.code)) == 2 for c in comms)
        assert len(s.areas[0]) == 9
    assert directory.find("420102").name == "城东区人民政府"
    assert len([u for u in directory if u.parent == "420102"]) >= 20
    assert 50 <= len(rules) <= 100
    assert sum(r.valid_to is not None for r in rules) >= 1
    assert all(directory.resolve_area(name) == code for name, code in places.items())


def test_demo_district_routes_sensibly():
    cats, _, directory, rules, _ = load_demo()
    rs = RuleSet(1, tuple(rules))
    lit = litigation_categories(cats)
    office = directory.find("城东区信访局").code

    def go(**kw):
        kw.setdefault("purpose", "申诉求决")
        return route(RoutingInput(on_date=date(2026, 3, 2), **kw), directory, rs, office,
                     litigation_categories=lit)

    d = go(category="劳动和社会保障/拖欠工资", text="工地拖欠农民工工资", place_code="420102003001")
    assert d.unit_name == "城东区住房和城乡建设局" and d.principle == "competent"
    d = go(category="城乡建设/物业管理", text="加装电梯扯皮", place_code="420102001001")
    assert d.needs_manual and len(d.alternatives) == 2           # the deliberate tie
    d = go(category="劳动和社会保障/社会保险", text="医保断缴", place_code="420102001001")
    assert d.unit_name == "城东区医疗保障局"                      # the expired row is skipped
    d = go(category="城乡建设/违法建设", text="私搭乱建", place_code="420102008002")
    assert d.unit_name == "后湖街道办事处"
    d = go(category="自然资源/规划管理", text="控规调整")
    assert d.channel == "上报上级"
    d = go(category="政法/涉法涉诉", text="不服一审判决")
    assert d.channel == "法定途径" and d.unit_name == "城东区人民法院"
    d = go(purpose="检举控告", category="纪检监察/违纪违法", text="社区书记侵占补贴",
           accused_unit="樱园社区居民委员会")
    assert d.unit_name == "东湖街道纪工委" and d.restricted
    d = go(category="其他/其他", text="楼道灯坏了", place_code="临江街道江滩社区")
    assert d.unit_name == "临江街道办事处" and d.principle == "territorial"

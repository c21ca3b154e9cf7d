"""A small district for routing tests: 江城市 → 城东区 → departments and two streets."""
from __future__ import annotations

from datetime import date

import pytest

from xinfang.domain.rules import Rule, RuleSet
from xinfang.domain.units import Directory, Level, Unit, UnitKind

K = UnitKind
L = Level


def _units() -> list[Unit]:
    u = Unit
    return [
        u("C", "江城市人民政府", "", K.PARTY_GOV, L.CITY, ("4201",)),
        u("C-JW", "江城市纪委监委", "C", K.DISCIPLINE, L.CITY),
        u("C-NR", "江城市自然资源和规划局", "C", K.PARTY_GOV, L.CITY),
        u("Q", "城东区人民政府", "C", K.PARTY_GOV, L.COUNTY, ("420102",)),
        u("Q-XF", "城东区信访局", "Q", K.PARTY_GOV, L.COUNTY),
        u("Q-JW", "城东区纪委监委", "Q", K.DISCIPLINE, L.COUNTY),
        u("Q-RS", "城东区人力资源和社会保障局", "Q", K.PARTY_GOV, L.COUNTY),
        u("Q-RS-ZC", "城东区劳动人事争议仲裁院", "Q-RS", K.ARBITRATION, L.COUNTY),
        u("Q-ZJ", "城东区住房和城乡建设局", "Q", K.PARTY_GOV, L.COUNTY),
        u("Q-SJ", "城东区市场监督管理局", "Q", K.PARTY_GOV, L.COUNTY),
        u("Q-WJ", "城东区卫生健康局", "Q", K.PARTY_GOV, L.COUNTY),
        u("Q-CG", "城东区城市管理执法局", "Q", K.PARTY_GOV, L.COUNTY),
        u("Q-MZ", "城东区民政局", "Q", K.PARTY_GOV, L.COUNTY),
        u("Q-FY", "城东区人民法院", "Q", K.COURT, L.COUNTY),
        u("Q-GA", "城东区公安分局", "Q", K.LEGAL, L.COUNTY),
        u("S1", "东湖街道办事处", "Q", K.TOWNSHIP, L.TOWNSHIP, ("420102001",)),
        u("S1-JGW", "东湖街道纪工委", "S1", K.DISCIPLINE, L.TOWNSHIP),
        u("S1C1", "樱园社区居民委员会", "S1", K.COMMUNITY, L.COMMUNITY, ("420102001001",)),
        u("S1C1G1", "樱园社区第一网格", "S1C1", K.COMMUNITY, L.GRID, ("42010200100101",)),
        u("S2", "临江街道办事处", "Q", K.TOWNSHIP, L.TOWNSHIP, ("420102002",)),
        u("S2-JGW", "临江街道纪工委", "S2", K.DISCIPLINE, L.TOWNSHIP),
        u("S2C1", "江滩社区居民委员会", "S2", K.COMMUNITY, L.COMMUNITY, ("420102002001",)),
    ]


def _rules() -> tuple[Rule, ...]:
    R = Rule
    return (
        R(2, "劳动和社会保障/拖欠工资", (), "", "Q-RS", 0, "《保障农民工工资支付条例》"),
        R(3, "劳动和社会保障/拖欠工资", ("工地", "项目部"), "", "Q-ZJ", 0, "《保障农民工工资支付条例》工程建设领域"),
        R(4, "城乡建设/物业管理", ("电梯",), "", "Q-SJ", 0, "《特种设备安全法》"),
        R(5, "城乡建设/物业管理", ("电梯",), "", "Q-ZJ", 0, "既有住宅加装电梯规定"),
        R(6, "城乡建设/违法建设", (), "", "Q-CG", 0, "《城乡规划法》"),
        R(7, "城乡建设/违法建设", (), "420102002", "S2", 0, "街道综合执法赋权清单"),
        R(8, "城乡建设", ("噪音",), "", "Q-CG", 50, "《噪声污染防治法》"),
        R(9, "市场监管", (), "", "Q-SJ", 0, "市场监管职责"),
        R(10, "市场监管/食品安全", (), "", "Q-SJ", 0, "《食品安全法》"),
        R(11, "", ("食品",), "", "Q-WJ", 100, "公共卫生"),
        R(12, "民政与应急/低保救助", (), "", "Q-MZ", 0, "《社会救助暂行办法》", None, date(2020, 12, 31)),
        R(13, "民政与应急/低保救助", (), "", "Q-MZ", 0, "《社会救助暂行办法》", date(2027, 1, 1), None),
        R(14, "自然资源/规划管理", (), "", "C-NR", 0, "《城乡规划法》"),
        R(15, "政法/涉法涉诉", ("判决",), "", "Q-FY", 0, "《民事诉讼法》"),
        R(16, "劳动和社会保障/社会保险", (), "", "Q-RS", 5, "《社会保险法》"),
        R(17, "劳动和社会保障/社会保险", (), "", "Q-MZ", 1, "城乡居民养老"),
        R(18, "城乡建设/物业管理", (), "", "Q-ZJ", 0, "《物业管理条例》"),
        R(20, "城乡建设/违法建设", ("违建",), "", "Q-CG", 0, "《城乡规划法》"),
        R(21, "城乡建设/违法建设", ("搭建",), "", "Q-CG", 0, "《城乡规划法》"),
        R(22, "纪检监察", (), "", "Q-JW", 0, "《监察法》"),
        R(23, "城乡建设/老旧小区改造", (), "", "S1", 0, "属地实施方案"),
    )


@pytest.fixture(scope="session")
def directory() -> Directory:
    return Directory(_units(), places={"东湖街道": "420102001", "临江街道": "420102002"})


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return RuleSet(7, _rules(), "测试用权责清单")


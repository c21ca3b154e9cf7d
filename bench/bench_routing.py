"""Routing benchmark: 500 units, 5,000 权责清单 rules, 2,000 random cases.

Run:  .venv/bin/python bench/bench_routing.py
Target (issue 谁主管谁负责): one decision ≤ 2 ms at p95.
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinfang.domain.rules import Rule, RuleSet  # noqa: E402
from xinfang.domain.units import Directory, Level, Unit, UnitKind  # noqa: E402
from xinfang.routing.engine import RoutingInput, route  # noqa: E402

FIELDS = ["自然资源", "政法", "劳动和社会保障", "城乡建设", "农业农村", "民政与应急", "卫生健康", "市场监管",
          "教育文体", "生态环境", "交通运输", "组织人事", "党务政务", "纪检监察", "其他"]
WORDS = ("拖欠 工资 工地 物业 电梯 噪音 油烟 违建 拆迁 补偿 低保 养老 医保 社保 学校 收费 食品 过期 停车 "
         "路灯 漏水 排水 垃圾 广场舞 装修 中介 租房 出租车 网约车 公交 占道 摊贩 烧烤 扬尘 污水 判决 执行 "
         "仲裁 辞退 工伤 退休 档案 招生 学位 补贴 宅基地 承包 征收 安置 房产证 产权 维修基金 业委会").split()


def build(seed: int = 1):
    rnd = random.Random(seed)
    units = [Unit("C", "江城市人民政府", "", UnitKind.PARTY_GOV, Level.CITY, ("4201",)),
             Unit("C-JW", "江城市纪委监委", "C", UnitKind.DISCIPLINE, Level.CITY),
             Unit("Q", "城东区人民政府", "C", UnitKind.PARTY_GOV, Level.COUNTY, ("420102",)),
             Unit("Q-XF", "城东区信访局", "Q", UnitKind.PARTY_GOV, Level.COUNTY),
             Unit("Q-JW", "城东区纪委监委", "Q", UnitKind.DISCIPLINE, Level.COUNTY),
             Unit("Q-FY", "城东区人民法院", "Q", UnitKind.COURT, Level.COUNTY),
             Unit("Q-ZC", "城东区劳动人事争议仲裁院", "Q", UnitKind.ARBITRATION, Level.COUNTY)]
    for i in range(40):
        units.append(Unit(f"Q-D{i:02d}", f"城东区第{i}部门", "Q", UnitKind.PARTY_GOV, Level.COUNTY))
    places = []
    s = 0
    while len(units) < 500:
        s += 1
        area = f"420102{s:03d}"
        units.append(Unit(area, f"第{s}街道办事处", "Q", UnitKind.TOWNSHIP, Level.TOWNSHIP, (area,)))
        units.append(Unit(area + "-JGW", f"第{s}街道纪工委", area, UnitKind.DISCIPLINE, Level.TOWNSHIP))
        for c in range(1, 6):
            ca = f"{area}{c:03d}"
            places.append(ca)
            units.append(Unit(ca, f"第{s}街道第{c}社区", area, UnitKind.COMMUNITY, Level.COMMUNITY, (ca,)))
            for g in (1, 2):
                ga = f"{ca}{g:02d}"
                places.append(ga)
                units.append(Unit(ga, f"第{s}街道第{c}社区第{g}网格", ca, UnitKind.COMMUNITY, Level.GRID, (ga,)))
    units = units[:500]
    codes = [u.code for u in units]
    dept_codes = [c for c in codes if c.startswith("Q-")]
    cats = [f"{f}/子类{j}" for f in FIELDS for j in range(8)]
    street_areas = [u.areas[0] for u in units if u.kind == UnitKind.TOWNSHIP]
    rules = []
    for row in range(2, 5002):
        kind = rnd.random()
        category = rnd.choice(cats) if kind < 0.8 else (rnd.choice(FIELDS) if kind < 0.93 else "")
        keywords = tuple(rnd.sample(WORDS, rnd.randint(1, 3))) if rnd.random() < 0.6 else ()
        area = rnd.choice(street_areas) if rnd.random() < 0.3 else ""
        valid_to = date(2020, 1, 1) if rnd.random() < 0.05 else None
        unit = rnd.choice(dept_codes) if rnd.random() < 0.8 else rnd.choice(codes)
        rules.append(Rule(row, category, keywords, area, unit, rnd.randint(0, 3), "依据", None, valid_to))
    directory = Directory(units)
    ruleset = RuleSet(1, tuple(rules))
    inputs = []
    for _ in range(2000):
        purpose = rnd.choices(["申诉求决", "建议意见", "检举控告"], [0.8, 0.1, 0.1])[0]
        text = "".join(rnd.choice(WORDS) + rnd.choice("，。的了在是有") for _ in range(rnd.randint(10, 80)))
        inputs.append(RoutingInput(
            purpose=purpose, category=rnd.choice(cats), text=text,
            place_code=rnd.choice(places), caused_by=rnd.choice(codes) if rnd.random() < 0.05 else "",
            accused_unit=rnd.choice(codes) if purpose == "检举控告" else "",
            legal_status="已起诉" if rnd.random() < 0.03 else "", on_date=date(2026, 3, 2)))
    lit = frozenset(f"政法/子类{j}" for j in range(2))
    return directory, ruleset, inputs, lit


def main() -> None:
    t0 = time.perf_counter()
    directory, ruleset, inputs, lit = build()
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    route(inputs[0], directory, ruleset, "Q-XF", litigation_categories=lit)   # builds the rule index
    t_index = time.perf_counter() - t0
    times = []
    outcomes: dict[str, int] = {}
    for inp in inputs:
        t = time.perf_counter()
        d = route(inp, directory, ruleset, "Q-XF", litigation_categories=lit)
        times.append((time.perf_counter() - t) * 1000)
        key = d.principle or "needs_manual"
        outcomes[key] = outcomes.get(key, 0) + 1
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"units={len(directory)} rules={len(ruleset)} decisions={len(times)}")
    print(f"build data {t_build * 1000:.0f} ms; first route incl. rule index {t_index * 1000:.1f} ms")
    print(f"per decision: p50 {p50:.3f} ms, p95 {p95:.3f} ms, max {times[-1]:.3f} ms, "
          f"mean {statistics.fmean(times):.3f} ms")
    print("decided by:", ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print("OK: p95 <= 2 ms" if p95 <= 2.0 else "SLOW: p95 > 2 ms")


if __name__ == "__main__":
    main()

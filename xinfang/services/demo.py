"""Demo data: realistic, deterministic petitions for a fresh database (GUI first run) and for benchmarks.

    stats = generate_demo(ws, 2000)            # the GUI's first run
    stats = generate_demo(ws, 1_000_000)       # bench/bench_foundation.py

Everything comes from `random.Random` seeded per case from (seed, case index): the same seed, count and
`ws.now()` give the same database, whatever the number of worker processes. "Today" is `ws.now()`, never the
wall clock.

* Received dates spread over the last three years, denser towards today (the density rises linearly, today's
  is three times that of three years ago). Case ids follow the received time; numbers are `年-前缀-序号` per year.
* Channels, purposes, categories (from `ws.categories()`), handling units (from the unit directory), places
  (streets/communities of the district) and petitioners (names, valid ID numbers and USCCs, phones, addresses,
  representatives of collective visits, agents, anonymous letters) with template texts per matter.
* About 8% are repeats: the same person and the same matter (same category, re-worded) as an earlier case,
  linked in `repeats`, with `repeat_of` and, when the earlier case was already closed after 复核, the 不再受理
  candidate flag — exactly what `Workspace.register` would record.
* Each case runs through the part of the lifecycle its age allows (`lifecycle.TABLE`), with the clocks of the
  deadline profile on the office calendar, a hash-chained event per step with the payload `Workspace.act`
  writes, and `next_due`/`next_step` of the running duty clocks. The transition rules are mirrored here for
  speed (a million cases); tests/services/test_demo.py replays the events through `lifecycle.plan` and
  `clocks.apply_ops` and compares.

Large loads use a bulk mode (storage.bulk): secondary indexes rebuilt after the rows, `synchronous=OFF` only
during the load. With worker processes (fork), each worker generates a batch of cases AND writes it into a
transport SQLite file of its own (`bulk.transport_*`); the main process copies the files in batch order with
`INSERT … SELECT` (`bulk.copy_transport`), so ids and row order are those of a single-process load. The search
index is built afterwards from the stored rows (`index_demo`), timed separately.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from json.encoder import c_make_encoder, encode_basestring
from typing import Callable

from ..calendar.deadlines import due_date
from ..domain import similarity
from ..domain.enums import ClosureReason, Step
from ..domain.validation import USCC_ALPHABET, make_id_number, make_uscc
from ..storage import bulk
from ..storage.store import GENESIS

Progress = Callable[[int, int], "bool | None"]

# ---------------------------------------------------------------------------------------------------------
# Reference data used when the database has none
# ---------------------------------------------------------------------------------------------------------
FALLBACK_CATEGORIES: tuple[tuple[str, str, bool], ...] = (
    ("劳动和社会保障", "拖欠工资", False), ("劳动和社会保障", "社会保险", False), ("劳动和社会保障", "工伤认定", False),
    ("劳动和社会保障", "劳动争议仲裁", True), ("劳动和社会保障", "退休待遇", False),
    ("城乡建设", "征地拆迁", False), ("城乡建设", "物业管理", False), ("城乡建设", "房屋质量", False),
    ("城乡建设", "违法建设", False), ("城乡建设", "住房保障", False), ("城乡建设", "市政设施", False),
    ("城乡建设", "城市管理", False), ("自然资源", "征地补偿", False), ("自然资源", "不动产登记", False),
    ("政法", "涉法涉诉", True), ("政法", "治安管理", False), ("政法", "公安执法", False),
    ("农业农村", "土地承包", False), ("农业农村", "宅基地", False), ("民政与应急", "低保救助", False),
    ("民政与应急", "养老服务", False), ("民政与应急", "退役军人", False), ("卫生健康", "医疗纠纷", False),
    ("卫生健康", "医保报销", False), ("市场监管", "食品安全", False), ("市场监管", "消费维权", False),
    ("市场监管", "价格违法", False), ("教育文体", "入学招生", False), ("教育文体", "校外培训", False),
    ("教育文体", "教育收费", False), ("生态环境", "噪声污染", False), ("生态环境", "油烟污染", False),
    ("生态环境", "固体废物", False), ("生态环境", "大气污染", False), ("交通运输", "出租网约车", False),
    ("交通运输", "道路养护", False), ("党务政务", "政务服务", False), ("纪检监察", "违纪违法", False),
    ("纪检监察", "侵害群众利益", False), ("其他", "咨询", False),
)

# (code, name, parent, kind, level, areas, contact, phone) — the demo district 江城市城东区
FALLBACK_UNITS: tuple[tuple, ...] = tuple(
    (code, name, "420102", kind, 2, "", contact, f"027-862{i:05d}")
    for i, (code, name, kind, contact) in enumerate((
        ("420102-XFJ", "城东区信访局", "党政部门", "张明华"), ("420102-JW", "城东区纪委监委", "纪检监察", "李文静"),
        ("420102-ZFW", "城东区委政法委员会", "政法机关", "赵立新"),
        ("420102-RSJ", "城东区人力资源和社会保障局", "党政部门", "陈晓燕"),
        ("420102-ZJJ", "城东区住房和城乡建设局", "党政部门", "刘志强"),
        ("420102-ZRZY", "城东区自然资源局", "党政部门", "孙丽萍"),
        ("420102-SCJG", "城东区市场监督管理局", "党政部门", "周海涛"),
        ("420102-WJJ", "城东区卫生健康局", "党政部门", "吴雪梅"), ("420102-YBJ", "城东区医疗保障局", "党政部门", "郑国庆"),
        ("420102-JYJ", "城东区教育局", "党政部门", "冯春兰"), ("420102-SHJ", "城东区生态环境分局", "党政部门", "许光明"),
        ("420102-CGJ", "城东区城市管理执法局", "党政部门", "韩德胜"), ("420102-MZJ", "城东区民政局", "党政部门", "曹玉芬"),
        ("420102-NYJ", "城东区农业农村局", "党政部门", "蒋红梅"), ("420102-JTJ", "城东区交通运输局", "党政部门", "沈建平"),
        ("420102-TYJ", "城东区退役军人事务局", "党政部门", "韦国栋"),
        ("420102-ZWJ", "城东区政务服务和大数据管理局", "党政部门", "杨静怡"),
        ("420102-GAJ", "城东区公安分局", "政法机关", "秦国强"), ("420102-SFJ", "城东区司法局", "党政部门", "朱永红"),
        ("420102-FY", "城东区人民法院", "法院", "尤海燕"),
        ("420102001", "东湖街道办事处", "街道乡镇", "王建华"), ("420102002", "临江街道办事处", "街道乡镇", "胡爱华"),
        ("420102003", "花桥街道办事处", "街道乡镇", "邓卫东"), ("420102004", "新华街道办事处", "街道乡镇", "蔡淑珍"),
    )))

_FALLBACK_STREETS = {
    "东湖街道": ("樱园社区", "湖滨社区", "东亭社区", "水果湖社区"),
    "临江街道": ("江滩社区", "码头社区", "长堤社区", "沿江社区"),
    "花桥街道": ("花桥社区", "新村社区", "育才社区"),
    "新华街道": ("新华社区", "友谊社区", "红旗社区", "建设社区", "光明社区"),
    "解放路街道": ("解放社区", "胜利社区", "和平社区"),
    "白沙街道": ("白沙社区", "沙湖社区", "南岸社区", "桃园社区"),
}
FALLBACK_PLACES: tuple[tuple[str, str], ...] = (("420100", "江城市"), ("420102", "城东区")) + tuple(
    item for si, (street, comms) in enumerate(_FALLBACK_STREETS.items(), 1)
    for item in ((f"420102{si:03d}", street),
                 *((f"420102{si:03d}{ci:03d}", c) for ci, c in enumerate(comms, 1))))

CLERKS = (("zhangmh", "张明华"), ("liwj", "李文静"), ("wangjg", "王建国"), ("chenxy", "陈晓燕"), ("zhaolx", "赵立新"),
          ("sunlp", "孙丽萍"))

# ---------------------------------------------------------------------------------------------------------
# Word pools
# ---------------------------------------------------------------------------------------------------------
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
             "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
# rough frequency weights: the first surnames are far more common
_SURNAME_WEIGHTS = tuple(accumulate_w for accumulate_w in
                         __import__("itertools").accumulate(max(1.0, 60.0 / (i + 3) ** 0.9) for i in range(len(_SURNAMES))))
_MALE = ("伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宁 浩 凯 健 俊 帆 帅 旭 宇 林 建国 建华 志强 志刚 国平 "
         "海涛 永强 卫东 晓东 德明 俊杰 文斌 国庆 立新 振宇 光明 德胜 立军 建平 国栋 永红 国强 文博 子轩 浩然 宇航 "
         "明辉 春生 长江 福贵 金龙 保国 红军 卫国 小龙 家豪 天佑 一鸣 思远 嘉诚").split()
_FEMALE = ("芳 娜 敏 静 丽 艳 娟 霞 燕 玲 婷 雪 琳 颖 慧 倩 洁 萍 红 梅 秀英 桂英 玉兰 秀兰 春梅 丽娟 海燕 凤英 "
           "红霞 淑珍 晓燕 丽萍 雪梅 春兰 玉芬 红梅 静怡 小红 爱华 桂兰 文静 美玲 欣怡 雨涵 梓涵 诗琪 佳怡 "
           "晓梅 翠花 金凤 素芬 月娥 巧云").split()
# 6-digit area codes (GB/T 2260) of plausible birthplaces; the home district first
_AREAS = ("420102",) * 6 + ("420103", "420104", "420105", "420106", "420107", "420111", "420112", "420113",
                             "420114", "420115", "420116", "420117", "420281", "420381", "420602", "420902",
                             "421002", "421102", "422801", "411302", "430102", "360102", "500101", "510104")
_MOBILE = ("130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 170 173 175 176 177 "
           "178 180 181 182 183 185 186 187 188 189 191 193 195 198 199").split()
_ROADS = ("解放路 中山大道 建设大道 和平大道 友谊路 东湖路 青年路 临江大道 新华路 花桥路 丹水路 后湖大道 车站路 "
          "沿江大道 胜利街 民主路 三阳路 黄浦大街 工农路 团结大道 幸福路 光明路 育才路 石桥路").split()
_ESTATE_WORDS = ("东湖 翠园 金色 阳光 锦绣 丽景 滨江 御景 碧桂 万科 保利 幸福 和谐 紫荆 百步亭 世纪 江南 "
                 "龙湖 盛世 华府 水岸 香榭 怡和 湖畔 状元 福星 新城 绿洲 都市 清江").split()
_ESTATE_SUFFIX = ("花园", "小区", "家园", "苑", "新村", "雅居", "华庭", "公馆")
_FIRM_WORDS = ("鑫达 宏远 华盛 恒通 金鹏 瑞丰 楚天 汉华 荣昌 永兴 中铭 顺发 博远 长丰 江城 东方 天成 兴业 "
               "佳禾 昌隆 盛泰 鼎立 润华 新纪元 海川 聚源 诚信 联创 九州 众邦").split()
_FIRM_TRADES = ("建筑工程", "劳务", "物流", "餐饮管理", "物业服务", "房地产开发", "教育科技", "装饰工程", "商贸",
                "保安服务", "家政服务", "汽车销售", "健身管理", "电子科技")
_SCHOOL_WORDS = ("启航", "学而思远", "博雅", "新东方之星", "金太阳", "智慧树", "未来星", "小天才", "卓越", "书香")
_HOSPITALS = ("江城市第一人民医院", "江城市第三人民医院", "江城市中医院", "城东区人民医院", "城东区妇幼保健院",
              "江城市中心医院", "东湖街道社区卫生服务中心", "江城协和医院")
_SHOPS = ("烧烤店", "KTV", "酒吧", "农贸市场", "建筑工地", "广场舞队", "汽修店", "火锅店", "棋牌室", "商场空调外机")
_LEADERS = ("区委书记 陈国华", "区长 李建新", "区委副书记 王志明", "副区长 刘红梅", "副区长 张卫东",
            "区信访局局长 张明华", "区人大常委会副主任 赵志刚")
_APPROVERS = ("分管副局长 周文", "局长 郑国庆", "分管副主任 何振宇", "主任 冯春兰")
_REVIEW_BODIES = ("城东区人民政府", "江城市住房保障和房屋管理局", "江城市人力资源和社会保障局", "江城市卫生健康委员会")
_RECHECK_BODIES = ("江城市人民政府", "江城市信访局")
_INFORM_WHERE = ("城东区人民法院", "城东区劳动人事争议仲裁院", "江城市中级人民法院", "城东区人民检察院",
                 "城东区市场监督管理局12315投诉平台", "城东区行政复议机关")
_DECLINE_REASONS = ("不属于本机关职权范围", "已通过诉讼途径解决，不予受理", "信访事项已经处理完毕，同一事实和理由不再受理",
                    "反映事项正在仲裁程序中")
_OBJECT_REASONS = ("该事项属于属地街道管理，不属于本单位职责", "涉及行业监管职责划分，建议改派", "事项发生地不在本辖区")
_ARCHIVE_REASONS = ("内容不清且无法联系信访人", "重复来信，已并入前件办理", "仅表达意见，无具体诉求", "同一事实和理由已经复核终结，不再受理")
_EXTEND_REASONS = ("情况复杂，需要多部门联合调查", "需委托第三方鉴定", "涉及历史遗留问题，需调取档案",
                   "当事人较多，需逐一核实")


# ---------------------------------------------------------------------------------------------------------
# Matter templates: facts → summary variants (the repeat picks another variant), content, demands
# ---------------------------------------------------------------------------------------------------------
def _firm(r: random.Random, trade: str | None = None) -> str:
    w = _FIRM_WORDS[int(r.random() * len(_FIRM_WORDS))]
    t = trade or _FIRM_TRADES[int(r.random() * len(_FIRM_TRADES))]
    return f"江城市{w}{t}有限公司"


def _estate(r: random.Random) -> str:
    return _ESTATE_WORDS[int(r.random() * len(_ESTATE_WORDS))] + _ESTATE_SUFFIX[int(r.random() * len(_ESTATE_SUFFIX))]


def _money(r: random.Random, lo: int, hi: int) -> str:
    v = int(math.exp(r.uniform(math.log(lo), math.log(hi))))
    if v >= 100000:
        return f"{v / 10000:.1f}万元".replace(".0万", "万")
    return f"{v // 100 * 100}元"


def _facts(topic: str, r: random.Random, place: str, road: str, when: date) -> dict:
    ago = when - timedelta(days=int(r.random() * 400) + 20)
    f = {"place": place, "road": road, "n": 2 + int(r.random() * 30), "bld": 1 + int(r.random() * 28),
         "months": 2 + int(r.random() * 14), "ym": f"{ago.year}年{ago.month}月", "estate": _estate(r)}
    if topic == "wage":
        f.update(firm=_firm(r, ("建筑工程", "劳务", "装饰工程", "餐饮管理", "物流", "保安服务")[int(r.random() * 6)]),
                 amount=_money(r, 3000, 900000), project=f"{road}{('综合体', '安置房', '商业广场', '学校改扩建')[int(r.random() * 4)]}项目")
    elif topic in ("demolition", "landcomp"):
        f.update(project=f"{road}{('棚户区改造', '道路拓宽', '旧城改造', '地铁站建设')[int(r.random() * 4)]}项目",
                 area=40 + int(r.random() * 160), amount=_money(r, 80000, 3000000))
    elif topic in ("property", "housing_quality", "illegal_build", "garbage", "municipal"):
        f.update(firm=_firm(r, "物业服务" if topic != "housing_quality" else "房地产开发"), amount=_money(r, 2000, 300000))
    elif topic == "noise" or topic == "fumes":
        f.update(shop=_SHOPS[int(r.random() * len(_SHOPS))], hour=22 + int(r.random() * 3))
    elif topic == "medical":
        f.update(hospital=_HOSPITALS[int(r.random() * len(_HOSPITALS))], amount=_money(r, 5000, 600000),
                 op=("阑尾切除", "膝关节置换", "剖宫产", "白内障", "胆囊切除", "心脏支架")[int(r.random() * 6)])
    elif topic in ("social_insurance", "pension", "injury"):
        f.update(firm=_firm(r), amount=_money(r, 1000, 200000), years=2 + int(r.random() * 20))
    elif topic in ("training", "consumer"):
        f.update(school=_SCHOOL_WORDS[int(r.random() * len(_SCHOOL_WORDS))] + ("教育培训中心", "艺术培训学校", "健身会所")[int(r.random() * 3)],
                 amount=_money(r, 2000, 60000), n=5 + int(r.random() * 200))
    elif topic in ("accusation",):
        f.update(firm=_firm(r), amount=_money(r, 5000, 500000),
                 matter=("低保评定", "拆迁补偿发放", "工程招投标", "惠农补贴发放", "违建查处", "公租房分配")[int(r.random() * 6)])
    else:
        f.update(firm=_firm(r), amount=_money(r, 1000, 100000))
    return f


# topic → (summaries, content, demands). Summaries of one topic share the facts, so a repeat re-worded with
# another variant still reads as the same matter.
_T = {
    "wage": (("反映{firm}拖欠{n}名工人{months}个月工资共计{amount}", "{firm}在{project}中拖欠农民工工资{amount}",
              "{n}名农民工在{project}务工，工资{amount}被{firm}拖欠"),
             "信访人称其与{n}名工友自{ym}起在{project}务工，由{firm}承包施工。工程完工后，{firm}以甲方未付工程款为由拖欠工资{amount}，"
             "多次讨要无果，包工头已联系不上。",
             ("要求{firm}尽快结清拖欠工资{amount}", "请求督促{firm}支付拖欠的{amount}工资")),
    "demolition": (("反映{project}房屋征收补偿标准过低", "对{project}征收补偿{amount}的安置方案有异议",
                    "{project}中其{area}平方米房屋补偿不合理"),
                   "信访人位于{road}的{area}平方米房屋被纳入{project}征收范围，征收部门给出的补偿为{amount}。信访人认为评估价格明显低于周边"
                   "同类房屋市场价，且未考虑其经营损失，签约期限临近，多次协商未果。",
                   ("要求重新评估并提高补偿标准", "请求公开{project}评估报告并依法补偿")),
    "landcomp": (("反映{project}征地补偿款{amount}未足额发放", "{project}征收土地补偿款被截留"),
                 "信访人所在村民小组的土地于{ym}被{project}征收，补偿款{amount}至今未发放到户，村委会称资金被挪作他用。",
                 ("要求足额发放征地补偿款", "请求查明补偿款去向")),
    "property": (("反映{estate}物业公司{firm}服务不到位，电梯长期故障", "{estate}{bld}栋电梯故障，物业{firm}拖延维修",
                  "{estate}物业{firm}擅自上调物业费并挪用维修资金{amount}"),
                 "信访人系{estate}业主，称{bld}栋电梯自{ym}起频繁困人，物业公司{firm}以维修资金审批为由拖延，同时擅自上调物业费，"
                 "业主多次向社区反映未果。",
                 ("要求物业公司尽快维修电梯并公开维修资金使用情况", "请求主管部门督促{firm}整改")),
    "noise": (("反映{place}{shop}夜间噪音扰民", "{road}附近{shop}每晚{hour}点后仍噪音扰民", "{shop}噪声严重影响周边居民休息"),
              "信访人居住在{place}，楼下{shop}每天营业至深夜{hour}点以后，音响和人声噪音很大，老人孩子无法休息，拨打12345后仅短暂好转。",
              ("要求依法查处噪音扰民行为", "请求相关部门督促{shop}整改")),
    "fumes": (("反映{road}{shop}油烟直排扰民", "{place}{shop}油烟污染严重"),
              "信访人称{road}{shop}未安装油烟净化设施，油烟直接排向居民楼，夏季无法开窗，多次协商无果。",
              ("要求督促安装油烟净化设施", "请求依法查处油烟直排")),
    "medical": (("反映在{hospital}行{op}手术后出现并发症，认为存在医疗过错", "对{hospital}{op}手术医疗纠纷处理不满",
                 "{hospital}手术失误致其致残，要求赔偿{amount}"),
                "信访人于{ym}在{hospital}接受{op}手术，术后出现严重并发症，再次手术花费{amount}。信访人认为医院术前告知不充分、"
                "术中操作不当，医患双方协商未果。",
                ("要求医院赔偿医疗费用{amount}", "请求组织医疗事故技术鉴定")),
    "social_insurance": (("反映原单位{firm}未足额缴纳社会保险", "{firm}欠缴其{years}年社保费，影响退休",
                          "{firm}少缴社会保险费{amount}"),
                         "信访人称其在{firm}工作{years}年，单位一直按最低基数缴纳养老保险，部分年份未缴，导致其达到退休年龄后待遇偏低。",
                         ("要求{firm}补缴社会保险费", "请求社保部门核查并追缴")),
    "pension": (("反映退休待遇核算有误，少算工龄{years}年", "对养老金计发标准有异议"),
                "信访人于{ym}办理退休，称社保经办机构核定的视同缴费年限少算{years}年，每月养老金少发，申请复核未获答复。",
                ("要求重新核定工龄和退休待遇", "请求补发少发的养老金")),
    "injury": (("反映在{firm}工作期间受伤，工伤认定迟迟未办", "{firm}不配合工伤认定，拒付医疗费{amount}"),
               "信访人于{ym}在{firm}作业时受伤，医疗费用{amount}，单位拒绝提供劳动关系证明，工伤认定申请被搁置。",
               ("要求依法认定工伤并支付待遇", "请求督促{firm}承担医疗费用")),
    "illegal_build": (("反映{estate}{bld}栋顶楼业主违章搭建", "{estate}有业主私自扩建阳光房占用公共空间", "{place}{road}旁违法建设无人查处"),
                      "信访人称{estate}{bld}栋顶楼业主自{ym}起在楼顶违章搭建阳光房，占用公共区域并造成楼下渗水，城管部门已立案但一直未拆除。",
                      ("要求依法拆除违章建筑", "请求城管部门限期查处")),
    "training": (("反映{school}停课后拒不退费{amount}", "{school}跑路，{n}名学员预付学费{amount}无法退还",
                  "{school}校外培训退费纠纷"),
                 "信访人于{ym}为孩子在{school}报名，一次性缴纳课时费{amount}。近期该机构突然停课关门，负责人失联，涉及学员约{n}人。",
                 ("要求督促{school}退还剩余学费{amount}", "请求教育部门依法查处并追回预付费")),
    "consumer": (("反映{school}预付卡无法退费{amount}", "{school}关门停业，会员卡余额{amount}无法退还"),
                 "信访人在{school}办理会员卡，预付{amount}，经营者突然停业，约{n}名会员权益受损。",
                 ("要求退还预付款{amount}", "请求市场监管部门介入")),
    "garbage": (("反映{estate}垃圾清运不及时，垃圾站异味扰民", "{place}垃圾堆积多日无人清运", "{road}垃圾中转站臭气熏天"),
                "信访人称{estate}旁垃圾中转站清运不及时，垃圾堆积，夏季臭气熏天、蚊蝇滋生，物业与环卫部门相互推诿。",
                ("要求及时清运垃圾并整治垃圾站", "请求将垃圾中转站搬迁")),
    "housing_quality": (("反映{estate}新房漏水开裂，开发商{firm}拒不维修", "{firm}开发的{estate}房屋质量问题"),
                        "信访人于{ym}收房，{estate}{bld}栋房屋出现墙体开裂、卫生间漏水，开发商{firm}以过保修期为由拒绝维修。",
                        ("要求开发商履行保修责任", "请求住建部门督促整改")),
    "municipal": (("反映{road}路面破损、路灯不亮", "{road}人行道塌陷存在安全隐患"),
                  "信访人称{road}一段路面坑洼破损、路灯长期不亮，夜间多次发生电动车摔倒事故。",
                  ("要求尽快修复路面和路灯", "请求相关部门排除安全隐患")),
    "accusation": (("举报{place}工作人员在{matter}中优亲厚友", "检举有关人员在{matter}中收受{firm}好处费{amount}",
                    "举报{matter}中存在违规操作"),
                   "举报人反映，{place}有关工作人员在{matter}工作中，违规为亲属办理，并收受{firm}好处费约{amount}，群众意见很大。",
                   ("要求调查核实并严肃处理", "请求纪检监察机关依纪依法查处")),
    "generic": (("反映{place}{topic}方面的问题", "关于{topic}问题的诉求", "{place}{topic}问题长期得不到解决"),
                "信访人反映{place}存在{topic}问题，自{ym}以来多次向有关单位反映，至今没有明确答复。",
                ("要求依法依规处理", "请求有关部门尽快答复")),
}

_TOPIC_BY_L2 = {
    "拖欠工资": "wage", "征地拆迁": "demolition", "征地补偿": "landcomp", "物业管理": "property", "噪声污染": "noise",
    "噪音扰民": "noise", "油烟污染": "fumes", "医疗纠纷": "medical", "社会保险": "social_insurance",
    "退休待遇": "pension", "工伤认定": "injury", "违法建设": "illegal_build", "校外培训": "training",
    "消费维权": "consumer", "固体废物": "garbage", "垃圾清运": "garbage", "房屋质量": "housing_quality",
    "市政设施": "municipal", "道路养护": "municipal", "违纪违法": "accusation", "侵害群众利益": "accusation",
    "违反八项规定": "accusation", "失职渎职": "accusation",
}
# extra weight of common matters among the categories
_TOPIC_WEIGHT = {"wage": 9, "demolition": 6, "property": 8, "noise": 5, "medical": 3, "social_insurance": 4,
                 "illegal_build": 4, "training": 3, "garbage": 3, "landcomp": 3, "housing_quality": 3,
                 "consumer": 2, "fumes": 2, "pension": 2, "injury": 2, "municipal": 2, "accusation": 2}

# level-1 category → keywords of unit names that handle it
_UNIT_KEYWORDS = {
    "劳动和社会保障": ("人力资源和社会保障", "劳动保障监察", "劳动人事争议"), "城乡建设": ("住房和城乡建设", "城市管理", "房屋征收"),
    "自然资源": ("自然资源",), "政法": ("公安", "司法局", "政法委", "法院"), "农业农村": ("农业农村",),
    "民政与应急": ("民政", "应急管理", "退役军人", "残疾人"), "卫生健康": ("卫生健康", "医疗保障"),
    "市场监管": ("市场监督",), "教育文体": ("教育局", "文化和旅游"), "生态环境": ("生态环境",),
    "交通运输": ("交通运输",), "组织人事": ("组织部", "人力资源和社会保障"), "党务政务": ("政务服务",),
    "纪检监察": ("纪委监委",), "其他": ("街道办事处",),
}

_CHANNELS = (("来访", 35), ("来信", 16), ("网上", 23), ("来电", 7), ("12345", 13), ("部门转入", 6))
_PURPOSES = (("申诉求决", 80), ("建议意见", 13), ("检举控告", 7))
_OUTCOMES = (("支持", 25), ("部分支持", 15), ("解释说明", 45), ("不予支持", 15))
_RATINGS = (("满意", 60), ("基本满意", 25), ("不满意", 10), ("未评价", 5))


def _cum(pairs):
    out, s = [], 0
    for v, w in pairs:
        s += w
        out.append(s)
    return tuple(v for v, _ in pairs), tuple(out), s


def _pick(r: random.Random, table) -> str:
    values, cum, total = table
    return values[bisect_right(cum, r.random() * total)]


_CHANNEL_T, _PURPOSE_T, _OUTCOME_T, _RATING_T = (_cum(t) for t in (_CHANNELS, _PURPOSES, _OUTCOMES, _RATINGS))
_ENC_SLOW = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode   # = json.dumps(…, ensure_ascii=False, sort_keys=True)
if c_make_encoder is not None:
    # the C encoder json.dumps builds per call, built once (no circular check: payloads are plain trees)
    _C_ENC = c_make_encoder(None, None, encode_basestring, None, ": ", ", ", True, False, True)

    def _ENC(obj) -> str:
        return "".join(_C_ENC(obj, 0))
else:                                                       # pragma: no cover
    _ENC = _ENC_SLOW
_STEP_ORDER = {s.value: i for i, s in enumerate(Step)}
_WINDOWS = frozenset({Step.REVIEW_REQUEST.value, Step.RECHECK_REQUEST.value})
_MASK64 = (1 << 64) - 1


def _mix(x: int) -> int:
    """splitmix64 finaliser: a well-spread 64-bit hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


# ---------------------------------------------------------------------------------------------------------
# Context: everything a worker needs (plain data, so it survives fork/pickle)
# ---------------------------------------------------------------------------------------------------------
@dataclass
class _Ctx:
    seed: int
    total: int
    base_id: int
    now: datetime
    start: datetime
    span_s: float
    office: str
    prefix: str
    year_first: dict[int, int]          # year -> first case index of that year
    seq_offset: dict[int, int]          # year -> existing max seq
    policies: dict[str, tuple[int, str, bool]]
    max_extension: int
    cal: object
    categories: list[tuple[str, str, str, bool]]
    cat_cum: tuple
    cat_total: float
    accusation_cats: list[int]
    units: dict[str, str]               # code -> name
    units_by_l1: dict[str, list[str]]
    all_units: list[str]
    streets: list[tuple[str, str, list[tuple[str, str]]]]   # (code, name, [(code, community)])
    city_district: str
    jw_unit: str
    zf_unit: str
    court_unit: str
    mix_key: int = 0
    due_cache: dict = field(default_factory=dict)
    now_s: int = 0                      # whole seconds of now (see _secs)
    now_iso: str = ""
    unit_json: dict = field(default_factory=dict)


_CTX: _Ctx | None = None


def _received(ctx: _Ctx, i: int) -> datetime:
    """Received time of case index i: increasing in i; density rises linearly to 3× towards today."""
    u = (i + 0.5) / ctx.total
    t = (-1.0 + math.sqrt(1.0 + 8.0 * u)) / 2.0           # inverse of F(t) = (t + t²)/2
    s = t * ctx.span_s
    day = int(s // 86400)
    frac = (s - day * 86400) / 86400
    sec = 30600 + int(frac * 34200)                        # 08:30–18:00
    dt = ctx.start + timedelta(days=day, seconds=sec)      # ctx.start is a midnight
    if dt > ctx.now:
        dt = ctx.now - timedelta(minutes=1)
    return dt


def _index_at(ctx: _Ctx, when: datetime) -> int:
    """The case index received around `when` (inverse of _received)."""
    t = max(0.0, min(1.0, (when - ctx.start).total_seconds() / ctx.span_s))
    u = (t + t * t) / 2.0
    return min(ctx.total - 1, max(0, int(u * ctx.total)))


def _due(ctx: _Ctx, trigger: int, step: str, extra: int = 0, tolled: int = 0) -> int:
    """Due date (day ordinal) of a clock of `step` triggered on day ordinal `trigger`, memoised per context."""
    key = (trigger, step, extra, tolled)
    hit = ctx.due_cache.get(key)
    if hit is None:
        days, unit, roll = ctx.policies[step]
        hit = ctx.due_cache[key] = due_date(date.fromordinal(trigger), days, unit, ctx.cal, roll, extra,
                                            tolled).toordinal()
    return hit


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
    return _Case(r=r, i=i, id=ctx.base_id + i + 1, uuid=uuid_, number=f"{year}-{ctx.prefix}-{seq:06d}",
                 received=received, registered=registered, clerk=clerk, channel=channel, purpose=purpose, cat=cat,
                 topic=topic, facts=facts, summary_variant=v, summary=summary, content=content, demands=demands,
                 place=place, place_code=comm[0], people=people, headcount=headcount, work_order=work_order,
                 leader=leader, public=public, caused_by=caused_by, accused=accused, legal=legal,
                 restricted=int(purpose == "检举控告"), unit=unit, persistent=persistent, seq=seq)


def _is_repeat(ctx: _Ctx, i: int) -> bool:
    return i > 0 and ((_mix(ctx.mix_key ^ i) >> 8) % 1000) < 80


def _is_persistent(ctx: _Ctx, i: int) -> bool:
    return ((_mix(ctx.mix_key ^ i) >> 20) % 1000) < 25


def _repeatable(c: _Case) -> bool:
    return any(p[6] == 0 and (p[2] or p[3]) for p in c.people)


def _make_repeat(ctx: _Ctx, c: _Case, r: random.Random) -> None:
    """Turn c into a repeat of an earlier first-time case: same person, same category, the matter re-worded."""
    gap = timedelta(days=15 + r.expovariate(1 / 120))
    j = min(_index_at(ctx, c.received - gap), c.i - 1)
    if r.random() < 0.3:                         # prefer a persistent petitioner (review/recheck path)
        key = ctx.mix_key
        for k in range(j, max(-1, j - 3000), -1):
            h = _mix(key ^ k)                    # _is_persistent and not _is_repeat, one hash
            if ((h >> 20) % 1000) < 25 and not (k > 0 and ((h >> 8) % 1000) < 80):
                j = k
                break
    while j >= 0 and _is_repeat(ctx, j):
        j -= 1
    if j < 0:
        return
    o = _base(ctx, j)
    if not _repeatable(o):
        return
    o.track = True
    _lifecycle(ctx, o)
    # the person and the matter of the original
    c.people = [p for p in o.people if p[6] == 0]
    c.cat, c.topic, c.facts = o.cat, o.topic, o.facts
    c.headcount = o.headcount if c.channel == "来访" else 1
    c.place, c.place_code, c.caused_by, c.accused, c.legal = o.place, o.place_code, o.caused_by, o.accused, o.legal
    c.purpose, c.restricted = o.purpose, o.restricted
    variants, content_t, demands_t = _T[o.topic]
    base_text = f"{o.summary} {o.demands}".strip()
    v = (o.summary_variant + 1 + int(r.random() * max(1, len(variants) - 1))) % len(variants)
    prefix = f"{o.headcount}人集体访：" if o.headcount >= 5 and c.channel == "来访" else ""
    summary = prefix + ("再次" if r.random() < 0.5 else "") + variants[v].format(**o.facts)
    demands = demands_t[int(r.random() * len(demands_t))].format(**o.facts)
    score = similarity.matter_similarity(f"{summary} {demands}", base_text)
    if score < similarity.SAME_MATTER_THRESHOLD:
        summary, demands = "再次反映" + o.summary, o.demands
        score = similarity.matter_similarity(f"{summary} {demands}", base_text)
    c.summary, c.demands = summary, demands
    c.content = f"信访人曾于{o.received:%Y年%m月%d日}反映此事（{o.number}），称问题至今未解决。" + content_t.format(**o.facts)
    c.unit = o.unit
    if score < similarity.SAME_MATTER_THRESHOLD:
        return
    ids = [p[2] for p in c.people if p[2]]
    person = f"身份证号 {ids[0]}" if ids else f"姓名+电话 {c.people[0][1]}"
    c.repeat_of = o.uuid
    c.repeat_rows = [(c.id, o.id, person, score)]
    c.repeat_numbers = [o.number]
    # the earlier case's state when this one was registered
    state, reason = "registered", ""
    reg = _secs(c.registered)
    for at, st, why in o.timeline:
        if at > reg:
            break
        state, reason = st, why
    c.candidate = state == "rechecked" or reason == ClosureReason.RECHECK_SERVED.value


# ---- the lifecycle (mirrors lifecycle.plan + clocks.apply_ops) ----------------------------------------------
# Inside the simulation, times are whole seconds (day ordinal * 86400 + second of the day) and dates are day
# ordinals: no datetime/date objects per event. ISO strings come from caches keyed by day ordinal and second of
# the day. ws.now() may carry microseconds: `at > now` on whole seconds is `at > floor(now)`, and a recorded
# time clamped to now is written as now.isoformat().
class _OrdIso(dict):
    """day ordinal -> ISO date string, filled on first use."""
    def __missing__(self, o: int) -> str:
        s = self[o] = date.fromordinal(o).isoformat()
        return s


class _TodIso(dict):
    """second of the day -> 'Thh:mm:ss', filled on first use."""
    def __missing__(self, t: int) -> str:
        s = self[t] = "T%02d:%02d:%02d" % (t // 3600, t // 60 % 60, t % 60)
        return s


_OISO = _OrdIso()
_TOD = _TodIso()


def _secs(dt: datetime) -> int:
    """Whole seconds of dt (microseconds dropped) on the simulation's time line."""
    return dt.toordinal() * 86400 + dt.hour * 3600 + dt.minute * 60 + dt.second


def _iso(ts: int) -> str:
    d, t = divmod(ts, 86400)
    return _OISO[d] + _TOD[t]


class _Sim:
    __slots__ = ("ctx", "c", "now", "now_iso", "status", "clocks", "fields", "last", "events", "prev", "seq",
                 "stopped", "day", "policies", "units", "due_cache", "uuid", "cid", "track")

    def __init__(self, ctx: _Ctx, c: _Case):
        self.ctx, self.c, self.now, self.now_iso = ctx, c, ctx.now_s, ctx.now_iso
        self.policies, self.units, self.due_cache = ctx.policies, ctx.units, ctx.due_cache
        self.uuid, self.cid, self.track = c.uuid, c.id, c.track
        self.status = "registered"
        self.clocks: dict[str, list] = {}
        self.fields = {"disposition": "", "handling_unit": "", "outcome": "", "rating": "", "closure_reason": "",
                       "closed_at": None, "updated_at": c.registered.isoformat()}
        self.last = 0
        self.events: list[tuple] = []
        self.prev = GENESIS
        self.seq = 0
        self.stopped = False

    # clocks: step -> [trigger, days, unit, roll, extra, tolled, due, stopped_on] (dates as day ordinals)
    def start(self, step: str, on: int) -> None:
        days, unit, roll = self.policies[step]
        self.clocks[step] = [on, days, unit, roll, 0, 0, _due(self.ctx, on, step), None]

    def event(self, action: str, at_s: str, rec_s: str, actor: str, body: str) -> None:
        """The first event (payload `body` already JSON, as _ENC would write it)."""
        self.seq += 1
        h = sha256(
            f'["{self.prev}","{self.uuid}",{self.seq},"{action}","{at_s}","{rec_s}","{actor}",{encode_basestring(body)}]'
            .encode()).hexdigest()
        self.events.append((self.cid, self.seq, action, at_s, rec_s, actor, body, self.prev, h))
        self.prev = h

    def act(self, action: str, at: int, r: random.Random, to: str | None, pre: str = "", post: str = "",
            ops=(), updates: dict | None = None) -> bool:
        """Apply one step at `at` unless it lies in the future; returns False (and stops) then.

        The payload is written as JSON directly, as json.dumps(…, ensure_ascii=False, sort_keys=True) would:
        `pre` holds the members whose keys sort before "clocks", `post` those after it (values already
        encoded with encode_basestring), and the changed clocks go in between, sorted by step."""
        if self.stopped or at > self.now:
            self.stopped = True
            return False
        if at < self.last:
            at = self.last
        day = self.day = at // 86400
        clocks = self.clocks
        changed = []
        for op in ops:
            kind, step = op[0], op[1]
            if kind == "stop":
                c = clocks.get(step)
                if c is not None and c[7] is None:
                    c[7] = day
                    changed.append(f'"{step}": "stopped {_OISO[day]}"')
            elif kind == "start":
                days, unit, roll = self.policies[step]
                due = self.due_cache.get((day, step, 0, 0))
                if due is None:
                    due = _due(self.ctx, day, step)
                clocks[step] = [day, days, unit, roll, 0, 0, due, None]
                changed.append(f'"{step}": "due {_OISO[due]}"')
            else:                                             # extend / toll
                c = clocks[step]
                c[4 if kind == "extend" else 5] += op[2]
                c[6] = _due(self.ctx, c[0], step, c[4], c[5])
                changed.append(f'"{step}": "due {_OISO[c[6]]}"')
        if changed:
            if len(changed) > 1:
                changed.sort()
            mid = '"clocks": {' + ", ".join(changed) + "}"
            body = "{" + (f"{pre}, {mid}" if pre else mid) + (f", {post}}}" if post else "}")
        elif pre:
            body = f"{{{pre}, {post}}}" if post else f"{{{pre}}}"
        else:
            body = f"{{{post}}}"
        if to:
            self.status = to
        fields = self.fields
        if updates:
            fields.update(updates)
        recorded = at + 60 * int(r.random() * 120)
        at_s = _OISO[day] + _TOD[at % 86400]
        if recorded > self.now:
            rec_s = self.now_iso
        else:
            rec_s = _OISO[recorded // 86400] + _TOD[recorded % 86400]
        fields["updated_at"] = rec_s
        # the event, hash-chained as Store.append_event does
        self.seq += 1
        actor = _CLERK_LOGINS[int(r.random() * 6)]
        prev = self.prev
        h = sha256(
            f'["{prev}","{self.uuid}",{self.seq},"{action}","{at_s}","{rec_s}","{actor}",{encode_basestring(body)}]'
            .encode()).hexdigest()
        self.events.append((self.cid, self.seq, action, at_s, rec_s, actor, body, prev, h))
        self.prev = h
        self.last = at
        if self.track:
            self.c.timeline.append((at, self.status, fields["closure_reason"]))
        return True


_CLERK_LOGINS = tuple(login for login, _ in CLERKS)
_J = encode_basestring
_OPS_DISPOSED = (("stop", "dispose"),)
_OPS_ACCEPT = (("stop", "dispose"), ("stop", "notice"), ("stop", "object"), ("start", "handle"))
_OPS_FORWARD = (("stop", "dispose"), ("start", "notice"), ("start", "object"))
_OPS_OBJECT = (("stop", "notice"), ("stop", "object"), ("start", "dispose"))
_OPS_DECLINE = (("stop", "dispose"), ("stop", "notice"), ("stop", "object"))
_OPS_REPLY = (("stop", "handle"),)
_OPS_SERVE = (("start", "review_request"),)
_OPS_REVIEW = (("stop", "review_request"), ("start", "review"))
_OPS_REVIEWED = (("stop", "review"), ("start", "recheck_request"))
_OPS_RECHECK = (("stop", "recheck_request"), ("start", "recheck"))
_OPS_RECHECKED = (("stop", "recheck"),)


def _unit_json(ctx: _Ctx, code: str) -> str:
    """The '"unit": …, "unit_name": …' members of a payload (just '"unit": ""' without a unit)."""
    hit = ctx.unit_json.get(code)
    if hit is None:
        hit = ctx.unit_json[code] = (f'"unit": {_J(code)}, "unit_name": {_J(ctx.units.get(code) or code)}'
                                     if code else '"unit": ""')
    return hit
sha256 = hashlib.sha256


def _workday_at(day: int, r: random.Random) -> int:
    """A time during office hours (08:30–17:30, whole minutes) on day ordinal `day`."""
    return day * 86400 + 30600 + 60 * int(r.random() * 541)


def _after(last: int, days: float, r: random.Random) -> int:
    """A time during office hours on the day `days` after `last`, and later than `last`."""
    d, sod = divmod(last, 86400)
    t = (d + int((sod + days * 86400.0) // 86400)) * 86400 + 30600 + 60 * int(r.random() * 541)
    return t if t > last else last + 60 * (10 + int(r.random() * 120))


def _lifecycle(ctx: _Ctx, c: _Case) -> None:
    r = c.r
    s = _Sim(ctx, c)
    day0 = c.received.toordinal()
    s.day = day0
    s.start("dispose", day0)
    rec_iso, reg_iso = c.received.isoformat(), c.registered.isoformat()
    s.event("register", rec_iso, reg_iso, c.clerk,
            f'{{"attachments": [], "no_longer_accept_candidate": {"true" if c.candidate else "false"}, '
            f'"number": {_J(c.number)}, "repeat_of": [{", ".join(map(_J, c.repeat_numbers))}], '
            f'"route": {{}}, "warnings": []}}')
    if c.track:
        c.timeline.append((_secs(c.received), "registered", ""))
    s.last = _secs(c.registered)
    _path(ctx, c, s, r)
    c.clocks, c.events = s.clocks, s.events
    _finish(ctx, c, s, rec_iso, reg_iso)


def _close(s: _Sim, r: random.Random, at: int, reason: str) -> bool:
    return s.act("close", at, r, "closed", "", f'"reason": {_J(reason)}',
                 [("stop", k) for k in sorted(s.clocks, key=_STEP_ORDER.__getitem__)],
                 {"closure_reason": reason, "closed_at": at if at >= s.last else s.last})


def _path(ctx: _Ctx, c: _Case, s: _Sim, r: random.Random) -> None:
    x = r.random()
    disp = _after(s.last, r.random() * 9 if r.random() < 0.93 else 14 + r.random() * 12, r)
    lit = ctx.categories[c.cat][3]
    l1 = ctx.categories[c.cat][1]
    if x < 0.003:                       # never disposed: an overdue 待处置
        return
    if c.candidate or (c.repeat_of and x < 0.03):
        if s.act("archive", disp, r, "archived", "",
                 f'"reason": {_J(_ARCHIVE_REASONS[3 if c.candidate else 1])}', _OPS_DISPOSED, {"disposition": "存档"}) and r.random() < 0.5:
            _close(s, r, _after(s.last, 5 + r.random() * 30, r), ClosureReason.OTHER_CHANNEL.value)
        return
    if c.purpose == "检举控告" and (l1 == "纪检监察" or r.random() < 0.6):
        if s.act("transfer", disp, r, "transferred", "",
                 f'"to": "纪检监察", {_unit_json(ctx, ctx.jw_unit)}', _OPS_DISPOSED, {"disposition": "转纪检监察", "handling_unit": ctx.jw_unit}) \
                and r.random() < 0.5:
            _close(s, r, _after(s.last, 20 + r.random() * 70, r), ClosureReason.OTHER_CHANNEL.value)
        return
    if lit and x < 0.6:
        if s.act("transfer", disp, r, "transferred", "",
                 f'"to": "政法", {_unit_json(ctx, ctx.zf_unit)}', _OPS_DISPOSED, {"disposition": "转政法", "handling_unit": ctx.zf_unit}) and r.random() < 0.5:
            _close(s, r, _after(s.last, 10 + r.random() * 40, r), ClosureReason.OTHER_CHANNEL.value)
        return
    if x < 0.06:
        if s.act("inform", disp, r, "informed", "",
                 f'"where": {_J(_INFORM_WHERE[int(r.random() * len(_INFORM_WHERE))])}', _OPS_DISPOSED, {"disposition": "告知"}) and r.random() < 0.6:
            _close(s, r, _after(s.last, 5 + r.random() * 30, r), ClosureReason.OTHER_CHANNEL.value)
        return
    if x < 0.08:
        if s.act("archive", disp, r, "archived", "",
                 f'"reason": {_J(_ARCHIVE_REASONS[int(r.random() * 3)])}', _OPS_DISPOSED, {"disposition": "存档"}) and r.random() < 0.4:
            _close(s, r, _after(s.last, 5 + r.random() * 30, r), ClosureReason.OTHER_CHANNEL.value)
        return
    if x < 0.27:                        # accepted directly by the office
        if not s.act("accept", disp, r, "handling", "", _unit_json(ctx, c.unit), _OPS_ACCEPT,
                     {"disposition": "直接受理", "handling_unit": c.unit}):
            return
    else:
        unit = c.unit
        for attempt in range(3):
            assign = r.random() < 0.3
            data = _unit_json(ctx, unit)
            if assign:
                data = f'"report_due": "{_OISO[disp // 86400 + 60]}", {data}'
            if not s.act("assign" if assign else "forward", disp, r, "pending_acceptance", "", data,
                         _OPS_FORWARD,
                         {"handling_unit": unit, "disposition": "交办" if assign else "转送"}):
                return
            y = r.random()
            if y < 0.03 and attempt < 2:    # objection within the 5 working days, then re-forwarded
                window = s.clocks["object"][6]
                at = _after(s.last, r.random() * 3, r)
                if at // 86400 > window:
                    at = _workday_at(window, r)
                if at < s.last:
                    at = s.last + 300
                if not s.act("object", at, r, "registered", "",
                             f'"reason": {_J(_OBJECT_REASONS[int(r.random() * len(_OBJECT_REASONS))])}, "unit": ""',
                             _OPS_OBJECT,
                             {"handling_unit": "", "disposition": ""}):
                    return
                others = [u for u in (ctx.units_by_l1.get(l1) or ctx.all_units) if u != unit] or ctx.all_units
                unit = others[int(r.random() * len(others))]
                disp = _after(s.last, 1 + r.random() * 5, r)
                continue
            if y < 0.07:
                if s.act("decline", _after(s.last, 3 + r.random() * 11, r), r, "declined",
                         "", f'"reason": {_J(_DECLINE_REASONS[int(r.random() * len(_DECLINE_REASONS))])}',
                         _OPS_DECLINE) and r.random() < 0.7:
                    _close(s, r, _after(s.last, 5 + r.random() * 15, r), ClosureReason.NOT_ACCEPTED.value)
                return
            late = r.random() < 0.05
            if not s.act("accept", _after(s.last, 16 + r.random() * 15 if late else 1 + r.random() * 12, r), r,
                         "handling", "", "", _OPS_ACCEPT):
                return
            break
        else:
            return
    _handling(ctx, c, s, r)


def _handling(ctx: _Ctx, c: _Case, s: _Sim, r: random.Random) -> None:
    if r.random() < 0.01:               # stuck: never answered (积案, overdue once 60 days pass)
        return
    if r.random() < 0.03:
        _close(s, r, _after(s.last, 10 + r.random() * 40, r), ClosureReason.MEDIATION_AGREEMENT.value)
        return
    handle = s.clocks["handle"]
    limit = handle[6] - s.last // 86400
    if r.random() < 0.08:               # extension approved before the due date
        at = _after(s.last, max(1, limit - 2 - r.random() * 15), r)
        if at // 86400 > handle[6]:
            at = _workday_at(handle[6], r)
        if at < s.last:
            at = s.last + 300
        days = (15, 20, 30, 30)[int(r.random() * 4)]
        days = min(days, ctx.max_extension)
        approver = _APPROVERS[int(r.random() * len(_APPROVERS))]
        why = _EXTEND_REASONS[int(r.random() * len(_EXTEND_REASONS))]
        if not s.act("extend", at, r, None, f'"approver": {_J(approver)}', f'"days": {days}, "reason": {_J(why)}',
                     (("extend", "handle", days),)):
            return
        limit = handle[6] - s.last // 86400
    left = max(1, handle[6] - s.last // 86400)
    reply_in = left * (0.3 + r.random() * 0.65) if r.random() < 0.92 else left + 1 + r.random() * 40
    outcome = _pick(r, _OUTCOME_T)
    if not s.act("reply", _after(s.last, reply_in, r), r, "replied", "", f'"outcome": {_J(outcome)}',
                 _OPS_REPLY, {"outcome": outcome}):
        return
    at = _after(s.last, 1 + r.random() * 6, r)
    if not s.act("serve", at, r, "served", "", f'"served_on": "{_OISO[at // 86400]}"', _OPS_SERVE):
        return
    rating = _pick(r, _RATING_T) if r.random() < 0.7 else ""
    if rating and not s.act("rate", _after(s.last, r.random() * 8, r), r, "rated", "", f'"rating": {_J(rating)}', (),
                            {"rating": rating}):
        return
    p_review = 0.9 if c.persistent else (0.3 if rating == "不满意" else 0.05)
    window = s.clocks["review_request"][6]
    if r.random() < p_review:
        at = _after(s.last, 2 + r.random() * 20, r)
        if at // 86400 > window:
            at = _workday_at(window, r)
            if at < s.last:
                at = s.last + 300
        if not s.act("review-request", at, r, "review_requested",
                     f'"body": {_J(_REVIEW_BODIES[int(r.random() * len(_REVIEW_BODIES))])}', "", _OPS_REVIEW):
            return
        at = _after(s.last, 10 + r.random() * 19 if r.random() < 0.95 else 31 + r.random() * 10, r)
        review_outcome = ("维持", "维持", "维持", "维持", "变更", "撤销重办")[int(r.random() * 6)]
        if not s.act("review-decision", at, r, "reviewed",
                     "", f'"outcome": {_J(review_outcome)}, "served_on": "{_OISO[at // 86400]}"', _OPS_REVIEWED):
            return
        window = s.clocks["recheck_request"][6]
        if r.random() < (0.8 if c.persistent else 0.35):
            at = _after(s.last, 2 + r.random() * 20, r)
            if at // 86400 > window:
                at = _workday_at(window, r)
                if at < s.last:
                    at = s.last + 300
            if not s.act("recheck-request", at, r, "recheck_requested",
                         f'"body": {_J(_RECHECK_BODIES[int(r.random() * len(_RECHECK_BODIES))])}', "",
                         _OPS_RECHECK):
                return
            extra = 0
            if r.random() < 0.25:
                extra = 3 + int(r.random() * 8)
                if not s.act("hearing", _after(s.last, 5 + r.random() * 10, r), r, None, "", f'"days": {extra}',
                             (("toll", "recheck", extra),)):
                    return
            at = _after(s.last, 10 + r.random() * 18 + extra / 2, r)
            if not s.act("recheck-decision", at, r, "rechecked",
                         "", f'"outcome": {_J(("维持", "维持", "维持", "变更")[int(r.random() * 4)])}, '
                         f'"served_on": "{_OISO[at // 86400]}"', _OPS_RECHECKED):
                return
            if r.random() < 0.8:
                _close(s, r, _after(s.last, 1 + r.random() * 10, r), ClosureReason.RECHECK_SERVED.value)
            return
        if r.random() < 0.75:
            _close(s, r, _after(window * 86400, 1 + r.random() * 15, r),
                   ClosureReason.NO_TIMELY_REQUEST.value)
        return
    q = r.random()
    if q < 0.35:
        _close(s, r, _after(s.last, 2 + r.random() * 20, r), ClosureReason.SATISFIED_AFTER_REPLY.value)
    elif q < 0.85:
        _close(s, r, _after(window * 86400, 1 + r.random() * 15, r),
               ClosureReason.NO_TIMELY_REQUEST.value)


def _finish(ctx: _Ctx, c: _Case, s: _Sim, rec_iso: str, reg_iso: str) -> None:
    nd = None
    for k, cl in s.clocks.items():
        if cl[7] is None and k not in _WINDOWS:
            key = (cl[6], _STEP_ORDER[k], k)
            if nd is None or key < nd:
                nd = key
    f = s.fields
    people = c.people
    if len(people) == 1:
        p = people[0]
        names = p[1] or ("匿名" if p[6] else "")
    else:
        names = "、".join(p[1] or ("匿名" if p[6] else "") for p in people if p[1] or p[6])
    closed = f["closed_at"]
    c.row = (c.id, c.uuid, c.number, ctx.office, c.received.year, c.seq, c.channel,
             c.work_order, rec_iso, reg_iso, c.clerk, c.purpose,
             ctx.categories[c.cat][0], c.place, c.place_code, c.summary, c.content, c.demands, c.headcount,
             int(c.channel == "来访" and c.headcount >= 5), c.leader, c.public, c.caused_by, c.accused, c.legal,
             names, s.status, f["disposition"], f["handling_unit"], c.restricted, c.repeat_of, int(c.candidate),
             f["outcome"], f["rating"], f["closure_reason"], _iso(closed) if closed else None,
             _OISO[nd[0]] if nd else None, nd[2] if nd else None, "{}", f["updated_at"])


def _generate(ctx: _Ctx, i: int) -> _Case:
    c = _base(ctx, i)
    if _is_repeat(ctx, i):
        _make_repeat(ctx, c, random.Random(_mix(ctx.mix_key ^ i ^ 0xABCDEF)))
    _lifecycle(ctx, c)
    return c


def _chunk(ctx: _Ctx, lo: int, hi: int) -> tuple[list, list, list, list, list]:
    cases, pets, clocks, events, repeats = [], [], [], [], []
    oiso = _OISO
    for i in range(lo, hi):
        c = _generate(ctx, i)
        cases.append(c.row)
        cid = c.id
        people = c.people
        if len(people) == 1:
            pets.append((cid, 0) + people[0])
        else:
            pets.extend((cid, pos) + p for pos, p in enumerate(people))
        clocks.extend((cid, k, oiso[v[0]], v[1], v[2], int(v[3]), v[4], v[5], oiso[v[6]],
                       oiso[v[7]] if v[7] else None) for k, v in c.clocks.items())
        events.extend(c.events)
        repeats.extend(c.repeat_rows)
    return cases, pets, clocks, events, repeats


def _chunk_worker(args: tuple[int, int]):
    return _chunk(_CTX, *args)


def _file_worker(args: tuple[int, int, str]) -> dict:
    """Generate cases lo..hi-1 into the transport file `path` (storage.bulk); returns the counts."""
    lo, hi, path = args
    ctx = _CTX
    out = {"path": path, "cases": 0, "petitioners": 0, "clocks": 0, "events": 0, "repeats": 0,
           "no_longer_candidates": 0, "statuses": {}}
    statuses = out["statuses"]
    conn = bulk.transport_create(path)
    try:
        for a in range(lo, hi, 5_000):
            cs, ps, cl, ev, rp = _chunk(ctx, a, min(hi, a + 5_000))
            bulk.transport_insert(conn, cs, ps, cl, ev, rp)
            out["cases"] += len(cs)
            out["petitioners"] += len(ps)
            out["clocks"] += len(cl)
            out["events"] += len(ev)
            out["repeats"] += len(rp)
            for row in cs:
                statuses[row[26]] = statuses.get(row[26], 0) + 1
                out["no_longer_candidates"] += row[31]
    finally:
        bulk.transport_close(conn)
    return out


def _docs_worker(rows):
    return bulk.documents(rows)


# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------
def _reference(ws) -> tuple[list, dict, list]:
    """Categories, units and places, seeding built-in ones into an empty dictionary."""
    store = ws.store
    cats = list(ws.categories())
    units = store.unit_rows()
    places = store.places()
    if not cats or not units or not places:
        with store.transaction():
            if not cats:
                store.replace_categories(FALLBACK_CATEGORIES)
                ws._categories = None
            if not units:
                store.replace_units(FALLBACK_UNITS)
            if not places:
                store.upsert_places(FALLBACK_PLACES)
        cats, units, places = list(ws.categories()), store.unit_rows(), store.places()
    return cats, {u[0]: u[1] for u in units}, places


def _context(ws, total: int, seed: int) -> _Ctx:
    cats, units, places = _reference(ws)
    now = ws.now()
    span_days = 3 * 365
    start = datetime.combine(now.date() - timedelta(days=span_days), datetime.min.time())
    span_s = (datetime.combine(now.date(), datetime.min.time()) - start).total_seconds() + 86400
    # categories: weight matters with templates higher
    weights, acc, cum = [], 0.0, []
    for path, l1, l2, lit in cats:
        w = _TOPIC_WEIGHT.get(_TOPIC_BY_L2.get(l2, ""), 1.0) * (0.5 if l1 == "纪检监察" else 1.0) \
            * (0.3 if l1 == "其他" else 1.0)
        acc += w
        cum.append(acc)
    accusation = [k for k, c in enumerate(cats) if c[1] == "纪检监察"]
    office = ws.office
    # handling units: district-level departments and street offices (not communities, grids or the office)
    candidates = {code: name for code, name in units.items()
                  if code != office and not name.endswith(("信访局", "网格", "居民委员会", "纪工委"))
                  and not any(w in name for w in ("市人民政府", "中级人民法院", "江城市"))}
    if not candidates:
        candidates = dict(units)
    by_l1: dict[str, list[str]] = {}
    for l1, words in _UNIT_KEYWORDS.items():
        hit = sorted(code for code, name in candidates.items() if any(w in name for w in words))
        if hit:
            by_l1[l1] = hit
    all_units = sorted(candidates)

    def find(*words: str) -> str:
        for w in words:
            for code in sorted(units):
                if w in units[code] and not units[code].startswith("江城市"):
                    return code
        return ""

    jw = find("纪委监委", "纪工委") or all_units[0]
    zf = find("政法委", "公安") or all_units[0]
    court = find("人民法院")
    district = places.get("420102", "") or next((n for c, n in places.items() if len(c) == 6 and n.endswith("区")), "城东区")
    streets = []
    for code in sorted(places):
        if len(code) == 9:
            comms = [(cc, places[cc]) for cc in sorted(places) if len(cc) == 12 and cc.startswith(code)]
            streets.append((code, places[code], comms))
    if not streets:
        streets = [(c, n, [(cc, nn) for cc, nn in FALLBACK_PLACES if len(cc) == 12 and cc.startswith(c)])
                   for c, n in FALLBACK_PLACES if len(c) == 9]
    ctx = _Ctx(seed=seed, total=total, base_id=bulk.max_case_id(ws.store.conn), now=now, start=start,
               span_s=span_s, office=office, prefix=ws.setting("number_prefix"), year_first={}, seq_offset={},
               policies={s.value: (p.days, p.unit, p.roll_forward) for s, p in ws.profile.policies.items()},
               max_extension=ws.profile.policy(Step.HANDLE).max_extension or 30, cal=ws.calendar,
               categories=cats, cat_cum=tuple(cum), cat_total=acc, accusation_cats=accusation, units=units,
               units_by_l1=by_l1, all_units=all_units, streets=streets, city_district=district, jw_unit=jw,
               zf_unit=zf, court_unit=court, mix_key=_mix(seed * 0x9E3779B1 + 12345),
               now_s=_secs(now), now_iso=now.isoformat())
    # first index of each year (received time is increasing in the index)
    first_year, last_year = _received(ctx, 0).year, _received(ctx, total - 1).year
    for y in range(first_year, last_year + 1):
        lo, hi = 0, total
        while lo < hi:
            mid = (lo + hi) // 2
            if _received(ctx, mid).year < y:
                lo = mid + 1
            else:
                hi = mid
        ctx.year_first[y] = lo
    ctx.seq_offset = bulk.max_seqs(ws.store.conn, office)
    return ctx


def _pool(workers: int):
    import multiprocessing
    return multiprocessing.get_context("fork").Pool(workers)


def _auto_workers(cases: int) -> int:
    if cases < 50_000 or getattr(sys, "frozen", False) or not hasattr(os, "fork"):
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def generate_demo(ws, cases: int, seed: int = 1, build_index: bool = True,
                  progress: Progress | None = None, *, workers: int | None = None, chunk: int | None = None) -> dict:
    """Fill the workspace with `cases` realistic demo petitions; deterministic for (seed, cases, ws.now()).

    `progress(done, total)` is called after each batch with total = cases (twice that with the search index,
    whose batches count on from the generated cases up to total); returning False stops generating — the
    cases written so far stay, consistent and indexed (the search-index phase itself is not interrupted). `workers` generate rows in
    forked processes (default: 2 for ≥ 50,000 cases on a multi-core POSIX machine, else 1).

    Returns {"cases", "events", "petitioners", "repeats", "clocks", "no_longer_candidates", "statuses",
    "seconds_insert" (rows and B-tree indexes), "seconds_indexes" (B-tree rebuild, part of seconds_insert),
    "seconds_copy" / "seconds_wait" (main process copying worker files / waiting for them), "seconds_index"
    (search index), "rate_per_s", "cancelled"}."""
    global _CTX
    if cases < 0:
        raise ValueError("cases must be >= 0")
    t0 = time.perf_counter()
    ctx = _context(ws, max(cases, 1), seed)
    _CTX = ctx
    conn = ws.store.conn
    first_id = ctx.base_id
    workers = _auto_workers(cases) if workers is None else max(1, workers)
    parallel = workers > 1 and cases > (chunk or 20_000)
    step = chunk or (20_000 if parallel else 2_000 if cases <= 20_000 else 10_000)
    ranges = [(lo, min(cases, lo + step)) for lo in range(0, cases, step)]
    total_progress = cases * (2 if build_index else 1)
    stats = {"cases": 0, "events": 0, "petitioners": 0, "repeats": 0, "clocks": 0, "no_longer_candidates": 0,
             "statuses": {}, "cancelled": False, "seconds_copy": 0.0, "seconds_wait": 0.0}
    statuses: dict[str, int] = {}
    pool = _pool(workers) if parallel else None
    tmpdir = tempfile.mkdtemp(prefix="xinfang-demo-") if parallel else None
    try:
        now_s = ws.now().isoformat()
        with bulk.bulk_mode(conn) as info:
            bulk.begin(conn)
            bulk.insert_users(conn, [(login, name, "登记", now_s) for login, name in CLERKS])
            if pool is not None:
                # each worker generates AND writes its share (a transport file per batch); this process only
                # copies the files in order with INSERT … SELECT, so Python's per-row binding runs on all cores
                bulk.commit(conn)
                tasks = [(lo, hi, os.path.join(tmpdir, f"{lo:09d}.db")) for lo, hi in ranges]
                t_wait = time.perf_counter()
                for res in _ordered(pool, _file_worker, tasks, workers * 2):
                    t_copy = time.perf_counter()
                    stats["seconds_wait"] += t_copy - t_wait
                    bulk.copy_transport(conn, res["path"])
                    t_wait = time.perf_counter()
                    stats["seconds_copy"] += t_wait - t_copy
                    for key in ("cases", "petitioners", "clocks", "events", "repeats", "no_longer_candidates"):
                        stats[key] += res[key]
                    for st, n in res["statuses"].items():
                        statuses[st] = statuses.get(st, 0) + n
                    if progress is not None and progress(stats["cases"], total_progress) is False:
                        stats["cancelled"] = True
                        break
                bulk.begin(conn)
            else:
                pending = 0
                for cs, ps, cl, ev, rp in (_chunk(ctx, lo, hi) for lo, hi in ranges):
                    bulk.insert_cases(conn, cs)
                    bulk.insert_petitioners(conn, ps)
                    bulk.insert_clocks(conn, cl)
                    bulk.insert_events(conn, ev)
                    bulk.insert_repeats(conn, rp)
                    stats["cases"] += len(cs)
                    stats["petitioners"] += len(ps)
                    stats["clocks"] += len(cl)
                    stats["events"] += len(ev)
                    stats["repeats"] += len(rp)
                    for row in cs:
                        statuses[row[26]] = statuses.get(row[26], 0) + 1
                        stats["no_longer_candidates"] += row[31]
                    pending += len(cs)
                    if pending >= 100_000:
                        bulk.commit(conn)
                        bulk.begin(conn)
                        pending = 0
                    if progress is not None and progress(stats["cases"], total_progress) is False:
                        stats["cancelled"] = True
                        break
            bulk.commit(conn)
        stats["seconds_indexes"] = info["seconds_indexes"]
        t1 = time.perf_counter()
        stats["seconds_insert"] = t1 - t0
        stats["seconds_index"] = 0.0
        if build_index and stats["cases"]:
            stats["seconds_index"] = index_demo(
                ws, after_id=first_id, pool=pool,
                progress=(lambda d, t: progress(
                    stats["cases"] + (d * (total_progress - stats["cases"])) // max(t, 1), total_progress))
                if progress else None)
    finally:
        if pool is not None:
            pool.terminate()
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
        _CTX = None
    stats["statuses"] = dict(sorted(statuses.items()))
    stats["rate_per_s"] = stats["cases"] / stats["seconds_insert"] if stats["seconds_insert"] else 0.0
    return stats


def _ordered(pool, fn, items, ahead: int):
    """pool.imap with at most `ahead` results in flight (bounded memory)."""
    queue = []
    it = iter(items)
    for item in it:
        queue.append(pool.apply_async(fn, (item,)))
        if len(queue) >= ahead:
            break
    while queue:
        res = queue.pop(0).get()
        nxt = next(it, None)
        if nxt is not None:
            queue.append(pool.apply_async(fn, (nxt,)))
        yield res


def index_demo(ws, after_id: int = 0, batch: int = 10_000, pool=None,
               progress: Progress | None = None) -> float:
    """Build the search index for cases with id > after_id (bulk-loaded without it); returns seconds."""
    t0 = time.perf_counter()
    conn = ws.store.conn
    total = bulk.max_case_id(conn) - after_id
    done = 0
    with bulk.bulk_mode(conn, drop_indexes=False, fast_journal=after_id == 0):
        bulk.begin(conn)
        last = after_id

        def batches():
            nonlocal last
            while True:
                rows = bulk.search_rows(conn, last, batch)
                if not rows:
                    return
                last = rows[-1][0]
                yield rows

        if pool is None:
            docs_iter = (bulk.documents(rows) for rows in batches())
        else:
            docs_iter = _ordered(pool, _docs_worker, batches(), 4)
        for docs in docs_iter:
            bulk.insert_search(conn, docs)
            done += len(docs)
            if progress is not None:
                progress(min(done, total), total)
        bulk.commit(conn)
    return time.perf_counter() - t0

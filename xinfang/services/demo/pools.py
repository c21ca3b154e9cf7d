"""Demo data pools: built-in reference data (categories, units, places, clerks), word pools for people,
firms and places, and the matter templates (facts → summary variants, content, demands) with the weighted
tables of channels, purposes, outcomes and ratings."""
from __future__ import annotations

import math
import random
from bisect import bisect_right
from datetime import date, timedelta

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

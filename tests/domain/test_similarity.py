"""Tests for xinfang.domain.similarity: the "同事" half of the 重复访 rule (domain.md §2.6)."""
from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinfang.domain.similarity import (
    SAME_MATTER_THRESHOLD,
    _bigrams,
    is_same_matter,
    matter_similarity,
    normalize_text,
)

# Same matter, re-worded by a different clerk or on a later visit.
SAME = [
    ("要求某某公司支付拖欠的工资3万元", "反映某某公司拖欠工资三万元未付"),
    ("反映宏达建筑公司拖欠其在幸福里小区工地务工工资4.5万元，要求尽快支付",
     "再次反映幸福里小区工地包工头及宏达建筑公司欠薪4万5千元至今未付，要求政府督促支付"),
    ("反映锦绣花园小区物业公司擅自提高物业费，由每平方米1.2元涨到2元，要求恢复原收费标准",
     "锦绣花园业主反映物业费从1.2元每平方米上涨到2元，未经业主大会同意，要求撤销涨价"),
    ("反映城东路28号楼下烧烤店油烟扰民，夜间噪音大，要求整治",
     "投诉城东路28号烧烤店油烟和噪音影响休息，多次反映未解决"),
    ("反映其房屋在老城区棚户区改造中拆迁补偿标准过低，要求按市场价重新评估补偿",
     "对棚户区改造拆迁补偿评估价格不满，认为补偿过低，要求重新评估房屋价值"),
    ("反映其母亲低保被取消，家庭困难，要求恢复低保待遇",
     "要求恢复母亲的最低生活保障待遇，反映低保被无故取消"),
    ("反映阳光小区3号楼电梯经常故障停运，存在安全隐患，要求物业维修更换电梯",
     "阳光小区3号楼电梯频繁故障，老人被困，要求物业尽快维修或更换"),
    ("反映其承包的5亩耕地被村委会收回另行发包，要求返还承包地",
     "村委会强行收回其5亩承包耕地发包给他人，要求恢复土地承包经营权"),
    ("反映购买的翠湖湾楼盘逾期两年未交房，要求开发商交房并支付违约金",
     "翠湖湾项目开发商逾期未交房已两年，购房业主要求交付房屋并赔偿违约金"),
    ("反映其在工作中受伤，单位不给认定工伤，要求认定工伤并享受工伤待遇",
     "因工受伤后所在单位拒绝申报工伤认定，要求依法认定工伤、支付工伤保险待遇"),
    ("反映幸福村小学校门口道路坑洼积水，学生上学不便，要求修路",
     "幸福村小学门口的路坑坑洼洼一下雨就积水，孩子上学难，希望尽快修复道路"),
    ("反映邻居在楼顶违法搭建阳光房，影响其采光，要求拆除",
     "邻居楼顶违建阳光房挡住采光，要求城管依法拆除违法建筑"),
]

# Different matters of the same category, each paired with the same anchor as the SAME pair at that index.
DIFF = [
    ("要求某某公司支付拖欠的工资3万元", "小区垃圾清运不及时"),
    ("反映宏达建筑公司拖欠其在幸福里小区工地务工工资4.5万元，要求尽快支付",
     "反映新兴餐饮公司拖欠其服务员工资8000元，并未缴纳社保，要求支付"),
    ("反映锦绣花园小区物业公司擅自提高物业费，由每平方米1.2元涨到2元，要求恢复原收费标准",
     "反映锦绣花园小区物业公司不作为，地下车库长期积水无人处理"),
    ("反映城东路28号楼下烧烤店油烟扰民，夜间噪音大，要求整治",
     "反映城东路建筑工地夜间施工噪音扰民，要求限制施工时间"),
    ("反映其房屋在老城区棚户区改造中拆迁补偿标准过低，要求按市场价重新评估补偿",
     "反映棚户区改造安置房质量差，墙体开裂漏水，要求开发商维修"),
    ("反映其母亲低保被取消，家庭困难，要求恢复低保待遇",
     "反映村干部优亲厚友，不符合条件的人员享受低保，要求调查"),
    ("反映阳光小区3号楼电梯经常故障停运，存在安全隐患，要求物业维修更换电梯",
     "反映阳光小区物业公司私自将公共绿地改为停车位收费，要求恢复绿地"),
    ("反映其承包的5亩耕地被村委会收回另行发包，要求返还承包地",
     "反映村委会财务不公开，村集体土地租金去向不明，要求审计"),
    ("反映购买的翠湖湾楼盘逾期两年未交房，要求开发商交房并支付违约金",
     "反映翠湖湾楼盘交房后迟迟办不了不动产权证，要求开发商尽快办证"),
    ("反映其在工作中受伤，单位不给认定工伤，要求认定工伤并享受工伤待遇",
     "反映单位未依法缴纳养老保险，要求补缴社会保险"),
    ("反映幸福村小学校门口道路坑洼积水，学生上学不便，要求修路",
     "反映幸福村小学食堂饭菜质量差，价格高，要求整改"),
    ("反映邻居在楼顶违法搭建阳光房，影响其采光，要求拆除",
     "反映邻居饲养大型犬不拴绳，多次吓到老人小孩，要求处理"),
]

# Same estate / same developer, different grievance: bigrams cannot tell these from a re-wording, so they come
# out above the threshold and are shown to the clerk as a hint (documented in similarity.py).
SAME_PLACE_DIFFERENT_ISSUE = {2, 8}


def test_brief_example():
    a = "要求某某公司支付拖欠的工资3万元"
    same = matter_similarity(a, "反映某某公司拖欠工资三万元未付")
    other = matter_similarity(a, "小区垃圾清运不及时")
    assert same > 0.5
    assert other < 0.05
    assert same >= SAME_MATTER_THRESHOLD > other


@pytest.mark.parametrize("a,b", SAME)
def test_same_matter_pairs_reach_threshold(a, b):
    assert matter_similarity(a, b) >= SAME_MATTER_THRESHOLD
    assert is_same_matter(a, b)


@pytest.mark.parametrize("i", [i for i in range(len(DIFF)) if i not in SAME_PLACE_DIFFERENT_ISSUE])
def test_different_matter_pairs_below_threshold(i):
    a, b = DIFF[i]
    assert matter_similarity(a, b) < SAME_MATTER_THRESHOLD
    assert not is_same_matter(a, b)


@pytest.mark.parametrize("i", range(len(SAME)))
def test_rewording_outscores_different_matter_for_each_anchor(i):
    assert SAME[i][0] == DIFF[i][0]
    assert matter_similarity(*SAME[i]) > matter_similarity(*DIFF[i])


def test_threshold_separates_most_pairs():
    assert len(SAME) >= 10 and len(DIFF) >= 10
    same = [matter_similarity(a, b) for a, b in SAME]
    diff = [matter_similarity(a, b) for a, b in DIFF]
    assert sum(s >= SAME_MATTER_THRESHOLD for s in same) == len(SAME)
    assert sum(d < SAME_MATTER_THRESHOLD for d in diff) >= len(DIFF) - len(SAME_PLACE_DIFFERENT_ISSUE)
    assert sum(same) / len(same) > 2 * sum(diff) / len(diff)


def test_identical_symmetric_and_empty():
    a = "反映锦绣花园小区物业费上涨"
    assert matter_similarity(a, a) == 1.0
    assert matter_similarity(a, "反映：锦绣花园小区 物业费上涨。") == 1.0  # punctuation/space only
    assert matter_similarity("", "") == 0.0
    assert matter_similarity(a, "") == 0.0
    assert matter_similarity(None, a) == 0.0  # type: ignore[arg-type]
    assert matter_similarity("反映问题", "反映问题") == 1.0  # only boilerplate: falls back to plain bigrams
    assert matter_similarity("工", "工") == 1.0


def test_unrelated_is_near_zero():
    assert matter_similarity("反映邻居饲养大型犬不拴绳", "要求补缴养老保险") == 0.0


def test_normalize_text():
    assert normalize_text("") == ""
    assert normalize_text(None) == ""  # type: ignore[arg-type]
    assert normalize_text(" 反映：ＡＢＣ公司 拖欠工资１２３元！\n") == "反映abc公司拖欠工资123元"
    assert normalize_text("Hello, World") == "helloworld"
    assert normalize_text("“要求”（尽快）【处理】…—") == "要求尽快处理"


cjk = st.text(alphabet=st.sampled_from("反映要求某公司拖欠工资万元小区物业费上涨电梯故障维修，。 ABC123"), max_size=60)


@given(cjk, cjk)
def test_properties(a, b):
    s = matter_similarity(a, b)
    assert 0.0 <= s <= 1.0
    assert s == matter_similarity(b, a)
    if normalize_text(a):
        assert matter_similarity(a, a) == 1.0

from __future__ import annotations

import re

from xinfang.domain.masking import mask_id_number, mask_phone
from xinfang.reports.case_sheet import RESTRICTED_NOTE, render_case_sheet

from .report_samples import (ADDRESS, CONTENT_PARAGRAPH, FULL_ID, FULL_PHONE, NAME, ORG_CODE,
                             PRINTED_AT, flat, make_case, make_deadlines, pdffonts, pdftotext)

OFFICE = "福州市鼓楼区信访局"


def render(case, **kw):
    kw.setdefault("office_name", OFFICE)
    kw.setdefault("printed_at", PRINTED_AT)
    kw.setdefault("printed_by", "张敏")
    return render_case_sheet(case, make_deadlines(), **kw)


def pages(text: str) -> int:
    return text.count("\f")


def test_is_a_pdf_with_an_embedded_truetype_font(case, tmp_path):
    pdf = render(case)
    assert pdf.startswith(b"%PDF")
    listing = pdffonts(pdf, tmp_path)
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    assert rows, listing
    assert any("WenQuanYiMicroHei" in r[0] for r in rows), listing
    for r in rows:
        # name type... emb sub uni: every font embedded, none of them Type 3 (tofu) or CID Type 0
        assert r[1:3] != ["Type", "3"], listing
        assert r[-5] == "yes", f"font not embedded: {r}"
        assert "TrueType" in r, r


def test_labels_number_and_masked_personal_data(case, tmp_path):
    text = pdftotext(render(case), tmp_path)
    t = flat(text)
    for label in ("信访事项登记表", "编号", "登记时间", "信访形式", "信访目的", "问题类别", "问题发生地",
                  "姓名", "性别", "出生日期", "身份证号", "联系电话", "住址", "角色", "来访人数", "集体访",
                  "代表", "反映问题", "摘要", "诉求", "事实与理由", "接谈领导", "公开接访", "处理意见",
                  "去向", "承办单位", "当前状态", "办理时限", "处置期限", "受理告知期限", "办理期限",
                  "重复件", "备注"):
        assert label in t, label
    assert "2026-信-000123" in t
    assert "2026年3月5日09:30" in t                        # registration date-time
    assert NAME in t and "陈国栋" in t
    assert mask_id_number(FULL_ID) in t
    assert mask_phone(FULL_PHONE) in t
    assert FULL_ID not in t and FULL_PHONE not in t
    assert ORG_CODE in t                                    # 统一社会信用代码 is not personal data
    assert "鼓楼区住房和城乡建设局" in t and "办理中" in t
    assert "2025-信-004567" in t                            # 重复件 note
    assert "林秀珍、陈国栋" in t                             # 代表
    assert "福州市鼓楼区信访局" in t and "打印人：张敏" in t
    assert "None" not in text


def test_unmasked_when_asked(case, tmp_path):
    t = flat(pdftotext(render(case, mask=False), tmp_path))
    assert FULL_ID in t and FULL_PHONE in t
    assert mask_id_number(FULL_ID) not in t


def test_restricted_case_is_marked(tmp_path):
    t = flat(pdftotext(render(make_case(restricted=True)), tmp_path))
    assert flat(RESTRICTED_NOTE) in t
    t2 = flat(pdftotext(render(make_case()), tmp_path, "plain"))
    assert "限制知悉" not in t2


def test_hotline_work_order_number_is_printed(tmp_path):
    t = flat(pdftotext(render(make_case(work_order_no="GL20260305-0042")), tmp_path))
    assert "工单号：GL20260305-0042" in t


def test_short_case_fits_one_page(tmp_path):
    text = pdftotext(render(make_case(single=True)), tmp_path)
    assert pages(text) == 1
    assert "第1页共1页" in flat(text)


def test_long_content_wraps_and_flows_to_a_second_page(tmp_path):
    paragraphs = [f"（{i}）" + CONTENT_PARAGRAPH for i in range(1, 7)]
    text = pdftotext(render(make_case(single=True, content="\n".join(paragraphs))), tmp_path)
    t = flat(text)
    assert pages(text) == 2
    assert "第1页共2页" in t and "第2页共2页" in t
    for p in paragraphs:                      # nothing lost at the page break
        assert flat(p) in t
    # the form goes on after the content: the last rows are on page 2
    assert "备注" in flat(text.split("\f")[1])


def test_one_very_long_paragraph_is_split_between_pages(tmp_path):
    content = "".join(f"第{i}句：" + CONTENT_PARAGRAPH for i in range(1, 13))
    text = pdftotext(render(make_case(single=True, content=content)), tmp_path)
    assert pages(text) >= 2
    # drop the page footers; the text must then run on unbroken across the page break
    body = re.sub(r"福州市鼓楼区信访局|打印时间：\S+ \S+|打印人：\S+|第\s*\d+\s*页\s*共\s*\d+\s*页", "", text)
    assert flat(content) in flat(body)


def test_empty_fields_print_blank(tmp_path):
    from dataclasses import replace

    from xinfang.domain.model import Petitioner

    case = make_case(single=True)
    bare = replace(case, draft=replace(case.draft, content="", demands="", place="", place_code="",
                                       reception_leader="", petitioners=(Petitioner(),)),
                   handling_unit="", handling_unit_name="", disposition="", repeat_of="",
                   repeat_ids=())
    pdf = render_case_sheet(bare, [], office_name="", printed_at=PRINTED_AT)
    text = pdftotext(pdf, tmp_path)
    assert "None" not in text
    assert "信访事项登记表" in flat(text)
    assert re.search(r"第\s*1\s*页\s*共\s*1\s*页", text)
    assert ADDRESS not in flat(text)


def test_emoji_print_as_a_visible_placeholder_never_dropped(tmp_path):
    from xinfang.reports.fonts import printable
    assert printable("张三😀") == "张三[表情]"
    assert printable("👨‍👩‍👧一家") == "[表情]一家"           # one joined emoji, one placeholder
    assert printable("❤️谢谢") == "[表情]谢谢"
    assert printable("𠀀") == "[U+20000]"                     # a rare CJK character the font lacks
    case = make_case(content="工资没发😭😭，请帮帮忙🙏")
    text = flat(pdftotext(render(case), tmp_path))
    assert "工资没发[表情][表情]，请帮帮忙[表情]" in text
    listing = pdffonts(render(case), tmp_path, "emoji")
    assert "WenQuanYiMicroHei" in listing

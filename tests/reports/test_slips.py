from __future__ import annotations

import subprocess
from datetime import date

import pytest

from xinfang.domain.enums import Purpose
from xinfang.domain.masking import mask_id_number, mask_phone
from xinfang.reports.slips import WITHHELD, render_transfer_slip

from .report_samples import (ADDRESS, ADDRESS_FRAGMENTS, FULL_ID, FULL_PHONE, NAME, ORG_CODE,
                             OTHER_IDS, OTHER_NAMES, OTHER_PHONES, PRINTED_AT, flat, make_case,
                             pdffonts, pdftotext)

FROM = "福州市鼓楼区信访局"
TO = "鼓楼区住房和城乡建设局"
WHY = ["依据《信访工作条例》第二十一条，属于住建部门职责范围", "权责清单：违法建设查处→区住建局（规则R-017 v3）"]


def slip(case, **kw):
    args = dict(kind="转送", to_unit_name=TO, from_unit_name=FROM, decision_lines=WHY,
                due_text="请于15日内书面告知信访人是否受理", report_due=None,
                slip_no="鼓信转〔2026〕45号", printed_at=PRINTED_AT, show_reporter=True)
    args.update(kw)
    return render_transfer_slip(case, **args)


def test_transfer_slip_content(case, tmp_path):
    pdf = slip(case)
    assert pdf.startswith(b"%PDF")
    listing = pdffonts(pdf, tmp_path)
    assert "WenQuanYiMicroHei" in listing and " no " not in listing.split("\n", 2)[2]
    text = pdftotext(pdf, tmp_path)
    t = flat(text)
    for s in ("信访事项转送单", "鼓信转〔2026〕45号", "2026年3月9日", "转送单位", FROM, "接收单位", TO,
              "2026-信-000123", "信访人", NAME, "联系电话", mask_phone(FULL_PHONE), "身份证号",
              mask_id_number(FULL_ID), "住址", "反映问题", "摘要", "主要诉求", "转送依据",
              "请依照《信访工作条例》办理", "请于15日内书面告知信访人是否受理", "附件材料",
              "原信访材料2件", "签收单位", "签收人", "签收日期", "盖章", ORG_CODE, "第1页共1页"):
        assert flat(s) in t, s
    for line in WHY:
        assert flat(line) in t
    assert FULL_ID not in t and FULL_PHONE not in t
    assert "None" not in text


def test_assignment_slip_asks_for_a_report_by_date(case, tmp_path):
    pdf = slip(case, kind="交办", slip_no="鼓信交〔2026〕7号", report_due=date(2026, 5, 8),
               due_text="")
    t = flat(pdftotext(pdf, tmp_path))
    assert "信访事项交办单" in t and "交办单位" in t and "承办单位" in t
    assert "请于2026年5月8日前报送办结报告" in t


def test_unmasked_slip(case, tmp_path):
    t = flat(pdftotext(slip(case, mask=False), tmp_path))
    assert FULL_ID in t and FULL_PHONE in t


def test_accusation_slip_withholds_every_petitioner_identity(tmp_path):
    case = make_case(purpose=Purpose.ACCUSATION)
    assert case.restricted
    pdf = slip(case, kind="交办", show_reporter=False, report_due=date(2026, 5, 8))
    text = pdftotext(pdf, tmp_path)
    t = flat(text)
    assert flat(WITHHELD) in t
    assert "限制知悉" in t
    forbidden = [NAME, *OTHER_NAMES, FULL_ID, *OTHER_IDS, FULL_PHONE, *OTHER_PHONES, ADDRESS,
                 *ADDRESS_FRAGMENTS, ORG_CODE]
    forbidden += [mask_id_number(x) for x in (FULL_ID, *OTHER_IDS)]
    forbidden += [mask_phone(x) for x in (FULL_PHONE, *OTHER_PHONES)]
    for s in forbidden:
        assert flat(s) not in t, s
    for label in ("身份证号", "联系电话", "住址", "信用代码"):
        assert label not in t, label
    # nor in the document information
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert NAME not in info


def test_unknown_kind_is_refused(case):
    with pytest.raises(ValueError):
        slip(case, kind="督办")

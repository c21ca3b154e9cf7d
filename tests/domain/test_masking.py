"""Tests for xinfang.domain.masking (domain.md §7.6)."""
from __future__ import annotations

import pytest

from xinfang.domain.masking import mask_id_number, mask_name, mask_phone, mask_phones_in


@pytest.mark.parametrize(
    "raw,masked",
    [
        ("11010519491231002X", "110105********002X"),
        ("11010519491231002x", "110105********002X"),
        ("110105 19491231 002X", "110105********002X"),
        ("110105491231002", "110105*****1002"),
        ("", ""),
        (None, ""),
        ("12345", "****5"),
    ],
)
def test_mask_id_number(raw, masked):
    assert mask_id_number(raw) == masked


@pytest.mark.parametrize(
    "raw,masked",
    [
        ("13812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0086-13812345678", "138****5678"),
        ("010-12345678", "010-****5678"),
        ("01012345678", "010-****5678"),
        ("0571-8888888", "0571-****888"),
        ("0571-88888888", "0571-****8888"),
        ("010-12345678转123", "010-****5678-123"),
        ("12345", "12345"),
        ("", ""),
        (None, ""),
        ("12345678", "123***78"),
    ],
)
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


def test_mask_phone_never_shows_full_personal_number():
    for raw in ["13812345678", "010-12345678", "0571 8888 8888", "98765432101"]:
        digits = "".join(c for c in raw if c.isdigit())
        assert digits not in mask_phone(raw).replace("-", "")


@pytest.mark.parametrize(
    "raw,masked",
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("欧阳修", "欧阳*"),
        ("司马光", "司马*"),
        ("欧阳", "欧*"),
        ("买买提·艾力", "买**·**"),
        (" 李四 ", "李*"),
        ("王", "王"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(raw, masked):
    assert mask_name(raw) == masked


@pytest.mark.parametrize("raw, masked", [
    ("赵律师 13700001111", "赵律师 137****1111"),                  # a mobile inside free text
    ("钱某（父亲），电话010-62345678", "钱某（父亲），电话010-****5678"),  # a landline with its area code
    ("孙律师，执业证号 2024", "孙律师，执业证号 2024"),            # short numbers are not phones
    ("", ""),
])
def test_mask_phones_in_free_text(raw, masked):
    assert mask_phones_in(raw) == masked

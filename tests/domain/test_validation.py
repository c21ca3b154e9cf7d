"""Tests for xinfang.domain.validation (domain.md §7.1–7.3)."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.domain.validation import (
    IdCheck,
    check_id_number,
    check_phone,
    check_uscc,
    id_check_char,
    make_id_number,
    make_uscc,
    uscc_check_char,
)

TODAY = date(2024, 6, 1)


def errors(chk):
    return [p for p in chk.problems if p.level == "error"]


def warnings(chk):
    return [p for p in chk.problems if p.level == "warning"]


# ---------------------------------------------------------------- 身份证号: standard examples


def test_standard_examples_pass():
    a = check_id_number("11010519491231002X", TODAY)
    assert a.valid and a.kind == "居民身份证" and a.sex == "女" and a.birth == date(1949, 12, 31)
    assert a.problems == ()
    b = check_id_number("440524188001010014", TODAY)
    assert b.valid and b.sex == "男" and b.birth == date(1880, 1, 1)


def test_lowercase_x_and_spaces_are_normalised():
    chk = check_id_number(" 110105 19491231 002x ", TODAY)
    assert chk.valid
    assert chk.normalized == "11010519491231002X"


def test_fullwidth_digits_and_ideographic_space_accepted():
    chk = check_id_number("１１０１０５１９４９１２３１００２Ｘ\u3000", TODAY)
    assert chk.valid and chk.normalized == "11010519491231002X"


def test_to_dict_shape():
    d = check_id_number("11010519491231002X", TODAY).to_dict()
    assert d == {
        "valid": True,
        "normalized": "11010519491231002X",
        "kind": "居民身份证",
        "sex": "女",
        "birth": "1949-12-31",
        "problems": [],
    }
    bad = check_id_number("110105194912310021", TODAY).to_dict()
    assert bad["valid"] is False and bad["birth"] is None and bad["sex"] == ""
    assert bad["problems"][0]["level"] == "error" and bad["problems"][0]["field"] == "id_number"


# ---------------------------------------------------------------- bad check digit / shape


def test_bad_check_digit_names_expected_character():
    chk = check_id_number("110105194912310021", TODAY)
    assert not chk.valid
    assert len(errors(chk)) == 1
    assert "校验位应为X" in errors(chk)[0].message
    chk2 = check_id_number("440524188001010015", TODAY)
    assert not chk2.valid and "校验位应为4" in chk2.problems[0].message


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "1101051949123100", "11010519491231002XX", "1101051949123100AX", "11010519491231X02X", "abc"],
)
def test_wrong_length_or_characters_invalid(raw):
    chk = check_id_number(raw, TODAY)
    assert not chk.valid
    assert errors(chk)
    assert all(p.message for p in chk.problems)


def test_x_only_allowed_last():
    chk = check_id_number("X10105194912310021", TODAY)
    assert not chk.valid and "第1位" in chk.problems[0].message


# ---------------------------------------------------------------- dates


def test_impossible_date_feb_30():
    body = "110105" + "20230230" + "001"
    raw = body + id_check_char(body)  # check digit right, date impossible
    chk = check_id_number(raw, TODAY)
    assert not chk.valid
    assert any("20230230" in p.message and "不存在" in p.message for p in errors(chk))


def test_leap_years_1999_vs_2000():
    bad = "110105" + "19990229" + "001"
    good = "110105" + "20000229" + "001"
    assert not check_id_number(bad + id_check_char(bad), TODAY).valid
    ok = check_id_number(good + id_check_char(good), TODAY)
    assert ok.valid and ok.birth == date(2000, 2, 29)


def test_future_birth_invalid_relative_to_today():
    raw = make_id_number("110105", date(2024, 6, 2), 11)
    chk = check_id_number(raw, TODAY)
    assert not chk.valid and "晚于今天" in errors(chk)[0].message
    assert check_id_number(raw, date(2024, 6, 2)).valid  # born today is fine
    assert not check_id_number(make_id_number("110105", date(2099, 1, 1), 1), TODAY).valid


def test_birth_before_1880_invalid():
    raw = make_id_number("110105", date(1879, 12, 31), 11)
    chk = check_id_number(raw, TODAY)
    assert not chk.valid and "1880" in errors(chk)[0].message


# ---------------------------------------------------------------- 15-digit legacy


def test_15_digit_upgrade_computed_by_hand():
    # 130503 670401 001 → body 13050319670401001
    # digits   1 3  0 5 0 3 1 9 6 7 0 4  0 1 0 0 1
    # weights  7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
    # products 7+27+0+25+0+12+2+9+36+21+0+36+0+5+0+0+2 = 182; 182 mod 11 = 6 → "10X98765432"[6] = "6"
    chk = check_id_number("130503670401001", TODAY)
    assert chk.valid
    assert chk.kind == "旧15位身份证"
    assert chk.normalized == "130503196704010016"
    assert chk.sex == "男" and chk.birth == date(1967, 4, 1)
    w = warnings(chk)
    assert len(w) == 1 and "升级" in w[0].message and "130503196704010016" in w[0].message


def test_15_digit_with_impossible_date_invalid():
    chk = check_id_number("130503670230001", TODAY)
    assert not chk.valid and chk.kind == "旧15位身份证"


def test_15_digit_with_letters_invalid():
    assert not check_id_number("13050367040100X", TODAY).valid


# ---------------------------------------------------------------- kinds


@pytest.mark.parametrize("area,place", [("810000", "HK"), ("820000", "MO"), ("830000", "TW")])
def test_hmt_residence_permits(area, place):
    raw = make_id_number(area, date(1990, 1, 1), 123)
    chk = check_id_number(raw, TODAY)
    assert chk.valid and chk.kind == "港澳台居民居住证"
    assert chk.sex == "男"


def test_foreigner_permanent_residence_9_prefix():
    raw = make_id_number("915840", date(1985, 7, 9), 22)
    chk = check_id_number(raw, TODAY)
    assert chk.valid and chk.kind == "外国人永久居留身份证"
    assert chk.sex == "女" and chk.birth == date(1985, 7, 9)
    broken = raw[:-1] + ("0" if raw[-1] != "0" else "1")
    assert not check_id_number(broken, TODAY).valid


def test_unknown_address_code_not_rejected():
    raw = make_id_number("999999", date(1990, 1, 1), 1)
    # 9-prefix makes it a foreigner's number; use another nonsense mainland code too
    raw2 = make_id_number("000000", date(1990, 1, 1), 1)
    assert check_id_number(raw, TODAY).valid
    chk = check_id_number(raw2, TODAY)
    assert chk.valid and chk.kind == "居民身份证"


# ---------------------------------------------------------------- typed sex / birth


def test_typed_sex_and_birth_mismatch_are_warnings():
    chk = check_id_number("11010519491231002X", TODAY, typed_sex="男", typed_birth=date(1949, 1, 31))
    assert chk.valid
    assert {p.field for p in warnings(chk)} == {"sex", "birth"}
    assert not errors(chk)
    assert any("女" in p.message for p in warnings(chk))


def test_typed_sex_and_birth_match_no_warnings():
    chk = check_id_number("11010519491231002X", TODAY, typed_sex="女", typed_birth=date(1949, 12, 31))
    assert chk.valid and chk.problems == ()


def test_unknown_typed_sex_ignored():
    assert check_id_number("11010519491231002X", TODAY, typed_sex="未知").problems == ()


# ---------------------------------------------------------------- make_id_number


def test_make_id_number_matches_standard_example():
    assert make_id_number("110105", date(1949, 12, 31), 2) == "11010519491231002X"
    assert make_id_number("440524", date(1880, 1, 1), 1) == "440524188001010014"


@pytest.mark.parametrize("args", [("11010", date(1990, 1, 1), 1), ("110105", date(1990, 1, 1), 1000),
                                  ("11010a", date(1990, 1, 1), 1), ("110105", date(1990, 1, 1), -1)])
def test_make_id_number_rejects_bad_input(args):
    with pytest.raises(ValueError):
        make_id_number(*args)


areas = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=date(1880, 1, 1), max_value=TODAY)
seqs = st.integers(min_value=0, max_value=999)


@given(areas, births, seqs)
@settings(max_examples=300)
def test_make_id_number_round_trips(area, birth, seq):
    raw = make_id_number(area, birth, seq)
    chk = check_id_number(raw, TODAY)
    assert isinstance(chk, IdCheck)
    assert chk.valid, chk.problems
    assert chk.normalized == raw
    assert chk.birth == birth
    assert chk.sex == ("男" if seq % 2 else "女")
    assert check_id_number(raw.lower(), TODAY).normalized == raw


@given(areas, births, seqs, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
@settings(max_examples=300)
def test_changing_any_one_digit_breaks_the_check(area, birth, seq, pos, delta):
    raw = make_id_number(area, birth, seq)
    new_digit = str((int(raw[pos]) + delta) % 10)
    changed = raw[:pos] + new_digit + raw[pos + 1 :]
    chk = check_id_number(changed, TODAY)
    assert not chk.valid
    # MOD 11-2 detects every single-digit substitution: the check message is among the errors
    assert any("校验位应为" in p.message for p in errors(chk))


# ---------------------------------------------------------------- phones


@pytest.mark.parametrize(
    "raw", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+8613812345678",
            "0086 13812345678", "0086-138-1234-5678", "8613812345678", "(+86)13812345678"]
)
def test_mobile_with_prefixes(raw):
    chk = check_phone(raw)
    assert chk.valid and chk.kind == "手机" and chk.normalized == "13812345678"
    assert chk.problems == ()


def test_uncommon_mobile_block_is_warning_only():
    chk = check_phone("19412345678")
    assert chk.valid and chk.kind == "手机"
    assert len(warnings(chk)) == 1 and "号段不常见" in warnings(chk)[0].message
    assert check_phone("15412345678").valid
    assert check_phone("19912345678").problems == ()


@pytest.mark.parametrize(
    "raw,normalized",
    [
        ("010-12345678", "01012345678"),
        ("01012345678", "01012345678"),
        ("(010)12345678", "01012345678"),
        ("0571-8888888", "05718888888"),
        ("0571 88888888", "057188888888"),
        ("021-1234567", "0211234567"),
        ("+86 10 12345678", "01012345678"),
        ("010-12345678-123", "01012345678-123"),
        ("010-12345678转123", "01012345678-123"),
        ("0571-8888888 转 8001", "05718888888-8001"),
        ("057188888888-12", "057188888888-12"),
    ],
)
def test_landlines(raw, normalized):
    chk = check_phone(raw)
    assert chk.valid, chk.problems
    assert chk.kind == "固话"
    assert chk.normalized == normalized


@pytest.mark.parametrize("raw", ["12345", "95588", "400-800-1234", "8008101234", "12315"])
def test_hotlines_valid_with_warning(raw):
    chk = check_phone(raw)
    assert chk.valid and chk.kind == "热线"
    assert any("不是个人联系电话" in p.message for p in warnings(chk))


@pytest.mark.parametrize(
    "raw", ["", "abc", "1381234567", "138123456789", "12345678", "010-123456", "0571-123456789",
            "+1 415 555 0100", "138****5678", "电话13812345678", "010-12345678转abc"]
)
def test_garbage_phone_numbers(raw):
    chk = check_phone(raw)
    assert not chk.valid and chk.kind == ""
    assert errors(chk) and all(p.field == "phone" for p in chk.problems)


def test_landline_without_area_code_message():
    chk = check_phone("88888888")
    assert not chk.valid and "区号" in chk.problems[0].message


def test_phone_to_dict():
    assert check_phone("13812345678").to_dict() == {
        "valid": True, "normalized": "13812345678", "kind": "手机", "problems": []
    }


# ---------------------------------------------------------------- USCC


def test_published_uscc_passes():
    # 91350100M000100Y43: check computed by hand with the §7.2 algorithm is "3".
    assert uscc_check_char("91350100M000100Y4") == "3"
    chk = check_uscc("91350100M000100Y43")
    assert chk.valid and chk.normalized == "91350100M000100Y43" and chk.problems == ()


def test_generated_uscc():
    code = make_uscc("91110105MA01abcd1")
    assert code[:17] == "91110105MA01ABCD1"
    assert check_uscc(code).valid
    assert check_uscc(code.lower()).valid
    assert check_uscc(" " + code[:9] + " " + code[9:]).normalized == code


def test_uscc_bad_check_names_expected():
    chk = check_uscc("91350100M000100Y44")
    assert not chk.valid and "校验位应为3" in chk.problems[0].message


@pytest.mark.parametrize("raw", ["", "91350100M000100Y4", "91350100M000100Y433", "91350100MOOO100Y43",
                                 "91350100M000100I43", "350100400012345"])
def test_uscc_bad(raw):
    chk = check_uscc(raw)
    assert not chk.valid and errors(chk)


def test_uscc_forbidden_letters_explained():
    chk = check_uscc("91350100MOOO100Y43")
    assert "I、O、Z、S、V" in chk.problems[0].message


def test_uscc_to_dict():
    assert check_uscc("91350100M000100Y43").to_dict() == {
        "valid": True, "normalized": "91350100M000100Y43", "problems": []
    }


uscc_alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@given(st.text(alphabet=uscc_alphabet, min_size=17, max_size=17), st.integers(0, 16), st.integers(1, 30))
@settings(max_examples=200)
def test_uscc_single_substitution_detected(body, pos, delta):
    code = make_uscc(body)
    assert check_uscc(code).valid
    ch = uscc_alphabet[(uscc_alphabet.index(code[pos]) + delta) % 31]
    assert not check_uscc(code[:pos] + ch + code[pos + 1 :]).valid


# domain.md §7.3: area code + a 7–8 digit local number.  Both sides of the boundary, for both area-code lengths.
@pytest.mark.parametrize("raw,ok", [
    ("010-1234567", True), ("010-12345678", True), ("010-123456789", False),
    ("0571-1234567", True), ("0571-12345678", True), ("0571-123456789", False),
    ("010 123456789", False), ("(0571)123456789", False),
])
def test_landline_local_number_has_seven_or_eight_digits(raw, ok):
    chk = check_phone(raw)
    assert chk.valid is ok, (raw, chk.problems)
    if not ok:
        assert "7或8位" in errors(chk)[0].message


# Extensions are optional; office PBX extensions run to 6 digits, so a 7th digit is a typing slip.
@pytest.mark.parametrize("raw,ok", [
    ("010-12345678-123456", True), ("010-12345678-1234567", False),
    ("0571-8888888转123456", True), ("0571-8888888转1234567", False),
])
def test_extension_up_to_six_digits(raw, ok):
    chk = check_phone(raw)
    assert chk.valid is ok, (raw, chk.problems)
    if not ok:
        assert "分机号过长" in errors(chk)[0].message

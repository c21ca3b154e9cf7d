"""Field validation for identity numbers, phone numbers and organisation codes (domain.md §7).

Every check returns a frozen result value (never raises on bad input) carrying the normalised form and a
tuple of :class:`~xinfang.domain.problems.Problem` whose messages are Chinese and tell the clerk what to do.
Errors make ``valid`` False; warnings (unusual mobile block, upgraded 15-digit number, sex/birth mismatch
with the form) leave ``valid`` True.

Pure standard library; no address lookup (unknown division codes are never rejected here, §7.1).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from xinfang.domain.problems import Problem, error, has_errors, warning

__all__ = [
    "IdCheck",
    "PhoneCheck",
    "UsccCheck",
    "check_id_number",
    "check_phone",
    "check_uscc",
    "id_check_char",
    "uscc_check_char",
    "make_id_number",
    "make_uscc",
    "ID_KIND_RESIDENT",
    "ID_KIND_HMT_PERMIT",
    "ID_KIND_FOREIGNER",
    "ID_KIND_LEGACY15",
    "PHONE_KIND_MOBILE",
    "PHONE_KIND_LANDLINE",
    "PHONE_KIND_HOTLINE",
]

# --------------------------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------------------------

# Full-width ASCII (！..～) → half-width, ideographic space → space.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20


def _clean(raw: str | None) -> str:
    """Full-width → half-width and drop every kind of whitespace."""
    if not raw:
        return ""
    return "".join(str(raw).translate(_FULLWIDTH).split())


def _problems_dict(problems: tuple[Problem, ...]) -> list[dict]:
    return [p.to_dict() for p in problems]


# --------------------------------------------------------------------------------------------------------------
# 公民身份号码 (GB 11643-1999), §7.1
# --------------------------------------------------------------------------------------------------------------

ID_KIND_RESIDENT = "居民身份证"
ID_KIND_HMT_PERMIT = "港澳台居民居住证"
ID_KIND_FOREIGNER = "外国人永久居留身份证"
ID_KIND_LEGACY15 = "旧15位身份证"

_ID_FIELD = "id_number"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_MAP = "10X98765432"  # index = S mod 11
_HMT_CODES = {"810000": "香港", "820000": "澳门", "830000": "台湾"}
_EARLIEST_BIRTH = date(1880, 1, 1)


@dataclass(frozen=True)
class IdCheck:
    valid: bool
    normalized: str
    kind: str
    sex: str  # "男" | "女" | ""
    birth: date | None
    problems: tuple[Problem, ...]

    def to_dict(self) -> dict:
        return {
            "valid": self.valid,
            "normalized": self.normalized,
            "kind": self.kind,
            "sex": self.sex,
            "birth": self.birth.isoformat() if self.birth else None,
            "problems": _problems_dict(self.problems),
        }


def id_check_char(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of an 18-digit number."""
    if len(body17) != 17 or not body17.isascii() or not body17.isdigit():
        raise ValueError(f"需要17位数字，得到 {body17!r}")
    s = sum(int(d) * w for d, w in zip(body17, _ID_WEIGHTS))
    return _ID_CHECK_MAP[s % 11]


def make_id_number(area: str, birth: date, seq: int) -> str:
    """Build a valid 18-digit number: 6-digit area code + YYYYMMDD + 3-digit sequence + check char.

    ``seq`` is 0–999; its parity sets the sex (odd 男, even 女). Raises ValueError on bad input.
    """
    if len(area) != 6 or not area.isascii() or not area.isdigit():
        raise ValueError(f"地址码应为6位数字，得到 {area!r}")
    if not 0 <= seq <= 999:
        raise ValueError(f"顺序码应在0–999之间，得到 {seq}")
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    if len(body) != 17:
        raise ValueError(f"出生日期年份须为4位，得到 {birth!r}")
    return body + id_check_char(body)


def _parse_birth(yyyymmdd: str) -> date | None:
    try:
        return date(int(yyyymmdd[0:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def _typed_sex(value: str) -> str:
    v = (value or "").strip().lower()
    if v in ("男", "男性", "m", "male"):
        return "男"
    if v in ("女", "女性", "f", "female"):
        return "女"
    return ""


def _invalid_id(normalized: str, kind: str, problems: list[Problem]) -> IdCheck:
    return IdCheck(False, normalized, kind, "", None, tuple(problems))


def check_id_number(
    raw: str, today: date, typed_sex: str = "", typed_birth: date | None = None
) -> IdCheck:
    """Validate a 公民身份号码 (18 digits, or a legacy 15-digit number which is upgraded to 18).

    ``today`` bounds the birth date (no future births). ``typed_sex``/``typed_birth`` are what the clerk
    entered on the form; a disagreement with the number is a warning, not an error.
    """
    s = _clean(raw).upper()
    problems: list[Problem] = []
    if not s:
        return _invalid_id("", "", [error(_ID_FIELD, "身份证号为空，请填写18位身份证号")])

    if len(s) not in (15, 18):
        return _invalid_id(
            s, "", [error(_ID_FIELD, f"身份证号应为18位（旧证为15位），现在是{len(s)}位，请核对是否多输或漏输")]
        )

    # ---- characters
    if len(s) == 18:
        bad = [i + 1 for i, ch in enumerate(s[:17]) if not ("0" <= ch <= "9")]
        if bad or not ("0" <= s[17] <= "9" or s[17] == "X"):
            where = "、".join(str(i) for i in bad) if bad else "18"
            return _invalid_id(
                s, "", [error(_ID_FIELD, f"身份证号只能是数字，最后一位可以是X；第{where}位有误，请核对")]
            )
    else:
        bad = [i + 1 for i, ch in enumerate(s) if not ("0" <= ch <= "9")]
        if bad:
            where = "、".join(str(i) for i in bad)
            return _invalid_id(s, "", [error(_ID_FIELD, f"15位旧身份证号只能是数字；第{where}位有误，请核对")])

    # ---- legacy 15-digit: upgrade
    if len(s) == 15:
        kind = ID_KIND_LEGACY15
        body17 = s[:6] + "19" + s[6:]
        birth = _parse_birth(body17[6:14])
        if birth is None:
            return _invalid_id(
                s, kind,
                [error(_ID_FIELD, f"15位身份证号中的出生日期19{s[6:12]}不存在，请核对第7–12位")],
            )
        normalized = body17 + id_check_char(body17)
        problems.append(
            warning(_ID_FIELD, f"这是旧15位身份证号，已自动升级为18位：{normalized}，请与证件核对后保存")
        )
    else:
        body17, given = s[:17], s[17]
        if s[0] == "9":
            kind = ID_KIND_FOREIGNER
        elif s[:6] in _HMT_CODES:
            kind = ID_KIND_HMT_PERMIT
        else:
            kind = ID_KIND_RESIDENT
        birth = _parse_birth(body17[6:14])
        if birth is None:
            problems.append(
                error(_ID_FIELD, f"身份证号中的出生日期{body17[6:14]}不存在（如2月30日），请核对第7–14位")
            )
        expected = id_check_char(body17)
        if given != expected:
            problems.append(
                error(_ID_FIELD, f"身份证号校验位应为{expected}，请核对最后一位（也可能是前17位有输错）")
            )
        normalized = s
        if problems:
            return _invalid_id(normalized, kind, problems)

    # ---- plausible date range
    assert birth is not None
    if birth > today:
        return _invalid_id(
            normalized, kind,
            problems + [error(_ID_FIELD, f"身份证号中的出生日期{birth:%Y-%m-%d}晚于今天，请核对第7–14位")],
        )
    if birth < _EARLIEST_BIRTH:
        return _invalid_id(
            normalized, kind,
            problems + [error(_ID_FIELD, f"身份证号中的出生日期{birth:%Y-%m-%d}早于1880年，不可能，请核对第7–14位")],
        )

    sex = "男" if int(normalized[16]) % 2 == 1 else "女"

    # ---- compare with what was typed on the form
    ts = _typed_sex(typed_sex)
    if ts and ts != sex:
        problems.append(
            warning("sex", f"身份证号显示性别为{sex}，与填写的“{typed_sex.strip()}”不一致，请核对")
        )
    if typed_birth is not None and typed_birth != birth:
        problems.append(
            warning(
                "birth",
                f"身份证号显示出生日期为{birth:%Y-%m-%d}，与填写的{typed_birth:%Y-%m-%d}不一致，请核对",
            )
        )
    return IdCheck(not has_errors(problems), normalized, kind, sex, birth, tuple(problems))


# --------------------------------------------------------------------------------------------------------------
# 统一社会信用代码, §7.2
# --------------------------------------------------------------------------------------------------------------

_USCC_FIELD = "uscc"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_INDEX = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@dataclass(frozen=True)
class UsccCheck:
    valid: bool
    normalized: str
    problems: tuple[Problem, ...]

    def to_dict(self) -> dict:
        return {"valid": self.valid, "normalized": self.normalized, "problems": _problems_dict(self.problems)}


def uscc_check_char(body17: str) -> str:
    """Check character of a 统一社会信用代码 for its first 17 characters (upper-case)."""
    if len(body17) != 17 or any(ch not in _USCC_INDEX for ch in body17):
        raise ValueError(f"需要17位（0-9及除I、O、Z、S、V外的大写字母），得到 {body17!r}")
    s = sum(_USCC_INDEX[ch] * w for ch, w in zip(body17, _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - s % 31) % 31]


def make_uscc(body17: str) -> str:
    """Append the check character to a 17-character body (lower-case accepted)."""
    body = body17.upper()
    return body + uscc_check_char(body)


def check_uscc(raw: str) -> UsccCheck:
    """Validate an 18-character 统一社会信用代码 (GB 32100-2015)."""
    s = _clean(raw).replace("-", "").upper()
    if not s:
        return UsccCheck(False, "", (error(_USCC_FIELD, "统一社会信用代码为空，请填写18位代码"),))
    if len(s) != 18:
        if len(s) == 15 and s.isdigit():
            msg = "这像是15位旧工商注册号，请向单位索取18位统一社会信用代码（见营业执照）"
        else:
            msg = f"统一社会信用代码应为18位，现在是{len(s)}位，请核对是否多输或漏输"
        return UsccCheck(False, s, (error(_USCC_FIELD, msg),))
    bad = [(i + 1, ch) for i, ch in enumerate(s) if ch not in _USCC_INDEX]
    if bad:
        where = "、".join(f"第{i}位“{ch}”" for i, ch in bad)
        hint = "（代码不使用字母I、O、Z、S、V，可能是数字1、0、2、5或字母U看错了）" if any(
            ch in "IOZSV" for _, ch in bad
        ) else ""
        return UsccCheck(False, s, (error(_USCC_FIELD, f"统一社会信用代码中{where}不是有效字符{hint}，请核对"),))
    expected = uscc_check_char(s[:17])
    if s[17] != expected:
        return UsccCheck(
            False, s, (error(_USCC_FIELD, f"统一社会信用代码校验位应为{expected}，请核对最后一位（也可能是前17位有输错）"),)
        )
    return UsccCheck(True, s, ())


# --------------------------------------------------------------------------------------------------------------
# Phone numbers, §7.3
# --------------------------------------------------------------------------------------------------------------

PHONE_KIND_MOBILE = "手机"
PHONE_KIND_LANDLINE = "固话"
PHONE_KIND_HOTLINE = "热线"

_PHONE_FIELD = "phone"
# libphonenumber (phonenumbers 9.0.43, region_CN) mobile pattern; used only to warn (§7.3).
MOBILE_COMMON_PATTERN = re.compile(
    r"1(?:610\d|740[0-5])\d{6}|1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|7[0-35-8])\d{8}"
)
_EXT_SPLIT = re.compile(r"(?:转|分机|ext\.?|EXT\.?|Ext\.?|#)")


@dataclass(frozen=True)
class PhoneCheck:
    valid: bool
    normalized: str
    kind: str  # "手机" | "固话" | "热线" | ""
    problems: tuple[Problem, ...]

    def to_dict(self) -> dict:
        return {
            "valid": self.valid,
            "normalized": self.normalized,
            "kind": self.kind,
            "problems": _problems_dict(self.problems),
        }


def _area_len(digits: str) -> int:
    """Length of the area code including the trunk 0: 010 and 02x are 3, all others 4."""
    return 3 if digits[:2] in ("01", "02") else 4


def _is_landline(digits: str) -> bool:
    if len(digits) < 10 or len(digits) > 12 or digits[0] != "0" or digits[1] == "0":
        return False
    if digits[:2] == "01" and digits[:3] != "010":
        return False
    return 7 <= len(digits) - _area_len(digits) <= 8


def _is_hotline(digits: str) -> bool:
    if len(digits) == 5 and digits[:2] in ("12", "95") or len(digits) == 5 and digits[:3] == "100":
        return True
    if len(digits) == 6 and digits[:2] == "95":
        return True
    return len(digits) == 10 and digits[:3] in ("400", "800")


def _phone_error(normalized: str, message: str) -> PhoneCheck:
    return PhoneCheck(False, normalized, "", (error(_PHONE_FIELD, message),))


def check_phone(raw: str) -> PhoneCheck:
    """Validate a Chinese mobile, landline (optionally with extension) or service hotline number.

    ``normalized`` is digits only: mobile 11 digits, landline with its leading 0, an extension appended
    after ``-`` (e.g. ``01012345678-123``).
    """
    s = _clean(raw)
    if not s:
        return _phone_error("", "电话号码为空，请填写手机号或带区号的固定电话")
    # Parentheses around an area code act like a separator: (010)12345678 → 010-12345678
    s = s.replace("(", "").replace(")", "-").replace("（", "").replace("）", "-")
    s = s.replace("—", "-").replace("－", "-").replace("–", "-")

    # ---- explicit extension marker
    ext = ""
    parts = _EXT_SPLIT.split(s, maxsplit=1)
    if len(parts) == 2:
        s, ext = parts[0].rstrip("-"), parts[1].strip("-")
        if not ext.isdigit():
            return _phone_error(s, "分机号只能是数字，请核对“转”后面的部分")

    # ---- international prefix
    intl = False
    if s.startswith("+"):
        if not s.startswith("+86"):
            return _phone_error(s, "只支持中国大陆号码（+86），境外号码请写在备注中")
        s, intl = s[3:].lstrip("-"), True
    elif s.startswith("0086"):
        s, intl = s[4:].lstrip("-"), True

    if not re.fullmatch(r"[0-9-]+", s):
        return _phone_error(_clean(raw), "电话号码只能包含数字（可用空格、横线、括号分隔），请核对")

    groups = [g for g in s.split("-") if g]
    if not groups:
        return _phone_error(_clean(raw), "电话号码为空，请填写手机号或带区号的固定电话")
    digits = "".join(groups)

    problems: list[Problem] = []

    # bare "86" prefix on a mobile number
    if not intl and len(digits) == 13 and digits.startswith("861"):
        digits, intl = digits[2:], True
        groups = [digits]
    if intl and not digits.startswith("0") and not (len(digits) == 11 and digits[0] == "1"):
        # +86 10 12345678 — international format drops the trunk 0
        digits = "0" + digits
        groups = ["0" + groups[0]] + groups[1:]

    # ---- mobile
    if not ext and len(digits) == 12 and digits.startswith("01") and digits[1:3] != "10":
        # 0 dialled before a mobile number (long-distance habit)
        if MOBILE_COMMON_PATTERN.fullmatch(digits[1:]):
            problems.append(warning(_PHONE_FIELD, f"手机号前多了一个0，已去掉：{digits[1:]}，请核对"))
            digits = digits[1:]
    if not ext and len(digits) == 11 and digits[0] == "1":
        if not MOBILE_COMMON_PATTERN.fullmatch(digits):
            problems.append(warning(_PHONE_FIELD, f"手机号{digits[:3]}号段不常见，请核对"))
        return PhoneCheck(True, digits, PHONE_KIND_MOBILE, tuple(problems))

    # ---- hotline
    if not ext and _is_hotline(digits):
        return PhoneCheck(
            True, digits, PHONE_KIND_HOTLINE,
            (warning(_PHONE_FIELD, "这是服务热线，不是个人联系电话，请尽量登记本人手机或固话"),),
        )
    if not ext and digits[:1] == "0" and _is_hotline(digits[_area_len(digits):]):
        return PhoneCheck(
            True, digits, PHONE_KIND_HOTLINE,
            (warning(_PHONE_FIELD, "这是服务热线，不是个人联系电话，请尽量登记本人手机或固话"),),
        )

    # ---- landline (extension after a hyphen: 010-12345678-123 / 01012345678-123)
    main = digits
    if not ext and len(groups) >= 2:
        g0 = groups[0]
        if len(groups) >= 3 and g0.startswith("0") and len(g0) in (3, 4):
            main, ext = g0 + groups[1], "".join(groups[2:])
        elif len(g0) >= 10 and g0.startswith("0"):
            main, ext = g0, "".join(groups[1:])
    if _is_landline(main):
        if ext and len(ext) > 6:
            return _phone_error(main + "-" + ext, "分机号过长（最多6位），请核对")
        normalized = main + ("-" + ext if ext else "")
        return PhoneCheck(True, normalized, PHONE_KIND_LANDLINE, tuple(problems))

    # ---- explain what is wrong
    if main[0] == "1":
        msg = f"手机号应为11位，现在是{len(main)}位，请核对"
    elif main[0] == "0":
        msg = "固定电话应为“区号+7或8位号码”（如010-12345678、0571-8888888），请核对位数"
    elif 7 <= len(main) <= 8:
        msg = "固定电话缺少区号，请在前面加上区号（如0571）"
    else:
        msg = "无法识别的电话号码，请填写11位手机号或带区号的固定电话"
    return _phone_error(main + ("-" + ext if ext else ""), msg)

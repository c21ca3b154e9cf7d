"""Masking of sensitive personal information for screens and printouts (domain.md §7.6, 个人信息保护法).

All functions are total: empty in → empty out, and unrecognised input is still masked (never shown in clear).
"""
from __future__ import annotations

import re

from xinfang.domain.validation import PHONE_KIND_HOTLINE, PHONE_KIND_LANDLINE, PHONE_KIND_MOBILE, check_phone

__all__ = ["mask_id_number", "mask_phone", "mask_name"]

# Common two-character (compound) surnames; the whole surname stays visible (欧阳** rather than 欧***).
_COMPOUND_SURNAMES = frozenset(
    """
    欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 司空 夏侯 令狐 澹台 端木 轩辕 西门 南宫 独孤
    呼延 申屠 百里 万俟 单于 闻人 赫连 钟离 公羊 太史 东郭 南门 拓跋 淳于 濮阳 仲孙 左丘 谷梁 段干 第五
    """.split()
)


def _mask_middle(s: str, keep_head: int, keep_tail: int) -> str:
    if len(s) <= keep_head + keep_tail:
        # too short to keep anything safely: keep at most the last character
        return "*" * (len(s) - 1) + s[-1:] if len(s) > 1 else "*" * len(s)
    return s[:keep_head] + "*" * (len(s) - keep_head - keep_tail) + s[len(s) - keep_tail :]


def mask_id_number(s: str) -> str:
    """Keep the first 6 (address code) and last 4 characters: 110105********002X (15-digit: 110105*****1002)."""
    t = "".join((s or "").split()).upper()
    if not t:
        return ""
    return _mask_middle(t, 6, 4)


def mask_phone(s: str) -> str:
    """Mobile → 138****5678; landline → area code kept plus the last 3–4 digits (010-****5678, 0571-****888).

    Hotlines are not personal and are shown as given (normalised). Anything unrecognised keeps only its
    first 3 and last 2 digits.
    """
    raw = (s or "").strip()
    if not raw:
        return ""
    chk = check_phone(raw)
    if chk.valid and chk.kind == PHONE_KIND_MOBILE:
        n = chk.normalized
        return n[:3] + "****" + n[7:]
    if chk.valid and chk.kind == PHONE_KIND_LANDLINE:
        main, _, ext = chk.normalized.partition("-")
        area_len = 3 if main[:2] in ("01", "02") else 4
        area, local = main[:area_len], main[area_len:]
        keep = 4 if len(local) >= 8 else 3
        masked = f"{area}-{'*' * (len(local) - keep)}{local[-keep:]}"
        return masked + (f"-{ext}" if ext else "")
    if chk.valid and chk.kind == PHONE_KIND_HOTLINE:
        return chk.normalized
    digits = "".join(ch for ch in raw if not ch.isspace())
    return _mask_middle(digits, 3, 2)


def mask_name(s: str) -> str:
    """Keep the surname: 张三 → 张*, 张三丰 → 张**, 欧阳娜娜 → 欧阳**; separators (·, spaces) stay visible."""
    t = (s or "").strip()
    if not t:
        return ""
    if len(t) == 1:
        return t
    keep = 2 if len(t) > 2 and t[:2] in _COMPOUND_SURNAMES else 1
    return t[:keep] + "".join(ch if ch in "·•． " else "*" for ch in t[keep:])


_NUMBER_IN_TEXT = re.compile(r"(?<![0-9])(?:0\d{2,3}-?)?\d{7,11}(?![0-9])")


def mask_phones_in(text: str) -> str:
    """Free text (an agent given as “赵律师 13700001111”) with every phone-like digit run masked as mask_phone does."""
    return _NUMBER_IN_TEXT.sub(lambda m: mask_phone(m.group()), text or "")

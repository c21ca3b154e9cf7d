"""Plain-text hygiene for anything typed or imported: control characters have no place in a record."""
from __future__ import annotations

import unicodedata

MULTILINE_OK = frozenset("\n\t\r")


def bad_character(text: str, multiline: bool = False) -> str | None:
    """A description of the first forbidden character in `text`, or None.

    Forbidden: NUL and every other control character (a line break or tab only where `multiline`),
    lone surrogates (cannot be saved as UTF-8), and invisible format characters such as the
    right-to-left override, which make a name read differently from what is stored.
    """
    for i, ch in enumerate(text):
        if multiline and ch in MULTILINE_OK:
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cs") or (cat == "Cf" and ch not in "\u200d\ufe0f"):   # keep emoji joiners
            what = {"\x00": "空字符(NUL)", "\n": "换行", "\r": "回车", "\t": "制表符"}.get(ch, f"U+{ord(ch):04X}")
            return f"第{i + 1}个字符是不可见的控制字符（{what}）"
    return None

"""Text similarity for the 重复访 "同人 + 同事" rule (domain.md §2.6): is this the same matter again?

The "same person" half is decided elsewhere (petitioner identity). This module only scores how close two short
Chinese summaries/demands are, so that the registration screen can say "此人曾于…反映过相似事项" and let the
clerk decide. It never decides alone.

Method — Dice coefficient over character bigrams, after normalisation:

* Chinese has no spaces; character bigrams are the standard cheap unit for short Chinese text and are robust to
  re-wording ("拖欠工资" / "工资被拖欠" share 拖欠, 工资).
* **Dice** ``2|A∩B| / (|A|+|B|)`` rather than the containment (overlap) coefficient ``|A∩B| / min(|A|,|B|)``:
  containment gives 1.0 whenever a short text is contained in a long one, so a four-character summary such as
  "拖欠工资" would "match" every wage complaint ever filed; Dice penalises that size mismatch. Dice is symmetric,
  1.0 for identical texts and 0 for texts with no shared bigram.
* Petition boilerplate ("反映", "要求", "问题", "解决", "相关部门"…) and joining characters (的, 其, 被…) appear in nearly
  every summary and say nothing about the matter, so they are cut out before bigrams are formed (unless nothing
  else is left). Texts equal after ``normalize_text`` (punctuation, spacing, full-width) score 1.0.
* Chinese numerals before a unit are mapped to Arabic digits on both sides ("三万元" ~ "3万元", "两年" ~ "2年").

``SAME_MATTER_THRESHOLD`` = 0.28 was chosen from the 12 + 12 realistic pairs in tests/domain/test_similarity.py:
re-worded repeats of the same matter scored 0.31–0.70; different matters of the same category scored 0.00–0.26,
except two "same estate / same developer, different grievance" pairs (0.33, 0.38) that bigrams cannot tell apart
from a re-wording. 0.28 sits midway between the highest ordinary different-matter score and the lowest re-wording.
For every anchor text the re-worded repeat still outscores its different-matter partner. The threshold favours
recall: a false hint costs the clerk a glance, a missed repeat mis-counts 重复访 and 初信初访.

Pure standard library. Bigram sets of recently seen texts are cached (LRU, 1,024), so the new
petition is processed once; 10,000 comparisons against distinct 200-character texts take about 0.5 s.
"""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["normalize_text", "matter_similarity", "SAME_MATTER_THRESHOLD", "is_same_matter"]

SAME_MATTER_THRESHOLD: float = 0.28

# Full-width ASCII (！..～) → half-width; ideographic space → space.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
# Anything that is not a letter/digit/CJK character (whitespace, punctuation, symbols, underscore).
_NON_WORD = re.compile(r"[\W_]+")

_NUMERALS = str.maketrans("〇零一二两三四五六七八九", "001223456789")
# Only numerals that count something (三万元, 两年, 五亩, 3号楼) — not 一直/一次, which need no mapping.
_HAS_NUMERAL = re.compile("[〇零一二两三四五六七八九]+(?=[十百千万亿元亩年月日个号楼层间套平岁人次])")
_HAS_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]+")

# Words that occur in almost every petition summary regardless of subject. They are cut out of the text before
# bigrams are formed, so they neither count themselves nor glue neighbouring words into fake bigrams ("映锦").
_BOILERPLATE = tuple(
    sorted(
        set(
            """
            反映 要求 请求 希望 问题 解决 处理 尽快 相关部门 有关部门 部门 有关 相关 政府 信访 来访 来信 投诉 举报
            诉求 事项 情况 进行 依法 给予 予以 协调 落实 答复 多次 再次 反复 至今 未果 未予 本人 我们 其中 以及
            并且 但是 没有 一直 目前 现在 上述 此事 事情 帮助 帮忙 维护 权益 合法 合理
            """.split()
        ),
        key=len,
        reverse=True,
    )
)
# Single function characters that only join words (的, 了, 其 as in 反映其…); also cut.
_FUNCTION_CHARS = "的了其并及与和被把将等也都就又还但而或从对向给"
# Segment boundaries for bigrams: boilerplate words and function characters. The look-ahead on first characters
# lets the regex engine skip most positions quickly.
_CUT = re.compile(
    "(?=[" + "".join(sorted({w[0] for w in _BOILERPLATE})) + _FUNCTION_CHARS + "])"
    "(?:" + "|".join(_BOILERPLATE) + f"|[{_FUNCTION_CHARS}])"
)


def normalize_text(s: str) -> str:
    """Drop whitespace, punctuation and symbols; full-width ASCII letters/digits → half-width; lower-case Latin."""
    if not s:
        return ""
    return _NON_WORD.sub("", _halfwidth(str(s))).lower()


def _halfwidth(s: str) -> str:
    # str.translate is slow on non-Latin text; only touch the (usually few) full-width runs.
    if _HAS_FULLWIDTH.search(s):
        return _HAS_FULLWIDTH.sub(lambda m: m.group().translate(_FULLWIDTH), s)
    return s


@lru_cache(maxsize=1024)
def _bigrams(s: str) -> frozenset[str]:
    t = normalize_text(s)
    t = _HAS_NUMERAL.sub(lambda m: m.group().translate(_NUMERALS), t)
    grams = frozenset(
        seg[i : i + 2] for seg in _CUT.split(t) for i in range(len(seg) - 1)
    )
    if not grams:  # nothing but boilerplate / single characters: fall back to the plain normalised text
        grams = frozenset(t[i : i + 2] for i in range(len(t) - 1)) or (frozenset((t,)) if t else frozenset())
    return grams


def matter_similarity(a: str, b: str) -> float:
    """Dice coefficient of the content bigrams of ``a`` and ``b``, in [0, 1]; symmetric.

    Two empty (or punctuation-only) texts score 0.0: nothing says they are the same matter.
    """
    ga, gb = _bigrams(a or ""), _bigrams(b or "")
    if not ga or not gb:
        return 0.0
    if ga is gb or ga == gb:
        return 1.0
    return 2.0 * len(ga & gb) / (len(ga) + len(gb))


def is_same_matter(a: str, b: str, threshold: float = SAME_MATTER_THRESHOLD) -> bool:
    """True when the two summaries are probably the same matter (a hint for the clerk, not a decision)."""
    return matter_similarity(a, b) >= threshold

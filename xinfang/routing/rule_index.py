"""The 权责清单 rule index: rules grouped by category key, keyword rules by the first character of each
keyword, so a decision over 5,000 rules touches only the few rules that can match; cached per `RuleSet`."""
from __future__ import annotations

import weakref
from datetime import date
from typing import Iterable, Sequence

from xinfang.domain.rules import Rule, RuleSet


def normalize_category(category: str) -> str:
    c = str(category or "").strip().replace("／", "/").replace("\\", "/")
    if "/" not in c:
        return c
    first, _, second = c.partition("/")
    first, second = first.strip(), second.strip()
    return f"{first}/{second}" if second else first


class _Bucket:
    __slots__ = ("plain", "by_char")

    def __init__(self) -> None:
        self.plain: list[Rule] = []
        self.by_char: dict[str, list[tuple[str, Rule]]] = {}


class RuleIndex:
    """Rules grouped for fast matching. Build once per rule set (`route` caches it per RuleSet)."""

    def __init__(self, rules: Iterable[Rule], version: int | None = None):
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.version = version
        self._buckets: dict[str, _Bucket] = {}
        for r in self.rules:
            b = self._buckets.setdefault(normalize_category(r.category), _Bucket())
            kws = [k for k in r.keywords if k]
            if not kws:
                b.plain.append(r)
            else:
                for k in kws:
                    b.by_char.setdefault(k[0], []).append((k, r))

    def __len__(self) -> int:
        return len(self.rules)

    def match(self, category: str, text: str, place: str, on_date: date | None = None
              ) -> tuple[list[Rule], list[Rule]]:
        """Rules whose conditions all hold: (valid on `on_date`, sorted best first;
        matching but outside their dates)."""
        cat = normalize_category(category)
        keys = [""]
        if cat:
            first = cat.split("/", 1)[0]
            keys.append(first)
            if cat != first:
                keys.append(cat)
        chars = set(text) if text else set()
        place_digits = place.isdigit() if place else False
        seen: dict[int, Rule] = {}
        for key in keys:
            b = self._buckets.get(key)
            if b is None:
                continue
            for r in b.plain:
                seen[id(r)] = r
            if chars and b.by_char:
                if len(b.by_char) <= len(chars):
                    firsts = [c for c in b.by_char if c in chars]
                else:
                    firsts = [c for c in chars if c in b.by_char]
                for c in firsts:
                    for kw, r in b.by_char[c]:
                        if id(r) not in seen and kw in text:
                            seen[id(r)] = r
        valid: list[Rule] = []
        dated_out: list[Rule] = []
        for r in seen.values():
            if r.area:
                if not place:
                    continue
                if place_digits and r.area.isdigit():
                    if not place.startswith(r.area):
                        continue
                elif r.area != place:
                    continue
            (valid if r.valid_on(on_date) else dated_out).append(r)
        valid.sort(key=_rank)
        dated_out.sort(key=_rank)
        return valid, dated_out


def _rank(r: Rule) -> tuple:
    return (-r.conditions, -r.priority, r.row)


_INDEX_CACHE: "weakref.WeakKeyDictionary[RuleSet, RuleIndex]" = weakref.WeakKeyDictionary()


def compile_rules(rules: RuleSet | RuleIndex | Sequence[Rule] | None) -> RuleIndex:
    if isinstance(rules, RuleIndex):
        return rules
    if rules is None:
        return RuleIndex(())
    if isinstance(rules, RuleSet):
        idx = _INDEX_CACHE.get(rules)
        if idx is None:
            idx = RuleIndex(rules.rules, rules.version)
            _INDEX_CACHE[rules] = idx
        return idx
    return RuleIndex(rules)

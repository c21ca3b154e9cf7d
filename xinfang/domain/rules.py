"""The 权责清单 (list of powers and responsibilities) as values: rules and versioned rule sets.

Pure: standard library only. A `Rule` is one row of the imported sheet; its conditions are a
category ("一级/二级", "一级" or "" = any), keywords (any of; () = any) and an area (a normalised
area code; "" = any). The engine in `xinfang.routing` matches them.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date


@dataclass(frozen=True)
class Rule:
    row: int                          # row number in the imported sheet (header = 1)
    category: str = ""                # "一级/二级", "一级" or "" (any)
    keywords: tuple[str, ...] = ()    # any of; () = any
    area: str = ""                    # normalised area code; "" = any
    unit: str = ""                    # responsible unit code
    priority: int = 0                 # higher wins among equally specific rules
    basis: str = ""                   # 依据
    valid_from: date | None = None
    valid_to: date | None = None

    @property
    def conditions(self) -> int:
        """How specific the rule is: a two-level category counts 2, a first-level one 1, keywords 1,
        an area 1. More conditions matched beats fewer."""
        n = 0
        if self.category:
            n += 2 if "/" in self.category else 1
        if self.keywords:
            n += 1
        if self.area:
            n += 1
        return n

    def valid_on(self, on: date | None) -> bool:
        if on is None:
            return True
        if self.valid_from is not None and on < self.valid_from:
            return False
        if self.valid_to is not None and on > self.valid_to:
            return False
        return True

    def describe(self) -> str:
        """The rule's conditions in Chinese, for reasons and change lists."""
        parts = [f"事项类别“{self.category}”" if self.category else "事项类别不限"]
        if self.keywords:
            parts.append("关键词“" + "、".join(self.keywords) + "”")
        if self.area:
            parts.append(f"属地“{self.area}”")
        return "，".join(parts)

    @property
    def key(self) -> tuple:
        """What identifies a rule across versions: its conditions (not its row number)."""
        return (self.category, tuple(sorted(self.keywords)), self.area)

    def same_content(self, other: "Rule") -> bool:
        return replace(self, row=0) == replace(other, row=0)

    def to_dict(self) -> dict:
        return {"row": self.row, "category": self.category, "keywords": list(self.keywords),
                "area": self.area, "unit": self.unit, "priority": self.priority, "basis": self.basis,
                "valid_from": self.valid_from.isoformat() if self.valid_from else None,
                "valid_to": self.valid_to.isoformat() if self.valid_to else None}


@dataclass(frozen=True, eq=False)
class RuleSet:
    """One version of the 权责清单. Compared by identity (the engine caches its index per set)."""

    version: int
    rules: tuple[Rule, ...] = ()
    note: str = ""

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self):
        return iter(self.rules)

    def by_row(self, row: int) -> Rule | None:
        return next((r for r in self.rules if r.row == row), None)


def diff_rulesets(old: RuleSet | tuple[Rule, ...], new: RuleSet | tuple[Rule, ...]
                  ) -> tuple[tuple[Rule, ...], tuple[Rule, ...], tuple[tuple[Rule, Rule], ...]]:
    """What changed from `old` to `new`: (added, removed, changed as (old, new) pairs).

    Rules are paired by their conditions (category, keywords, area); a pair whose unit, priority,
    basis or dates differ is "changed". Moving a row without changing it is not a change.
    """
    old_rules = tuple(old.rules if isinstance(old, RuleSet) else old)
    new_rules = tuple(new.rules if isinstance(new, RuleSet) else new)
    pool: dict[tuple, list[Rule]] = {}
    for r in old_rules:
        pool.setdefault(r.key, []).append(r)
    added: list[Rule] = []
    changed: list[tuple[Rule, Rule]] = []
    unmatched_new: list[Rule] = []
    # first pair identical rules, then pair what is left by key
    for r in new_rules:
        cands = pool.get(r.key, [])
        same = next((o for o in cands if o.same_content(r)), None)
        if same is not None:
            cands.remove(same)
        else:
            unmatched_new.append(r)
    for r in unmatched_new:
        cands = pool.get(r.key, [])
        if cands:
            changed.append((cands.pop(0), r))
        else:
            added.append(r)
    remaining = {id(x) for v in pool.values() for x in v}
    removed = [r for r in old_rules if id(r) in remaining]
    return tuple(added), tuple(removed), tuple(changed)

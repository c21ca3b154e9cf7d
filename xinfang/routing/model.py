"""Routing inputs and outputs: `RoutingInput` (the routing view of a case), `Decision`, the channels and
the principles with their Chinese names, the default chain and `normalize_chain`."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Iterable

from xinfang.domain.model import CaseDraft
from xinfang.domain.units import UnitKind

ACCUSATION_PURPOSE = "检举控告"


class RouteChannel(str, Enum):
    HANDLE = "办理"          # 转送/交办 to a unit at our level or below
    DISCIPLINE = "纪检监察"   # 检举控告 to the 纪检监察 organ
    LEGAL = "法定途径"        # 诉访分离: litigation, arbitration, review, other statutory procedures
    ESCALATE = "上报上级"     # 分级负责: the responsible unit is above our level


class Principle(str, Enum):
    ACCUSATION = "accusation"
    LITIGATION = "litigation"
    CAUSED_BY = "caused_by"
    COMPETENT = "competent"
    TERRITORIAL = "territorial"
    LEVEL = "level"

    @property
    def label(self) -> str:
        return PRINCIPLE_NAMES[self.value]


PRINCIPLE_NAMES = {
    "accusation": "检举控告",
    "litigation": "诉访分离",
    "caused_by": "谁引发谁负责",
    "competent": "谁主管谁负责",
    "territorial": "属地单位负责",
    "level": "分级负责",
}

# The district's default order. An administrator may reorder or drop entries; see `normalize_chain`.
DEFAULT_CHAIN: tuple[Principle, ...] = (
    Principle.ACCUSATION, Principle.LITIGATION, Principle.CAUSED_BY,
    Principle.COMPETENT, Principle.TERRITORIAL, Principle.LEVEL,
)

# legal_status facts → (procedure name, the kind of the competent organ; None = the 复议机关)
LEGAL_STATUS_PROCEDURES: dict[str, tuple[str, UnitKind | None]] = {
    "已起诉": ("诉讼", UnitKind.COURT),
    "已申请仲裁": ("仲裁", UnitKind.ARBITRATION),
    "已申请复议": ("行政复议", None),
    "其他法定途径": ("其他法定途径", None),
}


def normalize_chain(chain: Iterable[str | Principle]) -> tuple[Principle, ...]:
    """Principle codes or their Chinese names → principles, duplicates dropped, order kept."""
    by_name = {v: k for k, v in PRINCIPLE_NAMES.items()}
    out: list[Principle] = []
    for item in chain:
        key = item.value if isinstance(item, Principle) else str(item).strip()
        key = by_name.get(key, key)
        try:
            p = Principle(key)
        except ValueError:
            raise ValueError(f"未知的分办原则“{item}”，可用：" + "、".join(PRINCIPLE_NAMES.values())) from None
        if p not in out:
            out.append(p)
    return tuple(out)


# --- inputs and outputs --------------------------------------------------------------------------

@dataclass(frozen=True)
class RoutingInput:
    purpose: str = ""                 # Purpose value: 建议意见 / 检举控告 / 申诉求决
    category: str = ""                # "一级/二级" or "一级"
    text: str = ""                    # summary + content + demands
    place_code: str = ""              # area code (or a place name, resolved through the directory)
    caused_by: str = ""               # unit code or name
    accused_unit: str = ""            # unit code or name (检举控告)
    legal_status: str = ""            # 已起诉 / 已申请仲裁 / 已申请复议 / 其他法定途径
    on_date: date | None = None       # rules are matched as valid on this date (None: dates ignored)

    @classmethod
    def from_draft(cls, draft: CaseDraft, on_date: date | None = None) -> "RoutingInput":
        """The routing view of a registration draft; `on_date` defaults to the date received."""
        if on_date is None and draft.received_at is not None:
            on_date = draft.received_at.date()
        purpose = getattr(draft.purpose, "value", draft.purpose) or ""
        text = "\n".join(t for t in (draft.summary, draft.content, draft.demands) if t)
        return cls(purpose=str(purpose), category=draft.category or "", text=text,
                   place_code=draft.place_code or draft.place or "", caused_by=draft.caused_by or "",
                   accused_unit=draft.accused_unit or "", legal_status=draft.legal_status or "",
                   on_date=on_date)


@dataclass(frozen=True)
class Decision:
    unit: str                                  # unit code; "" when a person must decide
    unit_name: str
    channel: str                               # RouteChannel value
    principle: str                             # Principle code ("" when none applied)
    rule: int | None = None                    # 权责清单 row that decided, if any
    rule_version: int | None = None            # version of the rule set considered
    reasons: tuple[str, ...] = ()              # one line per principle considered
    alternatives: tuple[tuple[str, str], ...] = ()   # (code, name)
    needs_manual: bool = False
    restricted: bool = False                   # 检举控告: access limited, never to the accused

    @property
    def principle_name(self) -> str:
        return PRINCIPLE_NAMES.get(self.principle, "")

    def to_dict(self) -> dict:
        return {
            "unit": self.unit,
            "unit_name": self.unit_name,
            "channel": self.channel,
            "principle": self.principle,
            "rule": self.rule,
            "rule_version": self.rule_version,
            "reasons": list(self.reasons),
            "alternatives": [{"unit": c, "unit_name": n} for c, n in self.alternatives],
            "needs_manual": self.needs_manual,
            "restricted": self.restricted,
        }

"""The 人民调解卷宗 (domain.md §6.6): which documents a file needs before 归档, and the 以奖代补 rates.

Pure. A document is *present* when xinfang generated it (printed it for this dispute) or a file of
that kind was attached; the service collects those kinds and asks `check_file`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

# Kinds of document in the order of the file-cover template (§6.6), with their full names.
DOCUMENTS = {
    "申请书": "人民调解申请书",
    "受理登记表": "人民调解受理登记表",
    "告知书": "当事人权利义务告知书",
    "身份证明": "当事人身份证明",
    "授权委托书": "授权委托书",
    "调查记录": "调查记录",
    "证据": "证据材料",
    "调解记录": "调解记录",
    "协议书": "人民调解协议书",
    "履行凭证": "履行凭证",
    "回访记录": "回访记录",
    "司法确认材料": "司法确认材料",
    "卷宗情况说明": "卷宗情况说明",
}
OPTIONAL = ("授权委托书", "调查记录", "证据", "履行凭证", "回访记录", "司法确认材料", "卷宗情况说明")

# `dispute print KIND` → the document kind the printout counts as (the cover itself is not a document).
PRINT_KINDS = {"申请书": "申请书", "受理登记表": "受理登记表", "告知书": "告知书", "调解记录": "调解记录",
               "协议书": "协议书", "回访记录": "回访记录", "司法确认申请书": "司法确认材料", "卷宗封面": ""}


@dataclass(frozen=True)
class FileItem:
    kind: str
    name: str
    required: bool
    present: bool

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "required": self.required, "present": self.present}


@dataclass(frozen=True)
class FileCheck:
    items: tuple[FileItem, ...]

    @property
    def missing(self) -> list[str]:
        return [i.name for i in self.items if i.required and not i.present]

    def to_dict(self) -> dict:
        return {"missing": self.missing, "items": [i.to_dict() for i in self.items]}


def check_file(present: Iterable[str], *, accepted: bool, sessions: int, agreement: bool) -> FileCheck:
    """The checklist: 申请书 or 受理登记表 and 身份证明 always; 权利义务告知书 once accepted; 调解记录 once a session
    was held; 调解协议书 for an agreement; the rest optional (listed as present or absent)."""
    have = set(present)
    items: list[FileItem] = []
    either = bool(have & {"申请书", "受理登记表"})
    items.append(FileItem("申请书", "人民调解申请书或受理登记表", True, either))
    items.append(FileItem("身份证明", DOCUMENTS["身份证明"], True, "身份证明" in have))
    items.append(FileItem("告知书", DOCUMENTS["告知书"], accepted, "告知书" in have))
    items.append(FileItem("调解记录", DOCUMENTS["调解记录"], sessions > 0, "调解记录" in have))
    items.append(FileItem("协议书", DOCUMENTS["协议书"], agreement, "协议书" in have))
    for kind in OPTIONAL:
        items.append(FileItem(kind, DOCUMENTS[kind], False, kind in have))
    return FileCheck(tuple(items))


# ---- 以奖代补 -------------------------------------------------------------------------------------

DEFAULT_RATES = {"default": {"低": 100, "中": 200, "高": 300}, "by_type": {}}


def reward_cents(rates: Mapping, dispute_type: str, difficulty: str) -> int:
    """The reward (fen) for one successful mediation: the type's row of the table if it has one, else the
    default row; the column is the difficulty (the dispute's risk level, 低 when not set)."""
    row = (rates.get("by_type") or {}).get(dispute_type) or rates.get("default") or {}
    value = row.get(difficulty or "低", row.get("低", 0))
    return round(float(value) * 100)


def split_cents(total: int, people: int) -> list[int]:
    """An amount shared by ``people`` mediators in whole fen (the remainder goes to the first ones)."""
    if people <= 0:
        return []
    base, rest = divmod(total, people)
    return [base + (1 if i < rest else 0) for i in range(people)]


def validate_rates(rates) -> list[str]:
    """Problems of a rate table given by an administrator (empty when fine)."""
    problems = []
    if not isinstance(rates, Mapping) or not isinstance(rates.get("default"), Mapping):
        return ["标准表应为对象，含 default（按难度：低/中/高 的金额）和可选的 by_type（按纠纷类型）"]
    rows = [("default", rates["default"])] + list((rates.get("by_type") or {}).items())
    for name, row in rows:
        if not isinstance(row, Mapping):
            problems.append(f"{name}：应为 低/中/高 到金额的对象")
            continue
        for k, v in row.items():
            if k not in ("低", "中", "高"):
                problems.append(f"{name}：难度“{k}”应为 低、中 或 高")
            elif isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                problems.append(f"{name}：{k} 的金额应为不小于 0 的数字")
    return problems

"""The petition record as frozen values. Storage builds these; services and front ends read them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from .enums import (Channel, PartyKind, PetitionerRole, Purpose, Status, Step)


@dataclass(frozen=True)
class Petitioner:
    name: str = ""
    kind: PartyKind = PartyKind.PERSON
    id_number: str = ""          # 身份证号 (normalised) for a person, 统一社会信用代码 for an organisation
    phone: str = ""              # normalised digits
    address: str = ""
    role: PetitionerRole = PetitionerRole.PETITIONER
    anonymous: bool = False
    sex: str = ""                # 男/女, derived from the ID number when present
    birth: date | None = None

    @property
    def display_name(self) -> str:
        return "匿名" if self.anonymous and not self.name else self.name


@dataclass(frozen=True)
class Attachment:
    filename: str
    sha256: str
    size: int
    stored_path: str = ""
    added_at: datetime | None = None


@dataclass(frozen=True)
class CaseDraft:
    """What a clerk types at registration (or a script passes to `case add`)."""

    channel: Channel
    received_at: datetime
    purpose: Purpose
    category: str                      # "一级/二级" or "一级"
    summary: str
    content: str = ""
    demands: str = ""
    place: str = ""                    # 问题发生地, human-readable (区/街道/社区/网格)
    place_code: str = ""               # 区划代码 down to community (12 digits) or grid
    petitioners: tuple[Petitioner, ...] = ()
    headcount: int = 1
    work_order_no: str = ""            # 12345 工单号
    reception_leader: str = ""         # 接谈领导
    public_reception: bool = False     # 公开接访日
    caused_by: str = ""                # 谁引发: unit code or name
    accused_unit: str = ""             # 检举控告: the accused unit (code or name)
    legal_status: str = ""             # 已起诉/已申请仲裁/已申请复议/…
    unit: str = ""                     # responsible unit chosen by the clerk (overrides the suggestion)
    override_reason: str = ""          # why the clerk chose another unit than the suggested one
    attachments: tuple[str, ...] = ()  # file paths to copy in
    reached_level: str = "本级"         # 越级情况: 本级/到区/到市/到省/进京
    irregular: bool = False            # 非正常上访
    irregular_note: str = ""           # … and what happened (short description)

    @property
    def is_collective(self) -> bool:
        return self.channel == Channel.VISIT and self.headcount >= 5


@dataclass(frozen=True)
class Clock:
    """One statutory clock of a case: started by a trigger, possibly extended, tolled or stopped."""

    step: Step
    trigger: date
    days: int
    unit: str                  # "calendar" | "working"
    roll_forward: bool
    due: date
    extra_days: int = 0        # approved extension
    tolled_days: int = 0       # e.g. hearing days, not counted
    stopped_on: date | None = None

    @property
    def running(self) -> bool:
        return self.stopped_on is None


@dataclass(frozen=True)
class Deadline:
    """A clock as a clerk reads it: due date, state and the explanation."""

    step: Step
    due: date
    state: str                 # DueState value
    explain: tuple[str, ...]
    running: bool
    stopped_on: date | None = None

    def to_dict(self) -> dict:
        return {
            "step": self.step.value,
            "label": self.step.label,
            "due": self.due.isoformat(),
            "state": self.state,
            "explain": list(self.explain),
            "running": self.running,
            "stopped_on": self.stopped_on.isoformat() if self.stopped_on else None,
        }


@dataclass(frozen=True)
class Event:
    case_id: str
    seq: int
    action: str
    at: datetime                # when it happened (as told by the user)
    recorded_at: datetime       # when it was written (the clock)
    actor: str
    payload: dict = field(default_factory=dict)
    prev_hash: str = ""
    hash: str = ""


@dataclass(frozen=True)
class Case:
    id: str                      # UUID
    row: int                     # internal integer key
    number: str                  # e.g. 2026-信-000123
    office: str                  # registering unit code
    draft: CaseDraft
    status: Status
    registered_at: datetime
    handling_unit: str = ""
    handling_unit_name: str = ""
    disposition: str = ""        # 转送/交办/直接受理/告知/转政法/转纪检监察/存档
    restricted: bool = False     # 检举控告: access limited, never shown to the accused
    repeat_of: str = ""          # earliest earlier case of the same person + matter
    repeat_ids: tuple[str, ...] = ()          # UUIDs of the earlier cases of the same person + matter
    repeat_numbers: tuple[str, ...] = ()      # … and their human numbers, same order (earliest first)
    no_longer_accept_candidate: bool = False
    outcome: str = ""
    rating: str = ""
    closure_reason: str = ""
    closed_at: datetime | None = None
    clocks: tuple[Clock, ...] = ()
    events: tuple[Event, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    route: dict = field(default_factory=dict)   # routing decision summary (issue: 谁主管谁负责)
    registered_by: str = ""      # login of the clerk who registered it (may see a restricted case)
    masked: bool = False         # ID numbers and phones already masked for this reader
    redacted: bool = False       # reporter and text replaced by 【限制知悉】 for this reader
    version: int = 0             # goes up with every change: an action on an older version is refused

    def clock(self, step: Step) -> Clock | None:
        return next((c for c in self.clocks if c.step == step), None)

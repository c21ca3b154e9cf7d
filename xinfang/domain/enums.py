"""Closed vocabularies of the domain.

Values are the Chinese words users see and type (they are also what the CLI JSON carries), except
where a stable English code is part of the CLI contract (Status, Step, Action).
"""
from __future__ import annotations

from enum import Enum


class Channel(str, Enum):
    LETTER = "来信"
    VISIT = "来访"
    ONLINE = "网上"
    CALL = "来电"
    FAX = "传真"
    HOTLINE_12345 = "12345"
    TRANSFERRED_IN = "部门转入"
    OTHER = "其他"


class Purpose(str, Enum):
    SUGGESTION = "建议意见"
    ACCUSATION = "检举控告"
    COMPLAINT = "申诉求决"


class PartyKind(str, Enum):
    PERSON = "个人"
    ORGANISATION = "单位"


class PetitionerRole(str, Enum):
    PETITIONER = "信访人"
    REPRESENTATIVE = "代表"
    AGENT = "代理人"


class Status(str, Enum):
    """Case states; the English value is the stable code used in CLI JSON and the database."""

    REGISTERED = "registered"
    PENDING_ACCEPTANCE = "pending_acceptance"
    HANDLING = "handling"
    REPLIED = "replied"
    SERVED = "served"
    RATED = "rated"
    REVIEW_REQUESTED = "review_requested"
    REVIEWED = "reviewed"
    RECHECK_REQUESTED = "recheck_requested"
    RECHECKED = "rechecked"
    DECLINED = "declined"
    INFORMED = "informed"
    TRANSFERRED = "transferred"
    ARCHIVED = "archived"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.REGISTERED: "待处置",
    Status.PENDING_ACCEPTANCE: "待受理",
    Status.HANDLING: "办理中",
    Status.REPLIED: "已答复待送达",
    Status.SERVED: "已送达待评价",
    Status.RATED: "已评价",
    Status.REVIEW_REQUESTED: "复查中",
    Status.REVIEWED: "已复查",
    Status.RECHECK_REQUESTED: "复核中",
    Status.RECHECKED: "已复核",
    Status.DECLINED: "不予受理",
    Status.INFORMED: "已告知",
    Status.TRANSFERRED: "已转政法/纪检",
    Status.ARCHIVED: "已存档",
    Status.CLOSED: "已终结",
}


class Step(str, Enum):
    """Statutory clocks. English values are the CLI contract (`deadlines[].step`)."""

    DISPOSE = "dispose"                  # 信访部门 15 日内处置
    NOTICE = "notice"                    # 承办单位 15 日内告知受理与否
    OBJECT = "object"                    # 5 个工作日内提出异议
    HANDLE = "handle"                    # 60 日办理 (+≤30 延期)
    REVIEW_REQUEST = "review_request"    # 答复送达后 30 日内可申请复查
    REVIEW = "review"                    # 30 日内作出复查意见
    RECHECK_REQUEST = "recheck_request"  # 复查意见送达后 30 日内可申请复核
    RECHECK = "recheck"                  # 30 日内作出复核意见 (听证时间不计)

    @property
    def label(self) -> str:
        return STEP_LABELS[self]

    @property
    def is_window(self) -> bool:
        """A petitioner's request window, not a duty of the office."""
        return self in (Step.REVIEW_REQUEST, Step.RECHECK_REQUEST)


STEP_LABELS = {
    Step.DISPOSE: "处置期限",
    Step.NOTICE: "受理告知期限",
    Step.OBJECT: "异议期限",
    Step.HANDLE: "办理期限",
    Step.REVIEW_REQUEST: "复查申请期",
    Step.REVIEW: "复查期限",
    Step.RECHECK_REQUEST: "复核申请期",
    Step.RECHECK: "复核期限",
}


class DueState(str, Enum):
    NORMAL = "正常"
    NEAR = "临期"
    OVERDUE = "逾期"
    DONE_ON_TIME = "按期完成"
    DONE_LATE = "逾期完成"


class ReplyOutcome(str, Enum):
    SUPPORT = "支持"
    PARTIAL = "部分支持"
    EXPLAIN = "解释说明"
    REJECT = "不予支持"


class Rating(str, Enum):
    SATISFIED = "满意"
    BASICALLY = "基本满意"
    UNSATISFIED = "不满意"
    UNRATED = "未评价"


class ClosureReason(str, Enum):
    """domain.md §2.7 (national, 山东 §46, 浙江 §25, 上海 §42)."""

    RECHECK_SERVED = "复核意见已送达"
    NO_TIMELY_REQUEST = "逾期未申请复查复核"
    SATISFIED_AFTER_REPLY = "答复后息诉罢访"
    MEDIATION_AGREEMENT = "达成调解协议"
    AGREEMENT_PERFORMED = "调解协议已履行"
    PETITIONER_GONE = "信访人死亡或终止且无承继人"
    CITY_CHECK = "经市级核查终结"
    NOT_ACCEPTED = "不予受理告知已送达"
    OTHER_CHANNEL = "已导入其他法定途径"
    OTHER_LEGAL = "其他法定情形"


class TransferTarget(str, Enum):
    LEGAL = "政法"
    DISCIPLINE = "纪检监察"


class LegalStatus(str, Enum):
    NONE = ""
    SUED = "已起诉"
    ARBITRATION = "已申请仲裁"
    ADMIN_REVIEW = "已申请复议"
    OTHER = "其他法定途径"


class ReachedLevel(str, Enum):
    """越级情况: the highest level the petitioner went to with this matter (default 本级)."""

    LOCAL = "本级"
    DISTRICT = "到区"
    CITY = "到市"
    PROVINCE = "到省"
    BEIJING = "进京"

"""People's mediation (人民调解, domain.md §5): vocabularies and the dispute lifecycle as a table.

`plan(state, action, at, data)` is pure: it returns a `Transition` (new status, projection updates,
event payload, warnings) or raises `DomainError` with a Chinese reason; the service applies it in
one transaction. Dates that need the calendar (the 司法确认 window) are computed by the service and
passed in on the state.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, Mapping

from .problems import DomainError


class DisputeStatus(str, Enum):
    """Stable English codes (database, CLI JSON) with the Chinese labels users see."""

    REGISTERED = "registered"
    MEDIATING = "mediating"
    DECLINED = "declined"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"
    HANDED_OVER = "handed_over"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    DisputeStatus.REGISTERED: "登记", DisputeStatus.MEDIATING: "调解中", DisputeStatus.DECLINED: "不予受理",
    DisputeStatus.SUCCEEDED: "调解成功", DisputeStatus.FAILED: "调解不成", DisputeStatus.WITHDRAWN: "撤回",
    DisputeStatus.HANDED_OVER: "转其他调解", DisputeStatus.ARCHIVED: "已归档",
}
OPEN_STATUSES = frozenset({DisputeStatus.REGISTERED, DisputeStatus.MEDIATING})


class Source(str, Enum):
    APPLICATION = "当事人申请"
    OWN_INITIATIVE = "调委会主动调解"
    REFERRAL = "委托移送"


class ReferredBy(str, Enum):
    COURT = "法院"
    POLICE = "公安"
    PETITION = "信访"
    GOVERNMENT = "政府部门"
    OTHER = "其他"


class MediationKind(str, Enum):
    PEOPLE = "人民调解"
    ADMINISTRATIVE = "行政调解"
    JUDICIAL = "司法调解"


class Side(str, Enum):
    APPLICANT = "申请人"
    RESPONDENT = "被申请人"
    THIRD = "第三人"


class Risk(str, Enum):
    LOW = "低"
    MEDIUM = "中"
    HIGH = "高"


# Risk reasons the monthly bulletin counts as 防止转化 when the dispute ends in an agreement (§4.2).
RISK_CRIMINAL = "可能激化为刑事案件"
RISK_GROUP_PETITION = "可能引发群体性上访"
RISK_REASONS = (RISK_CRIMINAL, RISK_GROUP_PETITION, "可能引发治安案件", "可能引发个人极端行为", "其他")


class CommitteeCategory(str, Enum):
    VILLAGE = "村"
    RESIDENTS = "居"
    STREET = "街道"
    INDUSTRY = "行业性"
    ENTERPRISE = "企业"


class AgreementForm(str, Enum):
    WRITTEN = "书面"
    ORAL = "口头"


class Performance(str, Enum):
    IMMEDIATE = "即时履行"
    ON_TIME = "按期履行"
    PARTIAL = "部分履行"
    NOT_PERFORMED = "未履行"


FULLY_PERFORMED = frozenset({Performance.IMMEDIATE, Performance.ON_TIME})


class ConfirmResult(str, Enum):
    VALID = "确认有效"
    REFUSED = "不予确认"


class Satisfaction(str, Enum):
    SATISFIED = "满意"
    FAIRLY = "基本满意"
    DISSATISFIED = "不满意"


class FailChannel(str, Enum):
    LITIGATION = "诉讼"
    ARBITRATION = "仲裁"
    ADMINISTRATIVE = "行政处理"
    PETITION = "信访"


# Grounds for not accepting (domain.md §5.1; 人民调解法 §17).
DECLINE_GROUNDS = ("一方当事人明确拒绝调解", "法律法规规定只能由专门机关管辖处理", "已被人民法院、公安机关或其他行政机关受理",
                   "涉嫌违法犯罪")

# The 15 types of the monthly bulletin (domain.md §4.2); an editable dictionary seeds from it.
DEFAULT_TYPES = ("婚姻家庭", "邻里", "房屋宅基地", "合同", "生产经营", "损害赔偿", "山林土地", "征地拆迁", "环境污染",
                 "劳动争议", "消费", "医疗", "道路交通事故", "物业", "其它")

RETENTION_PERIODS = ("永久", "长期", "短期")


class Action(str, Enum):
    ACCEPT = "accept"
    DECLINE = "decline"
    SESSION = "session"
    EXTEND = "extend"
    SUCCEED = "succeed"
    FAIL = "fail"
    WITHDRAW = "withdraw"
    HANDOVER = "handover"
    PERFORM = "perform"
    CONFIRM_APPLY = "confirm-apply"
    CONFIRM_RESULT = "confirm-result"
    FOLLOWUP = "followup"
    ARCHIVE = "archive"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.ACCEPT: "受理", Action.DECLINE: "不予受理", Action.SESSION: "调解记录", Action.EXTEND: "延长调解期限",
    Action.SUCCEED: "调解成功", Action.FAIL: "调解不成", Action.WITHDRAW: "撤回", Action.HANDOVER: "转其他调解",
    Action.PERFORM: "履行情况", Action.CONFIRM_APPLY: "申请司法确认", Action.CONFIRM_RESULT: "司法确认结果",
    Action.FOLLOWUP: "回访", Action.ARCHIVE: "归档",
}
# Timeline names of events that are not transitions.
EVENT_LABELS = {"register": "登记", "attach": "添加附件", "document": "生成文书", "close-petition": "信访件结案",
                "recompute": "期限重算"}

S = DisputeStatus
_ENDED = frozenset({S.DECLINED, S.SUCCEEDED, S.FAILED, S.WITHDRAWN, S.HANDED_OVER})
# action -> (states it may be taken from, the state it leads to; None = stay)
TABLE: Mapping[Action, tuple[frozenset[DisputeStatus], DisputeStatus | None]] = {
    Action.ACCEPT: (frozenset({S.REGISTERED}), S.MEDIATING),
    Action.DECLINE: (frozenset({S.REGISTERED}), S.DECLINED),
    Action.SESSION: (frozenset({S.MEDIATING}), None),
    Action.EXTEND: (frozenset({S.MEDIATING}), None),
    Action.SUCCEED: (frozenset({S.MEDIATING}), S.SUCCEEDED),
    Action.FAIL: (frozenset({S.MEDIATING}), S.FAILED),
    Action.WITHDRAW: (frozenset({S.REGISTERED, S.MEDIATING}), S.WITHDRAWN),
    Action.HANDOVER: (frozenset({S.REGISTERED, S.MEDIATING}), S.HANDED_OVER),
    Action.PERFORM: (frozenset({S.SUCCEEDED}), None),
    Action.CONFIRM_APPLY: (frozenset({S.SUCCEEDED}), None),
    Action.CONFIRM_RESULT: (frozenset({S.SUCCEEDED}), None),
    Action.FOLLOWUP: (frozenset({S.SUCCEEDED}), None),
    Action.ARCHIVE: (_ENDED, S.ARCHIVED),
}


@dataclass(frozen=True)
class DisputeState:
    """What the lifecycle needs to know about a dispute (a projection row)."""

    status: DisputeStatus
    kind: MediationKind = MediationKind.PEOPLE
    received_on: date | None = None
    accepted_on: date | None = None
    sessions: int = 0
    last_session_on: date | None = None
    extended: bool = False
    agreement_form: str = ""
    effective_on: date | None = None
    confirm_due: date | None = None          # last day of the 司法确认 window (computed by the service)
    confirm_applied_on: date | None = None
    confirm_result: str = ""
    performance: str = ""
    followups: int = 0
    missing_documents: tuple[str, ...] = ()  # the 卷宗 check (computed by the service)


@dataclass(frozen=True)
class Transition:
    action: Action
    to: DisputeStatus
    updates: dict = field(default_factory=dict)
    payload: dict = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def as_action(text: str) -> Action:
    try:
        return Action(text)
    except ValueError:
        for a, label in ACTION_LABELS.items():
            if label == text:
                return a
        raise DomainError(f"未知的操作“{text}”，可用：" + "、".join(f"{a.value}（{a.label}）" for a in Action)) from None


def allowed_actions(state: DisputeState) -> list[Action]:
    out = []
    for a, (froms, _) in TABLE.items():
        if state.status not in froms:
            continue
        if a == Action.EXTEND and state.extended:
            continue
        if a == Action.CONFIRM_APPLY and (state.agreement_form != AgreementForm.WRITTEN.value or state.confirm_applied_on):
            continue
        if a == Action.CONFIRM_RESULT and (not state.confirm_applied_on or state.confirm_result):
            continue
        out.append(a)
    return out


def _text(data: Mapping, key: str, what: str, required: bool = True) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise DomainError(f"请填写{what}")
        return ""
    if not isinstance(value, (str, int, float)):
        raise DomainError(f"{what}应为文字")
    return str(value).strip()


def choice(value: Any, enum: type[Enum], what: str, default: Enum | None = None) -> Enum:
    if value is None or value == "":
        if default is not None:
            return default
        raise DomainError(f"请选择{what}：" + "、".join(e.value for e in enum))
    for e in enum:
        if e.value == value or e.name.lower() == str(value).lower():
            return e
    raise DomainError(f"{what}“{value}”不在可选范围内：" + "、".join(e.value for e in enum))


def parse_day(value: Any, what: str, default: date | None = None) -> date:
    if value is None or value == "":
        if default is None:
            raise DomainError(f"请填写{what}（YYYY-MM-DD）")
        return default
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise DomainError(f"{what}“{value}”不是有效日期，应为 YYYY-MM-DD") from None


def money_cents(value: Any, what: str) -> int:
    """Yuan (number or text, up to 2 decimals) as whole fen; refuses negatives and junk."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise DomainError(f"{what}应为数字（元）")
    try:
        amount = Decimal(str(value).strip().replace(",", "").removesuffix("元"))
    except InvalidOperation:
        raise DomainError(f"{what}“{value}”应为金额（元，最多两位小数）") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(f"{what}“{value}”应为金额（元，最多两位小数）")
    if amount < 0:
        raise DomainError(f"{what}不能为负数")
    return int(amount * 100)


def plan(state: DisputeState, action: str | Action, at: datetime, data: Mapping[str, Any]) -> Transition:
    """The transition for ``action`` taken at ``at`` with ``data``, or a DomainError saying why not."""
    a = action if isinstance(action, Action) else as_action(action)
    froms, to = TABLE[a]
    if state.status not in froms:
        allowed = "、".join(STATUS_LABELS[s] for s in sorted(froms, key=list(DisputeStatus).index))
        raise DomainError(f"纠纷当前状态为“{state.status.label}”，不能“{a.label}”（仅限：{allowed}）")
    if state.received_on and at.date() < state.received_on:
        raise DomainError(f"办理日期 {at.date().isoformat()} 早于收到日期 {state.received_on.isoformat()}，请核对")
    day = at.date()
    updates: dict[str, Any] = {}
    payload: dict[str, Any] = {}
    warnings: list[str] = []

    if a == Action.ACCEPT:
        updates["accepted_on"] = day
    elif a == Action.DECLINE:
        reason = _text(data, "reason", "不予受理的理由")
        ground = next((g for g in DECLINE_GROUNDS if g in reason or reason in g), "")
        if not ground:
            raise DomainError("不予受理的理由应为以下之一：" + "；".join(DECLINE_GROUNDS))
        payload = {"reason": ground, "note": _text(data, "note", "说明", required=False)}
        updates["outcome_on"] = day
    elif a == Action.SESSION:
        if state.accepted_on and day < state.accepted_on:
            raise DomainError("调解时间早于受理日期，请核对")
        payload = {"place": _text(data, "place", "调解地点"),
                   "participants": _list(data.get("participants"), "参加人"),
                   "mediators": _list(data.get("mediators"), "调解员"),
                   "record": _text(data, "record", "调解记录（当事人陈述与调解经过）"),
                   "recorder": _text(data, "recorder", "记录人", required=False)}
        updates["sessions"] = state.sessions + 1
        updates["last_session_on"] = day
    elif a == Action.EXTEND:
        if state.extended:
            raise DomainError("调解期限只能延长一次")
        if data.get("consent") is not True:
            raise DomainError("延长调解期限须经各方当事人同意，请确认已征得同意（consent: true）")
        payload = {"reason": _text(data, "reason", "延长理由"), "consent": True}
        updates["extended"] = 1
    elif a == Action.SUCCEED:
        if state.sessions == 0:
            raise DomainError("尚无调解记录，请先记录调解过程再登记调解成功")
        form = choice(data.get("form"), AgreementForm, "协议形式", AgreementForm.WRITTEN)
        perf = data.get("performance") or {}
        if not isinstance(perf, Mapping):
            raise DomainError("履行约定（performance）应为对象，含 manner、place、due")
        effective = parse_day(data.get("effective"), "协议生效日期", state.last_session_on or day)
        if state.accepted_on and effective < state.accepted_on:
            raise DomainError("协议生效日期早于受理日期，请核对")
        if effective > day:
            raise DomainError("协议生效日期晚于登记日期：各方签字（口头协议达成）后才能登记调解成功")
        manner = _text(perf, "manner", "履行方式")
        due = parse_day(perf.get("due"), "履行期限", effective)
        if due < effective:
            raise DomainError("履行期限早于协议生效日期，请核对")
        payload = {"form": form.value, "terms": _text(data, "terms", "协议内容"),
                   "performance": {"manner": manner, "place": _text(perf, "place", "履行地点", required=False),
                                   "due": due.isoformat()},
                   "amount": money_cents(data.get("amount"), "协议涉及金额") / 100, "effective": effective.isoformat()}
        updates.update(outcome_on=day, agreement_form=form.value, effective_on=effective, performance_due=due,
                       agreement_cents=money_cents(data.get("amount"), "协议涉及金额"))
    elif a == Action.FAIL:
        channels = [choice(c, FailChannel, "告知的途径").value for c in _list(data.get("channels"), "告知的途径")]
        if not channels:
            raise DomainError("调解不成应告知当事人可通过的途径：" + "、".join(c.value for c in FailChannel))
        payload = {"reason": _text(data, "reason", "调解不成的原因"), "channels": channels}
        updates["outcome_on"] = day
    elif a == Action.WITHDRAW:
        payload = {"reason": _text(data, "reason", "撤回理由", required=False)}
        updates["outcome_on"] = day
    elif a == Action.HANDOVER:
        kind = choice(data.get("kind"), MediationKind, "移交的调解类别")
        if kind == state.kind:
            raise DomainError(f"纠纷已是{kind.value}，请选择其他调解类别")
        payload = {"from_kind": state.kind.value, "kind": kind.value, "body": _text(data, "body", "接收单位"),
                   "reason": _text(data, "reason", "移交理由")}
        updates.update(kind=kind.value, outcome_on=day)
    elif a == Action.PERFORM:
        status = choice(data.get("status"), Performance, "履行情况")
        if state.performance in {p.value for p in FULLY_PERFORMED}:
            raise DomainError(f"协议已记录为“{state.performance}”，无需再登记履行情况")
        payload = {"status": status.value, "evidence": _text(data, "evidence", "履行凭证", required=False)}
        updates["performance"] = status.value
        if status in FULLY_PERFORMED:
            updates["performed_on"] = day
    elif a == Action.CONFIRM_APPLY:
        if state.agreement_form != AgreementForm.WRITTEN.value:
            raise DomainError("口头协议不能申请司法确认：请先制作书面调解协议书")
        if state.confirm_applied_on:
            raise DomainError(f"已于 {state.confirm_applied_on.isoformat()} 申请司法确认")
        payload = {"court": _text(data, "court", "受理法院"), "window_last_day": _iso(state.confirm_due)}
        if state.confirm_due and day > state.confirm_due:
            payload["late"] = True
            warnings.append(f"逾期申请：司法确认应自协议生效之日起30日内申请（最后一日 {state.confirm_due.isoformat()}），"
                            f"本申请晚 {(day - state.confirm_due).days} 天，法院可能不予受理")
        updates.update(confirm_applied_on=day, confirm_late=int(bool(payload.get("late"))))
    elif a == Action.CONFIRM_RESULT:
        if not state.confirm_applied_on:
            raise DomainError("尚未申请司法确认")
        if state.confirm_result:
            raise DomainError(f"已记录司法确认结果“{state.confirm_result}”")
        if day < state.confirm_applied_on:
            raise DomainError("司法确认结果日期早于申请日期，请核对")
        result = choice(data.get("result"), ConfirmResult, "司法确认结果")
        payload = {"result": result.value, "number": _text(data, "number", "裁定书/决定书文号")}
        updates["confirm_result"] = result.value
    elif a == Action.FOLLOWUP:
        sat = choice(data.get("satisfaction"), Satisfaction, "满意度")
        payload = {"satisfaction": sat.value, "note": _text(data, "note", "回访情况"),
                   "visited": _text(data, "visited", "受访人", required=False),
                   "performance_seen": _text(data, "performance_seen", "履行情况", required=False),
                   "risks": _text(data, "risks", "新的隐患", required=False)}
        updates.update(followups=state.followups + 1)
        if not state.followups:
            updates["followed_up_on"] = day
    elif a == Action.ARCHIVE:
        if state.missing_documents:
            raise DomainError("卷宗材料不全，不能归档。缺少：" + "、".join(state.missing_documents))
        retention = _text(data, "retention", "保管期限", required=False) or "长期"
        if retention not in RETENTION_PERIODS:
            raise DomainError("保管期限应为：" + "、".join(RETENTION_PERIODS))
        payload = {"volume_no": _text(data, "volume_no", "卷号", required=False),
                   "filed_by": _text(data, "filed_by", "立卷人", required=False), "retention": retention}
        updates["archived_on"] = day
    return Transition(a, to or state.status, updates, payload, tuple(warnings))


def _list(value: Any, what: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [x.strip() for x in value.replace("，", "、").replace(",", "、").split("、") if x.strip()]
    if isinstance(value, (list, tuple)) and all(isinstance(x, str) for x in value):
        return [x.strip() for x in value if x.strip()]
    raise DomainError(f"{what}应为文字列表")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def dispute_number(year: int, prefix: str, seq: int) -> str:
    """案号 （2026）X人调字第N号."""
    return f"（{year}）{prefix}人调字第{seq}号"

"""Deadline rules per step, grouped in profiles (national default + provincial variants, domain.md §1.2–1.3).

A rule says how many days a step has, whether they are calendar days (自然日) or working days (工作日), whether a
calendar-day deadline whose last day is a rest day moves to the next workday (顺延), and how many days an approved
extension may add at most. An admin may edit a profile; ``Profile.to_dict`` / ``profile_from_dict`` store it as
JSON-compatible data.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from xinfang.domain.enums import Step

Unit = Literal["calendar", "working"]
UNITS: tuple[str, ...] = ("calendar", "working")
UNIT_LABELS = {"calendar": "自然日", "working": "工作日"}


@dataclass(frozen=True)
class DeadlinePolicy:
    step: Step
    days: int
    unit: Unit = "calendar"
    roll_forward: bool = True
    max_extension: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.step, Step):
            object.__setattr__(self, "step", Step(self.step))
        if self.unit not in UNITS:
            raise ValueError(f"{self.step.label}：单位“{self.unit}”无效，应为 calendar 或 working")
        if not isinstance(self.days, int) or isinstance(self.days, bool) or self.days < 1:
            raise ValueError(f"{self.step.label}：天数必须是正整数")
        if not isinstance(self.max_extension, int) or isinstance(self.max_extension, bool) or self.max_extension < 0:
            raise ValueError(f"{self.step.label}：最长延期天数必须是非负整数")

    @property
    def describe(self) -> str:
        """e.g. "60日（自然日），可延期≤30日" / "5个工作日"."""
        s = f"{self.days}个工作日" if self.unit == "working" else f"{self.days}日（自然日）"
        if self.max_extension:
            s += f"，可延期≤{self.max_extension}日"
        return s

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step.value,
            "days": self.days,
            "unit": self.unit,
            "roll_forward": self.roll_forward,
            "max_extension": self.max_extension,
        }


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    policies: dict[Step, DeadlinePolicy]
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # rules without a Step clock, informational only

    def __post_init__(self) -> None:
        missing = [s for s in Step if s not in self.policies]
        if missing:
            raise ValueError(f"期限方案“{self.name}”缺少：" + "、".join(s.label for s in missing))
        for s, p in self.policies.items():
            if p.step != s:
                raise ValueError(f"期限方案“{self.name}”：{s.label} 的规则写在了 {p.step.label} 下")

    def policy(self, step: Step) -> DeadlinePolicy:
        return self.policies[step]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "note": self.note,
            "extra": dict(self.extra),
            "policies": [self.policies[s].to_dict() for s in Step],
        }


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    return profile.to_dict()


def profile_from_dict(data: dict[str, Any]) -> Profile:
    """Inverse of ``Profile.to_dict``. ``policies`` may be a list of policy dicts or a mapping step → dict.
    Every one of the 8 steps must be present; errors raise ValueError with a Chinese message."""
    try:
        code = str(data["code"])
        name = str(data.get("name") or code)
        raw = data["policies"]
    except (KeyError, TypeError) as exc:
        raise ValueError(f"期限方案数据缺少字段：{exc}") from None
    items = list(raw.items()) if isinstance(raw, dict) else [(p.get("step"), p) for p in raw]
    policies: dict[Step, DeadlinePolicy] = {}
    for key, p in items:
        try:
            step = Step(key)
        except ValueError:
            raise ValueError(f"期限方案“{name}”：未知环节“{key}”") from None
        if step in policies:
            raise ValueError(f"期限方案“{name}”：{step.label} 重复")
        try:
            policies[step] = DeadlinePolicy(
                step=step,
                days=p["days"],
                unit=p.get("unit", "calendar"),
                roll_forward=bool(p.get("roll_forward", True)),
                max_extension=p.get("max_extension", 0),
            )
        except KeyError as exc:
            raise ValueError(f"期限方案“{name}”：{step.label} 缺少字段 {exc}") from None
    return Profile(code=code, name=name, policies=policies, note=str(data.get("note", "")),
                   extra=dict(data.get("extra") or {}))


def _national_policies() -> dict[Step, DeadlinePolicy]:
    P = DeadlinePolicy
    return {
        Step.DISPOSE: P(Step.DISPOSE, 15),
        Step.NOTICE: P(Step.NOTICE, 15),
        Step.OBJECT: P(Step.OBJECT, 5, "working"),
        Step.HANDLE: P(Step.HANDLE, 60, max_extension=30),
        Step.REVIEW_REQUEST: P(Step.REVIEW_REQUEST, 30),
        Step.REVIEW: P(Step.REVIEW, 30),
        Step.RECHECK_REQUEST: P(Step.RECHECK_REQUEST, 30),
        Step.RECHECK: P(Step.RECHECK, 30),
    }


def _variant(**changes: DeadlinePolicy) -> dict[Step, DeadlinePolicy]:
    pol = _national_policies()
    for p in changes.values():
        pol[p.step] = p
    return pol


_COMMON_NOTE = ("“日”按自然日计算、末日遇休息日（周末或法定节假日，调休上班日除外）顺延至下一个工作日，"
                "这是依《民法典》第200–203条的推断，条例本身未写明（domain.md §1.3）。")

DEFAULT_PROFILE = "national"

PROFILES: dict[str, Profile] = {
    p.code: p
    for p in (
        Profile(
            code="national",
            name="全国（2022《信访工作条例》）",
            policies=_national_policies(),
            note=("处置15日（§22）、受理告知15日（§23）、异议5个工作日（§23③，条例唯一写明“工作日”处）、"
                  "办理60日可延期≤30日（§34）、复查申请30日/复查30日（§35）、复核申请30日/复核30日，"
                  "听证时间不计入（§36）。" + _COMMON_NOTE),
        ),
        Profile(
            code="zhejiang",
            name="浙江（2016《浙江省信访条例》）",
            policies=_variant(
                dispose=DeadlinePolicy(Step.DISPOSE, 5, "working"),
                notice=DeadlinePolicy(Step.NOTICE, 5, "working"),
                handle=DeadlinePolicy(Step.HANDLE, 30, max_extension=60),
            ),
            note=("初步处置5个工作日（§15）；转送事项5个工作日内决定受理与否（§20）；办理30日，延期最多60日（§23），"
                  "按“延长不超过60日”编码——若原文指办理总期限不超过60日，请把最长延期改为30日。"
                  "异议、复查、复核沿用全国规定（表中未列，假定）。" + _COMMON_NOTE),
        ),
        Profile(
            code="shandong",
            name="山东（2015《山东省信访条例》）",
            policies=_national_policies(),
            note=("处置15日、办理60日可延期≤30日（§27、§33），与全国一致。复查/复核机关3个工作日内决定是否受理"
                  "（§42–46）——本系统暂无此环节时钟，记录在 extra 中。其余环节沿用全国规定（假定）。" + _COMMON_NOTE),
            extra={"review_accept_working_days": 3, "recheck_accept_working_days": 3},
        ),
        Profile(
            code="beijing",
            name="北京（2006《北京市信访条例》）",
            policies=_variant(
                review=DeadlinePolicy(Step.REVIEW, 30, max_extension=30),
                recheck=DeadlinePolicy(Step.RECHECK, 30, max_extension=30),
            ),
            note=("异议5个工作日；复查、复核30日内作出，经批准可延长≤30日（§45、§47–50）。处置15日、办理60日"
                  "（+≤30日）沿用全国规定（表中未列，假定）。15日内办结的可经信访人同意口头答复（§35，不影响期限）。"
                  "另有3个工作日的规定（domain.md §1.3）所指环节未在表中说明，未编码。" + _COMMON_NOTE),
        ),
        Profile(
            code="shanghai",
            name="上海（2018《上海市信访条例》）",
            policies=_national_policies(),
            note="处置15日、办理60日（+≤30日）、复查30日、复核30日（§34–42），与全国一致。" + _COMMON_NOTE,
        ),
        Profile(
            code="henan",
            name="河南（2012《河南省信访条例》）",
            policies=_variant(
                dispose=DeadlinePolicy(Step.DISPOSE, 5),
                handle=DeadlinePolicy(Step.HANDLE, 30, max_extension=60),
            ),
            note=("旧模式：转送5日，办理30日、最长90日（即延期≤60日）；交办事项90日或按交办机关要求的日期"
                  "（交办期限由案件自身记录）。“日”是否为工作日原文未说明，按自然日假定；受理告知、异议、"
                  "复查、复核沿用全国规定（假定）。" + _COMMON_NOTE),
        ),
    )
}


def get_profile(code: str | None = None) -> Profile:
    """The profile with this code (default: national). KeyError with a Chinese message if unknown."""
    code = code or DEFAULT_PROFILE
    try:
        return PROFILES[code]
    except KeyError:
        raise KeyError(f"未知的期限方案“{code}”") from None

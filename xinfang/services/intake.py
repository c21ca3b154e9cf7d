"""Registration input: parse a case from JSON-like data, validate and normalise it, find repeats.

All functions are pure except `find_repeats`, which reads the store.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Mapping

from ..domain import similarity
from ..domain.enums import Channel, ClosureReason, PartyKind, PetitionerRole, Purpose, Status
from ..domain.model import CaseDraft, Petitioner
from ..domain.problems import DomainError, Problem, error, warning
from ..domain.validation import check_id_number, check_phone, check_uscc
from .case_input import EARLIEST, LATEST, parse_case, refusal

_RELATIVE_DAYS = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}


def _loose(text: str, now: datetime | None) -> datetime:
    """"2026-3-2 9:30" and, with `now`, "今天 9:30" / "昨天 14:00" / "前天" (raises ValueError)."""
    text = " ".join(text.replace("：", ":").split())
    word = next((w for w in _RELATIVE_DAYS if text.startswith(w)), None)
    if word is not None:
        if now is None:
            raise ValueError(text)
        day = date.fromordinal(now.date().toordinal() - _RELATIVE_DAYS[word])
        hour, _, minute = (text[len(word):].strip() or "00:00").partition(":")
        return datetime(day.year, day.month, day.day, int(hour), int(minute or 0))
    head, _, clock = text.partition(" ")
    y, m, d = (int(x) for x in head.split("-"))
    hour, _, minute = clock.partition(":")
    return datetime(y, m, d, int(hour or 0), int(minute or 0))


def parse_datetime(value: Any, what: str, now: datetime | None = None) -> datetime:
    """A date or date-time typed by a person, as naive local time within a sane range
    ("2026-03-02 09:30", "2026/3/2 9:30"; with `now` also "今天 9:30", "昨天 14:00").

    A time with a UTC offset ("2025-09-30T09:00:00+08:00", exports of the 12345 platform) is converted
    to this computer's local time: every other time in the record is the office's wall-clock time, and
    the statutory clocks count days in it, so the instant is kept and written the way the office reads it.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        text = str(value or "").strip().replace("/", "-").replace("T", " ")
        if not text:
            raise DomainError(f"请填写{what}")
        shown = str(value)[:40]
        try:
            parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
        except ValueError:
            try:
                parsed = _loose(text, now)
            except ValueError:
                raise DomainError(f"{what}“{shown}”无效，请按 YYYY-MM-DD HH:MM 填写"
                                  "（也可写“今天 9:30”“昨天 14:00”）") from None
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone().replace(tzinfo=None)
        except (OverflowError, ValueError, OSError):
            raise DomainError(f"{what}“{str(value)[:40]}”超出可用的日期范围") from None
    if not EARLIEST <= parsed.date() <= LATEST:
        raise DomainError(f"{what} {parsed.date().isoformat()} 不在合理范围内（{EARLIEST.year}–{LATEST.year} 年），请核对年份")
    return parsed


def draft_from_dict(d: Mapping[str, Any], stand_in_now: datetime | None = None) -> CaseDraft:
    """Build a CaseDraft from the `case add` JSON; raise DomainError listing every malformed field."""
    draft, problems = parse_case(d, stand_in_now or datetime.now())
    if problems:
        raise refusal(problems)
    return draft


def _normalise_petitioner(p: Petitioner, i: int, today: date) -> tuple[Petitioner, list[Problem]]:
    where = f"第{i + 1}位信访人"
    problems: list[Problem] = []
    if not p.name and not p.anonymous:
        problems.append(error(f"petitioners[{i}].name", f"{where}：请填写姓名，或勾选“匿名”"))
    id_number, sex, birth = p.id_number, p.sex, p.birth
    if p.id_number:
        if p.kind == PartyKind.ORGANISATION:
            chk = check_uscc(p.id_number)
            id_number = chk.normalized or id_number
        else:
            chk = check_id_number(p.id_number, today, typed_sex=p.sex, typed_birth=p.birth)
            id_number = chk.normalized or id_number
            if chk.valid:
                sex, birth = chk.sex or sex, chk.birth or birth
        problems += [replace(x, field=f"petitioners[{i}].id_number", message=f"{where}：{x.message}")
                     for x in chk.problems]
    phone = p.phone
    if p.phone:
        pc = check_phone(p.phone)
        phone = pc.normalized or phone
        problems += [replace(x, field=f"petitioners[{i}].phone", message=f"{where}：{x.message}") for x in pc.problems]
    return replace(p, id_number=id_number, phone=phone, sex=sex, birth=birth), problems


def validate(draft: CaseDraft, *, now: datetime, categories: set[str], max_representatives: int = 5,
             collective_threshold: int = 5) -> tuple[CaseDraft, list[Problem]]:
    """Normalise and check a draft. Errors block saving; warnings are shown and recorded."""
    problems: list[Problem] = []
    if not draft.summary:
        problems.append(error("summary", "请填写反映问题（摘要）"))
    if not draft.category:
        problems.append(error("category", "请选择问题类别"))
    elif not categories:
        problems.append(error("category", "类别表为空，不能登记：请管理员在“设置 › 信访事项类别”中导入本单位的类别"
                                          "（命令行 xinfang categories import），或以江城市城东区示例为模板（init --sample）"))
    elif draft.category not in categories:
        problems.append(error("category", f"问题类别“{draft.category}”不在类别字典中，请从列表中选择"))
    if (draft.received_at - now).total_seconds() > 3600:   # an hour of slack for unsynchronised PC clocks
        problems.append(error("received_at", "收到时间晚于现在，请核对"))
    if draft.headcount < 1:
        problems.append(error("headcount", "人数至少为 1"))
    if draft.channel == Channel.HOTLINE_12345 and not draft.work_order_no:
        problems.append(warning("work_order_no", "12345 来件请填写工单号"))
    if not draft.petitioners:
        problems.append(error("petitioners", "请至少填写一位信访人（不知姓名时勾选“匿名”）"))
    normalised = []
    for i, p in enumerate(draft.petitioners):
        np, ps = _normalise_petitioner(p, i, now.date())
        normalised.append(np)
        problems += ps
    problems += _duplicate_ids(normalised)
    reps = sum(1 for p in normalised if p.role == PetitionerRole.REPRESENTATIVE)
    if reps > max_representatives:
        problems.append(warning("petitioners", f"集体访代表为 {reps} 人，超过规定的 {max_representatives} 人"))
    if draft.channel == Channel.VISIT and draft.headcount >= collective_threshold and reps == 0:
        problems.append(warning("petitioners", f"{draft.headcount} 人来访属于集体访，应推选代表（不超过 {max_representatives} 人）"))
    if draft.purpose == Purpose.ACCUSATION and not draft.accused_unit:
        problems.append(warning("accused_unit", "检举控告件请填写被检举单位，以便回避"))
    return replace(draft, petitioners=tuple(normalised)), problems


def _duplicate_ids(people: list[Petitioner]) -> list[Problem]:
    """One person listed twice in one case is a typing error (or an attempt to inflate a petition)."""
    first: dict[str, list[int]] = {}
    for i, p in enumerate(people):
        if p.id_number and not p.anonymous:
            first.setdefault(p.id_number, []).append(i)
    out = []
    for number, rows in first.items():
        if len(rows) > 1:
            later = "、".join(str(i + 1) for i in rows[1:20]) + ("等" if len(rows) > 20 else "")
            out.append(error(f"petitioners[{rows[1]}].id_number",
                             f"第{later}位信访人的证件号码与第{rows[0] + 1}位相同（共 {len(rows)} 次），同一人只登记一次"))
    return out


@dataclass(frozen=True)
class RepeatMatch:
    row: int
    id: str
    number: str
    person: str            # how the person matched
    similarity: float
    closed_after_recheck: bool
    received_at: str

    def to_dict(self) -> dict:
        return {"id": self.id, "number": self.number, "person": self.person,
                "similarity": round(self.similarity, 3), "closed_after_recheck": self.closed_after_recheck,
                "received_at": self.received_at}


@dataclass(frozen=True)
class PersonCase:
    """An earlier case of the same person, whatever its matter (listed as soon as the ID number is typed)."""
    row: int
    id: str
    number: str
    person: str            # how the person matched
    category: str
    summary: str
    status: str
    received_at: str

    def to_dict(self) -> dict:
        return {"id": self.id, "number": self.number, "person": self.person, "category": self.category,
                "summary": self.summary, "status": self.status, "received_at": self.received_at}


def _person_keys(draft: CaseDraft) -> tuple[list[str], list[tuple[str, str]]]:
    ids = [p.id_number for p in draft.petitioners if p.id_number and not p.anonymous]
    name_phones = [(p.name, p.phone) for p in draft.petitioners if p.name and p.phone and not p.anonymous]
    return ids, name_phones


def find_person_cases(store, draft: CaseDraft, exclude_row: int | None = None) -> list[PersonCase]:
    """Every earlier case of the same person (normalised ID number, or name + phone), newest first."""
    ids, name_phones = _person_keys(draft)
    if not ids and not name_phones:
        return []
    rows = store.same_person_cases(ids, name_phones, exclude_row)
    return [PersonCase(row, uuid, number, person, category, summary, status, str(received))
            for row, uuid, number, category, summary, _demands, status, _closure, received, person
            in reversed(rows)]


def matter_text(summary: str, demands: str) -> str:
    return f"{summary} {demands}".strip()


def find_repeats(store, draft: CaseDraft, exclude_row: int | None = None) -> list[RepeatMatch]:
    """Same person (normalised ID number, or name + phone) and same matter (same category, similar text)."""
    ids, name_phones = _person_keys(draft)
    if not ids and not name_phones:
        return []
    text = matter_text(draft.summary, draft.demands)
    matches = []
    for row, uuid, number, category, summary, demands, status, closure, received, person in \
            store.same_person_cases(ids, name_phones, exclude_row):
        if category != draft.category:
            continue
        score = similarity.matter_similarity(text, matter_text(summary, demands))
        if score < similarity.SAME_MATTER_THRESHOLD:
            continue
        after_recheck = status == Status.RECHECKED.value or closure == ClosureReason.RECHECK_SERVED.value
        matches.append(RepeatMatch(row, uuid, number, person, score, after_recheck, received))
    return matches

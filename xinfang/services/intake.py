"""Registration input: parse a case from JSON-like data, validate and normalise it, find repeats.

All functions are pure except `find_repeats`, which reads the store.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Mapping

from ..domain import similarity
from ..domain.enums import Channel, ClosureReason, PartyKind, PetitionerRole, Purpose, ReachedLevel, Status
from ..domain.model import CaseDraft, Petitioner
from ..domain.problems import DomainError, Problem, error, warning
from ..domain.validation import check_id_number, check_phone, check_uscc

_TRUE = {"1", "true", "yes", "是", "y", "t"}
_FALSE = {"", "0", "false", "no", "否", "n", "f"}


def _enum(enum: type, value: Any, what: str, default=None):
    if value in (None, "") and default is not None:
        return default
    text = str(value).strip()
    for member in enum:
        if text in (member.value, member.name, member.name.lower()):
            return member
    raise DomainError(f"{what}“{text}”无效，应为：{'、'.join(m.value for m in enum if m.value)}")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in _TRUE


def parse_datetime(value: Any, what: str) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value or "").strip().replace("/", "-").replace("T", " ")
    if not text:
        raise DomainError(f"请填写{what}")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise DomainError(f"{what}“{value}”无效，请按 YYYY-MM-DD 或 YYYY-MM-DD HH:MM 填写") from None


def petitioner_from_dict(d: Mapping[str, Any], index: int) -> Petitioner:
    where = f"第{index + 1}位信访人"
    if not isinstance(d, Mapping):
        raise DomainError(f"{where}的格式不对，应为对象（含 name、id_number、phone 等）")
    kind = _enum(PartyKind, d.get("kind"), f"{where}的类别", PartyKind.PERSON)
    id_number = str(d.get("id_number") or d.get("uscc") or "").strip()
    return Petitioner(
        name=str(d.get("name") or "").strip(), kind=kind, id_number=id_number,
        phone=str(d.get("phone") or "").strip(), address=str(d.get("address") or "").strip(),
        role=_enum(PetitionerRole, d.get("role"), f"{where}的身份", PetitionerRole.PETITIONER),
        anonymous=_bool(d.get("anonymous")), sex=str(d.get("sex") or "").strip(),
        birth=date.fromisoformat(str(d["birth"])[:10]) if d.get("birth") else None)


def draft_from_dict(d: Mapping[str, Any]) -> CaseDraft:
    """Build a CaseDraft from the `case add` JSON; raise DomainError (Chinese) on a malformed field."""
    if not isinstance(d, Mapping):
        raise DomainError("案件数据应为 JSON 对象")
    petitioners = d.get("petitioners") or []
    if not isinstance(petitioners, list):
        raise DomainError("petitioners 应为列表")
    try:
        headcount = int(d.get("headcount") or 1)
    except (TypeError, ValueError):
        raise DomainError(f"人数“{d.get('headcount')}”应为整数") from None
    attachments = d.get("attachments") or []
    return CaseDraft(
        channel=_enum(Channel, d.get("channel"), "信访形式"),
        received_at=parse_datetime(d.get("received_at"), "收到时间"),
        purpose=_enum(Purpose, d.get("purpose"), "信访目的"),
        category=str(d.get("category") or "").strip(),
        summary=str(d.get("summary") or "").strip(),
        content=str(d.get("content") or "").strip(),
        demands=str(d.get("demands") or "").strip(),
        place=str(d.get("place") or "").strip(),
        place_code=str(d.get("place_code") or "").strip(),
        petitioners=tuple(petitioner_from_dict(p, i) for i, p in enumerate(petitioners)),
        headcount=headcount,
        work_order_no=str(d.get("work_order_no") or "").strip(),
        reception_leader=str(d.get("reception_leader") or "").strip(),
        public_reception=_bool(d.get("public_reception")),
        caused_by=str(d.get("caused_by") or "").strip(),
        accused_unit=str(d.get("accused_unit") or "").strip(),
        legal_status=str(d.get("legal_status") or "").strip(),
        unit=str(d.get("unit") or "").strip(),
        override_reason=str(d.get("override_reason") or "").strip(),
        attachments=tuple(str(a) for a in attachments),
        reached_level=_enum(ReachedLevel, d.get("reached_level"), "越级情况", ReachedLevel.LOCAL).value,
        **_irregular(d.get("irregular"), d.get("irregular_note")),
    )


def _irregular(flag: Any, note: Any) -> dict:
    """`irregular` is true/false, or the description itself (a non-empty text means yes)."""
    note = str(note or "").strip()
    if isinstance(flag, str) and flag.strip().lower() not in _TRUE | _FALSE:
        return {"irregular": True, "irregular_note": note or flag.strip()}
    return {"irregular": _bool(flag), "irregular_note": note}


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
    elif categories and draft.category not in categories:
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
    reps = sum(1 for p in normalised if p.role == PetitionerRole.REPRESENTATIVE)
    if reps > max_representatives:
        problems.append(warning("petitioners", f"集体访代表为 {reps} 人，超过规定的 {max_representatives} 人"))
    if draft.channel == Channel.VISIT and draft.headcount >= collective_threshold and reps == 0:
        problems.append(warning("petitioners", f"{draft.headcount} 人来访属于集体访，应推选代表（不超过 {max_representatives} 人）"))
    if draft.purpose == Purpose.ACCUSATION and not draft.accused_unit:
        problems.append(warning("accused_unit", "检举控告件请填写被检举单位，以便回避"))
    return replace(draft, petitioners=tuple(normalised)), problems


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


def matter_text(summary: str, demands: str) -> str:
    return f"{summary} {demands}".strip()


def find_repeats(store, draft: CaseDraft, exclude_row: int | None = None) -> list[RepeatMatch]:
    """Same person (normalised ID number, or name + phone) and same matter (same category, similar text)."""
    ids = [p.id_number for p in draft.petitioners if p.id_number and not p.anonymous]
    name_phones = [(p.name, p.phone) for p in draft.petitioners if p.name and p.phone and not p.anonymous]
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

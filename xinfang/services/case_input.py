"""The `case add` JSON (and the registration form's dict) → CaseDraft, with strict types and limits.

Every field is checked for its JSON type, its range or length, and forbidden characters; unknown keys
are reported with the closest known key. All problems are collected (never only the first), and the
draft is still built with neutral stand-ins for the bad fields, so the caller can check the rest too.
"""
from __future__ import annotations

import difflib
import json
import math
from datetime import date, datetime
from typing import Any, Mapping

from ..domain.enums import Channel, LegalStatus, PartyKind, PetitionerRole, Purpose, ReachedLevel
from ..domain.model import CaseDraft, Petitioner
from ..domain.problems import DomainError, Problem, error
from ..domain.text import bad_character

MAX_PETITIONERS = 1000           # a 联名信 can carry many names; 10,000 is a mistake or an attack
MAX_HEADCOUNT = 10_000           # visitors in one 集体访
MAX_ATTACHMENTS = 100
EARLIEST = date(1950, 1, 1)      # no 信访 record predates this; "0001-01-01" is a typing slip
LATEST = date(2100, 12, 31)

# field → (what it is called, max length, multi-line)
TEXT_FIELDS = {
    "category": ("问题类别", 100, False), "summary": ("反映问题（摘要）", 200, False),
    "content": ("事实与理由", 20_000, True), "demands": ("诉求", 5_000, True),
    "place": ("问题发生地", 200, False), "place_code": ("区划代码", 30, False),
    "work_order_no": ("12345 工单号", 50, False), "reception_leader": ("接谈领导", 50, False),
    "caused_by": ("引发单位", 200, False), "accused_unit": ("被检举单位", 200, False),
    "unit": ("承办单位", 100, False), "override_reason": ("改派理由", 1_000, True),
    "irregular_note": ("非正常上访情况", 1_000, True),
}
PETITIONER_TEXT = {
    "name": ("姓名", 100, False), "id_number": ("证件号码", 40, False), "uscc": ("统一社会信用代码", 40, False),
    "phone": ("电话", 40, False), "address": ("住址", 200, False), "sex": ("性别", 4, False),
}
# numbers are accepted where people naturally type digits (a JSON number loses nothing there)
DIGIT_FIELDS = {"place_code", "work_order_no", "id_number", "uscc", "phone"}
CASE_KEYS = (set(TEXT_FIELDS) | {"channel", "purpose", "legal_status", "reached_level", "irregular"} |
             {"received_at", "petitioners", "headcount", "public_reception", "attachments"})
PETITIONER_KEYS = set(PETITIONER_TEXT) | {"kind", "role", "anonymous", "birth"}
_TRUE = {"1", "true", "yes", "是", "y", "t"}
_FALSE = {"", "0", "false", "no", "否", "n", "f"}


class _Reader:
    def __init__(self):
        self.problems: list[Problem] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append(error(field, message))

    def text(self, value: Any, field: str, what: str, limit: int, multiline: bool, digits_ok: bool = False) -> str:
        if value is None:
            return ""
        if digits_ok and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            value = str(value)
        if not isinstance(value, str):
            self.fail(field, f"{what}应为文字，收到的是{_kind(value)}")
            return ""
        value = value.strip()
        if len(value) > limit:
            self.fail(field, f"{what}过长：{len(value):,} 字，最多 {limit:,} 字")
            return ""
        bad = bad_character(value, multiline)
        if bad:
            self.fail(field, f"{what}含有不允许的字符：{bad}")
            return ""
        return value

    def enum(self, enum: type, value: Any, field: str, what: str, default):
        if value in (None, ""):
            if default is None:
                self.fail(field, f"请填写{what}（{_values(enum)}）")
            return default
        if isinstance(value, str):
            t = value.strip()
            for member in enum:
                if t in (member.value, member.name, member.name.lower()):
                    return member
        shown = value[:40] if isinstance(value, str) else _kind(value)
        self.fail(field, f"{what}“{shown}”无效，应为：{_values(enum)}")
        return None

    def boolean(self, value: Any, field: str, what: str) -> bool:
        if isinstance(value, bool) or value is None:
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        self.fail(field, f"{what}应为 true 或 false（是/否）")
        return False

    def when(self, value: Any, field: str, what: str, now: datetime | None = None) -> datetime | None:
        from .intake import parse_datetime
        if value in (None, ""):
            self.fail(field, f"请填写{what}（YYYY-MM-DD HH:MM）")
            return None
        if not isinstance(value, (str, datetime, date)):
            self.fail(field, f"{what}应为日期文字（YYYY-MM-DD HH:MM），收到的是{_kind(value)}")
            return None
        try:
            return parse_datetime(value, what, now)       # now: "今天 9:30" / "昨天 14:00"
        except DomainError as exc:
            self.fail(field, exc.message)
            return None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "真假值"
    if isinstance(value, (int, float)):
        return "数字"
    if isinstance(value, (list, tuple)):
        return "列表"
    if isinstance(value, Mapping):
        return "对象"
    return "其他类型"


def _values(enum: type) -> str:
    return "、".join(m.value for m in enum if m.value) + ("，或留空" if any(not m.value for m in enum) else "")


def _unknown(r: _Reader, data: Mapping, known: set[str], prefix: str, where: str) -> None:
    for key in data:
        if key in known:
            continue
        shown = str(key)[:40]
        close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
        hint = f"，是否应为“{close[0]}”？" if close else "，请对照 README 的字段表"
        r.fail(f"{prefix}{shown}", f"{where}不认识的字段“{shown}”{hint}（未识别的字段不会被保存）")


def _irregular(r: _Reader, flag: Any, note: str) -> tuple[bool, str]:
    """`irregular` is true/false, or the description itself (a non-empty text means yes)."""
    if isinstance(flag, str) and flag.strip().lower() not in _TRUE | _FALSE:
        text = r.text(flag, "irregular", "非正常上访情况", 1_000, True)
        return True, note or text
    return r.boolean(flag, "irregular", "非正常上访"), note


def headcount(r: _Reader, value: Any) -> int:
    if value is None:
        return 1
    ok = isinstance(value, int) and not isinstance(value, bool)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 6:
        value, ok = int(value.strip()), True
    if not ok:
        if isinstance(value, float) and math.isfinite(value):
            r.fail("headcount", f"人数应为整数，收到 {value:g}")
        else:
            r.fail("headcount", f"人数应为 1–{MAX_HEADCOUNT:,} 的整数，收到的是{_kind(value) if not isinstance(value, str) else '“' + value[:20] + '”'}")
        return 1
    if not 1 <= value <= MAX_HEADCOUNT:
        r.fail("headcount", f"人数应在 1–{MAX_HEADCOUNT:,} 之间，收到 {value if abs(value) < 10**12 else '过大的数'}")
        return 1
    return value


def petitioner(r: _Reader, d: Any, i: int) -> Petitioner | None:
    where, prefix = f"第{i + 1}位信访人", f"petitioners[{i}]."
    if not isinstance(d, Mapping):
        r.fail(f"petitioners[{i}]", f"{where}的格式不对，应为对象（含 name、id_number、phone 等）")
        return None
    before = len(r.problems)
    _unknown(r, d, PETITIONER_KEYS, prefix, f"{where}：")
    texts = {k: r.text(d.get(k), prefix + k, f"{where}的{what}", limit, ml, k in DIGIT_FIELDS)
             for k, (what, limit, ml) in PETITIONER_TEXT.items()}
    kind = r.enum(PartyKind, d.get("kind"), prefix + "kind", f"{where}的类别", PartyKind.PERSON)
    role = r.enum(PetitionerRole, d.get("role"), prefix + "role", f"{where}的身份", PetitionerRole.PETITIONER)
    anonymous = r.boolean(d.get("anonymous"), prefix + "anonymous", f"{where}的“匿名”")
    birth = None
    if d.get("birth") not in (None, ""):
        when = r.when(d.get("birth"), prefix + "birth", f"{where}的出生日期")
        birth = when.date() if when else None
    if len(r.problems) > before:
        return None
    return Petitioner(name=texts["name"], kind=kind, id_number=texts["id_number"] or texts["uscc"],
                      phone=texts["phone"], address=texts["address"], role=role, anonymous=anonymous,
                      sex=texts["sex"], birth=birth)


def parse_case(d: Any, stand_in_now: datetime) -> tuple[CaseDraft, list[Problem]]:
    """(draft, problems): the draft holds neutral stand-ins where a field was bad."""
    if not isinstance(d, Mapping):
        raise DomainError(f"案件数据应为 JSON 对象（{{…}}），收到的是{_kind(d)}")
    r = _Reader()
    _unknown(r, d, CASE_KEYS, "", "")
    texts = {k: r.text(d.get(k), k, what, limit, ml, k in DIGIT_FIELDS) for k, (what, limit, ml) in TEXT_FIELDS.items()}
    channel = r.enum(Channel, d.get("channel"), "channel", "信访形式", None)
    purpose = r.enum(Purpose, d.get("purpose"), "purpose", "信访目的", None)
    legal = r.enum(LegalStatus, d.get("legal_status"), "legal_status", "法定途径状态", LegalStatus.NONE)
    level = r.enum(ReachedLevel, d.get("reached_level"), "reached_level", "越级情况", ReachedLevel.LOCAL)
    irregular, note = _irregular(r, d.get("irregular"), texts["irregular_note"])
    received = r.when(d.get("received_at"), "received_at", "收到时间", stand_in_now)
    people: list[Petitioner] = []
    raw = d.get("petitioners")
    if raw is not None and not isinstance(raw, list):
        r.fail("petitioners", f"petitioners 应为列表（[{{…}}, …]），收到的是{_kind(raw)}")
    elif raw is not None and len(raw) > MAX_PETITIONERS:
        r.fail("petitioners", f"信访人过多：{len(raw):,} 位，一件最多 {MAX_PETITIONERS:,} 位（人数另填 headcount）")
    else:
        people = [x for i, item in enumerate(raw or []) if (x := petitioner(r, item, i)) is not None]
    attachments: list[str] = []
    raw = d.get("attachments")
    if raw is not None and not isinstance(raw, list):
        r.fail("attachments", f"attachments 应为文件路径的列表，收到的是{_kind(raw)}")
    elif raw is not None and len(raw) > MAX_ATTACHMENTS:
        r.fail("attachments", f"附件过多：{len(raw):,} 个，一次最多 {MAX_ATTACHMENTS} 个")
    else:
        for i, a in enumerate(raw or []):
            path = r.text(a, f"attachments[{i}]", f"第{i + 1}个附件路径", 1_000, False)
            if path:
                attachments.append(path)
    draft = CaseDraft(
        channel=channel or Channel.OTHER, received_at=received or stand_in_now, purpose=purpose or Purpose.COMPLAINT,
        category=texts["category"], summary=texts["summary"], content=texts["content"], demands=texts["demands"],
        place=texts["place"], place_code=texts["place_code"], petitioners=tuple(people),
        headcount=headcount(r, d.get("headcount")), work_order_no=texts["work_order_no"],
        reception_leader=texts["reception_leader"],
        public_reception=r.boolean(d.get("public_reception"), "public_reception", "公开接访日"),
        caused_by=texts["caused_by"], accused_unit=texts["accused_unit"], legal_status=(legal or LegalStatus.NONE).value,
        unit=texts["unit"], override_reason=texts["override_reason"], attachments=tuple(attachments),
        reached_level=(level or ReachedLevel.LOCAL).value, irregular=irregular, irregular_note=note)
    return draft, r.problems


def covered(field: str, problems: list[Problem]) -> bool:
    """True when a problem about `field` (or a part or parent of it) is already in `problems`."""
    for p in problems:
        a, b = p.field, field
        if a == b or b.startswith(a + ".") or b.startswith(a + "[") or a.startswith(b + ".") or a.startswith(b + "["):
            return True
    return False


def refusal(problems: list[Problem]) -> DomainError:
    errors = [p for p in problems if p.level == "error"]
    shown = "；".join(p.message for p in errors[:5]) + ("……" if len(errors) > 5 else "")
    return DomainError(f"案件数据有 {len(errors)} 处错误，未登记：{shown}", tuple(problems))


# ---- JSON text ------------------------------------------------------------------------------------

MAX_JSON_BYTES = 10_000_000
_JSON_MESSAGES = (
    ("Expecting value", "此处缺少值"), ("Expecting property name", "键名应使用英文双引号"),
    ("Expecting ',' delimiter", "缺少逗号"), ("Expecting ':' delimiter", "缺少冒号"),
    ("Unterminated string", "字符串缺少结束的双引号"), ("Extra data", "JSON 结束后还有多余内容"),
    ("Invalid control character", "字符串中有控制字符（换行应写成 \\n）"), ("Invalid \\u", "无效的 \\u 转义"),
    ("Invalid \\escape", "无效的转义符"),
)


def _refuse_constant(name: str):
    raise DomainError(f"JSON 中不能使用 {name}（不是有效的数字）")


def load_json(raw: bytes | str, what: str) -> Any:
    """Parse JSON typed or saved by a person (UTF-8 with or without BOM, or GBK/GB18030); Chinese errors."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_JSON_BYTES:
            raise DomainError(f"{what}过大：{len(raw):,} 字节，最多 {MAX_JSON_BYTES:,} 字节")
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                raw = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise DomainError(f"{what}的编码无法识别，请保存为 UTF-8 编码")
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        reason = next((zh for en, zh in _JSON_MESSAGES if exc.msg.startswith(en)), "不符合 JSON 格式")
        raise DomainError(f"{what}不是有效的 JSON：第{exc.lineno}行第{exc.colno}列{reason}") from None
    except RecursionError:
        raise DomainError(f"{what}的嵌套层次过深，无法处理") from None
    except ValueError:        # e.g. a number with more than 4,300 digits
        raise DomainError(f"{what}中有过长的数字，无法处理") from None


MAX_ACTION_TEXT = 5_000


def check_action_data(data: Mapping) -> dict:
    """`case act --data`: values are text, whole numbers or true/false — never lists, objects or
    fractions stored as their Python text; dates within the sane range; no control characters."""
    from .intake import parse_datetime
    out = {}
    for key, value in data.items():
        name = str(key)[:40]
        if value is None or isinstance(value, bool):
            out[key] = value
        elif isinstance(value, int):
            if abs(value) > 100_000:
                raise DomainError(f"办理数据“{name}”的数值 {value if abs(value) < 10**12 else '过大'} 超出合理范围")
            out[key] = value
        elif isinstance(value, str):
            if len(value) > MAX_ACTION_TEXT:
                raise DomainError(f"办理数据“{name}”过长：{len(value):,} 字，最多 {MAX_ACTION_TEXT:,} 字")
            bad = bad_character(value, multiline=True)
            if bad:
                raise DomainError(f"办理数据“{name}”含有不允许的字符：{bad}")
            if name.endswith(("_on", "_due")) and value.strip():
                parse_datetime(value, f"办理数据“{name}”")
            out[key] = value
        else:
            raise DomainError(f"办理数据“{name}”应为文字或整数，收到的是{_kind(value)}")
    return out

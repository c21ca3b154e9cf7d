"""Reading and checking a dispute registration (`dispute add`, the 登记 form, 转人民调解 from a petition).

Every problem is collected (not only the first) so the clerk can fix them all at once.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any, Mapping

from ..domain import mediation as m
from ..domain.enums import PartyKind
from ..domain.problems import DomainError, Problem, error
from ..domain.validation import check_id_number, check_phone, check_uscc

KEYS = ("received_at", "source", "referred_by", "referral_no", "referral_date", "type", "kind", "committee",
        "mediators", "recorder", "parties", "summary", "requests", "amount", "headcount", "risk", "risk_reasons",
        "grid_worker", "grid", "petition")
PARTY_KEYS = ("name", "kind", "id_number", "phone", "address", "side", "agent", "sex")


def _choice(problems: list[Problem], field: str, value, enum, what: str, default=None):
    try:
        return m.choice(value, enum, what, default)
    except DomainError as exc:
        problems.append(error(field, exc.message))
        return default


def parse_received(value: Any, now: datetime) -> datetime:
    if value in (None, ""):
        return now
    text = str(value).strip().replace("T", " ")
    try:
        if len(text) <= 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time()).replace(hour=9)
        return datetime.fromisoformat(text[:19])
    except ValueError:
        raise DomainError(f"收到时间“{value}”格式不对，应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM") from None


def check_party(p: Any, i: int, today: date) -> tuple[dict, list[Problem]]:
    """One party, normalised, with its problems (ID number, 统一社会信用代码 and phone as for petitioners)."""
    where = f"第{i + 1}位当事人"
    problems: list[Problem] = []
    if not isinstance(p, Mapping):
        return {}, [error(f"parties[{i}]", f"{where}的格式不对，应为对象（含 name、kind、side 等）")]
    unknown = [k for k in p if k not in PARTY_KEYS]
    if unknown:
        problems.append(error(f"parties[{i}]", f"{where}有不认识的字段：{'、'.join(unknown)}（可用：{'、'.join(PARTY_KEYS)}）"))
    name = str(p.get("name") or "").strip()
    if not name:
        problems.append(error(f"parties[{i}].name", f"{where}：请填写姓名或单位名称"))
    kind = _choice(problems, f"parties[{i}].kind", p.get("kind"), PartyKind, f"{where}的类别", PartyKind.PERSON)
    side = _choice(problems, f"parties[{i}].side", p.get("side"), m.Side, f"{where}的身份")
    out = {"name": name, "kind": kind.value if kind else "个人", "side": side.value if side else "",
           "id_number": str(p.get("id_number") or "").strip(), "phone": str(p.get("phone") or "").strip(),
           "address": str(p.get("address") or "").strip(), "agent": str(p.get("agent") or "").strip(),
           "sex": str(p.get("sex") or "").strip(), "birth": None}
    if out["id_number"]:
        if kind == PartyKind.ORGANISATION:
            chk = check_uscc(out["id_number"])
        else:
            chk = check_id_number(out["id_number"], today)
            if chk.valid:
                out["sex"], out["birth"] = chk.sex or out["sex"], chk.birth.isoformat() if chk.birth else None
        out["id_number"] = chk.normalized or out["id_number"]
        problems += [replace(x, field=f"parties[{i}].id_number", message=f"{where}：{x.message}") for x in chk.problems]
    if out["phone"]:
        pc = check_phone(out["phone"])
        out["phone"] = pc.normalized or out["phone"]
        problems += [replace(x, field=f"parties[{i}].phone", message=f"{where}：{x.message}") for x in pc.problems]
    return out, problems


def read_registration(data: Any, *, now: datetime, types: list[str]) -> tuple[dict, list[Problem]]:
    """The registration as plain values (committee, mediators and petition still as the user named them)."""
    if not isinstance(data, Mapping):
        raise DomainError("纠纷登记应为 JSON 对象")
    problems: list[Problem] = []
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        problems.append(error("", f"不认识的字段：{'、'.join(unknown)}（可用：{'、'.join(KEYS)}）"))
    try:
        received = parse_received(data.get("received_at"), now)
        if (received - now).total_seconds() > 3600:
            problems.append(error("received_at", "收到时间晚于现在，请核对"))
    except DomainError as exc:
        problems.append(error("received_at", exc.message))
        received = now
    source = _choice(problems, "source", data.get("source"), m.Source, "纠纷来源", m.Source.APPLICATION)
    referred_by = str(data.get("referred_by") or "").strip()
    if source == m.Source.REFERRAL:
        rb = _choice(problems, "referred_by", referred_by or None, m.ReferredBy, "移送单位类别")
        referred_by = rb.value if rb else referred_by
    elif referred_by:
        problems.append(error("referred_by", "只有“委托移送”的纠纷才填写移送单位"))
    referral_date = None
    if data.get("referral_date"):
        try:
            referral_date = m.parse_day(data.get("referral_date"), "移送日期")
        except DomainError as exc:
            problems.append(error("referral_date", exc.message))
    dtype = str(data.get("type") or "").strip()
    if not dtype:
        problems.append(error("type", "请选择纠纷类型：" + "、".join(types)))
    elif dtype not in types:
        problems.append(error("type", f"纠纷类型“{dtype}”不在字典中：" + "、".join(types)))
    kind = _choice(problems, "kind", data.get("kind"), m.MediationKind, "调解类别", m.MediationKind.PEOPLE)
    summary = str(data.get("summary") or "").strip()
    if not summary:
        problems.append(error("summary", "请填写纠纷简要情况"))
    requests = data.get("requests") or ""
    if isinstance(requests, (list, tuple)):
        requests = "\n".join(str(x).strip() for x in requests if str(x).strip())
    amount = 0
    try:
        amount = m.money_cents(data.get("amount"), "涉及金额")
    except DomainError as exc:
        problems.append(error("amount", exc.message))
    risk = data.get("risk") or ""
    if risk:
        r = _choice(problems, "risk", risk, m.Risk, "风险等级")
        risk = r.value if r else ""
    reasons = data.get("risk_reasons") or []
    if isinstance(reasons, str):
        reasons = [x for x in reasons.replace("，", "、").split("、") if x.strip()]
    for r in reasons:
        if r not in m.RISK_REASONS:
            problems.append(error("risk_reasons", f"风险原因“{r}”不在可选范围内：" + "、".join(m.RISK_REASONS)))
    if reasons and not risk:
        problems.append(error("risk", "填写了风险原因，请同时选择风险等级（低/中/高）"))
    parties, today = [], received.date()
    raw_parties = data.get("parties") or []
    if not isinstance(raw_parties, list):
        problems.append(error("parties", "当事人（parties）应为列表"))
        raw_parties = []
    for i, p in enumerate(raw_parties):
        party, probs = check_party(p, i, max(today, now.date()))
        problems += probs
        if party:
            parties.append(party)
    sides = {p["side"] for p in parties}
    if "申请人" not in sides:
        problems.append(error("parties", "请至少登记一位申请人"))
    if "被申请人" not in sides:
        problems.append(error("parties", "请至少登记一位被申请人（纠纷的另一方）"))
    headcount = data.get("headcount")
    if headcount in (None, ""):
        headcount = len(parties)
    elif isinstance(headcount, bool) or not isinstance(headcount, int) and not str(headcount).isdigit():
        problems.append(error("headcount", "涉及人数应为整数"))
        headcount = len(parties)
    headcount = int(headcount)
    mediators = data.get("mediators") or []
    if isinstance(mediators, str):
        mediators = [x.strip() for x in mediators.replace("，", "、").split("、") if x.strip()]
    out = {"received_at": received, "source": source.value if source else "", "referred_by": referred_by,
           "referral_no": str(data.get("referral_no") or "").strip(), "referral_date": referral_date,
           "type": dtype, "kind": kind.value if kind else "人民调解", "committee": str(data.get("committee") or "").strip(),
           "mediators": mediators, "recorder": str(data.get("recorder") or "").strip(), "parties": parties,
           "summary": summary, "requests": str(requests).strip(), "amount_cents": amount, "headcount": headcount,
           "risk": risk, "risk_reasons": list(reasons), "grid_worker": str(data.get("grid_worker") or "").strip(),
           "grid": str(data.get("grid") or "").strip(), "petition": data.get("petition")}
    return out, problems

"""人民调解 use cases (issue 9): committees, mediators, disputes from 登记 to 归档, clocks, 卷宗, 访调对接.

Exposed as `ws.mediation`. Each user action is one transaction with one appended, hash-chained event.
Statistics, printouts and the 以奖代补 sheet live in `mediation_stats.py` and `mediation_print.py`.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ..domain import mediation as m
from ..domain.mediation_file import DOCUMENTS, check_file
from ..domain.permissions import ADMIN, HANDLER, LEADER, MEDIATOR, REGISTRAR, permission
from ..domain.problems import DomainError, expected_version
from ..storage.mediation_store import NO_COMMITTEE, DisputeFilter, MediationStore  # noqa: F401  (front ends build filters)
from . import mediation_intake as intake
from .mediation_clocks import CONFIRM_WINDOW_DAYS, STEP_LABELS, STEPS, ClocksMixin, _day  # noqa: F401
from .mediation_print import PrintMixin
from .mediation_stats import StatsMixin

if TYPE_CHECKING:
    from .workspace import Workspace


# Permissions (docs/permissions.md): a 调解员 acts on the disputes of their own committee (user unit = committee code).
SETUP = permission("mediation.setup", "维护调解委员会、调解员、纠纷类型和以奖代补标准", ADMIN)
READ = permission("dispute.read", "查看矛盾纠纷", REGISTRAR, LEADER, ADMIN, scoped=(MEDIATOR,))
REGISTER = permission("dispute.register", "登记矛盾纠纷", REGISTRAR, scoped=(MEDIATOR,))
MEDIATE = permission("dispute.mediate", "办理矛盾纠纷（受理、调解、协议、履行、司法确认、回访、归档、材料）",
                     scoped=(MEDIATOR,))
REFER = permission("case.refer_mediation", "信访件转人民调解", REGISTRAR, scoped=(HANDLER,))
STATS = permission("dispute.stats", "调解统计与以奖代补", LEADER, ADMIN, scoped=(MEDIATOR,))


class MediationService(ClocksMixin, StatsMixin, PrintMixin):
    def __init__(self, ws: "Workspace"):
        self.ws = ws
        self.db = MediationStore(ws.store)

    # ---- settings and dictionaries -----------------------------------------------------------
    def setting(self, key: str):
        return self.ws.setting(key)

    def types(self) -> list[str]:
        return list(self.ws.store.setting("dispute_types", list(m.DEFAULT_TYPES)))

    def type_usage(self) -> dict[str, int]:
        """{type: disputes registered under it} (shown beside the dictionary in 设置)."""
        return self.db.type_usage()

    def set_types(self, names: Iterable[str], actor: str) -> list[str]:
        self.ws.access.require(SETUP)
        names = [n.strip() for n in names if n and n.strip()]
        if not names:
            raise DomainError("纠纷类型字典不能为空")
        if len(set(names)) != len(names):
            raise DomainError("纠纷类型有重复")
        self.ws.set_setting("dispute_types", names)
        return names

    # ---- committees and mediators ------------------------------------------------------------
    def committees(self) -> list[dict]:
        return self.db.committees()

    def committee(self, key: str) -> dict:
        c = self.db.find_committee(str(key).strip())
        if c is None:
            names = "、".join(x["name"] for x in self.db.committees()) or "（尚无，请先用 committee add 添加）"
            raise DomainError(f"找不到调解委员会“{key}”，现有：{names}")
        return c

    def add_committee(self, name: str, unit: str, actor: str, prefix: str = "", category: str = "") -> dict:
        self.ws.access.require(SETUP)
        name = (name or "").strip()
        if not name:
            raise DomainError("请填写调解委员会名称")
        if self.db.find_committee(name):
            raise DomainError(f"调解委员会“{name}”已存在")
        host = self.ws.directory.find(unit) if unit else None
        if host is None:
            raise DomainError(f"单位“{unit}”不在单位目录中：调解委员会须由单位目录中的村（居）委会、街道、企业或行业组织设立")
        if category:
            cat = m.choice(category, m.CommitteeCategory, "调解委员会类别")
        elif host.kind.value == "社区":
            cat = m.CommitteeCategory.VILLAGE if "村" in host.name else m.CommitteeCategory.RESIDENTS
        elif host.kind.value == "街道乡镇":
            cat = m.CommitteeCategory.STREET
        else:
            raise DomainError(f"请用 --category 指明类别（{'、'.join(c.value for c in m.CommitteeCategory)}）："
                              f"“{host.name}”不是村（居）委会或街道")
        prefix = (prefix or "").strip() or _default_prefix(name)
        if any(ch in prefix for ch in "（）()第号") or len(prefix) > 8:
            raise DomainError("案号前缀应为 1–8 个字，不含括号、“第”“号”")
        taken = set(self.db.committee_codes_with_prefix(host.code))
        n = 1
        while f"{host.code}-TJ{n:02d}" in taken:
            n += 1
        code = f"{host.code}-TJ{n:02d}"
        with self.ws.store.transaction():
            self.db.add_committee(code, name, host.code, cat.value, prefix, self.ws.now())
        self.ws._directory = None      # the committee is now a unit of the directory
        return self.committee(code)

    def mediators(self, committee: str = "") -> list[dict]:
        return self.db.mediators(self.committee(committee)["code"] if committee else "")

    def add_mediator(self, name: str, committee: str, actor: str, phone: str = "", login: str = "") -> dict:
        self.ws.access.require(SETUP)
        name = (name or "").strip()
        if not name:
            raise DomainError("请填写调解员姓名")
        c = self.committee(committee)
        if any(x["name"] == name for x in self.db.mediators(c["code"])):
            raise DomainError(f"“{c['name']}”已有调解员“{name}”")
        with self.ws.store.transaction():
            mid = self.db.add_mediator(c["code"], name, phone.strip(), login.strip())
        return next(x for x in self.db.mediators(c["code"]) if x["id"] == mid)

    # ---- registration ------------------------------------------------------------------------
    def check_registration(self, data: Mapping) -> tuple[dict, list]:
        """The registration read and checked, without saving (for the 登记 form while typing)."""
        reg, problems = intake.read_registration(data, now=self.ws.now(), types=self.types())
        try:
            reg["committee"] = self._committee_for(reg["committee"])
        except DomainError as exc:
            problems.append(intake.error("committee", exc.message))
            return reg, problems
        known = {x["name"]: x["id"] for x in self.db.mediators(reg["committee"]["code"])}
        missing = [n for n in reg["mediators"] if n not in known]
        if missing:
            problems.append(intake.error("mediators", f"“{reg['committee']['name']}”没有调解员：{'、'.join(missing)}"
                                                      f"（可用：{'、'.join(known) or '尚无，请先添加调解员'}）"))
        if not reg["mediators"]:
            problems.append(intake.error("mediators", "请指定至少一名调解员"))
        reg["mediator_ids"] = [known[n] for n in reg["mediators"] if n in known]
        if reg["petition"] not in (None, ""):
            row = self.ws.store.find_row(reg["petition"])
            if row is None:
                problems.append(intake.error("petition", f"找不到信访件“{reg['petition']}”"))
            reg["petition"] = row
        else:
            reg["petition"] = None
        return reg, problems

    def _committee_for(self, key: str) -> dict:
        if key:
            return self.committee(key)
        all_ = self.db.committees()
        if len(all_) == 1:
            return all_[0]
        raise DomainError("请指明调解委员会（committee）" if all_ else "尚无调解委员会，请先用 committee add 添加")

    def register(self, data: Mapping, actor: str) -> dict:
        """Save a dispute (`dispute add`); refuses with every problem listed and saves nothing."""
        reg, problems = self.check_registration(data)
        errors = [p for p in problems if p.level == "error"]
        if errors:
            raise DomainError("纠纷登记信息有误：" + "；".join(p.message for p in errors), tuple(errors))
        self.ws.access.require(REGISTER, reg["committee"]["code"])
        actor = self.ws.access.actor(actor)
        warnings = [p.message for p in problems]
        with self.ws.store.transaction():
            row = self._insert(reg, actor)
            self.db.append_event(row, self._uuid(row), "register", reg["received_at"], self.ws.now(), actor,
                                 {"number": self.db.dispute_row(row)["number"], "warnings": warnings,
                                  "petition": reg["petition"]})
        return self.show(row)

    def _insert(self, reg: dict, actor: str) -> int:
        now, c = self.ws.now(), reg["committee"]
        year = reg["received_at"].year
        seq = self.db.next_seq(c["code"], year)
        parties = reg["parties"]
        fields = {
            "number": m.dispute_number(year, c["prefix"], seq), "committee": c["code"], "year": year, "seq": seq,
            "received_at": reg["received_at"], "registered_at": now, "registered_by": actor,
            "source": reg["source"], "referred_by": reg["referred_by"], "referral_no": reg["referral_no"],
            "referral_date": reg["referral_date"], "type": reg["type"], "kind": reg["kind"], "risk": reg["risk"],
            "risk_reasons": "、".join(reg["risk_reasons"]), "headcount": reg["headcount"],
            "amount_cents": reg["amount_cents"], "grid_worker": reg["grid_worker"], "grid": reg["grid"],
            "recorder": reg["recorder"], "mediator_names": "、".join(reg["mediators"]),
            "party_names": "、".join(p["name"] for p in parties), "summary": reg["summary"],
            "requests": reg["requests"], "petition": reg["petition"], "status": m.DisputeStatus.REGISTERED.value,
            "followup_days": int(self.setting("followup_days")), "updated_at": now}
        self.ws.store.ensure_user(actor, now=now)
        row, _ = self.db.insert_dispute(fields, parties, reg["mediator_ids"])
        return row

    def _uuid(self, row: int) -> str:
        return self.db.dispute_uuid(row)

    # ---- actions -----------------------------------------------------------------------------
    def row_of(self, key: str | int) -> int:
        row = self.db.find_row(key)
        if row is None:
            raise DomainError(f"找不到纠纷“{key}”（可用案号、ID 或序号）")
        return row

    def state(self, d: dict) -> m.DisputeState:
        return m.DisputeState(
            status=m.DisputeStatus(d["status"]), kind=m.MediationKind(d["kind"]),
            received_on=_day(d["received_at"]), accepted_on=_day(d["accepted_on"]), sessions=d["sessions"],
            last_session_on=_day(d["last_session_on"]), extended=bool(d["extended"]),
            agreement_form=d["agreement_form"], effective_on=_day(d["effective_on"]),
            confirm_due=self._confirm_due(d), confirm_applied_on=_day(d["confirm_applied_on"]),
            confirm_result=d["confirm_result"], performance=d["performance"], followups=d["followups"],
            missing_documents=tuple(self.file_check(d).missing))

    def act(self, key: str | int, action: str, actor: str, at: datetime | None = None,
            data: Mapping | None = None, version: int | None = None) -> tuple[dict, tuple[str, ...]]:
        """Take one action; returns the dispute (as `show`) and warnings (e.g. 逾期申请). `version`: the
        dispute's version the user saw (default: as read now); a dispute changed since is refused with
        "本件已被他人更新，请刷新后重试" and nothing is saved."""
        row, now = self.row_of(key), self.ws.now()
        at = at or now
        if (at - now).total_seconds() > 3600:
            raise DomainError("办理时间晚于现在，请核对")
        data = dict(data or {})
        close_petition = data.pop("close_petition", None)
        seen = self.db.dispute_row(row)
        expected = expected_version(seen["version"], version)
        self.ws.access.require(MEDIATE, seen["committee"])
        actor = self.ws.access.actor(actor)
        with self.ws.store.transaction():
            self.db.claim_dispute(row, expected)
            d = self.db.dispute_row(row)
            t = m.plan(self.state(d), action, at, data)
            updates = dict(t.updates, status=t.to.value)
            if t.action == m.Action.ACCEPT:
                updates["mediation_days"] = int(self.setting("mediation_days"))
            elif t.action == m.Action.EXTEND:
                updates["extension_days"] = int(self.setting("mediation_extension_days"))
            elif t.action == m.Action.SUCCEED:
                updates["followup_days"] = int(self.setting("followup_days"))
            payload = dict(t.payload)
            if t.warnings:
                payload["warnings"] = list(t.warnings)
            self.db.update_dispute(row, updates, now)
            fresh = self.db.dispute_row(row)
            due, step = self._next_due(fresh)
            self.db.update_dispute(row, {"next_due": due, "next_step": step}, now)
            self.ws.store.ensure_user(actor, now=now)
            self.db.append_event(row, d["uuid"], t.action.value, at, now, actor, payload)
            if close_petition:
                self._close_petition(row, close_petition, actor, at)
        return self.show(row), t.warnings

    def close_petition(self, key: str | int, reason: str, actor: str, at: datetime | None = None) -> dict:
        """访调对接: close the linked petition with 达成调解协议 / 调解协议已履行 in one step."""
        row = self.row_of(key)
        self.ws.access.require(MEDIATE, self.db.dispute_row(row)["committee"])
        actor = self.ws.access.actor(actor)
        with self.ws.store.transaction():
            self._close_petition(row, reason, actor, at or self.ws.now())
        return self.show(row)

    def _close_petition(self, row: int, reason: Any, actor: str, at: datetime) -> None:
        d = self.db.dispute_row(row)
        reason = "达成调解协议" if reason is True else str(reason)
        if reason not in ("达成调解协议", "调解协议已履行"):
            raise DomainError("信访件结案理由应为“达成调解协议”或“调解协议已履行”")
        if not d["petition"]:
            raise DomainError("本纠纷没有关联的信访件")
        if not d["agreement_form"]:
            raise DomainError("纠纷尚未达成调解协议，不能以调解结案")
        if reason == "调解协议已履行" and d["performance"] not in {p.value for p in m.FULLY_PERFORMED}:
            raise DomainError("协议尚未履行完毕，不能以“调解协议已履行”结案（可选“达成调解协议”）")
        self.ws.act(d["petition"], "close", actor, at, {"reason": reason})
        number = self.ws.store.case_number(d["petition"])
        self.db.append_event(row, d["uuid"], "close-petition", at, self.ws.now(), actor,
                             {"petition": number, "reason": reason})

    # ---- 访调对接: a petition handed to mediation --------------------------------------------------
    def refer_from_petition(self, case_key: str | int, data: Mapping | None, actor: str,
                            at: datetime | None = None, version: int | None = None) -> dict:
        """转人民调解: a dispute built from the petition's data and linked both ways. A petition still
        待处置 is accepted (直接受理) in the same step, since mediation is how it is handled."""
        case = self.ws.case(case_key)
        expected = self.ws.expected_version(case, version)
        self.ws.access.require(REFER, case.handling_unit or None)
        actor = self.ws.access.actor(actor)
        data = dict(data or {})
        if case.status.value not in ("registered", "handling"):
            raise DomainError(f"信访件当前为“{case.status.label}”，只有待处置或办理中的信访件可以转人民调解")
        if self.db.disputes_of_petition(case.row):
            raise DomainError("该信访件已转人民调解：" + "、".join(n for _, n, _ in self.db.disputes_of_petition(case.row)))
        at = at or self.ws.now()
        parties = data.pop("parties", None) or [
            {"name": p.name, "kind": p.kind.value, "id_number": p.id_number, "phone": p.phone, "address": p.address,
             "side": "申请人"} for p in case.draft.petitioners if not p.anonymous and p.role.value != "代理人"]
        if data.get("respondent"):
            parties.append({"name": str(data.pop("respondent")), "side": "被申请人",
                            "kind": data.pop("respondent_kind", "个人")})
        reg = {"received_at": at.isoformat(sep=" ", timespec="minutes"), "source": "委托移送", "referred_by": "信访",
               "referral_no": case.number, "referral_date": at.date().isoformat(),
               "type": data.pop("type", "其它"), "summary": data.pop("summary", case.draft.summary),
               "requests": data.pop("requests", case.draft.demands), "headcount": case.draft.headcount,
               "parties": parties, "petition": case.row}
        reg.update(data)
        with self.ws.store.transaction():
            self.ws.store.claim_case(case.row, expected)
            if case.status.value == "registered":
                self.ws.act(case.row, "accept", actor, at, {})
            shown = self.register(reg, actor)
            self.ws.store.append_event(case.row, case.id, "refer-mediation", at, self.ws.now(), actor,
                                       {"dispute": shown["number"], "committee": shown["committee_name"]})
        return self.show(shown["row"])

    def links_for_case(self, case_row: int) -> list[dict]:
        return [{"id": i, "number": n, "status": s, "status_label": m.DisputeStatus(s).label}
                for i, n, s in self.db.disputes_of_petition(case_row)]

    # ---- 卷宗 -------------------------------------------------------------------------------------
    def file_check(self, d: dict):
        present = {x["kind"] for x in self.db.documents(d["id"])}
        return check_file(present, accepted=bool(d["accepted_on"]), sessions=d["sessions"],
                          agreement=bool(d["agreement_form"]))

    def attach(self, key: str | int, kind: str, paths: Iterable[str], actor: str, version: int | None = None) -> dict:
        """Copy files into the data folder as 卷宗 documents of ``kind`` (with SHA-256), noted on the timeline."""
        if kind not in DOCUMENTS:
            raise DomainError(f"材料类别“{kind}”不在卷宗目录中：" + "、".join(DOCUMENTS))
        row, now = self.row_of(key), self.ws.now()
        seen = self.db.dispute_row(row)
        expected = expected_version(seen["version"], version)
        self.ws.access.require(MEDIATE, seen["committee"])
        actor = self.ws.access.actor(actor)
        paths = list(paths)
        if not paths:
            raise DomainError("请选择要添加的材料")
        names = []
        files = self.ws.files
        with self.ws.store.transaction():
            self.db.claim_dispute(row, expected)
            uid = self._uuid(row)
            for raw in paths:
                stored, digest, size = files.keep(raw, "disputes", uid, now)
                name = Path(raw).name
                self.db.add_document(row, kind, "attached", now, name, stored, digest, size)
                names.append(f"{name} sha256:{digest[:12]}")
            self.ws.store.ensure_user(actor, now=now)
            self.db.append_event(row, uid, "attach", now, now, actor, {"kind": kind, "files": names})
        return self.show(row)

    def document_path(self, doc: dict) -> Path:
        """A path on this PC to open a 卷宗 document with (on a server: a checked temporary copy)."""
        return self.ws.files.local_path(doc["stored_path"], doc.get("sha256", ""), doc.get("filename", ""))

    # ---- clocks ------------------------------------------------------------------------------
    # ---- reading -----------------------------------------------------------------------------
    def dispute(self, key: str | int) -> dict:
        return self.db.dispute_row(self.row_of(key))

    def show(self, key: str | int) -> dict:
        """Everything about one dispute (the `dispute show` JSON)."""
        row = self.row_of(key)
        d = self.db.dispute_row(row)
        self.ws.access.require(READ, d["committee"])
        check = self.file_check(d)
        petition = None
        if d["petition"]:
            num, uid, st = self.ws.store.case_head(d["petition"])
            petition = {"id": uid, "row": d["petition"], "number": num, "status": st}
        state = self.state(d)
        events = self.db.events(row)
        return {
            "id": d["uuid"], "row": row, "number": d["number"], "status": d["status"], "version": d["version"],
            "status_label": m.DisputeStatus(d["status"]).label, "committee": d["committee"],
            "committee_name": d["committee_name"], "received_at": d["received_at"].replace("T", " "),
            "registered_at": d["registered_at"].replace("T", " "), "registered_by": d["registered_by"],
            "source": d["source"], "referred_by": d["referred_by"], "referral_no": d["referral_no"],
            "referral_date": d["referral_date"], "type": d["type"], "kind": d["kind"], "risk": d["risk"],
            "risk_reasons": [x for x in d["risk_reasons"].split("、") if x], "headcount": d["headcount"],
            "amount": d["amount_cents"] / 100, "grid_worker": d["grid_worker"], "grid": d["grid"],
            "recorder": d["recorder"], "summary": d["summary"], "requests": d["requests"],
            "mediators": self.db.dispute_mediators(row), "parties": self.db.parties(row),
            "accepted_on": d["accepted_on"], "sessions": d["sessions"], "outcome_on": d["outcome_on"],
            "agreement": _agreement(d, events), "performance": d["performance"], "performed_on": d["performed_on"],
            "confirmation": {"applied_on": d["confirm_applied_on"], "late": bool(d["confirm_late"]),
                             "result": d["confirm_result"]},
            "followups": d["followups"], "archived_on": d["archived_on"], "petition": petition,
            "missing_documents": check.missing, "file": check.to_dict()["items"],
            "documents": self.db.documents(row), "deadlines": self.deadlines(d),
            "allowed_actions": [a.value for a in m.allowed_actions(state)],
            "events": [dict(e, label=_event_label(e["action"])) for e in events],
        }

    def scoped(self, f: DisputeFilter) -> DisputeFilter:
        """A 调解员 without a wider role sees the disputes of their own committee only."""
        if self.ws.access.can(READ):
            return f
        from dataclasses import replace
        user = self.ws.access.user
        if MEDIATOR in user.roles and user.unit:
            return replace(f, committee=user.unit) if f.committee in ("", user.unit) else replace(f, committee=NO_COMMITTEE)
        raise READ.refusal(user)

    def list_ids(self, f: DisputeFilter = DisputeFilter(), order: str = "id", descending: bool = True) -> list[int]:
        return self.db.list_ids(self.scoped(f), order, descending)

    def first_page(self, f: DisputeFilter, limit: int = 50) -> list[int]:
        return self.db.list_ids(self.scoped(f), "id", True, limit)

    def list_rows(self, ids) -> dict[int, tuple]:
        return self.db.list_rows(ids)

    def count(self, f: DisputeFilter = DisputeFilter()) -> int:
        return self.db.count(self.scoped(f))

    def due_filter(self, which: str, base: DisputeFilter = DisputeFilter(), today: date | None = None) -> DisputeFilter:
        today = today or self.ws.now().date()
        yesterday = date.fromordinal(today.toordinal() - 1)
        from dataclasses import replace
        if which == "逾期":
            return replace(base, due_before=yesterday, due_after=None)
        if which == "临期":
            return replace(base, due_after=yesterday, due_before=self.ws.near_limit(today))
        raise DomainError("到期状态应为“逾期”或“临期”")


def _default_prefix(name: str) -> str:
    for suffix in ("人民调解委员会", "调解委员会", "调委会"):
        name = name.removesuffix(suffix)
    return name[:2] or "调"


def _agreement(d: dict, events: list[dict]) -> dict | None:
    if not d["agreement_form"]:
        return None
    succeed = next((e for e in reversed(events) if e["action"] == "succeed"), None)
    p = succeed["payload"] if succeed else {}
    return {"form": d["agreement_form"], "terms": p.get("terms", ""), "performance": p.get("performance", {}),
            "amount": d["agreement_cents"] / 100, "effective": d["effective_on"]}


def _event_label(action: str) -> str:
    if action in m.EVENT_LABELS:
        return m.EVENT_LABELS[action]
    try:
        return m.Action(action).label
    except ValueError:
        return action

"""积案化解 (issue 8): 包案领导, 交办批次, 积案 records and their actions — one call, one transaction,
hash-chained events. Handed out as `ws.backlog`; numbers live in backlog_stats, candidates and
公开接访 in backlog_candidates."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Iterable, Mapping, Sequence

from ..domain import backlog as rules
from ..domain.backlog import BacklogAction, Source
from ..domain.permissions import ADMIN, DISCIPLINE, HANDLER, LEADER, REGISTRAR, permission
from ..domain.problems import DomainError, expected_version
from ..storage.backlog_store import BacklogStore
from . import backlog_stats
from .backlog_board import BoardMixin
from .backlog_leaders import LeadersMixin
from .backlog_candidates import CandidatesMixin

# Settings of this area (shown and changed by `xinfang backlog config`): key -> (meaning, default, min, max)
SETTINGS = {
    "backlog_open_days": ("积案候选：办理超过多少天仍未办结（默认 180）", 180, 30, 3650),
    "backlog_repeat_count": ("积案候选：同一人同一事项 12 个月内信访达到多少次（默认 3）", 3, 2, 50),
    "backlog_repeat_window_days": ("积案候选：重复信访的统计窗口天数（默认 365）", 365, 30, 1095),
    "backlog_warn_days": ("化解时限前多少天显示为临期（默认 7）", 7, 0, 90),
    "backlog_target_rate": ("新建交办批次的默认目标化解率（默认 0.9）", 0.9, 0.01, 1.0),
    "backlog_candidate_limit": ("积案候选每条规则最多列出多少件（默认 500）", 500, 10, 5000),
}
WAYS_KEY = "backlog_ways"

# Who may do what (docs/permissions.md). 承办 sees and works on the records whose 责任单位 is his unit; the
# clerk keeps the books (batches, taking on, the log, recording a resolution); 销号 and a change of the
# 包案领导 are a leader's decisions.
READ = permission("backlog.read", "查看积案台账", LEADER, REGISTRAR, DISCIPLINE, ADMIN, scoped=(HANDLER,))
MANAGE = permission("backlog.manage", "维护积案台账（交办批次、列为积案、包案领导名单、公开接访日、积案候选）",
                    LEADER, REGISTRAR)
WORK = permission("backlog.work", "办理积案（进展、化解方案、化解、结案、重新打开、证据材料）", LEADER, REGISTRAR,
                  scoped=(HANDLER,))
DECIDE = permission("backlog.decide", "积案销号、更换包案领导", LEADER)
CONFIG = permission("backlog.settings", "积案设置（候选阈值、临期天数、化解方式）", LEADER, ADMIN)
DECISIONS = frozenset({BacklogAction.DELIST, BacklogAction.REASSIGN})
EVENT_LABELS = {a.value: a.label for a in BacklogAction}


def _day(value, what: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise DomainError(f"{what}“{value}”不是有效日期（应为 YYYY-MM-DD）") from None


def _name(value, what: str, limit: int = 50, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise DomainError(f"请填写{what}")
    if len(text) > limit:
        raise DomainError(f"{what}过长（最多 {limit} 字）")
    return text


class BacklogService(LeadersMixin, BoardMixin, CandidatesMixin):
    def __init__(self, ws):
        self.ws = ws
        self.db = BacklogStore(ws.store)

    # ---- settings --------------------------------------------------------------------------------
    def setting(self, key: str):
        return self.ws.store.setting(key, SETTINGS[key][1])

    def settings(self) -> dict:
        out = {k: self.setting(k) for k in SETTINGS}
        out[WAYS_KEY] = self.ways()
        return out

    def configure(self, key: str, raw, actor: str):
        """Change one backlog setting from text, checked; `backlog_ways` takes a list joined by 、 or ,."""
        self.ws.access.require(CONFIG)
        actor = self.ws.access.actor(actor)
        if key == WAYS_KEY:
            items = raw if isinstance(raw, (list, tuple)) else str(raw).replace("，", ",").replace("、", ",").split(",")
            return self.set_ways(items, actor)
        if key not in SETTINGS:
            raise DomainError(f"不能设置“{key}”，可设置：{'、'.join([*SETTINGS, WAYS_KEY])}")
        meaning, default, low, high = SETTINGS[key]
        try:
            value = float(raw) if isinstance(default, float) else int(str(raw).strip())
        except ValueError:
            raise DomainError(f"{meaning}：应为{'数字' if isinstance(default, float) else '整数'}") from None
        if not low <= value <= high:
            raise DomainError(f"{meaning}：应在 {low} 至 {high} 之间")
        with self.ws.store.transaction():
            self.ws.store.set_setting(key, value, actor, self.ws.now())
        return value

    def ways(self) -> list[str]:
        return list(self.ws.store.setting(WAYS_KEY, list(rules.DEFAULT_WAYS)))

    def set_ways(self, items: Iterable[str], actor: str) -> list[str]:
        self.ws.access.require(CONFIG)
        actor = self.ws.access.actor(actor)
        ways = []
        for item in items:
            text = _name(item, "化解方式", 20, required=False)
            if text and text not in ways:
                ways.append(text)
        if not ways:
            raise DomainError("化解方式列表不能为空")
        with self.ws.store.transaction():
            self.ws.store.set_setting(WAYS_KEY, ways, actor, self.ws.now())
        return ways

    # ---- batches ---------------------------------------------------------------------------------
    def add_batch(self, name: str, issuer: str, issued, target, actor: str, target_rate=None, note: str = "") -> dict:
        self.ws.access.require(MANAGE)
        actor = self.ws.access.actor(actor)
        name, issuer = _name(name, "批次名称", 80), _name(issuer, "交办单位", 80)
        issued_on, target_on = _day(issued, "交办日期"), _day(target, "目标日期")
        if target_on < issued_on:
            raise DomainError(f"目标日期（{target_on}）早于交办日期（{issued_on}）")
        if target_rate is None or target_rate == "":
            target_rate = float(self.setting("backlog_target_rate"))
        text = str(target_rate).strip()
        try:
            rate = float(text.rstrip("%"))
        except ValueError:
            raise DomainError(f"目标化解率“{target_rate}”应为 0 至 1 之间的小数或百分数（如 0.9 或 90%）") from None
        if text.endswith("%") or rate > 1:      # 90% and 90 both mean 0.9
            rate /= 100
        if not 0 < rate <= 1:
            raise DomainError(f"目标化解率“{target_rate}”应在 0 至 100% 之间")
        if self.db.batch(name):
            raise DomainError(f"交办批次“{name}”已存在")
        now = self.ws.now()
        with self.ws.store.transaction():
            bid = self.db.insert_batch(name, issuer, issued_on, target_on, round(rate, 4), _name(note, "备注", 500, False),
                                       now, actor)
            self.db.append_event("backlog_batch", name, "create", now, now, actor, {
                "name": name, "issuer": issuer, "issued_on": issued_on.isoformat(), "target_on": target_on.isoformat(),
                "target_rate": round(rate, 4), "note": note})
        return self.batch(bid)

    def _batch_row(self, key) -> tuple:
        row = self.db.batch(str(key))
        if row is None:
            raise DomainError(f"找不到交办批次“{key}”（可用批次编号或名称）")
        return row

    def batch(self, key, today: date | None = None) -> dict:
        return self._batch_dict(self._batch_row(key), today or self.ws.now().date())

    def batches(self, today: date | None = None) -> list[dict]:
        today, sizes = today or self.ws.now().date(), self.db.batch_sizes()
        return [self._batch_dict(r, today, sizes) for r in self.db.batches()]

    def _batch_dict(self, row: tuple, today: date, sizes: dict[int, int] | None = None) -> dict:
        bid, name, issuer, issued, target, rate, note, closed = row
        sizes = self.db.batch_sizes() if sizes is None else sizes
        return {"id": bid, "name": name, "issuer": issuer, "issued_on": issued, "target_on": target,
                "target_rate": rate, "note": note, "closed_on": closed, "closed": closed is not None,
                "days_left": (date.fromisoformat(target) - today).days, "records": sizes.get(bid, 0)}

    def close_batch(self, key, actor: str) -> dict:
        self.ws.access.require(MANAGE)
        actor = self.ws.access.actor(actor)
        bid, name, *_, closed = self._batch_row(key)
        if closed:
            raise DomainError("该交办批次已关闭")
        now = self.ws.now()
        with self.ws.store.transaction():
            self.db.close_batch(bid, now.date())
            self.db.append_event("backlog_batch", name, "close", now, now, actor, {"closed_on": now.date().isoformat()})
        return self.batch(bid)

    # ---- records ---------------------------------------------------------------------------------
    def _unit(self, key: str) -> tuple[str, str]:
        key = str(key or "").strip()
        if not key:
            return "", ""
        unit = self.ws.directory.find(key)
        if unit is None:
            raise DomainError(f"责任单位“{key}”不在单位目录中（可用单位编码或全称）")
        return unit.code, unit.name

    def _at(self, at, what: str = "办理时间") -> datetime:
        now = self.ws.now()
        if at is None or at == "":
            return now
        if isinstance(at, datetime):
            value = at
        elif isinstance(at, date):
            value = datetime.combine(at, now.time()) if at == now.date() else datetime.combine(at, datetime.min.time())
        else:
            from .intake import parse_datetime
            value = parse_datetime(str(at), what)
        if value > now + timedelta(hours=1):
            raise DomainError(f"{what}（{value:%Y-%m-%d %H:%M}）晚于现在，请核对")
        return value

    def take_on(self, case_key, batch, source: str, actor: str, leader: str = "", unit: str = "", plan: str = "",
                due=None, at=None) -> dict:
        """列为积案: one record on a case in a batch. Refuses a second open record on the same case."""
        self.ws.access.require(MANAGE)
        actor = self.ws.access.actor(actor)
        row = self.ws.row_of(case_key)
        b = self._batch_row(batch)
        if b[7]:
            raise DomainError(f"交办批次“{b[1]}”已关闭，不能再列入积案")
        try:
            src = Source(str(source).strip())
        except ValueError:
            raise DomainError(f"积案来源“{source}”应为 上级交办 或 本级排查") from None
        leader_name = self.leader(leader, active_only=True)["name"] if str(leader or "").strip() else ""
        unit_code, _ = self._unit(unit)
        at_dt = self._at(at, "列入日期")
        case = self.ws.store.load_case(row, with_events=False)
        if at_dt.date() < case.draft.received_at.date():
            raise DomainError(f"列入日期（{at_dt.date()}）早于案件收到日期（{case.draft.received_at.date()}）")
        if at_dt.date() < date.fromisoformat(b[3]):
            raise DomainError(f"列入日期（{at_dt.date()}）早于交办批次的交办日期（{b[3]}）")
        due_on = _day(due, "化解时限") if due else date.fromisoformat(b[4])
        if due_on < at_dt.date():
            raise DomainError(f"化解时限（{due_on}）早于列入日期（{at_dt.date()}）")
        existing = self.db.open_record_of_case(row)
        if existing:
            raise DomainError(f"案件 {case.number} 已列为积案（第 {existing} 号，尚未销号），不能重复列入")
        plan = _name(plan, "化解方案", 2000, required=False)
        now = self.ws.now()
        with self.ws.store.transaction():
            self.ws.store.ensure_user(actor, now=now)
            rid, ruuid = self.db.insert_record(case_id=row, batch_id=b[0], source=src.value, taken_on=at_dt.date(),
                                               leader=leader_name, unit=unit_code, plan=plan, due=due_on, now=now)
            self.db.append_record_event(rid, ruuid, BacklogAction.TAKE.value, at_dt, now, actor, {
                "case": case.id, "number": case.number, "batch": b[0], "source": src.value,
                "taken_on": at_dt.date().isoformat(), "leader": leader_name, "unit": unit_code, "plan": plan,
                "due": due_on.isoformat()})
        return self.record(rid)

    def _record_id(self, key) -> int:
        rid = self.db.find_record(str(key))
        if rid is None:
            raise DomainError(f"找不到积案“{key}”（可用积案编号）")
        return rid

    def state(self, rid: int, as_of: date | None = None) -> rules.RecordState | None:
        events = self.db.record_events(self.db.record(rid)["uuid"])
        return rules.replay(((a, at, p) for _, a, at, _, _, p, _ in events), as_of)

    def act(self, key, action: str, actor: str, at=None, data: Mapping | None = None,
            version: int | None = None) -> dict:
        """One action on a record (progress/plan/resolve/close/reopen/delist/reassign), refused in Chinese.
        `version`: the record's version the user saw (default: as read now); a record changed since is refused
        with "本件已被他人更新，请刷新后重试" and nothing is saved."""
        rid = self._record_id(key)
        act = rules.parse_action(action)
        self.ws.access.require(DECIDE if act in DECISIONS else WORK, self.db.record(rid)["unit"] or None)
        actor = self.ws.access.actor(actor)
        if data is not None and not isinstance(data, Mapping):
            raise DomainError("--data 应为 JSON 对象，如 {\"text\": \"…\"}")
        return self._apply(rid, act, actor, at, dict(data or {}), version)

    def _apply(self, rid: int, act: BacklogAction, actor: str, at, data: dict, version: int | None = None) -> dict:
        at_dt = self._at(at)
        record = self.db.record(rid)             # first: the state read next is at least this version's
        expected = expected_version(record["version"], version)
        state = self.state(rid)
        planned = rules.plan(state, act, data, at_dt, last_at=self.db.last_event_at(record["uuid"]), ways=self.ways(),
                             leaders=[r[1] for r in self.db.leaders()])
        after = rules.apply(state, act.value, at_dt.date(), planned.payload)
        now = self.ws.now()
        with self.ws.store.transaction():
            self.db.claim_record(rid, expected)      # the plan above was made on this version
            self.ws.store.ensure_user(actor, now=now)
            self.db.update_record(rid, _projection(after), now)
            self.db.append_record_event(rid, record["uuid"], act.value, at_dt, now, actor, planned.payload)
        return self.record(rid)

    def add_attachments(self, key, paths: Sequence[str], actor: str, version: int | None = None) -> dict:
        """Evidence files: stored with the case's attachments, named on the record's progress log. `version`:
        the record's version the user saw (a record changed since is refused)."""
        rid = self._record_id(key)
        self.ws.access.require(WORK, self.db.record(rid)["unit"] or None)
        actor = self.ws.access.actor(actor)
        paths = list(paths)
        if not paths:
            raise DomainError("请选择要添加的附件")
        rec = self.db.record(rid)
        expected = expected_version(rec["version"], version)
        state = self.state(rid)
        if state.delisted:
            raise DomainError("该积案已销号，不能再办理")
        case_uuid = self.ws.store.case_uuid(rec["case_id"])
        now = self.ws.now()
        with self.ws.store.transaction():
            self.db.claim_record(rid, expected)
            self.ws.store.bump_case(rec["case_id"])         # the case's attachments change
            names = self.ws._store_attachments(rec["case_id"], case_uuid, paths, now)
            self.db.append_record_event(rid, rec["uuid"], BacklogAction.ATTACH.value, now, now, actor,
                                 {"attachments": names})
        return self.record(rid)

    # ---- reading ---------------------------------------------------------------------------------
    def record(self, key, today: date | None = None) -> dict:
        """A record with its case summary, due state, allowed actions, events and attachments."""
        rid = self._record_id(key)
        r = self.db.record(rid)
        self.ws.access.require(READ, r["unit"] or None)
        today = today or self.ws.now().date()
        state = self.state(rid)
        case = self._visible_case(r["case_id"])
        batch = self._batch_row(r["batch_id"])
        leader = self.db.leader(r["leader"]) if r["leader"] else None
        events = self.db.record_events(r["uuid"])
        attached = {n for _, a, _, _, _, p, _ in events if a == "attach" for n in p.get("attachments", [])}
        return {
            "id": rid, "uuid": r["uuid"], "case": case.number, "case_id": case.id, "case_row": case.row,
            "summary": case.draft.summary, "demands": case.draft.demands, "category": case.draft.category,
            "petitioners": "、".join(p.display_name for p in case.draft.petitioners if p.display_name),
            "received_at": case.draft.received_at.isoformat(sep=" "), "case_status": case.status.label,
            "restricted": case.restricted, "redacted": case.redacted,
            "batch": batch[0], "batch_name": batch[1], "source": r["source"], "taken_on": r["taken_on"],
            "leader": r["leader"], "leader_post": leader[2] if leader else "",
            "unit": r["unit"], "unit_name": self.ws.store.unit_name(r["unit"]) if r["unit"] else "",
            "plan": r["plan"], "status": r["status"], "way": r["way"], "resolved_on": r["resolved_on"],
            "closed_on": r["closed_on"], "delisted": r["delisted_on"] is not None, "delisted_on": r["delisted_on"],
            "approver": r["approver"], "version": r["version"],
            **rules.due_state(state, today, int(self.setting("backlog_warn_days"))).to_dict(),
            "allowed_actions": self.allowed_actions(state, r["unit"]),
            "can_work": not state.delisted and self.ws.access.can(WORK, r["unit"] or None),
            "attachments": [{"filename": a.filename, "sha256": a.sha256, "size": a.size, "path": a.stored_path}
                            for a in case.attachments if f"{a.filename} sha256:{a.sha256[:12]}" in attached],
            "events": [{"seq": s, "action": a, "label": EVENT_LABELS.get(a, a), "at": at.isoformat(sep=" "),
                        "recorded_at": rec.isoformat(sep=" "), "actor": actor, "payload": p, "hash": h}
                       for s, a, at, rec, actor, p, h in events],
        }

    def _visible_case(self, row: int):
        """The case as the acting user may see it (限制知悉 redacted, personal data masked)."""
        case = self.ws.store.load_case(row, with_events=False)
        registered_by = self.ws.store.case_registrar(row)
        return self.ws.access.redact(case, registered_by)

    def allowed_actions(self, state: rules.RecordState, unit: str = "") -> list[str]:
        """The actions the record's state allows and the acting user may take."""
        if state is None or state.delisted:
            return []
        return [a.value for a, (frm, _) in rules.TABLE.items() if state.status in frm and a != BacklogAction.ATTACH
                and self.ws.access.can(DECIDE if a in DECISIONS else WORK, unit or None)]

    def records_of_case(self, case_key) -> list[dict]:
        return [self.record(rid) for rid in self.db.records_of_case(self.ws.row_of(case_key))]

    def stats(self, at: date | None = None, batch=None) -> dict:
        """The §2 numbers as of a date (default today), from the events, for everything or one batch.

        Signature for other services (the monthly report's backlog section):
            ws.backlog.stats(at: date | None = None, batch: str | int | None = None) -> dict
        returns {"as_of", "total": {...}, "batches": [...], "leaders": [...], "units": [...]}, each entry with
        assigned, resolved, rate, overdue, late_resolved, delisted, leader_assigned/leader_resolved/leader_rate
        (包案化解率); batches add id, name, target_rate, days_left, target_met; leaders add leader, post;
        units add unit, unit_name."""
        self.ws.access.require(READ)
        as_of = _day(at, "统计日期") if at else self.ws.now().date()
        batch_id = self._batch_row(batch)[0] if batch not in (None, "") else None
        return backlog_stats.compute(self, as_of, batch_id)

    def leader_items(self, start: date, end: date, unit: str = "") -> list[dict]:
        """附件2 领导包案事项 of a report period (backlog_stats.leader_items): per leader the counts at `end` and
        the records open then or resolved in [start, end]."""
        return backlog_stats.leader_items(self, start, end, unit)

    def workbench(self, actor: str, today: date | None = None) -> dict:
        """工作台: a leader's own 包案 items (open first, by due date) and everyone's counts."""
        return backlog_stats.workbench(self, actor, today or self.ws.now().date())

    def check(self) -> dict:
        """Every backlog chain verifies and every record's projection equals the replay of its events."""
        return backlog_stats.verify(self)

    # ---- printing --------------------------------------------------------------------------------
    def task_pdf(self, key, actor: str, mask: bool = True) -> bytes:
        """包案任务书 for the record's leader (A4, embedded font, personal data masked)."""
        from ..reports.backlog_print import render_task_sheet
        rec = self.record(key)
        case = self._visible_case(rec["case_row"])
        return render_task_sheet(rec, case, office_name=self.ws.setting("office_name"), printed_at=self.ws.now(),
                                 printed_by=actor, mask=mask)

    def batch_pdf(self, key, actor: str) -> bytes:
        """The batch list: every record with status, leader, unit, due state; and the batch's numbers."""
        from ..reports.backlog_print import render_batch_list
        b = self.batch(key)
        return render_batch_list(b, self.records(batch=b["id"]), self.stats(batch=b["id"])["total"],
                                 office_name=self.ws.setting("office_name"), printed_at=self.ws.now(),
                                 printed_by=actor)


def _projection(s: rules.RecordState) -> dict:
    return {"status": s.status.value, "leader": s.leader, "unit": s.unit, "plan": s.plan, "due": s.due,
            "way": s.way, "resolved_on": s.resolved_on, "closed_on": s.closed_on, "delisted_on": s.delisted_on,
            "approver": s.approver}

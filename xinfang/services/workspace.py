"""The Workspace: every use case as one call and one transaction. Front ends use nothing else."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable, Mapping

from ..calendar.deadlines import DueDate, compute_due
from ..calendar.policies import DEFAULT_PROFILE, PROFILES, Profile, get_profile, profile_from_dict
from ..calendar.workcalendar import WorkCalendar, parse_holiday_csv
from ..domain import lifecycle
from ..domain.enums import Purpose, Status, Step
from ..domain.lifecycle import Action
from ..domain.model import Case, CaseDraft, Deadline
from ..domain.problems import DomainError, Problem, error, expected_version, has_errors, warning
from ..storage.engine import is_server_url
from ..storage.store import ListFilter, Store
from . import access as perms
from . import clocks as clockwork
from . import case_input, intake, seed
from .integrity import Integrity
from .access import Access
from .attachment_files import files_folder
from .routing import RoutingMixin
from .server import check_target
from .users import Users

Now = Callable[[], datetime]
RECOMPUTE = "recompute"     # event: running due dates moved by a holiday import

# Settings an administrator may change, with their meaning (shown by `xinfang config`).
SETTING_HELP = {
    "office_name": "本单位名称（打印在表单上）",
    "number_prefix": "案件编号中间的字，如 2026-信-000123 中的“信”",
    "warn_workdays": "剩余不超过多少个工作日视为临期（默认 3）",
    "max_representatives": "集体访代表人数上限（默认 5；浙江 10 人以下为 3）",
    "collective_threshold": "来访人数达到多少人算集体访（默认 5）",
    "mediation_days": "人民调解期限：自受理之日起多少日（默认 30）",
    "mediation_extension_days": "经当事人同意延长调解期限一次，延长多少日（默认 30）",
    "followup_days": "调解协议履行期限届满后多少日内回访（默认 15）",
    "login_max_failures": "连续输错密码多少次锁定账户（默认 5）",
    "login_lock_minutes": "账户锁定多少分钟（默认 15）",
    "idle_lock_minutes": "程序闲置多少分钟后锁定、须重新输入密码（默认 15）",
    "report_threshold": "报表中承办单位的时效率、满意率低于多少（百分数）时标红（默认 90）",
    "received_horizon_years": "收到时间早于多少年前需要确认（默认 5）",
}

DEFAULTS = {
    "office": "",
    "office_name": "本单位",
    "number_prefix": "信",
    "deadline_profile": DEFAULT_PROFILE,
    "warn_workdays": 3,
    "max_representatives": 5,
    "collective_threshold": 5,
    "mediation_days": 30,
    "mediation_extension_days": 30,
    "followup_days": 15,
    "login_max_failures": 5,
    "login_lock_minutes": 15,
    "idle_lock_minutes": 15,
    "report_threshold": 90,
    "font_files": {},          # {"body"|"title"|"heading"|"kai": path}: the office PC's print fonts
    "received_horizon_years": 5,
}


@dataclass(frozen=True)
class Preview:
    draft: CaseDraft
    problems: tuple[Problem, ...]
    repeats: tuple[intake.RepeatMatch, ...]
    route: dict = field(default_factory=dict)
    person_cases: tuple[intake.PersonCase, ...] = ()
    old_received: bool = False      # 收到时间 before the horizon: saving needs confirm_old

    @property
    def can_save(self) -> bool:
        return not has_errors(self.problems)


@dataclass(frozen=True)
class Registered:
    case: Case
    warnings: tuple[Problem, ...]
    repeats: tuple[intake.RepeatMatch, ...]


@dataclass(frozen=True)
class Acted:
    case: Case
    warnings: tuple[str, ...]


class Workspace(RoutingMixin):
    def __init__(self, store: Store, now: Now = datetime.now, data_dir: Path | None = None):
        self.store = store
        self.closed = False
        self.now = lambda: now().replace(microsecond=0)
        self.data_dir = data_dir
        self._calendar: WorkCalendar | None = None
        self._categories: set[str] | None = None
        self._backlog = None
        self._mediation = self._reports = self._notices = None     # made on first use, on this store (reopen)
        self.integrity = Integrity(store)
        self.access = Access(self)      # who acts, and the checks (docs/permissions.md)
        self.users = Users(self)        # accounts and login

    @classmethod
    def open(cls, path: str | Path = ":memory:", now: Now = datetime.now, seed_reference: bool = True,
             read_only: bool | None = None, sample: bool = True,
             backup_before_migration: bool = True, password: str | None = None) -> "Workspace":
        """Open (or create) a database: a file, or a server database `postgresql://USER@HOST[:PORT]/DB`
        (issue 12; the password from `password`, XINFANG_DB_PASSWORD or .pgpass: services/server.py).
        `read_only=None`: read-only exactly when the file or its folder cannot be written (a CD, a locked
        share) or the server login may only read; True: view and print only, nothing is ever changed (on a
        server every transaction is READ ONLY). A new database gets the national holidays and, with
        `sample`, the 江城市城东区 sample directory, categories and 权责清单 (the front ends ask first)."""
        if is_server_url(path):
            check_target(str(path))
            store = Store(str(path), read_only=read_only, password=password)
            return cls.on_store(store, now, None, seed_reference, sample)
        store = Store(path, read_only=read_only, backup_before_migration=backup_before_migration)
        return cls.on_store(store, now, files_folder(path), seed_reference, sample)

    @property
    def on_server(self) -> bool:
        """The database is on a PostgreSQL server (several seats), not a file on this PC."""
        return self.store.dialect.server

    @classmethod
    def on_store(cls, store: Store, now: Now = datetime.now, data_dir: Path | None = None,
                 seed_reference: bool = True, sample: bool = True) -> "Workspace":
        """A workspace on a store already open (the engine tests open PostgreSQL stores this way); a new
        database gets its reference data as in `open`."""
        ws = cls(store, now, data_dir)
        if seed_reference and not store.read_only and store.holiday_count() == 0:
            with store.transaction():
                if store.holiday_count() == 0:      # again under the write lock: another process may be seeding
                    seed.seed_reference(store, ws.now(), sample=sample)
        return ws

    @property
    def read_only(self) -> bool:
        """Opened read-only (the file or its folder cannot be written): view and print only; the GUI says so."""
        return self.store.read_only

    def install_sample(self, actor: str, if_empty: bool = False) -> dict:
        """Install the 江城市城东区 sample set (units, places, categories, 权责清单 v1) into an empty directory;
        `if_empty`: a directory that has units already is left as it is instead of refused."""
        self.access.require(perms.SETTINGS)
        with self.store.transaction():          # checked under the write lock: two processes install once
            if self.store.unit_rows():
                if if_empty:
                    return self.summary()
                raise DomainError("单位目录中已有单位，不能再安装示例；请在“设置 › 单位目录”中导入或修改")
            seed.install_sample(self.store, self.now())
        self._forget_routing()
        return self.summary()

    @property
    def demo_data(self):
        """清除演示数据: what the demo generator made, found and removed (services/demo_data.py)."""
        from .demo_data import DemoData
        return DemoData(self)

    @property
    def files(self):
        """Attached files: the `<db>-files` folder, or the database itself on a server (attachment_files.py)."""
        from .attachment_files import AttachmentFiles
        return AttachmentFiles(self)

    @property
    def backups(self):
        """Backups of this database: its own copies on one PC; on a server, manual dumps only (server_backups)."""
        if self.store.dialect.server:
            from .server_backups import ServerBackups
            return ServerBackups(self)
        from .backups import Backups
        return Backups(self)

    def reopen(self) -> None:
        """Open the same file again (a restore replaced it): a new connection, no cached reference data."""
        if not self.closed:
            self.store.close()
        # __init__ again, so every service handed out (integrity, backlog, mediation …) starts on the new store;
        # a logged-in user stays logged in
        user = self.access.user
        self.__init__(Store(self.store.path), self.now, self.data_dir)
        self._forget_routing()
        if not user.superuser and user.roles:
            self.access.enter(user)

    def close(self) -> None:
        """Close the database; a second close is harmless, and ``closed`` tells late callers (timers) to stop."""
        if not self.closed:
            self.closed = True
            self.store.close()

    @property
    def moving(self):
        """迁移到服务器 (migrate-to): services/moving.py."""
        from .moving import Moving
        return Moving(self)

    @property
    def backlog(self):
        """积案化解: batches, records, leaders, candidates, 公开接访 (services/backlog.py)."""
        if self._backlog is None:
            from .backlog import BacklogService
            self._backlog = BacklogService(self)
        return self._backlog

    @property
    def mediation(self):
        """人民调解: committees, mediators, disputes (services/mediation.py)."""
        if getattr(self, "_mediation", None) is None:
            from .mediation import MediationService
            self._mediation = MediationService(self)
        return self._mediation

    @property
    def reports(self):
        """Statistics, the monthly report and notices (issue 10): `ws.reports`."""
        if getattr(self, "_reports", None) is None:
            from .reports import Reports
            self._reports = Reports(self)
        return self._reports

    @property
    def notices(self):
        """受理告知书 … 复核意见书 (issue 10 §4): `ws.notices`."""
        if getattr(self, "_notices", None) is None:
            from .notices import Notices
            self._notices = Notices(self)
        return self._notices

    # ---- configuration ---------------------------------------------------------------------
    def setting(self, key: str):
        return self.store.setting(key, DEFAULTS.get(key))

    def set_setting(self, key: str, value, actor: str = "") -> None:
        self.access.require(perms.SETTINGS)
        with self.store.transaction():
            self.store.set_setting(key, value, self.access.actor(actor), self.now())

    def configure(self, key: str, raw: str, actor: str):
        """Change one administrator setting from text, checked; returns the stored value."""
        self.access.require(perms.SETTINGS)
        if key not in SETTING_HELP:
            raise DomainError(f"不能设置“{key}”，可设置：{'、'.join(SETTING_HELP)}")
        value: object = str(raw).strip()
        if isinstance(DEFAULTS[key], int):
            try:
                value = int(raw)
            except ValueError:
                raise DomainError(f"{SETTING_HELP[key]}：应为整数") from None
            if not 1 <= value <= 100:
                raise DomainError(f"{SETTING_HELP[key]}：应在 1 至 100 之间")
        elif not value:
            raise DomainError(f"{SETTING_HELP[key]}：不能为空")
        self.set_setting(key, value, actor)
        return value

    def settings(self) -> dict:
        return {k: self.setting(k) for k in SETTING_HELP}

    def reload_calendar(self) -> WorkCalendar:
        """Re-read holidays (after an import made through another connection)."""
        self._calendar = None
        return self.calendar

    @property
    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            self._calendar = WorkCalendar.from_rows(self.store.holiday_rows())
        return self._calendar

    @property
    def profile(self) -> Profile:
        value = self.setting("deadline_profile")
        if isinstance(value, dict):
            return profile_from_dict(value)
        return get_profile(value)

    def profiles(self) -> list[Profile]:
        return list(PROFILES.values())

    def set_profile(self, code: str, actor: str) -> Profile:
        self.access.require(perms.SETTINGS)
        if code not in PROFILES:
            raise DomainError(f"未知的期限方案“{code}”，可选：{'、'.join(PROFILES)}")
        with self.store.transaction():
            self.store.set_setting("deadline_profile", code, self.access.actor(actor), self.now())
        return self.profile

    def categories(self) -> list[tuple[str, str, str, bool]]:
        return self.store.categories()

    def category_paths(self) -> set[str]:
        if self._categories is None:
            self._categories = {c[0] for c in self.store.categories()}
        return self._categories

    @property
    def office(self) -> str:
        return self.setting("office") or "000000"

    def set_office(self, code: str, actor: str) -> None:
        """Choose 本单位 (the office running the program) from the unit directory."""
        self.access.require(perms.SETTINGS)
        name = self.store.unit_name(code)
        if not name:
            raise DomainError(f"单位编码“{code}”不在单位目录中，请先导入单位")
        with self.store.transaction():
            self.store.set_setting("office", code, self.access.actor(actor), self.now())
            self.store.set_setting("office_name", name, self.access.actor(actor), self.now())

    def summary(self) -> dict:
        return {"db": self.store.path, "office": self.office, "office_name": self.setting("office_name"),
                "holidays": self.store.holiday_count(), "categories": len(self.store.categories()),
                "units": len(self.store.unit_rows()), "rule_version": self.store.active_rule_version(),
                "cases": self.store.total_cases(), "profile": self.profile.name,
                "holiday_years": list(self.calendar.covered_years())}

    # ---- calendar ----------------------------------------------------------------------------
    def due(self, start: date, days: int, unit: str) -> DueDate:
        if unit not in ("calendar", "working"):
            raise DomainError("单位应为 calendar（自然日）或 working（工作日）")
        if days < 1:
            raise DomainError("天数至少为 1")
        return compute_due(start, days, unit, self.calendar)

    def import_holidays(self, text: str, actor: str, accept_partial: bool = False) -> tuple[int, list[str]]:
        self.access.require(perms.SETTINGS)
        actor = self.access.actor(actor)
        rows, problems = parse_holiday_csv(text)
        if problems and not accept_partial:
            return 0, problems
        if not rows:
            return 0, problems or ["文件中没有节假日数据"]
        with self.store.transaction():
            before = self.calendar
            n = self.store.upsert_holidays(rows, f"import:{actor}:{self.now().isoformat()}")
            self._calendar = None
            self._recompute_running_clocks(actor)
            # a dispute's clock can move only from the first day whose rest/work status the file changed
            changed = [day for day, *_ in rows if before.is_rest_day(day) != self.calendar.is_rest_day(day)]
            if changed:
                self.mediation.recompute_due(min(changed), actor)
        return n, problems

    def _recompute_running_clocks(self, actor: str) -> None:
        """New holidays move running due dates: each case touched gets a 期限重算 event (its timeline says why
        the date changed, and the projection stays derivable from the events)."""
        cal = self.calendar
        touched = set()
        for row, c in list(self.store.running_clocks()):
            new = clockwork.recompute(c, cal)
            if new.due != c.due:
                self.store.save_clock(row, new)
                touched.add(row)
        now = self.now()
        for row in sorted(touched):
            due, step = clockwork.next_due(self.store.clocks(row))
            self.store.bump_case(row)
            self.store.update_case(row, {"next_due": due, "next_step": step.value if step else None}, now)
            case_uuid = self.store.case_uuid(row)
            self.store.append_event(row, case_uuid, RECOMPUTE, now, now, actor, {"reason": "节假日数据更新"})

    # ---- registration ---------------------------------------------------------------------------
    def received_horizon(self) -> date:
        """收到时间 earlier than this day needs a confirmation (a typo such as 1900 or 2015 for 2025)."""
        today = self.now().date()
        years = int(self.setting("received_horizon_years"))
        try:
            return today.replace(year=today.year - years)
        except ValueError:          # 29 February
            return today.replace(year=today.year - years, day=28)

    def preview(self, draft: CaseDraft, confirm_old: bool = False) -> Preview:
        """What saving would say: problems, the person's earlier cases, repeat candidates and the suggested
        route (shown while the clerk types)."""
        self.access.require(perms.REGISTER)
        draft, problems = intake.validate(
            draft, now=self.now(), categories=self.category_paths(),
            max_representatives=int(self.setting("max_representatives")),
            collective_threshold=int(self.setting("collective_threshold")))
        horizon = self.received_horizon()
        old = draft.received_at.date() < horizon
        if old:
            text = (f"收到时间 {draft.received_at:%Y-%m-%d} 早于 {self.setting('received_horizon_years')} 年前"
                    f"（{horizon.isoformat()}）")
            problems.append(warning("received_at", text + "，已确认为旧件") if confirm_old else
                            error("received_at", text + "，请核对；确属旧件须确认后保存（命令行加 --confirm-old）"))
        person_cases = intake.find_person_cases(self.store, draft)
        repeats = intake.find_repeats(self.store, draft)
        try:
            route = self.suggest_route(draft)
        except DomainError as exc:
            problems.append(error("unit", exc.message))
            route = {}
        return Preview(draft, tuple(problems), tuple(repeats), route, tuple(person_cases), old)

    def register_input(self, data: Mapping, actor: str, confirm_old: bool = False) -> Registered:
        """Register from the `case add` JSON; a refusal lists every problem (types, limits, unknown keys,
        and the checks of the fields that did parse), not only the first."""
        draft, problems = case_input.parse_case(data, self.now())
        if problems:
            pv = self.preview(draft, confirm_old=confirm_old)      # bad fields hold neutral stand-ins; their own findings are dropped
            problems += [p for p in pv.problems if not case_input.covered(p.field, problems)]
            raise case_input.refusal(problems)
        return self.register(draft, actor, confirm_old=confirm_old)

    def register(self, draft: CaseDraft, actor: str, *, confirm_old: bool = False,
                 expect_unit: str | None = None) -> Registered:
        """Register a case. `confirm_old` accepts a 收到时间 before the horizon; `expect_unit` is the unit the
        clerk saw suggested: when routing now gives another one, nothing is saved (the screen was stale)."""
        with self.store.settings_read_once():
            return self._register(draft, actor, confirm_old, expect_unit)

    def _register(self, draft: CaseDraft, actor: str, confirm_old: bool, expect_unit: str | None) -> Registered:
        self.access.require(perms.REGISTER)
        actor = self.access.actor(actor)
        pv = self.preview(draft, confirm_old=confirm_old)
        errors = [p for p in pv.problems if p.level == "error"]
        if errors:
            raise DomainError("登记信息有误：" + "；".join(p.message for p in errors), tuple(errors))
        routed = pv.route.get("unit", "") or ""
        if expect_unit is not None and routed != expect_unit:
            name = pv.route.get("unit_name") or routed or "（无）"
            shown = self.store.unit_name(expect_unit) or expect_unit or "（无）"
            msg = f"承办单位已按最新填写内容变为“{name}”（原显示“{shown}”），请核对后再保存"
            raise DomainError(msg, (error("unit", msg),))
        draft, now = pv.draft, self.now()
        earliest = min(pv.repeats, key=lambda m: m.row) if pv.repeats else None
        candidate = any(m.closed_after_recheck for m in pv.repeats)
        restricted = draft.purpose == Purpose.ACCUSATION or bool(pv.route.get("restricted"))
        with self.store.transaction():
            self.store.ensure_user(actor, now=now)
            year = draft.received_at.year
            seq = self.store.next_seq(self.office, year)
            number = f"{year}-{self.setting('number_prefix')}-{seq:06d}"
            row, case_id = self.store.insert_case(
                number=number, office=self.office, year=year, seq=seq, draft=draft, status=Status.REGISTERED,
                registered_at=now, restricted=restricted, repeat_of=earliest.id if earliest else "",
                no_longer_candidate=candidate, route=pv.route, registered_by=actor)
            for m in pv.repeats:
                self.store.add_repeat(row, m.row, m.person, m.similarity)
            dispose = clockwork.start_clock(Step.DISPOSE, draft.received_at.date(), self.profile, self.calendar)
            self.store.save_clock(row, dispose)
            self.store.update_case(row, {"next_due": dispose.due, "next_step": Step.DISPOSE.value}, now)
            files = self._store_attachments(row, case_id, draft.attachments, now)
            warnings = [p for p in pv.problems if p.level == "warning"]
            self.store.append_event(row, case_id, lifecycle.REGISTER, draft.received_at, now, actor, {
                "number": number, "warnings": [p.message for p in warnings],
                "repeat_of": [m.number for m in pv.repeats], "no_longer_accept_candidate": candidate,
                "route": pv.route, "attachments": files})
        return Registered(self._shown(self.store.load_case(row)), tuple(warnings), pv.repeats)

    def _store_attachments(self, row: int, case_id: str, paths: Iterable[str], now: datetime) -> list[str]:
        names = []
        for raw in paths:
            stored, digest, size = self.files.keep(raw, "attachments", case_id, now)
            name = Path(raw).name
            self.store.add_attachment(row, name, stored, digest, size, now)
            names.append(f"{name} sha256:{digest[:12]}")
        return names

    def add_attachments(self, key: str | int, paths: Iterable[str], actor: str, version: int | None = None) -> Case:
        """Copy files into the data folder with their SHA-256 and note them on the timeline. `version`: the
        case's version the user saw (default: as read now); a case changed since is refused (StaleRecord)."""
        row = self.row_of(key)
        case = self._readable(row)
        expected = self.expected_version(case, version)
        self.access.require(perms.ATTACH, case.handling_unit)
        actor = self.access.actor(actor)
        paths = list(paths)
        if not paths:
            raise DomainError("请选择要添加的附件")
        now = self.now()
        case_id = self.store.case_uuid(row)
        with self.store.transaction():
            self.store.claim_case(row, expected)
            names = self._store_attachments(row, case_id, paths, now)
            self.store.ensure_user(actor, now=now)
            self.store.append_event(row, case_id, "attach", now, now, actor, {"attachments": names})
        return self._shown(self.store.load_case(row))

    def attachment_path(self, attachment) -> Path:
        """A path on this PC to open the attachment with (on a server: a checked temporary copy)."""
        return self.files.local_path(attachment.stored_path, attachment.sha256, attachment.filename)

    # ---- actions -------------------------------------------------------------------------------
    def row_of(self, key: str | int) -> int:
        row = self.store.find_row(key)
        if row is None:
            raise DomainError(f"找不到案件“{key}”（可用编号、ID 或序号）")
        return row

    def case(self, key: str | int) -> Case:
        """The case as the logged-in user may see it (refused, or redacted when 限制知悉)."""
        return self._shown(self._readable(self.row_of(key)))

    def _readable(self, row: int) -> Case:
        case = self.store.load_case(row)
        self.access.check_visible(case)
        return case

    @staticmethod
    def expected_version(case: Case, version: int | None) -> int:
        """The case's version an action claims (domain.problems.expected_version)."""
        return expected_version(case.version, version)

    def _shown(self, case: Case) -> Case:
        return self.access.redact(case, case.registered_by)

    def unmask(self, key: str | int, purpose: str = "查看") -> Case:
        """The case with ID numbers and phones in full for this user; the view is recorded (访问记录)."""
        row = self.row_of(key)
        case = self._readable(row)
        self.access.require(perms.UNMASK, case.handling_unit)
        if not self.access.sees_identity(case.restricted, case.registered_by):
            raise perms.SEE_RESTRICTED.refusal(self.access.user)
        now = self.now()
        actor = self.access.actor("")
        with self.store.transaction():
            self.store.ensure_user(actor, now=now)
            self.store.append_event(row, case.id, "unmask", now, now, actor, {"purpose": purpose})
        return self.store.load_case(row)

    def restrict(self, key: str | int, reason: str, actor: str = "", version: int | None = None) -> Case:
        """An administrator marks a case 限制知悉 (the reporter's identity is hidden from most users)."""
        self.access.require(perms.RESTRICT)
        row = self.row_of(key)
        case = self._readable(row)
        expected = self.expected_version(case, version)
        reason = str(reason or "").strip()
        if not reason:
            raise DomainError("请填写标记限制知悉的理由")
        if case.restricted:
            raise DomainError(f"案件“{case.number}”已是限制知悉件")
        now = self.now()
        actor = self.access.actor(actor)
        with self.store.transaction():
            self.store.claim_case(row, expected)
            self.store.update_case(row, {"restricted": 1}, now)
            self.store.ensure_user(actor, now=now)
            self.store.append_event(row, case.id, "restrict", now, now, actor, {"reason": reason})
        return self.case(row)

    def access_log(self, limit: int = 500, offset: int = 0) -> list[dict]:
        """访问记录: who saw which case's personal data in full, and when (newest first)."""
        self.access.require(perms.AUDIT)
        return [{"at": at, "actor": actor, "number": number, "purpose": json.loads(payload).get("purpose", "")}
                for at, actor, number, payload in self.store.access_log(limit, offset)]

    def allowed_actions(self, case: Case) -> list[Action]:
        """The actions the lifecycle allows now and this user may take."""
        return [a for a in lifecycle.allowed_actions(case.status)
                if (p := perms.action_permission(a.value, case.status.value)) is None
                or self.access.can(p, case.handling_unit)]

    def blocked_actions(self, case: Case, today: date | None = None) -> dict[Action, str]:
        """Actions the state allows but the rules refuse today, with the reason (e.g. 延期 after the one
        extension): the front ends disable them and show why."""
        today = today or self.now().date()
        clocks = {c.step: c for c in case.clocks}
        out = {}
        for a in self.allowed_actions(case):
            reason = lifecycle.blocked_reason(a, case.status, clocks, today)
            if reason:
                out[a] = reason
        return out

    def act(self, key: str | int, action: str, actor: str, at: datetime | None = None,
            data: Mapping | None = None, version: int | None = None) -> Acted:
        """One step of the lifecycle. `version`: the case's version the user decided on (the GUI passes what
        it shows; default: the version read at the start of this call). When someone else changed the case
        since, nothing is saved and StaleRecord says "本件已被他人更新，请刷新后重试"."""
        if data is not None and not isinstance(data, Mapping):
            raise DomainError("办理数据应为 JSON 对象，如 {\"reason\": \"…\"}")
        data = case_input.check_action_data(data or {})
        row = self.row_of(key)
        current = self._readable(row)
        expected = self.expected_version(current, version)
        needed = perms.action_permission(str(action), current.status.value)
        if needed is not None:
            self.access.require(needed, current.handling_unit)
        actor = self.access.actor(actor)
        now = self.now()
        at = at or now
        if at > now and (at - now).total_seconds() > 3600:
            raise DomainError("办理时间晚于现在，请核对")
        with self.store.transaction():
            self.store.claim_case(row, expected)
            case = self.store.load_case(row, with_events=False)
            clocks = {c.step: c for c in case.clocks}
            profile = self.profile
            data = self._complete_action_data(case, _as_action(action), dict(data or {}))
            t = lifecycle.plan(case.status, clocks, action, at, data, received_at=case.draft.received_at,
                               last_at=self.store.last_event_at(row),
                               max_extension=profile.policy(Step.HANDLE).max_extension or 30)
            if "unit" in t.payload and t.payload["unit"]:
                t.payload["unit_name"] = self.store.unit_name(t.payload["unit"]) or t.payload["unit"]
            changed = clockwork.apply_ops(clocks, t.clock_ops, at.date(), profile, self.calendar)
            for c in changed.values():
                self.store.save_clock(row, c)
            clocks.update(changed)
            due, step = clockwork.next_due(clocks.values())
            fields = dict(t.updates, status=t.to.value, next_due=due, next_step=step.value if step else None)
            if t.action == Action.OBJECT:
                refused = {e.payload.get("from_unit") for e in self.store.events(row) if e.action == "object"}
                refused.add(data.get("from_unit", ""))
                fields["route"] = json.dumps(self.decide(case.draft, tuple(x for x in refused if x)).to_dict(),
                                             ensure_ascii=False)
            self.store.update_case(row, fields, now)
            payload = dict(t.payload)
            for key in ("from_unit", "from_unit_name"):
                if data.get(key):
                    payload[key] = data[key]
            if t.warnings:
                payload["warnings"] = list(t.warnings)
            for c in changed.values():
                payload.setdefault("clocks", {})[c.step.value] = (
                    f"stopped {c.stopped_on.isoformat()}" if c.stopped_on else f"due {c.due.isoformat()}")
            self.store.ensure_user(actor, now=now)
            self.store.append_event(row, case.id, t.action.value, at, now, actor, payload)
        return Acted(self._shown(self.store.load_case(row)), t.warnings)

    def _complete_action_data(self, case: Case, action, data: dict) -> dict:
        """Fill what the case already knows (the routed unit) and guard confidentiality."""
        if action in (Action.FORWARD, Action.ASSIGN, Action.TRANSFER) and not data.get("unit"):
            data["unit"] = case.route.get("unit", "") if isinstance(case.route, dict) else ""
        if data.get("unit"):
            unit = self.directory.find(data["unit"])
            if unit is None and action in (Action.FORWARD, Action.ASSIGN):
                raise DomainError(f"承办单位“{data['unit']}”不在单位目录中")
            if unit is not None:
                data["unit"] = unit.code
                if case.draft.purpose == Purpose.ACCUSATION and case.draft.accused_unit and \
                        self._inside_accused(unit.code, case.draft.accused_unit):
                    raise DomainError(f"检举控告件不得转交被检举单位或其下属单位（{unit.name}）")
        if action == Action.OBJECT:
            data["from_unit"] = case.handling_unit
            data["from_unit_name"] = case.handling_unit_name
        return data

    # ---- reading -------------------------------------------------------------------------------
    def deadlines(self, case: Case, today: date | None = None) -> list[Deadline]:
        today = today or self.now().date()
        warn = int(self.setting("warn_workdays"))
        return [clockwork.deadline(c, today, self.calendar, warn) for c in case.clocks]

    def list_ids(self, f: ListFilter = ListFilter(), order: str = "id", descending: bool = True):
        return self.store.list_ids(self.access.scope(f), order, descending)

    def list_rows(self, ids) -> dict[int, tuple]:
        """List rows; a restricted case shows 【限制知悉】 for the reporter and summary unless this user may see them."""
        rows = self.store.list_rows(ids)
        if self.access.user.superuser:
            return rows
        names, summary = self.store.LIST_COLUMNS.index("petitioner_names"), self.store.LIST_COLUMNS.index("summary")
        restricted = self.store.LIST_COLUMNS.index("restricted")
        for row, registered_by in self.store.registered_by_of([i for i, r in rows.items() if r[restricted]]).items():
            if not self.access.sees_identity(True, registered_by):
                r = list(rows[row])
                r[names] = r[summary] = perms.RESTRICTED_MARK
                rows[row] = tuple(r)
        return rows

    def change_mark(self) -> tuple:
        """Compare two of these to see whether anyone saved something in between (the GUI's refresh across
        seats polls it every few seconds: services/refresh in ui/main_window)."""
        return self.store.change_mark()

    def count(self, f: ListFilter = ListFilter()) -> int:
        return self.store.count(self.access.scope(f))

    def first_page(self, f: ListFilter, limit: int = 50) -> list[int]:
        return self.store.first_page(self.access.scope(f), limit)

    def near_limit(self, today: date | None = None) -> date:
        """Running duty clocks due on or before this date are 临期 (or 逾期 when before today)."""
        today = today or self.now().date()
        return self.calendar.add_working_days(today, int(self.setting("warn_workdays")))

    def due_filters(self, today: date | None = None) -> dict[str, ListFilter]:
        today = today or self.now().date()
        yesterday = date.fromordinal(today.toordinal() - 1)
        return {
            "逾期": ListFilter(due_before=yesterday),
            "临期": ListFilter(due_after=yesterday, due_before=self.near_limit(today)),
            "待受理": ListFilter(status=(Status.PENDING_ACCEPTANCE.value,)),
            "待答复": ListFilter(status=(Status.HANDLING.value,)),
            "待处置": ListFilter(status=(Status.REGISTERED.value,)),
        }

    def dashboard(self, actor: str, today: date | None = None, limit: int = 20) -> dict:
        out = {}
        for name, f in self.due_filters(today).items():
            out[name] = {"count": self.count(f), "ids": self.first_page(f, limit)}
        mine = ListFilter(registered_by=self.access.actor(actor))
        out["我登记的"] = {"count": self.count(mine), "ids": self.first_page(mine, limit)}
        return out

    def check(self, anchor: str | None = None, progress=None, workers: int | None = None,
              deep: bool = False) -> dict:
        """数据完整性检查 (services/integrity.py); with `anchor` only what came after it. 积案 chains are in
        the ledger walk; here each record's row is also compared with the replay of its events. `workers`:
        processes replaying cases (None: chosen by size and machine)."""
        report = self.integrity.check(anchor=anchor, progress=progress, workers=workers, deep=deep)
        backlog = self.backlog.check()
        report["disputes"] = self.mediation.db.total()     # their events are verified with the ledger
        report["backlog"] = backlog
        if not backlog["ok"]:
            report["ok"] = False
            if backlog["projection_mismatch"]:
                report["problems"].append("现状与事件不符的积案：" + "、".join(map(str, backlog["projection_mismatch"])))
            if backlog.get("moves_mismatch"):
                report["problems"].append("统计用的积案办理记录（backlog_moves）与事件不符：" +
                                          "、".join(map(str, backlog["moves_mismatch"])))
        return report

    def reindex(self, progress=None) -> int:
        """Rebuild the search index (after a killed demo load, or when check reports cases missing from it)."""
        return self.integrity.reindex(progress=progress)

    def anchor(self) -> str:
        """The ledger head "SEQ:HASH" printed on reports, backup manifests and in 设置."""
        return self.integrity.anchor()

    def sheet_pdf(self, key: str | int, actor: str, mask: bool = True) -> bytes:
        """信访事项登记表 as PDF bytes (ID numbers and phones masked unless asked otherwise)."""
        from ..reports.case_sheet import render_case_sheet   # reportlab loads only when printing
        case = self.case(key) if mask else self.unmask(key, "打印登记表")
        return render_case_sheet(case, self.deadlines(case), office_name=self.setting("office_name"),
                                 printed_at=self.now(), printed_by=self.access.actor(actor),
                                 mask=mask and not case.masked)

    # ---- output ---------------------------------------------------------------------------------
    def case_dict(self, case: Case) -> dict:
        d = case.draft
        return {
            "id": case.id, "row": case.row, "number": case.number, "office": case.office,
            "status": case.status.value, "status_label": case.status.label,
            "channel": d.channel.value, "work_order_no": d.work_order_no,
            "received_at": d.received_at.isoformat(sep=" "), "registered_at": case.registered_at.isoformat(sep=" "),
            "purpose": d.purpose.value, "category": d.category, "place": d.place, "place_code": d.place_code,
            "summary": d.summary, "content": d.content, "demands": d.demands, "headcount": d.headcount,
            "collective": d.is_collective, "reception_leader": d.reception_leader,
            "public_reception": d.public_reception, "caused_by": d.caused_by, "accused_unit": d.accused_unit,
            "legal_status": d.legal_status, "reached_level": d.reached_level, "irregular": d.irregular,
            "irregular_note": d.irregular_note,
            "petitioners": [{"name": p.name, "kind": p.kind.value, "id_number": p.id_number, "phone": p.phone,
                             "address": p.address, "role": p.role.value, "anonymous": p.anonymous, "sex": p.sex,
                             "birth": p.birth.isoformat() if p.birth else None} for p in d.petitioners],
            "disposition": case.disposition, "unit": case.handling_unit, "unit_name": case.handling_unit_name,
            "restricted": case.restricted, "redacted": case.redacted, "repeat_of": case.repeat_of or None, "repeat_ids": list(case.repeat_ids),
            "repeat_numbers": list(case.repeat_numbers),
            "no_longer_accept_candidate": case.no_longer_accept_candidate, "outcome": case.outcome,
            "rating": case.rating, "closure_reason": case.closure_reason,
            "closed_at": case.closed_at.isoformat(sep=" ") if case.closed_at else None,
            "route": case.route, "version": case.version,
            "deadlines": [x.to_dict() for x in self.deadlines(case)],
            "allowed_actions": [a.value for a in self.allowed_actions(case)],
            "attachments": [{"filename": a.filename, "sha256": a.sha256, "size": a.size} for a in case.attachments],
            "disputes": self.mediation.links_for_case(case.row),
            "events": [{"seq": e.seq, "action": e.action, "label": _event_label(e.action),
                        "at": e.at.isoformat(sep=" "), "recorded_at": e.recorded_at.isoformat(sep=" "),
                        "actor": e.actor, "payload": e.payload, "hash": e.hash} for e in case.events],
        }


def _as_action(action: str) -> Action | str:
    try:
        return Action(action)
    except ValueError:
        return action      # lifecycle.plan refuses it with a Chinese message


def _event_label(action: str) -> str:
    if action == lifecycle.REGISTER:
        return "登记"
    if action == lifecycle.REROUTE:
        return "改派"
    if action == "attach":
        return "添加附件"
    if action == RECOMPUTE:
        return "期限重算"
    if action == "baseline":
        return "建账（升级时的现状）"
    if action == "refer-mediation":
        return "转人民调解"
    if action == "unmask":
        return "查看完整个人信息"
    if action == "restrict":
        return "标记限制知悉"
    if action == "notice":
        return "出具文书"
    try:
        return Action(action).label
    except ValueError:
        return action

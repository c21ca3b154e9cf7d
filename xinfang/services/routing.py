"""谁主管谁负责 use cases: the unit directory, the 权责清单, suggestions, overrides and re-routing.

Mixed into Workspace; every method that writes is one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from ..domain.enums import Purpose, Status, Step
from ..domain.model import Case, CaseDraft
from ..domain.problems import DomainError
from ..domain.rules import Rule, RuleSet, diff_rulesets
from ..domain.units import Directory, Unit, UnitKind
from ..routing import (DEFAULT_CHAIN, PRINCIPLE_NAMES, Decision, RoutingInput, litigation_categories,
                       normalize_chain, parse_categories, parse_places, parse_rules, parse_units, route)
from ..routing.importers import ImportProblem, category_names
from ..tabular import TableError, read_table
from . import access


@dataclass(frozen=True)
class ImportReport:
    """What an import found, and whether it was applied (never partially without consent)."""

    kind: str                                   # 单位 / 权责清单
    good: int
    problems: tuple[ImportProblem, ...]
    applied: bool
    version: int | None = None
    added: tuple[Rule, ...] = ()
    removed: tuple[Rule, ...] = ()
    changed: tuple[tuple[Rule, Rule], ...] = ()
    messages: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "good": self.good, "applied": self.applied, "version": self.version,
                "problems": [p.to_dict() for p in self.problems],
                "added": [r.to_dict() for r in self.added], "removed": [r.to_dict() for r in self.removed],
                "changed": [{"old": a.to_dict(), "new": b.to_dict()} for a, b in self.changed],
                "messages": list(self.messages)}


def _rule_row(r: Rule) -> tuple:
    return (r.row, r.category, "、".join(r.keywords), r.area, r.unit, r.priority, r.basis,
            r.valid_from.isoformat() if r.valid_from else None, r.valid_to.isoformat() if r.valid_to else None)


def _unit_row(u: Unit) -> tuple:
    return (u.code, u.name, u.parent, getattr(u.kind, "value", u.kind), int(u.level), "、".join(u.areas),
            u.contact, u.phone)


class RoutingMixin:
    _directory: Directory | None = None
    _ruleset: RuleSet | None = None

    # ---- reference data ----------------------------------------------------------------------
    def _forget_routing(self) -> None:
        self._directory = None
        self._ruleset = None
        self._categories = None

    @property
    def directory(self) -> Directory:
        if self._directory is None:
            units = [Unit(code=c, name=n, parent=p, kind=UnitKind(k), level=int(lv),
                          areas=tuple(a for a in areas.split("、") if a), contact=ct, phone=ph)
                     for c, n, p, k, lv, areas, ct, ph in self.store.unit_rows()]
            self._directory = Directory(units, {name: code for code, name in self.store.places().items()})
        return self._directory

    @property
    def ruleset(self) -> RuleSet:
        if self._ruleset is None:
            version = self.store.active_rule_version()
            rules = tuple(Rule(row=r, category=c, keywords=tuple(k for k in kw.split("、") if k), area=a, unit=u,
                               priority=p, basis=b, valid_from=date.fromisoformat(f) if f else None,
                               valid_to=date.fromisoformat(t) if t else None)
                          for r, c, kw, a, u, p, b, f, t in self.store.rule_rows(version))
            self._ruleset = RuleSet(version, rules)
        return self._ruleset

    @property
    def routing_chain(self) -> tuple:
        return normalize_chain(self.store.setting("routing_chain", [p.value for p in DEFAULT_CHAIN]))

    def set_routing_chain(self, chain: list[str], actor: str) -> tuple:
        self.access.require(access.RULES)
        try:
            principles = normalize_chain(chain)
        except (KeyError, ValueError) as exc:
            raise DomainError(f"原则顺序无效：{exc}") from None
        if not principles:
            raise DomainError("至少保留一条分办原则")
        with self.store.transaction():
            self.store.set_setting("routing_chain", [p.value for p in principles], self.access.actor(actor),
                                   self.now())
        return principles

    def litigation_categories(self) -> frozenset[str]:
        return frozenset(p for p, _l1, _l2, lit in self.store.categories() if lit)

    # ---- deciding --------------------------------------------------------------------------------
    def decide(self, draft: CaseDraft, exclude: tuple[str, ...] = ()) -> Decision:
        """The engine's decision for a draft (pure: nothing is written)."""
        decision = route(RoutingInput.from_draft(draft), self.directory, self.ruleset, self.office,
                         self.routing_chain, self.litigation_categories())
        if decision.unit and decision.unit in exclude:
            others = tuple(a for a in decision.alternatives if a[0] not in exclude)
            decision = replace(decision, unit="", unit_name="", needs_manual=True, alternatives=others,
                               reasons=decision.reasons + (
                                   f"{self.directory.name_of(decision.unit) or decision.unit}已提出异议退回，"
                                   "不再自动分给该单位，请人工指定承办单位。",))
        return decision

    def suggest_route(self, draft: CaseDraft) -> dict:
        decision = self.decide(draft)
        out = decision.to_dict()
        out["principle_name"] = PRINCIPLE_NAMES.get(decision.principle, "")
        if decision.rule is not None:
            rule = self.ruleset.by_row(decision.rule)
            out["basis"] = rule.basis if rule else ""
        out["suggested_unit"] = decision.unit
        if draft.unit:
            chosen = self.directory.find(draft.unit)
            if chosen is None:
                raise DomainError(f"承办单位“{draft.unit}”不在单位目录中")
            if chosen.code != decision.unit:
                if (draft.purpose == Purpose.ACCUSATION and draft.accused_unit and
                        self._inside_accused(chosen.code, draft.accused_unit)):
                    raise DomainError(f"检举控告件不得交给被检举单位或其下属单位（{chosen.name}）")
                out.update(unit=chosen.code, unit_name=chosen.name, overridden=True, needs_manual=False,
                           override_reason=draft.override_reason or "登记时指定承办单位")
        return out

    def _inside_accused(self, code: str, accused: str) -> bool:
        target = self.directory.find(accused)
        return target is not None and (code == target.code or self.directory.is_within(code, target.code))

    def route_case(self, key: str | int, actor: str, unit: str = "", reason: str = "",
                   version: int | None = None) -> Case:
        """Route (or re-route) a registered case: accept the suggestion, or override it with a reason.
        `version`: the case's version the user saw (a case changed since is refused)."""
        from ..domain import lifecycle
        self.access.require(access.ROUTE)
        row = self.row_of(key)
        case = self.store.load_case(row, with_events=False)
        self.access.check_visible(case)
        expected = self.expected_version(case, version)
        if case.status.value != "registered":
            raise DomainError("只有待处置的案件可以重新分办")
        refused = tuple(e.payload.get("from_unit", "") for e in self.store.events(row) if e.action == "object")
        draft = replace(case.draft, unit=unit, override_reason=reason)
        if unit and not reason and unit != self.decide(case.draft, refused).unit:
            raise DomainError("改派其他单位时请填写理由")
        route_info = self.suggest_route(draft) if unit else self.decide(case.draft, refused).to_dict()
        now = self.now()
        with self.store.transaction():
            self.store.claim_case(row, expected)
            self.store.update_case(row, {"route": _json(route_info), "restricted": int(
                case.restricted or bool(route_info.get("restricted")))}, now)
            actor = self.access.actor(actor)
            self.store.ensure_user(actor, now=now)
            self.store.append_event(row, case.id, lifecycle.REROUTE, now, now, actor, {"route": route_info})
        return self.store.load_case(row)

    def hops(self, case: Case) -> list[dict]:
        """Each routing hop of a case: who received it, who objected, with dates and reasons."""
        out = []
        for e in case.events:
            p = e.payload
            if e.action in ("forward", "assign", "transfer", "accept") and p.get("unit"):
                out.append({"at": e.at.isoformat(sep=" "), "action": e.action, "unit": p["unit"],
                            "unit_name": p.get("unit_name", p["unit"])})
            elif e.action == "object":
                out.append({"at": e.at.isoformat(sep=" "), "action": "object", "unit": p.get("from_unit", ""),
                            "unit_name": p.get("from_unit_name", ""), "reason": p.get("reason", "")})
        return out

    def slip_pdf(self, key: str | int, actor: str, mask: bool = True) -> bytes:
        """转送单/交办单 for the case's current (or suggested) unit, with the decision and the deadline."""
        from ..reports.slips import render_transfer_slip
        self.access.require(access.PRINT_SLIP)
        case = self.case(key) if mask else self.unmask(key, "打印转送单")
        route_info = case.route if isinstance(case.route, dict) else {}
        sent = [e for e in case.events if e.action in ("forward", "assign")]
        if case.status == Status.REGISTERED:
            # not sent yet, or sent back by an objection: the slip goes to the current routing
            last, unit_code = None, route_info.get("unit", "")
        else:
            last = sent[-1] if sent else None
            unit_code = case.handling_unit
        kind = "交办" if last is not None and last.action == "assign" else "转送"
        unit = self.directory.find(unit_code) if unit_code else None
        if unit is None:
            raise DomainError("本件尚未确定承办单位，请先分办（转送或交办）后再打印转送单")
        notice = case.clock(Step.NOTICE)
        due_text = (f"请于 {notice.due.isoformat()} 前书面告知信访人是否受理（自收到之日起15日）；"
                    f"不属本单位职责的，请于 {case.clock(Step.OBJECT).due.isoformat()} 前提出异议（5个工作日）"
                    if notice and case.clock(Step.OBJECT) else "请自收到之日起15日内书面告知信访人是否受理")
        report_due = None
        if last is not None and last.payload.get("report_due"):
            report_due = date.fromisoformat(last.payload["report_due"])
        # the slip states the decision; principles that did not apply stay in the case record
        reasons = [r for r in route_info.get("reasons", []) if "不适用" not in r]
        if route_info.get("overridden"):
            reasons.append(f"登记人改派：{route_info.get('override_reason', '')}")
        show_reporter = not case.restricted or unit.kind == UnitKind.DISCIPLINE
        mask = mask and not case.masked      # already masked (or 【限制知悉】) for this reader
        return render_transfer_slip(
            case, kind=kind, to_unit_name=unit.name, from_unit_name=self.setting("office_name"),
            decision_lines=reasons or ["由登记人指定承办单位"], due_text=due_text, report_due=report_due,
            slip_no=f"{case.number}-{len(sent) or 1}", printed_at=self.now(), show_reporter=show_reporter,
            mask=mask)

    def save_unit(self, data: dict, actor: str) -> Unit:
        """Add or edit one unit from the 设置 screen; refuses what would break the directory."""
        from ..domain.units import parse_kind, parse_level
        self.access.require(access.UNITS)
        code = str(data.get("code") or "").strip()
        name = str(data.get("name") or "").strip()
        parent = str(data.get("parent") or "").strip()
        if not code or not name:
            raise DomainError("请填写单位编码和名称")
        d = self.directory
        if parent:
            up = d.find(parent)
            if up is None:
                raise DomainError(f"上级单位“{parent}”不在单位目录中")
            parent = up.code
            if parent == code or d.is_within(parent, code):
                raise DomainError("上级单位不能是本单位自己或其下级单位")
        kind = parse_kind(str(data.get("kind") or ""))
        if kind is None:
            raise DomainError(f"单位类型应为：{'、'.join(k.value for k in UnitKind)}")
        level = parse_level(data.get("level") or "")
        if level is None:   # a street is level 5, a community 6; a department sits at its government's level
            level = {UnitKind.TOWNSHIP: 5, UnitKind.COMMUNITY: 6}.get(kind) or (
                d.get(parent).level if parent and d.get(parent) else None)
        if level is None or not 1 <= int(level) <= 7:
            raise DomainError("请填写层级（国家、省、市、区县、街道乡镇、社区村、网格或 1–7）")
        other = d.find(name)
        if other is not None and other.code != code and other.name == name:
            raise DomainError(f"单位名称“{name}”已被 {other.code} 使用")
        areas = tuple(a for a in str(data.get("areas") or "").replace(",", "、").split("、") if a.strip())
        unit = Unit(code=code, name=name, parent=parent, kind=kind, level=int(level),
                    areas=tuple(a.strip() for a in areas), contact=str(data.get("contact") or "").strip(),
                    phone=str(data.get("phone") or "").strip())
        with self.store.transaction():
            self.store.save_unit(_unit_row(unit))
            if code == self.office:
                self.store.set_setting("office_name", name, self.access.actor(actor), self.now())
        self._forget_routing()
        return unit

    def remove_unit(self, code: str, actor: str) -> None:
        """Take a unit out of the directory (its old cases keep its code and name in their events)."""
        self.access.require(access.UNITS)
        unit = self.directory.get(code)
        if unit is None:
            raise DomainError(f"单位“{code}”不在单位目录中")
        if code == self.office:
            raise DomainError("不能删除本单位，请先设定其他单位为本单位")
        if self.directory.children(code):
            raise DomainError(f"“{unit.name}”还有下级单位，请先删除或移走下级单位")
        in_rules = [r.row for r in self.ruleset.rules if r.unit == code]
        if in_rules:
            raise DomainError(f"权责清单第 {'、'.join(map(str, in_rules[:10]))} 行指向“{unit.name}”，请先导入不含该单位的新版本")
        with self.store.transaction():
            self.store.deactivate_unit(code)
        self._forget_routing()

    # ---- imports ---------------------------------------------------------------------------------
    def _read(self, path: str | Path):
        try:
            rows = read_table(path)
        except TableError as exc:
            raise DomainError(str(exc)) from None
        if not rows:     # "0 good, 0 problems, not imported" would read like success
            raise DomainError(f"文件“{Path(path).name}”中没有数据行（只有表头或全是空行），未导入。")
        return rows

    def import_units(self, path: str | Path, actor: str, accept_partial: bool = False) -> ImportReport:
        self.access.require(access.UNITS)
        units, problems = parse_units(self._read(path), {n: c for c, n in self.store.places().items()})
        applied = bool(units) and (not problems or accept_partial)
        if applied:
            with self.store.transaction():
                self.store.replace_units(_unit_row(u) for u in units)
            self._forget_routing()
        return ImportReport("单位", len(units), tuple(problems), applied)

    def import_categories(self, path: str | Path, actor: str, accept_partial: bool = False) -> ImportReport:
        """The office's own 信访事项类别 (columns 一级, 二级, 诉访分离): replaces the list offered at registration.
        Categories already used by cases or by the 权责清单 stay on those records; the report names any the
        new list leaves out."""
        self.access.require(access.SETTINGS)
        cats, problems = parse_categories(self._read(path))
        applied = bool(cats) and (not problems or accept_partial)
        missing = sorted((self.store.categories_in_use() | {r.category for r in self.ruleset.rules if r.category})
                         - category_names(cats)) if cats else []
        if applied:
            with self.store.transaction():
                self.store.replace_categories((c.first, c.second, c.litigation) for c in cats)
            self._forget_routing()          # also the category list the registration checks
        notes = tuple(f"类别“{name}”不在新类别表中：已登记的信访件和权责清单中的这一类别保持不变，新登记时不能再选"
                      for name in missing[:50])
        return ImportReport("类别", len(cats), tuple(problems), applied, messages=notes)

    def preview_rules(self, path: str | Path) -> tuple[list[Rule], list[ImportProblem], tuple]:
        cats = category_names_from_store(self.store)
        rules, problems = parse_rules(self._read(path), self.directory, cats)
        return rules, problems, diff_rulesets(self.ruleset, tuple(rules))

    def rules_removal_warning(self, removed: int) -> str:
        """Non-empty when an import would remove most (more than half) of the active rules: a file cut
        short (a stale .xlsx dimension, a filter left on in Excel) must not silently replace the list."""
        active = len(self.ruleset.rules)
        if active and removed * 2 > active:
            return (f"本次导入将删除现行权责清单 {active} 条规则中的 {removed} 条（超过一半），"
                    "请核对文件是否完整（是否只导出了一部分、筛选是否未取消）")
        return ""

    def import_rules(self, path: str | Path, actor: str, accept_partial: bool = False, note: str = "",
                     dry_run: bool = False, confirm_removal: bool = False) -> ImportReport:
        if not dry_run:
            self.access.require(access.RULES)
        rules, problems, (added, removed, changed) = self.preview_rules(path)
        applied = bool(rules) and not dry_run and (not problems or accept_partial)
        warning = self.rules_removal_warning(len(removed))
        if applied and warning and not confirm_removal:
            raise DomainError(warning + "；确认无误后再导入（命令行加 --yes）。")
        version = None
        if applied:
            with self.store.transaction():
                version = self.store.add_rule_set((_rule_row(r) for r in rules), self.access.actor(actor),
                                                  note or f"导入 {Path(path).name}", self.now())
            self._forget_routing()
        return ImportReport("权责清单", len(rules), tuple(problems), applied, version, added, removed, changed)

    def rules_list(self) -> list[dict]:
        names = self.directory
        return [dict(r.to_dict(), unit_name=names.name_of(r.unit)) for r in self.ruleset.rules]

    def units_list(self) -> list[dict]:
        return [u.to_dict() for u in self.directory.units]

    def principles(self) -> list[tuple[str, str]]:
        """Every 分办原则 as (code, Chinese name), in the district's default order (for settings screens)."""
        return [(p.value, PRINCIPLE_NAMES[p.value]) for p in DEFAULT_CHAIN]

    def rule_versions(self) -> list[dict]:
        """The 权责清单 versions, newest first: version, imported_at, imported_by, note, active, rules."""
        return [{"version": v, "imported_at": at, "imported_by": by, "note": note, "active": bool(a), "rules": n}
                for v, at, by, note, a, n in self.store.rule_sets()]


def category_names_from_store(store) -> set[str]:
    names = set()
    for path, l1, _l2, _lit in store.categories():
        names.add(path)
        names.add(l1)
    return names


def seed_directory(store, now) -> None:
    """The demo district (江城市城东区) for a new database: places, units, categories, rules v1."""
    from ..resources import resource_path
    places, _ = parse_places(read_table(resource_path("rules", "places.csv")))
    store.upsert_places((code, name) for name, code in places.items())
    cats, _ = parse_categories(read_table(resource_path("rules", "categories.csv")))
    store.replace_categories((c.first, c.second, c.litigation) for c in cats)
    units, _ = parse_units(read_table(resource_path("rules", "units.csv")), places)
    store.replace_units(_unit_row(u) for u in units)
    directory = Directory(units, places)
    rules, _ = parse_rules(read_table(resource_path("rules", "rules.csv")), directory, category_names(cats))
    store.add_rule_set((_rule_row(r) for r in rules), "system", "演示权责清单（江城市城东区）", now)
    office = next((u for u in units if u.name == "城东区信访局"), None)
    if office:
        store.set_setting("office", office.code)
        store.set_setting("office_name", office.name)


def _json(value) -> str:
    import json
    return json.dumps(value, ensure_ascii=False)

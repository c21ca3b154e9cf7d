"""权责清单 page: the current version and its rules, the list of versions, and importing a new version with a
dry run first (新增 / 删除 / 修改 against the current version, row problems) before the user confirms."""
from __future__ import annotations

from html import escape
from pathlib import Path

from ..guard import guarded
from ...domain.problems import DomainError
from ..qt import (QCheckBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QStackedWidget,
                  QTabWidget, QVBoxLayout, QWidget)
from ..widgets import hint_label
from .common import (AMBER, OFFICE_BG, RED, TABLE_FILES, SettingsPage, area_names, fill_problems, fill_table,
                     make_table, problems_table, status_label)


def _rule_cells(r, unit_name: str, places: dict[str, str]) -> list:
    d = r if isinstance(r, dict) else r.to_dict()
    area = d.get("area") or ""
    return [d["row"], d.get("category") or "（不限）", "、".join(d.get("keywords") or []),
            places.get(area, area), unit_name or d.get("unit", ""), d.get("priority") or "",
            d.get("basis") or "", d.get("valid_from") or "", d.get("valid_to") or ""]


RULE_HEADERS = ["行", "事项类别", "关键词", "属地", "责任单位", "优先级", "依据", "生效", "失效"]
RULE_WIDTHS = {0: 44, 1: 190, 2: 150, 3: 90, 4: 190, 5: 52, 7: 88, 8: 88}


class RulesPage(SettingsPage):
    def __init__(self, ws, actor: str, parent=None):
        super().__init__(ws, actor, parent)
        self.path = ""
        self.report = None
        self.stack = QStackedWidget()
        self.stack.addWidget(self._current_view())
        self.stack.addWidget(self._import_view())
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)
        self.refresh()

    # current version
    def _current_view(self) -> QWidget:
        w = QWidget()
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.import_btn = QPushButton("导入新版本…")
        self.import_btn.clicked.connect(self.choose_file)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.import_btn)
        hint = hint_label("“谁主管谁负责”按当前版本的权责清单匹配：事项类别、关键词、属地越具体越优先，同样具体的比优先级。"
                          "每个信访件记录分办时使用的版本；导入新版本不改变已分办的案件。")
        self.result = status_label()
        self.versions = make_table(["版本", "导入时间", "导入人", "条数", "说明"], stretch=4)
        for c, wd in enumerate((120, 150, 90, 56)):
            self.versions.setColumnWidth(c, wd)
        self.versions.setMaximumHeight(120)
        self.rules = make_table(RULE_HEADERS, stretch=6)
        lay = QVBoxLayout(w)
        lay.addLayout(top)
        lay.addWidget(hint)
        lay.addWidget(self.result)
        lay.addWidget(QLabel("版本"))
        lay.addWidget(self.versions)
        self.rules_label = QLabel()
        lay.addWidget(self.rules_label)
        lay.addWidget(self.rules, 1)
        return w

    def refresh(self) -> None:
        rs = self.ws.ruleset
        rules = self.ws.rules_list()
        places = self._places()
        self.title.setText(f"权责清单：当前为第 {rs.version} 版，共 {len(rules)} 条")
        versions = self.ws.rule_versions()
        fill_table(self.versions, [[f"第 {v['version']} 版" + ("（当前）" if v["active"] else ""),
                               str(v["imported_at"])[:16].replace("T", " "), v["imported_by"], v["rules"], v["note"]]
                              for v in versions])
        for r, v in enumerate(versions):
            if v["active"]:
                for c in range(self.versions.columnCount()):
                    self.versions.item(r, c).setBackground(OFFICE_BG)
        self.rules_label.setText(f"第 {rs.version} 版的规则（行号为导入文件中的行）")
        fill_table(self.rules, [_rule_cells(r, r.get("unit_name", ""), places) for r in rules], RULE_WIDTHS)

    def _places(self) -> dict[str, str]:
        return area_names(self.ws)

    # import: dry run first
    def _import_view(self) -> QWidget:
        w = QWidget()
        self.preview_title = QLabel()
        self.preview_title.setObjectName("sectionTitle")
        self.preview_summary = QLabel()
        self.preview_summary.setWordWrap(True)
        self.diff_tabs = QTabWidget()
        self.added = make_table(RULE_HEADERS, stretch=6)
        self.removed = make_table(RULE_HEADERS, stretch=6)
        self.changed_table = make_table(["行", "事项类别", "关键词", "属地", "改动"], stretch=4)
        for c, wd in enumerate((60, 200, 170, 90)):
            self.changed_table.setColumnWidth(c, wd)
        self.problem_table = problems_table()
        self.diff_tabs.addTab(self.added, "新增")
        self.diff_tabs.addTab(self.removed, "删除")
        self.diff_tabs.addTab(self.changed_table, "修改")
        self.diff_tabs.addTab(self.problem_table, "问题")
        self.note = QLineEdit()
        self.note.setPlaceholderText("版本说明，如“2027年区权责清单调整”（可不填）")
        self.partial = QCheckBox("仅导入正确的行")
        self.partial.toggled.connect(self._update_confirm)
        self.confirm_btn = QPushButton("确认导入")
        self.confirm_btn.setObjectName("primary")
        self.confirm_btn.clicked.connect(self.confirm)
        self.cancel_btn = QPushButton("取消")
        self.cancel_btn.clicked.connect(self.cancel)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("版本说明："))
        bottom.addWidget(self.note, 1)
        bottom.addWidget(self.partial)
        bottom.addWidget(self.confirm_btn)
        bottom.addWidget(self.cancel_btn)
        hint = hint_label("这是试导入的结果，尚未写入。与当前版本比较：按“事项类别＋关键词＋属地”对应规则，"
                          "责任单位、优先级、依据或有效期不同的算“修改”。确认后成为新的当前版本。")
        lay = QVBoxLayout(w)
        lay.addWidget(self.preview_title)
        lay.addWidget(self.preview_summary)
        lay.addWidget(hint)
        lay.addWidget(self.diff_tabs, 1)
        lay.addLayout(bottom)
        return w

    @guarded
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择权责清单文件", "", TABLE_FILES)
        if path:
            self.preview_file(path)

    def preview_file(self, path: str):
        """Dry run: show 新增/删除/修改 against the current version and the row problems; write nothing."""
        try:
            report = self.ws.import_rules(path, self.actor, dry_run=True)
        except DomainError as e:
            self._status(self.result, f"无法读取“{Path(path).name}”：{e.message}", RED)
            return None
        self.path, self.report = path, report
        places = self._places()
        names = self.ws.directory

        def cells(r):
            return _rule_cells(r, names.name_of(r.unit), places)

        fill_table(self.added, [cells(r) for r in report.added], RULE_WIDTHS)
        fill_table(self.removed, [cells(r) for r in report.removed], RULE_WIDTHS)
        rows = []
        for old, new in report.changed:
            what = []
            if old.unit != new.unit:
                what.append(f"责任单位：{names.name_of(old.unit) or old.unit} → {names.name_of(new.unit) or new.unit}")
            if old.priority != new.priority:
                what.append(f"优先级：{old.priority} → {new.priority}")
            if old.basis != new.basis:
                what.append(f"依据：{old.basis or '（无）'} → {new.basis or '（无）'}")
            if (old.valid_from, old.valid_to) != (new.valid_from, new.valid_to):
                what.append(f"有效期：{old.valid_from or '—'}至{old.valid_to or '—'} → "
                            f"{new.valid_from or '—'}至{new.valid_to or '—'}")
            area = new.area
            rows.append([f"{old.row}→{new.row}", new.category or "（不限）", "、".join(new.keywords),
                         places.get(area, area), "；".join(what) or "（行号变化）"])
        fill_table(self.changed_table, rows)
        fill_problems(self.problem_table, report.problems)
        counts = (len(report.added), len(report.removed), len(report.changed), len(report.problems))
        for i, (label, n) in enumerate(zip(("新增", "删除", "修改", "问题"), counts)):
            self.diff_tabs.setTabText(i, f"{label}（{n}）")
        if report.problems:
            self.diff_tabs.setCurrentIndex(3)
        self.preview_title.setText(f"试导入：{Path(path).name}（与当前第 {self.ws.ruleset.version} 版比较）")
        text = (f"文件中正确的规则 {report.good} 条：新增 {counts[0]} 条，删除 {counts[1]} 条，修改 {counts[2]} 条。")
        current = len(self.ws.ruleset.rules)
        if counts[1] and counts[1] * 2 >= current:
            text += (f"<br><span style='color:{AMBER}'>注意：新版本将不再包含当前 {current} 条规则中的 {counts[1]} 条"
                     "（见“删除”）；权责清单每次导入的是完整的一版，请确认文件是完整的清单。</span>")
        if report.problems:
            text += (f"<br><span style='color:{RED}'>有 {counts[3]} 个问题（见“问题”），这些行不会导入；"
                     f"如要只导入正确的 {report.good} 条，请勾选“仅导入正确的行”。</span>")
        self.preview_summary.setText(text)
        self.partial.setChecked(False)
        self.partial.setVisible(bool(report.problems))
        self.note.clear()
        self._update_confirm()
        self.stack.setCurrentIndex(1)
        return report

    def diff_counts(self) -> tuple[int, int, int, int]:
        r = self.report
        return (len(r.added), len(r.removed), len(r.changed), len(r.problems)) if r else (0, 0, 0, 0)

    def _update_confirm(self, *_) -> None:
        r = self.report
        ok = r is not None and r.good > 0 and (not r.problems or self.partial.isChecked())
        self.confirm_btn.setEnabled(ok)

    @guarded
    def confirm(self):
        if self.report is None or not self.confirm_btn.isEnabled():
            return None
        warning = self.ws.rules_removal_warning(len(self.report.removed))
        if warning and not ask_before_removing(self, warning, self.report.good):
            self.cancel()           # back to the current list, where the message is seen (it was set out of sight)
            return None
        try:
            report = self.ws.import_rules(self.path, self.actor, accept_partial=self.partial.isChecked(),
                                          note=self.note.text().strip(), confirm_removal=bool(warning))
        except DomainError as e:
            self.preview_summary.setText(f"<span style='color:{RED}'>导入失败：{escape(e.message)}</span>")
            return None
        self.report = None
        self.stack.setCurrentIndex(0)
        self.refresh()
        if report.applied:
            self._status(self.result, f"已导入第 {report.version} 版权责清单，共 {report.good} 条规则，已成为当前版本。")
            self.changed.emit()
        else:
            self._status(self.result, "没有导入：文件中没有可导入的规则。", RED)
        return report

    def cancel(self) -> None:
        self.report = None
        self.stack.setCurrentIndex(0)
        self._status(self.result, "已取消导入，权责清单未改变。", AMBER)


def ask_before_removing(parent: QWidget, warning: str, remaining: int) -> bool:
    """The confirmation of an import that removes most of the active rules: a warning, what is left after it,
    and buttons that say what they do; 取消 is the default (Enter and Esc keep the current list)."""
    box = QMessageBox(QMessageBox.Warning, "确认导入权责清单", warning + "。", QMessageBox.NoButton, parent)
    box.setObjectName("confirmRulesRemoval")
    box.setInformativeText(f"导入后，权责清单只有这个文件中的 {remaining} 条规则。确定仍要导入吗？")
    go = box.addButton("仍要导入", QMessageBox.AcceptRole)
    keep = box.addButton("取消，不导入", QMessageBox.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is go

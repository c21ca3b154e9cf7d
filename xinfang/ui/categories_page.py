"""设置 › 信访事项类别: the two-level dictionary the 登记 form offers, and — for the administrator — importing the
office's own (a new office database starts without one; issue 11 §3)."""
from __future__ import annotations

from pathlib import Path

from ..domain.problems import DomainError
from .guard import guarded
from .qt import QFileDialog, QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout
from .routing.common import RED, TABLE_FILES, SettingsPage, fill_problems, problems_table, status_label
from .widgets import hint_label


class CategoryPage(SettingsPage):
    def __init__(self, ws, actor: str = "", parent=None):
        super().__init__(ws, actor, parent)
        from ..services.access import SETTINGS
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["类别", "诉访分离", "路径"])
        self.tree.setColumnWidth(0, 260)
        self.tree.setColumnWidth(1, 90)
        self.count = QLabel()
        self.count.setObjectName("sectionTitle")
        hint = hint_label("信访事项分类（两级）。标“是”的类别属于诉讼、仲裁、复议等法定途径（诉访分离），登记时会提示引导。"
                          "本单位的类别表可从 CSV/XLSX 导入，列为：一级、二级、诉访分离（是/否）。")
        self.import_btn = QPushButton("导入类别…")
        self.import_btn.clicked.connect(self.choose_file)
        allowed = ws.access.can(SETTINGS) and not ws.read_only
        self.import_btn.setEnabled(allowed)
        self.import_btn.setToolTip("用本单位的类别表替换当前类别（CSV/XLSX：一级,二级,诉访分离）" if allowed
                                   else "导入类别需要“管理员”角色（只读打开时不能导入）")
        self.result = status_label()
        self.problems = problems_table()
        self.problems.hide()
        top = QHBoxLayout()
        top.addWidget(self.count, 1)
        top.addWidget(self.import_btn)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(hint)
        lay.addWidget(self.result)
        lay.addWidget(self.problems)
        lay.addWidget(self.tree, 1)
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        tops: dict[str, QTreeWidgetItem] = {}
        n = 0
        for path, l1, l2, lit in self.ws.categories():
            top = tops.get(l1)
            if top is None:
                top = tops[l1] = QTreeWidgetItem(self.tree, [l1, "", l1])
            if l2:
                QTreeWidgetItem(top, [l2, "是" if lit else "", path])
                n += 1
            elif lit:
                top.setText(1, "是")
        self.count.setText(f"信访事项类别：一级 {len(tops)} 类，二级 {n} 类" if tops else
                           "信访事项类别：尚未设置（导入本单位的类别表后才能登记）")
        self.tree.expandAll()

    @guarded
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择类别文件", "", TABLE_FILES)
        if path:
            self.import_file(path)

    def import_file(self, path: str):
        """Ask, import; with problems nothing is written until the user agrees to the good rows."""
        name = Path(path).name
        if not self.ask("导入类别", f"将用“{name}”中的类别替换当前的信访事项类别。\n"
                                   "已登记的信访件保留原类别；有错误的行会先列出，不会直接导入。继续吗？"):
            return None
        try:
            report = self.ws.import_categories(path, self.actor, accept_partial=False)
            fill_problems(self.problems, report.problems)
            self.problems.setVisible(bool(report.problems))
            if not report.applied and report.problems and report.good:
                if self.ask("导入类别", f"有 {len(report.problems)} 个问题（见列表，按行号），这些行不会导入。\n"
                                       f"是否只导入正确的 {report.good} 个类别？"):
                    report = self.ws.import_categories(path, self.actor, accept_partial=True)
        except DomainError as e:
            self._status(self.result, f"无法导入“{name}”：{e.message}", RED)
            return None
        if report.applied:
            self.refresh()
            notes = "".join(f"\n注意：{m}" for m in report.messages[:5])
            self._status(self.result, f"已导入 {report.good} 个类别" +
                         (f"，另有 {len(report.problems)} 个问题行未导入" if report.problems else "") + "。" + notes)
            self.changed.emit()
        elif report.problems:
            self._status(self.result, f"没有导入：文件中有 {len(report.problems)} 个问题，类别表未改变。请改正后重新导入。", RED)
        return report

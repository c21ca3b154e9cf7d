"""单位目录 page: the units as a tree under their parents, 本单位 highlighted; add, edit, delete, set 本单位 and
import a unit file (problems listed by row; nothing is written until the user agrees)."""
from __future__ import annotations

from pathlib import Path

from ..guard import guarded
from ...domain.problems import DomainError
from ..qt import (QBrush, QFileDialog, QFont, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, Qt,
                  QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)
from ..widgets import hint_label
from .common import (OFFICE_BG, RED, TABLE_FILES, SettingsPage, area_names, fill_problems, problems_table,
                     status_label)
from .unit_dialog import UnitDialog


class UnitsPage(SettingsPage):
    COLUMNS = ["名称", "编码", "类型", "层级", "属地", "联系人", "电话"]

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(ws, actor, parent)
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        hint = hint_label("单位按上级单位逐级排列；蓝底加粗的是本单位（运行本程序的信访部门）。"
                          "导入单位文件（CSV 或 Excel，列为 编码、名称、上级编码、类型、层级、属地、联系人、电话）会替换整个单位目录。")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("按名称或编码筛选")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.apply_filter)
        self.office_btn = QPushButton("设为本单位")
        self.office_btn.setEnabled(False)
        self.office_btn.clicked.connect(self.set_office)
        self.import_btn = QPushButton("导入单位…")
        self.import_btn.clicked.connect(self.choose_file)
        self.add_btn = QPushButton("新增单位…")
        self.add_btn.setToolTip("在单位目录中新增一个单位（选中的单位作为默认上级）")
        self.add_btn.clicked.connect(lambda: self.add_unit())
        self.edit_btn = QPushButton("编辑…")
        self.edit_btn.setToolTip("修改选中单位的名称、上级、类型、层级、属地或联系方式（也可双击单位）")
        self.edit_btn.clicked.connect(lambda: self.edit_unit())
        self.delete_btn = QPushButton("删除")
        self.delete_btn.setToolTip("从单位目录中删除选中的单位（有下级单位或权责清单指向它时不能删除）")
        self.delete_btn.clicked.connect(lambda: self.delete_unit())
        self.dialog: UnitDialog | None = None
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.add_btn)
        top.addWidget(self.edit_btn)
        top.addWidget(self.delete_btn)
        top.addSpacing(12)
        top.addWidget(self.office_btn)
        top.addWidget(self.import_btn)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(self.COLUMNS)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        for c, w in enumerate((300, 130, 80, 70, 170, 110)):
            self.tree.setColumnWidth(c, w)
        self.tree.header().setStretchLastSection(True)
        self.tree.currentItemChanged.connect(self._selected)
        self.tree.itemDoubleClicked.connect(lambda it, _col: self.edit_unit(it.data(0, Qt.UserRole)))

        self.result = status_label()
        self.problems_title = QLabel()
        self.problems_title.setStyleSheet(f"color: {RED}; font-weight: bold;")
        self.problems = problems_table()
        self.problems_box = QWidget()
        pb = QVBoxLayout(self.problems_box)
        pb.setContentsMargins(0, 0, 0, 0)
        pb.addWidget(self.problems_title)
        pb.addWidget(self.problems)
        self.problems_box.hide()

        split = QSplitter(Qt.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.problems_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)

        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(hint)
        lay.addLayout(top)
        lay.addWidget(self.result)
        lay.addWidget(split, 1)
        self.items: dict[str, QTreeWidgetItem] = {}
        self.refresh()

    def refresh(self) -> None:
        units = self.ws.units_list()
        places = area_names(self.ws)
        office = self.ws.office
        self.tree.clear()
        self.items = {}
        codes = {u["code"] for u in units}
        children: dict[str, list[dict]] = {}
        for u in units:
            parent = u["parent"] if u["parent"] in codes and u["parent"] != u["code"] else ""
            children.setdefault(parent, []).append(u)
        bold = QFont()
        bold.setBold(True)

        def add(parent_item, parent_code: str, depth: int) -> None:
            for u in children.get(parent_code, []):
                areas = "、".join(places.get(a, a) for a in u["areas"])
                values = [u["name"], u["code"], u["kind"], u["level_name"], areas, u["contact"], u["phone"]]
                it = QTreeWidgetItem(values) if parent_item is None else QTreeWidgetItem(parent_item, values)
                if parent_item is None:
                    self.tree.addTopLevelItem(it)
                it.setData(0, Qt.UserRole, u["code"])
                it.setToolTip(4, areas + ("（" + "、".join(u["areas"]) + "）" if u["areas"] else ""))
                if u["code"] == office:
                    it.setText(0, f"{u['name']}（本单位）")
                    for c in range(len(values)):
                        it.setBackground(c, QBrush(OFFICE_BG))
                        it.setFont(c, bold)
                self.items[u["code"]] = it
                if depth < 64:
                    add(it, u["code"], depth + 1)

        add(None, "", 0)
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            top.setExpanded(True)
            for j in range(top.childCount()):
                if top.child(j).childCount() and top.child(j).childCount() < 40:
                    top.child(j).setExpanded(True)
        if office in self.items:
            it = self.items[office]
            p = it.parent()
            while p is not None:
                p.setExpanded(True)
                p = p.parent()
            self.tree.scrollToItem(it)
        name = self.ws.summary().get("office_name") or "未设置"
        self.title.setText(f"单位目录：共 {len(units)} 个单位　　本单位：{name}")
        self.apply_filter(self.filter.text())
        self._selected(self.tree.currentItem())

    def unit_count(self) -> int:
        return len(self.items)

    def apply_filter(self, text: str = "") -> None:
        t = text.strip().lower()

        def visit(it: QTreeWidgetItem) -> bool:
            hit = not t or t in it.text(0).lower() or t in it.text(1).lower()
            any_child = False
            for j in range(it.childCount()):
                any_child = visit(it.child(j)) or any_child
            it.setHidden(not (hit or any_child))
            if t and any_child:
                it.setExpanded(True)
            return hit or any_child

        for i in range(self.tree.topLevelItemCount()):
            visit(self.tree.topLevelItem(i))

    def select(self, code: str) -> None:
        it = self.items.get(code)
        if it is not None:
            self.tree.setCurrentItem(it)

    def _selected(self, item, _prev=None) -> None:
        code = item.data(0, Qt.UserRole) if item is not None else ""
        self.office_btn.setEnabled(bool(code) and code != self.ws.office)
        self.edit_btn.setEnabled(bool(code))
        self.delete_btn.setEnabled(bool(code) and code != self.ws.office)

    def current_code(self) -> str:
        item = self.tree.currentItem()
        return item.data(0, Qt.UserRole) if item is not None else ""

    # ---- 新增 / 编辑 / 删除 ----------------------------------------------------------------------------
    def add_unit(self, parent_code: str | None = None) -> "UnitDialog":
        """Open the unit dialog for a new unit (under the selected unit unless told otherwise)."""
        parent_code = self.current_code() if parent_code is None else parent_code
        return self._open_dialog(None, parent_code)

    def edit_unit(self, code: str | None = None) -> "UnitDialog | None":
        code = code or self.current_code()
        unit = next((u for u in self.ws.units_list() if u["code"] == code), None)
        if unit is None:
            return None
        return self._open_dialog(unit, "")

    def _open_dialog(self, unit: dict | None, parent_code: str) -> "UnitDialog":
        dlg = UnitDialog(self.ws, self.actor, unit, parent_code, self)
        dlg.accepted.connect(lambda: self._saved(dlg, unit is None))
        self.dialog = dlg
        dlg.open()
        return dlg

    def _saved(self, dlg: "UnitDialog", new: bool) -> None:
        self.dialog = None
        unit = dlg.saved_unit
        self.refresh()
        if unit is not None:
            self.select(unit.code)
            self._status(self.result, f"已{'新增' if new else '保存'}单位：{unit.name}（{unit.code}）。")
        self.changed.emit()

    def delete_unit(self, code: str | None = None) -> bool:
        code = code or self.current_code()
        unit = next((u for u in self.ws.units_list() if u["code"] == code), None)
        if unit is None:
            return False
        if not self.ask("删除单位", f"从单位目录中删除“{unit['name']}”（{code}）吗？\n"
                                   "已登记的信访件仍保留该单位的名称和编码。"):
            return False
        try:
            self.ws.remove_unit(code, self.actor)
        except DomainError as e:
            self._status(self.result, f"不能删除：{e.message}", RED)
            return False
        self.refresh()
        self._status(self.result, f"已删除单位：{unit['name']}（{code}）。")
        self.changed.emit()
        return True

    def set_office(self) -> None:
        item = self.tree.currentItem()
        if item is None:
            return
        code = item.data(0, Qt.UserRole)
        try:
            self.ws.set_office(code, self.actor)
        except DomainError as e:
            self._status(self.result, e.message, RED)
            return
        self.refresh()
        self.select(code)
        self._status(self.result, f"本单位已设为：{self.ws.summary().get('office_name')}。此后登记的信访件按本单位编号，"
                                  "分办时按本单位的层级判断是否需要上报。")
        self.changed.emit()

    @guarded
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择单位文件", "", TABLE_FILES)
        if path:
            self.import_file(path)

    def import_file(self, path: str):
        """Import a unit file: ask first; with problems nothing is written until the user agrees to the good rows."""
        name = Path(path).name
        if not self.ask("导入单位", f"将用“{name}”中的单位替换当前的单位目录（现有 {self.unit_count()} 个单位）。\n"
                                   "有错误的行会先列出，不会直接导入。继续吗？"):
            return None
        try:
            report = self.ws.import_units(path, self.actor, accept_partial=False)
        except DomainError as e:
            self._status(self.result, f"无法读取“{name}”：{e.message}", RED)
            return None
        self._show_problems(report.problems)
        if not report.applied and report.problems and report.good:
            if self.ask("导入单位", f"有 {len(report.problems)} 个问题（见下方列表，按行号），这些行不会导入。\n"
                                   f"是否只导入正确的 {report.good} 个单位？"):
                report = self.ws.import_units(path, self.actor, accept_partial=True)
        if report.applied:
            self.refresh()
            self._status(self.result, f"已导入 {report.good} 个单位" +
                         (f"，另有 {len(report.problems)} 个问题行未导入" if report.problems else "") + "。")
            self.changed.emit()
        elif report.problems:
            self._status(self.result, f"没有导入：文件中有 {len(report.problems)} 个问题，单位目录未改变。请改正后重新导入。", RED)
        else:
            self._status(self.result, "文件中没有可导入的单位，单位目录未改变。", RED)
        return report

    def _show_problems(self, problems) -> None:
        fill_problems(self.problems, problems)
        self.problems_title.setText(f"文件中的问题（{len(problems)} 个，按行号；这些行不会导入）")
        self.problems_box.setVisible(bool(problems))

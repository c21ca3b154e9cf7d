"""设置 pages for 谁主管谁负责: the unit directory, the 权责清单 (versions, import with a dry run), 分办试算 and the
order of the 分办原则. Everything goes through Workspace (services); nothing is written until the user confirms.
"""
from __future__ import annotations

from html import escape
from pathlib import Path

from ..domain.enums import LegalStatus, Purpose
from ..domain.problems import DomainError
from ..domain.units import LEVEL_NAMES, UnitKind
from ..services.intake import draft_from_dict
from .dialogs import ERROR_STYLE, attach_unit_completer
from .qt import (QAbstractItemView, QBrush, QCheckBox, QColor, QComboBox, QCompleter, QDialog, QDialogButtonBox,
                 QFileDialog, QFont, QFormLayout, QFrame, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox,
                 QPlainTextEdit, QPushButton, QSplitter, QStackedWidget, Qt, QTableWidget, QTableWidgetItem,
                 QTabWidget, QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget, Signal)

RED = "#b3261e"
GREEN = "#137333"
AMBER = "#8a4b00"
OFFICE_BG = QColor("#e3efff")
ERROR_BG = QColor("#fde8e7")
TABLE_FILES = "表格文件 (*.csv *.xlsx);;CSV 文件 (*.csv);;Excel 文件 (*.xlsx);;所有文件 (*)"

PRINCIPLE_HELP = {
    "accusation": "检举控告件按管理权限转纪检监察机关，不得交被检举单位。",
    "litigation": "属于诉讼、仲裁、复议等法定途径的，引导走法定途径（诉访分离）。",
    "caused_by": "问题由某单位的行为引发的，由该单位负责。",
    "competent": "按权责清单，由主管该事项的部门负责。",
    "territorial": "没有主管部门的，由问题发生地的街道乡镇负责。",
    "level": "超出本级职权的，报上级；本级的由本级转送交办。",
}


def _item(text, tip: str = "") -> QTableWidgetItem:
    it = QTableWidgetItem("" if text is None else str(text))
    if tip:
        it.setToolTip(tip)
    return it


def _table(headers: list[str], stretch: int | None = None) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    if stretch is not None:
        t.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.Stretch)
    return t


def _fill(table: QTableWidget, rows: list[list], widths: dict[int, int] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            table.setItem(r, c, _item(v, str(v) if v and len(str(v)) > 12 else ""))
    for c, w in (widths or {}).items():
        table.setColumnWidth(c, w)


def _problems_table() -> QTableWidget:
    t = _table(["行号", "列", "问题"], stretch=2)
    t.setColumnWidth(0, 56)
    t.setColumnWidth(1, 90)
    return t


def _fill_problems(table: QTableWidget, problems) -> None:
    table.setRowCount(len(problems))
    for r, p in enumerate(problems):
        for c, v in enumerate((p.row or "", p.column, p.message)):
            it = _item(v, p.text if c == 2 else "")
            it.setBackground(ERROR_BG)
            if c == 2:
                it.setForeground(QColor(RED))
            table.setItem(r, c, it)


def _area_names(ws) -> dict[str, str]:
    """Area code → its place name (the first name given for a code; later ones are aliases)."""
    out: dict[str, str] = {}
    for name, code in ws.directory.place_names().items():
        out.setdefault(code, name)
    return out


class _Page(QWidget):
    """A settings page: `ask` is the one place that opens a yes/no box (tests replace it)."""

    changed = Signal()

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor

    def ask(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text, QMessageBox.Yes | QMessageBox.No,
                                    QMessageBox.No) == QMessageBox.Yes

    @staticmethod
    def _status(label: QLabel, text: str, color: str = GREEN) -> None:
        label.setStyleSheet(f"color: {color};")
        label.setText(text)
        label.setVisible(bool(text))


# ---- 单位目录 ------------------------------------------------------------------------------------------

class UnitsPage(_Page):
    COLUMNS = ["名称", "编码", "类型", "层级", "属地", "联系人", "电话"]

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(ws, actor, parent)
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        hint = QLabel("单位按上级单位逐级排列；蓝底加粗的是本单位（运行本程序的信访部门）。"
                      "导入单位文件（CSV 或 Excel，列为 编码、名称、上级编码、类型、层级、属地、联系人、电话）会替换整个单位目录。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
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

        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.hide()
        self.problems_title = QLabel()
        self.problems_title.setStyleSheet(f"color: {RED}; font-weight: bold;")
        self.problems = _problems_table()
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
        places = _area_names(self.ws)
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
        _fill_problems(self.problems, problems)
        self.problems_title.setText(f"文件中的问题（{len(problems)} 个，按行号；这些行不会导入）")
        self.problems_box.setVisible(bool(problems))


NO_PARENT = "（无上级）"
AUTO_LEVEL = "自动（街道乡镇、社区按类型，其他同上级）"


class UnitDialog(QDialog):
    """新增单位 / 编辑单位: OK calls ws.save_unit; a refusal is shown here and everything typed stays.

    Tests fill it with `set_values` and press `ok_button`; `saved_unit` holds the Unit after a success.
    """

    def __init__(self, ws, actor: str, unit: dict | None = None, parent_code: str = "", parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        self.editing = unit is not None
        self.saved_unit = None
        self.setWindowTitle(f"编辑单位 · {unit['name']}" if unit else "新增单位")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(560)
        units = ws.units_list()
        places = _area_names(ws)

        self.code = QLineEdit()
        self.code.setPlaceholderText("如 420102-XFJ（保存后不能修改）")
        self.name = QLineEdit()
        self.name.setPlaceholderText("单位全称，如 城东区信访局")
        self.parent_box = QComboBox()
        self.parent_box.setEditable(True)
        self.parent_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.parent_box.addItem(NO_PARENT, "")
        own = unit["code"] if unit else None
        for u in units:
            if u["code"] != own:
                self.parent_box.addItem(f"{u['name']}（{u['code']}）", u["code"])
        completer = self.parent_box.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.parent_box.lineEdit().setPlaceholderText("输入名称或编码的几个字可选择")
        self.kind = QComboBox()
        for k in UnitKind:
            self.kind.addItem(k.value, k.value)
        self.level = QComboBox()
        self.level.addItem(AUTO_LEVEL, "")
        for n, name in LEVEL_NAMES.items():
            self.level.addItem(f"{name}（{n}）", str(n))
        self.areas = QLineEdit()
        self.areas.setPlaceholderText("属地的区划代码或地名，多个用“、”分隔（可不填）")
        self.contact = QLineEdit()
        self.contact.setPlaceholderText("可不填")
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("可不填")
        self.fields = {"code": self.code, "name": self.name, "parent": self.parent_box, "kind": self.kind,
                       "level": self.level, "areas": self.areas, "contact": self.contact, "phone": self.phone}

        hint = QLabel("编辑已有单位时编码不能修改。层级选“自动”时，街道乡镇为第 5 级、社区为第 6 级，"
                      "其他单位与上级单位同级。" if unit else
                      "编码在单位目录中唯一，保存后不能修改。层级选“自动”时，街道乡镇为第 5 级、社区为第 6 级，"
                      "其他单位与上级单位同级。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #455a64;")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("单位编码", self.code)
        form.addRow("单位名称", self.name)
        form.addRow("上级单位", self.parent_box)
        form.addRow("类型", self.kind)
        form.addRow("层级", self.level)
        form.addRow("属地", self.areas)
        form.addRow("联系人", self.contact)
        form.addRow("电话", self.phone)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(hint)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

        if unit:
            self.set_values({**unit, "level": str(unit["level"]),
                             "areas": "、".join(places.get(a, a) for a in unit["areas"])})
            self.code.setReadOnly(True)
            self.code.setStyleSheet("QLineEdit { background: #eef1f5; color: #455a64; }")
            self.name.setFocus()
        else:
            self.set_values({"parent": parent_code})
            self.code.setFocus()

    def set_values(self, data: dict) -> None:
        """Fill the fields (parent as a code, a name or free text; level as 1–7, a level name or "")."""
        for key in ("code", "name", "areas", "contact", "phone"):
            if key in data:
                self.fields[key].setText(str(data[key] or ""))
        if "parent" in data:
            parent = str(data["parent"] or "")
            i = self.parent_box.findData(parent) if parent else 0
            if i >= 0:
                self.parent_box.setCurrentIndex(i)
            else:
                self.parent_box.setCurrentText(parent)
        if "kind" in data:
            i = self.kind.findData(data["kind"])
            if i >= 0:
                self.kind.setCurrentIndex(i)
        if "level" in data:
            level = str(data["level"] or "")
            i = self.level.findData(level)
            if i < 0:
                i = next((j for j in range(self.level.count()) if self.level.itemText(j).startswith(level + "（")), 0)
            self.level.setCurrentIndex(i)

    def parent_value(self) -> str:
        text = self.parent_box.currentText().strip()
        if not text or text == NO_PARENT:
            return ""
        i = self.parent_box.findText(text, Qt.MatchFlag.MatchFixedString)
        return self.parent_box.itemData(i) if i >= 0 else text

    def values(self) -> dict:
        return {"code": self.code.text().strip(), "name": self.name.text().strip(), "parent": self.parent_value(),
                "kind": self.kind.currentData(), "level": self.level.currentData() or "",
                "areas": self.areas.text().strip(), "contact": self.contact.text().strip(),
                "phone": self.phone.text().strip()}

    def submit(self) -> None:
        data = self.values()
        if not self.editing and any(u["code"] == data["code"] for u in self.ws.units_list()):
            self.show_error(f"单位编码“{data['code']}”已在单位目录中，请换一个编码，或在目录中选中该单位后点“编辑”")
            return
        try:
            self.saved_unit = self.ws.save_unit(data, self.actor)
        except DomainError as e:
            self.show_error(e.message)
            return
        self.accept()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))


# ---- 权责清单 ------------------------------------------------------------------------------------------

def _rule_cells(r, unit_name: str, places: dict[str, str]) -> list:
    d = r if isinstance(r, dict) else r.to_dict()
    area = d.get("area") or ""
    return [d["row"], d.get("category") or "（不限）", "、".join(d.get("keywords") or []),
            places.get(area, area), unit_name or d.get("unit", ""), d.get("priority") or "",
            d.get("basis") or "", d.get("valid_from") or "", d.get("valid_to") or ""]


RULE_HEADERS = ["行", "事项类别", "关键词", "属地", "责任单位", "优先级", "依据", "生效", "失效"]
RULE_WIDTHS = {0: 44, 1: 190, 2: 150, 3: 90, 4: 190, 5: 52, 7: 88, 8: 88}


class RulesPage(_Page):
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
        hint = QLabel("“谁主管谁负责”按当前版本的权责清单匹配：事项类别、关键词、属地越具体越优先，同样具体的比优先级。"
                      "每个信访件记录分办时使用的版本；导入新版本不改变已分办的案件。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.hide()
        self.versions = _table(["版本", "导入时间", "导入人", "条数", "说明"], stretch=4)
        for c, wd in enumerate((120, 150, 90, 56)):
            self.versions.setColumnWidth(c, wd)
        self.versions.setMaximumHeight(120)
        self.rules = _table(RULE_HEADERS, stretch=6)
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
        _fill(self.versions, [[f"第 {v['version']} 版" + ("（当前）" if v["active"] else ""),
                               str(v["imported_at"])[:16].replace("T", " "), v["imported_by"], v["rules"], v["note"]]
                              for v in versions])
        for r, v in enumerate(versions):
            if v["active"]:
                for c in range(self.versions.columnCount()):
                    self.versions.item(r, c).setBackground(OFFICE_BG)
        self.rules_label.setText(f"第 {rs.version} 版的规则（行号为导入文件中的行）")
        _fill(self.rules, [_rule_cells(r, r.get("unit_name", ""), places) for r in rules], RULE_WIDTHS)

    def _places(self) -> dict[str, str]:
        return _area_names(self.ws)

    # import: dry run first
    def _import_view(self) -> QWidget:
        w = QWidget()
        self.preview_title = QLabel()
        self.preview_title.setObjectName("sectionTitle")
        self.preview_summary = QLabel()
        self.preview_summary.setWordWrap(True)
        self.diff_tabs = QTabWidget()
        self.added = _table(RULE_HEADERS, stretch=6)
        self.removed = _table(RULE_HEADERS, stretch=6)
        self.changed_table = _table(["行", "事项类别", "关键词", "属地", "改动"], stretch=4)
        for c, wd in enumerate((60, 200, 170, 90)):
            self.changed_table.setColumnWidth(c, wd)
        self.problem_table = _problems_table()
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
        hint = QLabel("这是试导入的结果，尚未写入。与当前版本比较：按“事项类别＋关键词＋属地”对应规则，"
                      "责任单位、优先级、依据或有效期不同的算“修改”。确认后成为新的当前版本。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        lay = QVBoxLayout(w)
        lay.addWidget(self.preview_title)
        lay.addWidget(self.preview_summary)
        lay.addWidget(hint)
        lay.addWidget(self.diff_tabs, 1)
        lay.addLayout(bottom)
        return w

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

        _fill(self.added, [cells(r) for r in report.added], RULE_WIDTHS)
        _fill(self.removed, [cells(r) for r in report.removed], RULE_WIDTHS)
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
        _fill(self.changed_table, rows)
        _fill_problems(self.problem_table, report.problems)
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

    def confirm(self):
        if self.report is None or not self.confirm_btn.isEnabled():
            return None
        try:
            report = self.ws.import_rules(self.path, self.actor, accept_partial=self.partial.isChecked(),
                                          note=self.note.text().strip())
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


# ---- 分办试算 ------------------------------------------------------------------------------------------

class TrialPage(_Page):
    def __init__(self, ws, actor: str, parent=None):
        super().__init__(ws, actor, parent)
        self.last: dict | None = None
        self.purpose = QComboBox()
        for p in Purpose:
            self.purpose.addItem(p.value, p.value)
        self.purpose.setCurrentIndex(self.purpose.findData(Purpose.COMPLAINT.value))
        self.cat1 = QComboBox()
        self.cat2 = QComboBox()
        self.cat1.currentIndexChanged.connect(self._fill_cat2)
        cats = QHBoxLayout()
        cats.addWidget(self.cat1, 1)
        cats.addWidget(self.cat2, 1)
        self.place = QLineEdit()
        self.place.setPlaceholderText("如 东湖街道樱园社区")
        self.summary = QLineEdit()
        self.summary.setPlaceholderText("一句话概括反映的问题")
        self.content = QPlainTextEdit()
        self.content.setPlaceholderText("事实与理由（关键词匹配会用到）")
        self.content.setMaximumHeight(110)
        self.caused_by = QLineEdit()
        self.caused_by.setPlaceholderText("引发问题的单位（可不填）")
        self.accused = QLineEdit()
        self.accused.setPlaceholderText("检举控告的对象单位（可不填）")
        for e in (self.caused_by, self.accused):
            attach_unit_completer(e, ws)
        self.legal = QComboBox()
        for s in LegalStatus:
            self.legal.addItem(s.value or "（无）", s.value)
        self.run_btn = QPushButton("试算")
        self.run_btn.setObjectName("primary")
        self.run_btn.clicked.connect(self.run)
        self.clear_btn = QPushButton("清空")
        self.clear_btn.clicked.connect(self.clear)

        form_box = QFrame()
        form = QFormLayout(form_box)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.addRow("信访目的", self.purpose)
        form.addRow("问题类别", cats)
        form.addRow("问题发生地", self.place)
        form.addRow("反映问题", self.summary)
        form.addRow("事实与理由", self.content)
        form.addRow("引发单位", self.caused_by)
        form.addRow("被检举单位", self.accused)
        form.addRow("法律程序状态", self.legal)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_btn)
        buttons.addWidget(self.run_btn)
        form.addRow(buttons)
        hint = QLabel("试算只按当前的单位目录、权责清单和分办原则计算，不登记、不保存。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        t = QLabel("假设的信访事项")
        t.setObjectName("sectionTitle")
        ll.addWidget(t)
        ll.addWidget(hint)
        ll.addWidget(form_box)
        ll.addStretch(1)

        self.output = QTextBrowser()
        self.output.setOpenLinks(False)
        self.output.setPlaceholderText("填写左侧后点“试算”，这里显示分办结果和每条原则的判断理由。")
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        t2 = QLabel("分办结果")
        t2.setObjectName("sectionTitle")
        rl.addWidget(t2)
        rl.addWidget(self.output, 1)

        split = QSplitter(Qt.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([480, 720])
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        self.refresh()

    def refresh(self) -> None:
        current = self.category_path()
        self._categories = [(l1, l2, path) for path, l1, l2, _lit in self.ws.categories()]
        self.cat1.blockSignals(True)
        self.cat1.clear()
        self.cat1.addItem("（请选择）", "")
        for l1 in dict.fromkeys(l1 for l1, _l2, _p in self._categories):
            self.cat1.addItem(l1, l1)
        self.cat1.blockSignals(False)
        self._fill_cat2()
        if current:
            self.set_category(current)

    def _fill_cat2(self, *_) -> None:
        l1 = self.cat1.currentData() or ""
        self.cat2.clear()
        subs = [(l2, path) for a, l2, path in self._categories if a == l1 and l2]
        self.cat2.addItem("（不限二级）" if l1 else "（请先选一级）", l1)
        for l2, path in subs:
            self.cat2.addItem(l2, path)
        self.cat2.setEnabled(bool(l1))

    def set_category(self, path: str) -> None:
        l1 = path.split("/", 1)[0]
        i = self.cat1.findData(l1)
        if i >= 0:
            self.cat1.setCurrentIndex(i)
            j = self.cat2.findData(path)
            if j >= 0:
                self.cat2.setCurrentIndex(j)

    def category_path(self) -> str:
        return (self.cat2.currentData() or self.cat1.currentData() or "") if hasattr(self, "_categories") else ""

    def draft_dict(self) -> dict:
        return {"channel": "来信", "received_at": self.ws.now().strftime("%Y-%m-%d %H:%M"),
                "purpose": self.purpose.currentData(), "category": self.category_path(),
                "summary": self.summary.text().strip(), "content": self.content.toPlainText().strip(),
                "place": self.place.text().strip(), "caused_by": self.caused_by.text().strip(),
                "accused_unit": self.accused.text().strip(), "legal_status": self.legal.currentData() or "",
                "petitioners": [{"anonymous": True}]}

    def run(self) -> dict | None:
        try:
            out = self.ws.suggest_route(draft_from_dict(self.draft_dict()))
        except DomainError as e:
            self.last = None
            self.output.setHtml(f"<p style='color:{RED}'>无法试算：{escape(e.message)}</p>")
            return None
        self.last = out
        self.output.setHtml(self.render(out))
        return out

    def render(self, out: dict) -> str:
        h = []
        if out.get("unit"):
            h.append(f"<p style='font-size:14pt'><b>{escape(out.get('unit_name') or out['unit'])}</b>"
                     f"　<span style='color:#6b7785'>{escape(out['unit'])}</span></p>")
        if out.get("needs_manual"):
            h.append(f"<p style='color:{RED}; font-weight:bold'>需人工指定承办单位</p>")
        rows = [("处理方式", out.get("channel") or ""), ("适用原则", out.get("principle_name") or "")]
        if out.get("rule") is not None:
            rows.append(("权责清单", f"第 {out.get('rule_version')} 版第 {out['rule']} 行"))
        if out.get("basis"):
            rows.append(("依据", out["basis"]))
        if out.get("restricted"):
            rows.append(("保密", "检举控告件，限制查阅；举报人信息只向纪检监察机关提供"))
        h.append("<table cellspacing='0' cellpadding='3'>" + "".join(
            f"<tr><td style='color:#6b7785; white-space:nowrap'>{escape(k)}</td><td>{escape(str(v))}</td></tr>"
            for k, v in rows if v) + "</table>")
        reasons = out.get("reasons") or []
        if reasons:
            h.append("<p><b>逐条判断</b></p><ol style='margin-top:0'>" +
                     "".join(f"<li>{escape(str(r))}</li>" for r in reasons) + "</ol>")
        alts = [a.get("unit_name") or a.get("unit") for a in out.get("alternatives") or [] if isinstance(a, dict)]
        if alts:
            h.append("<p><b>备选单位</b>：" + escape("、".join(x for x in alts if x)) + "</p>")
        return "".join(h)

    def result_text(self) -> str:
        return self.output.toPlainText()

    def clear(self) -> None:
        for e in (self.place, self.summary, self.caused_by, self.accused):
            e.clear()
        self.content.clear()
        self.cat1.setCurrentIndex(0)
        self.legal.setCurrentIndex(0)
        self.output.clear()
        self.last = None


# ---- 分办原则 ------------------------------------------------------------------------------------------

class ChainPage(_Page):
    def __init__(self, ws, actor: str, parent=None):
        super().__init__(ws, actor, parent)
        self.names = dict(ws.principles())
        title = QLabel("分办原则的顺序")
        title.setObjectName("sectionTitle")
        hint = QLabel("分办时从上到下逐条判断，第一条适用的原则决定承办单位；取消勾选的原则不参与判断。"
                      "“检举控告”应放在最前面，以免举报材料转到被举报单位。")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.list = QListWidget()
        self.list.setMaximumWidth(560)
        self.list.setMinimumHeight(230)
        self.list.setStyleSheet("QListWidget::item { padding: 6px 4px; }")
        self.list.itemChanged.connect(self._dirty)
        self.list.currentRowChanged.connect(self._buttons)
        self.up_btn = QPushButton("上移")
        self.down_btn = QPushButton("下移")
        self.save_btn = QPushButton("保存")
        self.save_btn.setObjectName("primary")
        self.default_btn = QPushButton("恢复默认")
        self.up_btn.clicked.connect(lambda: self.move(-1))
        self.down_btn.clicked.connect(lambda: self.move(1))
        self.save_btn.clicked.connect(self.save)
        self.default_btn.clicked.connect(self.restore_default)
        side = QVBoxLayout()
        for b in (self.up_btn, self.down_btn):
            side.addWidget(b)
        side.addStretch(1)
        side.addWidget(self.default_btn)
        side.addWidget(self.save_btn)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(side)
        row.addStretch(1)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.hide()
        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addWidget(hint)
        lay.addLayout(row)
        lay.addWidget(self.result)
        lay.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        current = [p.value for p in self.ws.routing_chain]
        self._load(current, [code for code, _ in self.ws.principles() if code not in current])
        self.result.hide()

    def _load(self, enabled: list[str], disabled: list[str]) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for code in enabled + disabled:
            it = QListWidgetItem(self.names.get(code, code))
            it.setData(Qt.UserRole, code)
            it.setFlags(it.flags() | Qt.ItemIsUserCheckable)
            it.setCheckState(Qt.Checked if code in enabled else Qt.Unchecked)
            it.setToolTip(PRINCIPLE_HELP.get(code, ""))
            self.list.addItem(it)
        self.list.blockSignals(False)
        self._renumber()
        self.list.setCurrentRow(0)
        self._buttons()

    def _renumber(self) -> None:
        self.list.blockSignals(True)
        n = 0
        for i in range(self.list.count()):
            it = self.list.item(i)
            code = it.data(Qt.UserRole)
            on = it.checkState() == Qt.Checked
            if on:
                n += 1
            label = f"{n}. {self.names.get(code, code)}" if on else f"（不用）{self.names.get(code, code)}"
            it.setText(f"{label}　—　{PRINCIPLE_HELP.get(code, '')}")
            it.setForeground(QColor("#1f2d3d" if on else "#9aa5b1"))
        self.list.blockSignals(False)

    def chain(self) -> list[str]:
        return [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.Checked]

    def order(self) -> list[str]:
        return [self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())]

    def set_enabled(self, code: str, on: bool) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.UserRole) == code:
                self.list.item(i).setCheckState(Qt.Checked if on else Qt.Unchecked)

    def move(self, step: int) -> None:
        row = self.list.currentRow()
        to = row + step
        if row < 0 or not 0 <= to < self.list.count():
            return
        self.list.blockSignals(True)
        it = self.list.takeItem(row)
        self.list.insertItem(to, it)
        self.list.blockSignals(False)
        self.list.setCurrentRow(to)
        self._dirty()

    def _buttons(self, *_) -> None:
        row = self.list.currentRow()
        self.up_btn.setEnabled(row > 0)
        self.down_btn.setEnabled(0 <= row < self.list.count() - 1)

    def _dirty(self, *_) -> None:
        self._renumber()
        self._status(self.result, "顺序已改动，尚未保存。", AMBER)

    def restore_default(self) -> None:
        self._load([code for code, _ in self.ws.principles()], [])
        self._status(self.result, "已恢复默认顺序，点“保存”后生效。", AMBER)

    def save(self) -> bool:
        try:
            chain = self.ws.set_routing_chain(self.chain(), self.actor)
        except DomainError as e:
            self._status(self.result, e.message, RED)
            return False
        self.refresh()
        self._status(self.result, "已保存。此后的分办按：" + " → ".join(self.names.get(p.value, p.value) for p in chain))
        self.changed.emit()
        return True


__all__ = ["ChainPage", "RulesPage", "TrialPage", "UnitDialog", "UnitsPage"]

"""新增单位 / 编辑单位: the dialog behind the 单位目录 page's 新增单位… and 编辑… buttons."""
from __future__ import annotations

from ...domain.problems import DomainError
from ...domain.units import LEVEL_NAMES, UnitKind
from ..qt import QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, Qt, QVBoxLayout
from ..widgets import error_label, make_searchable, ok_cancel_buttons
from .common import area_names

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
        places = area_names(ws)

        self.code = QLineEdit()
        self.code.setPlaceholderText("如 420102-XFJ（保存后不能修改）")
        self.name = QLineEdit()
        self.name.setPlaceholderText("单位全称，如 城东区信访局")
        self.parent_box = QComboBox()
        make_searchable(self.parent_box, "输入名称或编码的几个字可选择")
        self.parent_box.addItem(NO_PARENT, "")
        own = unit["code"] if unit else None
        for u in units:
            if u["code"] != own:
                self.parent_box.addItem(f"{u['name']}（{u['code']}）", u["code"])
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
        self.error = error_label()
        self.buttons, self.ok_button = ok_cancel_buttons(self, "保存")
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

"""反映问题 on the 登记 form: the two-level category, summary, demands, facts, place, the units involved, the
legal status, and the 承办单位 with its 改派理由."""
from __future__ import annotations

from ...domain.enums import LegalStatus, Purpose
from ..dialogs import attach_unit_completer
from ..qt import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit
from .messages import set_msg


class MatterMixin:
    """RegisterForm's 反映问题 box; `_categories` is the (level 1, level 2, path) list of the dictionary."""

    def _build_matter(self) -> QGroupBox:
        matter = QGroupBox("反映问题")
        f = QFormLayout(matter)
        f.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.cat1 = QComboBox()
        self.cat2 = QComboBox()
        self.cat1.setMinimumWidth(160)
        self.cat2.setMinimumWidth(160)
        cats = QHBoxLayout()
        cats.addWidget(QLabel("一级"))
        cats.addWidget(self.cat1, 1)
        cats.addWidget(QLabel("二级"))
        cats.addWidget(self.cat2, 1)
        f.addRow("问题类别", self._with_msg(cats, "category"))
        self.summary = QLineEdit()
        self.summary.setPlaceholderText("一句话概括反映的问题（必填）")
        f.addRow("反映问题（摘要）", self._with_msg(self.summary, "summary"))
        self.demands = QPlainTextEdit()
        self.demands.setPlaceholderText("信访人的具体诉求")
        self.demands.setFixedHeight(56)
        self.demands.setTabChangesFocus(True)
        f.addRow("诉求", self.demands)
        self.content = QPlainTextEdit()
        self.content.setPlaceholderText("事实与理由（Enter 换行，Ctrl+Enter 保存）")
        self.content.setFixedHeight(90)
        self.content.setTabChangesFocus(True)
        f.addRow("事实与理由", self.content)
        self.place = QLineEdit()
        self.place.setPlaceholderText("区/街道/社区/网格")
        self.place_code = QLineEdit()
        self.place_code.setPlaceholderText("区划代码（可不填）")
        self.place_code.setMaximumWidth(180)
        pl = QHBoxLayout()
        pl.addWidget(self.place, 1)
        pl.addWidget(self.place_code)
        f.addRow("问题发生地", pl)
        self.caused_by = QLineEdit()
        self.caused_by.setPlaceholderText("引发问题的单位（可不填）")
        f.addRow("引发单位", self.caused_by)
        self.accused = QLineEdit()
        self.accused.setPlaceholderText("检举控告的对象单位（用于回避）")
        self.accused_label = QLabel("被检举单位")
        f.addRow(self.accused_label, self._with_msg(self.accused, "accused_unit"))
        self.legal = QComboBox()
        for s in LegalStatus:
            self.legal.addItem(s.value or "（无）", s.value)
        f.addRow("法律程序状态", self.legal)
        self.unit = QLineEdit()
        self.unit.setPlaceholderText("承办单位编码或名称（可不填，按分流建议）")
        attach_unit_completer(self.unit, self.ws)
        f.addRow("承办单位", self._with_msg(self.unit, "unit"))
        self.override_reason = QLineEdit()
        self.override_reason.setPlaceholderText("未按分流建议时，请说明改派理由")
        self.override_label = QLabel("改派理由")
        f.addRow(self.override_label, self.override_reason)
        return matter

    def _fill_cat1(self) -> None:
        self.cat1.blockSignals(True)
        self.cat1.clear()
        self.cat1.addItem("（请选择）", "")
        seen = []
        for l1, _l2, _path in self._categories:
            if l1 not in seen:
                seen.append(l1)
                self.cat1.addItem(l1, l1)
        self.cat1.blockSignals(False)
        self._fill_cat2()

    def _fill_cat2(self) -> None:
        l1 = self.cat1.currentData() or ""
        self.cat2.blockSignals(True)
        self.cat2.clear()
        subs = [(l2, path) for a, l2, path in self._categories if a == l1 and l2]
        if l1 and not subs:
            self.cat2.addItem("（无二级）", l1)
        else:
            self.cat2.addItem("（请选择）", "")
        for l2, path in subs:
            self.cat2.addItem(l2, path)
        self.cat2.setEnabled(bool(l1))
        self.cat2.blockSignals(False)
        self.schedule_preview()

    def category_path(self) -> str:
        if self.cat2.currentData():
            return self.cat2.currentData()
        # only a first level chosen: send it so validation names the problem
        return self.cat1.currentData() or ""

    def reload_categories(self) -> None:
        """The dictionary changed (设置 › 信访事项类别 › 导入): offer the new list, keeping the choice if it is still there."""
        chosen = self.category_path()
        self._categories = [(l1, l2, path) for path, l1, l2, _lit in self.ws.categories()]
        self._fill_cat1()
        self.set_category(chosen)

    def set_category(self, path: str) -> None:
        l1, _, l2 = path.partition("/")
        self.cat1.setCurrentIndex(max(0, self.cat1.findData(l1)))
        self.cat2.setCurrentIndex(max(0, self.cat2.findData(path if l2 else l1)))

    def _purpose_changed(self) -> None:
        accusation = self.purpose.currentData() == Purpose.ACCUSATION.value
        self.accused.setVisible(accusation)
        self.accused_label.setVisible(accusation)
        if not accusation:
            set_msg(self._field_msgs["accused_unit"], "")

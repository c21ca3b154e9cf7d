"""设置 → 人民调解: the dispute type dictionary, the 以奖代补 rate table (元 per dispute by type and difficulty) and
the mediation clocks (调解期限, 延长, 回访). Only 管理员 may change them; others see them read-only with the reason."""
from __future__ import annotations

from ...domain.mediation import DEFAULT_TYPES
from ...domain.problems import DomainError
from ...services.mediation import SETUP
from ..qt import (QAbstractItemView, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QListWidget,
                  QListWidgetItem, QPushButton, QSpinBox, Qt, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
                  Signal)
from ..widgets import hint_label

LEVELS = ("低", "中", "高")
DEFAULT_ROW = "（其他类型）"
CLOCK_SETTINGS = (("mediation_days", "调解期限（自受理之日起）", " 日"),
                  ("mediation_extension_days", "经当事人同意延长一次", " 日"),
                  ("followup_days", "履行期限届满后回访", " 日内"))


def _say(label: QLabel, text: str, ok: bool) -> None:
    label.setText(text)
    label.setStyleSheet("color: #2e7d32;" if ok else "color: #b71c1c;")


class MediationSettingsPage(QWidget):
    changed = Signal()

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        self.editable = ws.access.can(SETUP)
        lay = QVBoxLayout(self)
        if not self.editable:
            lay.addWidget(hint_label("只有管理员可以修改纠纷类型、以奖代补标准和调解期限；这里仅供查看。"))
        row = QHBoxLayout()
        row.addWidget(self._types_box(), 2)
        row.addWidget(self._rates_box(), 3)
        lay.addLayout(row, 1)
        lay.addWidget(self._clocks_box())
        for w in self.findChildren(QPushButton) + [self.types, self.rates, self.new_rate_type] + list(self.clocks.values()):
            w.setEnabled(self.editable)
        self.refresh()

    # ---- 纠纷类型 ---------------------------------------------------------------------------------
    def _types_box(self) -> QGroupBox:
        box = QGroupBox("纠纷类型（登记时的选项，按此顺序）")
        self.types = QListWidget()
        self.types.setObjectName("disputeTypes")
        self.types.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed)
        self.types_message = QLabel()
        self.types_message.setWordWrap(True)
        buttons = QHBoxLayout()
        self.add_type = QPushButton("添加")
        self.remove_type = QPushButton("删除")
        self.up_type = QPushButton("上移")
        self.down_type = QPushButton("下移")
        self.default_types = QPushButton("恢复默认")
        self.save_types_button = QPushButton("保存类型")
        self.save_types_button.setObjectName("primary")
        self.add_type.clicked.connect(self._add_type)
        self.remove_type.clicked.connect(lambda: self.types.takeItem(self.types.currentRow()))
        self.up_type.clicked.connect(lambda: self._move_type(-1))
        self.down_type.clicked.connect(lambda: self._move_type(1))
        self.default_types.clicked.connect(lambda: self._fill_types(list(DEFAULT_TYPES)))
        self.save_types_button.clicked.connect(self.save_types)
        for b in (self.add_type, self.remove_type, self.up_type, self.down_type, self.default_types):
            buttons.addWidget(b)
        lay = QVBoxLayout(box)
        lay.addWidget(self.types, 1)
        lay.addLayout(buttons)
        lay.addWidget(hint_label("双击可改名；鼠标停在类型上可看已登记的件数。已登记的纠纷保留登记时的类型，"
                                 "删除或改名只影响此后的登记。"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.types_message, 1)
        bottom.addWidget(self.save_types_button)
        lay.addLayout(bottom)
        return box

    def _fill_types(self, names: list[str]) -> None:
        usage = self.ws.mediation.type_usage()
        self.types.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemIsEditable)
            item.setData(Qt.UserRole, name)
            item.setToolTip(f"已登记 {usage.get(name, 0)} 件")
            self.types.addItem(item)

    def _add_type(self) -> None:
        item = QListWidgetItem("新类型")
        item.setFlags(item.flags() | Qt.ItemIsEditable)
        self.types.addItem(item)
        self.types.setCurrentItem(item)
        self.types.editItem(item)

    def _move_type(self, step: int) -> None:
        r = self.types.currentRow()
        if r < 0 or not 0 <= r + step < self.types.count():
            return
        item = self.types.takeItem(r)
        self.types.insertItem(r + step, item)
        self.types.setCurrentRow(r + step)

    def type_names(self) -> list[str]:
        return [self.types.item(i).text().strip() for i in range(self.types.count())]

    def save_types(self) -> bool:
        try:
            self.ws.mediation.set_types(self.type_names(), self.actor)
        except DomainError as e:
            _say(self.types_message, e.message, False)
            return False
        _say(self.types_message, "纠纷类型已保存。", True)
        self.refresh()
        self.changed.emit()
        return True

    # ---- 以奖代补 ----------------------------------------------------------------------------------
    def _rates_box(self) -> QGroupBox:
        box = QGroupBox("以奖代补标准（元／件，按纠纷类型和难度）")
        self.rates = QTableWidget(0, 1 + len(LEVELS))
        self.rates.setObjectName("rateTable")
        self.rates.setHorizontalHeaderLabels(["纠纷类型"] + [f"难度{x}" for x in LEVELS])
        self.rates.verticalHeader().setVisible(False)
        self.rates.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.rates_message = QLabel()
        self.rates_message.setWordWrap(True)
        self.new_rate_type = QComboBox()
        self.add_rate = QPushButton("添加该类型的标准")
        self.remove_rate = QPushButton("删除所选行")
        self.save_rates_button = QPushButton("保存标准")
        self.save_rates_button.setObjectName("primary")
        self.add_rate.clicked.connect(lambda: self._add_rate_row(self.new_rate_type.currentText(), {}))
        self.remove_rate.clicked.connect(self._remove_rate_row)
        self.save_rates_button.clicked.connect(self.save_rates)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_rate_type, 1)
        buttons.addWidget(self.add_rate)
        buttons.addWidget(self.remove_rate)
        lay = QVBoxLayout(box)
        lay.addWidget(self.rates, 1)
        lay.addLayout(buttons)
        lay.addWidget(hint_label(f"“{DEFAULT_ROW}”一行适用于没有单列标准的类型。难度即纠纷登记的风险等级，"
                                 "未定风险的按“低”；某类型只填了“低”的，中、高也按它计。一件由几名调解员调解成功的，奖补平均分给他们。"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.rates_message, 1)
        bottom.addWidget(self.save_rates_button)
        lay.addLayout(bottom)
        return box

    def _add_rate_row(self, name: str, values: dict) -> None:
        if not name or name in self._rate_types():
            return
        r = self.rates.rowCount()
        self.rates.insertRow(r)
        first = QTableWidgetItem(name)
        first.setFlags(first.flags() & ~Qt.ItemIsEditable)
        self.rates.setItem(r, 0, first)
        for c, level in enumerate(LEVELS, start=1):
            v = values.get(level)
            item = QTableWidgetItem("" if v is None else f"{v:g}")
            item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
            self.rates.setItem(r, c, item)
        self._fill_new_rate_types()

    def _remove_rate_row(self) -> None:
        r = self.rates.currentRow()
        if r > 0:                     # the default row stays
            self.rates.removeRow(r)
            self._fill_new_rate_types()

    def _rate_types(self) -> list[str]:
        return [self.rates.item(r, 0).text() for r in range(self.rates.rowCount())]

    def _fill_new_rate_types(self) -> None:
        taken = set(self._rate_types())
        self.new_rate_type.clear()
        self.new_rate_type.addItems([t for t in self.ws.mediation.types() if t not in taken])

    def rate_table(self) -> tuple[dict, list[str]]:
        """The table as the service's rate dict, and the cells that are not amounts."""
        problems, rows = [], {}
        for r in range(self.rates.rowCount()):
            name, row = self.rates.item(r, 0).text(), {}
            for c, level in enumerate(LEVELS, start=1):
                text = self.rates.item(r, c).text().strip() if self.rates.item(r, c) else ""
                if not text:
                    if r == 0:
                        problems.append(f"{name}：请填写难度{level}的金额")
                    continue
                try:
                    value = float(text)
                except ValueError:
                    problems.append(f"{name}：难度{level}的金额“{text}”不是数字")
                    continue
                if value < 0 or round(value, 2) != value:
                    problems.append(f"{name}：难度{level}的金额应为不小于 0、最多两位小数的数")
                    continue
                row[level] = int(value) if value == int(value) else value
            rows[name] = row
        default = rows.pop(DEFAULT_ROW, {})
        return {"default": default, "by_type": rows}, problems

    def save_rates(self) -> bool:
        rates, problems = self.rate_table()
        try:
            if problems:
                raise DomainError("以奖代补标准有误：" + "；".join(problems))
            self.ws.mediation.set_rates(rates, self.actor)
        except DomainError as e:
            _say(self.rates_message, e.message, False)
            return False
        _say(self.rates_message, "以奖代补标准已保存，此后打印的申领表按新标准计算。", True)
        self.refresh()
        return True

    # ---- 调解期限 ---------------------------------------------------------------------------------
    def _clocks_box(self) -> QGroupBox:
        box = QGroupBox("调解期限（人民调解法第 17、33 条；只影响此后受理、延长或达成协议的纠纷）")
        form = QFormLayout()
        self.clocks: dict[str, QSpinBox] = {}
        for key, label, suffix in CLOCK_SETTINGS:
            spin = QSpinBox()
            spin.setRange(1, 100)
            spin.setSuffix(suffix)
            self.clocks[key] = spin
            form.addRow(label, spin)
        self.clocks_message = QLabel()
        self.save_clocks_button = QPushButton("保存期限")
        self.save_clocks_button.setObjectName("primary")
        self.save_clocks_button.clicked.connect(self.save_clocks)
        lay = QHBoxLayout(box)
        lay.addLayout(form)
        lay.addWidget(self.clocks_message, 1)
        lay.addWidget(self.save_clocks_button, 0, Qt.AlignBottom)
        return box

    def save_clocks(self) -> bool:
        try:
            for key, spin in self.clocks.items():
                if int(self.ws.setting(key)) != spin.value():
                    self.ws.configure(key, str(spin.value()), self.actor)
        except DomainError as e:
            _say(self.clocks_message, e.message, False)
            return False
        _say(self.clocks_message, "调解期限已保存。", True)
        return True

    def refresh(self) -> None:
        self._fill_types(self.ws.mediation.types())
        rates = self.ws.mediation.rates()
        self.rates.setRowCount(0)
        self._add_rate_row(DEFAULT_ROW, rates.get("default") or {})
        for name, row in (rates.get("by_type") or {}).items():
            self._add_rate_row(name, row)
        for key, spin in self.clocks.items():
            spin.setValue(int(self.ws.setting(key)))

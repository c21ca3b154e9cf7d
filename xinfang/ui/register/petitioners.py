"""信访人 on the 登记 form: one PetitionerRow per person (inline checks of ID number and phone) and the form's
part that adds, removes, clears and numbers the rows."""
from __future__ import annotations

from datetime import date

from ...domain.enums import PartyKind, PetitionerRole
from ...domain.validation import check_id_number, check_phone, check_uscc
from ..qt import (QCheckBox, QComboBox, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                  QVBoxLayout, QWidget, Signal)
from .messages import AMBER, GREEN, GREY, RED, msg_label, set_msg, show_check


class PetitionerRow(QFrame):
    """One petitioner: 类别, 姓名, 证件号, 电话, 住址, 身份, 匿名 — with inline checks under 证件号 and 电话."""

    changed = Signal()          # anything that matters for repeat detection
    remove_requested = Signal(object)

    def __init__(self, today: date, parent=None):
        super().__init__(parent)
        self.today = today
        self.setObjectName("petitionerRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("QFrame#petitionerRow { border: 1px solid #cfd8dc; border-radius: 4px; }")
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)

        self.title = QLabel("信访人")
        self.title.setStyleSheet("font-weight: bold;")
        self.kind = QComboBox()
        for k in PartyKind:
            self.kind.addItem(k.value, k.value)
        self.name = QLineEdit()
        self.name.setPlaceholderText("姓名 / 单位名称")
        self.role = QComboBox()
        for r in PetitionerRole:
            self.role.addItem(r.value, r.value)
        self.anonymous = QCheckBox("匿名")
        self.remove_button = QPushButton("删除")
        self.remove_button.setToolTip("删除此信访人")
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("18位身份证号")
        self.id_number.setMaxLength(24)
        self.phone = QLineEdit()
        self.phone.setPlaceholderText("手机或带区号的固话")
        self.address = QLineEdit()
        self.address.setPlaceholderText("住址")
        self.id_msg = msg_label()
        self.phone_msg = msg_label()
        self.derived = QLabel()
        self.derived.setStyleSheet(f"color: {GREEN}; font-size: 12px;")
        self.derived.setVisible(False)

        self.id_label = QLabel("身份证号")
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(QLabel("类别"))
        top.addWidget(self.kind)
        top.addWidget(QLabel("姓名"))
        top.addWidget(self.name, 1)
        top.addWidget(QLabel("身份"))
        top.addWidget(self.role)
        top.addWidget(self.anonymous)
        top.addWidget(self.remove_button)
        grid.addLayout(top, 0, 0, 1, 4)
        grid.addWidget(self.id_label, 1, 0)
        grid.addWidget(self.id_number, 1, 1)
        grid.addWidget(QLabel("电话"), 1, 2)
        grid.addWidget(self.phone, 1, 3)
        idbox = QVBoxLayout()
        idbox.setSpacing(0)
        idbox.addWidget(self.id_msg)
        idbox.addWidget(self.derived)
        grid.addLayout(idbox, 2, 1)
        grid.addWidget(self.phone_msg, 2, 3)
        grid.addWidget(QLabel("住址"), 3, 0)
        grid.addWidget(self.address, 3, 1, 1, 3)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        self.name_msg = msg_label()
        grid.addWidget(self.name_msg, 4, 1, 1, 3)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.id_number.textChanged.connect(self.check_id)
        self.phone.textChanged.connect(self.check_phone)
        for sig in (self.name.textChanged, self.id_number.textChanged, self.phone.textChanged,
                    self.anonymous.toggled, self.kind.currentIndexChanged):
            sig.connect(self.changed)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))

    def focus_chain(self) -> list[QWidget]:
        return [self.kind, self.name, self.role, self.anonymous, self.id_number, self.phone, self.address,
                self.remove_button]

    def set_index(self, i: int) -> None:
        self.title.setText(f"信访人 {i + 1}")

    @property
    def is_org(self) -> bool:
        return self.kind.currentData() == PartyKind.ORGANISATION.value

    def _kind_changed(self) -> None:
        self.id_label.setText("信用代码" if self.is_org else "身份证号")
        self.id_number.setPlaceholderText("18位统一社会信用代码" if self.is_org else "18位身份证号")
        self.check_id()

    def check_id(self) -> None:
        """Inline check while typing: progress while short, then red errors / amber warnings / derived data."""
        text = self.id_number.text().strip()
        self.derived.setVisible(False)
        if not text:
            set_msg(self.id_msg, "")
            return
        compact = "".join(text.split())
        if len(compact) < (18 if self.is_org else 15) and compact[:17].isalnum():
            set_msg(self.id_msg, f"已输入 {len(compact)} 位，共 18 位", GREY)
            return
        if self.is_org:
            chk = check_uscc(compact)
            if not show_check(self.id_msg, chk.problems) and not chk.problems:
                self.derived.setText("✓ 统一社会信用代码有效")
                self.derived.setVisible(True)
            return
        chk = check_id_number(compact, self.today)
        if show_check(self.id_msg, chk.problems):
            return
        if chk.valid:
            age = self.today.year - chk.birth.year - ((self.today.month, self.today.day) < (chk.birth.month, chk.birth.day))
            kind = "" if chk.kind == "居民身份证" else f" · {chk.kind}"
            self.derived.setText(f"✓ 性别 {chk.sex} · 出生日期 {chk.birth:%Y-%m-%d}（{age} 岁）{kind}")
            self.derived.setVisible(True)

    def check_phone(self) -> None:
        text = self.phone.text().strip()
        if not text:
            set_msg(self.phone_msg, "")
            return
        digits = "".join(ch for ch in text if ch.isdigit())
        if text[:1] == "1" and len(digits) < 11 and digits == text.replace(" ", ""):
            set_msg(self.phone_msg, f"已输入 {len(digits)} 位，手机号共 11 位", GREY)
            return
        chk = check_phone(text)
        if not show_check(self.phone_msg, chk.problems) and not chk.problems:
            set_msg(self.phone_msg, f"✓ {chk.kind}", GREEN)

    def to_dict(self) -> dict:
        return {"kind": self.kind.currentData(), "name": self.name.text().strip(),
                "id_number": self.id_number.text().strip(), "phone": self.phone.text().strip(),
                "address": self.address.text().strip(), "role": self.role.currentData(),
                "anonymous": self.anonymous.isChecked()}

    def is_blank(self) -> bool:
        d = self.to_dict()
        return not (d["name"] or d["id_number"] or d["phone"] or d["address"] or d["anonymous"])

    def show_problem(self, field: str, message: str, level: str) -> None:
        color = RED if level == "error" else AMBER
        label = {"id_number": self.id_msg, "phone": self.phone_msg}.get(field, self.name_msg)
        set_msg(label, message, color)


class PetitionersMixin:
    """RegisterForm's 信访人 box: `rows` in `people_layout`, one blank row at least."""

    def _build_people(self) -> QGroupBox:
        people = QGroupBox("信访人")
        self.people_layout = QVBoxLayout(people)
        self.people_layout.setSpacing(6)
        self.add_person_button = QPushButton("＋ 添加信访人")
        self.add_person_button.clicked.connect(lambda: self.add_petitioner(focus=True))
        addrow = QHBoxLayout()
        addrow.addWidget(self._msg("petitioners"), 1)
        addrow.addWidget(self.add_person_button)
        self.people_layout.addLayout(addrow)
        return people

    def add_petitioner(self, focus: bool = False) -> PetitionerRow:
        row = PetitionerRow(self.ws.now().date())
        row.changed.connect(self.schedule_preview)
        row.role.currentIndexChanged.connect(self._update_collective)
        row.remove_requested.connect(self.remove_petitioner)
        self.people_layout.insertWidget(len(self.rows), row)
        self.rows.append(row)
        self._renumber()
        if focus:
            row.kind.setFocus()
        return row

    def remove_petitioner(self, row: PetitionerRow) -> None:
        if row not in self.rows:
            return
        if len(self.rows) == 1:       # keep one row to type into
            self._reset_row(row)
            return
        i = self.rows.index(row)
        self.rows.remove(row)
        row.setParent(None)
        row.deleteLater()
        self._renumber()
        self.rows[min(i, len(self.rows) - 1)].name.setFocus()
        self.schedule_preview()

    def _reset_row(self, row: PetitionerRow) -> None:
        for w in (row.name, row.id_number, row.phone, row.address):
            w.clear()
        row.kind.setCurrentIndex(0)
        row.role.setCurrentIndex(0)
        row.anonymous.setChecked(False)
        for label in (row.id_msg, row.phone_msg, row.name_msg):
            set_msg(label, "")

    def _renumber(self) -> None:
        for i, r in enumerate(self.rows):
            r.set_index(i)
            r.remove_button.setEnabled(len(self.rows) > 1)
        self._fix_tab_order()

"""登记: the registration form, keyboard first.

Enter saves from any single-line field (inside 诉求/事实与理由 it inserts a newline); Ctrl+Enter always saves;
Esc clears after confirmation. ID numbers and phones are checked while typed; ~300 ms after the person or the
matter changes, `Workspace.preview` looks for repeats (疑似重复件 / 不再受理候选) and the suggested route.
The form collects a plain dict and parses it with `intake.draft_from_dict`, the same parser the CLI uses.
"""
from __future__ import annotations

from datetime import date, datetime
from html import escape
from pathlib import Path

from ..domain.enums import Channel, LegalStatus, PartyKind, PetitionerRole, Purpose
from ..domain.masking import mask_id_number
from ..domain.problems import DomainError, Problem
from ..domain.validation import check_id_number, check_phone, check_uscc
from ..services import intake
from .dialogs import attach_unit_completer
from .qt import (QAbstractItemView, QCheckBox, QComboBox, QDateTime, QDateTimeEdit, QEvent, QFileDialog,
                 QFormLayout, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QKeyEvent, QLabel, QLineEdit, QListWidget,
                 QListWidgetItem, QMessageBox, QPlainTextEdit, QPushButton, QScrollArea, QSpinBox, Qt, QTimer,
                 QVBoxLayout, QWidget, Signal)

DEBOUNCE_MS = 300

RED = "#b71c1c"
AMBER = "#8a5a00"
GREEN = "#1b5e20"
GREY = "#607d8b"

PANEL_AMBER = ("QFrame#repeatPanel { background: #fff8e1; border: 1px solid #f0c36d; border-radius: 4px; }")
PANEL_ROUTE = ("QFrame#routePanel { background: #e8f1fb; border: 1px solid #a9c7ea; border-radius: 4px; }")
PANEL_PROBLEMS = ("QFrame#problemPanel { background: #fdecea; border: 1px solid #f5c2c0; border-radius: 4px; }")
BANNER_STYLES = {
    "ok": "QLabel { color: #1b5e20; background: #e8f5e9; border: 1px solid #a5d6a7; border-radius: 4px; padding: 6px; }",
    "warn": "QLabel { color: #6d4c00; background: #fff8e1; border: 1px solid #f0c36d; border-radius: 4px; padding: 6px; }",
    "error": "QLabel { color: #b71c1c; background: #fdecea; border: 1px solid #f5c2c0; border-radius: 4px; padding: 6px; }",
}


def _msg_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    label.setStyleSheet("font-size: 12px;")
    return label


def _set_msg(label: QLabel, text: str, color: str = RED) -> None:
    label.setText(text)
    label.setStyleSheet(f"font-size: 12px; color: {color};")
    label.setVisible(bool(text))


def file_size_text(size: int) -> str:
    """A file size as the office reads it: 820 字节, 12.3 KB, 4.5 MB."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _show_person(person: str) -> str:
    """How a repeat matched, with the ID number masked ("身份证号 110105********002X")."""
    head, _, rest = person.partition(" ")
    if head == "身份证号":
        return f"{head} {mask_id_number(rest)}"
    return person


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
        self.id_msg = _msg_label()
        self.phone_msg = _msg_label()
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
        self.name_msg = _msg_label()
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
            _set_msg(self.id_msg, "")
            return
        compact = "".join(text.split())
        if len(compact) < (18 if self.is_org else 15) and compact[:17].isalnum():
            _set_msg(self.id_msg, f"已输入 {len(compact)} 位，共 18 位", GREY)
            return
        if self.is_org:
            chk = check_uscc(compact)
            errors = [p.message for p in chk.problems if p.level == "error"]
            warns = [p.message for p in chk.problems if p.level != "error"]
            if errors:
                _set_msg(self.id_msg, "；".join(errors), RED)
            elif warns:
                _set_msg(self.id_msg, "；".join(warns), AMBER)
            else:
                _set_msg(self.id_msg, "")
                self.derived.setText("✓ 统一社会信用代码有效")
                self.derived.setVisible(True)
            return
        chk = check_id_number(compact, self.today)
        errors = [p.message for p in chk.problems if p.level == "error"]
        warns = [p.message for p in chk.problems if p.level != "error"]
        if errors:
            _set_msg(self.id_msg, "；".join(errors), RED)
            return
        _set_msg(self.id_msg, "；".join(warns), AMBER)
        if chk.valid:
            age = self.today.year - chk.birth.year - ((self.today.month, self.today.day) < (chk.birth.month, chk.birth.day))
            kind = "" if chk.kind == "居民身份证" else f" · {chk.kind}"
            self.derived.setText(f"✓ 性别 {chk.sex} · 出生日期 {chk.birth:%Y-%m-%d}（{age} 岁）{kind}")
            self.derived.setVisible(True)

    def check_phone(self) -> None:
        text = self.phone.text().strip()
        if not text:
            _set_msg(self.phone_msg, "")
            return
        digits = "".join(ch for ch in text if ch.isdigit())
        if text[:1] == "1" and len(digits) < 11 and digits == text.replace(" ", ""):
            _set_msg(self.phone_msg, f"已输入 {len(digits)} 位，手机号共 11 位", GREY)
            return
        chk = check_phone(text)
        errors = [p.message for p in chk.problems if p.level == "error"]
        warns = [p.message for p in chk.problems if p.level != "error"]
        if errors:
            _set_msg(self.phone_msg, "；".join(errors), RED)
        elif warns:
            _set_msg(self.phone_msg, "；".join(warns), AMBER)
        else:
            _set_msg(self.phone_msg, f"✓ {chk.kind}", GREEN)

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
        _set_msg(label, message, color)


class RegisterForm(QWidget):
    """The 登记 form. `saved(case_id)` is emitted after a successful registration; the form then resets."""

    saved = Signal(str)
    open_case = Signal(str)     # a repeat link was clicked (case id)

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        self.rows: list[PetitionerRow] = []
        self._overridden = False
        self.last_preview = None
        self.last_registered = None
        self._field_msgs: dict[str, QLabel] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self._categories = [(l1, l2, path) for path, l1, l2, _lit in ws.categories()]
        self.collective_threshold = int(ws.setting("collective_threshold") or 5)
        self.max_representatives = int(ws.setting("max_representatives") or 5)
        self._build()
        self.reset()

    # ---- layout -------------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QHBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)

        # left: the form in a scroll area
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        scroll.setWidget(body)
        col = QVBoxLayout(body)
        col.setContentsMargins(0, 0, 8, 0)
        outer.addWidget(scroll, 3)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        col.addWidget(self.banner)

        # 基本信息
        basic = QGroupBox("基本信息")
        g = QGridLayout(basic)
        g.setHorizontalSpacing(10)
        self.channel = QComboBox()
        for c in Channel:
            self.channel.addItem(c.value, c.value)
        self.work_order = QLineEdit()
        self.work_order.setPlaceholderText("12345 工单号")
        self.work_order_label = QLabel("工单号")
        self.received = QDateTimeEdit()
        self.received.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.received.setCalendarPopup(True)
        self.purpose = QComboBox()
        for p in Purpose:
            self.purpose.addItem(p.value, p.value)
        self.purpose.setCurrentIndex(self.purpose.findData(Purpose.COMPLAINT.value))
        self.headcount = QSpinBox()
        self.headcount.setRange(1, 9999)
        self.headcount.setSuffix(" 人")
        self.collective_hint = QLabel()
        self.collective_hint.setStyleSheet(f"color: {AMBER}; font-weight: bold;")
        self.collective_hint.setVisible(False)
        self.leader = QLineEdit()
        self.leader.setPlaceholderText("领导接访时填写")
        self.public = QCheckBox("公开接访")

        g.addWidget(QLabel("信访形式"), 0, 0)
        g.addWidget(self.channel, 0, 1)
        g.addWidget(QLabel("收到时间"), 0, 2)
        g.addWidget(self.received, 0, 3)
        g.addWidget(self.work_order_label, 1, 0)
        g.addWidget(self.work_order, 1, 1)
        g.addWidget(self._msg("work_order_no"), 2, 1)
        g.addWidget(self._msg("received_at"), 1, 3)
        g.addWidget(QLabel("信访目的"), 3, 0)
        g.addWidget(self.purpose, 3, 1)
        g.addWidget(QLabel("人数"), 3, 2)
        hc = QHBoxLayout()
        hc.addWidget(self.headcount)
        hc.addWidget(self.collective_hint, 1)
        g.addLayout(hc, 3, 3)
        g.addWidget(self._msg("headcount"), 4, 3)
        g.addWidget(QLabel("接谈领导"), 5, 0)
        g.addWidget(self.leader, 5, 1)
        g.addWidget(self.public, 5, 3)
        g.setColumnStretch(1, 1)
        g.setColumnStretch(3, 1)
        col.addWidget(basic)

        # 信访人
        people = QGroupBox("信访人")
        self.people_layout = QVBoxLayout(people)
        self.people_layout.setSpacing(6)
        self.add_person_button = QPushButton("＋ 添加信访人")
        self.add_person_button.clicked.connect(lambda: self.add_petitioner(focus=True))
        addrow = QHBoxLayout()
        addrow.addWidget(self._msg("petitioners"), 1)
        addrow.addWidget(self.add_person_button)
        self.people_layout.addLayout(addrow)
        col.addWidget(people)

        # 反映问题
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
        col.addWidget(matter)

        # 附件: files copied into the data folder when the case is saved
        files = QGroupBox("附件")
        fl = QHBoxLayout(files)
        self.attachment_list = QListWidget()
        self.attachment_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.attachment_list.setFixedHeight(78)
        self.attachment_list.setToolTip("保存登记时，这些文件会复制到数据目录，并记录 SHA-256 校验值")
        self.attachment_list.currentRowChanged.connect(lambda *_: self._attachment_buttons())
        self.attachment_list.itemSelectionChanged.connect(self._attachment_buttons)
        self.add_attachment_button = QPushButton("添加附件…")
        self.add_attachment_button.setToolTip("选择信件扫描件、照片等文件（可多选）")
        self.add_attachment_button.clicked.connect(lambda: self.choose_attachments())
        self.remove_attachment_button = QPushButton("移除")
        self.remove_attachment_button.setToolTip("从附件列表中移除选中的文件（不删除原文件）")
        self.remove_attachment_button.clicked.connect(lambda: self.remove_attachments())
        self.attachment_hint = QLabel("可不添加。保存时复制到数据目录，原文件不受影响。")
        self.attachment_hint.setStyleSheet(f"color: {GREY}; font-size: 12px;")
        self.attachment_hint.setWordWrap(True)
        fb = QVBoxLayout()
        fb.addWidget(self.add_attachment_button)
        fb.addWidget(self.remove_attachment_button)
        fb.addStretch(1)
        fleft = QVBoxLayout()
        fleft.addWidget(self.attachment_list)
        fleft.addWidget(self.attachment_hint)
        fl.addLayout(fleft, 1)
        fl.addLayout(fb)
        col.addWidget(files)
        col.addStretch(1)

        # right: live panels and the buttons
        side_scroll = QScrollArea()
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_body = QWidget()
        side_scroll.setWidget(side_body)
        side = QVBoxLayout(side_body)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(8)
        right = QVBoxLayout()
        right.addWidget(side_scroll, 1)
        outer.addLayout(right, 1)

        self.repeat_panel = QFrame()
        self.repeat_panel.setObjectName("repeatPanel")
        self.repeat_panel.setStyleSheet(PANEL_AMBER)
        rp = QVBoxLayout(self.repeat_panel)
        self.repeat_title = QLabel("疑似重复件")
        self.repeat_title.setStyleSheet(f"color: {AMBER}; font-weight: bold;")
        self.repeat_label = QLabel()
        self.repeat_label.setWordWrap(True)
        self.repeat_label.setTextFormat(Qt.TextFormat.RichText)
        self.repeat_label.linkActivated.connect(self.open_case)
        self.no_longer_label = QLabel()
        self.no_longer_label.setWordWrap(True)
        self.no_longer_label.setStyleSheet(f"color: {RED}; font-weight: bold;")
        self.no_longer_label.setVisible(False)
        rp.addWidget(self.repeat_title)
        rp.addWidget(self.repeat_label)
        rp.addWidget(self.no_longer_label)
        self.repeat_panel.setVisible(False)
        side.addWidget(self.repeat_panel)

        self.route_panel = QFrame()
        self.route_panel.setObjectName("routePanel")
        self.route_panel.setStyleSheet(PANEL_ROUTE)
        rt = QVBoxLayout(self.route_panel)
        title = QLabel("建议承办")
        title.setStyleSheet("color: #0d47a1; font-weight: bold;")
        self.route_label = QLabel()
        self.route_label.setWordWrap(True)
        rt.addWidget(title)
        rt.addWidget(self.route_label)
        self.route_panel.setVisible(False)
        side.addWidget(self.route_panel)

        self.problem_panel = QFrame()
        self.problem_panel.setObjectName("problemPanel")
        self.problem_panel.setStyleSheet(PANEL_PROBLEMS)
        pp = QVBoxLayout(self.problem_panel)
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        pp.addWidget(self.problem_label)
        self.problem_panel.setVisible(False)
        side.addWidget(self.problem_panel)

        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet(f"color: {AMBER};")
        self.hint_label.setVisible(False)
        side.addWidget(self.hint_label)

        side.addStretch(1)
        keys = QLabel("Enter / Ctrl+Enter 保存 · Esc 清空\n多行框内 Enter 换行")
        keys.setStyleSheet(f"color: {GREY}; font-size: 12px;")
        side = right
        side.addWidget(keys)
        self.save_button = QPushButton("保存登记")
        self.save_button.setMinimumHeight(36)
        self.save_button.setStyleSheet("QPushButton { font-weight: bold; }")
        self.save_button.clicked.connect(self.save)
        self.clear_button = QPushButton("清空")
        self.clear_button.clicked.connect(lambda: self.clear(confirm=True))
        side.addWidget(self.save_button)
        side.addWidget(self.clear_button)

        # wiring
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self.purpose.currentIndexChanged.connect(self._purpose_changed)
        self.headcount.valueChanged.connect(self._update_collective)
        self.cat1.currentIndexChanged.connect(self._fill_cat2)
        for sig in (self.cat2.currentIndexChanged, self.summary.textChanged, self.demands.textChanged,
                    self.unit.textChanged, self.channel.currentIndexChanged, self.purpose.currentIndexChanged,
                    self.headcount.valueChanged, self.legal.currentIndexChanged):
            sig.connect(self.schedule_preview)
        for w in (self.demands, self.content):
            w.installEventFilter(self)
        self._fill_cat1()

    def _msg(self, field: str) -> QLabel:
        label = _msg_label()
        self._field_msgs[field] = label
        return label

    def _with_msg(self, item, field: str) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(1)
        if isinstance(item, QWidget):
            v.addWidget(item)
        else:
            v.addLayout(item)
        v.addWidget(self._msg(field))
        return box

    # ---- categories -----------------------------------------------------------------------------------
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

    def set_category(self, path: str) -> None:
        l1, _, l2 = path.partition("/")
        self.cat1.setCurrentIndex(max(0, self.cat1.findData(l1)))
        self.cat2.setCurrentIndex(max(0, self.cat2.findData(path if l2 else l1)))

    # ---- attachments -------------------------------------------------------------------------------
    def choose_attachments(self) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(self, "添加附件", "", "所有文件 (*)")
        return self.add_attachments(paths)

    def add_attachments(self, paths) -> list[str]:
        """Put files on the attachment list (the same file only once); returns the paths added."""
        have = set(self.attachment_paths())
        added = []
        for raw in paths:
            path = str(Path(raw))
            if not path or path in have:
                continue
            p = Path(path)
            try:
                size = file_size_text(p.stat().st_size)
            except OSError:
                size = "文件不存在"
            item = QListWidgetItem(f"{p.name}　（{size}）")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.attachment_list.addItem(item)
            have.add(path)
            added.append(path)
        self._attachment_buttons()
        return added

    def attachment_paths(self) -> list[str]:
        return [self.attachment_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.attachment_list.count())]

    def remove_attachments(self) -> None:
        """Take the selected files (or the current one) off the list."""
        rows = sorted({self.attachment_list.row(it) for it in self.attachment_list.selectedItems()}, reverse=True)
        if not rows and self.attachment_list.currentRow() >= 0:
            rows = [self.attachment_list.currentRow()]
        for r in rows:
            self.attachment_list.takeItem(r)
        self._attachment_buttons()

    def _attachment_buttons(self) -> None:
        n = self.attachment_list.count()
        self.remove_attachment_button.setEnabled(n > 0)
        self.attachment_hint.setText(f"共 {n} 个文件，保存时复制到数据目录，原文件不受影响。" if n else
                                     "可不添加。保存时复制到数据目录，原文件不受影响。")

    # ---- petitioners -------------------------------------------------------------------------------
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
            _set_msg(label, "")

    def _renumber(self) -> None:
        for i, r in enumerate(self.rows):
            r.set_index(i)
            r.remove_button.setEnabled(len(self.rows) > 1)
        self._fix_tab_order()

    def _fix_tab_order(self) -> None:
        chain: list[QWidget] = [self.channel, self.received, self.work_order, self.purpose, self.headcount,
                                self.leader, self.public]
        for r in self.rows:
            chain += r.focus_chain()
        chain += [self.add_person_button, self.cat1, self.cat2, self.summary, self.demands, self.content,
                  self.place, self.place_code, self.caused_by, self.accused, self.legal, self.unit,
                  self.override_reason, self.add_attachment_button, self.remove_attachment_button,
                  self.save_button, self.clear_button]
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)

    # ---- dependent fields ------------------------------------------------------------------------
    def _channel_changed(self) -> None:
        hotline = self.channel.currentData() == Channel.HOTLINE_12345.value
        self.work_order.setVisible(hotline)
        self.work_order_label.setVisible(hotline)
        if not hotline:
            _set_msg(self._field_msgs["work_order_no"], "")
        self._update_collective()

    def _purpose_changed(self) -> None:
        accusation = self.purpose.currentData() == Purpose.ACCUSATION.value
        self.accused.setVisible(accusation)
        self.accused_label.setVisible(accusation)
        if not accusation:
            _set_msg(self._field_msgs["accused_unit"], "")

    def _update_collective(self) -> None:
        n = self.headcount.value()
        visit = self.channel.currentData() == Channel.VISIT.value
        if visit and n >= self.collective_threshold:
            reps = sum(1 for r in self.rows if r.role.currentData() == PetitionerRole.REPRESENTATIVE.value)
            text = f"集体访（{n} 人）"
            if reps == 0:
                text += f"：请推选代表，不超过 {self.max_representatives} 人"
            elif reps > self.max_representatives:
                text += f"：代表 {reps} 人，超过 {self.max_representatives} 人"
            self.collective_hint.setText(text)
            self.collective_hint.setVisible(True)
        else:
            self.collective_hint.setVisible(False)

    # ---- collecting ------------------------------------------------------------------------------
    def received_at(self) -> datetime:
        d, t = self.received.date(), self.received.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())

    def collect(self) -> dict:
        """Everything typed, as the `case add` JSON (blank petitioner rows are left out)."""
        hotline = self.channel.currentData() == Channel.HOTLINE_12345.value
        accusation = self.purpose.currentData() == Purpose.ACCUSATION.value
        return {
            "channel": self.channel.currentData(),
            "received_at": self.received_at().isoformat(sep=" "),
            "purpose": self.purpose.currentData(),
            "category": self.category_path(),
            "summary": self.summary.text().strip(),
            "demands": self.demands.toPlainText().strip(),
            "content": self.content.toPlainText().strip(),
            "place": self.place.text().strip(),
            "place_code": self.place_code.text().strip(),
            "headcount": self.headcount.value(),
            "work_order_no": self.work_order.text().strip() if hotline else "",
            "reception_leader": self.leader.text().strip(),
            "public_reception": self.public.isChecked(),
            "caused_by": self.caused_by.text().strip(),
            "accused_unit": self.accused.text().strip() if accusation else "",
            "legal_status": self.legal.currentData() or "",
            "unit": self.unit.text().strip(),
            "override_reason": self.override_reason.text().strip(),
            "petitioners": [r.to_dict() for r in self.rows if not r.is_blank()],
            "attachments": self.attachment_paths(),
        }

    def draft(self):
        return intake.draft_from_dict(self.collect())

    # ---- live preview -------------------------------------------------------------------------------
    def schedule_preview(self, *_args) -> None:
        self._timer.start()

    def refresh_preview(self) -> None:
        self._timer.stop()
        try:
            pv = self.ws.preview(self.draft())
        except DomainError as e:
            # e.g. a 承办单位 that is not in the directory: say so under the field, keep the rest
            if self.unit.text().strip() and "单位" in e.message:
                _set_msg(self._field_msgs["unit"], e.message, RED)
            else:
                self.hint_label.setText(e.message)
                self.hint_label.setVisible(True)
            return
        _set_msg(self._field_msgs["unit"], "")
        self.last_preview = pv
        self._show_repeats(pv.repeats)
        self._show_route(pv.route or {})
        warns = [p.message for p in pv.problems if p.level == "warning" and not p.field.startswith("petitioners[")]
        self.hint_label.setText("\n".join(f"提示：{w}" for w in warns))
        self.hint_label.setVisible(bool(warns))

    def _show_repeats(self, repeats) -> None:
        if not repeats:
            self.repeat_panel.setVisible(False)
            return
        lines = []
        for m in repeats:
            lines.append(f"与 <a href=\"{m.id}\">{m.number}</a> 同人同事（相似度 {m.similarity:.2f}）<br>"
                         f"<span style='color:#607d8b'>{escape(_show_person(m.person))} · "
                         f"收到 {str(m.received_at)[:10]}</span>")
        self.repeat_title.setText(f"疑似重复件：共 {len(repeats)} 件")
        self.repeat_label.setText("<br>".join(lines))
        candidates = [m.number for m in repeats if m.closed_after_recheck]
        if candidates:
            self.no_longer_label.setText(
                f"不再受理候选：{'、'.join(candidates)} 已经复核，同一事实和理由不再受理（《信访工作条例》第三十六条）")
        self.no_longer_label.setVisible(bool(candidates))
        self.repeat_panel.setVisible(True)

    def _show_route(self, route: dict) -> None:
        self._overridden = bool(route.get("overridden"))
        self.override_reason.setVisible(self._overridden)
        self.override_label.setVisible(self._overridden)
        if not route or not (route.get("unit") or route.get("unit_name") or route.get("needs_manual")):
            self.route_panel.setVisible(False)
            return
        parts = []
        name = route.get("unit_name") or route.get("unit") or ""
        if name:
            code = route.get("unit", "")
            parts.append(f"<b>{escape(name)}</b>" + (f"（{escape(code)}）" if code and code != name else ""))
        principle = route.get("principle_name") or route.get("principle") or ""
        extra = " · ".join(x for x in (route.get("channel", ""), principle) if x)
        if extra:
            parts.append(escape(extra))
        if route.get("overridden"):
            suggested = route.get("suggested_unit") or "无"
            parts.append(f"<span style='color:{AMBER}'>登记人指定，分流建议为 {escape(suggested)}</span>")
        for r in route.get("reasons") or []:
            parts.append(f"· {escape(str(r))}")
        if route.get("basis"):
            parts.append(f"依据：{escape(str(route['basis']))}")
        alts = [a.get("unit_name") or a.get("unit") for a in route.get("alternatives") or [] if isinstance(a, dict)]
        if alts:
            parts.append("备选：" + escape("、".join(x for x in alts if x)))
        if route.get("needs_manual"):
            parts.append(f"<span style='color:{RED}'>需人工指定承办单位</span>")
        self.route_label.setText("<br>".join(parts))
        self.route_panel.setVisible(True)

    # ---- saving ---------------------------------------------------------------------------------------
    def _clear_problems(self) -> None:
        for label in self._field_msgs.values():
            _set_msg(label, "")
        for r in self.rows:
            _set_msg(r.name_msg, "")
        self.problem_panel.setVisible(False)

    def show_banner(self, text: str, kind: str = "ok") -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(BANNER_STYLES[kind])
        self.banner.setVisible(bool(text))

    def show_problems(self, problems: tuple[Problem, ...] | list[Problem]) -> None:
        """Put each problem next to its field; the full list goes to the side panel."""
        typed = [r for r in self.rows if not r.is_blank()]
        for p in problems:
            if p.field.startswith("petitioners["):
                i = int(p.field[len("petitioners["):p.field.index("]")])
                sub = p.field.split(".", 1)[1] if "." in p.field else ""
                if i < len(typed):
                    typed[i].show_problem(sub, p.message, p.level)
            elif p.field in self._field_msgs:
                _set_msg(self._field_msgs[p.field], p.message, RED if p.level == "error" else AMBER)
        errors = [p.message for p in problems if p.level == "error"]
        self.problem_label.setText("不能保存：\n" + "\n".join(f"· {m}" for m in errors))
        self.problem_panel.setVisible(bool(errors))

    def save(self) -> str | None:
        """Register what is typed. On a refusal keep everything and show why; on success emit saved and reset."""
        self._clear_problems()
        try:
            registered = self.ws.register(self.draft(), self.actor)
        except DomainError as e:
            self.show_banner(e.message, "error")
            self.show_problems(e.problems)
            self._refocus_first_problem(e.problems)
            return None
        case = registered.case
        self.last_registered = registered
        text = f"已登记 {case.number}（{case.status.label}）"
        if case.attachments:
            text += f"，附件 {len(case.attachments)} 个已保存"
        kind = "ok"
        if registered.repeats:
            text += "；疑似重复件：" + "、".join(m.number for m in registered.repeats)
            kind = "warn"
        if registered.warnings:
            text += "\n提示：" + "；".join(w.message for w in registered.warnings)
            kind = "warn"
        self.reset()
        self.show_banner(text, kind)
        self.saved.emit(case.id)
        return case.id

    def _refocus_first_problem(self, problems) -> None:
        order = {"category": self.cat1, "summary": self.summary, "received_at": self.received,
                 "headcount": self.headcount, "petitioners": self.rows[0].name if self.rows else None}
        typed = [r for r in self.rows if not r.is_blank()]
        for p in problems:
            if p.level != "error":
                continue
            if p.field.startswith("petitioners["):
                i = int(p.field[len("petitioners["):p.field.index("]")])
                if i < len(typed):
                    sub = p.field.split(".", 1)[1] if "." in p.field else "name"
                    getattr(typed[i], sub, typed[i].name).setFocus()
                    return
            w = order.get(p.field)
            if w is not None:
                w.setFocus()
                return

    # ---- clearing ----------------------------------------------------------------------------------------
    def has_input(self) -> bool:
        d = self.collect()
        return any(d[k] for k in ("summary", "demands", "content", "place", "place_code", "work_order_no",
                                  "reception_leader", "caused_by", "accused_unit", "unit", "category",
                                  "petitioners", "attachments"))

    def clear(self, confirm: bool = True) -> bool:
        if confirm and self.has_input():
            answer = QMessageBox.question(self, "清空登记表", "清空已填写的全部内容？",
                                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                          QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.reset()
        self.show_banner("", "ok")
        return True

    def reset(self) -> None:
        """Back to an empty form with one petitioner row and 收到时间 = now."""
        self._timer.stop()
        for r in self.rows[1:]:
            r.setParent(None)
            r.deleteLater()
        self.rows = self.rows[:1]
        if not self.rows:
            self.add_petitioner()
        self._reset_row(self.rows[0])
        self._renumber()
        self.channel.setCurrentIndex(0)
        self.received.setDateTime(QDateTime(self.ws.now()))
        self.purpose.setCurrentIndex(self.purpose.findData(Purpose.COMPLAINT.value))
        self.cat1.setCurrentIndex(0)
        for w in (self.work_order, self.summary, self.place, self.place_code, self.leader, self.caused_by,
                  self.accused, self.unit, self.override_reason):
            w.clear()
        self.demands.clear()
        self.content.clear()
        self.attachment_list.clear()
        self._attachment_buttons()
        self.headcount.setValue(1)
        self.public.setChecked(False)
        self.legal.setCurrentIndex(0)
        self._clear_problems()
        self._channel_changed()
        self._purpose_changed()
        self.repeat_panel.setVisible(False)
        self._show_route({})
        self.hint_label.setVisible(False)
        self.last_preview = None
        self._timer.stop()
        self.channel.setFocus()

    # ---- keys -----------------------------------------------------------------------------------------
    @staticmethod
    def _is_save_key(event: QKeyEvent) -> bool:
        return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)

    def eventFilter(self, obj, event) -> bool:
        # Ctrl+Enter saves from the multi-line fields; a plain Enter there inserts a newline.
        if event.type() == QEvent.Type.KeyPress and self._is_save_key(event) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.save()
            return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._is_save_key(event):
            focus = self.focusWidget()
            if isinstance(focus, QPushButton) and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                focus.click()       # Enter on a focused button presses it
            else:
                self.save()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.clear(confirm=True)
            event.accept()
            return
        super().keyPressEvent(event)


__all__ = ["RegisterForm", "PetitionerRow"]

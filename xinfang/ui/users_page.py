"""设置 › 用户管理 (add, roles, disable, reset password, unlock) and 设置 › 访问记录 — for administrators."""
from __future__ import annotations

from ..domain.permissions import ROLE_HELP, ROLES
from ..domain.problems import DomainError
from .qt import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QFormLayout, QGridLayout, QHBoxLayout,
                 QHeaderView, QLineEdit, QMessageBox, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
                 QWidget)
from .widgets import error_label, hint_label, make_searchable, ok_cancel_buttons

COLUMNS = ("登录名", "姓名", "角色", "所属单位", "状态")


def _table(headers) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(list(headers))
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    t.setAlternatingRowColors(True)
    return t


def _state(u: dict) -> str:
    if not u["active"]:
        return "已停用"
    if u["locked"]:
        return f"已锁定（至 {u['locked_until'][11:16]}）"
    return "正常"


class UserDialog(QDialog):
    """Add a user (with a password) or change an existing user's name, roles and unit."""

    def __init__(self, ws, user: dict | None = None, parent=None):
        super().__init__(parent)
        self.ws, self.user = ws, user
        self.setWindowTitle("修改用户" if user else "添加用户")
        self.setMinimumWidth(560)
        self.login = QLineEdit(user["login"] if user else "")
        self.login.setReadOnly(user is not None)
        self.display = QLineEdit(user["display"] if user else "")
        self.roles = {}
        grid = QGridLayout()
        for i, role in enumerate(ROLES):
            box = QCheckBox(role)
            box.setToolTip(ROLE_HELP[role])
            box.setChecked(bool(user) and role in user["roles"])
            self.roles[role] = box
            grid.addWidget(box, i // 3, i % 3)
        self.unit = QComboBox()
        make_searchable(self.unit, "承办、调解员须选所属单位（输入名称查找）")
        self.unit.addItem("（无）", "")
        for u in ws.units_list():
            self.unit.addItem(f"{u['name']}（{u['code']}）", u["code"])
        if user and user["unit"]:
            self.unit.setCurrentIndex(max(0, self.unit.findData(user["unit"])))
        form = QFormLayout()
        form.addRow("登录名", self.login)
        form.addRow("姓名", self.display)
        form.addRow("角色（可多选）", grid)
        form.addRow("所属单位", self.unit)
        self.password = self.again = None
        if user is None:
            self.password, self.again = QLineEdit(), QLineEdit()
            for f in (self.password, self.again):
                f.setEchoMode(QLineEdit.EchoMode.Password)
            form.addRow("初始密码（至少 8 位）", self.password)
            form.addRow("再输入一次", self.again)
        self.error = error_label()
        self.buttons, self.ok_button = ok_cancel_buttons(self, "保存")
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(hint_label("“承办”只能办理本单位的信访件；“管理员”不能查看限制知悉件（检举控告），需要时另加“纪检”。"))
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

    def chosen_roles(self) -> list[str]:
        return [r for r, box in self.roles.items() if box.isChecked()]

    def chosen_unit(self) -> str:
        i = self.unit.findText(self.unit.currentText())
        if i >= 0:
            return self.unit.itemData(i) or ""
        found = self.ws.directory.find(self.unit.currentText().strip())
        return found.code if found else self.unit.currentText().strip()

    def submit(self) -> None:
        roles, unit = self.chosen_roles(), self.chosen_unit()
        try:
            if self.user is None:
                if self.password.text() != self.again.text():
                    raise DomainError("两次输入的密码不一致")
                self.ws.users.add(self.login.text(), roles, self.password.text(), unit=unit,
                                  display=self.display.text())
            else:
                self.ws.users.set_roles(self.user["login"], roles, unit)
                if self.display.text().strip() != self.user["display"]:
                    self.ws.users.set_display(self.user["login"], self.display.text())
        except DomainError as e:
            self.error.setText(e.message)
            self.error.setVisible(True)
            return
        self.accept()


class ResetPasswordDialog(QDialog):
    def __init__(self, ws, login: str, parent=None):
        super().__init__(parent)
        self.ws, self.login = ws, login
        self.setWindowTitle(f"重设 {login} 的密码")
        self.password, self.again = QLineEdit(), QLineEdit()
        for f in (self.password, self.again):
            f.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("新密码（至少 8 位）", self.password)
        form.addRow("再输入一次", self.again)
        self.error = error_label()
        self.buttons, self.ok_button = ok_cancel_buttons(self, "重设")
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(hint_label("重设密码同时解除锁定。请把新密码当面告诉本人，并请其登录后在“账户 › 修改密码”中改掉。"))
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)

    def submit(self) -> None:
        try:
            if self.password.text() != self.again.text():
                raise DomainError("两次输入的密码不一致")
            self.ws.users.reset_password(self.login, self.password.text())
        except DomainError as e:
            self.error.setText(e.message)
            self.error.setVisible(True)
            return
        self.accept()


class UsersPage(QWidget):
    def __init__(self, ws, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.table = _table(COLUMNS)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda *_: self.edit())
        self.add_button = QPushButton("添加用户…")
        self.edit_button = QPushButton("修改角色…")
        self.active_button = QPushButton("停用")
        self.password_button = QPushButton("重设密码…")
        self.unlock_button = QPushButton("解锁")
        buttons = QHBoxLayout()
        for b, slot in ((self.add_button, self.add), (self.edit_button, self.edit),
                        (self.active_button, self.toggle_active), (self.password_button, self.reset_password),
                        (self.unlock_button, self.unlock)):
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(hint_label("每人用自己的账户登录；每项操作都记下操作人。连续输错密码会锁定账户，管理员可在此解锁。"))
        lay.addLayout(buttons)
        lay.addWidget(self.table, 1)
        self.users: list[dict] = []
        self.refresh()

    def refresh(self) -> None:
        self.users = self.ws.users.list()
        self.table.setRowCount(len(self.users))
        for i, u in enumerate(self.users):
            for j, text in enumerate((u["login"], u["display"], "、".join(u["roles"]), u["unit_name"] or u["unit"],
                                      _state(u))):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self._selection_changed()

    def selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        return self.users[rows[0].row()] if rows else None

    def select(self, login: str) -> None:
        for i, u in enumerate(self.users):
            if u["login"] == login:
                self.table.selectRow(i)

    def _selection_changed(self) -> None:
        u = self.selected()
        for b in (self.edit_button, self.active_button, self.password_button):
            b.setEnabled(u is not None)
        self.unlock_button.setEnabled(bool(u and u["locked"]))
        self.active_button.setText("启用" if u and not u["active"] else "停用")

    def _run(self, fn) -> None:
        try:
            fn()
        except DomainError as e:
            QMessageBox.warning(self, "用户管理", e.message)
        login = (self.selected() or {}).get("login")
        self.refresh()
        if login:
            self.select(login)

    def add(self) -> None:
        if UserDialog(self.ws, None, self).exec() == QDialog.DialogCode.Accepted:
            self.refresh()

    def edit(self) -> None:
        u = self.selected()
        if u and UserDialog(self.ws, u, self).exec() == QDialog.DialogCode.Accepted:
            self._run(lambda: None)

    def toggle_active(self) -> None:
        u = self.selected()
        if u:
            self._run(lambda: self.ws.users.set_active(u["login"], not u["active"]))

    def reset_password(self) -> None:
        u = self.selected()
        if u and ResetPasswordDialog(self.ws, u["login"], self).exec() == QDialog.DialogCode.Accepted:
            self._run(lambda: None)

    def unlock(self) -> None:
        u = self.selected()
        if u:
            self._run(lambda: self.ws.users.unlock(u["login"]))


class AccessLogPage(QWidget):
    """访问记录: every view of an ID number or phone in full — who, when, which case, why."""

    def __init__(self, ws, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.table = _table(("时间", "用户", "案件编号", "用途"))
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(hint_label("显示完整身份证号、电话（屏幕查看、打印不遮蔽的登记表或转送单）都会记入案件时间线和此表，最近的在前。"), 1)
        top.addWidget(refresh)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        self.refresh()

    def refresh(self) -> None:
        items = self.ws.access_log(limit=1000)
        self.table.setRowCount(len(items))
        for i, x in enumerate(items):
            for j, text in enumerate((x["at"].replace("T", " "), x["actor"], x["number"], x["purpose"])):
                self.table.setItem(i, j, QTableWidgetItem(text))

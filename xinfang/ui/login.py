"""Login, the first administrator, changing one's password, and locking the window after idle minutes.

Tests fill the fields and press `ok_button`; every refusal shows in the red box (`error`) and keeps the dialog open.
"""
from __future__ import annotations

from ..domain.problems import DomainError
from .qt import QDialog, QEvent, QFormLayout, QLabel, QLineEdit, QObject, QTimer, QVBoxLayout
from .widgets import error_label, hint_label, ok_cancel_buttons


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMinimumWidth(260)
    return field


class _Dialog(QDialog):
    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))


class LoginDialog(_Dialog):
    """Who is working now. `locked_to` fixes the login (the idle lock asks only for the password)."""

    def __init__(self, ws, parent=None, *, locked_to: str = "", title: str = "登录", hint: str = ""):
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        heading = QLabel("信访事项管理系统")
        heading.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.login = QLineEdit(locked_to)
        self.login.setReadOnly(bool(locked_to))
        self.login.setPlaceholderText("登录名")
        self.password = _password_field()
        form = QFormLayout()
        form.addRow("登录名", self.login)
        form.addRow("密码", self.password)
        self.error = error_label()
        self.buttons, self.ok_button = ok_cancel_buttons(self, "登录", "退出" if not locked_to else "退出程序")
        lay = QVBoxLayout(self)
        lay.addWidget(heading)
        if locked_to:
            lay.addWidget(hint_label(f"程序闲置已锁定。请 {locked_to} 输入密码继续，或退出程序。"))
        elif hint:
            self.hint = hint_label(hint)
            lay.addWidget(self.hint)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        (self.password if locked_to else self.login).setFocus()
        self.user = None

    def submit(self) -> None:
        try:
            self.user = self.ws.users.sign_in(self.login.text(), self.password.text())
        except DomainError as e:
            self.password.clear()
            self.password.setFocus()
            self.show_error(e.message)
            return
        self.accept()


class FirstAdminDialog(_Dialog):
    """A new database: the administrator account (later accounts are added in 设置 › 用户管理)."""

    def __init__(self, ws, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle("设置管理员账户")
        self.setMinimumWidth(480)
        heading = QLabel("设置管理员账户")
        heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        hint = hint_label("这是新数据库。请先设置管理员账户：设置后，每个人都要用自己的账户登录，"
                          "管理员在“设置 › 用户管理”中为登记员、承办单位、领导、纪检等添加账户。"
                          "选择“暂不设置”则本机不设密码（仅供试用）。")
        self.login = QLineEdit("admin")
        self.display = QLineEdit()
        self.display.setPlaceholderText("姓名，如 王管理")
        self.password = _password_field()
        self.again = _password_field()
        form = QFormLayout()
        form.addRow("登录名", self.login)
        form.addRow("姓名", self.display)
        form.addRow("密码（至少 8 位）", self.password)
        form.addRow("再输入一次", self.again)
        self.error = error_label()
        self.buttons, self.ok_button = ok_cancel_buttons(self, "创建并登录", "暂不设置")
        lay = QVBoxLayout(self)
        lay.addWidget(heading)
        lay.addWidget(hint)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.display.setFocus()
        self.user = None

    def submit(self) -> None:
        if self.password.text() != self.again.text():
            self.show_error("两次输入的密码不一致")
            return
        try:
            self.ws.users.add(self.login.text(), ["管理员"], self.password.text(), display=self.display.text())
            self.user = self.ws.users.sign_in(self.login.text(), self.password.text())
        except DomainError as e:
            self.show_error(e.message)
            return
        self.accept()


class ChangePasswordDialog(_Dialog):
    def __init__(self, ws, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle("修改密码")
        self.setMinimumWidth(420)
        self.old = _password_field()
        self.new = _password_field()
        self.again = _password_field()
        form = QFormLayout()
        form.addRow("原密码", self.old)
        form.addRow("新密码（至少 8 位）", self.new)
        form.addRow("再输入一次", self.again)
        self.error = error_label()
        self.buttons, self.ok_button = ok_cancel_buttons(self, "修改")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"用户：{ws.access.user.name}"))
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.old.setFocus()

    def submit(self) -> None:
        if self.new.text() != self.again.text():
            self.show_error("两次输入的新密码不一致")
            return
        try:
            self.ws.users.change_password(self.old.text(), self.new.text())
        except DomainError as e:
            self.show_error(e.message)
            return
        self.accept()


class IdleLock(QObject):
    """Calls `on_idle` after `minutes` without keyboard or mouse input in the application."""

    ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel}

    def __init__(self, app, minutes: int, on_idle, parent=None):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(on_idle)
        self.set_minutes(minutes)
        self.app = app
        app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.timer.setInterval(max(1, int(minutes)) * 60_000)
        self.timer.start()

    def eventFilter(self, obj, event) -> bool:   # noqa: N802 - Qt's name
        if event.type() in self.ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False

    def stop(self) -> None:
        self.timer.stop()
        self.app.removeEventFilter(self)

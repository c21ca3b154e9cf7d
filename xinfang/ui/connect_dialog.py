"""The start dialog (issue 12 §1): 本机数据库 (a file on this PC) or 连接服务器 (a PostgreSQL database that
several seats share). The choice and the server's address are remembered per user (QSettings); the password
never is: it is typed here each time (or comes from XINFANG_DB_PASSWORD / .pgpass, and then the field may stay
empty) and lives in this process's memory only.

Tests fill the fields and call `test_button.click()` / `submit()`; `run_in_thread` is replaced to run inline."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..domain.problems import DomainError
from ..services.errors import user_message
from ..services.server import DEFAULT_PORT, ServerAddress, test_connection
from .qt import (QApplication, QButtonGroup, QCheckBox, QDialog, QEventLoop, QFileDialog, QFormLayout, QFrame,
                 QHBoxLayout, QLabel, QLineEdit, QPushButton, QRadioButton, QSpinBox, QVBoxLayout)
from .widgets import BANNER_STYLES, error_label, hint_label, ok_cancel_buttons

LOCAL, SERVER = "local", "server"
KEYS = {"kind": "connection/kind", "path": "connection/path", "host": "connection/host", "port": "connection/port",
        "database": "connection/database", "user": "connection/user", "read_only": "connection/read_only"}


@dataclass(frozen=True)
class Choice:
    """What to open: a file path or a server URL (no password in it), the password typed, read-only."""
    target: str
    password: str | None = None
    read_only: bool = False

    @property
    def server(self) -> bool:
        return self.kind == SERVER

    @property
    def kind(self) -> str:
        return SERVER if self.target.startswith(("postgresql://", "postgres://")) else LOCAL


def remembered(settings) -> Choice | None:
    """The last choice (never with a password), or None when there is none."""
    kind = settings.value(KEYS["kind"])
    read_only = str(settings.value(KEYS["read_only"], "false")).lower() == "true"
    if kind == LOCAL and settings.value(KEYS["path"]):
        return Choice(str(settings.value(KEYS["path"])), None, read_only)
    if kind == SERVER and settings.value(KEYS["host"]):
        address = ServerAddress(str(settings.value(KEYS["host"])), int(settings.value(KEYS["port"], DEFAULT_PORT)),
                                str(settings.value(KEYS["database"], "")), str(settings.value(KEYS["user"], "")))
        return Choice(address.url(), None, read_only)
    return None


def remember(settings, choice: Choice) -> None:
    """Keep the kind, the file path or the server's address, and read-only; the password is not kept."""
    settings.setValue(KEYS["kind"], choice.kind)
    settings.setValue(KEYS["read_only"], "true" if choice.read_only else "false")
    if choice.server:
        address = ServerAddress.parse(choice.target)
        for key in ("host", "port", "database", "user"):
            settings.setValue(KEYS[key], getattr(address, key))
    else:
        settings.setValue(KEYS["path"], choice.target)
    settings.sync()


def run_in_thread(work: Callable[[], object]) -> object:
    """Run a connection attempt off the GUI thread (a server that does not answer takes up to 5 s) while
    the dialog stays painted; its exception is raised here."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:   # noqa: BLE001 - raised on the GUI thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="test-connection", daemon=True)
    worker.start()
    while worker.is_alive():
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        worker.join(0.05)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class ConnectDialog(QDialog):
    """本机数据库 / 连接服务器. `choice` holds what to open after 打开; `message` shows a reason from a failed
    opening (wrong password, server down …) when the dialog is shown again."""

    def __init__(self, default_path: str | Path, last: Choice | None = None, message: str = "", parent=None):
        super().__init__(parent)
        self.choice: Choice | None = None
        self.setWindowTitle("打开数据库 — 信访事项管理系统")
        self.setMinimumWidth(560)
        title = QLabel("选择要使用的数据库")
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")

        self.local_radio = QRadioButton("本机数据库（一台电脑使用，数据保存在本机的文件中）")
        self.server_radio = QRadioButton("连接服务器（多个座席共用单位的 PostgreSQL 数据库服务器）")
        group = QButtonGroup(self)
        group.addButton(self.local_radio)
        group.addButton(self.server_radio)

        self.path = QLineEdit(str(default_path))
        browse = QPushButton("浏览…")
        browse.clicked.connect(self._browse)
        local_row = QHBoxLayout()
        local_row.addWidget(self.path, 1)
        local_row.addWidget(browse)
        self.local_box = QFrame()
        local_lay = QVBoxLayout(self.local_box)
        local_lay.setContentsMargins(24, 0, 0, 0)
        local_lay.addLayout(local_row)

        self.host = QLineEdit()
        self.host.setPlaceholderText("如 10.1.2.3 或 db.xfj.local")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setMinimumWidth(90)
        self.database = QLineEdit("xinfang")
        self.user = QLineEdit()
        self.user.setPlaceholderText("管理员分配的数据库用户名")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("每次输入，不会保存")
        host_row = QHBoxLayout()
        host_row.addWidget(self.host, 1)
        host_row.addWidget(QLabel("端口"))
        host_row.addWidget(self.port)
        form = QFormLayout()
        form.addRow("服务器地址", host_row)
        form.addRow("数据库", self.database)
        form.addRow("用户名", self.user)
        form.addRow("密码", self.password)
        self.test_button = QPushButton("测试连接")
        self.test_button.clicked.connect(self.test)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setVisible(False)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        self.server_box = QFrame()
        server_lay = QVBoxLayout(self.server_box)
        server_lay.setContentsMargins(24, 0, 0, 0)
        server_lay.addLayout(form)
        server_lay.addWidget(hint_label("地址、端口、数据库名和用户名由单位的信息技术人员提供。密码不会保存在本机；"
                                        "也可由管理员设置 .pgpass 文件或环境变量 XINFANG_DB_PASSWORD，此时密码可不填。"))
        server_lay.addLayout(test_row)
        server_lay.addWidget(self.result)

        self.read_only = QCheckBox("只读方式打开（只查看和打印，不做任何修改）")
        self.error = error_label()
        self.buttons, self.ok_button = ok_cancel_buttons(self, "打开", "退出")

        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addSpacing(6)
        lay.addWidget(self.local_radio)
        lay.addWidget(self.local_box)
        lay.addSpacing(6)
        lay.addWidget(self.server_radio)
        lay.addWidget(self.server_box)
        lay.addSpacing(6)
        lay.addWidget(self.read_only)
        lay.addWidget(self.error)
        lay.addStretch(1)
        lay.addWidget(self.buttons)

        self.local_radio.toggled.connect(self._kind_changed)
        self.server_radio.toggled.connect(self._kind_changed)
        self._fill(last)
        if message:
            self.show_error(message)

    # ---- fields --------------------------------------------------------------------------------
    def _fill(self, last: Choice | None) -> None:
        if last is not None and last.server:
            address = ServerAddress.parse(last.target)
            self.host.setText(address.host)
            self.port.setValue(address.port)
            self.database.setText(address.database)
            self.user.setText(address.user)
            self.server_radio.setChecked(True)
        else:
            if last is not None:
                self.path.setText(last.target)
            self.local_radio.setChecked(True)
        self.read_only.setChecked(bool(last and last.read_only))
        self._kind_changed()
        (self.password if last is not None and last.server else self.ok_button).setFocus()

    def _kind_changed(self, *_) -> None:
        server = self.server_radio.isChecked()
        self.server_box.setEnabled(server)
        self.local_box.setEnabled(not server)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "本机数据库文件", self.path.text(), "数据库文件 (*.db);;所有文件 (*)",
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.path.setText(path)

    def address(self) -> ServerAddress:
        return ServerAddress.from_fields(self.host.text(), self.port.value(), self.database.text(), self.user.text())

    # ---- actions -------------------------------------------------------------------------------
    def test(self) -> dict | None:
        """测试连接: connect with what is typed, say what the database holds (or why not); changes nothing."""
        self.error.setVisible(False)
        try:
            url = self.address().url()
        except DomainError as exc:
            self._show_result(exc.message, ok=False)
            return None
        self.test_button.setEnabled(False)
        self.test_button.setText("正在连接…")
        try:
            state = run_in_thread(lambda: test_connection(url, self.password.text() or None))
        except Exception as exc:   # noqa: BLE001 - every refusal is a Chinese sentence (services.errors)
            self._show_result(user_message(exc), ok=False)
            return None
        finally:
            self.test_button.setEnabled(True)
            self.test_button.setText("测试连接")
        self._show_result(state["message"], ok=True)
        return state

    def _show_result(self, text: str, ok: bool) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(BANNER_STYLES["ok" if ok else "error"])
        self.result.setVisible(True)

    def submit(self) -> None:
        if self.server_radio.isChecked():
            try:
                url = self.address().url()
            except DomainError as exc:
                self.show_error(exc.message)
                return
            self.choice = Choice(url, self.password.text() or None, self.read_only.isChecked())
        else:
            path = self.path.text().strip()
            if not path:
                self.show_error("请填写本机数据库文件的位置")
                return
            if path.startswith(("postgresql://", "postgres://")):
                self.show_error("服务器数据库请选“连接服务器”，分别填写地址、数据库和用户名")
                return
            self.choice = Choice(str(Path(path).expanduser()), None, self.read_only.isChecked())
        self.accept()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)


def change_database(window) -> bool:
    """文件 › 更换数据库: the dialog on the current database; 打开 remembers the choice and starts the program
    again on it (a new process: every screen, worker and timer starts on the new database), then closes this
    window. The password typed is handed to the new process in its environment, never in a file."""
    import os
    import sys
    from .main_window import _settings
    from .qt import QProcess, QProcessEnvironment
    current = Choice(window.db_path, None, bool(getattr(window.ws, "read_only", False)))
    dialog = ConnectDialog(window.db_path if not current.server else "", current, parent=window)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.choice is None:
        return False
    choice = dialog.choice
    remember(_settings(), choice)
    process = QProcess()
    process.setProgram(sys.executable)
    process.setArguments(["-m", "xinfang", "gui", "--db", choice.target] + (["--read-only"] if choice.read_only else []))
    env = QProcessEnvironment.systemEnvironment()
    if choice.password:
        env.insert("XINFANG_DB_PASSWORD", choice.password)
    process.setProcessEnvironment(env)
    process.setWorkingDirectory(os.getcwd())
    if not process.startDetached()[0]:
        window.statusBar().showMessage("无法启动新的程序窗口", 10_000)
        return False
    window.close()
    return True


__all__ = ["change_database", "Choice", "ConnectDialog", "LOCAL", "SERVER", "remember", "remembered", "run_in_thread"]

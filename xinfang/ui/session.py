"""Who is logged in, shown and changed in the main window: title and status bar, the 账户 menu
(切换用户, 修改密码, 锁定), and the lock after idle minutes (setting `idle_lock_minutes`)."""
from __future__ import annotations

from .login import ChangePasswordDialog, IdleLock, LoginDialog
from .qt import QAction, QApplication, QDialog
from .workers import set_session_user


def user_text(user) -> str:
    if user.superuser:
        return "内置用户（未设账户）"
    roles = "、".join(r for r in ("登记员", "承办", "调解员", "领导", "纪检", "管理员") if r in user.roles)
    return f"{user.name}（{roles}）" if roles else user.name


class SessionMixin:
    """Mixed into MainWindow: needs `ws`, `tabs`, `user_label`, `_app_title()`, `reset_for_user()`."""

    def setup_session(self) -> None:
        set_session_user(None if self.ws.access.user.superuser else self.ws.access.user)
        menu = self.menuBar().addMenu("账户")
        self.switch_action = QAction("切换用户…", self)
        self.password_action = QAction("修改密码…", self)
        self.lock_action = QAction("锁定", self)
        self.lock_action.setShortcut("Ctrl+L")
        for action, slot in ((self.switch_action, self.switch_user), (self.password_action, self.change_password),
                             (self.lock_action, self.lock_by_hand)):
            action.triggered.connect(slot)
            menu.addAction(action)
        self.idle_lock = None
        app = QApplication.instance()
        if app is not None and self.ws.access.has_accounts():
            self.idle_lock = IdleLock(app, int(self.ws.setting("idle_lock_minutes")), self.lock_now, self)
        self.locked = False
        self.show_user()

    def show_user(self) -> None:
        user = self.ws.access.user
        accounts = self.ws.access.has_accounts()
        self.user_label.setText(f"用户：{user_text(user)}")
        self.setWindowTitle(self._app_title())
        self.switch_action.setEnabled(accounts)
        self.password_action.setEnabled(accounts and not user.superuser)
        self.lock_action.setEnabled(accounts)

    def switch_user(self) -> None:
        # the pages are rebuilt for the next user: typed 登记 input is saved or dropped first, never lost
        if not self.confirm_leave():
            return
        before = self.ws.access.user
        dialog = LoginDialog(self.ws, self, title="切换用户")
        dialog.buttons.button(dialog.buttons.StandardButton.Cancel).setText("取消")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if dialog.user != before:
            set_session_user(dialog.user)
            self.reset_for_user()
        self.show_user()
        self.statusBar().showMessage(f"已切换到 {dialog.user.name}", 4000)

    def change_password(self) -> None:
        if ChangePasswordDialog(self.ws, self).exec() == QDialog.DialogCode.Accepted:
            self.statusBar().showMessage("密码已修改", 4000)

    def lock_by_hand(self) -> None:
        """锁定 from the menu (Ctrl+L): typed 登记 input is saved or dropped first, like closing."""
        if self.confirm_leave():
            self.lock_now()

    def lock_now(self) -> None:
        """Hide everything until the same user types the password again (or the program is closed). The idle
        lock does not ask about typed input (nobody is there to answer): the form keeps it behind the lock,
        and its draft file keeps it if the program is closed from the lock screen."""
        user = self.ws.access.user
        if user.superuser or not user.login:
            return
        self.centralWidget().setVisible(False)
        self.ws.access.enter(None)          # nothing can be read or changed while locked
        self.locked = True
        dialog = LoginDialog(self.ws, self, locked_to=user.login, title="已锁定")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.locked = False
            self.centralWidget().setVisible(True)
            if self.idle_lock is not None:
                self.idle_lock.set_minutes(int(self.ws.setting("idle_lock_minutes")))
            return
        self.close()

    def stop_session(self) -> None:
        if self.idle_lock is not None:
            self.idle_lock.stop()

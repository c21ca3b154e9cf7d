"""The main window: 工作台, 信访件, 登记, 设置 as tabs; each opened case as a closable tab."""
from __future__ import annotations

import json
import logging
import os

from ..domain.problems import DomainError
from .case_list import CaseListScreen
from .dashboard import Dashboard
from .session import SessionMixin
from .qt import (QKeySequence, QLabel, QMainWindow, QMessageBox, QShortcut, Qt, QTabBar, QTabWidget, QToolButton,
                 QVBoxLayout, QWidget)
from .seats import ChangeWatcher
from .timers import WorkspaceTimer, stop_timers
from .backup_page import backup_on_close
from ..services.workspace import is_server_url
from .workers import Backend, run_task, set_read_only, wait_all

AUTO_BACKUP_CHECK_MS = 10 * 60 * 1000

log = logging.getLogger(__name__)


def _settings():
    """Window size, position and column widths per user (QSettings: registry on Windows, ~/.config on Linux)."""
    from .qt import QSettings
    path = os.environ.get("XINFANG_SETTINGS")      # tests keep their settings in a file of their own
    return QSettings(path, QSettings.Format.IniFormat) if path else QSettings("xinfang", "xinfang-gui")

APP_TITLE = "信访事项管理系统"
TAB_DASHBOARD, TAB_LIST, TAB_REGISTER, TAB_BACKLOG, TAB_MEDIATION, TAB_REPORTS, TAB_SETTINGS = range(7)


TAB_TIPS = {TAB_REGISTER: "登记新的信访件（Ctrl+N）", TAB_LIST: "全部信访件，可筛选、搜索、排序（Ctrl+F 搜索）"}


def _placeholder(text: str) -> QWidget:
    w = QWidget()
    lay = QVBoxLayout(w)
    label = QLabel(text)
    label.setObjectName("hint")
    label.setAlignment(Qt.AlignCenter)
    lay.addWidget(label)
    return w


class MainWindow(SessionMixin, QMainWindow):
    def __init__(self, ws, actor: str, db_path: str | None = None, parent=None, *, sync_limit: int = 20_000,
                 auto_backup: bool = False):
        super().__init__(parent)
        self.ws = ws
        self.actor = ws.access.actor(actor)      # the logged-in login, or the given name without accounts
        summary = ws.summary()
        self.db_path = str(db_path or summary["db"])
        self.office_name = summary.get("office_name") or "本单位"
        self.demo = ws.setting("demo_database") in (True, 1, "1", "true", "True")
        self.setWindowTitle(self._app_title())
        self.resize(1280, 800)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setMovable(False)
        self.tabs.currentChanged.connect(self._tab_changed)

        # one worker thread with its own connection serves the background reads of all screens
        self.backend = Backend(self.db_path) if self.db_path != ":memory:" else None
        self.dashboard = Dashboard(ws, self.actor, backend=self.backend)
        self.case_list = CaseListScreen(ws, self.actor, backend=self.backend, sync_limit=sync_limit)
        self.register_page = QWidget()
        self.register_form = None
        self.settings = None
        self.settings_page = QWidget()
        self.backlog = None          # the 积案 page is built when first shown
        self.backlog_page = QWidget()
        self.mediation = None            # the 调解 section, built on first visit
        self.mediation_page = QWidget()
        self.reports = None                # the 报表 screen, made when first shown
        self.reports_page = QWidget()
        for w, label in ((self.dashboard, "工作台"), (self.case_list, "信访件"), (self.register_page, "登记"),
                         (self.backlog_page, "积案"), (self.mediation_page, "调解"), (self.reports_page, "报表"),
                         (self.settings_page, "设置")):
            self.tabs.addTab(w, label)
        for index, tip in TAB_TIPS.items():
            self.tabs.setTabToolTip(index, tip)
        self.tabs.setTabToolTip(TAB_BACKLOG, "积案化解：交办批次、包案、候选、公开接访")
        self.tabs.setTabToolTip(TAB_REPORTS, "月报、季报、年报：统计表、图表，点击数字查看案件，导出 PDF/XLSX")
        self.setCentralWidget(self.tabs)
        self._list_loaded = False
        self._case_tabs: dict[str, QWidget] = {}

        self.dashboard.showList.connect(self.show_list)
        self.dashboard.openCase.connect(self.open_case)
        self.case_list.openCase.connect(self.open_case)
        if hasattr(self.dashboard, "backlog_panel"):
            self.dashboard.backlog_panel.openRecord.connect(self.open_backlog_record)
            self.dashboard.backlog_panel.showBoard.connect(lambda: self.tabs.setCurrentIndex(TAB_BACKLOG))

        sb = self.statusBar()
        self.count_label = QLabel()
        self.profile_label = QLabel()
        self.user_label = QLabel()
        for w in (self.count_label, self.profile_label, self.user_label):
            w.setObjectName("statusItem")
            sb.addPermanentWidget(w)

        for seq, slot in ((QKeySequence("Ctrl+N"), self.new_registration),
                          (QKeySequence("Ctrl+F"), self.focus_search),
                          (QKeySequence("F5"), self.refresh),
                          (QKeySequence("Ctrl+W"), self.close_current_case)):
            sc = QShortcut(seq, self)
            sc.setContext(Qt.WindowShortcut)
            sc.activated.connect(slot)

        self._pending_refresh = WorkspaceTimer(self, ws, 100, self.refresh_data)
        # automatic backups (the app turns them on): a check every 10 minutes makes at most one a day,
        # and closing the window makes one; a read-only file (a CD) cannot change, so none of it
        # on a server the IT department backs up the database (README), not each seat
        self.auto_backup = auto_backup and self.db_path != ":memory:" and not getattr(ws, "read_only", False) \
            and not getattr(ws, "on_server", False)
        set_read_only(self.db_path, getattr(ws, "read_only", False))
        self._backup_timer = WorkspaceTimer(self, ws, AUTO_BACKUP_CHECK_MS, self._auto_backup, single_shot=False)
        if self.auto_backup:
            self._backup_timer.start()

        # other seats' work (and the CLI's on the same file) shows without a restart (ui/seats.py)
        self.watcher = ChangeWatcher(ws, self.backend, self)
        self.watcher.changed.connect(self.refresh_from_elsewhere)
        if self.backend is not None:
            self.watcher.start()

        self._build_menu()          # 文件 first, then the session's 账户 menu
        self.restore_columns()
        self.setup_session()
        self.apply_role_tabs()
        if self.tabs.isTabEnabled(TAB_DASHBOARD):
            self.dashboard.refresh()
        self.update_status(summary)

    def _app_title(self) -> str:
        user = self.ws.access.user
        who = "" if user.superuser else f" — {user.name}"
        ro = "（只读：只能查看和打印）" if getattr(self.ws, "read_only", False) else ""
        mark = "【演示数据库】" if self.demo else ""
        return f"{mark}{APP_TITLE} — {self.office_name}{who} — {self.db_path}{ro}"

    def apply_role_tabs(self) -> None:
        """Grey out what this user's roles cannot use (the services refuse it anyway), with the reason."""
        from ..domain.permissions import HANDLER
        from ..services.access import READ_CASES, REGISTER
        user = self.ws.access.user
        reads = user.superuser or READ_CASES.grants(user, None) or (HANDLER in user.roles and bool(user.unit))
        registers = self.ws.access.can(REGISTER)
        if hasattr(self, "clear_demo_action"):
            from ..services.demo_data import PURGE
            self.clear_demo_action.setEnabled(not self.demo and self.ws.access.can(PURGE))
        if not reads and self.tabs.currentIndex() in (TAB_DASHBOARD, TAB_LIST, TAB_REGISTER):
            self.tabs.setCurrentIndex(TAB_MEDIATION)
        for index, allowed, why in ((TAB_DASHBOARD, reads, "查看信访件需要登记员、承办、领导、纪检或管理员角色"),
                                    (TAB_LIST, reads, "查看信访件需要登记员、承办、领导、纪检或管理员角色"),
                                    (TAB_REGISTER, registers, "登记信访件需要“登记员”角色")):
            self.tabs.setTabEnabled(index, allowed)
            self.tabs.setTabToolTip(index, why if not allowed else TAB_TIPS.get(index, ""))

    def reset_for_user(self) -> None:
        """Another user logged in: close what the previous one opened, rebuild the pages on next visit."""
        self.actor = self.ws.access.actor(self.actor)
        for i in range(self.tabs.count() - 1, TAB_SETTINGS, -1):
            self.close_tab(i)
        self.dashboard.actor = self.case_list.actor = self.actor
        for attr, index, label in (("register_form", TAB_REGISTER, "登记"), ("settings", TAB_SETTINGS, "设置"),
                                   ("backlog", TAB_BACKLOG, "积案"), ("mediation", TAB_MEDIATION, "调解")):
            if getattr(self, attr) is not None:
                setattr(self, attr, None)
                self._replace_tab(index, QWidget(), label)
        self.apply_role_tabs()
        if self.tabs.isTabEnabled(TAB_DASHBOARD):
            self.tabs.setCurrentIndex(TAB_DASHBOARD)
        self.refresh_data()

    # ---- menu, window size ---------------------------------------------------------------------
    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("文件(&F)")
        self.open_demo_action = menu.addAction("打开演示数据库")
        self.open_demo_action.setToolTip("在新窗口中打开与正式数据分开的演示数据库（2,000 件虚构信访件）")
        self.open_demo_action.triggered.connect(self.open_demo)
        self.open_demo_action.setEnabled(not self.demo)
        from ..services.demo_data import PURGE
        self.clear_demo_action = menu.addAction("清除演示数据…")
        self.clear_demo_action.setToolTip("删除演示数据生成器放进本数据库的虚构信访件（管理员；先自动备份，记入账本）")
        self.clear_demo_action.triggered.connect(self.clear_demo)
        self.clear_demo_action.setEnabled(not self.demo and self.ws.access.can(PURGE))
        self.change_database_action = menu.addAction("更换数据库（本机 / 服务器）…")
        self.change_database_action.setToolTip("改用本机的另一个数据库文件，或连接单位的数据库服务器（程序将重新启动）")
        self.change_database_action.triggered.connect(self.change_database)
        self.change_database_action.setEnabled(not self.demo)
        menu.addSeparator()
        menu.addAction("退出", self.close)

    def change_database(self) -> bool:
        from .connect_dialog import change_database
        return change_database(self)

    def clear_demo(self):
        from .demo_purge import clear_demo
        return clear_demo(self)

    def open_demo(self) -> bool:
        """The demo database in its own window and process: it never mixes with this database."""
        import sys
        from .qt import QProcess
        return QProcess.startDetached(sys.executable, ["-m", "xinfang", "gui", "--demo"])[0]

    def show_sized(self) -> None:
        """Last size and position (QSettings); the first time, maximised to the screen's available area."""
        settings = _settings()
        geometry = settings.value("main/geometry")
        if geometry is not None and self.restoreGeometry(geometry):
            self.show()
            return
        screen = self.screen().availableGeometry() if self.screen() else None
        if screen is not None:
            self.setGeometry(screen)
        self.showMaximized()

    def save_layout(self) -> None:
        settings = _settings()
        settings.setValue("main/geometry", self.saveGeometry())
        header = self.case_list.view.horizontalHeader() if hasattr(self.case_list, "view") else None
        if header is not None:
            settings.setValue("list/header", header.saveState())

    def restore_columns(self) -> None:
        header = self.case_list.view.horizontalHeader() if hasattr(self.case_list, "view") else None
        state = _settings().value("list/header")
        if header is not None and state is not None:
            header.restoreState(state)

    # ---- navigation ----------------------------------------------------------------------------
    def _tab_changed(self, index: int) -> None:
        if not self.tabs.isTabEnabled(index):
            return
        if index == TAB_LIST and not self._list_loaded:
            self.load_list()
        elif index == TAB_REGISTER and self.register_form is None:
            self._make_register_form()
        elif index == TAB_SETTINGS and self.settings is None:
            self._make_settings()
        elif index == TAB_BACKLOG and self.backlog is None:
            self._make_backlog()
        elif index == TAB_MEDIATION and self.mediation is None:
            self._make_mediation()
        elif index == TAB_REPORTS and self.reports is None:
            self._make_reports()

    def load_list(self) -> None:
        self._list_loaded = True
        self.case_list.apply_filters()

    def show_list(self, preset: str = "") -> None:
        if preset:
            self._list_loaded = True
            self.case_list.show_preset(preset)
        self.tabs.setCurrentIndex(TAB_LIST)   # loads the unfiltered list the first time

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(TAB_LIST)
        self.case_list.focus_search()

    def new_registration(self) -> None:
        self.tabs.setCurrentIndex(TAB_REGISTER)
        if hasattr(self.register_form, "focus_first"):
            self.register_form.focus_first()

    def draft_path(self) -> str | None:
        """Where the 登记 form keeps typed input until it is saved (one file per database and user)."""
        if self.db_path == ":memory:":
            return None
        if getattr(self.ws, "on_server", False):     # not beside a file: in this PC's user folder
            import hashlib
            import platformdirs
            folder = os.path.join(platformdirs.user_data_dir("xinfang", appauthor=False), "drafts")
            os.makedirs(folder, exist_ok=True)
            key = hashlib.sha1(self.db_path.encode("utf-8")).hexdigest()[:12]
            return os.path.join(folder, f"server-{key}.draft-{self.actor}.json")
        return f"{self.db_path}.draft-{self.actor}.json"

    def recover_draft(self) -> bool:
        """After a crash: offer the registration that was being typed; True when it was put back."""
        path = self.draft_path()
        if not path or not os.path.exists(path):
            return False
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError) as exc:
            log.warning("unreadable draft %s: %s", path, exc)
            return False
        who = "、".join(p.get("name") or "" for p in data.get("petitioners") or [] if p.get("name")) or "未填姓名"
        if not self.ask("恢复未保存的登记", f"上次关闭前有一件未保存的登记（信访人：{who}；摘要：{data.get('summary') or '未填'}）。\n"
                                       "是否恢复到登记表中继续填写？\n选“否”将删除这份草稿。"):
            os.remove(path)
            return False
        self.tabs.setCurrentIndex(TAB_REGISTER)
        self.register_form.load(data)
        self.register_form.focus_first()
        return True

    def ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text, QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
        return answer == QMessageBox.Yes

    def ask_unsaved(self) -> str:
        """保存 / 放弃 / 取消 for typed but unsaved registration input: "save", "discard" or "cancel"."""
        box = QMessageBox(QMessageBox.Warning, "登记尚未保存", "登记表中有尚未保存的内容。", parent=self)
        box.setInformativeText("保存：登记这件信访件；放弃：丢弃已填写的内容；取消：回到登记表。")
        save = box.addButton("保存", QMessageBox.AcceptRole)
        discard = box.addButton("放弃", QMessageBox.DestructiveRole)
        cancel = box.addButton("取消", QMessageBox.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        return {save: "save", discard: "discard"}.get(box.clickedButton(), "cancel")

    def confirm_leave(self) -> bool:
        """Before closing, switching user, locking by hand or logging out: never lose typed input without asking."""
        form = self.register_form
        if form is None or not hasattr(form, "has_input") or not form.has_input():
            return True
        if getattr(self, "locked", False):
            # closed from the lock screen: whoever is there may not see or save the input; the draft file
            # keeps it and the next start offers it back to its user
            form.write_draft()
            return True
        self.tabs.setCurrentIndex(TAB_REGISTER)
        choice = self.ask_unsaved()
        if choice == "save":
            return form.save() is not None
        if choice == "discard":
            form.reset()
            form.discard_draft()
            return True
        form.focus_first()
        return False

    def _replace_tab(self, index: int, widget: QWidget, label: str) -> None:
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        old = self.tabs.widget(index)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, widget, label)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        if old is not None:
            old.deleteLater()

    def _make_register_form(self) -> None:
        try:
            from .register_form import RegisterForm
        except ImportError as exc:
            log.warning("register form not available: %s", exc)
            self.register_form = _placeholder("登记表单模块尚未安装")
            self._replace_tab(TAB_REGISTER, self.register_form, "登记")
            return
        self.register_form = RegisterForm(self.ws, self.actor, draft_path=self.draft_path())
        if hasattr(self.register_form, "saved"):
            self.register_form.saved.connect(self._registered)
        if hasattr(self.register_form, "open_case"):
            self.register_form.open_case.connect(self.open_case)
        self._replace_tab(TAB_REGISTER, self.register_form, "登记")
        self.tabs.setTabToolTip(TAB_REGISTER, "登记新的信访件（Ctrl+N）")
        if self.tabs.currentIndex() == TAB_REGISTER:
            self.register_form.focus_first()

    def _make_mediation(self) -> None:
        from .mediation.section import MediationSection
        self.mediation = MediationSection(self.ws, self.actor)
        self.mediation.openPetition.connect(self.open_case)
        self._replace_tab(TAB_MEDIATION, self.mediation, "调解")
        self.tabs.setTabToolTip(TAB_MEDIATION, "人民调解：调解工作台、纠纷列表、纠纷登记（Ctrl+Shift+N）")

    def open_dispute(self, row: int) -> None:
        """Show a dispute in the 调解 section (from a petition's 转人民调解 link)."""
        if self.mediation is None:
            self._make_mediation()
        self.tabs.setCurrentIndex(TAB_MEDIATION)
        self.mediation.open_dispute(row)

    def _make_settings(self) -> None:
        from .settings import SettingsScreen
        self.settings = SettingsScreen(self.ws, self.actor)
        self.settings.profileChanged.connect(lambda _: self.update_status())
        self.settings.holidaysImported.connect(lambda _: self._reference_changed())
        self.settings.categoriesChanged.connect(self._categories_changed)
        self.settings.backup.aboutToRestore.connect(self._before_restore)
        self.settings.backup.restored.connect(self._after_restore)
        self._replace_tab(TAB_SETTINGS, self.settings, "设置")

    def _make_backlog(self) -> None:
        from .backlog import BacklogScreen
        self.backlog = BacklogScreen(self.ws, self.actor)
        self.backlog.openRecord.connect(self.open_backlog_record)
        self.backlog.openCase.connect(self.open_case)
        self._replace_tab(TAB_BACKLOG, self.backlog, "积案")
        self.tabs.setTabToolTip(TAB_BACKLOG, "积案化解：交办批次、包案、候选、公开接访")
        self.backlog.refresh()

    def open_backlog_record(self, record_id: int) -> None:
        """A 积案 record as a closable tab (one tab per record)."""
        from .backlog import RecordDetail
        key = f"backlog:{record_id}"
        existing = self._case_tabs.get(key)
        if existing is not None and self.tabs.indexOf(existing) >= 0:
            self.tabs.setCurrentIndex(self.tabs.indexOf(existing))
            return
        detail = RecordDetail(self.ws, self.actor, record_id)
        detail.changed.connect(lambda _=None: self.schedule_refresh())
        detail.open_case.connect(self.open_case)
        detail.setProperty("case_uuid", key)
        self._case_tabs[key] = detail
        self._add_closable_tab(detail, f"积案 {record_id}", f"积案 {record_id}：{detail.record.get('case', '')}（Ctrl+W 关闭）")

    def _make_reports(self) -> None:
        from .reports import ReportScreen
        self.reports = ReportScreen(self.ws, self.actor, self.db_path)
        self.reports.openCase.connect(self.open_case)
        self.reports.openDispute.connect(self.open_dispute)
        self._replace_tab(TAB_REPORTS, self.reports, "报表")
        self.tabs.setTabToolTip(TAB_REPORTS, "月报、季报、年报：统计表、图表，点击数字查看案件，导出 PDF/XLSX")

    def _categories_changed(self) -> None:
        if self.register_form is not None and hasattr(self.register_form, "reload_categories"):
            self.register_form.reload_categories()
        self._reference_changed()

    def _reference_changed(self) -> None:
        if self.backend is not None:
            self.backend.reopen()
        self.schedule_refresh()

    def _registered(self, case_id: str) -> None:
        # the case opens in a tab behind; the clerk stays on the blank form, cursor in its first field
        self.schedule_refresh()
        self.open_case(case_id, activate=False)
        self.statusBar().showMessage("已登记，案件已在新标签页打开；可继续登记下一件", 5000)
        self.tabs.setCurrentIndex(TAB_REGISTER)
        self.register_form.focus_first()

    # ---- cases ---------------------------------------------------------------------------------
    def open_case(self, key, activate: bool = True) -> None:
        case = self.ws.case(key)
        uid = case.id
        existing = self._case_tabs.get(uid)
        if existing is not None:
            i = self.tabs.indexOf(existing)
            if i >= 0:
                self.tabs.setCurrentIndex(i)
                return
        try:
            from .case_detail import CaseDetail
        except ImportError as exc:
            log.warning("case detail not available: %s", exc)
            detail = _placeholder(f"{case.number}\n{case.draft.summary}\n\n（案件详情模块尚未安装）")
        else:
            detail = CaseDetail(self.ws, self.actor, uid)
            if hasattr(detail, "changed"):
                detail.changed.connect(lambda _=None: self.schedule_refresh())
            if hasattr(detail, "open_case"):      # a link to a 重复件
                detail.open_case.connect(self.open_case)
            if hasattr(detail, "open_backlog"):   # 积案 of this case
                detail.open_backlog.connect(self.open_backlog_record)
            if hasattr(detail, "open_dispute"):   # 访调对接: the linked dispute
                detail.open_dispute.connect(self.open_dispute)
        detail.setProperty("case_uuid", uid)
        self._case_tabs[uid] = detail
        self._add_closable_tab(detail, case.number, f"{case.number} {case.draft.summary}（Ctrl+W 关闭）", activate)

    def _add_closable_tab(self, detail: QWidget, label: str, tip: str, activate: bool = True) -> None:
        i = self.tabs.addTab(detail, label)
        self.tabs.setTabToolTip(i, tip)
        close = QToolButton()
        close.setObjectName("tabClose")
        close.setText("×")
        close.setToolTip("关闭（Ctrl+W）")
        close.setAutoRaise(True)
        close.clicked.connect(lambda _=False, d=detail: self.close_tab(self.tabs.indexOf(d)))
        self.tabs.tabBar().setTabButton(i, QTabBar.RightSide, close)
        if activate:
            self.tabs.setCurrentIndex(i)

    def close_tab(self, index: int) -> None:
        if index <= TAB_SETTINGS:
            return
        w = self.tabs.widget(index)
        uid = w.property("case_uuid") if w is not None else None
        self.tabs.removeTab(index)
        if uid:
            self._case_tabs.pop(uid, None)
        if w is not None:
            w.deleteLater()

    def close_current_case(self) -> None:
        self.close_tab(self.tabs.currentIndex())

    def closeEvent(self, event) -> None:
        if not self.confirm_leave():
            event.ignore()
            return
        self.save_layout()
        self._stop_timers()
        self.stop_session()
        if self.backend is not None:
            self.backend.stop()
        if self.auto_backup and not self.ws.closed:
            backup_on_close(self, self.db_path)
        super().closeEvent(event)

    def _stop_timers(self) -> None:
        stop_timers(self)   # every WorkspaceTimer under the window, the 登记 form's included (F7)
        if self.mediation is not None:
            self.mediation.stop_timers()
        if self.reports is not None:
            self.reports.stop_timers()       # a report still being computed: cancel and wait for it

    # ---- backups -------------------------------------------------------------------------------
    def _auto_backup(self) -> None:
        if is_server_url(self.db_path):      # a server is backed up by its administrator (server_backups.py)
            return
        run_task(lambda ws, ctx: ws.backups.auto(), self.db_path,
                 on_failed=lambda m: self.statusBar().showMessage(f"自动备份失败：{m}", 10_000))

    def _before_restore(self) -> None:
        """The database file is about to be replaced: no reader of this window may keep it open."""
        self._stop_timers()
        if self.backend is not None:
            self.backend.stop()
        wait_all()

    def _after_restore(self, _result: dict) -> None:
        """Every screen shows the restored database: case tabs close, the form and lists reload."""
        for index in range(self.tabs.count() - 1, TAB_SETTINGS, -1):
            self.close_tab(index)
        if self.register_form is not None:
            self.register_form = None
            self._make_register_form()
        if self.auto_backup:
            self._backup_timer.start()
        if self.backend is not None:
            self.watcher.start()
        self.schedule_refresh()

    # ---- refresh -------------------------------------------------------------------------------
    def schedule_refresh(self) -> None:
        self._pending_refresh.start()

    def refresh_from_elsewhere(self) -> None:
        """Someone else saved something: the 工作台 and the case list re-read what they show (the list only its
        visible window, and a row being edited or selected stays where it is); open case tabs are left alone
        (saving from a stale one is refused with 本件已被他人更新)."""
        if self.ws.closed or not self.tabs.isTabEnabled(TAB_DASHBOARD):
            return
        self.dashboard.refresh()
        if self._list_loaded:
            self.case_list.model.refresh_visible()
        if self.backend is None:
            self.update_status()
        else:                           # the case count (a count(*) at 1M) off the GUI thread
            self.backend.submit(lambda w: w.summary(), on_done=self._status_arrived)

    def _status_arrived(self, summary: dict) -> None:
        if not self.ws.closed:
            self.update_status(summary)

    def refresh_data(self) -> None:
        self.watcher.seen()
        if not self.tabs.isTabEnabled(TAB_DASHBOARD):    # this user reads no petitions (e.g. 调解员 only)
            self.update_status()
            return
        self.dashboard.refresh()
        if self._list_loaded:
            self.case_list.refresh()
        if self.settings is not None:
            self.settings.refresh()
        if self.backlog is not None:
            self.backlog.refresh()
        self.update_status()

    def refresh(self) -> None:
        """F5: re-read everything that is shown."""
        w = self.tabs.currentWidget()
        if self.tabs.currentIndex() > TAB_SETTINGS and hasattr(w, "refresh"):
            w.refresh()
        self.refresh_data()
        self.statusBar().showMessage("已刷新", 2000)

    def _visible_count_text(self, total: int) -> str:
        """The cases this user may see: a 承办 user its unit's, a unit's users without the accusations against it;
        nothing for a user who reads no petitions (a 调解员 only)."""
        if self.ws.access.user.superuser:
            return f"共 {total:,} 件信访件"
        try:
            return f"共 {self.ws.count():,} 件信访件"
        except DomainError:
            return ""

    def update_status(self, summary: dict | None = None) -> None:
        s = summary or self.ws.summary()
        self.count_label.setText(self._visible_count_text(s.get("cases", 0)))
        self.profile_label.setText(f"期限方案：{s.get('profile', '')}")

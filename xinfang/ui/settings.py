"""设置: the tabs — 节假日 (holidays_page.py), the deadline profile, the category dictionary, the 谁主管谁负责 pages
(routing package) and what this database holds."""
from __future__ import annotations

from ..domain.enums import Step
from .categories_page import CategoryPage
from .integrity_page import IntegrityPage
from .backup_page import BackupPage
from .holidays_page import SAMPLE_CSV, HolidayPage, dry_run_holidays, year_ranges
from .qt import (QAbstractItemView, QComboBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QPushButton, Qt,
                 QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget, Signal)
from .routing.chain_page import ChainPage
from .routing.rules_page import RulesPage
from .routing.trial_page import TrialPage
from .routing.units_page import UnitsPage
from .widgets import hint_label


class ProfilePage(QWidget):
    profileChanged = Signal(str)

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.actor = actor
        self.current = QLabel()
        self.current.setObjectName("sectionTitle")
        self.combo = QComboBox()
        for p in ws.profiles():
            self.combo.addItem(p.name, p.code)
        self.combo.currentIndexChanged.connect(self.show_profile)
        self.apply_btn = QPushButton("设为当前方案")
        self.apply_btn.setObjectName("primary")
        self.apply_btn.clicked.connect(self.apply)
        top = QHBoxLayout()
        top.addWidget(QLabel("期限方案："))
        top.addWidget(self.combo, 1)
        top.addWidget(self.apply_btn)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["环节", "期限", "末日遇节假日"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.setColumnWidth(0, 150)
        self.table.setColumnWidth(2, 130)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("note")
        self.note.setTextInteractionFlags(Qt.TextSelectableByMouse)
        hint = QLabel("更换方案只影响此后开始计算的期限，已在计算中的期限不变。")
        hint.setObjectName("hint")
        lay = QVBoxLayout(self)
        lay.addWidget(self.current)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(QLabel("说明"))
        lay.addWidget(self.note)
        lay.addWidget(hint)
        self.refresh()

    def refresh(self) -> None:
        prof = self.ws.profile
        self.current.setText(f"当前期限方案：{prof.name}")
        i = self.combo.findData(prof.code)
        if i >= 0:
            self.combo.setCurrentIndex(i)
        self.show_profile()

    def selected(self):
        code = self.combo.currentData()
        return next((p for p in self.ws.profiles() if p.code == code), None)

    def show_profile(self, *_) -> None:
        prof = self.selected()
        if prof is None:
            return
        self.table.setRowCount(len(Step))
        for r, step in enumerate(Step):
            pol = prof.policy(step)
            roll = "顺延至下一工作日" if (pol.roll_forward and pol.unit == "calendar") else "—"
            for c, v in enumerate((step.label, pol.describe, roll)):
                self.table.setItem(r, c, QTableWidgetItem(v))
        self.note.setText(prof.note or "（无说明）")
        self.apply_btn.setEnabled(prof.code != self.ws.profile.code)

    def apply(self) -> None:
        prof = self.selected()
        if prof is None:
            return
        self.ws.set_profile(prof.code, self.actor)
        self.refresh()
        self.profileChanged.emit(prof.name)


class InfoPage(QWidget):
    def __init__(self, ws, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.form = QFormLayout(self)
        self.labels: dict[str, QLabel] = {}
        for key, label in (("office_name", "本单位"), ("db", "数据库文件"), ("cases", "信访件"),
                           ("units", "单位目录"), ("categories", "类别"), ("holidays", "节假日记录"),
                           ("rule_version", "权责清单版本"), ("profile", "期限方案")):
            w = QLabel()
            w.setTextInteractionFlags(Qt.TextSelectableByMouse)
            w.setWordWrap(True)
            self.labels[key] = w
            self.form.addRow(label + "：", w)
        self.refresh()

    def refresh(self) -> None:
        s = self.ws.summary()
        for key, w in self.labels.items():
            v = s.get(key, "")
            w.setText(f"{v:,}" if isinstance(v, int) and key != "rule_version" else str(v))


class SettingsScreen(QWidget):
    profileChanged = Signal(str)
    holidaysImported = Signal(int)
    categoriesChanged = Signal()

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.holidays = HolidayPage(ws, actor)
        self.profile = ProfilePage(ws, actor)
        self.categories = CategoryPage(ws, actor)
        self.info = InfoPage(ws)
        self.units = UnitsPage(ws, actor)
        self.rules = RulesPage(ws, actor)
        self.trial = TrialPage(ws, actor)
        self.chain = ChainPage(ws, actor)
        from .reports.settings_page import ReportSettingsPage
        self.report_settings = ReportSettingsPage(ws, actor)
        self.backup = BackupPage(ws, actor)
        from .mediation.settings_page import MediationSettingsPage
        self.mediation = MediationSettingsPage(ws, actor)
        self.tabs.addTab(self.holidays, "节假日")
        self.tabs.addTab(self.profile, "期限方案")
        self.tabs.addTab(self.categories, "信访事项类别")
        self.tabs.addTab(self.units, "单位目录")
        self.tabs.addTab(self.rules, "权责清单")
        self.tabs.addTab(self.trial, "分办试算")
        self.tabs.addTab(self.chain, "分办原则")
        self.tabs.addTab(self.report_settings, "报表与文书")
        self.tabs.addTab(self.backup, "备份与恢复")
        self.tabs.addTab(self.mediation, "人民调解")
        self.tabs.addTab(self.info, "本库信息")
        self.users = self.access_log = None
        from ..services.access import AUDIT, USERS
        if ws.access.can(USERS):          # 管理员 only: the pages read accounts and the access log
            from .users_page import AccessLogPage, UsersPage
            self.users = UsersPage(ws)
            self.access_log = AccessLogPage(ws)
            self.tabs.addTab(self.users, "用户管理")
        if ws.access.can(AUDIT) and self.access_log is not None:
            self.tabs.addTab(self.access_log, "访问记录")
        self.integrity = IntegrityPage(ws)
        self.tabs.addTab(self.integrity, "数据完整性")
        for page in (self.units, self.rules, self.chain, self.categories):
            page.changed.connect(self.info.refresh)
        self.categories.changed.connect(self.categoriesChanged)
        self.units.changed.connect(self.trial.refresh)
        self.units.changed.connect(self.rules.refresh)
        self.profile.profileChanged.connect(self.profileChanged)
        self.holidays.imported.connect(self.holidaysImported)
        title = QLabel("设置")
        title.setObjectName("pageTitle")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 14, 16, 12)
        lay.addWidget(title)
        lay.addWidget(self.tabs, 1)

    def refresh(self) -> None:
        self.holidays.refresh()
        self.profile.refresh()
        self.categories.refresh()
        for page in (self.units, self.rules, self.trial, self.chain):
            page.refresh()
        self.backup.refresh()
        self.info.refresh()
        self.mediation.refresh()
        for page in (self.users, self.access_log):
            if page is not None:
                page.refresh()
        self.integrity.refresh()



__all__ = ["CategoryPage", "HolidayPage", "InfoPage", "ProfilePage", "SAMPLE_CSV", "SettingsScreen", "dry_run_holidays",
           "year_ranges"]

"""设置 → 备份与恢复: the backups folder, the list of copies (date, kind, size, cases, verified state), 立即备份,
校验, 恢复 with confirmation. The work runs off the GUI thread behind a progress dialog (workers.py)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..domain.problems import DomainError
from ..services.access import BACKUP
from ..services.server_backups import RESTORE_HOW, WHO_BACKS_UP
from ..services.workspace import is_server_url
from .qt import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox,
                 QPushButton, Qt, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, Signal)
from .widgets import BANNER_STYLES, file_size_text, hint_label
from .workers import run_with_progress

COLUMNS = ("备份时间", "类型", "大小", "信访件", "校验", "文件")
HINT = ("程序关闭时、以及打开期间每天一次，会自动备份到下面的文件夹；自动备份保留最近 7 天每天一份、最近 4 周每周一份。"
        "手动、升级前、恢复前的备份不会自动删除。备份放在本机硬盘上防不了硬盘损坏：请把备份文件夹设在第二块硬盘或 U 盘，"
        "或定期把备份（.db 和同名 .json）复制出去，并不时做一次恢复演练。")


SERVER_HINT = ("服务器数据库的备份文件是 pg_dump 自定义格式（.dump）和同名的备份清单（.json，记录各表行数和账本锚点）；"
               "每次备份后会读出全部数据逐表核对行数。")
READ_ONLY_REASON = ("数据库以只读方式打开（文件或所在文件夹不可写）：可以校验备份、把当前数据库备份到可写的位置；"
                    "不能恢复，也不能更改备份文件夹，也不做自动备份。")


def _verified_text(verified: dict | None) -> tuple[str, str]:
    """(text, banner style) of a copy's last verification."""
    if not verified:
        return "未校验", ""
    at = verified.get("at", "")[:16].replace("T", " ")
    if verified.get("ok"):
        return f"通过（{at}）", "ok"
    return f"未通过（{at}）：{'；'.join(verified.get('problems') or [])}", "error"


def _progress(ctx):
    return lambda done, total, text: ctx.report(done, total, text)


def _acting(ws, user) -> None:
    """A worker opens its own Workspace: it acts as the user logged in to the window."""
    if not user.superuser:
        ws.access.enter(user)


class BackupPage(QWidget):
    """``aboutToRestore`` is emitted before the database file is replaced (stop everything that reads it);
    ``restored`` after the Workspace was reopened on the restored file (reload every screen)."""

    aboutToRestore = Signal()
    restored = Signal(dict)

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        self.items: list[dict] = []
        self.task = None

        self.folder = QLineEdit()
        self.folder.setReadOnly(True)
        self.change_btn = QPushButton("更改文件夹…")
        self.change_btn.clicked.connect(self.choose_folder)
        self.default_btn = QPushButton("恢复默认")
        self.default_btn.setToolTip("数据库所在文件夹下的 backups")
        self.default_btn.clicked.connect(lambda: self.set_folder(""))
        top = QHBoxLayout()
        self.folder_label = QLabel("备份文件夹：")
        top.addWidget(self.folder_label)
        top.addWidget(self.folder, 1)
        top.addWidget(self.change_btn)
        top.addWidget(self.default_btn)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        header = self.table.horizontalHeader()
        for col, width in enumerate((150, 70, 80, 80, 220)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _: self.verify_selected())

        self.backup_btn = QPushButton("立即备份")
        self.backup_btn.setObjectName("primary")
        self.backup_btn.clicked.connect(self.backup_now)
        self.verify_btn = QPushButton("校验所选")
        self.verify_btn.clicked.connect(self.verify_selected)
        self.restore_btn = QPushButton("从所选备份恢复…")
        self.restore_btn.clicked.connect(self.restore_selected)
        self.restore_file_btn = QPushButton("从其他备份文件恢复…")
        self.restore_file_btn.clicked.connect(self.restore_from_file)
        buttons = QHBoxLayout()
        for b in (self.backup_btn, self.verify_btn, self.restore_btn, self.restore_file_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)

        self.read_only_note = QLabel(READ_ONLY_REASON)
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setStyleSheet(BANNER_STYLES["warn"])
        self.read_only_note.setVisible(False)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.banner.setVisible(False)

        lay = QVBoxLayout(self)
        self.server = bool(getattr(ws.backups, "server", False))
        lay.addLayout(top)
        if self.server:     # the server's administrator backs it up; a seat can make a manual dump only
            self.folder_label.setText("本机手动备份文件夹：")
            self.server_note = QLabel(WHO_BACKS_UP)
            self.server_note.setWordWrap(True)
            self.server_note.setStyleSheet(BANNER_STYLES["warn"])
            lay.addWidget(self.server_note)
            lay.addWidget(hint_label(SERVER_HINT + RESTORE_HOW + "。"))
            for w in (self.change_btn, self.default_btn, self.restore_btn, self.restore_file_btn):
                w.setVisible(False)
        else:
            lay.addWidget(hint_label(HINT))
        lay.addWidget(self.read_only_note)
        lay.addLayout(buttons)
        lay.addWidget(self.banner)
        lay.addWidget(self.table, 1)
        self.refresh()

    # ---- showing -----------------------------------------------------------------------------------------
    @property
    def db_path(self) -> str:
        return self.ws.store.path

    def refresh(self) -> None:
        if not self.ws.access.can(BACKUP):
            self.items = []
            self.table.setRowCount(0)
            self.folder.setText(str(self.ws.backups.folder()) if self.db_path != ":memory:" else "")
            for w in (self.change_btn, self.default_btn, self.backup_btn, self.verify_btn, self.restore_btn,
                      self.restore_file_btn):
                w.setEnabled(False)
            self.show_banner("备份与恢复需要“管理员”角色。" + ("服务器数据库由服务器管理员每日备份。" if self.server else
                             "程序关闭时和每天一次的自动备份照常进行。"), "warn")
            return
        if self.db_path == ":memory:":
            self.folder.setText("（内存数据库，无法备份）")
            self.items = []
            for w in (self.change_btn, self.default_btn, self.backup_btn, self.restore_file_btn):
                w.setEnabled(False)
        else:
            self.folder.setText(str(self.ws.backups.folder()))
            self.items = self.ws.backups.list()
            for w in (self.change_btn, self.default_btn, self.backup_btn, self.restore_file_btn):
                w.setEnabled(True)
        if self.ws.read_only:
            for w in (self.change_btn, self.default_btn, self.restore_file_btn):
                w.setEnabled(False)
                w.setToolTip(READ_ONLY_REASON)
            self.backup_btn.setText("立即备份到…")
        self.read_only_note.setVisible(self.ws.read_only)
        self.table.setRowCount(len(self.items))
        for r, b in enumerate(self.items):
            verified, style = _verified_text(b.get("verified"))
            cases = b.get("cases")
            values = (b["created_at"].replace("T", " "), b["kind_label"], file_size_text(b["size"]),
                      f"{cases:,}" if isinstance(cases, int) else "—", verified, b["name"])
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setToolTip(b["file"] if c == len(values) - 1 else v)
                if c == 4 and style == "error":
                    item.setForeground(Qt.GlobalColor.darkRed)
                elif c == 4 and style == "ok":
                    item.setForeground(Qt.GlobalColor.darkGreen)
                self.table.setItem(r, c, item)
        self._selection_changed()

    def show_banner(self, text: str, kind: str = "ok") -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(BANNER_STYLES[kind])
        self.banner.setVisible(bool(text))

    def selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        has = self.selected() is not None
        self.verify_btn.setEnabled(has)
        self.restore_btn.setEnabled(has and not self.ws.read_only)

    # ---- the folder --------------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "选择备份文件夹（建议第二块硬盘或 U 盘）", self.folder.text())
        if chosen:
            self.set_folder(chosen)

    def set_folder(self, folder: str) -> None:
        try:
            path = self.ws.backups.set_folder(folder, self.actor)
        except DomainError as exc:
            self.show_banner(exc.message, "error")
            return
        self.show_banner(f"备份文件夹已设为：{path}", "ok")
        self.refresh()

    # ---- work --------------------------------------------------------------------------------------------
    def backup_now(self) -> None:
        user = self.ws.access.user
        out = None
        if self.ws.read_only:       # the folder beside a read-only file cannot take it either: ask where
            suggested = str(Path.home() / Path(self.db_path).with_suffix("").name) + \
                f"-{datetime.now():%Y%m%d-%H%M%S}-manual.db"
            out, _ = QFileDialog.getSaveFileName(self, "备份到（选择可写的位置，如 U 盘）", suggested, "数据库备份 (*.db)")
            if not out:
                return

        def work(ws, ctx):
            _acting(ws, user)
            return ws.backups.create(out=out, progress=_progress(ctx))

        def done(made: dict) -> None:
            self.show_banner(f"已备份：{made['file']}（{made['cases']:,} 件，{file_size_text(made['size'])}）", "ok")
            self.refresh()
        self.task = run_with_progress(self, "立即备份", work, self.db_path, label="正在备份…", cancellable=False,
                                      on_done=done, on_failed=lambda m: self.show_banner(m, "error"))

    def verify_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        self.verify(chosen["file"])

    def verify(self, file: str) -> None:
        user = self.ws.access.user

        def work(ws, ctx):
            _acting(ws, user)
            return ws.backups.verify(file, _progress(ctx))

        def done(report: dict) -> None:
            name = Path(file).name
            if report["ok"] and "tables" in report:        # a server's dump: decoded in full, rows counted
                self.show_banner(f"校验通过：{name}（{report.get('cases', 0):,} 件，数据可完整读出，各表行数与备份清单一致）",
                                 "ok")
            elif report["ok"]:
                self.show_banner(f"校验通过：{name}（{report.get('cases', 0):,} 件，完整性正常，每条事件链完好）", "ok")
            else:
                self.show_banner(f"校验未通过：{name}\n" + "\n".join(report["problems"]), "error")
            self.refresh()
        self.task = run_with_progress(self, "校验备份", work, self.db_path, label="正在校验…", cancellable=False,
                                      on_done=done, on_failed=lambda m: self.show_banner(m, "error"))

    def restore_selected(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.restore(chosen["file"], chosen)

    def restore_from_file(self) -> None:
        file, _ = QFileDialog.getOpenFileName(self, "选择要恢复的备份文件", self.folder.text(), "数据库备份 (*.db);;所有文件 (*)")
        if file:
            self.restore(file, None)

    def confirm_restore(self, file: str, entry: dict | None) -> bool:
        when = entry["created_at"].replace("T", " ") if entry else \
            datetime.fromtimestamp(Path(file).stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        cases = f"，{entry['cases']:,} 件" if entry and isinstance(entry.get("cases"), int) else ""
        answer = QMessageBox.question(
            self, "从备份恢复",
            f"将用 {when} 的备份{cases}替换当前数据库：\n{file}\n\n"
            "恢复前会先校验备份；当前数据库会另存为“恢复前”备份。此后登记、办理的记录将以备份为准。\n\n确定恢复吗？",
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes

    def restore(self, file: str, entry: dict | None) -> None:
        if not self.confirm_restore(file, entry):
            return
        user = self.ws.access.user
        self.aboutToRestore.emit()
        self.ws.close()     # no connection of this window may stay on the file being replaced

        def work(ws, ctx):
            _acting(ws, user)
            return ws.backups.restore(file, _progress(ctx))

        def finished(result: dict | None, message: str = "") -> None:
            self.ws.reopen()
            if result is None:
                self.show_banner(message, "error")
                self.refresh()
                return
            self.show_banner(f"已恢复：{Path(file).name}（{result['cases']:,} 件）。恢复前的数据库已另存为 "
                             f"{Path(result['previous_saved_as']).name}", "ok")
            self.refresh()
            self.restored.emit(result)
        self.task = run_with_progress(self, "从备份恢复", work, self.db_path, label="正在校验备份…",
                                      cancellable=False, on_done=finished,
                                      on_failed=lambda m: finished(None, m))


def backup_on_close(parent, db_path: str) -> None:
    """The automatic copy made when the window closes, behind a progress dialog (large files take a while)."""
    from .workers import wait_for
    if is_server_url(db_path):          # a server is backed up by its administrator, not by each seat
        return

    def work(ws, ctx):
        return ws.backups.auto(closing=True, progress=_progress(ctx))
    task = run_with_progress(parent, "自动备份", work, db_path, label="正在自动备份…", cancellable=False,
                             show_after_ms=500,
                             on_failed=lambda m: QMessageBox.warning(parent, "自动备份", f"自动备份失败：{m}"))
    wait_for(task)

"""设置 › 节假日: import the holiday CSV with a preview (per-row errors, years covered) and warn about years
without holiday data."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from .guard import guarded
from ..services.errors import user_message
from ..services.files import read_text_file
from ..services import Workspace
from .qt import (QAbstractItemView, QColor, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem,
                 QMessageBox, QPlainTextEdit, QPushButton, QSplitter, Qt, QTableWidget, QTableWidgetItem, QVBoxLayout,
                 QWidget, Signal)
from .widgets import hint_label
from .workers import run_with_progress

SAMPLE_CSV = "date,kind,name\n2027-01-01,休,元旦\n2027-02-06,休,春节\n2027-02-14,班,春节调休上班\n"
_LINE = re.compile(r"^第(\d+)行")
ERROR_BG = QColor("#fde8e7")


def year_ranges(years) -> str:
    """(2004, 2005, 2006, 2010) → '2004–2006、2010'."""
    years = sorted(set(years))
    if not years:
        return "无"
    out, start, prev = [], years[0], years[0]
    for y in years[1:] + [None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        out.append(f"{start}–{prev}" if prev != start else f"{start}")
        if y is not None:
            start = prev = y
    return "、".join(out)


def dry_run_holidays(text: str) -> tuple[int, list[str], tuple[int, ...]]:
    """Check a holiday CSV without touching the real database: (good rows, errors, years in the file).

    Runs the same service call on a throwaway in-memory workspace."""
    scratch = Workspace.open(":memory:", seed_reference=False)
    try:
        n, problems = scratch.import_holidays(text, "preview", accept_partial=True)
        years = tuple(scratch.calendar.covered_years()) if n else ()
        return n, list(problems), years
    finally:
        scratch.close()


class HolidayPage(QWidget):
    imported = Signal(int)

    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.actor = actor
        self.errors: list[str] = []
        self.good = 0
        self.file_years: tuple[int, ...] = ()

        self.coverage = QLabel()
        self.coverage.setObjectName("sectionTitle")
        self.coverage.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setObjectName("warningBanner")
        self.warning.setWordWrap(True)
        help_ = hint_label("导入格式：CSV 文件，每行“日期,类型,名称”，类型为“休”（放假）或“班”（调休上班），"
                           "日期写作 2027-01-01 或 2027/1/1。可以选择文件，也可以直接把内容粘贴到下面。")

        self.choose = QPushButton("选择 CSV 文件…")
        self.choose.clicked.connect(self.choose_file)
        self.check_btn = QPushButton("检查")
        self.check_btn.clicked.connect(self.preview)
        self.import_btn = QPushButton("导入")
        self.import_btn.setObjectName("primary")
        self.import_btn.setEnabled(False)
        self.import_btn.clicked.connect(self.do_import)
        self.file_label = QLabel("")
        self.file_label.setObjectName("hint")
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose)
        buttons.addWidget(self.file_label, 1)
        buttons.addWidget(self.check_btn)
        buttons.addWidget(self.import_btn)

        self.text = QPlainTextEdit()
        self.text.setObjectName("csvText")
        self.text.setPlaceholderText(SAMPLE_CSV)
        self.text.textChanged.connect(self._text_changed)

        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["行号", "日期", "类型", "名称", "检查结果"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.Stretch)
        for col, w in enumerate((56, 110, 56, 130)):
            self.table.setColumnWidth(col, w)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.result = QLabel("")
        self.result.setObjectName("result")
        self.result.setWordWrap(True)
        self.result.hide()
        self.error_list = QListWidget()
        self.error_list.setObjectName("errorList")

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(QLabel("预览"))
        rl.addWidget(self.table, 3)
        rl.addWidget(self.summary)
        rl.addWidget(QLabel("错误（这些行不会导入）"))
        rl.addWidget(self.error_list, 1)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(QLabel("CSV 内容"))
        ll.addWidget(self.text)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)

        lay = QVBoxLayout(self)
        lay.addWidget(self.coverage)
        lay.addWidget(self.warning)
        lay.addWidget(help_)
        lay.addLayout(buttons)
        lay.addWidget(self.result)
        lay.addWidget(split, 1)
        self.refresh()

    def refresh(self) -> None:
        cal = self.ws.calendar
        years = tuple(cal.covered_years())
        self.coverage.setText(f"已有法定节假日数据的年份：{year_ranges(years)}")
        this = self.ws.now().date().year
        missing = [y for y in range(this - 1, this + 2) if not cal.has_data(y)]
        if missing:
            self.warning.setText(
                f"注意：{'、'.join(f'{y} 年' for y in missing)}没有节假日数据。落在这些年份的期限暂按“仅周末休息”计算，"
                "春节、国庆等假期和调休上班日都不会被考虑。请导入国务院办公厅公布的当年放假安排。")
            self.warning.show()
        else:
            self.warning.hide()

    @guarded
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择节假日 CSV 文件", "", "CSV 文件 (*.csv *.txt);;所有文件 (*)")
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> None:
        try:
            text = read_text_file(path)
        except Exception as exc:   # noqa: BLE001 - told in Chinese (services.errors), traceback to the log
            QMessageBox.warning(self, "导入节假日", user_message(exc))
            return
        self.file_label.setText(Path(path).name)
        self.text.setPlainText(text)
        self.preview()

    def _text_changed(self) -> None:
        self.import_btn.setEnabled(False)
        self.result.hide()

    def preview(self) -> None:
        text = self.text.toPlainText()
        self.good, self.errors, self.file_years = dry_run_holidays(text) if text.strip() else (0, [], ())
        by_line: dict[int, str] = {}
        for e in self.errors:
            m = _LINE.match(e)
            if m:
                by_line.setdefault(int(m.group(1)), e.split("：", 1)[-1])
        self.table.setRowCount(0)
        reader = csv.reader(io.StringIO(text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")))
        rows = []
        start = 1
        try:
            for rec in reader:
                line = start
                start = reader.line_num + 1
                cells = [c.strip()[:200] for c in rec]
                if not any(cells):
                    continue
                rows.append((line, cells))
        except csv.Error:      # the service's check names this line in the problems list
            pass
        self.table.setRowCount(len(rows))
        for r, (line, cells) in enumerate(rows):
            problem = by_line.get(line, "")
            is_header = r == 0 and cells and cells[0].lower() in ("date", "日期")
            result = problem or ("表头" if is_header else "正确")
            values = [str(line), *(cells + ["", "", ""])[:3], result]
            for c, v in enumerate(values):
                item = QTableWidgetItem(v)
                if problem:
                    item.setBackground(ERROR_BG)
                    if c == 4:
                        item.setForeground(QColor("#b3261e"))
                self.table.setItem(r, c, item)
        self.error_list.clear()
        for e in self.errors:
            item = QListWidgetItem(e)
            item.setForeground(QColor("#b3261e"))
            self.error_list.addItem(item)
        if not text.strip():
            self.summary.setText("")
        else:
            years = year_ranges(self.file_years) if self.file_years else "无"
            self.summary.setText(f"可导入 {self.good} 条，涉及年份：{years}；"
                                 + (f"<span style='color:#b3261e'>{len(self.errors)} 行有错误</span>"
                                    if self.errors else "没有错误"))
        self.import_btn.setEnabled(self.good > 0)

    @guarded
    def do_import(self) -> None:
        text = self.text.toPlainText()
        if not text.strip():
            return
        partial = False
        if self.errors:
            answer = QMessageBox.question(
                self, "导入节假日",
                f"有 {len(self.errors)} 行有错误，不会导入。\n是否只导入正确的 {self.good} 条？",
                QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
            if answer != QMessageBox.Yes:
                return
            partial = True
        db = str(self.ws.summary()["db"])
        actor = self.actor

        def work(ws, ctx):
            ctx.report(0, 0, "正在导入节假日并重新计算在办案件和矛盾纠纷的期限…")
            return ws.import_holidays(text, actor, accept_partial=partial)

        if db == ":memory:":   # tests and scratch databases: no second connection possible
            self._done(self.ws.import_holidays(text, actor, accept_partial=partial))
            return
        run_with_progress(self, "导入节假日", work, db, label="正在导入节假日…", cancellable=False,
                          on_done=self._done)

    def _done(self, result) -> None:
        n, problems = result
        self.ws.reload_calendar()   # the import ran on the worker's connection
        self.refresh()
        if n:
            self.result.setStyleSheet("color: #137333;")
            self.result.show()
            self.result.setText(f"已导入 {n} 条节假日数据，在办案件的期限已按新日历重新计算。")
            self.imported.emit(n)
        else:
            self.result.setStyleSheet("color: #b3261e;")
            self.result.show()
            self.result.setText("没有导入任何数据：" + "；".join(problems[:5]))


"""报表: choose a period and a scope, see the summary, tables and charts as they print (computed off the
GUI thread with a progress bar), click any number to see its cases, save the PDF or XLSX, open the PDF."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from ...domain.periods import Period, cumulative, month_end, quarter
from ...domain.problems import DomainError
from ..qt import (QByteArray, QComboBox, QDate, QDateEdit, QDesktopServices, QFileDialog, QFrame, QHBoxLayout,
                  QLabel, QProgressBar, QPushButton, QScrollArea, QSpinBox, QSvgWidget, Qt, QUrl, QVBoxLayout,
                  QWidget, Signal)
from ..workers import run_task
from .cases_dialog import CasesDialog
from .tables import ReportTable

KINDS = ("月报", "季度", "年度", "1—N月累计", "自定义")


def compute(ws, period: Period, unit: str, progress=None) -> dict:
    """Everything the screen shows, computed in one go (in the worker thread)."""
    data = ws.reports.dataset(period, unit or None, progress=progress)
    return {"dataset": data, "tables": ws.reports.tables(data), "summary": ws.reports.summary(data),
            "charts": {name: ws.reports.chart_svg(name, data) for name in ("trend", "by_category", "units")}}


class ReportScreen(QWidget):
    openCase = Signal(int)
    openDispute = Signal(int)

    def __init__(self, ws, actor: str, db_path: str | None = None, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        self.db_path = db_path if db_path and db_path != ":memory:" else None
        self.result: dict | None = None
        self.last_pdf = ""
        self._task = None
        today = ws.now().date()
        last = date.fromordinal(today.replace(day=1).toordinal() - 1)      # the month just ended

        self.kind = QComboBox()
        self.kind.addItems(KINDS)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(last.year)
        self.year.setSuffix(" 年")
        self.month = QComboBox()
        for m in range(1, 13):
            self.month.addItem(f"{m}月", m)
        self.month.setCurrentIndex(last.month - 1)
        self.quarter = QComboBox()
        for q in range(1, 5):
            self.quarter.addItem(f"第{'一二三四'[q - 1]}季度", q)
        self.date_from = QDateEdit(QDate(last.year, last.month, 1))
        self.date_to = QDateEdit(QDate(last.year, last.month, last.day))
        for de in (self.date_from, self.date_to):
            de.setCalendarPopup(True)
            de.setDisplayFormat("yyyy-MM-dd")
        self.scope = QComboBox()
        self.scope.addItem("全部承办单位", "")
        for code, name, *_ in ws.store.unit_rows():
            self.scope.addItem(name, code)
        self.scope.setMinimumContentsLength(12)
        self.run_button = QPushButton("生成报表")
        self.run_button.setDefault(True)
        self.pdf_button = QPushButton("保存 PDF…")
        self.xlsx_button = QPushButton("保存 XLSX…")
        self.open_button = QPushButton("打开 PDF")
        for b in (self.pdf_button, self.xlsx_button, self.open_button):
            b.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(220)
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setObjectName("hint")

        bar = QHBoxLayout()
        for w in (QLabel("报表"), self.kind, self.year, self.month, self.quarter, self.date_from, QLabel("至"),
                  self.date_to, QLabel("范围"), self.scope, self.run_button, self.progress):
            bar.addWidget(w)
        self._to_label = bar.itemAt(6).widget()
        bar.addStretch(1)
        for w in (self.pdf_button, self.xlsx_button, self.open_button):
            bar.addWidget(w)

        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setAlignment(Qt.AlignTop)
        self.placeholder = QLabel("选择统计期间和范围后点击“生成报表”。表中蓝色数字可点击查看对应案件。")
        self.placeholder.setObjectName("hint")
        self.body_layout.addWidget(self.placeholder)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)

        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.status)
        lay.addWidget(scroll, 1)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.run_button.clicked.connect(self.generate)
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.xlsx_button.clicked.connect(lambda: self.save_xlsx())
        self.open_button.clicked.connect(self.open_pdf)
        self._kind_changed()

    # ---- the period -------------------------------------------------------------------------------
    def _kind_changed(self) -> None:
        kind = self.kind.currentText()
        self.month.setVisible(kind in ("月报", "1—N月累计"))
        self.quarter.setVisible(kind == "季度")
        self.year.setVisible(kind != "自定义")
        for w in (self.date_from, self.date_to, self._to_label):
            w.setVisible(kind == "自定义")

    def period(self) -> Period:
        kind, y, m = self.kind.currentText(), self.year.value(), self.month.currentData()
        if kind == "月报":
            return Period(date(y, m, 1), month_end(y, m))
        if kind == "季度":
            return quarter(y, self.quarter.currentData())
        if kind == "年度":
            return Period(date(y, 1, 1), date(y, 12, 31))
        if kind == "1—N月累计":
            return cumulative(y, m)
        a, b = self.date_from.date(), self.date_to.date()
        start, end = date(a.year(), a.month(), a.day()), date(b.year(), b.month(), b.day())
        if end < start:
            raise DomainError("结束日期早于开始日期，请核对")
        return Period(start, end)

    # ---- computing ----------------------------------------------------------------------------------
    def generate(self) -> None:
        try:
            period = self.period()
        except DomainError as e:
            self.status.setText(e.message)
            return
        unit = self.scope.currentData() or ""
        self.run_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.status.setText(f"正在统计{period.label}……")
        if self.db_path is None:          # an in-memory workspace cannot be opened twice: compute here
            try:
                self._done(compute(self.ws, period, unit, lambda p, t: self.progress.setValue(p)))
            except DomainError as e:
                self._failed(e.message)
            return

        try:
            self.ws.reports.check_access()
        except DomainError as e:
            self._failed(e.message)
            return
        user = self.ws.access.user        # the worker's own connection acts as the logged-in user

        def work(ws, ctx):
            ws.access.enter(user)
            return compute(ws, period, unit, lambda p, text: ctx.report(p, 100, text))

        self._task = run_task(work, self.db_path, on_done=self._done, on_failed=self._failed, parent=self)
        self._task.progressed.connect(self._progressed)

    def _progressed(self, done: int, total: int, text: str) -> None:
        self.progress.setValue(done)
        if text:
            self.status.setText(f"正在统计：{text}……")

    def _failed(self, message: str) -> None:
        self.run_button.setEnabled(True)
        self.progress.setVisible(False)
        self.status.setText(f"统计失败：{message}")

    def _done(self, result: dict) -> None:
        self.result = result
        self.run_button.setEnabled(True)
        self.progress.setVisible(False)
        d = result["dataset"]
        self.status.setText(f"{d['scope']['name']} {d['period']['label']}（{d['period']['from']} 至 "
                            f"{d['period']['to']}），制表 {d['as_of'][:16]}，用时 {d['seconds']} 秒")
        for b in (self.pdf_button, self.xlsx_button):
            b.setEnabled(True)
        self._show(result)

    def _clear(self) -> None:
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()

    def _show(self, result: dict) -> None:
        self._clear()
        d = result["dataset"]
        title = QLabel(f"{d['period']['label']}信访形势分析")
        title.setObjectName("reportTitle")
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        title.setAlignment(Qt.AlignCenter)
        self.body_layout.addWidget(title)
        summary = QLabel("\n".join("　　" + s for s in result["summary"]))
        summary.setWordWrap(True)
        summary.setTextInteractionFlags(Qt.TextSelectableByMouse)
        summary.setStyleSheet("font-size: 14px; line-height: 150%;")
        self.body_layout.addWidget(summary)
        charts = QHBoxLayout()
        for name in ("trend", "by_category", "units"):
            svg = QSvgWidget()
            svg.load(QByteArray(result["charts"][name].encode("utf-8")))
            svg.setMinimumSize(400, 200)
            svg.setMaximumHeight(260)
            charts.addWidget(svg)
        frame = QFrame()
        frame.setLayout(charts)
        self.body_layout.addWidget(frame)
        self.tables = []
        for t in result["tables"]:
            caption = QLabel(t["title"])
            caption.setStyleSheet("font-weight: bold; font-size: 15px; margin-top: 8px;")
            self.body_layout.addWidget(caption)
            table = ReportTable(t)
            table.numberClicked.connect(self.show_cases)
            self.tables.append(table)
            self.body_layout.addWidget(table)
            if t.get("note"):
                note = QLabel(t["note"])
                note.setObjectName("hint")
                note.setWordWrap(True)
                self.body_layout.addWidget(note)

    # ---- drilling down --------------------------------------------------------------------------------
    def show_cases(self, path: str, label: str) -> CasesDialog | None:
        if self.result is None:
            return None
        query = self.result["dataset"]["queries"].get(path)
        if query is None:
            return None
        disputes = query.get("kind") == "disputes"       # a mediation number lists disputes, not cases
        try:
            ids = (self.ws.reports.dispute_ids if disputes else self.ws.reports.case_ids)(query)
        except DomainError as e:
            self.status.setText(e.message)
            return None
        dialog = CasesDialog(self.ws, label, ids, self, disputes=disputes)
        dialog.openCase.connect(self.openDispute.emit if disputes else self.openCase.emit)
        dialog.show()
        return dialog

    # ---- saving -----------------------------------------------------------------------------------------
    def _ask(self, title: str, suffix: str, path: str | None) -> str | None:
        if path:
            return path
        d = self.result["dataset"]
        default = str(Path.home() / f"{d['scope']['name']}{d['period']['label']}信访形势分析.{suffix}")
        path, _ = QFileDialog.getSaveFileName(self, title, default, f"{suffix.upper()} 文件 (*.{suffix})")
        if path and not path.lower().endswith("." + suffix):
            path += "." + suffix
        return path or None

    def save_pdf(self, path: str | None = None) -> str | None:
        path = self._ask("保存报表 PDF", "pdf", path)
        if not path:
            return None
        return self._write(path, lambda: self.ws.reports.pdf(self.result["dataset"], self.actor), pdf=True)

    def save_xlsx(self, path: str | None = None) -> str | None:
        path = self._ask("保存报表 XLSX", "xlsx", path)
        if not path:
            return None
        return self._write(path, lambda: self.ws.reports.xlsx(self.result["dataset"]), pdf=False)

    def _write(self, path: str, make, pdf: bool) -> str | None:
        try:
            Path(path).write_bytes(make())
        except DomainError as e:
            self.status.setText(f"保存失败：{e.message}")
            return None
        except OSError as e:
            self.status.setText(f"无法写入文件 {path}：{e.strerror or e}。请换一个位置保存。")
            return None
        self.status.setText(f"已保存：{path}")
        if pdf:
            self.last_pdf = path
            self.open_button.setEnabled(True)
        return path

    def open_pdf(self) -> None:
        if self.last_pdf:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.last_pdf))

    def stop_timers(self) -> None:
        if self._task is not None and self._task.isRunning():
            self._task.cancel()
            self._task.wait(5000)

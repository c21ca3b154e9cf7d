"""设置 › 数据完整性: the ledger's anchor to write down, and the full (or anchored) check with progress,
run off the GUI thread on its own connection."""
from __future__ import annotations

from ..services.integrity import LIMITS
from .qt import (QApplication, QCheckBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                 QVBoxLayout, QWidget)
from .workers import run_with_progress

HOW_TO_KEEP = ("锚点是账本当前的序号和哈希。请定期（如每月报表时）把它抄在纸上签字存档，或报送上级/另一单位留存；"
               "月报和备份清单上也印有锚点。日后在下面填入当时的锚点再检查，即可确认此前的记录没有被改写。")


class IntegrityPage(QWidget):
    def __init__(self, ws, parent=None):
        super().__init__(parent)
        self.ws = ws
        self.task = None
        self.last_report: dict | None = None
        self.anchor = QLineEdit()
        self.anchor.setReadOnly(True)
        self.anchor.setObjectName("anchor")
        self.copy_button = QPushButton("复制锚点")
        self.copy_button.clicked.connect(lambda: QApplication.clipboard().setText(self.anchor.text()))
        self.kept = QLineEdit()
        self.kept.setPlaceholderText("可选：填入以前抄录的锚点（序号:哈希），只检查其后的部分")
        self.deep = QCheckBox("深度检查（另逐条核对每个索引与数据行；百万件约多 2～3 分钟）")
        self.check_button = QPushButton("检查")
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self.run_check)
        self.result = QLabel("尚未检查")
        self.result.setWordWrap(True)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setPlaceholderText("检查发现的问题会列在这里")
        how = QLabel(HOW_TO_KEEP + "\n" + LIMITS)
        how.setWordWrap(True)
        how.setObjectName("hint")

        row = QHBoxLayout()
        row.addWidget(self.anchor, 1)
        row.addWidget(self.copy_button)
        form = QFormLayout()
        form.addRow("当前锚点：", row)
        check_row = QHBoxLayout()
        check_row.addWidget(self.kept, 1)
        check_row.addWidget(self.check_button)
        form.addRow("核对：", check_row)
        form.addRow("", self.deep)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(how)
        lay.addWidget(self.result)
        lay.addWidget(self.problems, 1)
        self.refresh()

    def refresh(self) -> None:
        self.anchor.setText(self.ws.anchor())

    def run_check(self) -> None:
        kept = self.kept.text().strip() or None
        path = self.ws.store.path
        deep = self.deep.isChecked()

        def work(ws, ctx):
            return ws.check(anchor=kept, deep=deep,
                            progress=lambda d, t: (ctx.check(), ctx.report(d, t, "正在检查账本和每件案件的事件…")))

        if path == ":memory:":          # tests: no second connection to an in-memory database
            try:
                self.show_report(self.ws.check(anchor=kept, deep=deep))
            except Exception as exc:   # noqa: BLE001 - shown like the worker's failures
                self.show_failure(str(getattr(exc, "message", exc)))
            return
        self.check_button.setEnabled(False)
        self.task = run_with_progress(self, "数据完整性检查", work, path, label="正在检查…",
                                      on_done=self.show_report, on_failed=self.show_failure)
        self.task.finished.connect(lambda: self.check_button.setEnabled(True))

    def show_report(self, report: dict) -> None:
        self.last_report = report
        self.refresh()
        if report["ok"]:
            self.result.setText(f"全部完好：案件 {report['cases']:,} 件，账本 {report['ledger_entries']:,} 条"
                                + (f"（自锚点第 {report['checked_from']:,} 条起核对）" if report["checked_from"] else "")
                                + f"；{report.get('integrity_of', 'SQLite 文件')}：{_files(report)}")
            self.result.setStyleSheet("color: #1b5e20;")
            self.problems.setPlainText("")
        else:
            self.result.setText(f"发现 {len(report['problems'])} 处问题，请保留现场并报告管理员：")
            self.result.setStyleSheet("color: #b71c1c;")
            self.problems.setPlainText("\n".join(report["problems"]))

    def show_failure(self, message: str) -> None:
        self.result.setText(f"检查未能完成：{message}")
        self.result.setStyleSheet("color: #b71c1c;")


def _files(report: dict) -> str:
    """What was checked of the files; on a server that leaves them to itself, why (and what the administrator
    can do about it)."""
    if report.get("integrity", "").startswith("由服务器负责"):
        return report["integrity"]
    return report.get("integrity_kind", "")


__all__ = ["IntegrityPage"]

"""设置 → 报表与文书: the 标红 threshold of the unit ranking, the document-number prefix of each notice,
and the print fonts (the office PC's 仿宋/小标宋/黑体/楷体 TrueType files; empty = automatic)."""
from __future__ import annotations

from ...domain.problems import DomainError
from ..qt import (QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox,
                  QVBoxLayout, QWidget)


class ReportSettingsPage(QWidget):
    def __init__(self, ws, actor: str, parent=None):
        super().__init__(parent)
        self.ws, self.actor = ws, actor
        self.message = QLabel()
        self.message.setWordWrap(True)

        box = QGroupBox("报表")
        form = QFormLayout(box)
        self.threshold = QSpinBox()
        self.threshold.setRange(1, 100)
        self.threshold.setSuffix(" %")
        form.addRow("单位指标低于此值标红", self.threshold)

        nbox = QGroupBox("文书文号前缀（如“城信受”→ 城信受〔2026〕12号）")
        nform = QFormLayout(nbox)
        self.prefixes: dict[str, QLineEdit] = {}
        for kind in ws.notices.prefixes():
            edit = QLineEdit()
            edit.setMaxLength(12)
            self.prefixes[kind] = edit
            nform.addRow(kind, edit)

        fbox = QGroupBox("打印字体（TrueType .ttf/.ttc；留空则自动：本机的仿宋、黑体、楷体，或内置文泉驿微米黑）")
        fform = QFormLayout(fbox)
        self.font_edits: dict[str, QLineEdit] = {}
        self.font_used: dict[str, QLabel] = {}
        for role, info in ws.reports.fonts().items():
            edit = QLineEdit()
            edit.setPlaceholderText("自动")
            pick = QPushButton("选择…")
            pick.clicked.connect(lambda _=False, r=role: self.pick_font(r))
            used = QLabel()
            used.setObjectName("hint")
            row = QVBoxLayout()
            line = QHBoxLayout()
            line.addWidget(edit, 1)
            line.addWidget(pick)
            row.addLayout(line)
            row.addWidget(used)
            fform.addRow(info["label"], row)
            self.font_edits[role], self.font_used[role] = edit, used

        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.save)
        lay = QVBoxLayout(self)
        for w in (box, nbox, fbox):
            lay.addWidget(w)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        lay.addLayout(bottom)
        lay.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        self.threshold.setValue(round(self.ws.reports.threshold() * 100))
        for kind, prefix in self.ws.notices.prefixes().items():
            self.prefixes[kind].setText(prefix)
        for role, info in self.ws.reports.fonts().items():
            self.font_edits[role].setText(info["file"])
            self.font_used[role].setText(f"现在使用：{info['used']}")

    def pick_font(self, role: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择字体文件", "", "TrueType 字体 (*.ttf *.ttc *.TTF *.TTC)")
        if path:
            self.font_edits[role].setText(path)

    def save(self) -> bool:
        try:
            self.ws.reports.set_threshold(self.threshold.value(), self.actor)
            current = self.ws.notices.prefixes()
            for kind, edit in self.prefixes.items():
                if edit.text().strip() != current[kind]:
                    self.ws.notices.set_prefix(kind, edit.text(), self.actor)
            for role, edit in self.font_edits.items():
                self.ws.reports.set_font_file(role, edit.text(), self.actor)
        except DomainError as e:
            self.message.setText(e.message)
            self.message.setStyleSheet("color: #b71c1c;")
            return False
        self.message.setText("已保存。")
        self.message.setStyleSheet("color: #2e7d32;")
        self.refresh()
        return True

"""附件 on a case: each file with its size and date and 打开; 添加附件… copies more files in."""
from __future__ import annotations

from pathlib import Path

from ...domain.problems import DomainError, StaleRecord
from ..qt import QDesktopServices, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, Qt, QUrl, QVBoxLayout
from ..widgets import clear_layout, file_size_text


def _breakable(name: str, run: int = 20) -> str:
    """A file name that a word-wrapping label can break: a zero-width space after _ - . and in long runs."""
    out, n = [], 0
    for ch in name:
        out.append(ch)
        n = 0 if ch in " _-.\u3000" or ord(ch) > 0x2e80 else n + 1
        if ch in "_-." or n >= run:
            out.append("\u200b")
            n = 0
    return "".join(out)


class AttachmentsSectionMixin:
    """CaseDetail's 附件 box: `attachment_rows` holds (attachment, name, size, date, button) per file."""

    def _build_attachments_box(self) -> QGroupBox:
        """附件: each file with its size and date, 打开; 添加附件… copies more files in."""
        box = QGroupBox("附件")
        self.attachments_box = box
        v = QVBoxLayout(box)
        v.setSpacing(4)
        self.attachments_grid = QGridLayout()
        self.attachments_grid.setHorizontalSpacing(10)
        self.attachments_grid.setVerticalSpacing(2)
        self.attachments_grid.setColumnStretch(0, 1)
        v.addLayout(self.attachments_grid)
        self.add_attachment_button = QPushButton("添加附件…")
        self.add_attachment_button.setToolTip("选择文件（可多选），复制到数据目录并记入办理过程")
        self.add_attachment_button.clicked.connect(lambda: self.choose_attachments())
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add_attachment_button)
        v.addLayout(row)
        self.attachment_rows: list[tuple] = []
        return box

    def _fill_attachments(self) -> None:
        clear_layout(self.attachments_grid)
        self.attachment_rows = []
        atts = list(self.case.attachments)
        self.attachments_box.setTitle(f"附件（{len(atts)}）" if atts else "附件")
        if not atts:
            none = QLabel("（无）")
            none.setStyleSheet("color: #607d8b;")
            self.attachments_grid.addWidget(none, 0, 0)
            return
        for i, a in enumerate(atts):
            name = QLabel(_breakable(a.filename))
            name.setWordWrap(True)
            name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            name.setToolTip(f"{a.filename}\nSHA-256 {a.sha256}")
            size = QLabel(file_size_text(a.size))
            size.setStyleSheet("color: #455a64;")
            when = QLabel(f"{a.added_at:%Y-%m-%d %H:%M}" if a.added_at else "")
            when.setStyleSheet("color: #455a64;")
            button = QPushButton("打开")
            button.setToolTip("用系统默认程序打开")
            button.clicked.connect(lambda _=False, a=a: self.open_attachment(a))
            self.attachments_grid.addWidget(name, i, 0)
            self.attachments_grid.addWidget(size, i, 1, Qt.AlignmentFlag.AlignRight)
            self.attachments_grid.addWidget(when, i, 2)
            self.attachments_grid.addWidget(button, i, 3)
            self.attachment_rows.append((a, name, size, when, button))

    def attachment_names(self) -> list[str]:
        return [r[0].filename for r in self.attachment_rows]

    def choose_attachments(self) -> bool:
        paths, _ = QFileDialog.getOpenFileNames(self, "添加附件", "", "所有文件 (*)")
        return self.add_attachments(paths) if paths else False

    def add_attachments(self, paths) -> bool:
        """Copy files into the case (ws.add_attachments); a refusal goes to the banner."""
        paths = [str(p) for p in paths]
        try:
            self.ws.add_attachments(self.case.id, paths, self.actor, version=self.case.version)
        except StaleRecord as e:
            self.refused_as_stale(e)
            return False
        except DomainError as e:
            self.show_banner(e.message, "error")
            return False
        self.reload()
        self.show_banner("已添加附件：" + "、".join(Path(p).name for p in paths), "ok")
        self.changed.emit(self.case.id)
        return True

    def open_attachment(self, attachment) -> Path | None:
        try:
            path = self.ws.attachment_path(attachment)
        except DomainError as e:
            self.show_banner(e.message, "error")
            return None
        if not path.is_file():
            self.show_banner(f"附件文件不存在：{path}（可能已被移动或删除）", "error")
            return None
        self.open_url(QUrl.fromLocalFile(str(path)))
        return path

    def open_url(self, url) -> None:
        """The one place that hands a file to the system (tests replace it)."""
        QDesktopServices.openUrl(url)

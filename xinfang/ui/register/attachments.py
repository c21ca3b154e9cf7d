"""附件 on the 登记 form: files to copy into the data folder when the case is saved (the originals stay)."""
from __future__ import annotations

from pathlib import Path

from ..qt import (QAbstractItemView, QFileDialog, QGroupBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                  Qt, QVBoxLayout)
from ..widgets import file_size_text
from .messages import GREY


class AttachmentsMixin:
    """RegisterForm's 附件 box: `attachment_list` holds the paths (UserRole); 添加附件… / 移除."""

    def _build_attachments(self) -> QGroupBox:
        files = QGroupBox("附件")
        fl = QHBoxLayout(files)
        self.attachment_list = QListWidget()
        self.attachment_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.attachment_list.setFixedHeight(78)
        self.attachment_list.setToolTip("保存登记时，这些文件会复制到数据目录，并记录 SHA-256 校验值")
        self.attachment_list.currentRowChanged.connect(lambda *_: self._attachment_buttons())
        self.attachment_list.itemSelectionChanged.connect(self._attachment_buttons)
        self.add_attachment_button = QPushButton("添加附件…")
        self.add_attachment_button.setToolTip("选择信件扫描件、照片等文件（可多选）")
        self.add_attachment_button.clicked.connect(lambda: self.choose_attachments())
        self.remove_attachment_button = QPushButton("移除")
        self.remove_attachment_button.setToolTip("从附件列表中移除选中的文件（不删除原文件）")
        self.remove_attachment_button.clicked.connect(lambda: self.remove_attachments())
        self.attachment_hint = QLabel("可不添加。保存时复制到数据目录，原文件不受影响。")
        self.attachment_hint.setStyleSheet(f"color: {GREY}; font-size: 12px;")
        self.attachment_hint.setWordWrap(True)
        fb = QVBoxLayout()
        fb.addWidget(self.add_attachment_button)
        fb.addWidget(self.remove_attachment_button)
        fb.addStretch(1)
        fleft = QVBoxLayout()
        fleft.addWidget(self.attachment_list)
        fleft.addWidget(self.attachment_hint)
        fl.addLayout(fleft, 1)
        fl.addLayout(fb)
        return files

    def choose_attachments(self) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(self, "添加附件", "", "所有文件 (*)")
        return self.add_attachments(paths)

    def add_attachments(self, paths) -> list[str]:
        """Put files on the attachment list (the same file only once); returns the paths added."""
        have = set(self.attachment_paths())
        added = []
        for raw in paths:
            path = str(Path(raw))
            if not path or path in have:
                continue
            p = Path(path)
            try:
                size = file_size_text(p.stat().st_size)
            except OSError:
                size = "文件不存在"
            item = QListWidgetItem(f"{p.name}　（{size}）")
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.attachment_list.addItem(item)
            have.add(path)
            added.append(path)
        self._attachment_buttons()
        return added

    def attachment_paths(self) -> list[str]:
        return [self.attachment_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.attachment_list.count())]

    def remove_attachments(self) -> None:
        """Take the selected files (or the current one) off the list."""
        rows = sorted({self.attachment_list.row(it) for it in self.attachment_list.selectedItems()}, reverse=True)
        if not rows and self.attachment_list.currentRow() >= 0:
            rows = [self.attachment_list.currentRow()]
        for r in rows:
            self.attachment_list.takeItem(r)
        self._attachment_buttons()

    def _attachment_buttons(self) -> None:
        n = self.attachment_list.count()
        self.remove_attachment_button.setEnabled(n > 0)
        self.attachment_hint.setText(f"共 {n} 个文件，保存时复制到数据目录，原文件不受影响。" if n else
                                     "可不添加。保存时复制到数据目录，原文件不受影响。")

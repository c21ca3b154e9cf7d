"""打印 on a case: the 信访事项登记表 and the 转送单/交办单 as PDF files (masked unless 打印完整证件号)."""
from __future__ import annotations

from pathlib import Path

from ...domain.problems import DomainError
from ..qt import QDesktopServices, QFileDialog, QUrl


class PrintingMixin:
    """CaseDetail's print buttons; `last_pdf` is the file written last (打开文件 opens it)."""

    def print_sheet(self, path: str | None = None, open_after: bool | None = None) -> str | None:
        """Write the 信访事项登记表 PDF; ask where when no path is given. Returns the path written."""
        return self._write_pdf(self.ws.sheet_pdf, "登记表", "保存信访事项登记表", "打印失败", path, open_after)

    def print_slip(self, path: str | None = None, open_after: bool | None = None) -> str | None:
        """Write the 转送单/交办单 PDF for the case's unit; ask where when no path is given."""
        return self._write_pdf(self.ws.slip_pdf, "转送单", "保存转送单（交办单）", "无法打印转送单", path, open_after)

    def _write_pdf(self, make, name: str, title: str, refused: str, path: str | None,
                   open_after: bool | None) -> str | None:
        """Ask where (unless told), let `make` (ws.sheet_pdf / ws.slip_pdf) build the PDF and write it; say how it went."""
        mask = not self.unmasked_print.isChecked()
        if path is None:
            default = str(Path.home() / f"{name}-{self.case.number}.pdf")
            path, _ = QFileDialog.getSaveFileName(self, title, default, "PDF 文件 (*.pdf)")
            if not path:
                return None
            if not path.lower().endswith(".pdf"):
                path += ".pdf"
        try:
            data = make(self.case.id, self.actor, mask=mask)
            Path(path).write_bytes(data)
        except DomainError as e:
            self.show_banner(f"{refused}：{e.message}", "error")
            return None
        except OSError as e:
            self.show_banner(f"无法写入文件 {path}：{e.strerror or e}。请换一个位置保存。", "error")
            return None
        except Exception as e:       # the report layer failed: say so rather than crash the window
            self.show_banner(f"生成{name}失败：{e}", "error")
            return None
        self.last_pdf = path
        self.show_banner(f"{name}已保存：{path}" + ("" if mask else "（含完整证件号，请妥善保管）"), "ok")
        self.open_pdf_button.setVisible(True)
        if open_after:
            self.open_last_pdf()
        return path

    def open_last_pdf(self) -> None:
        if self.last_pdf:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.last_pdf))

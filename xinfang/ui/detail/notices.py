"""出具文书 on a case: a menu of the six notices, those the case's state allows enabled; one click on a kind
issues it (or reprints it with the same number), writes the PDF and opens it — two clicks in all."""
from __future__ import annotations

from pathlib import Path

from ...domain.problems import DomainError
from ..qt import QAction, QDesktopServices, QMenu, QPushButton, QUrl

KINDS = ("受理告知书", "不予受理告知书", "延期告知书", "处理意见书", "复查意见书", "复核意见书")


class NoticesMixin:
    def _build_notices_button(self) -> QPushButton:
        self.notice_button = QPushButton("出具文书")
        self.notice_button.setToolTip("受理告知书、不予受理告知书、延期告知书、处理意见书、复查意见书、复核意见书；"
                                      "重复打印使用同一文号")
        self.notice_menu = QMenu(self.notice_button)
        self.notice_actions: dict[str, QAction] = {}
        for kind in KINDS:
            action = self.notice_menu.addAction(kind)
            action.triggered.connect(lambda _=False, k=kind: self.issue_notice(k))
            self.notice_actions[kind] = action
        self.notice_button.setMenu(self.notice_menu)
        return self.notice_button

    def _fill_notices(self) -> None:
        if self.case is None:
            return
        issued = {e.payload.get("kind"): e.payload.get("number") for e in self.case.events if e.action == "notice"}
        allowed = self.ws.notices.can_issue(self.case)
        self.notice_button.setEnabled(allowed)
        self.notice_button.setToolTip("" if allowed else "出具文书需要“登记员”或本单位“承办”角色")
        for kind, action in self.notice_actions.items():
            reason = self.ws.notices.refusal(self.case, kind)
            action.setEnabled(not reason)
            action.setText(f"{kind}（{issued[kind]}，重新打印）" if kind in issued else kind)
            action.setToolTip(reason)
        self.notice_menu.setToolTipsVisible(True)

    def notice_folder(self) -> Path:
        folder = self.ws.files.notice_folder()
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def issue_notice(self, kind: str, open_after: bool = True) -> str | None:
        """Issue (or reprint) the notice, write it next to the database and open it. Returns the path."""
        try:
            issued = self.ws.notices.issue(self.case.id, kind, self.actor)
            data = self.ws.notices.pdf(issued, self.actor)
            safe = issued.number.replace("〔", "(").replace("〕", ")")
            path = self.notice_folder() / f"{self.case.number}-{kind}-{safe}.pdf"
            path.write_bytes(data)
        except DomainError as e:
            self.show_banner(f"不能出具{kind}：{e.message}", "error")
            return None
        except OSError as e:
            self.show_banner(f"无法保存{kind}：{e.strerror or e}", "error")
            return None
        self.last_pdf = str(path)
        self.open_pdf_button.setVisible(True)
        self.show_banner(f"{kind}（{issued.number}）{'已重新打印' if issued.reprint else '已出具'}：{path}", "ok")
        if not issued.reprint:
            self.reload()
            self.changed.emit(self.case.id)
        if open_after:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return str(path)

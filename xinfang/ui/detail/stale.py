"""When another seat changed the case first (optimistic concurrency, issue 12 §2): the refusal is shown as a
message, and the case is reloaded so the user decides again on what is there now."""
from __future__ import annotations

from ...domain.problems import StaleRecord
from .. import guard

AFTER_RELOAD = "已刷新为他人更新后的最新内容，请核对后再办理。"


class StaleCaseMixin:
    """Mixed into CaseDetail (uses its reload, show_banner, changed, active_dialog)."""

    def watch_stale(self, dlg) -> None:
        """A dialog that was refused as stale closes itself with `dlg.stale` set; then reload here."""
        dlg.rejected.connect(lambda: self.refused_as_stale(dlg.stale) if getattr(dlg, "stale", None) else None)

    def refused_as_stale(self, exc: StaleRecord) -> None:
        self.active_dialog = None
        self.reload()
        self.show_banner(f"{exc.message}。{AFTER_RELOAD}", "error")
        guard.report(exc, self)                    # the refusal itself, as a message box
        if self.case is not None:
            self.changed.emit(self.case.id)        # lists showing the case refresh too

"""When another seat changed the record first (optimistic concurrency, issue 12 §2): the refusal is shown as a
message, and the case, dispute or 积案 record is reloaded so the user decides again on what is there now."""
from __future__ import annotations

from ..domain.problems import StaleRecord
from . import guard

AFTER_RELOAD = "已刷新为他人更新后的最新内容，请核对后再办理。"


class StaleMixin:
    """Mixed into a detail widget with `reload`, `show_banner`, `active_dialog` and `emit_changed`."""

    def watch_stale(self, dlg) -> None:
        """A dialog refused as stale closes itself with `dlg.stale` set; then reload here."""
        dlg.rejected.connect(lambda: self.refused_as_stale(dlg.stale) if getattr(dlg, "stale", None) else None)

    def refused_as_stale(self, exc: StaleRecord) -> None:
        self.active_dialog = None
        self.reload()
        self.show_banner(f"{exc.message}。{AFTER_RELOAD}", "error")
        guard.report(exc, self)                    # the refusal itself, as a message box
        self.emit_changed()                        # lists showing the record refresh too

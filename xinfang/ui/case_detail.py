"""One case, kept importable from here: the widget and its sections live in the `detail` package (widget, route,
deadlines, timeline, attachments, printing, reroute_dialog)."""
from .detail.deadlines import BADGE_COLORS, BADGES_PER_ROW, DeadlineBadge
from .detail.reroute_dialog import RerouteDialog
from .detail.timeline import KEY_ORDER, PAYLOAD_LABELS, STEP_WORDS, TIMELINE_WRAP, describe_payload
from .detail.widget import CaseDetail
from .widgets import BANNER_STYLES as BANNER, file_size_text

__all__ = ["BADGE_COLORS", "BADGES_PER_ROW", "BANNER", "CaseDetail", "DeadlineBadge", "KEY_ORDER", "PAYLOAD_LABELS",
           "RerouteDialog", "STEP_WORDS", "TIMELINE_WRAP", "describe_payload", "file_size_text"]

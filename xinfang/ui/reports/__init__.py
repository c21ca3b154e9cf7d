"""The 报表 screen (issue 10 §5)."""
from .screen import ReportScreen

__all__ = ["ReportScreen"]

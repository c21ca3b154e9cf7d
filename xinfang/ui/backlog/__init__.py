"""积案化解 screens: the 积案 page (board, candidates, 公开接访), a record's detail, the 工作台 panel and dialogs."""
from .dialogs import TakeOnDialog
from .record_detail import RecordDetail
from .screen import BacklogScreen
from .workbench import BacklogPanel

__all__ = ["BacklogScreen", "RecordDetail", "BacklogPanel", "TakeOnDialog"]

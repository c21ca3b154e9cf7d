"""The UI font: the bundled WenQuanYi Micro Hei (tech-notes §2), so Chinese renders on a bare machine.

Where the office PC has Microsoft YaHei (Windows), that is used instead: it is what clerks are used to."""
from __future__ import annotations

import logging

from ..resources import resource_path
from .qt import QApplication, QFont, QFontDatabase

log = logging.getLogger(__name__)

BUNDLED = ("fonts", "wqy-microhei.ttc")
PREFERRED = ("Microsoft YaHei UI", "Microsoft YaHei")
_family: str | None = None


def register_fonts() -> str:
    """Register the bundled CJK font once; return the family the UI should use ('' if none)."""
    global _family
    if _family is not None:
        return _family
    family = ""
    path = resource_path(*BUNDLED)
    if path.exists():
        fid = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(fid) if fid >= 0 else []
        if families:
            family = families[0]
        else:
            log.warning("could not load the bundled font %s", path)
    installed = set(QFontDatabase.families())
    for name in PREFERRED:
        if name in installed:
            family = name
            break
    _family = family
    return family


def apply_app_font(app: QApplication, point_size: int = 10) -> str:
    family = register_fonts()
    if family:
        font = QFont(family)
        font.setPointSize(point_size)
        app.setFont(font)
    return family

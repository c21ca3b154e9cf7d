"""Where the shipped resources live.

- installed from a wheel: inside the package as `xinfang/bundled/` (setup.py maps the top-level `resources/`
  there), found through importlib.resources;
- in a checkout or an editable install: the top-level `resources/` beside the package;
- in the PyInstaller bundle: `resources/` under `sys._MEIPASS` (build_installer.spec puts it there).
"""
from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

PACKAGED = "bundled"


def resource_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    packaged = resources.files(__package__).joinpath(PACKAGED)
    if packaged.is_dir():
        # A wheel installs plain files, so the traversable is a real path (fonts are handed to Qt/reportlab by path).
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)

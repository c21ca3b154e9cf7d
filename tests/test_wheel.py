"""The wheel carries everything the program reads at run time (tech-notes F1): every migration, every
resource file (fonts, calendars, rules, icons) and every module. `.ci/wheel` then installs it for real."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _expected() -> set[str]:
    names = {f"xinfang/storage/migrations/{p.name}" for p in (ROOT / "xinfang/storage/migrations").glob("*.sql")}
    names |= {f"xinfang/storage/pg/migrations/{p.name}" for p in (ROOT / "xinfang/storage/pg/migrations").glob("*.sql")}
    for path in (ROOT / "resources").rglob("*"):
        if path.is_file() and path.suffix not in (".py", ".pyc"):
            names.add("xinfang/bundled/" + path.relative_to(ROOT / "resources").as_posix())
    for path in (ROOT / "xinfang").rglob("*.py"):
        names.add(path.relative_to(ROOT).as_posix())
    return names


@pytest.mark.slow
def test_built_wheel_contains_every_migration_resource_and_module(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("xinfang-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = _expected()
    assert {"xinfang/storage/migrations/0001_initial.sql", "xinfang/storage/pg/migrations/0028_initial.sql",
            "xinfang/bundled/fonts/wqy-microhei.ttc",
            "xinfang/bundled/calendars/holidays-cn.csv", "xinfang/bundled/rules/rules.csv",
            "xinfang/bundled/icons/xinfang.png"} <= expected
    assert expected - names == set()
    # developer scripts beside the data stay out
    assert not [n for n in names if n.startswith("xinfang/bundled/") and n.endswith(".py")]
    assert any(n.endswith(".dist-info/entry_points.txt") for n in names)


def test_resource_dir_prefers_the_packaged_copy(tmp_path, monkeypatch):
    import xinfang
    from xinfang import resources

    # checkout / editable: the top-level resources/ (no xinfang/bundled in the tree)
    assert resources.resource_path("fonts", "wqy-microhei.ttc") == ROOT / "resources/fonts/wqy-microhei.ttc"
    # PyInstaller bundle: under _MEIPASS
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resource_dir() == tmp_path / "resources"
    assert Path(xinfang.__file__).parent.joinpath("bundled").exists() is False

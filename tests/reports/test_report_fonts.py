from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics

from xinfang.reports import fonts
from xinfang.resources import resource_path


def test_every_role_has_a_registered_truetype_font():
    names = fonts.register_fonts()
    assert set(names) == set(fonts.ROLES)
    for role in fonts.ROLES:
        name = fonts.font_for(role)
        assert name == names[role]
        assert name in pdfmetrics.getRegisteredFontNames()
        assert name != "STSong-Light"


def test_registration_is_idempotent():
    first = fonts.register_fonts()
    again = fonts.register_fonts()
    assert first == again
    assert fonts.font_for("body") is fonts.font_for("body")


def test_unknown_role_is_refused():
    with pytest.raises(ValueError):
        fonts.font_for("bold-italic")


def test_bundled_font_has_truetype_outlines():
    assert fonts.has_truetype_outlines(resource_path("fonts", "wqy-microhei.ttc"))


def test_cff_and_junk_files_are_not_truetype(tmp_path):
    cff = tmp_path / "cff.otf"
    cff.write_bytes(b"OTTO" + b"\x00" * 60)
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"not a font")
    assert not fonts.has_truetype_outlines(cff)
    assert not fonts.has_truetype_outlines(junk)
    assert not fonts.has_truetype_outlines(tmp_path / "missing.ttf")


def test_reports_import_only_domain_and_resources():
    """Layer rule (architecture.md §1): reports may use xinfang.domain and xinfang.resources only."""
    import ast
    from pathlib import Path

    pkg = Path(fonts.__file__).parent
    for path in pkg.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            mods = []
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods = [node.module]
            for mod in mods:
                if mod.startswith("xinfang"):
                    assert mod.startswith(("xinfang.domain", "xinfang.resources")), (path.name, mod)

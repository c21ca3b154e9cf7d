"""build_installer.spec, checked without building (a real build takes ~20–50 s; docs/packaging.md says how).

The spec is compiled, read as a syntax tree, and executed against stand-ins for PyInstaller's Analysis/PYZ/EXE/COLLECT
so that what it would hand to PyInstaller (entry point, data files, excludes, Qt filtering, executables) is checked.
"""
from __future__ import annotations

import ast
import os
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "build_installer.spec"


def _source() -> str:
    return SPEC.read_text(encoding="utf-8")


def _literal_assignment(name: str):
    for node in ast.walk(ast.parse(_source(), filename=str(SPEC))):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is not assigned a literal in the spec")


def test_spec_compiles_as_python():
    code = compile(_source(), str(SPEC), "exec", ast.PyCF_ONLY_AST)
    called = {n.func.id for n in ast.walk(code) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    # the four PyInstaller stages are all called by the spec
    assert {"Analysis", "PYZ", "EXE", "COLLECT"} <= called, sorted(called)


def test_spec_names_the_entry_point_resources_and_migrations():
    src = _source()
    assert "xinfang/__main__.py" in src
    assert (ROOT / "xinfang" / "__main__.py").is_file()
    assert '"resources"' in src
    assert _literal_assignment("MIGRATIONS") == "xinfang/storage/migrations"
    assert list((ROOT / "xinfang" / "storage" / "migrations").glob("*.sql"))


def test_pil_is_not_excluded():
    excludes = _literal_assignment("excludes")
    assert "PIL" not in excludes and not any(e.startswith("PIL.") for e in excludes)
    # The Qt modules the program uses must not be excluded either.
    assert not {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg", "PySide6.QtSvgWidgets",
                "reportlab", "sqlite3"} & set(excludes)


# --- executing the spec against stand-ins -------------------------------------------------------------------

class _Recorder:
    calls: list

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs
        type(self).calls.append(self)


FAKE_BINARIES = [
    ("PySide6/QtWidgets.abi3.so", "/x/QtWidgets.abi3.so", "EXTENSION"),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", "/x/libqxcb.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", "/x/libqoffscreen.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", "/x/libqvnc.so", "BINARY"),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", "/x/libqeglfs.so", "BINARY"),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", "/x/libqgtk3.so", "BINARY"),
    ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", "/x/ibus.so", "BINARY"),
    ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", "/x/xdg.so", "BINARY"),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", "/x/libqjpeg.so", "BINARY"),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", "/x/libqsvg.so", "BINARY"),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", "/x/tls.so", "BINARY"),
    ("PIL/_imaging.cpython-311-x86_64-linux-gnu.so", "/x/_imaging.so", "EXTENSION"),
]
FAKE_DATAS = [
    ("PySide6/Qt/translations/qtbase_zh_CN.qm", "/x/a.qm", "DATA"),
    ("PySide6/Qt/translations/qt_zh_CN.qm", "/x/b.qm", "DATA"),
    ("PySide6/Qt/translations/qtbase_de.qm", "/x/c.qm", "DATA"),
    ("PySide6/Qt/translations/qtdeclarative_zh_CN.qm", "/x/d.qm", "DATA"),
    ("resources/fonts/wqy-microhei.ttc", "/x/wqy.ttc", "DATA"),
]


@pytest.fixture
def run_spec(tmp_path, monkeypatch):
    def run(two_exes: bool = False):
        class Analysis(_Recorder):
            calls = []

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.binaries, self.datas, self.pure, self.scripts = list(FAKE_BINARIES), list(FAKE_DATAS), [], []

        class PYZ(_Recorder):
            calls = []

        class EXE(_Recorder):
            calls = []

        class COLLECT(_Recorder):
            calls = []

        hooks = types.ModuleType("PyInstaller.utils.hooks")
        hooks.collect_submodules = lambda package: [package, package + ".ui.app"]
        for name in ("PyInstaller", "PyInstaller.utils"):
            monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
        monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
        monkeypatch.setenv("XF_NO_PRUNE", "1")  # the readelf closure needs real libraries
        if two_exes:
            monkeypatch.setenv("XF_TWO_EXES", "1")
        else:
            monkeypatch.delenv("XF_TWO_EXES", raising=False)
        namespace = {"__name__": "__main__", "SPECPATH": str(ROOT), "workpath": str(tmp_path),
                     "Analysis": Analysis, "PYZ": PYZ, "EXE": EXE, "COLLECT": COLLECT}
        exec(compile(_source(), str(SPEC), "exec"), namespace)
        return namespace, Analysis.calls, EXE.calls, COLLECT.calls

    return run


def test_analysis_gets_launcher_resources_migrations_and_ui(run_spec):
    ns, analyses, _, _ = run_spec()
    (a,) = analyses
    (script,) = a.args[0]
    assert "from xinfang.__main__ import main" in Path(script).read_text(encoding="utf-8")
    assert not Path(script).resolve().is_relative_to(ROOT), "the launcher must not be written into the repository"

    datas = a.kwargs["datas"]
    dests = {(Path(src).name, dest.replace(os.sep, "/")) for src, dest in datas}
    assert ("wqy-microhei.ttc", "resources/fonts") in dests
    assert ("LICENSE-wqy-microhei.txt", "resources/fonts") in dests
    assert ("holidays-cn.csv", "resources/calendars") in dests
    assert {("categories.csv", "resources/rules"), ("rules.csv", "resources/rules")} <= dests
    assert ("*.sql", "xinfang/storage/migrations") in dests
    assert not any(name.endswith(".py") for name, _ in dests), "developer scripts stay out of the bundle"
    for src, _ in datas:
        assert "*" in src or Path(src).is_file(), src

    assert "xinfang.ui.app" in a.kwargs["hiddenimports"]
    assert "PIL" not in a.kwargs["excludes"]


def test_qt_plugins_and_translations_are_filtered(run_spec):
    ns, _, _, _ = run_spec()
    a = ns["a"]
    kept = {dest for dest, _, _ in a.binaries + a.datas}
    assert "PySide6/Qt/plugins/platforms/libqxcb.so" in kept
    assert "PySide6/Qt/plugins/platforms/libqoffscreen.so" in kept
    assert "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so" in kept  # Chinese IMEs
    assert "PySide6/Qt/plugins/imageformats/libqjpeg.so" in kept
    assert "PySide6/QtWidgets.abi3.so" in kept
    assert "PIL/_imaging.cpython-311-x86_64-linux-gnu.so" in kept
    assert {"PySide6/Qt/translations/qtbase_zh_CN.qm", "PySide6/Qt/translations/qt_zh_CN.qm"} <= kept
    assert "resources/fonts/wqy-microhei.ttc" in kept
    for gone in ("platforms/libqvnc.so", "platforms/libqeglfs.so", "platformthemes/libqgtk3.so",
                 "wayland-shell-integration/libxdg-shell.so", "imageformats/libqsvg.so", "tls/libqopensslbackend.so"):
        assert "PySide6/Qt/plugins/" + gone not in kept
    assert "PySide6/Qt/translations/qtbase_de.qm" not in kept
    assert "PySide6/Qt/translations/qtdeclarative_zh_CN.qm" not in kept


def test_one_folder_named_xinfang(run_spec):
    ns, _, exes, collects = run_spec()
    (coll,) = collects
    assert coll.kwargs["name"] == "xinfang"
    assert all(e.kwargs["exclude_binaries"] for e in exes)  # one-folder, not one-file
    names = [e.kwargs["name"] for e in exes]
    if sys.platform == "win32":
        assert names == ["xinfang", "xinfang-cli"]
    else:
        assert names == ["xinfang"] and exes[0].kwargs["console"] is True
    if sys.platform.startswith("linux"):
        assert all(e.kwargs["strip"] for e in exes) and coll.kwargs["strip"]


def test_two_executables_share_one_folder(run_spec):
    ns, _, exes, collects = run_spec(two_exes=True)
    assert [e.kwargs["name"] for e in exes] == ["xinfang", "xinfang-cli"]
    assert exes[1].kwargs["console"] is True
    assert exes[0].kwargs["console"] is (sys.platform != "win32")  # windowed GUI exe on Windows
    (coll,) = collects
    assert coll.args[:2] == tuple(exes)

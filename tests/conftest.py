"""Suite-wide: tracebacks logged by the error boundary and opened attachments go to temporary folders,
never the user's."""
import pytest


def pytest_collection_modifyitems(items):
    """The long tests (marked slow) start first: `.ci/test` spreads the suite over the CPUs, and a four-minute
    test that started near the end would keep the whole run waiting for it alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _log_dir(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("log")
    monkeypatch.setenv("XINFANG_LOG_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory, monkeypatch):
    """Opened copies of a server's attachments go to the user's cache folder: a temporary one here."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def require_poppler():
    """PDF checks need poppler-utils (`bash .ci/setup` installs it): a missing tool fails, never skips."""
    import shutil
    missing = [tool for tool in ("pdftotext", "pdffonts") if shutil.which(tool) is None]
    assert not missing, f"poppler-utils missing ({', '.join(missing)}): run bash .ci/setup"
